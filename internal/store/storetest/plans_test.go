package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kassapay/kassa/internal/fraud"
	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/store/postgres"
	"github.com/kassapay/kassa/internal/store/sqlite"
)

// millionPayments is how many payments TestPaymentListPlans seeds for one merchant.
const millionPayments = 1_000_000

// TestPaymentListPlans seeds a million payments of one merchant, spread over a year with a realistic mix of statuses
// and front doors (and a thousand of another merchant), and checks that every shape of the payment list is planned
// as an index walk in id order: no full scan, no sort of the matching rows; and that an attempt's fraud signals with
// that card, IP and e-mail walk bounded index ranges (checkFraudPlan). Each list is the store's own statement,
// as the adapter sent it (store.Options.Statements), EXPLAINed with its arguments. It logs each list's p50 and p99
// over 50 calls (docs/benchmarks.md); it asserts only plans, which do not depend on the machine.
func TestPaymentListPlans(t *testing.T) {
	if raceEnabled {
		t.Skip("query plans are checked by the run without -race (raceEnabled)")
	}
	for _, b := range Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			var last struct {
				sql  string
				args []any
			}
			opts := store.Options{Statements: func(q string, args []any) {
				if strings.HasPrefix(q, "-- name: ListPayments") || strings.HasPrefix(q, "-- name: CountAttemptSignals") {
					mu.Lock()
					last.sql, last.args = q, slices.Clone(args)
					mu.Unlock()
				}
			}}
			s := b.Open(t, opts)
			ctx := context.Background()
			m, other := NewMerchant(t, s), NewMerchant(t, s)
			year := Now.AddDate(-1, 0, 0)
			rng := rand.New(rand.NewPCG(1, 2))
			var rare payment.Payment // the one payment of a source looked up below
			seed := func(merchantID string, n int) {
				// Every payment with one card, IP and e-mail: the history the fraud counts must not walk.
				tmpl := cardPayment(merchantID, year, payment.StatusCaptured, busyCard, busyIP, "buyer@example.com", 1999)
				if err := s.InTx(ctx, func(tx store.Tx) error {
					if err := tx.InsertPayment(ctx, tmpl); err != nil {
						return err
					}
					return tx.UpdatePaymentCard(ctx, tmpl)
				}); err != nil {
					t.Fatal(err)
				}
				rows := make([]seedRow, 0, 50_000)
				flush := func() {
					if err := insertClones(ctx, s, tmpl.ID, rows); err != nil {
						t.Fatal(err)
					}
					rows = rows[:0]
				}
				// In creation order, as payments arrive: each batch appends to the id indexes instead of splitting
				// pages all over them, which keeps the seed to seconds.
				span := Now.Sub(year)
				for i := range n {
					at := year.Add(time.Duration(float64(span)*float64(i)/float64(n)) + time.Duration(rng.Int64N(int64(span)/int64(n)+1))).Truncate(time.Microsecond)
					r := seedRow{ID: id.New("pay_", at), CreatedAt: at, Status: string(payment.StatusCaptured), SourceKind: "checkout_session"}
					r.SourceID = id.New("cs_", at)
					switch x := rng.IntN(1000); {
					case x < 5:
						r.Status = string(payment.StatusVoided) // half a percent: the rare status
					case x < 40:
						r.Status = string(payment.StatusFailed)
					case x < 70:
						r.Status = string(payment.StatusRefunded)
					}
					if rng.IntN(10) < 4 {
						r.SourceKind, r.SourceID = "direct", ""
					}
					if i == n/2 && merchantID == m.ID {
						rare = payment.Payment{ID: r.ID, SourceID: "cs_looked_up", CreatedAt: at}
						r.SourceID, r.SourceKind = rare.SourceID, "checkout_session"
					}
					rows = append(rows, r)
					if len(rows) == cap(rows) {
						flush()
					}
				}
				flush()
			}
			start := time.Now()
			// The secondary indexes are dropped for the seed and made again after it, as a bulk load does: building an
			// index from a million sorted rows is many times faster than growing it row by row.
			rebuild := dropIndexes(ctx, t, s)
			seed(m.ID, millionPayments)
			seed(other.ID, 1000)
			rebuild()
			analyze(ctx, t, s)
			t.Logf("seeded %d payments in %s", millionPayments+1002, time.Since(start).Round(time.Millisecond))

			checkFraudPlan(ctx, t, s, m.ID, other.ID, func() (string, []any) {
				mu.Lock()
				defer mu.Unlock()
				return last.sql, last.args
			})

			base := store.PaymentFilter{MerchantID: m.ID, Page: store.Page{Limit: 21}}
			lists := []struct {
				name  string
				f     store.CardPaymentFilter
				index string // the index the walk must use (PostgreSQL may walk the primary key for an id range instead)
			}{
				{"newest page", store.CardPaymentFilter{PaymentFilter: base}, "payments_list_idx"},
				{"cursor half way", store.CardPaymentFilter{PaymentFilter: withCursor(base, rare.ID)}, "payments_list_idx"},
				{"created range of a month, half a year back", store.CardPaymentFilter{PaymentFilter: base,
					CreatedGTE: Now.AddDate(0, -6, 0), CreatedLT: Now.AddDate(0, -5, 0)}, "payments_list_idx"},
				{"front door", store.CardPaymentFilter{PaymentFilter: base, SourceKind: "direct"}, "payments_list_idx"},
				{"offset 10 000", store.CardPaymentFilter{PaymentFilter: base, Offset: 10_000}, "payments_list_idx"},
				{"rare status", store.CardPaymentFilter{PaymentFilter: withStatus(base, string(payment.StatusVoided))}, "payments_status_idx"},
				{"rare status in a month", store.CardPaymentFilter{PaymentFilter: withStatus(base, string(payment.StatusVoided)),
					CreatedGTE: Now.AddDate(0, -6, 0), CreatedLT: Now.AddDate(0, -5, 0)}, "payments_status_idx"},
				{"one source", store.CardPaymentFilter{PaymentFilter: withSource(base, rare.SourceID)}, "payments_source_idx"},
			}
			for _, l := range lists {
				var took []time.Duration
				var got []payment.Payment
				for range 50 {
					t0 := time.Now()
					var err error
					if got, err = s.ListCardPayments(ctx, l.f); err != nil {
						t.Fatalf("%s: %v", l.name, err)
					}
					took = append(took, time.Since(t0))
				}
				if len(got) == 0 {
					t.Errorf("%s: no payments", l.name)
				}
				mu.Lock()
				q, args := last.sql, last.args
				mu.Unlock()
				plan := explain(ctx, t, s, q, args)
				slices.Sort(took)
				t.Logf("%-45s %3d rows  p50 %8s  p99 %8s  plan: %s", l.name, len(got), took[len(took)/2].Round(10*time.Microsecond),
					took[len(took)*99/100].Round(10*time.Microsecond), strings.Join(strings.Fields(plan), " "))
				walksIDs := l.index == "payments_list_idx" && strings.Contains(plan, "Index Scan Backward using payments_pkey")
				if !strings.Contains(plan, l.index) && !walksIDs {
					t.Errorf("%s: the plan does not walk %s:\n%s", l.name, l.index, plan)
				}
				for _, bad := range []string{"TEMP B-TREE", "Sort", "Seq Scan", "SCAN payments\n"} {
					if strings.Contains(plan+"\n", bad) {
						t.Errorf("%s: the plan has %q:\n%s", l.name, bad, plan)
					}
				}
			}
		})
	}
}

