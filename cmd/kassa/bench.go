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
	var o benchOptions
	cmd := &cobra.Command{
		Use:   "bench --api-key sk_test_… [--scenario checkout|create|replay|lifecycle|webhooks] [--server URL] [--duration 30s] [--concurrency 8] [--rate N] [--commit-database-url URL]",
		Short: "Drive a hot path over HTTP and report throughput and latency, next to the database's commit ceiling",
		Long: "Runs one scenario against a running Kassa from --concurrency clients for --duration and prints a progress line a " +
			"second (done, rate, errors, 429s), then the rate and p50/p99/p999 per step. Scenarios: checkout (create a session " +
			"with a webhook_url on a receiver this command runs on 127.0.0.1, pay it through the hosted page's form with 4242, " +
			"wait for the signed payment.succeeded; the default), create (checkout sessions), replay (the same idempotent " +
			"create, answered from its record), lifecycle (authorize, capture and refund a card payment). With " +
			"--commit-database-url it first measures the database's own single-row commit rate and prints each rate as a " +
			"share of it. Raise the merchant's limits first (kassa merchant update --write-per-second 100000 " +
			"--write-per-hour 100000000 --read-per-second 100000): the bench warns at the first 429. Checkout needs loopback " +
			"webhooks allowed (KASSA_WEBHOOK_ALLOWED_NETWORKS=127.0.0.0/8; the zero-setup default does).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.bench(cmd.Context(), a, o)
		},
	}
	c.clientFlags(cmd, &a)
	cmd.Flags().StringVar(&o.scenario, "scenario", "checkout", "checkout, create, replay or lifecycle")
	cmd.Flags().DurationVar(&o.duration, "duration", 30*time.Second, "how long to run")
	cmd.Flags().IntVar(&o.concurrency, "concurrency", 8, "concurrent clients")
	cmd.Flags().Float64Var(&o.rate, "rate", 0, "runs a second in all (0: as fast as the clients go)")
	cmd.Flags().StringVar(&o.dbURL, "commit-database-url", "", "measure this database's single-row commit rate first (sqlite://… or postgres://…)")
	return cmd
}

type benchOptions struct {
	scenario    string
	duration    time.Duration
	concurrency int
	rate        float64
	dbURL       string
}

// benchScenario is one hot path: its steps' names and one run of it, which returns each step's duration.
type benchScenario struct {
	unit  string // what one run completes ("checkouts", "sessions", …)
	steps []string
	run   func(ctx context.Context, n int64) ([]time.Duration, error)
	// report, if set, prints the scenario's own figures after the run (elapsed is the run's length).
	report func(w io.Writer, elapsed time.Duration)
}

type benchStats struct {
	mu       sync.Mutex
	steps    [][]time.Duration
	errors   map[string]int
	done     atomic.Int64
	failed   atomic.Int64
	limited  atomic.Int64
	warnOnce sync.Once
}

