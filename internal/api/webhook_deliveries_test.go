package api_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/kassapay/kassa/clients/go/kassawebhook"
	"github.com/kassapay/kassa/internal/api"
	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/store/storetest"
	"github.com/kassapay/kassa/internal/webhook"
)

func TestTestDeliveryIsSignedWithBothSchemes(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		e.Clock.Advance(1250 * time.Millisecond) // events show whole seconds: prove the API and the payload agree
		rcv := kassatest.NewReceiver(t)
		ep := newEndpoint(t, e, rcv.URL+"/hooks?shop=1&x=2", "payment.succeeded") // a test delivery ignores subscriptions
		secret := ep["secret"].(string)
		deliveryID := testDelivery(t, e, ep["id"].(string))
		if len(rcv.Requests()) != 0 {
			t.Fatal("the receiver got a request before any attempt")
		}
		attempt(t, e, deliveryID)

		got := rcv.Requests()
		if len(got) != 1 {
			t.Fatalf("receiver got %d requests, want 1", len(got))
		}
		req := got[0]
		d := getDelivery(t, e, deliveryID)
		eventID := d["event_id"].(string)
		event := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/events/" + eventID})
		if !bytes.Equal(req.Body, bytes.TrimSuffix(event.Body, []byte("\n"))) {
			t.Errorf("delivered body differs from GET /events/%s:\n%s\n%s", eventID, req.Body, event.Body)
		}
		ev := event.JSON(t)
		if ev["type"] != "test.ping" || ev["object"] != "event" || ev["created_at"] != at(time.Second) {
			t.Errorf("event: %v", ev)
		}
		if err := kassawebhook.Verify(secret, req.Header.Get("Kassa-Signature"), req.Body, e.Clock.Now()); err != nil {
			t.Errorf("Kassa-Signature does not verify: %v (%s)", err, req.Header.Get("Kassa-Signature"))
		}
		wh, err := standardwebhooks.NewWebhook(secret)
		if err != nil {
			t.Fatal(err)
		}
		// The library checks the timestamp against the wall clock; the test clock is elsewhere, so the timestamp is
		// compared with it directly.
		if err := wh.VerifyIgnoringTimestamp(req.Body, req.Header); err != nil {
			t.Errorf("Standard Webhooks signature does not verify: %v", err)
		}
		unix := fmt.Sprint(e.Clock.Now().Unix())
		if diff := cmp.Diff(map[string]string{
			"webhook-id": eventID, "webhook-timestamp": unix, "Kassa-Event-Id": eventID, "Kassa-Timestamp": unix,
			"Kassa-Api-Version": api.APIVersion, "Content-Type": "application/json",
		}, map[string]string{
			"webhook-id": req.Header.Get("webhook-id"), "webhook-timestamp": req.Header.Get("webhook-timestamp"),
			"Kassa-Event-Id": req.Header.Get("Kassa-Event-Id"), "Kassa-Timestamp": req.Header.Get("Kassa-Timestamp"),
			"Kassa-Api-Version": req.Header.Get("Kassa-Api-Version"), "Content-Type": req.Header.Get("Content-Type"),
		}); diff != "" {
			t.Errorf("headers (-want +got):\n%s", diff)
		}
		if d["status"] != "delivered" || d["attempts"] != 1.0 || d["next_attempt_at"] != nil || !slices.Equal(attemptStatuses(d), []int{200}) {
			t.Errorf("delivery: %v", d)
		}
		if a := d["attempt_history"].([]any)[0].(map[string]any); a["number"] != 1.0 || a["response_excerpt"] != "ok" || a["error"] != "" {
			t.Errorf("attempt: %v", a)
		}
		// A delivered delivery is left alone by a second job run.
		attempt(t, e, deliveryID)
		if n := len(rcv.Requests()); n != 1 {
			t.Errorf("a finished delivery was sent again: %d requests", n)
		}
	})
}