// checkFraudPlan EXPLAINs the fraud signals of an attempt with the busy card, IP and e-mail and checks every count
// walks an index (the declines, indexes of failed payments), and logs its p50 and p99 next to the same attempt at a
// merchant with a thousand payments: the cost must not grow with the history.
func checkFraudPlan(ctx context.Context, t *testing.T, s store.Store, busy, small string, last func() (string, []any)) {
	t.Helper()
	attempt := store.Attempt{CardFingerprint: busyCard, ClientIP: busyIP, BlockIP: busyIP, Email: "buyer@example.com", Currency: "USD", BIN: "42424242"}
	key := func(merchantID string) store.AttemptKey {
		return store.AttemptKey{MerchantID: merchantID, MinuteAgo: Now.Add(-time.Minute), HourAgo: Now.Add(-time.Hour),
			DayAgo: Now.Add(-24 * time.Hour), AmountsSince: Now.Add(-30 * 24 * time.Hour), AmountsLimit: 100, CountLimit: fraud.CountLimit}
	}
	var p50 [2]time.Duration
	for i, m := range []string{small, busy} {
		var took []time.Duration
		var sig store.AttemptSignals
		for range 50 {
			t0 := time.Now()
			var err error
			if sig, err = s.CountAttemptSignals(ctx, key(m), attempt); err != nil {
				t.Fatal(err)
			}
			took = append(took, time.Since(t0))
		}
		slices.Sort(took)
		p50[i] = took[len(took)/2]
		t.Logf("fraud signals, %s history: p50 %s p99 %s (card day %d, IP hour %d, declines %d, distinct cards %d)",
			[]string{"1 000-payment", "1 000 000-payment"}[i], took[len(took)/2].Round(10*time.Microsecond),
			took[len(took)*99/100].Round(10*time.Microsecond), sig.Card.Day, sig.IP.Hour, sig.RecentDeclines, sig.DistinctCardsFromIP)
		if i == 1 && sig.Card.Day == 0 {
			t.Errorf("the busy card's attempts of the last day were not counted: %+v", sig)
		}
	}
	t.Logf("fraud signals: the million-payment history costs %.2f× the small one (p50)", float64(p50[1])/float64(p50[0]))
	q, args := last()
	plan := explain(ctx, t, s, q, args)
	for _, idx := range []string{"payments_card_velocity_idx", "payments_ip_velocity_idx", "payments_email_velocity_idx",
		"payments_card_declines_idx", "payments_ip_declines_idx", "payments_email_declines_idx"} {
		if !strings.Contains(plan, idx) {
			t.Errorf("the fraud signals' plan does not use %s:\n%s", idx, plan)
		}
	}
	lines := strings.Split(plan, "\n")
	recentWalk := false
	for i, line := range lines {
		f := strings.Fields(line)
		// SQLite: "SCAN s1" (a full scan of the payments alias s1; "SCAN c1" reads a subquery's rows); PostgreSQL:
		// "Seq Scan on payments".
		if len(f) == 2 && f[0] == "SCAN" && strings.HasPrefix(f[1], "s") || strings.Contains(line, "Seq Scan on payments") {
			t.Errorf("the fraud signals' plan scans a table: %q\n%s", line, plan)
		}
		// The recent amounts (alias s13) walk the id index newest first, with no sort of the window's payments.
		if strings.Contains(line, " s13") && (strings.Contains(line, "payments_list_idx") || strings.Contains(line, "Index Scan Backward using payments_pkey")) {
			recentWalk = !(i+1 < len(lines) && strings.Contains(lines[i+1], "TEMP B-TREE FOR ORDER BY"))
		}
	}
	if !recentWalk {
		t.Errorf("the recent amounts do not walk the id index newest first without a sort:\n%s", plan)
	}
}

