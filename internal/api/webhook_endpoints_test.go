package api_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/kassapay/kassa/clients/go/kassawebhook"
	"github.com/kassapay/kassa/internal/api"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/store/storetest"
)

// mustDo sends a request that must answer status and returns its JSON body.
func mustDo(t *testing.T, e *kassatest.Env, req kassatest.Request, status int) map[string]any {
	t.Helper()
	resp := e.Do(req)
	if resp.Status != status {
		t.Fatalf("%s %s: status %d, want %d\n%s", req.Method, req.Path, resp.Status, status, resp.Body)
	}
	return resp.JSON(t)
}

// newEndpoint creates an endpoint for url subscribed to events (nil: the default) and returns it with its secret.
func newEndpoint(t *testing.T, e *kassatest.Env, url string, events ...string) map[string]any {
	t.Helper()
	body := fmt.Sprintf(`{"url":%q}`, url)
	if events != nil {
		body = fmt.Sprintf(`{"url":%q,"enabled_events":["%s"]}`, url, strings.Join(events, `","`))
	}
	return mustDo(t, e, kassatest.Request{Method: "POST", Path: "/api/v1/webhook-endpoints", Body: body}, 201)
}

// testDelivery queues a test delivery (test.ping) to the endpoint and returns the delivery id.
func testDelivery(t *testing.T, e *kassatest.Env, endpointID string) string {
	t.Helper()
	list := mustDo(t, e, kassatest.Request{Method: "POST", Path: "/api/v1/webhook-test-deliveries",
		Body: fmt.Sprintf(`{"endpoint_ids":[%q]}`, endpointID)}, 201)
	data := list["data"].([]any)
	if len(data) != 1 {
		t.Fatalf("test delivery queued %d deliveries: %v", len(data), list)
	}
	return data[0].(map[string]any)["id"].(string)
}

func attempt(t *testing.T, e *kassatest.Env, deliveryID string) {
	t.Helper()
	if err := e.Gateway.AttemptDelivery(context.Background(), deliveryID); err != nil {
		t.Fatalf("AttemptDelivery(%s): %v", deliveryID, err)
	}
}

func getDelivery(t *testing.T, e *kassatest.Env, id string) map[string]any {
	t.Helper()
	return mustDo(t, e, kassatest.Request{Method: "GET", Path: "/api/v1/webhook-deliveries/" + id}, 200)
}

// attemptStatuses returns the http_status of every attempt of a delivery.
func attemptStatuses(d map[string]any) []int {
	var out []int
	for _, a := range d["attempt_history"].([]any) {
		out = append(out, int(a.(map[string]any)["http_status"].(float64)))
	}
	return out
}

// ids returns the ids of a list response, sorted (objects created in the same millisecond have no fixed order).
func ids(list map[string]any) []string {
	var out []string
	for _, o := range list["data"].([]any) {
		out = append(out, o.(map[string]any)["id"].(string))
	}
	slices.Sort(out)
	return out
}

func sorted(s ...string) []string { return slices.Sorted(slices.Values(s)) }

func at(d time.Duration) string { return kassatest.Start.Add(d).Format(time.RFC3339) }

