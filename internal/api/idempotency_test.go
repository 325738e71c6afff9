package api_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kassapay/kassa/internal/idempotency"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/store/storetest"
)

func countCustomers(t *testing.T, e *kassatest.Env) int {
	t.Helper()
	resp := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/customers?limit=100"})
	return len(resp.JSON(t)["data"].([]any))
}

func TestIdempotentReplay(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		key := map[string]string{"Idempotency-Key": "create-ada-1"}
		first := e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/customers", Body: `{"email":"ada@example.com","name":"Ada"}`, Headers: key})
		if first.Status != 201 || first.Header.Get("Idempotent-Replayed") != "" {
			t.Fatalf("first: %d replayed=%q %s", first.Status, first.Header.Get("Idempotent-Replayed"), first.Body)
		}
		e.Clock.Advance(time.Hour)
		// Same body, re-serialized with other whitespace and key order: the stored response, byte for byte.
		again := e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/customers", Body: "{ \"name\": \"Ada\",\n \"email\": \"ada@example.com\" }", Headers: key})
		if again.Status != 201 || !bytes.Equal(first.Body, again.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("replay: %d replayed=%q\nfirst: %s\nagain: %s", again.Status, again.Header.Get("Idempotent-Replayed"), first.Body, again.Body)
		}
		// The body field form of the key is the same key, and moving the key into the body is the same request.
		viaBody := e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/customers", Body: `{"email":"ada@example.com","name":"Ada","idempotency_key":"create-ada-1"}`})
		if viaBody.Status != 201 || !bytes.Equal(first.Body, viaBody.Body) || viaBody.Header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("key moved into the body: %d %s", viaBody.Status, viaBody.Body)
		}
		bodyOnly := `{"email":"bob@example.com","idempotency_key":"create-bob-1"}`
		b1 := e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/customers", Body: bodyOnly})
		b2 := e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/customers", Body: bodyOnly})
		if b1.Status != 201 || !bytes.Equal(b1.Body, b2.Body) || b2.Header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("idempotency_key body field: %d / %d replayed=%q", b1.Status, b2.Status, b2.Header.Get("Idempotent-Replayed"))
		}
		if n := countCustomers(t, e); n != 2 {
			t.Errorf("%d customers, want 2", n)
		}
		// Same key, different body.
		reused := e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/customers", Body: `{"email":"eve@example.com"}`, Headers: key})
		if reused.Status != 409 || reused.Error(t)["type"] != "idempotency_error" || reused.Error(t)["code"] != "idempotency_key_reused" {
			t.Errorf("reused key: %d %s", reused.Status, reused.Body)
		}
		checkErrors(t, e, []errorCase{
			{"header and body differ", kassatest.Request{Method: "POST", Path: "/api/v1/customers", Body: `{"idempotency_key":"a-key-1"}`, Headers: map[string]string{"Idempotency-Key": "b-key-2"}}, 400, "invalid_request_error", "idempotency_key_mismatch", "idempotency_key"},
			{"key with spaces", kassatest.Request{Method: "POST", Path: "/api/v1/customers", Body: `{}`, Headers: map[string]string{"Idempotency-Key": "has space"}}, 400, "invalid_request_error", "invalid_idempotency_key", "Idempotency-Key"},
		})
	})
}

func TestIdempotencyDoesNotStoreRejectedRequests(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		key := map[string]string{"Idempotency-Key": "fix-and-retry"}
		bad := e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/customers", Body: `{"phone":"not a phone"}`, Headers: key})
		if bad.Status != 400 {
			t.Fatalf("bad request: %d %s", bad.Status, bad.Body)
		}
		// The key is still free: the corrected request (another body) runs.
		good := e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/customers", Body: `{"phone":"+15555550100"}`, Headers: key})
		if good.Status != 201 || good.Header.Get("Idempotent-Replayed") != "" {
			t.Errorf("corrected retry: %d %s", good.Status, good.Body)
		}
	})
}

func TestIdempotencyKeyInProgress(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		body := `{"email":"slow@example.com"}`
		sc := idempotency.Scope{MerchantID: e.Merchant.Merchant.ID, Route: "POST /api/v1/customers", Key: "slow-1"}
		// Another request holds the claim (as if it were still running).
		if r, _, err := e.Gateway.BeginIdempotent(context.Background(), sc, e.Gateway.RequestHash(sc.Route, []byte(body))); err != nil || r != nil {
			t.Fatalf("claim: %v %v", r, err)
		}
		resp := e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/customers", Body: body, Headers: map[string]string{"Idempotency-Key": "slow-1"}})
		if resp.Status != 409 || resp.Error(t)["code"] != "idempotency_request_in_progress" || resp.Header.Get("Retry-After") == "" {
			t.Errorf("in progress: %d Retry-After=%q %s", resp.Status, resp.Header.Get("Retry-After"), resp.Body)
		}
		// If the holder died, a retry takes over once the lock times out.
		e.Clock.Advance(idempotency.LockTimeout + time.Second)
		resp = e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/customers", Body: body, Headers: map[string]string{"Idempotency-Key": "slow-1"}})
		if resp.Status != 201 {
			t.Errorf("after the lock timed out: %d %s", resp.Status, resp.Body)
		}
	})
}

