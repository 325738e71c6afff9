package sqlite

import (
	"context"
	"database/sql"
	"sync"

	"github.com/kassapay/kassa/internal/store/sqlite/litedb"
)

// stmtCache prepares each query text once and keeps it: database/sql then prepares it on each pooled connection the
// first time that connection runs it and reuses it after, so SQLite parses and plans a hot statement once per
// connection instead of once per call (re-parsing took a fifth of Kassa's CPU on the checkout path). A transaction
// runs the cached statement on its own connection (Tx.StmtContext reuses the connection's preparation). SQLite
// re-prepares a statement by itself when a migration changes the schema under it.
type stmtCache struct {
	db      *sql.DB
	mu      sync.RWMutex
	stmts   map[string]*sql.Stmt
	observe func(query string, args []any) // store.Options.Statements
}

func newStmtCache(db *sql.DB, observe func(string, []any)) *stmtCache {
	return &stmtCache{db: db, stmts: map[string]*sql.Stmt{}, observe: observe}
}

// stmt returns the cached statement of query, preparing it on a connection of the pool on a miss.
func (c *stmtCache) stmt(ctx context.Context, query string, args []any) (*sql.Stmt, error) {
	if c.observe != nil {
		c.observe(query, args)
	}
	if st := c.cached(query); st != nil {
		return st, nil
	}
	return c.prepare(ctx, query)
}

func (c *stmtCache) cached(query string) *sql.Stmt {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.stmts[query]
}

// prepare prepares query on the pool and caches it. The lock guards the map only and is never held across a call
// into database/sql: preparing waits for a free connection and closing a statement for its connection's lock, and
// the goroutine holding that connection may be waiting for the cache (a deadlock the bench found on SQLite).
func (c *stmtCache) prepare(ctx context.Context, query string) (*sql.Stmt, error) {
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	had, raced := c.stmts[query]
	if !raced {
		c.stmts[query] = st
	}
	c.mu.Unlock()
	if raced {
		st.Close() // another caller prepared it first
		return had, nil
	}
	return st, nil
}

// close closes every cached statement (before the database handle).
func (c *stmtCache) close() {
	c.mu.Lock()
	stmts := c.stmts
	c.stmts = map[string]*sql.Stmt{}
	c.mu.Unlock()
	for _, st := range stmts {
		st.Close()
	}
}

// cachedDB runs the generated queries on the pool through the cache.
type cachedDB struct{ c *stmtCache }

var _ litedb.DBTX = cachedDB{}

func (d cachedDB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := d.c.stmt(ctx, query, args)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (d cachedDB) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return d.c.db.PrepareContext(ctx, query)
}

func (d cachedDB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := d.c.stmt(ctx, query, args)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (d cachedDB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := d.c.stmt(ctx, query, args)
	if err != nil {
		// A *sql.Row carries its error only when made by database/sql; the uncached query reports the same error.
		return d.c.db.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// cachedTx runs the generated queries inside one transaction through the cache. A query the cache does not have yet
// runs unprepared and is remembered in missed, for InTx to prepare once the transaction has let its connection go:
// preparing it on the pool now would wait for a second connection while this one holds SQLite's write lock, which
// the other connections may be waiting for.
type cachedTx struct {
	c      *stmtCache
	tx     *sql.Tx
	missed *[]string
}

var _ litedb.DBTX = cachedTx{}

// stmt returns the transaction's copy of the cached statement, or nil after noting a miss.
func (t cachedTx) stmt(ctx context.Context, query string, args []any) *sql.Stmt {
	if t.c.observe != nil {
		t.c.observe(query, args)
	}
	st := t.c.cached(query)
	if st == nil {
		*t.missed = append(*t.missed, query)
		return nil
	}
	return t.tx.StmtContext(ctx, st)
}

func (t cachedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.stmt(ctx, query, args); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, query, args...)
}

func (t cachedTx) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return t.tx.PrepareContext(ctx, query)
}

func (t cachedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.stmt(ctx, query, args); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, query, args...)
}

func (t cachedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.stmt(ctx, query, args); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, query, args...)
}
