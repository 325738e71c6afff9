package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/money"
	"github.com/kassapay/kassa/internal/payment"
)

// paymentAction is one money action on a payment's page: a form posted to /dashboard/payments/{id}/{Name},
// confirmed once, carrying the idempotency key made when the page was shown (a double submit acts once), and run
// through the same use case as the API. Capture and void are two more values of this type, one route each
// (mountDashboard) and one form each in payment.html.
type paymentAction struct {
	// Name is the path segment and the confirmation shown after the redirect (?done=Name, see flashes).
	Name string
	// Question and Button word the confirmation: Question gets the amount, the payment id and its total;
	// Button gets the amount. The amount reads "the remaining balance" when the form leaves it empty.
	Question, Button string
	// Run calls the use case; amount is nil when the form left it empty.
	Run func(ctx context.Context, gw *gateway.Gateway, a gateway.Auth, p payment.Payment, amount *int64, reason string, idem gateway.Idempotency) error
}

// refundAction refunds all or part of a payment (POST /api/v1/refunds).
var refundAction = paymentAction{
	Name:     "refund",
	Question: "Refund %s of payment %s (%s)? The money goes back to the customer's card.",
	Button:   "Refund %s",
	Run: func(ctx context.Context, gw *gateway.Gateway, a gateway.Auth, p payment.Payment, amount *int64, reason string, idem gateway.Idempotency) error {
		_, err := gw.CreateRefund(ctx, a, gateway.RefundInput{PaymentID: p.ID, Amount: amount, Reason: reason}, idem)
		return err
	},
}

// paymentAction serves one paymentAction.
func (d *dashboard) paymentAction(act paymentAction) pageHandler {
	return func(w http.ResponseWriter, r *http.Request, c *dctx) {
		p, err := d.gw.GetPayment(r.Context(), c.auth, r.PathValue("id"))
		if err != nil {
			d.failedIn(w, r, c, err)
			return
		}
		cur := money.Currency(p.Currency)
		reason := strings.TrimSpace(r.PostForm.Get("reason"))
		raw := strings.TrimSpace(r.PostForm.Get("amount"))
		var amount *int64
		shown := "the remaining balance"
		if raw != "" {
			n, err := money.ParseDecimal(raw, cur)
			if err != nil || n <= 0 {
				d.showPayment(w, r, c, http.StatusBadRequest, "The amount must be a positive number with at most "+
					strconv.Itoa(cur.Exponent())+" decimals, such as "+money.Decimal(p.Amount, cur)+".")
				return
			}
			amount, shown = &n, money.Format(n, cur)
		}
		if !d.confirm(w, r, c, fmt.Sprintf(act.Question, shown, p.ID, money.Format(p.Amount, cur)), fmt.Sprintf(act.Button, shown),
			"/dashboard/payments/"+p.ID, "amount", "reason", "key") {
			return
		}
		key := r.PostForm.Get("key")
		if !strings.HasPrefix(key, "dash_") {
			key = formKey()
		}
		err = act.Run(r.Context(), d.gw, c.auth, p, amount, reason, gateway.Idempotency{Key: key, Hash: formHash(act.Name, p.ID, raw, reason)})
		if msg := formError(err); msg != "" {
			d.showPayment(w, r, c, statusOfKind(mustKind(err)), msg)
			return
		}
		if err != nil {
			d.failedIn(w, r, c, err)
			return
		}
		redirect(w, r, "/dashboard/payments/"+p.ID, act.Name)
	}
}