func TestWebhookEndpointLifecycle(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		created := newEndpoint(t, e, "https://shop.example/hooks")
		id, secret := created["id"].(string), created["secret"].(string)
		if !strings.HasPrefix(secret, "whsec_") || created["secret_hint"] != secret[len(secret)-4:] {
			t.Errorf("secret %q with hint %v", secret, created["secret_hint"])
		}
		want := map[string]any{"object": "webhook_endpoint", "url": "https://shop.example/hooks", "enabled_events": []any{"*"},
			"status": "enabled", "api_version": api.APIVersion, "livemode": false}
		for k, v := range want {
			if diff := cmp.Diff(v, created[k]); diff != "" {
				t.Errorf("created %s (-want +got):\n%s", k, diff)
			}
		}

		// The secret is shown once: never by GET or list.
		for _, path := range []string{"/api/v1/webhook-endpoints/" + id, "/api/v1/webhook-endpoints"} {
			resp := e.Do(kassatest.Request{Method: "GET", Path: path})
			if resp.Status != 200 || bytes.Contains(resp.Body, []byte(secret)) || bytes.Contains(resp.Body, []byte(`"secret"`)) {
				t.Errorf("GET %s: %d, shows the secret:\n%s", path, resp.Status, resp.Body)
			}
		}
		if got := ids(mustDo(t, e, kassatest.Request{Method: "GET", Path: "/api/v1/webhook-endpoints"}, 200)); !slices.Equal(got, []string{id}) {
			t.Errorf("list = %v", got)
		}

		// PATCH changes what it names and keeps the rest.
		patched := mustDo(t, e, kassatest.Request{Method: "PATCH", Path: "/api/v1/webhook-endpoints/" + id,
			Body: `{"url":"https://shop.example/v2","enabled_events":["payment.succeeded","refund.failed"]}`}, 200)
		if diff := cmp.Diff(map[string]any{"url": "https://shop.example/v2", "events": []any{"payment.succeeded", "refund.failed"}, "hint": created["secret_hint"]},
			map[string]any{"url": patched["url"], "events": patched["enabled_events"], "hint": patched["secret_hint"]}); diff != "" {
			t.Errorf("after PATCH (-want +got):\n%s", diff)
		}
		disabled := mustDo(t, e, kassatest.Request{Method: "PATCH", Path: "/api/v1/webhook-endpoints/" + id, Body: `{"status":"disabled"}`}, 200)
		if disabled["status"] != "disabled" || disabled["disabled_reason"] == nil || disabled["url"] != "https://shop.example/v2" {
			t.Errorf("disabled: %v", disabled)
		}
		enabled := mustDo(t, e, kassatest.Request{Method: "PATCH", Path: "/api/v1/webhook-endpoints/" + id, Body: `{"status":"enabled"}`}, 200)
		if enabled["status"] != "enabled" || enabled["disabled_reason"] != nil {
			t.Errorf("re-enabled: %v", enabled)
		}

		// DELETE answers the endpoint marked deleted; afterwards it is gone.
		deleted := mustDo(t, e, kassatest.Request{Method: "DELETE", Path: "/api/v1/webhook-endpoints/" + id}, 200)
		if deleted["deleted"] != true || deleted["id"] != id || deleted["secret"] != nil {
			t.Errorf("DELETE answered %v", deleted)
		}
		checkErrors(t, e, []errorCase{
			{"GET deleted", kassatest.Request{Method: "GET", Path: "/api/v1/webhook-endpoints/" + id}, 404, "invalid_request_error", "resource_missing", "id"},
			{"DELETE twice", kassatest.Request{Method: "DELETE", Path: "/api/v1/webhook-endpoints/" + id}, 404, "invalid_request_error", "resource_missing", "id"},
			{"PATCH deleted", kassatest.Request{Method: "PATCH", Path: "/api/v1/webhook-endpoints/" + id, Body: `{}`}, 404, "invalid_request_error", "resource_missing", "id"},
		})
		if got := ids(mustDo(t, e, kassatest.Request{Method: "GET", Path: "/api/v1/webhook-endpoints"}, 200)); len(got) != 0 {
			t.Errorf("list after DELETE = %v", got)
		}
	})
}