func (b *benchStats) fail(what string) {
	b.failed.Add(1)
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

// rateLimited reports whether Kassa answered 429.
func rateLimited(err error) bool {
	return err != nil && (strings.Contains(err.Error(), ": 429 ") || strings.HasSuffix(err.Error(), "HTTP 429"))
}

func (c *cli) bench(ctx context.Context, a apiClient, o benchOptions) error {
	if o.concurrency < 1 || o.concurrency > 1000 {
		return errors.New("--concurrency must be 1 to 1000")
	}
	if o.rate < 0 || o.rate > 1e6 {
		return errors.New("--rate must be 0 to 1000000")
	}
	a.http = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: o.concurrency * 2}}
	ceiling := 0.0
	if o.dbURL != "" {
		rate, err := commitRate(ctx, o.dbURL, o.concurrency, 3*time.Second)
		if err != nil {
			return fmt.Errorf("commit ceiling: %w", err)
		}
		ceiling = rate
		fmt.Fprintf(c.stdout, "database single-row commits: %.0f/s (%d clients)\n", rate, o.concurrency)
	}
	run := make([]byte, 4)
	rand.Read(run)
	runID := hex.EncodeToString(run)
	var sc benchScenario
	switch o.scenario {
	case "checkout":
		var stop func()
		var err error
		sc, stop, err = checkoutScenario(a, runID)
		if err != nil {
			return err
		}
		defer stop()
	case "create":
		sc = benchScenario{unit: "sessions", steps: []string{"create session"}, run: func(ctx context.Context, n int64) ([]time.Duration, error) {
			t0 := time.Now()
			err := createBenchSession(ctx, a, fmt.Sprintf("bench-%s-%d", runID, n), "", nil)
			return []time.Duration{time.Since(t0)}, err
		}}
	case "replay":
		key := "bench-" + runID + "-replayed"
		if err := createBenchSession(ctx, a, key, "", nil); err != nil {
			return fmt.Errorf("replay: the session to replay: %w", err)
		}
		sc = benchScenario{unit: "replays", steps: []string{"replayed create"}, run: func(ctx context.Context, _ int64) ([]time.Duration, error) {
			t0 := time.Now()
			err := createBenchSession(ctx, a, key, "", nil)
			return []time.Duration{time.Since(t0)}, err
		}}
	case "lifecycle":
		sc = lifecycleScenario(a, runID)
	case "webhooks":
		var stop func()
		var err error
		sc, stop, err = webhooksScenario(ctx, a, runID)
		if err != nil {
			return err
		}
		defer stop()
	default:
		return fmt.Errorf("--scenario %q: want checkout, create, replay, lifecycle or webhooks", o.scenario)
	}

	stats := &benchStats{errors: map[string]int{}, steps: make([][]time.Duration, len(sc.steps))}
	ctx, cancel := context.WithTimeout(ctx, o.duration)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	var seq atomic.Int64
	// With --rate, a pacer hands out one ticket per run at the rate; a client waits for its ticket, and tickets
	// no client was free to take are counted as missed (the clients could not keep the pace).
	var tickets chan struct{}
	var missed atomic.Int64
	if o.rate > 0 {
		tickets = make(chan struct{})
		wg.Go(func() {
			every := time.Duration(float64(time.Second) / o.rate)
			next := time.Now()
			for {
				next = next.Add(every)
				select {
				case <-ctx.Done():
					return
				case <-time.After(time.Until(next)):
				}
				select {
				case tickets <- struct{}{}:
				default:
					missed.Add(1)
				}
			}
		})
	}
	for range o.concurrency {
		wg.Go(func() {
			for ctx.Err() == nil {
				if tickets != nil {
					select {
					case <-tickets:
					case <-ctx.Done():
						return
					}
				}
				d, err := sc.run(ctx, seq.Add(1))
				switch {
				case ctx.Err() != nil:
				case rateLimited(err):
					stats.limited.Add(1)
					stats.warnOnce.Do(func() {
						fmt.Fprintln(c.stdout, "warning: Kassa answers 429: the merchant's rate limits throttle this bench, so its "+
							"figures measure the limits. Raise them: kassa merchant update --merchant mer_… --write-per-second 100000 "+
							"--write-per-hour 100000000 --read-per-second 100000")
					})
					time.Sleep(100 * time.Millisecond)
				case err != nil:
					stats.fail(firstWords(err.Error()))
				default:
					stats.mu.Lock()
					for i := range d {
						stats.steps[i] = append(stats.steps[i], d[i])
					}
					stats.mu.Unlock()
					stats.done.Add(1)
				}
			}
		})
	}
	progress := time.NewTicker(time.Second)
	defer progress.Stop()
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	last := int64(0)
wait:
	for {
		select {
		case <-finished:
			break wait
		case <-progress.C:
			done := stats.done.Load()
			fmt.Fprintf(c.stdout, "%5.0fs  %d %s  %d/s  %d errors  %d × 429\n", time.Since(start).Seconds(), done, sc.unit,
				done-last, stats.failed.Load(), stats.limited.Load())
			last = done
		}
	}
	elapsed := time.Since(start)
	rate := float64(stats.done.Load()) / elapsed.Seconds()
	fmt.Fprintf(c.stdout, "%s %s: %d in %s = %.1f/s (%d clients", o.scenario, sc.unit, stats.done.Load(), elapsed.Round(time.Millisecond), rate, o.concurrency)
	if o.rate > 0 {
		fmt.Fprintf(c.stdout, ", paced at %g/s, %d runs missed", o.rate, missed.Load())
	}
	fmt.Fprint(c.stdout, ")")
	if ceiling > 0 {
		fmt.Fprintf(c.stdout, " = %.3f × the commit ceiling", rate/ceiling)
	}
	fmt.Fprintln(c.stdout)
	fmt.Fprintf(c.stdout, "%-28s %10s %10s %10s\n", "step", "p50", "p99", "p999")
	for i, name := range sc.steps {
		d := stats.steps[i]
		fmt.Fprintf(c.stdout, "%-28s %10s %10s %10s\n", name, percentile(d, .5).Round(10*time.Microsecond),
			percentile(d, .99).Round(10*time.Microsecond), percentile(d, .999).Round(10*time.Microsecond))
	}
	if sc.report != nil {
		sc.report(c.stdout, elapsed)
	}
	for what, n := range stats.errors {
		fmt.Fprintf(c.stdout, "errors: %d × %s\n", n, what)
	}
	if n := stats.limited.Load(); n > 0 {
		fmt.Fprintf(c.stdout, "rate limited: %d × 429 (raise the merchant's limits)\n", n)
	}
	if stats.done.Load() == 0 {
		return fmt.Errorf("no %s completed", sc.unit)
	}
	return nil
}

