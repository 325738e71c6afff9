package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kassapay/kassa/internal/api"
	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/store/storetest"
)

// errorCase is one request and the error it must produce.
type errorCase struct {
	name      string
	req       kassatest.Request
	wantCode  int
	wantType  string
	wantError string // error.code
	wantParam string
}

func checkErrors(t *testing.T, e *kassatest.Env, cases []errorCase) {
	t.Helper()
	for _, tc := range cases {
		resp := e.Do(tc.req)
		if resp.Status != tc.wantCode {
			t.Errorf("%s: status %d, want %d\n%s", tc.name, resp.Status, tc.wantCode, resp.Body)
			continue
		}
		got := resp.Error(t)
		want := map[string]any{"type": tc.wantType, "code": tc.wantError}
		gotSubset := map[string]any{"type": got["type"], "code": got["code"]}
		if diff := cmp.Diff(want, gotSubset); diff != "" {
			t.Errorf("%s: error (-want +got):\n%s\n%s", tc.name, diff, resp.Body)
		}
		if p, _ := got["param"].(string); p != tc.wantParam {
			t.Errorf("%s: param %q, want %q", tc.name, p, tc.wantParam)
		}
		if id, _ := got["request_id"].(string); !strings.HasPrefix(id, "req_") || id != resp.Header.Get("Request-Id") {
			t.Errorf("%s: error.request_id %q does not match Request-Id header %q", tc.name, id, resp.Header.Get("Request-Id"))
		}
		if msg, _ := got["message"].(string); msg == "" {
			t.Errorf("%s: empty message", tc.name)
		}
	}
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		ctx := context.Background()
		// A second merchant, made inactive.
		inactive, inactiveKey, _ := e.NewMerchant("Closed Shop", "closed@example.com")
		st := merchant.StatusInactive
		if _, err := e.Gateway.UpdateMerchant(ctx, inactive.Merchant.ID, gateway.MerchantPatch{Status: &st}); err != nil {
			t.Fatal(err)
		}
		revoked, err := e.Gateway.RollKey(ctx, e.Merchant.Merchant.ID, merchant.KeySecret, false, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Gateway.RevokeKey(ctx, e.Merchant.Merchant.ID, revoked.ID); err != nil {
			t.Fatal(err)
		}
		unknown := "sk_test_" + strings.Repeat("A", 32)
		checkErrors(t, e, []errorCase{
			{"no key", kassatest.Request{Method: "GET", Path: "/api/v1/merchant", NoKey: true}, 401, "authentication_error", "missing_api_key", ""},
			{"malformed key", kassatest.Request{Method: "GET", Path: "/api/v1/merchant", Key: "sk_test_short"}, 401, "authentication_error", "invalid_api_key", ""},
			{"unknown key", kassatest.Request{Method: "GET", Path: "/api/v1/merchant", Key: unknown}, 401, "authentication_error", "invalid_api_key", ""},
			{"revoked key", kassatest.Request{Method: "GET", Path: "/api/v1/merchant", Key: revoked.Secret}, 401, "authentication_error", "api_key_expired", ""},
			{"basic auth", kassatest.Request{Method: "GET", Path: "/api/v1/merchant", NoKey: true, Headers: map[string]string{"Authorization": "Basic Zm9vOmJhcg=="}}, 401, "authentication_error", "invalid_authorization_header", ""},
			{"conflicting headers", kassatest.Request{Method: "GET", Path: "/api/v1/merchant", Headers: map[string]string{"X-API-Key": unknown}}, 401, "authentication_error", "conflicting_api_keys", ""},
			{"publishable key on the secret API", kassatest.Request{Method: "GET", Path: "/api/v1/merchant", Key: e.PublishableKey}, 403, "permission_error", "secret_key_required", ""},
			{"inactive merchant", kassatest.Request{Method: "GET", Path: "/api/v1/merchant", Key: inactiveKey}, 403, "permission_error", "merchant_inactive", ""},
			{"no key on a public endpoint", kassatest.Request{Method: "GET", Path: "/api/public/merchant", NoKey: true}, 401, "authentication_error", "missing_api_key", ""},
		})
		// Both header forms authenticate, and both key kinds work on public endpoints.
		for name, req := range map[string]kassatest.Request{
			"bearer":            {Method: "GET", Path: "/api/v1/merchant"},
			"x-api-key":         {Method: "GET", Path: "/api/v1/merchant", NoKey: true, Headers: map[string]string{"X-API-Key": e.SecretKey}},
			"public with pk":    {Method: "GET", Path: "/api/public/merchant", Key: e.PublishableKey},
			"public with sk":    {Method: "GET", Path: "/api/public/merchant"},
			"same key in both":  {Method: "GET", Path: "/api/v1/merchant", Headers: map[string]string{"X-API-Key": e.SecretKey}},
			"lower-case bearer": {Method: "GET", Path: "/api/v1/merchant", NoKey: true, Headers: map[string]string{"Authorization": "bearer " + e.SecretKey}},
		} {
			resp := e.Do(req)
			if resp.Status != 200 {
				t.Errorf("%s: status %d\n%s", name, resp.Status, resp.Body)
				continue
			}
			if got := resp.JSON(t)["id"]; got != e.Merchant.Merchant.ID {
				t.Errorf("%s: merchant %v, want %s", name, got, e.Merchant.Merchant.ID)
			}
		}
	})
}