func TestWebhookEndpointValidation(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		id := newEndpoint(t, e, "https://shop.example/hooks")["id"].(string)
		post := func(body string) kassatest.Request {
			return kassatest.Request{Method: "POST", Path: "/api/v1/webhook-endpoints", Body: body}
		}
		patch := func(body string) kassatest.Request {
			return kassatest.Request{Method: "PATCH", Path: "/api/v1/webhook-endpoints/" + id, Body: body}
		}
		cases := []errorCase{
			{"missing url", post(`{}`), 400, "invalid_request_error", "parameter_missing", "url"},
			{"empty url", post(`{"url":""}`), 400, "invalid_request_error", "url_invalid", "url"},
			{"ftp url", post(`{"url":"ftp://shop.example/hooks"}`), 400, "invalid_request_error", "url_invalid", "url"},
			{"credentials in url", post(`{"url":"https://user:pw@shop.example/hooks"}`), 400, "invalid_request_error", "url_invalid", "url"},
			{"relative url", post(`{"url":"/hooks"}`), 400, "invalid_request_error", "url_invalid", "url"},
			{"url too long", post(`{"url":"https://shop.example/` + strings.Repeat("a", 2048) + `"}`), 400, "invalid_request_error", "parameter_invalid", "url"},
			{"unknown event type", post(`{"url":"https://shop.example","enabled_events":["payment.succeeded","payment.teleported"]}`), 400, "invalid_request_error", "unknown_event_type", "enabled_events[1]"},
			{"no event types", post(`{"url":"https://shop.example","enabled_events":[]}`), 400, "invalid_request_error", "parameter_invalid", "enabled_events"},
			{"event types not strings", post(`{"url":"https://shop.example","enabled_events":[1]}`), 400, "invalid_request_error", "parameter_invalid", "enabled_events[0]"},
			{"old api version", post(`{"url":"https://shop.example","api_version":"2020-01-01"}`), 400, "invalid_request_error", "unsupported_api_version", "api_version"},
			{"long description", post(`{"url":"https://shop.example","description":"` + strings.Repeat("d", 501) + `"}`), 400, "invalid_request_error", "parameter_invalid", "description"},
			{"unknown field", post(`{"url":"https://shop.example","secret":"whsec_mine"}`), 400, "invalid_request_error", "parameter_unknown", "secret"},
			{"bad status", patch(`{"status":"paused"}`), 400, "invalid_request_error", "parameter_invalid", "status"},
			{"bad url in PATCH", patch(`{"url":"shop.example"}`), 400, "invalid_request_error", "url_invalid", "url"},
			{"bad event in PATCH", patch(`{"enabled_events":["*","nope"]}`), 400, "invalid_request_error", "unknown_event_type", "enabled_events[1]"},
			{"PATCH api_version", patch(`{"api_version":"2026-11-01"}`), 400, "invalid_request_error", "parameter_unknown", "api_version"},
			{"grace too long", kassatest.Request{Method: "POST", Path: "/api/v1/webhook-endpoints/" + id + "/rotate-secret", Body: `{"grace_period_seconds":604801}`}, 400, "invalid_request_error", "parameter_invalid", "grace_period_seconds"},
			{"negative grace", kassatest.Request{Method: "POST", Path: "/api/v1/webhook-endpoints/" + id + "/rotate-secret", Body: `{"grace_period_seconds":-1}`}, 400, "invalid_request_error", "parameter_invalid", "grace_period_seconds"},
			{"replay without since", kassatest.Request{Method: "POST", Path: "/api/v1/webhook-endpoints/" + id + "/replay", Body: `{}`}, 400, "invalid_request_error", "parameter_missing", "since"},
			{"replay since not a time", kassatest.Request{Method: "POST", Path: "/api/v1/webhook-endpoints/" + id + "/replay", Body: `{"since":"yesterday"}`}, 400, "invalid_request_error", "parameter_invalid", "since"},
			{"replay until before since", kassatest.Request{Method: "POST", Path: "/api/v1/webhook-endpoints/" + id + "/replay", Body: `{"since":"` + at(0) + `","until":"` + at(-time.Hour) + `"}`}, 400, "invalid_request_error", "parameter_invalid", "until"},
			{"replay bad status", kassatest.Request{Method: "POST", Path: "/api/v1/webhook-endpoints/" + id + "/replay", Body: `{"since":"` + at(0) + `","status":"retrying"}`}, 400, "invalid_request_error", "parameter_invalid", "status"},
			{"test delivery to nothing", kassatest.Request{Method: "POST", Path: "/api/v1/webhook-test-deliveries", Body: `{"endpoint_ids":[]}`}, 400, "invalid_request_error", "parameter_invalid", "endpoint_ids"},
			{"test delivery of an unknown type", kassatest.Request{Method: "POST", Path: "/api/v1/webhook-test-deliveries", Body: `{"endpoint_ids":["` + id + `"],"type":"payment.teleported"}`}, 400, "invalid_request_error", "unknown_event_type", "type"},
			{"test delivery of *", kassatest.Request{Method: "POST", Path: "/api/v1/webhook-test-deliveries", Body: `{"endpoint_ids":["` + id + `"],"type":"*"}`}, 400, "invalid_request_error", "unknown_event_type", "type"},
			{"test delivery to a missing endpoint", kassatest.Request{Method: "POST", Path: "/api/v1/webhook-test-deliveries", Body: `{"endpoint_ids":["` + id + `","we_0000000000000000000000"]}`}, 404, "invalid_request_error", "resource_missing", "endpoint_ids[1]"},
			{"missing endpoint after a duplicate", kassatest.Request{Method: "POST", Path: "/api/v1/webhook-test-deliveries", Body: `{"endpoint_ids":["` + id + `","` + id + `","we_0000000000000000000000"]}`}, 404, "invalid_request_error", "resource_missing", "endpoint_ids[2]"},
			{"trigger an untriggerable type", kassatest.Request{Method: "POST", Path: "/api/v1/test-events", Body: `{"type":"payment.succeeded"}`}, 400, "invalid_request_error", "event_type_not_triggerable", "type"},
			{"trigger without a type", kassatest.Request{Method: "POST", Path: "/api/v1/test-events", Body: `{}`}, 400, "invalid_request_error", "parameter_missing", "type"},
			{"bad delivery status filter", kassatest.Request{Method: "GET", Path: "/api/v1/webhook-deliveries?status=lost"}, 400, "invalid_request_error", "parameter_invalid", "status"},
			{"bad created filter", kassatest.Request{Method: "GET", Path: "/api/v1/events?created[gte]=yesterday"}, 400, "invalid_request_error", "parameter_invalid", "created[gte]"},
			{"both cursors", kassatest.Request{Method: "GET", Path: "/api/v1/events?starting_after=evt_a&ending_before=evt_b"}, 400, "invalid_request_error", "parameter_conflict", "ending_before"},
			{"missing event", kassatest.Request{Method: "GET", Path: "/api/v1/events/evt_0000000000000000000000"}, 404, "invalid_request_error", "resource_missing", "id"},
			{"missing delivery", kassatest.Request{Method: "GET", Path: "/api/v1/webhook-deliveries/whd_0000000000000000000000"}, 404, "invalid_request_error", "resource_missing", "id"},
			{"retry a missing delivery", kassatest.Request{Method: "POST", Path: "/api/v1/webhook-deliveries/whd_nope/retry"}, 404, "invalid_request_error", "resource_missing", "id"},
		}
		checkErrors(t, e, cases)
		for _, tc := range cases {
			if status, ok := api.ErrorCodes[tc.wantError]; !ok || status != tc.wantCode {
				t.Errorf("%s: code %s with status %d is not in ErrorCodes", tc.name, tc.wantError, tc.wantCode)
			}
		}
		// Rejected requests changed nothing.
		if list := mustDo(t, e, kassatest.Request{Method: "GET", Path: "/api/v1/webhook-endpoints"}, 200); len(list["data"].([]any)) != 1 {
			t.Errorf("rejected creates left endpoints behind: %v", list)
		}
		got := mustDo(t, e, kassatest.Request{Method: "GET", Path: "/api/v1/webhook-endpoints/" + id}, 200)
		if got["url"] != "https://shop.example/hooks" || got["status"] != "enabled" {
			t.Errorf("rejected PATCHes changed the endpoint: %v", got)
		}
	})
}

