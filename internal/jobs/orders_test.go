package jobs_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/kassapay/kassa/internal/api"
	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/jobs"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/provider/sandbox"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/store/storetest"
	"github.com/kassapay/kassa/internal/vault"
)

// riverClock gives River Kassa's injected clock, so that the test decides when a scheduled job is due.
type riverClock struct{ c *kassatest.Clock }

func (r riverClock) Now() time.Time { return r.c.Now() }

func (r riverClock) NowOrNil() *time.Time {
	t := r.c.Now()
	return &t
}

// markArgs is a job that does nothing; it shows when River has run everything that was due at a moment.
type markArgs struct {
	Name string `json:"name"`
}

func (markArgs) Kind() string { return "test_mark" }

type markWorker struct {
	river.WorkerDefaults[markArgs]
}

func (*markWorker) Work(context.Context, *river.Job[markArgs]) error { return nil }

// asyncEnv is Kassa's API over a store whose River workers run as `kassa serve` configures them, with one injected
// clock for the gateway, the API and River.
type asyncEnv struct {
	t     *testing.T
	st    store.Store
	clock *kassatest.Clock
	api   *kassatest.Env // only its Do method is used: HTTP and SecretKey are set
}

func newAsyncEnv(t *testing.T, b storetest.Backend, delay time.Duration) *asyncEnv {
	t.Helper()
	ctx := context.Background()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	clock := kassatest.NewClock(kassatest.Start)
	workers := river.NewWorkers()
	river.AddWorker(workers, &markWorker{})
	cfg := jobs.Config(workers, true, logger)
	cfg.Test.Time = riverClock{clock}
	st := b.Open(t, store.Options{River: cfg})
	v, err := vault.New(kassatest.MasterKey)
	if err != nil {
		t.Fatal(err)
	}
	gw := gateway.New(st, gateway.Options{Logger: logger, Now: clock.Now,
		Payments: gateway.PaymentOptions{Provider: sandbox.New(sandbox.Options{}), Vault: v, AsyncDelay: delay}})
	jobs.Register(workers, gw, logger)
	srv := httptest.NewServer(api.New(api.Options{Gateway: gw, Logger: logger, Now: clock.Now, JobKinds: jobs.Kinds(),
		RateLimits: api.RateLimits{WritePerSecond: 100_000, WritePerHour: 10_000_000, ReadPerSecond: 100_000, PublicPerSecond: 100_000}}))
	t.Cleanup(srv.Close)
	creds, err := gw.CreateMerchant(ctx, gateway.NewMerchant{Name: "Shop", Email: "o@shop.example"})
	if err != nil {
		t.Fatal(err)
	}
	e := &kassatest.Env{T: t, Backend: b.Name, Store: st, Gateway: gw, HTTP: srv, Clock: clock}
	for _, k := range creds.Keys {
		if strings.HasPrefix(k.Secret, "sk_test_") {
			e.SecretKey = k.Secret
		}
	}
	if e.SecretKey == "" {
		t.Fatal("the new merchant has no test secret key")
	}
	if err := st.Jobs().Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		_ = st.Jobs().Stop(stopCtx)
	})
	return &asyncEnv{t: t, st: st, clock: clock, api: e}
}

// job returns the job of kind whose argument arg is value (nil if there is none).
func (a *asyncEnv) job(kind, arg, value string) *rivertype.JobRow {
	a.t.Helper()
	ctx := context.Background()
	params := river.NewJobListParams().Kinds(kind).First(1000)
	var res *river.JobListResult
	var err error
	switch j := a.st.Jobs().(type) {
	case store.RiverJobs[pgx.Tx]:
		res, err = j.Client.JobList(ctx, params)
	case store.RiverJobs[*sql.Tx]:
		res, err = j.Client.JobList(ctx, params)
	default:
		a.t.Fatalf("unknown job queue %T", j)
	}
	if err != nil {
		a.t.Fatal(err)
	}
	var found *rivertype.JobRow
	for _, row := range res.Jobs {
		var args map[string]any
		if err := json.Unmarshal(row.EncodedArgs, &args); err != nil {
			a.t.Fatal(err)
		}
		if args[arg] == value {
			if found != nil {
				a.t.Fatalf("two %s jobs for %s", kind, value)
			}
			found = row
		}
	}
	return found
}

// dueAt checks that the job is scheduled at due and is not worked a moment earlier, then moves the clock to due and
// waits for River to complete it. "Not earlier": a marker job scheduled 1 ms before due is run by River first; any
// job due by then (River fetches the oldest due jobs first) would have been fetched with it or before it.
func (a *asyncEnv) dueAt(kind, arg, value string, due time.Time, stillWaiting func() bool) {
	a.t.Helper()
	ctx := context.Background()
	j := a.job(kind, arg, value)
	if j == nil {
		a.t.Fatalf("no %s job for %s", kind, value)
	}
	if !j.ScheduledAt.Equal(due) || j.State != rivertype.JobStateScheduled {
		a.t.Fatalf("%s job for %s: %s at %s, want scheduled at %s", kind, value, j.State, j.ScheduledAt, due)
	}
	mark := markArgs{Name: value}
	if err := a.st.Jobs().Enqueue(ctx, mark, &river.InsertOpts{ScheduledAt: due.Add(-time.Millisecond)}); err != nil {
		a.t.Fatal(err)
	}
	a.clock.Advance(due.Add(-time.Millisecond).Sub(a.clock.Now()))
	waitFor(a.t, "River to run the marker due 1 ms before "+value, func() bool {
		m := a.job(mark.Kind(), "name", value)
		return m != nil && m.State == rivertype.JobStateCompleted
	})
	if j = a.job(kind, arg, value); j.State != rivertype.JobStateScheduled && j.State != rivertype.JobStateAvailable {
		a.t.Fatalf("%s job for %s is %s 1 ms before it is due", kind, value, j.State)
	}
	if !stillWaiting() {
		a.t.Fatalf("%s was settled before its job was due", value)
	}
	a.clock.Advance(time.Millisecond)
	waitFor(a.t, "River to complete the "+kind+" job of "+value, func() bool {
		j = a.job(kind, arg, value)
		return j.State == rivertype.JobStateCompleted
	})
	if j.AttemptedAt == nil || j.AttemptedAt.Before(due) || j.Attempt != 1 {
		a.t.Errorf("%s job for %s: attempt %d at %v, want 1 at %s or later", kind, value, j.Attempt, j.AttemptedAt, due)
	}
}

