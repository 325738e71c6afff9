package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/kassapay/kassa/clients/go/kassawebhook"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/store/storetest"
	"github.com/kassapay/kassa/internal/web"
)

// webhookRecorder keeps a copy of every webhook request the shop received, for replaying it.
type webhookRecorder struct {
	next http.Handler
	mu   sync.Mutex
	got  []recorded
}

type recorded struct {
	signature string
	body      []byte
}

func (rec *webhookRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/webhooks" {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec.mu.Lock()
		rec.got = append(rec.got, recorded{signature: r.Header.Get(kassawebhook.HeaderSignature), body: body})
		rec.mu.Unlock()
	}
	rec.next.ServeHTTP(w, r)
}

// TestShopAgainstKassa runs the example shop against a real Kassa: on start it allows its origin for the checkout
// and registers its webhook endpoint; its page pins the SDK Kassa serves; its server creates the order with the
// secret key; after the customer pays, Kassa's signed payment.succeeded webhook marks the order paid; a delivery
// whose body was tampered with is rejected and changes nothing.
func TestShopAgainstKassa(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		ctx := context.Background()
		s := &shop{kassaURL: e.HTTP.URL, secretKey: e.SecretKey, publishableKey: e.PublishableKey,
			client: e.HTTP.Client(), now: e.Clock.Now, paid: map[string]string{}}
		rec := &webhookRecorder{next: s.routes()}
		srv := httptest.NewServer(rec)
		defer srv.Close()
		if err := s.setUp(srv.URL); err != nil {
			t.Fatalf("set up: %v", err)
		}
		if !strings.HasPrefix(s.webhookSecret, "whsec_") {
			t.Fatalf("webhook secret %q", s.webhookSecret)
		}
		m := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/merchant"}).JSON(t)
		if origins, _ := m["checkout_allowed_origins"].([]any); len(origins) != 1 || origins[0] != srv.URL {
			t.Errorf("allowed origins after the shop's start: %v", m["checkout_allowed_origins"])
		}
		// A second start (SHOP_WEBHOOK_SECRET set) keeps the origin once.
		if err := s.setUp(srv.URL); err != nil {
			t.Fatalf("set up again: %v", err)
		}
		if origins, _ := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/merchant"}).JSON(t)["checkout_allowed_origins"].([]any); len(origins) != 1 {
			t.Errorf("allowed origins after a second start: %v", origins)
		}

		pageBody := get(t, srv.URL+"/")
		for _, want := range []string{e.HTTP.URL + web.SDKPath, `integrity="` + web.SDKIntegrity() + `"`, `data-key="` + e.PublishableKey + `"`} {
			if !strings.Contains(pageBody, want) {
				t.Errorf("the shop's page lacks %s", want)
			}
		}

		newOrder := func() string {
			t.Helper()
			resp, err := http.Post(srv.URL+"/orders", "", nil)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var o struct {
				OrderID string `json:"order_id"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&o); err != nil || resp.StatusCode != 200 {
				t.Fatalf("POST /orders: %d %v", resp.StatusCode, err)
			}
			return o.OrderID
		}
		orderID := newOrder()
		o := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/orders/" + orderID}).JSON(t)
		if o["amount"] != float64(49900) || o["currency"] != "INR" || o["receipt"] != "chai-250g" || o["status"] != "created" {
			t.Errorf("the order in Kassa: %v", o)
		}
		if st := orderStatus(t, srv.URL, orderID); st.Paid {
			t.Fatalf("order paid before any payment: %+v", st)
		}

		// The customer pays by UPI in the checkout; the worker settles it and Kassa delivers the webhook.
		r := e.Do(kassatest.Request{Method: "POST", Path: "/api/public/orders/" + orderID + "/payments", Key: e.PublishableKey,
			Body: `{"method":"upi","vpa":"success@kassa"}`, Headers: map[string]string{"Idempotency-Key": "shop-pay-1"}})
		if r.Status != 201 {
			t.Fatalf("pay: %d %s", r.Status, r.Body)
		}
		payID := r.JSON(t)["id"].(string)
		if err := e.Gateway.ProcessOrderPayment(ctx, payID); err != nil {
			t.Fatal(err)
		}
		list := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/webhook-deliveries?event_type=payment.succeeded"}).JSON(t)
		deliveries, _ := list["data"].([]any)
		if len(deliveries) != 1 {
			t.Fatalf("%d payment.succeeded deliveries, want 1: %v", len(deliveries), list)
		}
		deliveryID := deliveries[0].(map[string]any)["id"].(string)
		if err := e.Gateway.AttemptDelivery(ctx, deliveryID); err != nil {
			t.Fatal(err)
		}
		if d := e.Do(kassatest.Request{Method: "GET", Path: "/api/v1/webhook-deliveries/" + deliveryID}).JSON(t); d["status"] != "delivered" {
			t.Errorf("the shop did not accept Kassa's delivery: %v", d)
		}
		if st := orderStatus(t, srv.URL, orderID); !st.Paid || st.PaymentID != payID {
			t.Errorf("after the signed webhook the shop shows %+v, want paid by %s", st, payID)
		}

		// The same delivery with its body changed to name another order: the signature no longer matches.
		rec.mu.Lock()
		if len(rec.got) != 1 {
			t.Fatalf("the shop received %d webhook requests, want 1", len(rec.got))
		}
		genuine := rec.got[0]
		rec.mu.Unlock()
		other := newOrder()
		if !bytes.Contains(genuine.body, []byte(orderID)) {
			t.Fatalf("the delivery does not name the order:\n%s", genuine.body)
		}
		tampered := bytes.ReplaceAll(genuine.body, []byte(orderID), []byte(other))
		if got := postWebhook(t, srv.URL, genuine.signature, tampered); got != http.StatusBadRequest {
			t.Errorf("tampered webhook: %d, want 400", got)
		}
		if got := postWebhook(t, srv.URL, "", genuine.body); got != http.StatusBadRequest {
			t.Errorf("unsigned webhook: %d, want 400", got)
		}
		if st := orderStatus(t, srv.URL, other); st.Paid {
			t.Errorf("a tampered webhook marked %s paid: %+v", other, st)
		}
		// The genuine bytes and signature are still accepted (a redelivery), so the 400s came from the changes.
		if got := postWebhook(t, srv.URL, genuine.signature, genuine.body); got != http.StatusNoContent {
			t.Errorf("genuine webhook replayed: %d, want 204", got)
		}
	})
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %v", url, resp.StatusCode, err)
	}
	return string(b)
}

type status struct {
	Paid      bool   `json:"paid"`
	PaymentID string `json:"payment_id"`
}

func orderStatus(t *testing.T, shopURL, orderID string) status {
	t.Helper()
	var st status
	if err := json.Unmarshal([]byte(get(t, shopURL+"/orders/"+orderID)), &st); err != nil {
		t.Fatal(err)
	}
	return st
}

func postWebhook(t *testing.T, shopURL, signature string, body []byte) int {
	t.Helper()
	req, err := http.NewRequest("POST", shopURL+"/webhooks", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if signature != "" {
		req.Header.Set(kassawebhook.HeaderSignature, signature)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
