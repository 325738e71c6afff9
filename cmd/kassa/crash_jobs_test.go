package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kassapay/kassa/internal/store/storetest"
)

// rescueLimit is how soon after a restart the work of a job killed mid-attempt must be done: River's rescuer makes
// the job available again (internal/jobs, rescue.go), and the worker finishes it.
const rescueLimit = time.Minute

// TestCrashInOrderPaymentJob kills the real binary with SIGKILL inside an order payment's job, after the provider
// answered and before the outcome was recorded (crash point order.job.called), so that River's table keeps the job
// running for an instance that is gone. Restarted without the crash point, the instance settles every payment
// within a minute, exactly once: one payment.succeeded each, one transaction per provider operation, one
// order_payment job per payment, completed.
func TestCrashInOrderPaymentJob(t *testing.T) {
	t.Parallel()
	t.Run("sqlite", func(t *testing.T) { t.Parallel(); testCrashInOrderPaymentJob(t, "") })
	t.Run("postgres", func(t *testing.T) { t.Parallel(); testCrashInOrderPaymentJob(t, storetest.PostgresURL(t)) })
}

func testCrashInOrderPaymentJob(t *testing.T, dbURL string) {
	// The jobs run KASSA_SANDBOX_DELAY after their payments: time enough to create both before the first job kills
	// the process.
	env := crashJobsEnv(t, dbURL, "KASSA_SANDBOX_DELAY=3s")
	first := startServer(t, append(env, "KASSA_CRASHPOINT=order.job.called"))
	sk := parseCredentials(t, first.stdout.String()).sk
	card := fmt.Sprintf(`"method":"card","card":{"number":"4242424242424242","exp_month":12,"exp_year":%d,"cvv":"123"}`, time.Now().Year()+2)
	payments := []struct {
		method, body string
		txns         []string // the provider operations the payment records, as transaction types, sorted
	}{
		{"upi", `"method":"upi","vpa":"success@kassa"`, []string{"sale"}},
		{"card", card, []string{"authorize", "capture"}},
	}
	ids := make([]string, len(payments))
	for i, m := range payments {
		var o, p struct{ ID, Status string }
		postJSON(t, first.addr, sk, "/api/v1/orders", fmt.Sprintf(`{"amount":%d}`, 1000+i), &o)
		postJSON(t, first.addr, sk, "/api/v1/payments", `{"order_id":"`+o.ID+`",`+m.body+`}`, &p)
		if p.Status != "pending" {
			t.Fatalf("%s payment answered %q, want pending", m.method, p.Status)
		}
		ids[i] = p.ID
	}
	first.waitKilledAt(t, "order.job.called")

	second, restarted := restart(t, env)
	settled := map[string]time.Duration{}
	for len(settled) < len(ids) {
		for i, id := range ids {
			if _, ok := settled[id]; ok {
				continue
			}
			var p struct{ Status string }
			getJSON(t, second.addr, sk, "/api/v1/payments/"+id, &p)
			switch p.Status {
			case "pending":
			case "captured":
				settled[id] = time.Since(restarted)
				t.Logf("%s payment %s captured %v after the restart", payments[i].method, id, settled[id].Round(100*time.Millisecond))
			default:
				t.Fatalf("%s payment %s is %s after the restart, want captured", payments[i].method, id, p.Status)
			}
		}
		if time.Since(restarted) > rescueLimit {
			t.Fatalf("payments still pending %v after the restart (settled: %v)", rescueLimit, settled)
		}
		time.Sleep(100 * time.Millisecond)
	}

	for i, id := range ids {
		var succeeded, failed struct{ Data []json.RawMessage }
		getJSON(t, second.addr, sk, "/api/v1/events?limit=100&type=payment.succeeded&object_id="+id, &succeeded)
		getJSON(t, second.addr, sk, "/api/v1/events?limit=100&type=payment.failed&object_id="+id, &failed)
		if len(succeeded.Data) != 1 || len(failed.Data) != 0 {
			t.Errorf("%s payment %s: %d payment.succeeded and %d payment.failed events, want 1 and 0", payments[i].method, id,
				len(succeeded.Data), len(failed.Data))
		}
		var txns struct {
			Data []struct{ Type, Status string }
		}
		getJSON(t, second.addr, sk, "/api/v1/transactions?limit=100&payment_id="+id, &txns)
		var got []string
		for _, x := range txns.Data {
			if x.Status != "succeeded" {
				t.Errorf("%s payment %s: a %s transaction %s", payments[i].method, id, x.Type, x.Status)
			}
			got = append(got, x.Type)
		}
		if slices.Sort(got); !slices.Equal(got, payments[i].txns) {
			t.Errorf("%s payment %s: transactions %v, want %v (one per provider operation)", payments[i].method, id, got, payments[i].txns)
		}
	}
	jobs := second.jobsSettled(t, sk, "order_payment", restarted)
	if jobs.Completed != len(ids) || jobs.Pending+jobs.Running+jobs.Failed+jobs.Retrying != 0 {
		t.Errorf("order_payment jobs: %+v, want %d completed and nothing else", jobs, len(ids))
	}
	second.stop(t)
}

// TestCrashInDeliveryJob kills the real binary inside a webhook delivery's attempt, after the receiver answered and
// before the attempt was recorded (crash point webhook.job.sent). Restarted without the crash point, the instance
// delivers the event again within a minute (at least once: the receiver dedupes on the event id) and records the
// delivery delivered, with its one recorded attempt and one webhook_delivery job, completed.
func TestCrashInDeliveryJob(t *testing.T) {
	t.Parallel()
	t.Run("sqlite", func(t *testing.T) { t.Parallel(); testCrashInDeliveryJob(t, "") })
	t.Run("postgres", func(t *testing.T) { t.Parallel(); testCrashInDeliveryJob(t, storetest.PostgresURL(t)) })
}