func TestDeliveryRetriesFollowTheSchedule(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		fail := kassatest.Reply{Status: 500, Body: "boom"}
		rcv := kassatest.NewReceiver(t, fail, fail, fail, fail)
		deliveryID := testDelivery(t, e, newEndpoint(t, e, rcv.URL)["id"].(string))
		offsets := []time.Duration{0, time.Minute, 6 * time.Minute, 36 * time.Minute, 156 * time.Minute}
		for i, off := range offsets {
			if i > 0 {
				// A second early, the attempt is not due and nothing is sent.
				e.Clock.Advance(kassatest.Start.Add(off - time.Second).Sub(e.Clock.Now()))
				var notDue *gateway.NotDueError
				if err := e.Gateway.AttemptDelivery(context.Background(), deliveryID); !errors.As(err, &notDue) || !notDue.Until.Equal(kassatest.Start.Add(off)) {
					t.Fatalf("attempt %d a second early: err = %v, want NotDueError until +%v", i+1, err, off)
				}
				if n := len(rcv.Requests()); n != i {
					t.Fatalf("attempt %d a second early sent a request (%d total)", i+1, n)
				}
				e.Clock.Advance(time.Second)
			}
			attempt(t, e, deliveryID)
			d := getDelivery(t, e, deliveryID)
			if i < len(offsets)-1 && (d["status"] != "retrying" || d["next_attempt_at"] != at(offsets[i+1])) {
				t.Fatalf("after attempt %d: status %v, next_attempt_at %v, want retrying at %s", i+1, d["status"], d["next_attempt_at"], at(offsets[i+1]))
			}
		}
		d := getDelivery(t, e, deliveryID)
		if d["status"] != "delivered" || d["attempts"] != 5.0 {
			t.Errorf("final delivery: %v", d)
		}
		if diff := cmp.Diff([]int{500, 500, 500, 500, 200}, attemptStatuses(d)); diff != "" {
			t.Errorf("attempt statuses (-want +got):\n%s", diff)
		}
		var gotTimes, wantTimes []string
		for i, a := range d["attempt_history"].([]any) {
			gotTimes = append(gotTimes, a.(map[string]any)["started_at"].(string))
			wantTimes = append(wantTimes, at(offsets[i]))
			if a.(map[string]any)["error"] == "" && i < 4 {
				t.Errorf("failed attempt %d has no error", i+1)
			}
		}
		if diff := cmp.Diff(wantTimes, gotTimes); diff != "" {
			t.Errorf("attempt times (-want +got):\n%s", diff)
		}
		// Each attempt is signed at its own time, so receivers' freshness checks pass on retries.
		for i, req := range rcv.Requests() {
			if got, want := req.Header.Get("Kassa-Timestamp"), fmt.Sprint(kassatest.Start.Add(offsets[i]).Unix()); got != want {
				t.Errorf("attempt %d signed at %s, want %s", i+1, got, want)
			}
		}
	})
}

func TestDeliveryHonoursRetryAfter(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		rcv := kassatest.NewReceiver(t, kassatest.Reply{Status: 503, Header: map[string]string{"Retry-After": "600"}})
		deliveryID := testDelivery(t, e, newEndpoint(t, e, rcv.URL)["id"].(string))
		attempt(t, e, deliveryID)
		if d := getDelivery(t, e, deliveryID); d["status"] != "retrying" || d["next_attempt_at"] != at(10*time.Minute) {
			t.Fatalf("after a 503 with Retry-After: 600: %v", d)
		}
		e.Clock.Advance(time.Minute) // the schedule's own delay: not enough
		var notDue *gateway.NotDueError
		if err := e.Gateway.AttemptDelivery(context.Background(), deliveryID); !errors.As(err, &notDue) {
			t.Fatalf("at +1m: err = %v, want NotDueError", err)
		}
		e.Clock.Advance(9 * time.Minute)
		attempt(t, e, deliveryID)
		if d := getDelivery(t, e, deliveryID); d["status"] != "delivered" || !slices.Equal(attemptStatuses(d), []int{503, 200}) {
			t.Errorf("after Retry-After: %v", d)
		}
	})
}