func TestRolledKeyWorksUntilGracePeriodEnds(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		newKey, err := e.Gateway.RollKey(context.Background(), e.Merchant.Merchant.ID, merchant.KeySecret, false, 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{e.SecretKey, newKey.Secret} {
			if resp := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/merchant", Key: key}); resp.Status != 200 {
				t.Fatalf("during the grace period: %d %s", resp.Status, resp.Body)
			}
		}
		e.Clock.Advance(24*time.Hour + time.Second)
		if resp := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/merchant"}); resp.Status != 401 || resp.Error(t)["code"] != "api_key_expired" {
			t.Errorf("old key after the grace period: %d %s", resp.Status, resp.Body)
		}
		if resp := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/merchant", Key: newKey.Secret}); resp.Status != 200 {
			t.Errorf("new key after the grace period: %d %s", resp.Status, resp.Body)
		}
	})
}

func TestLiveKeysNeedAMasterKey(t *testing.T) {
	t.Parallel()
	b := storetest.Backends()[0]
	for _, live := range []bool{false, true} {
		e := kassatest.Setup(t, b, kassatest.Options{LiveMode: live})
		// Issue a live key directly (the gateway refuses to without live mode, which is the point of the test).
		k, plain, hash := merchant.NewKey(e.Merchant.Merchant.ID, merchant.KeySecret, true, kassatest.Start)
		if err := e.Store.InsertAPIKey(context.Background(), k, hash); err != nil {
			t.Fatal(err)
		}
		resp := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/merchant", Key: plain})
		if !live {
			if resp.Status != 403 || resp.Error(t)["code"] != "live_mode_unavailable" {
				t.Errorf("live key without master key: %d %s", resp.Status, resp.Body)
			}
			continue
		}
		if resp.Status != 200 || resp.JSON(t)["livemode"] != true {
			t.Errorf("live key with master key: %d %s", resp.Status, resp.Body)
		}
	}
}