// createBenchSession creates a checkout session under the idempotency key order (also its external order id).
func createBenchSession(ctx context.Context, a apiClient, order, hookURL string, out any) error {
	body := map[string]any{
		"external_order_id": order, "amount": 1999, "currency": "USD",
		"success_url": "https://shop.example/ok", "cancel_url": "https://shop.example/cancel",
	}
	if hookURL != "" {
		body["webhook_url"] = hookURL
	}
	if out == nil {
		out = &struct{}{}
	}
	return a.doKey(ctx, http.MethodPost, "/api/v1/checkout-sessions", order, body, out)
}

// lifecycleScenario authorizes a card payment, captures it and refunds it, each call with its own idempotency key.
func lifecycleScenario(a apiClient, runID string) benchScenario {
	card := map[string]any{"number": "4242424242424242", "cardholder_name": "Bench Customer", "exp_month": 12, "exp_year": 2035, "cvv": "123"}
	return benchScenario{unit: "lifecycles", steps: []string{"authorize", "capture", "refund", "whole lifecycle"},
		run: func(ctx context.Context, n int64) ([]time.Duration, error) {
			key := fmt.Sprintf("bench-%s-%d", runID, n)
			var p struct {
				ID string `json:"id"`
			}
			t0 := time.Now()
			if err := a.doKey(ctx, http.MethodPost, "/api/v1/payments/authorize", key+"-a",
				map[string]any{"amount": 1999, "currency": "USD", "card": card, "customer": map[string]any{"email": "bench@example.com"}}, &p); err != nil {
				return nil, err
			}
			t1 := time.Now()
			if err := a.doKey(ctx, http.MethodPost, "/api/v1/payments/"+p.ID+"/capture", key+"-c", map[string]any{"amount": 1999}, &struct{}{}); err != nil {
				return nil, err
			}
			t2 := time.Now()
			if err := a.doKey(ctx, http.MethodPost, "/api/v1/refunds", key+"-r", map[string]any{"payment_id": p.ID, "amount": 1999}, &struct{}{}); err != nil {
				return nil, err
			}
			t3 := time.Now()
			return []time.Duration{t1.Sub(t0), t2.Sub(t1), t3.Sub(t2), t3.Sub(t0)}, nil
		}}
}

