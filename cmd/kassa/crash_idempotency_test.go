package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kassapay/kassa/internal/idempotency"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/store/storetest"
)

// TestCrashRetriesUnderTheSameKey kills the real binary with SIGKILL at each boundary of every money-moving route
// (after its first phase committed, after the provider answered, after the outcome committed but before the
// response was stored for replay), restarts it on the same database with the clock past the idempotency lock
// timeout, and retries the request with the same Idempotency-Key. The retry must take the key over and resume what
// the first run started: one payment, one charge (one succeeded provider transaction of the operation), and a final
// answer that a further retry replays byte for byte.
func TestCrashRetriesUnderTheSameKey(t *testing.T) {
	t.Parallel()
	for _, r := range crashRoutes() {
		points := r.points
		if !r.unkeyed {
			points = append(points, "respond "+r.pattern) // only keyed requests store a response for replay
		}
		for _, point := range points {
			t.Run(r.name+"/"+strings.ReplaceAll(point, " ", "_"), func(t *testing.T) {
				t.Parallel()
				t.Run("sqlite", func(t *testing.T) { t.Parallel(); testCrashRetry(t, "", r, point) })
				t.Run("postgres", func(t *testing.T) { t.Parallel(); testCrashRetry(t, storetest.PostgresURL(t), r, point) })
			})
		}
	}
}

// crashRoute is a money-moving route under test: prepare makes what the request needs (through crash points other
// than the route's own) and returns the request; check asserts, on the restarted server, that the money moved once.
// An unkeyed route (a browser's: an intent confirm, a hosted page) has no Idempotency-Key: the front door's own
// state guards it, so its retry finishes the abandoned attempt and a second retry gets afterwards.
type crashRoute struct {
	name, pattern string
	points        []string
	wantStatus    int
	unkeyed       bool
	afterwards    int
	prepare       func(t *testing.T, c *crashClient) crashRequest
	check         func(t *testing.T, c *crashClient, req crashRequest, answer map[string]any)
}

type crashRequest struct {
	path, body, key string
	headers         map[string]string
	form            bool // a hosted page's form post, not a JSON API request
}