func TestOtherMerchantsObjectsAreNotFound(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{LiveMode: true})
		_, otherKey, _ := e.NewMerchant("Other Shop", "other@example.com")
		created := e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/customers", Body: `{"email":"ada@example.com"}`})
		if created.Status != 201 {
			t.Fatalf("create: %d %s", created.Status, created.Body)
		}
		id := created.JSON(t)["id"].(string)
		if resp := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/customers/" + id}); resp.Status != 200 {
			t.Fatalf("owner reads its customer: %d %s", resp.Status, resp.Body)
		}
		// Another merchant gets 404, exactly as for an id that does not exist.
		other := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/customers/" + id, Key: otherKey})
		missing := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/customers/cus_0000000000000000000000"})
		for name, resp := range map[string]kassatest.Response{"other merchant": other, "missing": missing} {
			if resp.Status != 404 || resp.Error(t)["code"] != "resource_missing" {
				t.Errorf("%s: %d %s", name, resp.Status, resp.Body)
			}
		}
		if list := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/customers", Key: otherKey}); len(list.JSON(t)["data"].([]any)) != 0 {
			t.Errorf("other merchant's list shows customers: %s", list.Body)
		}
		// The same merchant's live key does not see test-mode objects.
		live, err := e.Gateway.RollKey(context.Background(), e.Merchant.Merchant.ID, merchant.KeySecret, true, 0)
		if err != nil {
			t.Fatal(err)
		}
		if resp := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/customers/" + id, Key: live.Secret}); resp.Status != 404 {
			t.Errorf("live key reads a test customer: %d %s", resp.Status, resp.Body)
		}
	})
}