func TestIdempotencyKeysExpireAfter24Hours(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		req := kassatest.Request{Method: "POST", Path: "/api/v1/customers", Body: `{"email":"x@example.com"}`, Headers: map[string]string{"Idempotency-Key": "day-1"}}
		first := e.Do(req)
		e.Clock.Advance(idempotency.Retention - time.Minute)
		if r := e.Do(req); r.Header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("within 24 h: not replayed")
		}
		e.Clock.Advance(2 * time.Minute)
		n, err := e.Gateway.ReapIdempotencyKeys(context.Background())
		if err != nil || n != 1 {
			t.Errorf("reaper deleted %d, %v; want 1", n, err)
		}
		// The key is free again; the customers table still knows it, so no duplicate is made.
		after := e.Do(req)
		if after.Header.Get("Idempotent-Replayed") == "true" || after.JSON(t)["id"] != first.JSON(t)["id"] {
			t.Errorf("after expiry: replayed=%q id=%v, want a fresh response for the same customer", after.Header.Get("Idempotent-Replayed"), after.JSON(t)["id"])
		}
		if c := countCustomers(t, e); c != 1 {
			t.Errorf("%d customers, want 1", c)
		}
		// Reusing the expired key for another request is refused rather than answered with the old customer.
		e.Clock.Advance(idempotency.Retention + time.Minute)
		if _, err := e.Gateway.ReapIdempotencyKeys(context.Background()); err != nil {
			t.Fatal(err)
		}
		other := e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/customers", Body: `{"email":"bob@example.com"}`, Headers: req.Headers})
		if other.Status != 409 || other.Error(t)["code"] != "idempotency_key_reused" {
			t.Errorf("expired key reused for another customer: %d %s", other.Status, other.Body)
		}
	})
}

// TestIdempotencyBoundaries: at the exact instant a record expires or a claim's lock times out, a retry proceeds.
func TestIdempotencyBoundaries(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		req := kassatest.Request{Method: "POST", Path: "/api/v1/customers", Body: `{"email":"edge@example.com"}`, Headers: map[string]string{"Idempotency-Key": "edge-1"}}
		if r := e.Do(req); r.Status != 201 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		e.Clock.Advance(idempotency.Retention)
		if r := e.Do(req); r.Status != 201 || r.Header.Get("Idempotent-Replayed") == "true" {
			t.Errorf("at the retention instant: %d replayed=%q %s", r.Status, r.Header.Get("Idempotent-Replayed"), r.Body)
		}
		sc := idempotency.Scope{MerchantID: e.Merchant.Merchant.ID, Route: "POST /api/v1/customers", Key: "edge-2"}
		body := `{"email":"edge2@example.com"}`
		if _, _, err := e.Gateway.BeginIdempotent(context.Background(), sc, e.Gateway.RequestHash(sc.Route, []byte(body))); err != nil {
			t.Fatal(err)
		}
		e.Clock.Advance(idempotency.LockTimeout)
		if r := e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/customers", Body: body, Headers: map[string]string{"Idempotency-Key": "edge-2"}}); r.Status != 201 {
			t.Errorf("at the lock-timeout instant: %d %s", r.Status, r.Body)
		}
	})
}

// TestConcurrentDuplicateRequestsCreateOneObject fires 50 identical requests at once: exactly one customer exists
// afterwards, every success carries its id, and every other answer is "still in progress".
func TestConcurrentDuplicateRequestsCreateOneObject(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		const n = 50
		req := kassatest.Request{Method: "POST", Path: "/api/v1/customers", Body: `{"email":"storm@example.com"}`, Headers: map[string]string{"Idempotency-Key": "storm-1"}}
		var wg sync.WaitGroup
		responses := make([]kassatest.Response, n)
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				responses[i] = e.Do(req)
			}()
		}
		close(start)
		wg.Wait()
		ids := map[string]bool{}
		statuses := map[string]int{}
		for _, r := range responses {
			switch r.Status {
			case 201:
				ids[r.JSON(t)["id"].(string)] = true
				statuses[fmt.Sprintf("201 replayed=%s", r.Header.Get("Idempotent-Replayed"))]++
			case 409:
				if code := r.Error(t)["code"]; code != "idempotency_request_in_progress" {
					t.Errorf("409 with code %v", code)
				}
				statuses["409"]++
			default:
				t.Errorf("unexpected %d: %s", r.Status, r.Body)
			}
		}
		if len(ids) != 1 || statuses["201 replayed="] != 1 {
			t.Errorf("ids %v, statuses %v: want one id created once", ids, statuses)
		}
		if c := countCustomers(t, e); c != 1 {
			t.Errorf("%d customers after %d concurrent identical requests, want 1", c, n)
		}
		// Once the storm is over, the key answers with the stored response.
		if r := e.Do(req); r.Status != 201 || !ids[r.JSON(t)["id"].(string)] || r.Header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("after the storm: %d %s", r.Status, r.Body)
		}
		t.Logf("%s: %v", b.Name, statuses)
	})
}

// TestStoredResponsesAreSealed: a response kept for replay that shows a secret once (a new webhook endpoint's) is
// stored encrypted, and replays intact.
func TestStoredResponsesAreSealed(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		req := kassatest.Request{Method: "POST", Path: "/api/v1/webhook-endpoints", Body: `{"url":"https://hooks.example/kassa"}`,
			Headers: map[string]string{"Idempotency-Key": "endpoint-1"}}
		first := e.Do(req)
		secret, _ := first.JSON(t)["secret"].(string)
		if first.Status != 201 || !strings.HasPrefix(secret, "whsec_") {
			t.Fatalf("create: %d %s", first.Status, first.Body)
		}
		rec, err := e.Store.GetIdempotencyKey(context.Background(), idempotency.Scope{
			MerchantID: e.Merchant.Merchant.ID, Route: "POST /api/v1/webhook-endpoints", Key: "endpoint-1"})
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(rec.ResponseBody, []byte(secret)) || bytes.Contains(rec.ResponseBody, []byte("whsec_")) {
			t.Error("the stored response holds the endpoint secret in plaintext")
		}
		if again := e.Do(req); !bytes.Equal(again.Body, first.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("replay: %s", again.Body)
		}
	})
}