// busyCard and busyIP are the card and IP of every seeded payment.
const busyCard, busyIP = "fp_busy", "203.0.113.7"

func withCursor(f store.PaymentFilter, after string) store.PaymentFilter {
	f.StartingAfter = after
	return f
}
func withStatus(f store.PaymentFilter, status string) store.PaymentFilter {
	f.Status = status
	return f
}
func withSource(f store.PaymentFilter, source string) store.PaymentFilter {
	f.SourceID = source
	return f
}

// seedRow is what differs between the seeded copies of a payment.
type seedRow struct {
	ID         string    `json:"id"`
	CreatedAt  time.Time `json:"created_at"`
	Status     string    `json:"status"`
	SourceID   string    `json:"source_id"`
	SourceKind string    `json:"source_kind"`
}

// insertClones inserts one copy of the payment tmpl per row, in one statement: the database copies the template's
// other columns, so the seed keeps up with the schema.
func insertClones(ctx context.Context, s store.Store, tmpl string, rows []seedRow) error {
	switch s := s.(type) {
	case *sqlite.Store:
		cols, err := paymentColumns(ctx, s)
		if err != nil {
			return err
		}
		// modernc writes times as "2006-01-02 15:04:05.999999999-07:00" (the DSN's _time_format=sqlite).
		type row struct {
			seedRow
			At string `json:"at"`
		}
		out := make([]row, len(rows))
		for i, r := range rows {
			out[i] = row{r, r.CreatedAt.UTC().Format("2006-01-02 15:04:05.999999999-07:00")}
		}
		doc, _ := json.Marshal(out)
		sel := cloneSelect(cols, map[string]string{
			"id": "json_extract(j.value, '$.id')", "created_at": "json_extract(j.value, '$.at')",
			"updated_at": "json_extract(j.value, '$.at')", "status": "json_extract(j.value, '$.status')",
			"source_id": "json_extract(j.value, '$.source_id')", "source_kind": "json_extract(j.value, '$.source_kind')",
		})
		conn, err := s.DB().Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		// A page cache that holds the indexes being filled (256 MB; the default is 2 MB).
		if _, err := conn.ExecContext(ctx, "PRAGMA cache_size = -262144"); err != nil {
			return err
		}
		_, err = conn.ExecContext(ctx, "INSERT INTO payments ("+strings.Join(cols, ", ")+") SELECT "+sel+
			" FROM payments AS t, json_each(?) AS j WHERE t.id = ?", string(doc), tmpl)
		return err
	case *postgres.Store:
		cols, err := paymentColumns(ctx, s)
		if err != nil {
			return err
		}
		doc, _ := json.Marshal(rows)
		sel := cloneSelect(cols, map[string]string{
			"id": "j.id", "created_at": "j.created_at", "updated_at": "j.created_at", "status": "j.status",
			"source_id": "j.source_id", "source_kind": "j.source_kind",
		})
		_, err = s.Pool().Exec(ctx, "INSERT INTO payments ("+strings.Join(cols, ", ")+") SELECT "+sel+
			" FROM payments AS t, jsonb_to_recordset($1::jsonb) AS j(id TEXT, created_at TIMESTAMPTZ, status TEXT, source_id TEXT, source_kind TEXT)"+
			" WHERE t.id = $2", string(doc), tmpl)
		return err
	}
	return fmt.Errorf("unknown store %T", s)
}

