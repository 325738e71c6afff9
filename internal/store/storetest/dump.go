package storetest

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/store/postgres"
	"github.com/kassapay/kassa/internal/store/sqlite"
)

// Dump returns every row of every table of the store as text, for tests that prove something (a card number, a
// secret) is stored nowhere in clear. Binary columns (SQLite BLOBs, PostgreSQL BYTEA) appear as their raw bytes on
// both engines, so that what a sealed column holds is scanned as stored: ciphertext, or a leak in clear.
func Dump(t testing.TB, s store.Store) []byte {
	t.Helper()
	ctx := context.Background()
	var out bytes.Buffer
	switch st := s.(type) {
	case *sqlite.Store:
		tables, err := st.DB().QueryContext(ctx, "SELECT name FROM sqlite_master WHERE type = 'table'")
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for tables.Next() {
			var n string
			if err := tables.Scan(&n); err != nil {
				t.Fatal(err)
			}
			names = append(names, n)
		}
		tables.Close()
		for _, n := range names {
			rows, err := st.DB().QueryContext(ctx, fmt.Sprintf("SELECT * FROM %q", n))
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := rows.Columns()
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				for _, v := range vals {
					if b, ok := v.([]byte); ok {
						out.Write(b)
					} else {
						fmt.Fprint(&out, v)
					}
					out.WriteByte('\t')
				}
				out.WriteByte('\n')
			}
			rows.Close()
		}
	case *postgres.Store:
		rows, err := st.Pool().Query(ctx, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				t.Fatal(err)
			}
			names = append(names, n)
		}
		rows.Close()
		for _, n := range names {
			// A row's text form shows BYTEA columns as hex, where a card number stored in clear would hide; they
			// follow the row as raw bytes, as SQLite shows its BLOBs.
			query := "SELECT t::text"
			for _, c := range byteaColumns(t, st, n) {
				query += fmt.Sprintf(", t.%q", c)
			}
			r, err := st.Pool().Query(ctx, query+fmt.Sprintf(" FROM %q t", n))
			if err != nil {
				t.Fatal(err)
			}
			for r.Next() {
				vals, err := r.Values()
				if err != nil {
					t.Fatal(err)
				}
				out.WriteString(vals[0].(string))
				for _, v := range vals[1:] {
					out.WriteByte('\t')
					if b, ok := v.([]byte); ok {
						out.Write(b)
					}
				}
				out.WriteByte('\n')
			}
			r.Close()
		}
	default:
		t.Fatalf("storetest.Dump: unknown store %T", s)
	}
	return out.Bytes()
}

// byteaColumns names the BYTEA columns of a PostgreSQL table.
func byteaColumns(t testing.TB, st *postgres.Store, table string) []string {
	t.Helper()
	rows, err := st.Pool().Query(context.Background(), "SELECT column_name FROM information_schema.columns "+
		"WHERE table_schema = current_schema() AND table_name = $1 AND data_type = 'bytea' ORDER BY ordinal_position", table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, c)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return cols
}