func TestGoneDisablesTheEndpoint(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		gone := kassatest.NewReceiver(t, kassatest.Reply{Status: http.StatusGone})
		watcher := kassatest.NewReceiver(t)
		id := newEndpoint(t, e, gone.URL)["id"].(string)
		watcherID := newEndpoint(t, e, watcher.URL, "endpoint.disabled")["id"].(string)
		deliveryID := testDelivery(t, e, id)
		attempt(t, e, deliveryID)

		ep := mustDo(t, e, kassatest.Request{Method: "GET", Path: "/api/v1/webhook-endpoints/" + id}, 200)
		if ep["status"] != "disabled" || !strings.Contains(fmt.Sprint(ep["disabled_reason"]), "410") {
			t.Errorf("endpoint after 410: %v", ep)
		}
		if d := getDelivery(t, e, deliveryID); d["status"] != "failed" || d["next_attempt_at"] != nil || !slices.Equal(attemptStatuses(d), []int{410}) {
			t.Errorf("delivery after 410: %v", d)
		}
		events := mustDo(t, e, kassatest.Request{Method: "GET", Path: "/api/v1/events?type=endpoint.disabled"}, 200)["data"].([]any)
		if len(events) != 1 {
			t.Fatalf("%d endpoint.disabled events, want 1", len(events))
		}
		data := events[0].(map[string]any)["data"].(map[string]any)
		if data["id"] != id || data["status"] != "disabled" || data["secret"] != nil {
			t.Errorf("endpoint.disabled data: %v", data)
		}
		// The event goes to the endpoint that subscribes to it.
		evID := events[0].(map[string]any)["id"].(string)
		ds := mustDo(t, e, kassatest.Request{Method: "GET", Path: "/api/v1/webhook-deliveries?event_id=" + evID}, 200)["data"].([]any)
		if len(ds) != 1 || ds[0].(map[string]any)["endpoint_id"] != watcherID {
			t.Errorf("deliveries of endpoint.disabled: %v (gone endpoint %s, watcher %s)", ds, id, watcherID)
		}
		// A disabled endpoint takes no test deliveries, retries or replays until the merchant enables it.
		checkErrors(t, e, []errorCase{
			{"test delivery", kassatest.Request{Method: "POST", Path: "/api/v1/webhook-test-deliveries", Body: `{"endpoint_ids":["` + id + `"]}`}, 409, "invalid_request_error", "endpoint_disabled", ""},
			{"retry", kassatest.Request{Method: "POST", Path: "/api/v1/webhook-deliveries/" + deliveryID + "/retry"}, 409, "invalid_request_error", "endpoint_disabled", ""},
			{"replay", kassatest.Request{Method: "POST", Path: "/api/v1/webhook-endpoints/" + id + "/replay", Body: `{"since":"` + at(-time.Hour) + `"}`}, 409, "invalid_request_error", "endpoint_disabled", ""},
		})
		mustDo(t, e, kassatest.Request{Method: "PATCH", Path: "/api/v1/webhook-endpoints/" + id, Body: `{"status":"enabled"}`}, 200)
		if r := mustDo(t, e, kassatest.Request{Method: "POST", Path: "/api/v1/webhook-endpoints/" + id + "/replay", Body: `{"since":"` + at(-time.Hour) + `"}`}, 200); r["queued"] != 1.0 {
			t.Errorf("replay after re-enabling: %v", r)
		}
	})
}