// TestWebhookRequestsNeverCauseServerErrors sends odd input to every webhook route: nothing a client sends gives a
// 5xx, and every error code that comes back is documented with its status.
func TestWebhookRequestsNeverCauseServerErrors(t *testing.T) {
	t.Parallel()
	e := kassatest.Setup(t, storetest.Backends()[0], kassatest.Options{})
	id := newEndpoint(t, e, "https://shop.example/hooks")["id"].(string)
	bodies := []string{"", `null`, `[]`, `"x"`, `{"url":null}`, `{"enabled_events":null}`, `{"enabled_events":[null]}`,
		`{"status":null}`, `{"since":null}`, `{"since":"` + at(0) + `","until":null}`, `{"grace_period_seconds":1e30}`,
		`{"endpoint_ids":[null]}`, `{"endpoint_ids":["` + strings.Repeat("x", 5000) + `"]}`, `{"type":"` + strings.Repeat("é", 200) + `"}`,
		`{"url":"http://[::1]:99999/"}`, `{"url":"https://shop.example/%zz"}`, `{"since":"9999-12-31T23:59:59Z"}`,
		`{"since":"0001-01-01T00:00:00Z","until":"0001-01-01T00:00:01Z"}`}
	var reqs []kassatest.Request
	for _, path := range []string{"/api/v1/webhook-endpoints", "/api/v1/webhook-endpoints/" + id + "/rotate-secret",
		"/api/v1/webhook-endpoints/" + id + "/replay", "/api/v1/webhook-test-deliveries", "/api/v1/test-events",
		"/api/v1/webhook-deliveries/whd_x/retry"} {
		for _, body := range bodies {
			reqs = append(reqs, kassatest.Request{Method: "POST", Path: path, Body: body})
		}
	}
	for _, body := range bodies {
		reqs = append(reqs, kassatest.Request{Method: "PATCH", Path: "/api/v1/webhook-endpoints/" + id, Body: body})
	}
	for _, path := range []string{
		"/api/v1/events?created[lt]=0001-01-01T00:00:00Z", "/api/v1/events?created[gte]=9999-12-31T23:59:59Z",
		"/api/v1/events?type=" + strings.Repeat("t", 101), "/api/v1/events?object_id=%E2%82%AC", "/api/v1/events?limit=0",
		"/api/v1/webhook-deliveries?endpoint_id=we_x&event_id=evt_y&event_type=z", "/api/v1/webhook-deliveries?ending_before=whd_zzz",
		"/api/v1/events/" + strings.Repeat("e", 300), "/api/v1/webhook-deliveries/%E2%82%AC", "/api/v1/webhook-endpoints/we_",
	} {
		reqs = append(reqs, kassatest.Request{Method: "GET", Path: path})
	}
	reqs = append(reqs, kassatest.Request{Method: "DELETE", Path: "/api/v1/webhook-endpoints/we_x"},
		kassatest.Request{Method: "PUT", Path: "/api/v1/webhook-endpoints/" + id, Body: `{}`})
	for _, req := range reqs {
		r := e.Do(req)
		if r.Status >= 500 {
			t.Errorf("%s %s %s: %d %s", req.Method, req.Path, req.Body, r.Status, r.Body)
			continue
		}
		if r.Status >= 400 {
			code, _ := r.Error(t)["code"].(string)
			if status, ok := api.ErrorCodes[code]; !ok || status != r.Status {
				t.Errorf("%s %s %s: code %q with status %d is not documented as such", req.Method, req.Path, req.Body, code, r.Status)
			}
		}
	}
}

func TestTooManyWebhookEndpoints(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		var first string
		for i := range 16 {
			ep := newEndpoint(t, e, fmt.Sprintf("https://shop.example/hooks/%d", i))
			if i == 0 {
				first = ep["id"].(string)
			}
		}
		checkErrors(t, e, []errorCase{{"17th endpoint", kassatest.Request{Method: "POST", Path: "/api/v1/webhook-endpoints", Body: `{"url":"https://shop.example/17"}`},
			400, "invalid_request_error", "too_many_endpoints", ""}})
		// Deleted endpoints do not count.
		mustDo(t, e, kassatest.Request{Method: "DELETE", Path: "/api/v1/webhook-endpoints/" + first}, 200)
		newEndpoint(t, e, "https://shop.example/17")
		// The limit is per merchant.
		_, otherKey, _ := e.NewMerchant("Other Shop", "other@example.com")
		mustDo(t, e, kassatest.Request{Method: "POST", Path: "/api/v1/webhook-endpoints", Body: `{"url":"https://other.example"}`, Key: otherKey}, 201)
	})
}

