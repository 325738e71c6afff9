// Command shop is a tiny merchant site that takes payments with Kassa's embeddable checkout: its server creates the
// order with the secret key, its page opens the checkout with the publishable key (checkout.js, pinned by its
// Subresource Integrity hash), and its webhook receiver verifies Kassa's signature with clients/go/kassawebhook and
// marks the order paid on payment.succeeded. The page treats the browser's onSuccess only as a hint and shows an order
// as paid once the signed webhook said so.
//
//	KASSA_URL=http://localhost:8080 SHOP_SECRET_KEY=sk_test_… SHOP_PUBLISHABLE_KEY=pk_test_… go run ./examples/shop
//
// then open http://127.0.0.1:3000. On start it adds its origin to the merchant's checkout_allowed_origins and, unless
// SHOP_WEBHOOK_SECRET is set, registers its webhook endpoint and uses the secret Kassa returns. It keeps the orders it
// saw confirmed in memory: it is a demonstration, not a shop.
package main

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html/template"
	"io"
	"log"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/kassapay/kassa/clients/go/kassawebhook"
)

// sdkIntegrity is the Subresource Integrity hash of /js/v1/kassa.js, as Kassa's README documents it (a Kassa test
// checks that both match the file Kassa serves).
const sdkIntegrity = "sha384-N1CV8ide0A0GM5jMeVBwlWFXiPYxXbom1VG5G1mND/wv9Q9UuoCgKWpWW0V2m0Yw"

//go:embed static
var static embed.FS

var page = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Chai & Co.</title></head>
<body>
<h1>Chai & Co.</h1>
<p>Masala chai, 250 g: ₹499.00</p>
<button id="buy" data-key="{{.PublishableKey}}">Buy now</button>
<p id="status" aria-live="polite"></p>
<script src="{{.KassaURL}}/js/v1/kassa.js" integrity="{{.Integrity}}" crossorigin="anonymous"></script>
<script src="/static/shop.js"></script>
</body></html>`))

type shop struct {
	kassaURL, secretKey, publishableKey, webhookSecret string
	client                                             *http.Client
	now                                                func() time.Time // the clock webhook timestamps are checked against
	mu                                                 sync.Mutex
	paid                                               map[string]string // order id → payment id, from verified webhooks
}

func main() {
	addr := flag.String("addr", "127.0.0.1:3000", "listen address")
	flag.Parse()
	s := &shop{
		kassaURL: envOr("KASSA_URL", "http://localhost:8080"), secretKey: os.Getenv("SHOP_SECRET_KEY"),
		publishableKey: os.Getenv("SHOP_PUBLISHABLE_KEY"), webhookSecret: os.Getenv("SHOP_WEBHOOK_SECRET"),
		client: &http.Client{Timeout: 10 * time.Second}, now: time.Now, paid: map[string]string{},
	}
	if s.secretKey == "" || s.publishableKey == "" {
		log.Fatal("set SHOP_SECRET_KEY and SHOP_PUBLISHABLE_KEY to the keys Kassa printed on its first start")
	}
	origin := "http://" + *addr
	if err := s.setUp(origin); err != nil {
		log.Fatal(err)
	}
	log.Printf("shop listening on %s (Kassa at %s)", origin, s.kassaURL)
	log.Fatal(http.ListenAndServe(*addr, s.routes()))
}

// routes is the shop's site: its page, the order creation, the order status and the webhook receiver.
func (s *shop) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		page.Execute(w, map[string]string{"KassaURL": s.kassaURL, "Integrity": sdkIntegrity, "PublishableKey": s.publishableKey}) //nolint:errcheck
	})
	mux.Handle("GET /static/", http.FileServerFS(static))
	mux.HandleFunc("POST /orders", s.createOrder)
	mux.HandleFunc("GET /orders/{id}", s.orderStatus)
	mux.HandleFunc("POST /webhooks", s.webhook)
	return mux
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// call sends a request to Kassa's API with the secret key and decodes the answer into out.
func (s *shop) call(method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.kassaURL+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+s.secretKey)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	return json.Unmarshal(b, out)
}

// setUp lets this origin embed the checkout and, without a configured secret, registers the webhook endpoint.
func (s *shop) setUp(origin string) error {
	var m struct {
		Origins []string `json:"checkout_allowed_origins"`
	}
	if err := s.call(http.MethodGet, "/api/v1/merchant", nil, &m); err != nil {
		return err
	}
	if !slices.Contains(m.Origins, origin) {
		if err := s.call(http.MethodPatch, "/api/v1/merchant", map[string]any{"checkout_allowed_origins": append(m.Origins, origin)}, &m); err != nil {
			return err
		}
	}
	if s.webhookSecret != "" {
		return nil
	}
	var ep struct{ ID, Secret string }
	err := s.call(http.MethodPost, "/api/v1/webhook-endpoints", map[string]any{
		"url": origin + "/webhooks", "enabled_events": []string{"payment.succeeded", "payment.failed"},
	}, &ep)
	if err != nil {
		return err
	}
	if ep.Secret == "" {
		return errors.New("Kassa returned no webhook secret")
	}
	log.Printf("registered webhook endpoint %s; set SHOP_WEBHOOK_SECRET=%s to reuse it", ep.ID, ep.Secret)
	s.webhookSecret = ep.Secret
	return nil
}

// createOrder makes the order on the server, where the amount is decided, and gives the page what it needs.
func (s *shop) createOrder(w http.ResponseWriter, r *http.Request) {
	var o struct{ ID string }
	if err := s.call(http.MethodPost, "/api/v1/orders", map[string]any{"amount": 49900, "currency": "INR", "receipt": "chai-250g"}, &o); err != nil {
		log.Print(err)
		http.Error(w, "could not create the order", http.StatusBadGateway)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]string{"order_id": o.ID}) //nolint:errcheck
}

// orderStatus tells the page whether a verified webhook confirmed the order.
func (s *shop) orderStatus(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	payment, ok := s.paid[r.PathValue("id")]
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"paid": ok, "payment_id": payment}) //nolint:errcheck
}

// webhook verifies a delivery's signature on the raw body before trusting anything in it.
func (s *shop) webhook(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, "cannot read body", http.StatusBadRequest)
		return
	}
	if err := kassawebhook.Verify(s.webhookSecret, r.Header.Get(kassawebhook.HeaderSignature), body, s.now()); err != nil {
		http.Error(w, "invalid signature", http.StatusBadRequest)
		return
	}
	event, err := kassawebhook.ParseEvent(body)
	if err != nil {
		http.Error(w, "not an event", http.StatusBadRequest)
		return
	}
	var p struct {
		ID     string `json:"id"`
		Source struct {
			Type, ID string
		} `json:"source"`
	}
	if err := json.Unmarshal(event.Data, &p); err == nil && event.Type == "payment.succeeded" && p.Source.Type == "order" {
		s.mu.Lock()
		s.paid[p.Source.ID] = p.ID
		s.mu.Unlock()
	}
	log.Printf("webhook %s %s (payment %s)", event.ID, event.Type, p.ID)
	w.WriteHeader(http.StatusNoContent)
}
