package dashboard_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/provider"
	"github.com/kassapay/kassa/internal/provider/sandbox"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/store/storetest"
	"github.com/kassapay/kassa/internal/webtest"
)

// authorized makes an authorized (uncaptured) card payment of 80.00 EUR for a merchant.
func authorized(t *testing.T, e *kassatest.Env, a gateway.Auth) payment.Payment {
	t.Helper()
	p, err := e.Gateway.ChargeCard(context.Background(), a, gateway.DirectInput{Amount: 8000, Currency: "EUR", CustomerEmail: "cap@example.com",
		Card: gateway.CardInput{Number: sandbox.CardVisa, ExpMonth: 12, ExpYear: 2030, CVV: "123", Name: "Jane Doe"}}, false)
	if err != nil || p.Status != payment.StatusAuthorized {
		t.Fatalf("authorize: %v %s", err, p.Status)
	}
	return p
}

// TestDashboardCaptureAndVoid: an authorized payment's page offers capture (partial allowed) and void (reason
// required), each confirmed, run once per form key, refused to operators and to other merchants (404).
func TestDashboardCaptureAndVoid(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, _ := webtest.Setup(t, b, kassatest.Options{})
		ctx := context.Background()
		a := gateway.Auth{Merchant: e.Merchant.Merchant}
		toCapture, toVoid := authorized(t, e, a), authorized(t, e, a)
		u := signInMerchant(t, e)

		page := u.get("/dashboard/payments/" + toCapture.ID)
		webtest.WantStatus(t, "authorized payment", page, http.StatusOK)
		webtest.WantContains(t, "authorized payment", page, `id="capture-form"`, `id="void-form"`, `id="fraud"`, "score 0 · approve")
		key := formKeyOf(t, page)
		path := "/dashboard/payments/" + toCapture.ID + "/capture"
		confirm := u.post(path, url.Values{"amount": {"50.00"}, "key": {key}})
		webtest.WantStatus(t, "capture confirmation", confirm, http.StatusOK)
		webtest.WantContains(t, "capture confirmation", confirm, "Capture €50.00 of payment "+toCapture.ID)
		webtest.WantStatus(t, "bad amount", u.post(path, url.Values{"amount": {"ten"}, "key": {key}, "confirm": {"yes"}}), http.StatusBadRequest)
		webtest.WantStatus(t, "too much", u.post(path, url.Values{"amount": {"90.00"}, "key": {key}, "confirm": {"yes"}}), http.StatusBadRequest)
		form := url.Values{"amount": {"50.00"}, "key": {key}, "confirm": {"yes"}}
		webtest.WantStatus(t, "capture", u.post(path, form), http.StatusSeeOther)
		webtest.WantStatus(t, "capture again (double submit)", u.post(path, form), http.StatusSeeOther)
		got, err := e.Gateway.GetPayment(ctx, a, toCapture.ID)
		if err != nil || got.Status != payment.StatusCaptured || got.Captured != 5000 {
			t.Fatalf("after capturing 50.00 twice with one key: %v %s captured %d", err, got.Status, got.Captured)
		}
		txns, err := e.Store.ListTransactions(ctx, store.TransactionFilter{MerchantID: a.Merchant.ID, PaymentID: toCapture.ID, Page: store.Page{Limit: 100}})
		if err != nil {
			t.Fatal(err)
		}
		captures := 0
		for _, tx := range txns {
			if tx.Type == payment.TxnCapture {
				captures++
			}
		}
		if captures != 1 {
			t.Errorf("%d capture transactions, want 1", captures)
		}
		after := u.get("/dashboard/payments/" + toCapture.ID + "?done=capture")
		webtest.WantContains(t, "captured payment", after, "Capture requested", `id="refund-form"`)

		vpath := "/dashboard/payments/" + toVoid.ID + "/void"
		vkey := formKeyOf(t, u.get("/dashboard/payments/"+toVoid.ID))
		webtest.WantStatus(t, "void without a reason", u.post(vpath, url.Values{"key": {vkey}, "confirm": {"yes"}}), http.StatusBadRequest)
		webtest.WantContains(t, "void confirmation", u.post(vpath, url.Values{"key": {vkey}, "reason": {"out of stock"}}), "Void payment "+toVoid.ID)
		vform := url.Values{"key": {vkey}, "reason": {"out of stock"}, "confirm": {"yes"}}
		webtest.WantStatus(t, "void", u.post(vpath, vform), http.StatusSeeOther)
		webtest.WantStatus(t, "void again (double submit)", u.post(vpath, vform), http.StatusSeeOther)
		if got, _ := e.Gateway.GetPayment(ctx, a, toVoid.ID); got.Status != payment.StatusVoided || got.VoidReason != "out of stock" {
			t.Errorf("after voiding: %s %q", got.Status, got.VoidReason)
		}
		webtest.WantContains(t, "voided payment", u.get("/dashboard/payments/"+toVoid.ID), "out of stock")

		// Another merchant's authorization is not found, and stays authorized.
		other, _, _ := e.NewMerchant("Other Shop", "owner@other.example")
		theirs := authorized(t, e, gateway.Auth{Merchant: other.Merchant})
		for _, act := range []string{"capture", "void"} {
			webtest.WantStatus(t, act+" another merchant's payment", u.post("/dashboard/payments/"+theirs.ID+"/"+act,
				url.Values{"key": {"dash_cross" + act}, "reason": {"x"}, "confirm": {"yes"}}), http.StatusNotFound)
		}
		if got, _ := e.Gateway.GetPayment(ctx, gateway.Auth{Merchant: other.Merchant}, theirs.ID); got.Status != payment.StatusAuthorized {
			t.Errorf("another merchant's payment became %s", got.Status)
		}

		// Operators do not capture or void.
		mine := authorized(t, e, a)
		if _, err := e.Gateway.CreateOperator(ctx, "ops@kassa.example", "operator password 1"); err != nil {
			t.Fatal(err)
		}
		op := signIn(t, e, "ops@kassa.example", "operator password 1")
		webtest.WantStatus(t, "choose", op.post("/dashboard/switch", url.Values{"merchant": {e.Merchant.Merchant.ID}}), http.StatusSeeOther)
		if p := op.get("/dashboard/payments/" + mine.ID); !strings.Contains(p.Body, "Operators do not capture") || strings.Contains(p.Body, "capture-form") {
			t.Errorf("the operator's page of an authorized payment:\n%s", p.Body)
		}
		for _, act := range []string{"capture", "void"} {
			webtest.WantStatus(t, "operator "+act, op.post("/dashboard/payments/"+mine.ID+"/"+act,
				url.Values{"key": {"dash_operator" + act}, "reason": {"x"}, "confirm": {"yes"}}), http.StatusForbidden)
		}
		if got, _ := e.Gateway.GetPayment(ctx, a, mine.ID); got.Status != payment.StatusAuthorized {
			t.Errorf("an operator's post made the payment %s", got.Status)
		}
	})
}