func TestAnotherMerchantsWebhookObjectsAreNotFound(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{LiveMode: true})
		rcv := kassatest.NewReceiver(t)
		id := newEndpoint(t, e, rcv.URL)["id"].(string)
		deliveryID := testDelivery(t, e, id)
		attempt(t, e, deliveryID)
		eventID := getDelivery(t, e, deliveryID)["event_id"].(string)
		_, otherKey, _ := e.NewMerchant("Other Shop", "other@example.com")
		live, err := e.Gateway.RollKey(context.Background(), e.Merchant.Merchant.ID, merchant.KeySecret, true, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{otherKey, live.Secret} { // another merchant, and the same merchant's other mode
			missing := func(name string, req kassatest.Request, param string) errorCase {
				req.Key = key
				return errorCase{name, req, 404, "invalid_request_error", "resource_missing", param}
			}
			checkErrors(t, e, []errorCase{
				missing("GET endpoint", kassatest.Request{Method: "GET", Path: "/api/v1/webhook-endpoints/" + id}, "id"),
				missing("PATCH endpoint", kassatest.Request{Method: "PATCH", Path: "/api/v1/webhook-endpoints/" + id, Body: `{"status":"disabled"}`}, "id"),
				missing("DELETE endpoint", kassatest.Request{Method: "DELETE", Path: "/api/v1/webhook-endpoints/" + id}, "id"),
				missing("rotate secret", kassatest.Request{Method: "POST", Path: "/api/v1/webhook-endpoints/" + id + "/rotate-secret", Body: `{}`}, "id"),
				missing("replay", kassatest.Request{Method: "POST", Path: "/api/v1/webhook-endpoints/" + id + "/replay", Body: `{"since":"` + at(-time.Hour) + `"}`}, "id"),
				missing("test delivery", kassatest.Request{Method: "POST", Path: "/api/v1/webhook-test-deliveries", Body: `{"endpoint_ids":["` + id + `"]}`}, "endpoint_ids[0]"),
				missing("GET delivery", kassatest.Request{Method: "GET", Path: "/api/v1/webhook-deliveries/" + deliveryID}, "id"),
				missing("retry delivery", kassatest.Request{Method: "POST", Path: "/api/v1/webhook-deliveries/" + deliveryID + "/retry"}, "id"),
				missing("GET event", kassatest.Request{Method: "GET", Path: "/api/v1/events/" + eventID}, "id"),
			})
			for _, path := range []string{"/api/v1/webhook-endpoints", "/api/v1/webhook-deliveries", "/api/v1/events"} {
				if list := mustDo(t, e, kassatest.Request{Method: "GET", Path: path, Key: key}, 200); len(list["data"].([]any)) != 0 {
					t.Errorf("GET %s shows another merchant's or mode's objects: %v", path, list)
				}
			}
		}
		// The owner's endpoint is untouched.
		if got := mustDo(t, e, kassatest.Request{Method: "GET", Path: "/api/v1/webhook-endpoints/" + id}, 200); got["status"] != "enabled" {
			t.Errorf("endpoint after the other merchant's attempts: %v", got)
		}
		// Live mode: https only, and no triggered test events.
		checkErrors(t, e, []errorCase{
			{"http in live mode", kassatest.Request{Method: "POST", Path: "/api/v1/webhook-endpoints", Body: `{"url":"http://shop.example/hooks"}`, Key: live.Secret}, 400, "invalid_request_error", "url_invalid", "url"},
			{"trigger in live mode", kassatest.Request{Method: "POST", Path: "/api/v1/test-events", Body: `{"type":"test.ping"}`, Key: live.Secret}, 403, "permission_error", "test_mode_only", ""},
		})
		if created := mustDo(t, e, kassatest.Request{Method: "POST", Path: "/api/v1/webhook-endpoints", Body: `{"url":"https://shop.example/hooks"}`, Key: live.Secret}, 201); created["livemode"] != true {
			t.Errorf("live endpoint: %v", created)
		}
	})
}