func (a *asyncEnv) get(path string) map[string]any {
	a.t.Helper()
	r := a.api.Do(kassatest.Request{Method: "GET", Path: path})
	if r.Status != 200 {
		a.t.Fatalf("GET %s: %d %s", path, r.Status, r.Body)
	}
	return r.JSON(a.t)
}

func (a *asyncEnv) events(typ, objectID string) int {
	a.t.Helper()
	return len(a.get("/api/v1/events?limit=100&type=" + typ + "&object_id=" + objectID)["data"].([]any))
}

// TestWorkersSettleOrderPaymentsAndRefunds runs the asynchronous path through River's workers, with the clock
// injected into the gateway and River: an order payment's job is scheduled at the clock plus the configured delay
// and not worked earlier; once due, the worker captures the payment, the order is paid and exactly one
// payment.succeeded is recorded. A refund through POST /api/v1/payments/{id}/refunds goes the same way to
// refund.succeeded.
func TestWorkersSettleOrderPaymentsAndRefunds(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			const delay = 20 * time.Second
			a := newAsyncEnv(t, b, delay)

			r := a.api.Do(kassatest.Request{Method: "POST", Path: "/api/v1/orders", Body: `{"amount":49900,"receipt":"rcpt-async"}`})
			if r.Status != 201 {
				t.Fatalf("create order: %d %s", r.Status, r.Body)
			}
			orderID := r.JSON(t)["id"].(string)
			created := a.clock.Now()
			r = a.api.Do(kassatest.Request{Method: "POST", Path: "/api/v1/payments", Headers: map[string]string{"Idempotency-Key": "async-pay-1"},
				Body: `{"order_id":"` + orderID + `","method":"upi","vpa":"success@kassa"}`})
			if r.Status != 201 || r.JSON(t)["status"] != "pending" {
				t.Fatalf("pay the order: %d %s", r.Status, r.Body)
			}
			payID := r.JSON(t)["id"].(string)
			a.dueAt(gateway.ProcessOrderPaymentArgs{}.Kind(), "payment_id", payID, created.Add(delay), func() bool {
				return a.get("/api/v1/payments/" + payID)["status"] == "pending" && a.events("payment.succeeded", payID) == 0
			})
			if p := a.get("/api/v1/payments/" + payID); p["status"] != "captured" || p["amount"] != float64(49900) {
				t.Errorf("payment after its job: %v %v", p["status"], p["amount"])
			}
			if o := a.get("/api/v1/orders/" + orderID); o["status"] != "paid" || o["payment_id"] != payID {
				t.Errorf("order after the payment's job: %v %v", o["status"], o["payment_id"])
			}
			if n := a.events("payment.succeeded", payID); n != 1 {
				t.Errorf("%d payment.succeeded events, want 1", n)
			}
			if n := a.events("payment.failed", payID); n != 0 {
				t.Errorf("%d payment.failed events, want 0", n)
			}

			requested := a.clock.Now()
			r = a.api.Do(kassatest.Request{Method: "POST", Path: "/api/v1/payments/" + payID + "/refunds", Body: `{"amount":20000,"reason":"customer requested"}`})
			if r.Status != 201 || r.JSON(t)["status"] != "pending" {
				t.Fatalf("refund: %d %s", r.Status, r.Body)
			}
			refundID := r.JSON(t)["id"].(string)
			a.dueAt(gateway.ProcessRefundArgs{}.Kind(), "refund_id", refundID, requested.Add(delay), func() bool {
				return a.get("/api/v1/refunds/" + refundID)["status"] == "pending" && a.events("refund.succeeded", refundID) == 0
			})
			if rf := a.get("/api/v1/refunds/" + refundID); rf["status"] != "succeeded" || rf["amount"] != float64(20000) {
				t.Errorf("refund after its job: %v %v", rf["status"], rf["amount"])
			}
			if p := a.get("/api/v1/payments/" + payID); p["status"] != "partially_refunded" || p["amount_refunded"] != float64(20000) {
				t.Errorf("payment after the refund's job: %v %v", p["status"], p["amount_refunded"])
			}
			if n := a.events("refund.succeeded", refundID); n != 1 {
				t.Errorf("%d refund.succeeded events, want 1", n)
			}
			if n := a.events("refund.failed", refundID); n != 0 {
				t.Errorf("%d refund.failed events, want 0", n)
			}
		})
	}
}
