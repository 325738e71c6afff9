package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/spf13/cobra"

	"github.com/kassapay/kassa/internal/store/sqlite"
)

func (c *cli) benchCmd() *cobra.Command {
	var a apiClient
	var duration time.Duration
	var concurrency int
	var dbURL string
	cmd := &cobra.Command{
		Use:   "bench --api-key sk_test_… [--server URL] [--duration 30s] [--concurrency 8] [--commit-database-url URL]",
		Short: "Drive full payments over HTTP (create session → pay with 4242 → webhook received) and report throughput and latency",
		Long: "Runs realistic checkouts against a running Kassa: creates a session (with a webhook_url on a receiver this command " +
			"runs on 127.0.0.1), pays it through the hosted page's form with the 4242 test card, and waits for the signed " +
			"payment.succeeded. Prints completed payments per second and p50/p99/p999 per step. With --commit-database-url it first " +
			"measures the database's own single-row commit rate, the ceiling to compare with. Raise the merchant's limits first " +
			"(kassa merchant update --write-per-second 100000 --write-per-hour 100000000), and allow loopback webhooks " +
			"(KASSA_WEBHOOK_ALLOWED_NETWORKS=127.0.0.0/8; the zero-setup default does).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.bench(cmd.Context(), a, duration, concurrency, dbURL)
		},
	}
	c.clientFlags(cmd, &a)
	cmd.Flags().DurationVar(&duration, "duration", 30*time.Second, "how long to run")
	cmd.Flags().IntVar(&concurrency, "concurrency", 8, "concurrent customers")
	cmd.Flags().StringVar(&dbURL, "commit-database-url", "", "measure this database's single-row commit rate first (sqlite://… or postgres://…)")
	return cmd
}

type benchStats struct {
	mu      sync.Mutex
	create  []time.Duration
	pay     []time.Duration
	webhook []time.Duration
	total   []time.Duration
	errors  map[string]int
}

func (b *benchStats) fail(what string) {
	b.mu.Lock()
	b.errors[what]++
	b.mu.Unlock()
}

func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := int(float64(len(s)-1) * p)
	return s[i]
}

func (c *cli) bench(ctx context.Context, a apiClient, duration time.Duration, concurrency int, dbURL string) error {
	if concurrency < 1 || concurrency > 1000 {
		return errors.New("--concurrency must be 1 to 1000")
	}
	a.http = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: concurrency * 2}}
	if dbURL != "" {
		rate, err := commitRate(ctx, dbURL, concurrency, 3*time.Second)
		if err != nil {
			return fmt.Errorf("commit ceiling: %w", err)
		}
		fmt.Fprintf(c.stdout, "database single-row commits: %.0f/s (%d clients)\n", rate, concurrency)
	}

	// The webhook receiver: payment.succeeded events signal the end of a checkout.
	var waiting sync.Map // session id → chan time.Time
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	recv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev struct {
			Type string `json:"type"`
			Data struct {
				ID string `json:"id"`
			} `json:"data"`
		}
		json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&ev) //nolint:errcheck
		if ev.Type == "payment.succeeded" {
			if ch, ok := waiting.Load(ev.Data.ID); ok {
				ch.(chan time.Time) <- time.Now()
			}
		}
		w.WriteHeader(http.StatusNoContent)
	})}
	go recv.Serve(ln) //nolint:errcheck
	defer recv.Close()
	hookURL := "http://" + ln.Addr().String() + "/webhooks"

	run := make([]byte, 4)
	rand.Read(run)
	runID := hex.EncodeToString(run)
	stats := &benchStats{errors: map[string]int{}}
	var completed atomic.Int64
	noRedirect := &http.Client{Timeout: 30 * time.Second, Transport: a.http.Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	ctx, cancel := context.WithTimeout(ctx, duration)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	var seq atomic.Int64
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				n := seq.Add(1)
				order := fmt.Sprintf("bench-%s-%d", runID, n)
				t0 := time.Now()
				var s struct {
					ID          string `json:"id"`
					CheckoutURL string `json:"checkout_url"`
				}
				err := a.do(ctx, http.MethodPost, "/api/v1/checkout-sessions", map[string]any{
					"external_order_id": order, "amount": 1999, "currency": "USD", "idempotency_key": order,
					"success_url": "https://shop.example/ok", "cancel_url": "https://shop.example/cancel", "webhook_url": hookURL,
				}, &s)
				if err != nil {
					if ctx.Err() == nil {
						stats.fail("create: " + firstWords(err.Error()))
						if strings.Contains(err.Error(), "429") {
							time.Sleep(100 * time.Millisecond) // rate limited: raise the merchant's limits for a bench
						}
					}
					continue
				}
				t1 := time.Now()
				ch := make(chan time.Time, 1)
				waiting.Store(s.ID, ch)
				form := url.Values{"number": {"4242424242424242"}, "exp": {"12 / 35"}, "cvv": {"123"}, "name": {"Bench Customer"}}
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(a.server, "/")+"/checkout/"+s.ID+"/pay", strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Sec-Fetch-Site", "same-origin")
				resp, err := noRedirect.Do(req)
				if err != nil || resp.StatusCode != http.StatusSeeOther {
					if resp != nil {
						resp.Body.Close()
						stats.fail(fmt.Sprintf("pay: HTTP %d", resp.StatusCode))
					} else if ctx.Err() == nil {
						stats.fail("pay: " + firstWords(err.Error()))
					}
					waiting.Delete(s.ID)
					continue
				}
				io.Copy(io.Discard, resp.Body) //nolint:errcheck
				resp.Body.Close()
				t2 := time.Now()
				select {
				case t3 := <-ch:
					stats.mu.Lock()
					stats.create = append(stats.create, t1.Sub(t0))
					stats.pay = append(stats.pay, t2.Sub(t1))
					stats.webhook = append(stats.webhook, t3.Sub(t2))
					stats.total = append(stats.total, t3.Sub(t0))
					stats.mu.Unlock()
					completed.Add(1)
				case <-time.After(30 * time.Second):
					stats.fail("webhook: not received within 30 s")
				case <-ctx.Done():
				}
				waiting.Delete(s.ID)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	fmt.Fprintf(c.stdout, "completed payments: %d in %s = %.1f/s (%d customers)\n", completed.Load(), elapsed.Round(time.Millisecond),
		float64(completed.Load())/elapsed.Seconds(), concurrency)
	fmt.Fprintf(c.stdout, "%-28s %10s %10s %10s\n", "step", "p50", "p99", "p999")
	for _, row := range []struct {
		name string
		d    []time.Duration
	}{{"create session", stats.create}, {"pay (hosted page form)", stats.pay}, {"webhook received after pay", stats.webhook}, {"whole checkout", stats.total}} {
		fmt.Fprintf(c.stdout, "%-28s %10s %10s %10s\n", row.name, percentile(row.d, .5).Round(10*time.Microsecond),
			percentile(row.d, .99).Round(10*time.Microsecond), percentile(row.d, .999).Round(10*time.Microsecond))
	}
	for what, n := range stats.errors {
		fmt.Fprintf(c.stdout, "errors: %d × %s\n", n, what)
	}
	if completed.Load() == 0 {
		return errors.New("no payment completed")
	}
	return nil
}