// checkoutScenario is a customer's whole checkout: create a session with a webhook_url on a receiver it runs, pay it
// through the hosted page's form, and wait for the signed payment.succeeded. stop closes the receiver.
func checkoutScenario(a apiClient, runID string) (benchScenario, func(), error) {
	var waiting sync.Map // session id → chan time.Time
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return benchScenario{}, nil, err
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
	hookURL := "http://" + ln.Addr().String() + "/webhooks"
	noRedirect := &http.Client{Timeout: 30 * time.Second, Transport: a.http.Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	run := func(ctx context.Context, n int64) ([]time.Duration, error) {
		t0 := time.Now()
		var s struct {
			ID string `json:"id"`
		}
		if err := createBenchSession(ctx, a, fmt.Sprintf("bench-%s-%d", runID, n), hookURL, &s); err != nil {
			return nil, err
		}
		t1 := time.Now()
		ch := make(chan time.Time, 1)
		waiting.Store(s.ID, ch)
		defer waiting.Delete(s.ID)
		form := url.Values{"number": {"4242424242424242"}, "exp": {"12 / 35"}, "cvv": {"123"}, "name": {"Bench Customer"}}
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(a.server, "/")+"/checkout/"+s.ID+"/pay", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		resp, err := noRedirect.Do(req)
		if err != nil {
			return nil, fmt.Errorf("pay: %w", err)
		}
		io.Copy(io.Discard, resp.Body) //nolint:errcheck
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			return nil, fmt.Errorf("pay: HTTP %d", resp.StatusCode)
		}
		t2 := time.Now()
		select {
		case t3 := <-ch:
			return []time.Duration{t1.Sub(t0), t2.Sub(t1), t3.Sub(t2), t3.Sub(t0)}, nil
		case <-time.After(30 * time.Second):
			return nil, errors.New("webhook: not received within 30 s")
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return benchScenario{unit: "checkouts", steps: []string{"create session", "pay (hosted page form)", "webhook received after pay", "whole checkout"}, run: run},
		func() { recv.Close() }, nil
}

// webhooksScenario records test.ping events (POST /api/v1/test-events) for an endpoint it registers on a receiver it
// runs, and reports how fast they arrive and their lag from the event's creation. stop waits up to 15 s for the
// events still on their way, prints nothing, and deletes the endpoint.
func webhooksScenario(ctx context.Context, a apiClient, runID string) (benchScenario, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return benchScenario{}, nil, err
	}
	// sent is when each recorded event's request started, arrived when the receiver got it (either may come first).
	var mu sync.Mutex
	sent, arrived := map[string]time.Time{}, map[string]time.Time{}
	var first, last time.Time
	recv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev struct {
			ID   string `json:"id"`
			Type string `json:"type"`
		}
		json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&ev) //nolint:errcheck
		now := time.Now()
		if ev.Type == "test.ping" {
			mu.Lock()
			if first.IsZero() {
				first = now
			}
			last = now
			if _, dup := arrived[ev.ID]; !dup {
				arrived[ev.ID] = now
			}
			mu.Unlock()
		}
		w.WriteHeader(http.StatusNoContent)
	})}
	go recv.Serve(ln) //nolint:errcheck
	var ep struct {
		ID string `json:"id"`
	}
	if err := a.doKey(ctx, http.MethodPost, "/api/v1/webhook-endpoints", "bench-"+runID+"-endpoint", map[string]any{
		"url": "http://" + ln.Addr().String() + "/webhooks", "enabled_events": []string{"test.ping"}, "description": "kassa bench " + runID,
	}, &ep); err != nil {
		recv.Close()
		return benchScenario{}, nil, fmt.Errorf("webhooks: the bench's endpoint (loopback webhooks must be allowed: "+
			"KASSA_WEBHOOK_ALLOWED_NETWORKS=127.0.0.0/8): %w", err)
	}
	stop := func() {
		a.do(context.WithoutCancel(ctx), http.MethodDelete, "/api/v1/webhook-endpoints/"+ep.ID, nil, &struct{}{}) //nolint:errcheck
		recv.Close()
	}
	run := func(ctx context.Context, n int64) ([]time.Duration, error) {
		t0 := time.Now()
		var ev struct {
			ID string `json:"id"`
		}
		err := a.doKey(ctx, http.MethodPost, "/api/v1/test-events", fmt.Sprintf("bench-%s-%d", runID, n), map[string]any{"type": "test.ping"}, &ev)
		d := time.Since(t0)
		if err == nil {
			mu.Lock()
			sent[ev.ID] = t0
			mu.Unlock()
		}
		return []time.Duration{d}, err
	}
	report := func(w io.Writer, elapsed time.Duration) {
		for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			mu.Lock()
			waiting := 0
			for id := range sent {
				if _, ok := arrived[id]; !ok {
					waiting++
				}
			}
			mu.Unlock()
			if waiting == 0 {
				break
			}
		}
		mu.Lock()
		defer mu.Unlock()
		var lags []time.Duration
		for id, t0 := range sent {
			if t, ok := arrived[id]; ok {
				lags = append(lags, t.Sub(t0))
			}
		}
		span := last.Sub(first)
		if span <= 0 {
			span = elapsed
		}
		fmt.Fprintf(w, "events recorded: %d = %.1f/s; delivered: %d = %.1f/s (first to last arrival, %s)\n", len(sent),
			float64(len(sent))/elapsed.Seconds(), len(arrived), float64(len(arrived))/span.Seconds(), span.Round(time.Millisecond))
		fmt.Fprintf(w, "%-28s %10s %10s %10s\n", "lag: request → received", "p50 "+percentile(lags, .5).Round(100*time.Microsecond).String(),
			"p95 "+percentile(lags, .95).Round(100*time.Microsecond).String(), "p99 "+percentile(lags, .99).Round(100*time.Microsecond).String())
		if missing := len(sent) - len(lags); missing > 0 {
			fmt.Fprintf(w, "not delivered within 15 s of the end: %d\n", missing)
		}
	}
	return benchScenario{unit: "events", steps: []string{"record event"}, run: run, report: report}, stop, nil
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