func TestSecretRotationSignsWithBothSecretsDuringGrace(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		rcv := kassatest.NewReceiver(t)
		ep := newEndpoint(t, e, rcv.URL)
		id, oldSecret := ep["id"].(string), ep["secret"].(string)
		rotated := mustDo(t, e, kassatest.Request{Method: "POST", Path: "/api/v1/webhook-endpoints/" + id + "/rotate-secret",
			Body: `{"grace_period_seconds":3600}`}, 200)
		newSecret, _ := rotated["secret"].(string)
		if !strings.HasPrefix(newSecret, "whsec_") || newSecret == oldSecret || rotated["secret_hint"] != newSecret[len(newSecret)-4:] ||
			rotated["previous_secret_expires_at"] != at(time.Hour) {
			t.Fatalf("rotate answered %v", rotated)
		}
		if resp := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/webhook-endpoints/" + id}); bytes.Contains(resp.Body, []byte(newSecret)) {
			t.Error("GET shows the rotated secret")
		}

		deliver := func() kassatest.Received {
			t.Helper()
			attempt(t, e, testDelivery(t, e, id))
			reqs := rcv.Requests()
			return reqs[len(reqs)-1]
		}
		verify := func(secret string, req kassatest.Received) (kassa, standard error) {
			wh, err := standardwebhooks.NewWebhook(secret)
			if err != nil {
				t.Fatal(err)
			}
			return kassawebhook.Verify(secret, req.Header.Get("Kassa-Signature"), req.Body, e.Clock.Now()), wh.VerifyIgnoringTimestamp(req.Body, req.Header)
		}

		during := deliver()
		if n := strings.Count(during.Header.Get("Kassa-Signature"), "v1="); n != 2 {
			t.Errorf("during the grace period: %d v1 values in %q", n, during.Header.Get("Kassa-Signature"))
		}
		for name, secret := range map[string]string{"old": oldSecret, "new": newSecret} {
			if k, s := verify(secret, during); k != nil || s != nil {
				t.Errorf("during the grace period, the %s secret: Kassa-Signature %v, webhook-signature %v", name, k, s)
			}
		}

		e.Clock.Advance(time.Hour + time.Second)
		after := deliver()
		if n := strings.Count(after.Header.Get("Kassa-Signature"), "v1="); n != 1 {
			t.Errorf("after the grace period: %d v1 values", n)
		}
		if k, s := verify(newSecret, after); k != nil || s != nil {
			t.Errorf("after the grace period, the new secret: %v, %v", k, s)
		}
		if k, s := verify(oldSecret, after); !errors.Is(k, kassawebhook.ErrNoMatchingSignature) || !errors.Is(s, standardwebhooks.ErrNoMatchingSignature) {
			t.Errorf("after the grace period, the old secret: %v, %v; want no matching signature", k, s)
		}

		// Without a body the grace period is 24 h; with 0 the previous secret stops at once.
		if r := mustDo(t, e, kassatest.Request{Method: "POST", Path: "/api/v1/webhook-endpoints/" + id + "/rotate-secret"}, 200); r["previous_secret_expires_at"] != e.Clock.Now().Add(24*time.Hour).Format(time.RFC3339) {
			t.Errorf("default grace: %v", r)
		}
		last := mustDo(t, e, kassatest.Request{Method: "POST", Path: "/api/v1/webhook-endpoints/" + id + "/rotate-secret", Body: `{"grace_period_seconds":0}`}, 200)
		if _, ok := last["previous_secret_expires_at"]; ok {
			t.Errorf("grace 0: %v", last)
		}
		if k, _ := verify(last["secret"].(string), deliver()); k != nil {
			t.Errorf("after an immediate rotation: %v", k)
		}
		if n := strings.Count(rcv.Requests()[len(rcv.Requests())-1].Header.Get("Kassa-Signature"), "v1="); n != 1 {
			t.Errorf("after an immediate rotation: %d v1 values", n)
		}
	})
}

func TestEndpointsGetOnlyTheEventsTheySubscribeTo(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		rcv := kassatest.NewReceiver(t)
		paymentsOnly := newEndpoint(t, e, rcv.URL+"/payments", "payment.succeeded")["id"].(string)
		everything := newEndpoint(t, e, rcv.URL+"/all")["id"].(string)
		disabled := newEndpoint(t, e, rcv.URL+"/off")["id"].(string)
		mustDo(t, e, kassatest.Request{Method: "PATCH", Path: "/api/v1/webhook-endpoints/" + disabled, Body: `{"status":"disabled"}`}, 200)

		ev := mustDo(t, e, kassatest.Request{Method: "POST", Path: "/api/v1/test-events", Body: `{"type":"test.ping"}`}, 201)
		if ev["object"] != "event" || ev["type"] != "test.ping" || ev["merchant_id"] != e.Merchant.Merchant.ID {
			t.Errorf("triggered event: %v", ev)
		}
		ds := mustDo(t, e, kassatest.Request{Method: "GET", Path: "/api/v1/webhook-deliveries?event_id=" + ev["id"].(string)}, 200)["data"].([]any)
		if len(ds) != 1 || ds[0].(map[string]any)["endpoint_id"] != everything {
			t.Fatalf("deliveries of test.ping: %v (want one, to %s, none to %s or %s)", ds, everything, paymentsOnly, disabled)
		}
		attempt(t, e, ds[0].(map[string]any)["id"].(string))
		if reqs := rcv.Requests(); len(reqs) != 1 || reqs[0].Header.Get("Kassa-Event-Id") != ev["id"] {
			t.Errorf("receiver got %d requests", len(reqs))
		}
	})
}

