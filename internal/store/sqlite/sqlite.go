// Package sqlite implements store.Store on an embedded SQLite file (modernc.org/sqlite, pure Go), with
// sqlc-generated queries (package litedb), goose migrations embedded from migrations/, and River's SQLite driver for
// the job queue. It is Kassa's zero-setup default: one process, one file, WAL journal.
//
// Every transaction begins IMMEDIATE (the DSN sets _txlock=immediate), so a write transaction holds SQLite's single
// write lock from its first statement: that is the row lock PostgreSQL takes with FOR UPDATE, at database grain.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	sqlite3 "modernc.org/sqlite"
	sqlite3lib "modernc.org/sqlite/lib"

	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/store/sqlite/litedb"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is the SQLite store.
type Store struct {
	queries
	db    *sql.DB
	stmts *stmtCache
	jobs  store.RiverJobs[*sql.Tx]
}

var _ store.Store = (*Store)(nil)

// DSN returns the connection string for a database file: WAL journal, a 10 s busy timeout, foreign keys on,
// synchronous=NORMAL (durable across process crashes; an OS crash may lose the last transactions, see
// docs/architecture.md §13) and IMMEDIATE transactions.
func DSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	q.Set("_time_format", "sqlite")
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if needed) the database file at path. It does not migrate; call Migrate.
func Open(ctx context.Context, path string, opts store.Options) (*Store, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("sqlite: create data directory: %w", err)
		}
	}
	db, err := sql.Open("sqlite", DSN(path))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	n := opts.MaxConns
	if n <= 0 {
		n = 4
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	rc := opts.River
	if rc == nil {
		rc = &river.Config{}
	}
	client, err := river.NewClient(riversqlite.New(db), rc)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: job client: %w", err)
	}
	jobs := store.RiverJobs[*sql.Tx]{Client: client, CountJobs: func(ctx context.Context, yield func(string, store.JobState, int)) error {
		rows, err := db.QueryContext(ctx, "SELECT kind, state, count(*) FROM river_job GROUP BY kind, state")
		if err != nil {
			return err
		}
		defer rows.Close()
		return store.YieldJobCounts(rows, yield)
	}}
	stmts := newStmtCache(db, opts.Statements)
	return &Store{queries: queries{q: litedb.New(cachedDB{stmts})}, db: db, stmts: stmts, jobs: jobs}, nil
}

// DB exposes the database handle (tests and benchmarks).
func (s *Store) DB() *sql.DB { return s.db }

// Dialect implements store.Store.
func (s *Store) Dialect() string { return "sqlite" }

// Jobs implements store.Store.
func (s *Store) Jobs() store.Jobs { return s.jobs }

// Ping implements store.Store.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Close implements store.Store.
func (s *Store) Close() error {
	s.stmts.close()
	return s.db.Close()
}

type tx struct {
	queries
	tx   *sql.Tx
	jobs store.RiverJobs[*sql.Tx]
}

func (t tx) Enqueue(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	return t.jobs.EnqueueTx(ctx, t.tx, args, opts)
}

// InTx implements store.Store.
func (s *Store) InTx(ctx context.Context, fn func(store.Tx) error) error {
	t, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", mapErr(err))
	}
	var missed []string
	defer func() {
		t.Rollback() //nolint:errcheck // after Commit this is a no-op
		for _, q := range missed {
			s.stmts.prepare(context.WithoutCancel(ctx), q) //nolint:errcheck // the next call runs it unprepared again
		}
	}()
	if err := fn(tx{queries: queries{q: litedb.New(cachedTx{s.stmts, t, &missed})}, tx: t, jobs: s.jobs}); err != nil {
		return err
	}
	if err := t.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", mapErr(err))
	}
	return nil
}

// Migrate implements store.Store.
func (s *Store) Migrate(ctx context.Context) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, s.db, sub)
	if err != nil {
		return fmt.Errorf("sqlite: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	m, err := rivermigrate.New(riversqlite.New(s.db), nil)
	if err != nil {
		return fmt.Errorf("sqlite: river migrations: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("sqlite: river migrate: %w", err)
	}
	return nil
}

func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	var se *sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3lib.SQLITE_CONSTRAINT_UNIQUE, sqlite3lib.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %s", store.ErrConflict, strings.TrimPrefix(se.Error(), "constraint failed: "))
		}
	}
	return err
}