func firstWords(s string) string {
	if len(s) > 120 {
		return s[:120]
	}
	return s
}

// commitRate measures single-row durable commits per second from clients connections for d, in a scratch table
// (PostgreSQL) or a scratch file next to the database (SQLite), so the result is the ceiling Kassa works under.
func commitRate(ctx context.Context, dbURL string, clients int, d time.Duration) (float64, error) {
	var count atomic.Int64
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var wg sync.WaitGroup
	switch {
	case strings.HasPrefix(dbURL, "postgres://"), strings.HasPrefix(dbURL, "postgresql://"):
		setup, err := pgx.Connect(ctx, dbURL)
		if err != nil {
			return 0, err
		}
		defer setup.Close(context.Background())
		table := "kassa_bench_commits"
		if _, err := setup.Exec(ctx, "CREATE TABLE IF NOT EXISTS "+table+" (id BIGSERIAL PRIMARY KEY, v TEXT NOT NULL)"); err != nil {
			return 0, err
		}
		defer setup.Exec(context.Background(), "DROP TABLE IF EXISTS "+table) //nolint:errcheck
		for range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				conn, err := pgx.Connect(ctx, dbURL)
				if err != nil {
					return
				}
				defer conn.Close(context.Background())
				for ctx.Err() == nil {
					if _, err := conn.Exec(ctx, "INSERT INTO "+table+" (v) VALUES ('x')"); err == nil {
						count.Add(1)
					}
				}
			}()
		}
	case strings.HasPrefix(dbURL, "sqlite://"):
		path := filepath.Join(filepath.Dir(strings.TrimPrefix(dbURL, "sqlite://")), "bench-commits.db")
		defer os.Remove(path)
		defer os.Remove(path + "-wal")
		defer os.Remove(path + "-shm")
		db, err := sql.Open("sqlite", sqlite.DSN(path))
		if err != nil {
			return 0, err
		}
		defer db.Close()
		db.SetMaxOpenConns(clients)
		if _, err := db.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS c (id INTEGER PRIMARY KEY, v TEXT NOT NULL)"); err != nil {
			return 0, err
		}
		for range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for ctx.Err() == nil {
					if _, err := db.ExecContext(ctx, "INSERT INTO c (v) VALUES ('x')"); err == nil {
						count.Add(1)
					}
				}
			}()
		}
	default:
		return 0, fmt.Errorf("unsupported database URL")
	}
	start := time.Now()
	wg.Wait()
	return float64(count.Load()) / time.Since(start).Seconds(), nil
}
