// Package storetest gives tests a fresh, migrated store on each backend (SQLite always, PostgreSQL when
// KASSA_TEST_DATABASE_URL is set: Backends, OpenSQLite, OpenPostgres), a few fixtures (NewMerchant, NewPayment) and a
// dump of every table (Dump, for tests that scan the database for card numbers and secrets). Its own tests are the
// conformance suite every store.Store implementation passes, one file per concept (conformance_test.go runs them):
// go test ./internal/store/storetest runs it on both engines.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/store/postgres"
	"github.com/kassapay/kassa/internal/store/sqlite"
)

// EnvDatabaseURL names the variable that points tests at a PostgreSQL server. CI always sets it; without it the
// PostgreSQL variants of the tests are skipped, saying so.
const EnvDatabaseURL = "KASSA_TEST_DATABASE_URL"

// Backend is one database engine tests run against.
type Backend struct {
	Name string
	// Open returns a fresh, migrated, empty store closed at the end of the test.
	Open func(t testing.TB, opts store.Options) store.Store
	// URL returns a database URL (sqlite://… or postgres://…) for a fresh, empty database, for tests that start
	// the real binary or server by URL. The database is not migrated.
	URL func(t testing.TB) string
}

// Backends returns SQLite and, when KASSA_TEST_DATABASE_URL is set, PostgreSQL.
func Backends() []Backend {
	return []Backend{
		{Name: "sqlite", Open: OpenSQLite, URL: SQLiteURL},
		{Name: "postgres", Open: OpenPostgres, URL: PostgresURL},
	}
}

// SQLiteURL returns a sqlite:// URL of a new file in a temporary directory.
func SQLiteURL(t testing.TB) string {
	return "sqlite://" + filepath.Join(t.TempDir(), "kassa.db")
}

// OpenSQLite returns a fresh migrated SQLite store.
func OpenSQLite(t testing.TB, opts store.Options) store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "kassa.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

// PostgresURL returns the test server's URL with search_path set to a new, empty schema dropped after the test,
// so tests run in parallel without seeing each other's rows. It skips the test when no server is configured.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvDatabaseURL)
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal(EnvDatabaseURL + " is not set (CI=true: .ci/run starts PostgreSQL and sets it)")
		}
		t.Skip(EnvDatabaseURL + " is not set; skipping the PostgreSQL variant (CI sets it)")
	}
	ctx := context.Background()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to %s: %v", EnvDatabaseURL, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), base)
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		c.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE") //nolint:errcheck
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// OpenPostgres returns a fresh migrated PostgreSQL store in its own schema.
func OpenPostgres(t testing.TB, opts store.Options) store.Store {
	t.Helper()
	u := PostgresURL(t)
	ctx := context.Background()
	if opts.MaxConns == 0 {
		opts.MaxConns = 8 // many tests run at once against one server with a bounded max_connections
	}
	s, err := postgres.Open(ctx, u, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

// isPostgres reports whether s is the PostgreSQL store (the cases that look at engine-specific state).
func isPostgres(s store.Store) bool {
	_, ok := s.(*postgres.Store)
	return ok
}
