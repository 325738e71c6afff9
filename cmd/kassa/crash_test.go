package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kassapay/kassa/internal/store/storetest"
)

// TestCrashWhilePaymentsPending kills the real binary with SIGKILL while order payments are pending (their jobs are
// scheduled after KASSA_SANDBOX_DELAY), restarts it on the same database, and requires every payment to reach the
// outcome its VPA or card decides, exactly once: one payment.succeeded or payment.failed event each, one order
// payment job each, completed, and the orders' statuses to match.
func TestCrashWhilePaymentsPending(t *testing.T) {
	t.Parallel()
	t.Run("sqlite", func(t *testing.T) { t.Parallel(); testCrashWhilePending(t, "") })
	t.Run("postgres", func(t *testing.T) { t.Parallel(); testCrashWhilePending(t, storetest.PostgresURL(t)) })
}

func testCrashWhilePending(t *testing.T, dbURL string) {
	env := kassaEnv("KASSA_ADDR=127.0.0.1:0", "KASSA_DATA_DIR="+t.TempDir(), "KASSA_SANDBOX_DELAY=5s",
		"KASSA_RATE_WRITE_PER_SECOND=1000")
	if dbURL != "" {
		env = append(env, "KASSA_DATABASE_URL="+dbURL)
	}
	first := startServer(t, env)
	sk := parseCredentials(t, first.stdout.String()).sk
	year := time.Now().Year() + 2
	methods := []struct{ body, status string }{
		{`"method":"upi","vpa":"success@kassa"`, "captured"},
		{`"method":"upi","vpa":"failure@kassa"`, "failed"},
		{fmt.Sprintf(`"method":"card","card":{"number":"4242424242424242","exp_month":12,"exp_year":%d,"cvv":"123"}`, year), "captured"},
		{fmt.Sprintf(`"method":"card","card":{"number":"4000000000000002","exp_month":12,"exp_year":%d,"cvv":"123"}`, year), "failed"},
	}
	type attempt struct{ order, payment, want string }
	var attempts []attempt
	for i := range 12 {
		m := methods[i%len(methods)]
		var o, p struct{ ID, Status string }
		postJSON(t, first.addr, sk, "/api/v1/orders", fmt.Sprintf(`{"amount":%d}`, 1000+i), &o)
		postJSON(t, first.addr, sk, "/api/v1/payments", `{"order_id":"`+o.ID+`",`+m.body+`}`, &p)
		if p.Status != "pending" {
			t.Fatalf("payment %d answered %q, want pending", i, p.Status)
		}
		attempts = append(attempts, attempt{order: o.ID, payment: p.ID, want: m.status})
	}
	pendingAtKill := 0
	for _, a := range attempts {
		var p struct{ Status string }
		getJSON(t, first.addr, sk, "/api/v1/payments/"+a.payment, &p)
		if p.Status == "pending" {
			pendingAtKill++
		}
	}
	if err := first.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-first.done
	if pendingAtKill == 0 {
		t.Fatal("no payment was pending when the process was killed (the machine took longer than KASSA_SANDBOX_DELAY)")
	}
	t.Logf("%d of %d payments pending at SIGKILL", pendingAtKill, len(attempts))

	second := startServer(t, env)
	deadline := time.Now().Add(90 * time.Second)
	for _, a := range attempts {
		for {
			var p struct{ Status string }
			getJSON(t, second.addr, sk, "/api/v1/payments/"+a.payment, &p)
			if p.Status != "pending" {
				if p.Status != a.want {
					t.Errorf("payment %s: %s, want %s", a.payment, p.Status, a.want)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("payment %s still pending 90s after the restart", a.payment)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	for _, a := range attempts {
		var succeeded, failed struct{ Data []json.RawMessage }
		getJSON(t, second.addr, sk, "/api/v1/events?limit=100&type=payment.succeeded&object_id="+a.payment, &succeeded)
		getJSON(t, second.addr, sk, "/api/v1/events?limit=100&type=payment.failed&object_id="+a.payment, &failed)
		if n := len(succeeded.Data) + len(failed.Data); n != 1 || (a.want == "captured") != (len(succeeded.Data) == 1) {
			t.Errorf("payment %s (%s): %d payment.succeeded and %d payment.failed events, want exactly one", a.payment, a.want,
				len(succeeded.Data), len(failed.Data))
		}
		var o struct {
			Status    string
			PaymentID string `json:"payment_id"`
		}
		getJSON(t, second.addr, sk, "/api/v1/orders/"+a.order, &o)
		if want := map[string]string{"captured": "paid", "failed": "attempted"}[a.want]; o.Status != want || o.PaymentID != a.payment {
			t.Errorf("order %s: %s (payment %s), want %s", a.order, o.Status, o.PaymentID, want)
		}
	}
	// River ran one job per payment, each to completion (it records completions in batches, shortly after the
	// work); the statistics read them from its tables.
	type kindStats struct {
		Kind                                          string
		Pending, Running, Completed, Failed, Retrying int
	}
	var stats struct {
		Kinds   []kindStats
		Workers struct{ Alive bool }
	}
	var jobs kindStats
	for {
		getJSON(t, second.addr, sk, "/api/v1/jobs/stats", &stats)
		for _, k := range stats.Kinds {
			if k.Kind == "order_payment" {
				jobs = k
			}
		}
		if jobs.Pending+jobs.Running == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if jobs.Completed != len(attempts) || jobs.Pending+jobs.Running+jobs.Failed+jobs.Retrying != 0 || !stats.Workers.Alive {
		t.Errorf("order_payment jobs: %+v (workers alive: %v), want %d completed and nothing else", jobs, stats.Workers.Alive, len(attempts))
	}
	second.stop(t)
}

func postJSON(t *testing.T, addr, key, path, body string, out any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, "http://"+addr+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		var e json.RawMessage
		json.NewDecoder(resp.Body).Decode(&e) //nolint:errcheck
		t.Fatalf("POST %s: %d %s", path, resp.StatusCode, e)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatal(err)
	}
}

func getJSON(t *testing.T, addr, key, path string, out any) {
	t.Helper()
	status, body, err := request(addr, key, path)
	if err != nil || status != http.StatusOK {
		t.Fatalf("GET %s: %d %v %s", path, status, err, body)
	}
	if err := json.Unmarshal(body, out); err != nil {
		t.Fatal(err)
	}
}
