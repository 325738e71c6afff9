package dashboard

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
// through the same use case as the API. Each value has one route (mountDashboard) and one form in payment.html.
type paymentAction struct {
	// Name is the path segment and the confirmation shown after the redirect (?done=Name, see flashes).
	Name string
	// Question and Button word the confirmation: Question gets the amount, the payment id and its total;
	// Button gets the amount when it has a verb. The amount reads Whole when the form leaves it empty.
	Question, Button, Whole string
	// NeedsReason refuses the form without a reason before asking for confirmation.
	NeedsReason bool
	// Record runs the action through an idempotency record of the form's key (dashboard.once), for use cases that
	// keep no key of their own: a second submit replays the first instead of acting again.
	Record bool
	// Run calls the use case; amount is nil when the form left it empty.
	Run func(ctx context.Context, gw *gateway.Gateway, a gateway.Auth, p payment.Payment, amount *int64, reason string, idem gateway.Idempotency) error
}

// refundAction refunds all or part of a payment (POST /api/v1/refunds).
var refundAction = paymentAction{
	Name:     "refund",
	Question: "Refund %s of payment %s (%s)? The money goes back to the customer's card.",
	Button:   "Refund %s",
	Whole:    "the remaining balance",
	Run: func(ctx context.Context, gw *gateway.Gateway, a gateway.Auth, p payment.Payment, amount *int64, reason string, idem gateway.Idempotency) error {
		_, _, err := gw.CreateRefund(ctx, a, gateway.RefundInput{PaymentID: p.ID, Amount: amount, Reason: reason}, idem)
		return err
	},
}

// captureAction captures an authorization in full or in part (POST /api/v1/payments/{id}/capture).
var captureAction = paymentAction{
	Name:     "capture",
	Question: "Capture %s of payment %s (%s authorized)? The customer is charged; an uncaptured rest is released.",
	Button:   "Capture %s",
	Whole:    "the whole authorization",
	Record:   true,
	Run: func(ctx context.Context, gw *gateway.Gateway, a gateway.Auth, p payment.Payment, amount *int64, _ string, _ gateway.Idempotency) error {
		_, err := gw.CapturePayment(ctx, a, p.ID, amount)
		return err
	},
}

// voidAction releases an authorization; a reason is required (POST /api/v1/payments/{id}/void).
var voidAction = paymentAction{
	Name:        "void",
	Question:    "Void payment %[2]s (%[3]s authorized)? The authorization is released and nothing is charged.",
	Button:      "Void the authorization",
	Whole:       "the whole authorization",
	NeedsReason: true,
	Record:      true,
	Run: func(ctx context.Context, gw *gateway.Gateway, a gateway.Auth, p payment.Payment, _ *int64, reason string, _ gateway.Idempotency) error {
		_, err := gw.VoidPayment(ctx, a, p.ID, reason)
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
		shown := act.Whole
		if act.NeedsReason && reason == "" {
			d.showPayment(w, r, c, http.StatusBadRequest, "Enter the reason.")
			return
		}
		if raw != "" {
			n, err := money.ParseDecimal(raw, cur)
			if err != nil || n <= 0 {
				d.showPayment(w, r, c, http.StatusBadRequest, "The amount must be a positive number with at most "+
					strconv.Itoa(cur.Exponent())+" decimals, such as "+money.Decimal(p.Amount, cur)+".")
				return
			}
			amount, shown = &n, money.Format(n, cur)
		}
		button := act.Button
		if strings.Contains(button, "%") {
			button = fmt.Sprintf(button, shown)
		}
		if !d.confirm(w, r, c, fmt.Sprintf(act.Question, shown, p.ID, money.Format(p.Amount, cur)), button,
			"/dashboard/payments/"+p.ID, "amount", "reason", "key") {
			return
		}
		key := r.PostForm.Get("key")
		if !strings.HasPrefix(key, "dash_") {
			key = formKey()
		}
		idem := gateway.Idempotency{Key: key, Hash: formHash(act.Name, p.ID, raw, reason)}
		if act.Record {
			_, err = d.once(r, c, act.Name, idem.Hash, func(ctx context.Context) ([]byte, error) {
				return nil, act.Run(ctx, d.gw, c.auth, p, amount, reason, idem)
			})
		} else {
			err = act.Run(r.Context(), d.gw, c.auth, p, amount, reason, idem)
		}
		if msg := formError(err); msg != "" {
			d.showPayment(w, r, c, gateway.StatusOf(err), msg)
			return
		}
		if err != nil {
			d.failedIn(w, r, c, err)
			return
		}
		redirect(w, r, "/dashboard/payments/"+p.ID, act.Name)
	}
}