func TestErrorShapes(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{MaxBodyBytes: 4096})
		big := `{"description":"` + strings.Repeat("x", 5000) + `"}`
		checkErrors(t, e, []errorCase{
			{"unknown field", kassatest.Request{Method: "POST", Path: "/api/v1/customers", Body: `{"emial":"a@example.com"}`}, 400, "invalid_request_error", "parameter_unknown", "emial"},
			{"field case matters", kassatest.Request{Method: "POST", Path: "/api/v1/customers", Body: `{"Email":"a@example.com"}`}, 400, "invalid_request_error", "parameter_unknown", "Email"},
			{"wrong type", kassatest.Request{Method: "POST", Path: "/api/v1/customers", Body: `{"email":42}`}, 400, "invalid_request_error", "parameter_invalid", "email"},
			{"domain validation", kassatest.Request{Method: "POST", Path: "/api/v1/customers", Body: `{"phone":"555-0100"}`}, 400, "invalid_request_error", "parameter_invalid", "phone"},
			{"nested field", kassatest.Request{Method: "POST", Path: "/api/v1/customers", Body: `{"metadata":{"k":1}}`}, 400, "invalid_request_error", "parameter_invalid", "metadata.k"},
			{"malformed JSON", kassatest.Request{Method: "POST", Path: "/api/v1/customers", Body: `{"email":`}, 400, "invalid_request_error", "invalid_json", ""},
			{"JSON array", kassatest.Request{Method: "POST", Path: "/api/v1/customers", Body: `[1,2]`}, 400, "invalid_request_error", "parameter_invalid", ""},
			{"wrong content type", kassatest.Request{Method: "POST", Path: "/api/v1/customers", Body: `email=a`, Headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}, 415, "invalid_request_error", "unsupported_media_type", "Content-Type"},
			{"oversize body", kassatest.Request{Method: "POST", Path: "/api/v1/customers", Body: big}, 413, "invalid_request_error", "request_too_large", ""},
			{"unknown route", kassatest.Request{Method: "GET", Path: "/api/v1/nothing-here"}, 404, "invalid_request_error", "route_not_found", ""},
			{"unknown route without key", kassatest.Request{Method: "GET", Path: "/api/v1/nothing-here", NoKey: true}, 404, "invalid_request_error", "route_not_found", ""},
			{"trailing slash", kassatest.Request{Method: "GET", Path: "/api/v1/merchant/"}, 404, "invalid_request_error", "route_not_found", ""},
			{"wrong method", kassatest.Request{Method: "DELETE", Path: "/api/v1/merchant"}, 405, "invalid_request_error", "method_not_allowed", ""},
			{"limit too high", kassatest.Request{Method: "GET", Path: "/api/v1/customers?limit=101"}, 400, "invalid_request_error", "parameter_invalid", "limit"},
			{"limit not a number", kassatest.Request{Method: "GET", Path: "/api/v1/customers?limit=ten"}, 400, "invalid_request_error", "parameter_invalid", "limit"},
			{"unknown query parameter", kassatest.Request{Method: "GET", Path: "/api/v1/customers?emial=a@example.com"}, 400, "invalid_request_error", "parameter_unknown", "emial"},
			{"both cursors", kassatest.Request{Method: "GET", Path: "/api/v1/customers?starting_after=cus_a&ending_before=cus_b"}, 400, "invalid_request_error", "parameter_conflict", "ending_before"},
			{"bad origin", kassatest.Request{Method: "PATCH", Path: "/api/v1/merchant", Body: `{"checkout_allowed_origins":["https://ok.example","https://shop.example/path"]}`}, 400, "invalid_request_error", "parameter_invalid", "checkout_allowed_origins[1]"},
			{"bad email", kassatest.Request{Method: "PATCH", Path: "/api/v1/merchant", Body: `{"email":"not-an-email"}`}, 400, "invalid_request_error", "parameter_invalid", "email"},
			{"NUL in a body value", kassatest.Request{Method: "POST", Path: "/api/v1/customers", Body: `{"name":"a\u0000b"}`}, 400, "invalid_request_error", "parameter_invalid", "name"},
			{"NUL in metadata", kassatest.Request{Method: "POST", Path: "/api/v1/customers", Body: `{"metadata":{"k":"\u0000"}}`}, 400, "invalid_request_error", "parameter_invalid", "metadata.k"},
			{"NUL in a PATCH", kassatest.Request{Method: "PATCH", Path: "/api/v1/merchant", Body: `{"name":"x\u0000"}`}, 400, "invalid_request_error", "parameter_invalid", "name"},
			{"NUL in a query", kassatest.Request{Method: "GET", Path: "/api/v1/customers?email=a%00b"}, 400, "invalid_request_error", "parameter_invalid", "email"},
			{"NUL in a cursor", kassatest.Request{Method: "GET", Path: "/api/v1/customers?starting_after=a%00b"}, 400, "invalid_request_error", "parameter_invalid", "starting_after"},
		})
		if resp := e.Do(kassatest.Request{Method: "DELETE", Path: "/api/v1/merchant"}); resp.Header.Get("Allow") == "" {
			t.Error("405 without an Allow header")
		}
		// Several problems: the first in param, all in errors[].
		resp := e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/customers", Body: `{"email":1,"name":2}`})
		errs, _ := resp.Error(t)["errors"].([]any)
		if resp.Status != 400 || len(errs) != 2 {
			t.Errorf("two bad fields: %d, errors=%v", resp.Status, errs)
		}
		// A rejected request changed nothing.
		if list := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/customers"}); len(list.JSON(t)["data"].([]any)) != 0 {
			t.Errorf("rejected creates left customers behind: %s", list.Body)
		}
		// An escaped backslash followed by "u0000" is text, not NUL.
		if r := e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/customers", Body: `{"description":"C:\\u0000"}`}); r.Status != 201 {
			t.Errorf("escaped backslash: %d %s", r.Status, r.Body)
		}
	})
}

func TestEveryResponseCarriesARequestID(t *testing.T) {
	t.Parallel()
	e := kassatest.Setup(t, storetest.Backends()[0], kassatest.Options{})
	seen := map[string]bool{}
	for _, req := range []kassatest.Request{
		{Method: "GET", Path: "/health"}, {Method: "GET", Path: "/metrics"}, {Method: "GET", Path: "/docs"},
		{Method: "GET", Path: "/api/openapi.json"}, {Method: "GET", Path: "/api/v1/merchant"},
		{Method: "GET", Path: "/api/v1/merchant", NoKey: true}, {Method: "GET", Path: "/nope"},
	} {
		resp := e.Do(req)
		id := resp.Header.Get("Request-Id")
		if !strings.HasPrefix(id, "req_") || seen[id] {
			t.Errorf("%s %s: Request-Id %q", req.Method, req.Path, id)
		}
		seen[id] = true
	}
}

