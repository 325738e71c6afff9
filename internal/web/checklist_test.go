package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kassapay/kassa/clients/go/kassawebhook"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/store/storetest"
	"github.com/kassapay/kassa/internal/webhook"
	"github.com/kassapay/kassa/internal/webtest"
)

// merchantHandler is what a merchant's webhook endpoint does: verify the signature (401 if it fails), dedupe on
// the event id, and mark orders paid once.
type merchantHandler struct {
	secret string
	now    func() time.Time
	mu     sync.Mutex
	seen   map[string]bool
	types  map[string][]string // session id → event types received, in order
	paid   map[string]int      // session id → times marked paid
}

func (h *merchantHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := kassawebhook.Verify(h.secret, r.Header.Get("Kassa-Signature"), body, h.now()); err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	var ev struct {
		ID   string `json:"id"`
		Type string `json:"type"`
		Data struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &ev); err != nil {
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	if h.seen[ev.ID] {
		w.WriteHeader(http.StatusOK) // already handled: acknowledge, do nothing
		return
	}
	h.seen[ev.ID] = true
	h.types[ev.Data.ID] = append(h.types[ev.Data.ID], ev.Type)
	if ev.Type == "payment.succeeded" {
		h.paid[ev.Data.ID]++
	}
	w.WriteHeader(http.StatusOK)
}

func (h *merchantHandler) received(sessionID string) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.types[sessionID]...)
}

// TestSandboxCompletenessChecklist walks the reference document's checklist for going live, end to end, with a
// merchant webhook handler that verifies signatures and dedupes events.
func TestSandboxCompletenessChecklist(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, br := webtest.Setup(t, b, kassatest.Options{})
		h := &merchantHandler{now: e.Clock.Now, seen: map[string]bool{}, types: map[string][]string{}, paid: map[string]int{}}
		hook := httptest.NewServer(h)
		defer hook.Close()
		create := func(path, order string) map[string]any {
			body := fmt.Sprintf(`{"external_order_id":%q,"amount":12500,"success_url":%q,"cancel_url":%q,"webhook_url":%q}`,
				order, webtest.SuccessURL, webtest.CancelURL, hook.URL+"/webhooks")
			resp := br.API(kassatest.Request{Method: "POST", Path: path, Body: body, Headers: map[string]string{"Idempotency-Key": "k-" + order}})
			if resp.Status != http.StatusCreated {
				t.Fatalf("create %s: %d %s", order, resp.Status, resp.Body)
			}
			got := resp.JSON(t)
			if s, _ := got["webhook_secret"].(string); s != "" {
				h.mu.Lock()
				h.secret = s
				h.mu.Unlock()
			}
			return got
		}

		// 1. POST /checkout-sessions returns a valid checkout_url.
		approve := create("/api/v1/checkout-sessions", "CHECK-APPROVE")
		approveID := approve["id"].(string)
		if u := approve["checkout_url"].(string); u != e.HTTP.URL+"/checkout/"+approveID {
			t.Errorf("checkout_url %q", u)
		}
		webtest.WantStatus(t, "checkout_url", br.Get("/checkout/"+approveID), http.StatusOK)
		// 2. POST /payment-links returns a valid /pay/{id} URL.
		link := create("/api/v1/payment-links", "CHECK-LINK")
		if u := link["checkout_url"].(string); !strings.HasSuffix(u, "/pay/"+link["id"].(string)) {
			t.Errorf("payment link URL %q", u)
		}
		webtest.WantStatus(t, "payment link page", br.Get("/pay/"+link["id"].(string)), http.StatusOK)
		// 3. The approve scenario delivers payment.succeeded.
		webtest.WantStatus(t, "approve", br.Post("/checkout/"+approveID+"/pay", withScenario(webtest.Card("4000000000000002"), "approve")), http.StatusSeeOther)
		// 4. The decline scenario delivers payment.failed.
		decline := create("/api/v1/checkout-sessions", "CHECK-DECLINE")["id"].(string)
		webtest.WantStatus(t, "decline", br.Post("/checkout/"+decline+"/pay", withScenario(webtest.Card("4242424242424242"), "decline")), http.StatusPaymentRequired)
		// 7. Cancel from the hosted page delivers payment.canceled.
		cancel := create("/api/v1/checkout-sessions", "CHECK-CANCEL")["id"].(string)
		webtest.WantStatus(t, "cancel", br.Post("/checkout/"+cancel+"/cancel", nil), http.StatusSeeOther)
		webtest.DeliverAll(t, e)
		for id, want := range map[string]string{approveID: "payment.succeeded", decline: "payment.failed", cancel: "payment.canceled"} {
			if got := h.received(id); len(got) != 1 || got[0] != want {
				t.Errorf("%s: the merchant received %v, want [%s]", id, got, want)
			}
		}
		// 8. Expired sessions deliver checkout.session.expired.
		expire := create("/api/v1/checkout-sessions", "CHECK-EXPIRE")["id"].(string)
		e.Clock.Advance(31 * time.Minute)
		if _, err := e.Gateway.ExpireSessions(context.Background()); err != nil {
			t.Fatal(err)
		}
		webtest.DeliverAll(t, e)
		if got := h.received(expire); len(got) != 1 || got[0] != "checkout.session.expired" {
			t.Errorf("expired session: the merchant received %v", got)
		}
		// 5. The verifier returns 401 on a tampered payload.
		deliveries := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/webhook-deliveries?event_type=payment.succeeded"}).JSON(t)["data"].([]any)
		if len(deliveries) != 1 {
			t.Fatalf("%d payment.succeeded deliveries", len(deliveries))
		}
		ev := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/events/" + deliveries[0].(map[string]any)["event_id"].(string)})
		// A genuine signature of the original body, sent with a body changed in transit.
		h.mu.Lock()
		signed := webhook.Sign([]string{h.secret}, "evt_x", e.Clock.Now(), ev.Body)
		h.mu.Unlock()
		tampered := bytes.Replace(ev.Body, []byte(`"status":"paid"`), []byte(`"status":"PAID"`), 1)
		if bytes.Equal(tampered, ev.Body) {
			t.Fatal("the event body has no paid status to tamper with")
		}
		req, _ := http.NewRequest(http.MethodPost, hook.URL+"/webhooks", bytes.NewReader(tampered))
		req.Header.Set("Kassa-Signature", signed.Get("Kassa-Signature"))
		if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("tampered payload: %v %v", resp.StatusCode, err)
		}
		// 6. The handler is idempotent: a redelivery of the same event does not mark the order paid twice.
		deliveryID := deliveries[0].(map[string]any)["id"].(string)
		if r := e.Do(kassatest.Request{Method: "POST", Path: "/api/v1/webhook-deliveries/" + deliveryID + "/retry"}); r.Status != http.StatusOK {
			t.Fatalf("retry: %d %s", r.Status, r.Body)
		}
		webtest.DeliverAll(t, e)
		if got := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/webhook-deliveries/" + deliveryID}).JSON(t)["attempts"]; got != float64(2) {
			t.Errorf("the event was delivered %v times, want 2", got)
		}
		h.mu.Lock()
		paid := h.paid[approveID]
		h.mu.Unlock()
		if paid != 1 {
			t.Errorf("the order was marked paid %d times", paid)
		}
	})
}