func cloneSelect(cols []string, replace map[string]string) string {
	sel := make([]string, len(cols))
	for i, c := range cols {
		if r, ok := replace[c]; ok {
			sel[i] = r
		} else {
			sel[i] = "t." + c
		}
	}
	return strings.Join(sel, ", ")
}

// textRows is what *sql.Rows and pgx.Rows share.
type textRows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// scanStrings reads rows of string columns, one []string per row.
func scanStrings(rows textRows, columns int) ([][]string, error) {
	var out [][]string
	for rows.Next() {
		row := make([]string, columns)
		dest := make([]any, columns)
		for i := range row {
			dest[i] = &row[i]
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

// query runs a read of string columns on either engine.
func query(ctx context.Context, s store.Store, columns int, sqliteQ, pgQ string) ([][]string, error) {
	switch s := s.(type) {
	case *sqlite.Store:
		rows, err := s.DB().QueryContext(ctx, sqliteQ)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		return scanStrings(rows, columns)
	case *postgres.Store:
		rows, err := s.Pool().Query(ctx, pgQ)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		return scanStrings(rows, columns)
	}
	return nil, fmt.Errorf("unknown store %T", s)
}

// paymentColumns lists the payments table's columns in order.
func paymentColumns(ctx context.Context, s store.Store) ([]string, error) {
	rows, err := query(ctx, s, 1, "SELECT name FROM pragma_table_info('payments') ORDER BY cid",
		"SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'payments' ORDER BY ordinal_position")
	cols := make([]string, len(rows))
	for i, r := range rows {
		cols[i] = r[0]
	}
	return cols, err
}

// dropIndexes drops the payments table's secondary indexes (those no constraint needs) and returns what makes them
// again, from their own definitions.
func dropIndexes(ctx context.Context, t *testing.T, s store.Store) func() {
	t.Helper()
	rows, err := query(ctx, s, 2, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'payments' AND sql IS NOT NULL",
		`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()
			AND tablename = 'payments' AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'payments'::regclass)`)
	if err != nil {
		t.Fatal(err)
	}
	type index struct{ name, def string }
	var idx []index
	for _, r := range rows {
		idx = append(idx, index{r[0], r[1]})
	}
	exec := func(q string) error {
		switch s := s.(type) {
		case *sqlite.Store:
			_, err := s.DB().ExecContext(ctx, q)
			return err
		case *postgres.Store:
			_, err := s.Pool().Exec(ctx, q)
			return err
		}
		return fmt.Errorf("unknown store %T", s)
	}
	if len(idx) < 5 {
		t.Fatalf("payments has %d secondary indexes; the query that finds them is wrong", len(idx))
	}
	for _, i := range idx {
		if err := exec("DROP INDEX " + i.name); err != nil {
			t.Fatal(err)
		}
	}
	return func() {
		for _, i := range idx {
			if err := exec(i.def); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// analyze refreshes PostgreSQL's statistics, as autovacuum would after a bulk insert. SQLite plans without
// statistics, as Kassa runs it.
func analyze(ctx context.Context, t *testing.T, s store.Store) {
	if pg, ok := s.(*postgres.Store); ok {
		if _, err := pg.Pool().Exec(ctx, "ANALYZE payments"); err != nil {
			t.Fatal(err)
		}
	}
}

// explain returns the plan of one statement with its arguments.
func explain(ctx context.Context, t *testing.T, s store.Store, q string, args []any) string {
	t.Helper()
	var lines []string
	switch s := s.(type) {
	case *sqlite.Store:
		rows, err := s.DB().QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, detail)
		}
	case *postgres.Store:
		rows, err := s.Pool().Query(ctx, "EXPLAIN "+q, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, line)
		}
	}
	return strings.Join(lines, "\n")
}
