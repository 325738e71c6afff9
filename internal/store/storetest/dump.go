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
// secret) is stored nowhere in clear.
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
			r, err := st.Pool().Query(ctx, fmt.Sprintf("SELECT t::text FROM %q t", n))
			if err != nil {
				t.Fatal(err)
			}
			for r.Next() {
				var line string
				if err := r.Scan(&line); err != nil {
					t.Fatal(err)
				}
				out.WriteString(line)
				out.WriteByte('\n')
			}
			r.Close()
		}
	default:
		t.Fatalf("storetest.Dump: unknown store %T", s)
	}
	return out.Bytes()
}