// refusingCaptures is the sandbox, except that the processor refuses every capture.
type refusingCaptures struct{ provider.Provider }

func (p refusingCaptures) Do(ctx context.Context, r provider.Request) (provider.Result, error) {
	if r.Operation == provider.OperationCapture {
		return provider.ResultFor(provider.CodeDoNotHonor), nil
	}
	return p.Provider.Do(ctx, r)
}

// TestDashboardCaptureRefusedByTheProcessor: a capture the processor refuses answers 402, the status of a declined
// operation, with the processor's reason; the dashboard used to answer it with a 500 "Something went wrong".
func TestDashboardCaptureRefusedByTheProcessor(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, _ := webtest.Setup(t, b, kassatest.Options{Provider: refusingCaptures{sandbox.New(sandbox.Options{})}})
		a := gateway.Auth{Merchant: e.Merchant.Merchant}
		p := authorized(t, e, a)
		u := signInMerchant(t, e)
		key := formKeyOf(t, u.get("/dashboard/payments/"+p.ID))
		refused := u.post("/dashboard/payments/"+p.ID+"/capture", url.Values{"key": {key}, "confirm": {"yes"}})
		webtest.WantStatus(t, "refused capture", refused, http.StatusPaymentRequired)
		webtest.WantContains(t, "refused capture", refused, "The provider refused the capture")
		if strings.Contains(refused.Body, "Something went wrong") || strings.Contains(e.Log.String(), "dashboard request failed") {
			t.Errorf("a refused capture is answered as our failure:\n%s", refused.Body)
		}
	})
}
