package api_test

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/store/storetest"
	"github.com/kassapay/kassa/internal/webtest"
)

// roundTripCeilings are the most round trips to PostgreSQL each hot path may take: today's counts, so a change that
// adds a round trip to a hot path fails here, and a change that removes one lowers its ceiling. docs/benchmarks.md
// has the targets (session create 3, hosted pay 8, replay 2, authorize 6, capture 6, refund 8).
var roundTripCeilings = map[string]int64{
	"session create": 4, "hosted pay": 9, "replay": 2, "authorize": 9, "capture": 9, "refund": 11,
}

// TestHotPathRoundTrips counts the round trips to PostgreSQL (each statement, BEGIN and COMMIT, and each batch) of
// the hot paths, as a client drives them over HTTP: a checkout session's create, its payment through the hosted
// page's form, an idempotent replay of the create, and a direct authorization's capture and refund. SQLite runs in
// the process and has no round trips to count.
func TestHotPathRoundTrips(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		if b.Name != "postgres" {
			t.Skip("round trips are PostgreSQL's; SQLite runs in the process")
		}
		var n atomic.Int64
		e, br := webtest.Setup(t, b, kassatest.Options{RoundTrips: &n})
		seq := 0
		send := func(method, path, body, key string) map[string]any {
			t.Helper()
			r := e.Do(kassatest.Request{Method: method, Path: path, Body: body, Headers: map[string]string{"Idempotency-Key": key}})
			if r.Status/100 != 2 {
				t.Fatalf("%s %s: %d %s", method, path, r.Status, r.Body)
			}
			return r.JSON(t)
		}
		fresh := func() string { seq++; return fmt.Sprintf("roundtrip-%04d", seq) }
		createSession := func(key string) string {
			return send("POST", "/api/v1/checkout-sessions", `{"external_order_id":"RT-`+key+`","amount":1999,"currency":"USD",`+
				`"success_url":"https://shop.example/ok","cancel_url":"https://shop.example/no"}`, key)["id"].(string)
		}
		authorize := func() string {
			return send("POST", "/api/v1/payments/authorize", cardBody("4242424242424242", 1999), fresh())["id"].(string)
		}
		capture := func(id string) { send("POST", "/api/v1/payments/"+id+"/capture", `{"amount":1999}`, fresh()) }
		counts := map[string]int64{}
		// measure counts the second of two runs of op (each on what its own setup made): the first run on a
		// connection prepares each statement text once, which a server's steady state does not pay.
		measure := func(name string, setup func() string, op func(string)) {
			t.Helper()
			op(setup())
			arg := setup()
			before := n.Load()
			op(arg)
			counts[name] = n.Load() - before
		}
		none := func() string { return "" }
		measure("session create", none, func(string) { createSession(fresh()) })
		replayed := fresh()
		createSession(replayed)
		measure("replay", none, func(string) { createSession(replayed) })
		measure("hosted pay", func() string { return createSession(fresh()) }, func(id string) {
			if p := br.Post("/checkout/"+id+"/pay", webtest.Card("4242424242424242")); p.Status != http.StatusSeeOther {
				t.Fatalf("pay: %d %s", p.Status, p.Body)
			}
		})
		measure("authorize", none, func(string) { authorize() })
		measure("capture", authorize, capture)
		measure("refund", func() string { id := authorize(); capture(id); return id }, func(id string) {
			send("POST", "/api/v1/refunds", `{"payment_id":"`+id+`","amount":1999}`, fresh())
		})
		for name, got := range counts {
			if ceiling := roundTripCeilings[name]; got > ceiling {
				t.Errorf("%s: %d round trips, at most %d", name, got, ceiling)
			}
		}
		t.Logf("round trips: %v", counts)
	})
}