func crashRoutes() []crashRoute {
	year := time.Now().Year() + 2
	card := func(number string) string {
		return fmt.Sprintf(`{"number":"%s","exp_month":12,"exp_year":%d,"cvv":"123"}`, number, year)
	}
	direct := func(path, number string, amount int) func(*testing.T, *crashClient) crashRequest {
		return func(t *testing.T, c *crashClient) crashRequest {
			return crashRequest{path: path, body: fmt.Sprintf(`{"amount":%d,"currency":"USD","card":%s,"description":"crash"}`, amount, card(number))}
		}
	}
	// onePayment requires exactly one payment in the database, the answer's, with the status and one succeeded
	// provider transaction of type typ (none for a decline).
	onePayment := func(status, typ string) func(*testing.T, *crashClient, crashRequest, map[string]any) {
		return func(t *testing.T, c *crashClient, _ crashRequest, answer map[string]any) {
			payments := c.list(t, "/api/v1/payments?limit=100")
			if len(payments) != 1 {
				t.Fatalf("%d payments after the crash and retry, want 1: %v", len(payments), payments)
			}
			p := payments[0]
			wantID := answer["id"]
			if e, ok := answer["error"].(map[string]any); ok {
				wantID = e["payment_id"]
			}
			if p["id"] != wantID || p["status"] != status {
				t.Errorf("payment %v %v, want the answer's (%v) %s", p["id"], p["status"], wantID, status)
			}
			c.wantTransactions(t, p["id"].(string), typ, 1)
		}
	}
	authorized := func(t *testing.T, c *crashClient) string {
		p := c.post(t, "/api/v1/payments/authorize", fmt.Sprintf(`{"amount":5000,"currency":"USD","card":%s}`, card("4242424242424242")), "", nil, http.StatusOK)
		return p["id"].(string)
	}
	captured := func(t *testing.T, c *crashClient) string {
		p := c.post(t, "/api/v1/payments/sale", fmt.Sprintf(`{"amount":5000,"currency":"USD","card":%s}`, card("4242424242424242")), "", nil, http.StatusOK)
		return p["id"].(string)
	}
	return []crashRoute{
		{name: "sale", pattern: "POST /api/v1/payments/sale", points: []string{"card.begun", "card.called"}, wantStatus: http.StatusOK,
			prepare: direct("/api/v1/payments/sale", "4242424242424242", 1200), check: onePayment("captured", "sale")},
		{name: "sale_declined", pattern: "POST /api/v1/payments/sale", points: []string{"card.begun", "card.called"}, wantStatus: http.StatusPaymentRequired,
			prepare: direct("/api/v1/payments/sale", "4000000000000002", 1300), check: onePayment("failed", "")},
		{name: "authorize", pattern: "POST /api/v1/payments/authorize", points: []string{"card.begun", "card.called"}, wantStatus: http.StatusOK,
			prepare: direct("/api/v1/payments/authorize", "5555555555554444", 1400), check: onePayment("authorized", "authorize")},
		{name: "capture", pattern: "POST /api/v1/payments/{id}/capture", points: []string{"operation.begun", "operation.called"}, wantStatus: http.StatusOK,
			prepare: func(t *testing.T, c *crashClient) crashRequest {
				return crashRequest{path: "/api/v1/payments/" + authorized(t, c) + "/capture", body: `{"amount":3000}`}
			},
			check: func(t *testing.T, c *crashClient, req crashRequest, answer map[string]any) {
				onePayment("captured", "capture")(t, c, req, answer)
				if answer["amount_captured"] != 3000.0 {
					t.Errorf("answer captured %v, want 3000", answer["amount_captured"])
				}
			}},
		{name: "void", pattern: "POST /api/v1/payments/{id}/void", points: []string{"operation.begun", "operation.called"}, wantStatus: http.StatusOK,
			prepare: func(t *testing.T, c *crashClient) crashRequest {
				return crashRequest{path: "/api/v1/payments/" + authorized(t, c) + "/void", body: `{"reason":"customer changed their mind"}`}
			},
			check: onePayment("voided", "void")},
		{name: "refund", pattern: "POST /api/v1/payments/{id}/refund", points: []string{"refund.begun", "refund.called"}, wantStatus: http.StatusCreated,
			prepare: func(t *testing.T, c *crashClient) crashRequest {
				return crashRequest{path: "/api/v1/payments/" + captured(t, c) + "/refund", body: `{"amount":2000,"reason":"damaged"}`}
			},
			check: func(t *testing.T, c *crashClient, req crashRequest, answer map[string]any) {
				refunds := c.list(t, "/api/v1/refunds?limit=100")
				if len(refunds) != 1 || refunds[0]["id"] != answer["id"] || refunds[0]["status"] != "succeeded" {
					t.Fatalf("refunds after the crash and retry: %v; want the answer's (%v), succeeded", refunds, answer["id"])
				}
				p := c.get(t, "/api/v1/payments/"+refunds[0]["payment_id"].(string))
				if p["amount_refunded"] != 2000.0 || p["status"] != "partially_refunded" {
					t.Errorf("payment refunded %v (%v), want 2000 partially_refunded", p["amount_refunded"], p["status"])
				}
				c.wantTransactions(t, p["id"].(string), "refund", 1)
			}},
		{name: "refunds", pattern: "POST /api/v1/refunds", points: []string{"refund.begun", "refund.called"}, wantStatus: http.StatusCreated,
			prepare: func(t *testing.T, c *crashClient) crashRequest {
				return crashRequest{path: "/api/v1/refunds", body: `{"payment_id":"` + captured(t, c) + `","amount":1500}`}
			},
			check: func(t *testing.T, c *crashClient, req crashRequest, answer map[string]any) {
				refunds := c.list(t, "/api/v1/refunds?limit=100")
				if len(refunds) != 1 || refunds[0]["id"] != answer["id"] || refunds[0]["status"] != "succeeded" {
					t.Fatalf("refunds after the crash and retry: %v; want the answer's (%v), succeeded", refunds, answer["id"])
				}
				c.wantTransactions(t, refunds[0]["payment_id"].(string), "refund", 1)
			}},
		{name: "public_order_payment", pattern: "POST /api/public/orders/{id}/payments", points: []string{"order.begun", "order.called"}, wantStatus: http.StatusCreated,
			prepare: func(t *testing.T, c *crashClient) crashRequest {
				o := c.post(t, "/api/v1/orders", `{"amount":50000}`, "", nil, http.StatusCreated)
				return crashRequest{path: "/api/public/orders/" + o["id"].(string) + "/payments", body: `{"method":"upi","vpa":"success@kassa"}`,
					headers: map[string]string{"Authorization": "Bearer " + c.pk}}
			},
			check: func(t *testing.T, c *crashClient, _ crashRequest, answer map[string]any) {
				payments := c.list(t, "/api/v1/payments?limit=100")
				if len(payments) != 1 || payments[0]["id"] != answer["id"] {
					t.Fatalf("payments after the crash and retry: %v; want only the answer's (%v)", payments, answer["id"])
				}
			}},
		{name: "order_payment", pattern: "POST /api/v1/payments", points: []string{"order.begun", "order.called"}, wantStatus: http.StatusCreated,
			prepare: func(t *testing.T, c *crashClient) crashRequest {
				o := c.post(t, "/api/v1/orders", `{"amount":50000}`, "", nil, http.StatusCreated)
				return crashRequest{path: "/api/v1/payments", body: fmt.Sprintf(`{"order_id":"%s","method":"card","card":%s}`, o["id"], card("4242424242424242"))}
			},
			check: func(t *testing.T, c *crashClient, _ crashRequest, answer map[string]any) {
				payments := c.list(t, "/api/v1/payments?limit=100")
				if len(payments) != 1 || payments[0]["id"] != answer["id"] {
					t.Fatalf("payments after the crash and retry: %v; want only the answer's (%v)", payments, answer["id"])
				}
			}},
		{name: "intent_confirm", pattern: "POST /api/public/payment-intents/{id}/confirm", points: []string{"card.begun", "card.called"}, wantStatus: http.StatusOK,
			unkeyed: true, afterwards: http.StatusConflict, // intent_already_succeeded
			prepare: func(t *testing.T, c *crashClient) crashRequest {
				pi := c.post(t, "/api/v1/payment-intents", `{"amount":2500,"currency":"USD","success_url":"https://shop.example/ok"}`, "pi-"+id6(), nil, http.StatusCreated)
				return crashRequest{path: "/api/public/payment-intents/" + pi["id"].(string) + "/confirm", body: fmt.Sprintf(`{"card":%s}`, card("4242424242424242")),
					headers: map[string]string{"Authorization": "Bearer " + c.pk, "X-Client-Secret": pi["client_secret"].(string)}}
			},
			check: func(t *testing.T, c *crashClient, req crashRequest, answer map[string]any) {
				payments := c.list(t, "/api/v1/payments?limit=100")
				if len(payments) != 1 || payments[0]["id"] != answer["payment_id"] || payments[0]["status"] != "captured" {
					t.Fatalf("payments after the crash and retry: %v; want only the answer's (%v), captured", payments, answer["payment_id"])
				}
				c.wantTransactions(t, answer["payment_id"].(string), "sale", 1)
			}},
		// The resubmitted form finds the session paid by the attempt it finished, and shows that page (409, as any
		// payment attempt on a paid session).
		{name: "sale_fallback", pattern: "POST /api/v1/payments/sale", points: []string{"card.fellback"}, wantStatus: http.StatusOK,
			prepare: func(t *testing.T, c *crashClient) crashRequest {
				// The first profile cannot be reached (nothing listens on its port): the sale falls back to the sandbox.
				down := c.post(t, "/api/v1/payment-profiles", `{"connector":"stripe","name":"down","methods":["card"],`+
					`"credentials":{"secret_key":"sk_test_crash1234"},"api_base_url":"http://127.0.0.1:`+kassatest.ClosedPort(t)+`"}`, "", nil, http.StatusCreated)
				c.put(t, "/api/v1/routing-rules", `{"rules":[{"profiles":["`+down["id"].(string)+`","prof_sandbox"]}]}`)
				return direct("/api/v1/payments/sale", "4242424242424242", 1300)(t, c)
			},
			check: onePayment("captured", "sale")},
		{name: "hosted_pay", pattern: "POST /checkout/{id}/pay", points: []string{"card.begun", "card.called"}, wantStatus: http.StatusConflict,
			unkeyed: true, afterwards: http.StatusConflict,
			prepare: func(t *testing.T, c *crashClient) crashRequest {
				s := c.post(t, "/api/v1/checkout-sessions", `{"external_order_id":"ORD-1","amount":4200,"currency":"USD",`+
					`"success_url":"https://shop.example/ok","cancel_url":"https://shop.example/cancel"}`, "cs-"+id6(), nil, http.StatusCreated)
				return crashRequest{path: "/checkout/" + s["id"].(string) + "/pay", form: true,
					body: fmt.Sprintf("number=4242424242424242&exp=12%%2F%d&cvv=123&name=Jane+Doe&email=jane%%40example.com", year%100)}
			},
			check: func(t *testing.T, c *crashClient, req crashRequest, answer map[string]any) {
				if !strings.Contains(answer["page"].(string), "has received your payment") {
					t.Errorf("the retry's page does not say the payment was received:\n%s", answer["page"])
				}
				sessions := c.list(t, "/api/v1/checkout-sessions?limit=100")
				payments := c.list(t, "/api/v1/payments?limit=100")
				if len(sessions) != 1 || sessions[0]["status"] != "paid" || len(payments) != 1 || payments[0]["status"] != "captured" {
					t.Fatalf("after the crash and retry: sessions %v, payments %v; want one paid session and its one captured payment", sessions, payments)
				}
				c.wantTransactions(t, payments[0]["id"].(string), "sale", 1)
			}},
	}
}