func TestEventsListAndFilters(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		trigger := func() map[string]any {
			return mustDo(t, e, kassatest.Request{Method: "POST", Path: "/api/v1/test-events", Body: `{"type":"test.ping"}`}, 201)
		}
		e1 := trigger()
		e.Clock.Advance(1500 * time.Millisecond)
		e2 := trigger()
		e.Clock.Advance(time.Second)
		epID := newEndpoint(t, e, "https://shop.example/hooks")["id"].(string)
		e3 := getDelivery(t, e, testDelivery(t, e, epID))["event_id"].(string)
		id1, id2 := e1["id"].(string), e2["id"].(string)

		// Sequence counts the events of one object; the event has exactly the delivered envelope's fields.
		if e1["sequence"] != 1.0 || e2["sequence"] != 2.0 || e2["created_at"] != at(time.Second) {
			t.Errorf("sequence/created_at: %v, %v", e1, e2)
		}
		keys := slices.Sorted(maps.Keys(e2))
		if diff := cmp.Diff([]string{"api_version", "created_at", "data", "id", "livemode", "merchant_id", "object", "sequence", "type"}, keys); diff != "" {
			t.Errorf("event fields (-want +got):\n%s", diff)
		}
		for q, want := range map[string][]string{
			"":                                    sorted(id1, id2, e3),
			"type=test.ping":                      sorted(id1, id2, e3),
			"type=payment.succeeded":              nil,
			"object_id=" + epID:                   {e3},
			"object_id=" + e.Merchant.Merchant.ID: sorted(id1, id2),
			"created[gte]=" + at(time.Second):     sorted(id2, e3),
			"created[lt]=" + at(time.Second):      {id1},
			"created%5Bgte%5D=" + at(time.Second) + "&created%5Blt%5D=" + at(2*time.Second): {id2},
		} {
			if diff := cmp.Diff(want, ids(mustDo(t, e, kassatest.Request{Method: "GET", Path: "/api/v1/events?" + q}, 200))); diff != "" {
				t.Errorf("events?%s (-want +got):\n%s", q, diff)
			}
		}
		// Newest first, with cursors both ways.
		first := mustDo(t, e, kassatest.Request{Method: "GET", Path: "/api/v1/events?limit=1"}, 200)
		if diff := cmp.Diff([]string{e3}, ids(first)); diff != "" || first["has_more"] != true || first["object"] != "list" {
			t.Errorf("first page has_more=%v (-want +got):\n%s", first["has_more"], diff)
		}
		next := mustDo(t, e, kassatest.Request{Method: "GET", Path: "/api/v1/events?limit=1&starting_after=" + e3}, 200)
		if diff := cmp.Diff([]string{id2}, ids(next)); diff != "" || next["has_more"] != true {
			t.Errorf("second page (-want +got):\n%s", diff)
		}
		back := mustDo(t, e, kassatest.Request{Method: "GET", Path: "/api/v1/events?limit=2&ending_before=" + id1}, 200)
		if diff := cmp.Diff(sorted(id2, e3), ids(back)); diff != "" || back["has_more"] != false {
			t.Errorf("previous page has_more=%v (-want +got):\n%s", back["has_more"], diff)
		}
		if got := mustDo(t, e, kassatest.Request{Method: "GET", Path: "/api/v1/events/" + id2}, 200); !cmp.Equal(got, e2) {
			t.Errorf("GET /events/%s = %v, POST answered %v", id2, got, e2)
		}
	})
}

// internalHosts name loopback, private, link-local or unspecified addresses, most in spellings the C resolver, the
// dialer or a browser accept besides the dotted quad, and localhost, loopback by definition.
var internalHosts = []string{"127.0.0.1", "127.1", "0177.0.0.1", "0x7f000001", "2130706433", "127.0.0.1.", "0.0.0.0",
	"0", "[::ffff:127.0.0.1]", "[::1]", "localhost", "LOCALHOST.", "hooks.localhost", "0x7f.1", "017700000001", "10.1",
	"0xa000001", "192.168.1", "[::ffff:10.0.0.1]", "0xa9.0xfe.0xa9.0xfe", "[fe80::1%25eth0]"}