func TestDeliveryToADeletedEndpointFailsUnsent(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		rcv := kassatest.NewReceiver(t)
		id := newEndpoint(t, e, rcv.URL)["id"].(string)
		deliveryID := testDelivery(t, e, id)
		mustDo(t, e, kassatest.Request{Method: "DELETE", Path: "/api/v1/webhook-endpoints/" + id}, 200)
		attempt(t, e, deliveryID)
		d := getDelivery(t, e, deliveryID) // the history stays readable
		if len(rcv.Requests()) != 0 || d["status"] != "failed" || !strings.Contains(fmt.Sprint(d["attempt_history"]), "endpoint deleted") {
			t.Errorf("%d requests; delivery %v", len(rcv.Requests()), d)
		}
	})
}

func TestFailedDeliveriesCanBeRetriedReplayedAndFiltered(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		// The schedule is compressed to six immediate attempts: this test is about what happens after them.
		e := kassatest.Setup(t, b, kassatest.Options{WebhookSchedule: webhook.Schedule{0, 0, 0, 0, 0, 0}})
		fail := kassatest.Reply{Status: 500}
		failing := kassatest.NewReceiver(t, slices.Repeat([]kassatest.Reply{fail}, 12)...)
		healthy := kassatest.NewReceiver(t)
		a := newEndpoint(t, e, failing.URL)["id"].(string)
		bID := newEndpoint(t, e, healthy.URL)["id"].(string)
		d1 := testDelivery(t, e, a)
		d2 := mustDo(t, e, kassatest.Request{Method: "POST", Path: "/api/v1/webhook-test-deliveries",
			Body: `{"endpoint_ids":["` + a + `"],"type":"payment.succeeded"}`}, 201)["data"].([]any)[0].(map[string]any)["id"].(string)
		d3 := testDelivery(t, e, bID)
		for range 6 {
			attempt(t, e, d1)
			attempt(t, e, d2)
		}
		attempt(t, e, d3)
		for _, id := range []string{d1, d2} {
			d := getDelivery(t, e, id)
			if d["status"] != "failed" || d["attempts"] != 6.0 || d["next_attempt_at"] != nil {
				t.Errorf("after six failures: %v", d)
			}
		}
		attempt(t, e, d1) // a failed delivery is not attempted again by a stray job
		if n := len(failing.Requests()); n != 12 {
			t.Fatalf("failing receiver got %d requests, want 12", n)
		}

		event1 := getDelivery(t, e, d1)["event_id"].(string)
		for q, want := range map[string][]string{
			"":                                      sorted(d1, d2, d3),
			"endpoint_id=" + a:                      sorted(d1, d2),
			"status=failed":                         sorted(d1, d2),
			"status=delivered":                      {d3},
			"status=pending":                        nil,
			"event_type=payment.succeeded":          {d2},
			"event_type=test.ping&status=failed":    {d1},
			"endpoint_id=" + bID + "&status=failed": nil,
			"event_id=" + event1:                    {d1},
		} {
			if diff := cmp.Diff(want, ids(mustDo(t, e, kassatest.Request{Method: "GET", Path: "/api/v1/webhook-deliveries?" + q}, 200))); diff != "" {
				t.Errorf("deliveries?%s (-want +got):\n%s", q, diff)
			}
		}
		page := mustDo(t, e, kassatest.Request{Method: "GET", Path: "/api/v1/webhook-deliveries?limit=2"}, 200)
		if len(page["data"].([]any)) != 2 || page["has_more"] != true {
			t.Errorf("limit=2: %v", page)
		}

		// Retry: back to pending, due now; the next attempt sends again.
		retried := mustDo(t, e, kassatest.Request{Method: "POST", Path: "/api/v1/webhook-deliveries/" + d1 + "/retry"}, 200)
		if retried["status"] != "pending" || retried["object"] != "webhook_delivery" || retried["next_attempt_at"] != at(0) {
			t.Errorf("retry answered %v", retried)
		}
		attempt(t, e, d1)
		if d := getDelivery(t, e, d1); d["status"] != "delivered" || d["attempts"] != 7.0 || len(failing.Requests()) != 13 {
			t.Errorf("after retry: %v (%d requests)", d, len(failing.Requests()))
		}

		// Replay re-queues the endpoint's failed deliveries created in the window, and says how many.
		if r := mustDo(t, e, kassatest.Request{Method: "POST", Path: "/api/v1/webhook-endpoints/" + a + "/replay",
			Body: `{"since":"` + at(time.Second) + `"}`}, 200); r["queued"] != 0.0 {
			t.Errorf("replay of a window without deliveries: %v", r)
		}
		replay := mustDo(t, e, kassatest.Request{Method: "POST", Path: "/api/v1/webhook-endpoints/" + a + "/replay",
			Body: `{"since":"` + at(-time.Hour) + `","until":"` + at(time.Hour) + `"}`}, 200)
		if diff := cmp.Diff(map[string]any{"object": "webhook_replay", "endpoint_id": a, "queued": 1.0}, replay); diff != "" {
			t.Errorf("replay (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{d2}, ids(mustDo(t, e, kassatest.Request{Method: "GET", Path: "/api/v1/webhook-deliveries?status=pending"}, 200))); diff != "" {
			t.Errorf("pending after replay (-want +got):\n%s", diff)
		}
		attempt(t, e, d2)
		if d := getDelivery(t, e, d2); d["status"] != "delivered" {
			t.Errorf("replayed delivery: %v", d)
		}
		// Delivered ones can be replayed too, on request.
		if r := mustDo(t, e, kassatest.Request{Method: "POST", Path: "/api/v1/webhook-endpoints/" + a + "/replay",
			Body: `{"since":"` + at(-time.Hour) + `","status":"delivered"}`}, 200); r["queued"] != 2.0 {
			t.Errorf("replay of delivered: %v", r)
		}
	})
}