func testCrashRetry(t *testing.T, dbURL string, r crashRoute, point string) {
	env := kassaEnv("KASSA_ADDR=127.0.0.1:0", "KASSA_DATA_DIR="+t.TempDir(), "KASSA_RATE_WRITE_PER_SECOND=1000")
	if dbURL != "" {
		env = append(env, "KASSA_DATABASE_URL="+dbURL)
	}
	first := startServer(t, append(env, "KASSA_CRASHPOINT="+point))
	creds := parseCredentials(t, first.stdout.String())
	c := &crashClient{addr: first.addr, sk: creds.sk, pk: creds.pk}
	req := r.prepare(t, c)
	if !r.unkeyed {
		req.key = "crash-" + id6()
	}
	c.send(req) //nolint:errcheck // the process dies on the way; the answer, if any got out, is not stored
	select {
	case <-first.done:
	case <-time.After(10 * time.Second):
		t.Fatalf("kassa still runs 10s after the request reached crash point %q", point)
	}
	if !strings.Contains(first.stderr.String(), "crashpoint "+point+": SIGKILL") {
		t.Fatalf("the process died, but not at crash point %q", point)
	}

	// The restarted process stands past the lock timeout of the dead run's claim, as a client retrying for a while
	// would find it.
	second := startServer(t, append(env, fmt.Sprintf("KASSA_TEST_CLOCK_OFFSET=%s", idempotency.LockTimeout+time.Minute)))
	c.addr = second.addr
	status, retry, err := c.send(req)
	if err != nil || status != r.wantStatus {
		t.Fatalf("retry after the restart: %d %v %s, want %d", status, err, retry, r.wantStatus)
	}
	status, replay, err := c.send(req)
	switch {
	case r.unkeyed && (err != nil || status != r.afterwards):
		t.Errorf("second retry: %d %v %s, want %d", status, err, replay, r.afterwards)
	case !r.unkeyed && (err != nil || status != r.wantStatus || !bytes.Equal(replay, retry)):
		t.Errorf("second retry: %d %v\n%s\nwant the first retry's answer replayed:\n%s", status, err, replay, retry)
	}
	answer := map[string]any{"page": string(retry)}
	if !req.form {
		if err := json.Unmarshal(retry, &answer); err != nil {
			t.Fatal(err)
		}
	}
	r.check(t, c, req, answer)
	second.stop(t)
}