// TestInternalWebhookURLsAreRefusedAtRegistration: on an instance that allows no network (production), every path
// that registers a webhook URL refuses an internal host, however it is spelled, with 400 url_not_allowed naming the
// host and the URL field, and registers nothing; public hosts and addresses are accepted.
func TestInternalWebhookURLsAreRefusedAtRegistration(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{BlockLoopback: true})
		id := newEndpoint(t, e, "https://shop.example/hooks")["id"].(string)
		session := func(path, hookURL, key string) kassatest.Request {
			body := fmt.Sprintf(`{"external_order_id":"O-1","amount":1500,"success_url":"https://shop.example/ok",`+
				`"cancel_url":"https://shop.example/no","webhook_url":%q}`, hookURL)
			return kassatest.Request{Method: "POST", Path: path, Body: body, Headers: map[string]string{"Idempotency-Key": key}}
		}
		for i, host := range internalHosts {
			hookURL := "http://" + host + ":4000/hooks"
			body := fmt.Sprintf(`{"url":%q}`, hookURL)
			cases := []errorCase{
				{"POST " + hookURL, kassatest.Request{Method: "POST", Path: "/api/v1/webhook-endpoints", Body: body}, 400, "invalid_request_error", "url_not_allowed", "url"},
				{"PATCH " + hookURL, kassatest.Request{Method: "PATCH", Path: "/api/v1/webhook-endpoints/" + id, Body: body}, 400, "invalid_request_error", "url_not_allowed", "url"},
				{"session with " + hookURL, session("/api/v1/checkout-sessions", hookURL, fmt.Sprint("cs-", i)), 400, "invalid_request_error", "url_not_allowed", "webhook_url"},
				{"link with " + hookURL, session("/api/v1/payment-links", hookURL, fmt.Sprint("pl-", i)), 400, "invalid_request_error", "url_not_allowed", "webhook_url"},
			}
			checkErrors(t, e, cases)
			msg, _ := e.Do(cases[0].req).Error(t)["message"].(string)
			if name, _, _ := strings.Cut(strings.Trim(host, "[]"), "%"); !strings.Contains(msg, name) || !strings.Contains(msg, "public host") {
				t.Errorf("POST %s: message %q does not name the host and what to do", hookURL, msg)
			}
		}
		if status := api.ErrorCodes["url_not_allowed"]; status != 400 {
			t.Errorf("url_not_allowed is listed with status %d", status)
		}
		// Nothing was registered or changed.
		if got := ids(mustDo(t, e, kassatest.Request{Method: "GET", Path: "/api/v1/webhook-endpoints"}, 200)); !slices.Equal(got, []string{id}) {
			t.Errorf("endpoints after the refusals: %v", got)
		}
		if got := mustDo(t, e, kassatest.Request{Method: "GET", Path: "/api/v1/webhook-endpoints/" + id}, 200); got["url"] != "https://shop.example/hooks" {
			t.Errorf("refused PATCHes changed the URL: %v", got["url"])
		}
		for _, path := range []string{"/api/v1/checkout-sessions", "/api/v1/payment-links"} {
			if list := mustDo(t, e, kassatest.Request{Method: "GET", Path: path}, 200); len(list["data"].([]any)) != 0 {
				t.Errorf("GET %s after the refusals: %v", path, list["data"])
			}
		}
		// Public hosts and addresses, in any spelling, are accepted; names are not resolved.
		for _, u := range []string{"https://8.8.8.8/hooks", "https://93.184.216.34/hooks", "https://134744072/hooks",
			"https://example.com/hooks", "https://[2606:4700:4700::1111]/hooks"} {
			mustDo(t, e, kassatest.Request{Method: "POST", Path: "/api/v1/webhook-endpoints", Body: fmt.Sprintf(`{"url":%q}`, u)}, 201)
		}
		if r := e.Do(session("/api/v1/checkout-sessions", "https://example.com/session-hooks", "cs-public")); r.Status != 201 {
			t.Errorf("session with a public webhook_url: %d %s", r.Status, r.Body)
		}
	})
}

// TestAllowListedNetworksStayRegistrable: with loopback allowed (the zero-setup default and the test servers),
// loopback URLs in any spelling are accepted and delivered to, and other internal networks are still refused.
func TestAllowListedNetworksStayRegistrable(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		rcv := kassatest.NewReceiver(t)
		port := rcv.URL[strings.LastIndex(rcv.URL, ":")+1:]
		for _, host := range []string{"127.0.0.1", "127.1", "0x7f000001", "localhost", "[::ffff:127.0.0.1]"} {
			mustDo(t, e, kassatest.Request{Method: "POST", Path: "/api/v1/webhook-endpoints", Body: fmt.Sprintf(`{"url":"http://%s:4000/hooks"}`, host)}, 201)
		}
		id := newEndpoint(t, e, "http://127.0.0.1:"+port+"/hooks")["id"].(string)
		d := testDelivery(t, e, id)
		attempt(t, e, d)
		if got := getDelivery(t, e, d); got["status"] != "delivered" || len(rcv.Requests()) != 1 {
			t.Errorf("delivery to the allow-listed receiver: %v, %d requests", got["status"], len(rcv.Requests()))
		}
		checkErrors(t, e, []errorCase{
			{"private", kassatest.Request{Method: "POST", Path: "/api/v1/webhook-endpoints", Body: `{"url":"http://10.1/hooks"}`}, 400, "invalid_request_error", "url_not_allowed", "url"},
			{"link-local", kassatest.Request{Method: "POST", Path: "/api/v1/webhook-endpoints", Body: `{"url":"http://0xa9fea9fe/hooks"}`}, 400, "invalid_request_error", "url_not_allowed", "url"},
			{"unspecified", kassatest.Request{Method: "POST", Path: "/api/v1/webhook-endpoints", Body: `{"url":"http://0/hooks"}`}, 400, "invalid_request_error", "url_not_allowed", "url"},
		})
	})
}