// TestSSRFRefusedDeliveryIsRecordedAndRetried: registration refuses loopback URLs when no network is allowed, but
// an endpoint can still point there at delivery time (stored before that check existed, or a name DNS now resolves
// to loopback); the dialer refuses the connection and the attempt is recorded.
func TestSSRFRefusedDeliveryIsRecordedAndRetried(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{BlockLoopback: true})
		rcv := kassatest.NewReceiver(t)
		endpointID := newEndpoint(t, e, "https://shop.example/hooks")["id"].(string)
		ctx := context.Background()
		if err := e.Store.InTx(ctx, func(tx store.Tx) error {
			ep, err := tx.LockWebhookEndpoint(ctx, endpointID)
			if err != nil {
				return err
			}
			ep.URL = rcv.URL
			return tx.UpdateWebhookEndpoint(ctx, ep)
		}); err != nil {
			t.Fatal(err)
		}
		deliveryID := testDelivery(t, e, endpointID)
		attempt(t, e, deliveryID)
		if n := len(rcv.Requests()); n != 0 {
			t.Errorf("the loopback receiver got %d requests", n)
		}
		d := getDelivery(t, e, deliveryID)
		if d["status"] != "retrying" || !slices.Equal(attemptStatuses(d), []int{0}) {
			t.Errorf("delivery: %v", d)
		}
		if msg := fmt.Sprint(d["attempt_history"].([]any)[0].(map[string]any)["error"]); !strings.Contains(msg, "SSRF policy") {
			t.Errorf("attempt error %q does not name the SSRF policy", msg)
		}
	})
}