// crashClient talks to the server of a crash test.
type crashClient struct{ addr, sk, pk string }

func (c *crashClient) send(r crashRequest) (int, []byte, error) {
	req, err := http.NewRequest(http.MethodPost, "http://"+c.addr+r.path, strings.NewReader(r.body))
	if err != nil {
		return 0, nil, err
	}
	if r.form {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req.Header.Set("Authorization", "Bearer "+c.sk)
		req.Header.Set("Content-Type", "application/json")
	}
	if r.key != "" {
		req.Header.Set("Idempotency-Key", r.key)
	}
	for k, v := range r.headers {
		req.Header.Set(k, v)
	}
	resp, err := noRedirects.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode >= 500 {
		err = errors.New(resp.Status)
	}
	return resp.StatusCode, body, err
}

func (c *crashClient) post(t *testing.T, path, body, key string, headers map[string]string, want int) map[string]any {
	t.Helper()
	status, b, err := c.send(crashRequest{path: path, body: body, key: key, headers: headers})
	if err != nil || status != want {
		t.Fatalf("POST %s: %d %v %s", path, status, err, b)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func (c *crashClient) put(t *testing.T, path, body string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, "http://"+c.addr+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.sk)
	req.Header.Set("Content-Type", "application/json")
	resp, err := noRedirects.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("PUT %s: %d", path, resp.StatusCode)
	}
}

func (c *crashClient) get(t *testing.T, path string) map[string]any {
	t.Helper()
	var m map[string]any
	getJSON(t, c.addr, c.sk, path, &m)
	return m
}

func (c *crashClient) list(t *testing.T, path string) []map[string]any {
	t.Helper()
	var l struct{ Data []map[string]any }
	getJSON(t, c.addr, c.sk, path, &l)
	return l.Data
}

// wantTransactions requires the payment to have n succeeded provider transactions of type typ and, when typ is "",
// no succeeded transaction at all.
func (c *crashClient) wantTransactions(t *testing.T, paymentID, typ string, n int) {
	t.Helper()
	var got []string
	for _, txn := range c.list(t, "/api/v1/transactions?limit=100&payment_id="+paymentID) {
		if txn["status"] == "succeeded" {
			got = append(got, txn["type"].(string))
		}
	}
	count := 0
	for _, g := range got {
		if g == typ {
			count++
		}
	}
	if typ == "" && len(got) != 0 || typ != "" && count != n {
		t.Errorf("payment %s: succeeded transactions %v, want %d of type %q", paymentID, got, n, typ)
	}
}

// noRedirects shows a hosted page's redirect (to success_url) as the answer itself.
var noRedirects = &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func id6() string { return fmt.Sprintf("%06d", time.Now().UnixNano()%1_000_000) }
