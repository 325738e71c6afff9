// Package postgres implements store.Store on PostgreSQL with pgx, sqlc-generated queries (package pgdb), goose
// migrations embedded from migrations/, and River's pgx driver for the job queue. Several Kassa processes may share
// one database: migrations run under an advisory lock and all coordination goes through row locks and River.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/store/postgres/pgdb"
)

//go:embed migrations/*.sql
var migrations embed.FS

// defaultMaxConns is the pool size unless the URL sets pool_max_conns (docs/architecture.md §13: 32 clients reach
// PostgreSQL's group-commit ceiling).
const defaultMaxConns = 32

// migrationLockID is the advisory lock key held while migrating ("kassa" in ASCII).
const migrationLockID = 0x6b61737361

// Store is the PostgreSQL store.
type Store struct {
	queries
	pool       *pgxpool.Pool
	jobs       store.RiverJobs[pgx.Tx]
	cache      *settingsCache
	stopListen context.CancelFunc
	listening  sync.WaitGroup
}

var _ store.Store = (*Store)(nil)

// Open connects to the database at url (postgres://…). It does not migrate; call Migrate.
func Open(ctx context.Context, url string, opts store.Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse database URL: %w", err)
	}
	switch {
	case opts.MaxConns > 0:
		cfg.MaxConns = int32(opts.MaxConns)
	case !strings.Contains(url, "pool_max_conns"):
		// pgxpool's default (max(4, CPUs)) starves concurrent requests, and River's listener holds one of them.
		cfg.MaxConns = defaultMaxConns
	}
	if _, set := cfg.ConnConfig.RuntimeParams["lock_timeout"]; !set {
		// A request waiting on a row lock fails (and its idempotency claim is freed) well before the claim's lock
		// timeout lets a retry in.
		cfg.ConnConfig.RuntimeParams["lock_timeout"] = "30s"
	}
	if opts.RoundTrips != nil || opts.Statements != nil {
		cfg.ConnConfig.Tracer = tracer{n: opts.RoundTrips, observe: opts.Statements}
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	rc := opts.River
	if rc == nil {
		rc = &river.Config{}
	}
	client, err := river.NewClient(riverpgxv5.New(pool), rc)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: job client: %w", err)
	}
	jobs := store.RiverJobs[pgx.Tx]{Client: client, CountJobs: func(ctx context.Context, yield func(string, store.JobState, int)) error {
		rows, err := pool.Query(ctx, "SELECT kind, state::text, count(*) FROM river_job GROUP BY kind, state")
		if err != nil {
			return err
		}
		defer rows.Close()
		return store.YieldJobCounts(rows, yield)
	}}
	s := &Store{pool: pool, jobs: jobs, cache: newSettingsCache()}
	s.queries = queries{q: pgdb.New(watchedDB{pool: pool, cache: s.cache})}
	listenCfg := cfg.ConnConfig.Copy()
	listenCfg.Tracer = nil // the listener's round trips are not a request's
	log := rc.Logger
	if log == nil {
		log = slog.Default()
	}
	var lctx context.Context
	lctx, s.stopListen = context.WithCancel(context.WithoutCancel(ctx))
	s.listening.Go(func() { s.cache.listen(lctx, listenCfg, log) })
	return s, nil
}

// tracer counts the round trips of every connection of the pool (store.Options.RoundTrips) and shows each
// statement to store.Options.Statements.
type tracer struct {
	n       *atomic.Int64
	observe func(query string, args []any)
}

// TraceQueryStart counts a statement; pgxpool's health pings bypass the tracer.
func (c tracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	if c.n != nil {
		c.n.Add(1)
	}
	if c.observe != nil {
		c.observe(d.SQL, d.Args)
	}
	return ctx
}

func (tracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (c tracer) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	if c.n != nil {
		c.n.Add(1)
	}
	return ctx
}

func (c tracer) TraceBatchQuery(_ context.Context, _ *pgx.Conn, d pgx.TraceBatchQueryData) {
	if c.observe != nil {
		c.observe(d.SQL, d.Args)
	}
}

func (tracer) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// Pool exposes the connection pool (tests and benchmarks).
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Dialect implements store.Store.
func (s *Store) Dialect() string { return "postgres" }

// Jobs implements store.Store.
func (s *Store) Jobs() store.Jobs { return s.jobs }

// Ping implements store.Store.
func (s *Store) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

// Close implements store.Store.
func (s *Store) Close() error {
	s.stopListen()
	s.listening.Wait()
	s.pool.Close()
	return nil
}

type tx struct {
	queries
	tx   pgx.Tx
	pipe *pipeTx
	jobs store.RiverJobs[pgx.Tx]
}

func (t tx) Enqueue(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	return t.jobs.EnqueueTx(ctx, t.tx, args, opts)
}

// InTx implements store.Store, on a pipelined transaction (pipeTx): BEGIN and the held-back writes travel with
// the statements that need answers, so a transaction costs one round trip per answer plus its commit.
func (s *Store) InTx(ctx context.Context, fn func(store.Tx) error) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("postgres: begin: %w", err)
	}
	defer conn.Release()
	t := &pipeTx{conn: conn, cache: s.cache}
	defer t.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // after Commit this is a no-op
	if err := fn(tx{queries: queries{q: pgdb.New(t)}, tx: t, pipe: t, jobs: s.jobs}); err != nil {
		return err
	}
	if err := t.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: commit: %w", mapErr(err))
	}
	return nil
}

// Migrate implements store.Store: Kassa's goose migrations, then River's, under an advisory lock so that two
// processes starting together migrate once.
func (s *Store) Migrate(ctx context.Context) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrationLockID); err != nil {
		return fmt.Errorf("postgres: migration lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLockID) //nolint:errcheck

	db := stdlib.OpenDBFromPool(s.pool)
	defer db.Close()
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub)
	if err != nil {
		return fmt.Errorf("postgres: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	m, err := rivermigrate.New(riverpgxv5.New(s.pool), nil)
	if err != nil {
		return fmt.Errorf("postgres: river migrations: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("postgres: river migrate: %w", err)
	}
	return nil
}

func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return store.ErrNotFound
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return fmt.Errorf("%w: %s", store.ErrConflict, pgErr.ConstraintName)
	}
	return err
}