func TestCrashBetweenSendingAndRecordingRedelivers(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		var calls atomic.Int32
		crash := errors.New("crash after send")
		e := kassatest.Setup(t, b, kassatest.Options{AfterSend: func(string) error {
			if calls.Add(1) == 1 {
				return crash
			}
			return nil
		}})
		rcv := kassatest.NewReceiver(t)
		deliveryID := testDelivery(t, e, newEndpoint(t, e, rcv.URL)["id"].(string))
		if err := e.Gateway.AttemptDelivery(context.Background(), deliveryID); !errors.Is(err, crash) {
			t.Fatalf("first attempt: err = %v, want the crash", err)
		}
		d := getDelivery(t, e, deliveryID)
		if len(rcv.Requests()) != 1 || d["status"] != "pending" || d["attempts"] != 0.0 || len(d["attempt_history"].([]any)) != 0 {
			t.Fatalf("after the crash: %d requests; delivery %v", len(rcv.Requests()), d)
		}
		attempt(t, e, deliveryID) // the job runs again
		reqs := rcv.Requests()
		if len(reqs) != 2 || reqs[0].Header.Get("webhook-id") != reqs[1].Header.Get("webhook-id") || !bytes.Equal(reqs[0].Body, reqs[1].Body) {
			t.Errorf("redelivery: %d requests, not the same event", len(reqs))
		}
		if d := getDelivery(t, e, deliveryID); d["status"] != "delivered" || d["attempts"] != 1.0 {
			t.Errorf("after the redelivery: %v", d)
		}
	})
}

func TestRolledBackEventIsNeverDelivered(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		ctx := context.Background()
		rcv := kassatest.NewReceiver(t)
		newEndpoint(t, e, rcv.URL)
		record := func(fail bool) (webhook.Event, error) {
			var ev webhook.Event
			err := e.Store.InTx(ctx, func(tx store.Tx) error {
				var err error
				ev, err = e.Gateway.RecordEvent(ctx, tx, gateway.EventInput{
					MerchantID: e.Merchant.Merchant.ID, Type: webhook.EventTestPing, ObjectID: e.Merchant.Merchant.ID,
					Data: map[string]string{"object": "test"},
				})
				if err != nil {
					return err
				}
				if fail {
					return errors.New("the rest of the transaction failed")
				}
				return nil
			})
			return ev, err
		}
		jobs := func() int {
			n, err := e.Store.Jobs().Count(ctx, gateway.DeliverArgs{}.Kind(), store.JobAvailable)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}

		ev, err := record(true)
		if err == nil {
			t.Fatal("the transaction committed")
		}
		checkErrors(t, e, []errorCase{{"rolled-back event", kassatest.Request{Method: "GET", Path: "/api/v1/events/" + ev.ID}, 404, "invalid_request_error", "resource_missing", "id"}})
		for _, path := range []string{"/api/v1/events", "/api/v1/webhook-deliveries"} {
			if list := mustDo(t, e, kassatest.Request{Method: "GET", Path: path}, 200); len(list["data"].([]any)) != 0 {
				t.Errorf("GET %s after the rollback: %v", path, list)
			}
		}
		e.Clock.Advance(time.Hour) // even the sweep for lost jobs finds nothing
		if n, err := e.Gateway.EnqueueDueDeliveries(ctx); err != nil || n != 0 || jobs() != 0 {
			t.Errorf("after the rollback: %d due deliveries (err %v), %d jobs", n, err, jobs())
		}
		if n := len(rcv.Requests()); n != 0 {
			t.Errorf("receiver got %d requests", n)
		}

		// The same event committed: one event, one delivery, one job.
		ev, err = record(false)
		if err != nil {
			t.Fatal(err)
		}
		ds := mustDo(t, e, kassatest.Request{Method: "GET", Path: "/api/v1/webhook-deliveries?event_id=" + ev.ID}, 200)["data"].([]any)
		seq := mustDo(t, e, kassatest.Request{Method: "GET", Path: "/api/v1/events/" + ev.ID}, 200)["sequence"]
		if len(ds) != 1 || jobs() != 1 || seq != 1.0 {
			t.Errorf("committed: %d deliveries, %d jobs, sequence %v (the rolled-back event took no number)", len(ds), jobs(), seq)
		}
	})
}