func testCrashInDeliveryJob(t *testing.T, dbURL string) {
	var mu sync.Mutex
	var received []string // event ids, in order
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev struct{ ID string }
		b, _ := io.ReadAll(r.Body)
		json.Unmarshal(b, &ev) //nolint:errcheck
		mu.Lock()
		received = append(received, ev.ID)
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer receiver.Close()
	receivedIDs := func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), received...)
	}

	env := crashJobsEnv(t, dbURL, "KASSA_WEBHOOK_ALLOWED_NETWORKS=127.0.0.0/8")
	first := startServer(t, append(env, "KASSA_CRASHPOINT=webhook.job.sent"))
	sk := parseCredentials(t, first.stdout.String()).sk
	var ep, ev struct{ ID string }
	postJSON(t, first.addr, sk, "/api/v1/webhook-endpoints", `{"url":"`+receiver.URL+`/hooks"}`, &ep)
	postJSON(t, first.addr, sk, "/api/v1/test-events", `{"type":"test.ping"}`, &ev)
	first.waitKilledAt(t, "webhook.job.sent")
	if got := receivedIDs(); len(got) != 1 || got[0] != ev.ID {
		t.Fatalf("the receiver got %v before the kill, want [%s]", got, ev.ID)
	}

	second, restarted := restart(t, env)
	type delivery struct {
		ID, Status string
		Attempts   int
	}
	var d delivery
	for {
		var list struct{ Data []delivery }
		getJSON(t, second.addr, sk, "/api/v1/webhook-deliveries?event_id="+ev.ID, &list)
		if len(list.Data) != 1 {
			t.Fatalf("deliveries of %s: %+v, want one", ev.ID, list.Data)
		}
		if d = list.Data[0]; d.Status == "delivered" {
			t.Logf("delivery %s delivered %v after the restart", d.ID, time.Since(restarted).Round(100*time.Millisecond))
			break
		}
		if d.Status != "pending" || time.Since(restarted) > rescueLimit {
			t.Fatalf("delivery %s is %s (%d attempts) %v after the restart, want delivered within %v", d.ID, d.Status, d.Attempts,
				time.Since(restarted).Round(100*time.Millisecond), rescueLimit)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if d.Attempts != 1 {
		t.Errorf("delivery %s: %d attempts recorded, want 1 (the killed one never was)", d.ID, d.Attempts)
	}
	if got := receivedIDs(); len(got) != 2 || got[0] != ev.ID || got[1] != ev.ID {
		t.Errorf("the receiver got %v, want %s twice (before the kill and after the restart)", got, ev.ID)
	}
	jobs := second.jobsSettled(t, sk, "webhook_delivery", restarted)
	if jobs.Completed != 1 || jobs.Pending+jobs.Running+jobs.Failed+jobs.Retrying != 0 {
		t.Errorf("webhook_delivery jobs: %+v, want 1 completed and nothing else", jobs)
	}
	second.stop(t)
}

// crashJobsEnv is the environment of the crash tests' instances, on SQLite in a fresh data directory or on the
// PostgreSQL database dbURL.
func crashJobsEnv(t *testing.T, dbURL string, kv ...string) []string {
	env := kassaEnv(append([]string{"KASSA_ADDR=127.0.0.1:0", "KASSA_DATA_DIR=" + t.TempDir(), "KASSA_RATE_WRITE_PER_SECOND=1000"}, kv...)...)
	if dbURL != "" {
		env = append(env, "KASSA_DATABASE_URL="+dbURL)
	}
	return env
}

// waitKilledAt waits for the process to kill itself at the named crash point.
func (s *server) waitKilledAt(t *testing.T, point string) {
	t.Helper()
	select {
	case <-s.done:
	case <-time.After(waitLimit):
		t.Fatalf("kassa serve still running %v after the work that reaches crash point %s was queued", waitLimit, point)
	}
	if !strings.Contains(s.stderr.String(), "crashpoint "+point+": SIGKILL") {
		t.Fatalf("kassa serve exited (%v) without reaching crash point %s", s.err, point)
	}
}

// restart starts kassa serve again on env (without a crash point) and returns it with the time it was started.
func restart(t *testing.T, env []string) (*server, time.Time) {
	t.Helper()
	started := time.Now()
	s := startServer(t, env)
	t.Logf("restarted and healthy in %v", time.Since(started).Round(100*time.Millisecond))
	return s, started
}

// jobKindStats is one kind's line of GET /api/v1/jobs/stats.
type jobKindStats struct {
	Kind                                          string
	Pending, Running, Completed, Failed, Retrying int
}

// jobsSettled returns the statistics of kind's jobs once none is pending or running (River records completions in
// batches, shortly after the work), or as they are rescueLimit after restarted.
func (s *server) jobsSettled(t *testing.T, key, kind string, restarted time.Time) jobKindStats {
	t.Helper()
	for {
		var stats struct{ Kinds []jobKindStats }
		getJSON(t, s.addr, key, "/api/v1/jobs/stats", &stats)
		var k jobKindStats
		for _, x := range stats.Kinds {
			if x.Kind == kind {
				k = x
			}
		}
		if k.Pending+k.Running == 0 || time.Since(restarted) > rescueLimit {
			return k
		}
		time.Sleep(100 * time.Millisecond)
	}
}