func TestPanicsBecomeAPIErrors(t *testing.T) {
	t.Parallel()
	logs := &kassatest.LogBuffer{}
	// A server without a gateway panics on the first use case it runs: the recovery layer must catch it.
	srv := api.New(api.Options{Logger: newTestLogger(logs)})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	resp, err := http.Get(ts.URL + "/health")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Error api.ErrorBody `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 500 || body.Error.Type != "api_error" || body.Error.RequestID != resp.Header.Get("Request-Id") {
		t.Errorf("panic answered %d %+v", resp.StatusCode, body.Error)
	}
	if !strings.Contains(logs.String(), "panic serving request") || !strings.Contains(logs.String(), body.Error.RequestID) {
		t.Errorf("panic not logged with its request id:\n%s", logs.String())
	}
}

func TestUpdateMerchantNormalizesOrigins(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		resp := e.Do(kassatest.Request{Method: "PATCH", Path: "/api/v1/merchant",
			Body: `{"name":"Acme Two","checkout_allowed_origins":["HTTPS://Shop.Example.com:443/","http://localhost:3000","https://shop.example.com"]}`})
		if resp.Status != 200 {
			t.Fatalf("%d %s", resp.Status, resp.Body)
		}
		got := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/merchant"}).JSON(t)
		want := map[string]any{
			"name":                     "Acme Two",
			"checkout_allowed_origins": []any{"https://shop.example.com", "http://localhost:3000"},
		}
		if diff := cmp.Diff(want, map[string]any{"name": got["name"], "checkout_allowed_origins": got["checkout_allowed_origins"]}); diff != "" {
			t.Errorf("merchant after PATCH (-want +got):\n%s", diff)
		}
		// A rejected PATCH changes nothing.
		e.Do(kassatest.Request{Method: "PATCH", Path: "/api/v1/merchant", Body: `{"name":"Renamed","checkout_allowed_origins":["nope"]}`})
		if after := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/merchant"}).JSON(t); after["name"] != "Acme Two" {
			t.Errorf("rejected PATCH renamed the merchant to %v", after["name"])
		}
	})
}

func TestCustomerListPages(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		var ids []string
		for i := range 5 {
			e.Clock.Advance(time.Second)
			resp := e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/customers", Body: fmt.Sprintf(`{"email":"c%d@example.com"}`, i)})
			ids = append(ids, resp.JSON(t)["id"].(string))
		}
		page := func(q string) ([]string, bool) {
			m := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/customers?" + q}).JSON(t)
			var out []string
			for _, c := range m["data"].([]any) {
				out = append(out, c.(map[string]any)["id"].(string))
			}
			if m["object"] != "list" {
				t.Errorf("object = %v", m["object"])
			}
			return out, m["has_more"].(bool)
		}
		first, more := page("limit=2")
		if diff := cmp.Diff([]string{ids[4], ids[3]}, first); diff != "" || !more {
			t.Errorf("first page has_more=%v (-want +got):\n%s", more, diff)
		}
		second, more := page("limit=2&starting_after=" + first[1])
		if diff := cmp.Diff([]string{ids[2], ids[1]}, second); diff != "" || !more {
			t.Errorf("second page has_more=%v (-want +got):\n%s", more, diff)
		}
		last, more := page("limit=2&starting_after=" + second[1])
		if diff := cmp.Diff([]string{ids[0]}, last); diff != "" || more {
			t.Errorf("last page has_more=%v (-want +got):\n%s", more, diff)
		}
		back, more := page("limit=2&ending_before=" + last[0])
		if diff := cmp.Diff([]string{ids[2], ids[1]}, back); diff != "" || !more {
			t.Errorf("previous page has_more=%v (-want +got):\n%s", more, diff)
		}
		byEmail, _ := page("email=c3@example.com")
		if diff := cmp.Diff([]string{ids[3]}, byEmail); diff != "" {
			t.Errorf("email filter (-want +got):\n%s", diff)
		}
	})
}