func TestEndpointFailingForFiveDaysIsDisabled(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		dead := kassatest.NewReceiver(t, slices.Repeat([]kassatest.Reply{{Status: 502}}, 10)...)
		id := newEndpoint(t, e, dead.URL)["id"].(string)
		attempt(t, e, testDelivery(t, e, id))
		if ep := mustDo(t, e, kassatest.Request{Method: "GET", Path: "/api/v1/webhook-endpoints/" + id}, 200); ep["failing_since"] != at(0) {
			t.Errorf("after one failure: %v", ep)
		}
		e.Clock.Advance(5*24*time.Hour - time.Second)
		attempt(t, e, testDelivery(t, e, id))
		if ep := mustDo(t, e, kassatest.Request{Method: "GET", Path: "/api/v1/webhook-endpoints/" + id}, 200); ep["status"] != "enabled" {
			t.Fatalf("disabled before 5 days: %v", ep)
		}
		e.Clock.Advance(time.Second)
		last := testDelivery(t, e, id)
		attempt(t, e, last)
		ep := mustDo(t, e, kassatest.Request{Method: "GET", Path: "/api/v1/webhook-endpoints/" + id}, 200)
		if ep["status"] != "disabled" || !strings.Contains(fmt.Sprint(ep["disabled_reason"]), "5 days") {
			t.Errorf("after 5 days of failures: %v", ep)
		}
		if d := getDelivery(t, e, last); d["status"] != "failed" {
			t.Errorf("the delivery that crossed 5 days: %v", d)
		}
		events := mustDo(t, e, kassatest.Request{Method: "GET", Path: "/api/v1/events?type=endpoint.disabled"}, 200)["data"].([]any)
		if len(events) != 1 {
			t.Fatalf("%d endpoint.disabled events, want 1", len(events))
		}
		// The endpoint that was just disabled is not sent the news of its own disabling.
		evID := events[0].(map[string]any)["id"].(string)
		if ds := mustDo(t, e, kassatest.Request{Method: "GET", Path: "/api/v1/webhook-deliveries?event_id=" + evID}, 200)["data"].([]any); len(ds) != 0 {
			t.Errorf("endpoint.disabled was queued to the disabled endpoint: %v", ds)
		}
		// A success ends a failure streak: re-enabled, it starts afresh.
		mustDo(t, e, kassatest.Request{Method: "PATCH", Path: "/api/v1/webhook-endpoints/" + id, Body: `{"status":"enabled"}`}, 200)
		if ep := mustDo(t, e, kassatest.Request{Method: "GET", Path: "/api/v1/webhook-endpoints/" + id}, 200); ep["failing_since"] != nil {
			t.Errorf("re-enabled endpoint keeps its failure streak: %v", ep)
		}
	})
}

// Two attempts of one delivery can overlap (the sweep for overdue deliveries, or a manual retry, next to a running
// job). Whatever order they finish in, a delivered delivery stays delivered.
func TestOverlappingAttemptsDoNotUndoADelivery(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		var (
			e     *kassatest.Env
			calls atomic.Int32
		)
		e = kassatest.Setup(t, b, kassatest.Options{AfterSend: func(id string) error {
			if calls.Add(1) == 1 {
				// The first attempt has sent (and got a 500) but not recorded yet: a second one runs to the end.
				return e.Gateway.AttemptDelivery(context.Background(), id)
			}
			return nil
		}})
		rcv := kassatest.NewReceiver(t, kassatest.Reply{Status: 500})
		deliveryID := testDelivery(t, e, newEndpoint(t, e, rcv.URL)["id"].(string))
		attempt(t, e, deliveryID)
		d := getDelivery(t, e, deliveryID)
		if len(rcv.Requests()) != 2 || !slices.Equal(attemptStatuses(d), []int{200, 500}) {
			t.Fatalf("%d requests; attempts %v", len(rcv.Requests()), attemptStatuses(d))
		}
		if d["status"] != "delivered" || d["next_attempt_at"] != nil {
			t.Errorf("the late failure undid the delivery: status %v, next_attempt_at %v", d["status"], d["next_attempt_at"])
		}
	})
}
