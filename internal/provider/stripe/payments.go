package stripe

import (
	"context"
	"errors"
	"strconv"
	"strings"

	stripego "github.com/stripe/stripe-go/v84"

	"github.com/kassapay/kassa/internal/provider"
)

// The suffixes of Request.IdempotencyKey that name each Stripe call (see the package comment).
const (
	keyPaymentIntent   = ":pi"
	keyPaymentMethod   = ":pm"
	keyPaymentMethodNC = ":pm-nocvc"
	keyConfirm         = ":confirm"
	keyCapture         = ":capture"
	keyVoid            = ":void"
	keyRefund          = ":refund"
)

// stripeKey is Stripe's Idempotency-Key for one step of r: the request's key, its operation and the step's suffix.
// The operation is part of it because a processor must tell an authorization from a sale under the same key.
func stripeKey(r provider.Request, step string) string {
	return r.IdempotencyKey + ":" + string(r.Operation) + step
}

// MetadataKey is the PaymentIntent metadata entry that holds Kassa's idempotency key, so that a PaymentIntent found
// in Stripe's dashboard or a webhook names the Kassa operation that made it.
const MetadataKey = "kassa_idempotency_key"

// validate checks what Stripe would reject before anything is sent. It returns false with the failing Result.
func validate(r provider.Request) (provider.Result, bool) {
	const bad = provider.CodeInvalidTransaction
	switch {
	case !r.Operation.Valid():
		return invalid(bad, "unknown operation "+strconv.Quote(string(r.Operation))), false
	case r.IdempotencyKey == "":
		return invalid(bad, "idempotency key required"), false
	case len(r.IdempotencyKey) > 200:
		return invalid(bad, "idempotency key longer than 200 characters"), false
	case r.Amount < 0 || r.Amount == 0 && r.Operation != provider.OperationVoid:
		return invalid(provider.CodeInvalidAmount, "amount must be positive"), false
	case !isCurrency(r.Currency):
		return invalid(bad, "currency must be an ISO 4217 code in upper case"), false
	}
	switch r.Operation {
	case provider.OperationAuthorize, provider.OperationSale:
		switch {
		case r.VPA != "":
			return invalid(bad, "the Stripe connector takes cards only"), false
		case r.Card == nil:
			return invalid(bad, "card required"), false
		}
	default:
		if !isID(r.ProviderTransactionID, "pi_") {
			return invalid(bad, "not a Stripe PaymentIntent id"), false
		}
	}
	return provider.Result{}, true
}

// pay authorizes or sells in the three steps of the package comment.
func (s *Stripe) pay(ctx context.Context, r provider.Request) (provider.Result, error) {
	// Only a call that carries a CVV is provably the first under its key: recovery calls never carry one.
	first := r.Card.CVV != ""
	captureMethod := stripego.PaymentIntentCaptureMethodAutomatic
	if r.Operation == provider.OperationAuthorize {
		captureMethod = stripego.PaymentIntentCaptureMethodManual
	}
	pi, err := call(ctx, s, func(ctx context.Context) (*stripego.PaymentIntent, error) {
		p := &stripego.PaymentIntentCreateParams{
			Amount:             stripego.Int64(r.Amount),
			Currency:           stripego.String(strings.ToLower(r.Currency)),
			CaptureMethod:      stripego.String(string(captureMethod)),
			PaymentMethodTypes: []*string{stripego.String("card")},
			Metadata:           map[string]string{MetadataKey: r.IdempotencyKey, "kassa_operation": string(r.Operation)},
		}
		p.SetIdempotencyKey(stripeKey(r, keyPaymentIntent))
		return s.client.V1PaymentIntents.Create(ctx, p)
	})
	if err != nil {
		return s.answer(ctx, err, failure{step: "create PaymentIntent", first: first, pan: r.Card.Number})
	}
	if replayed(pi.LastResponse) {
		// The PaymentIntent existed: learn its current state, which the replayed creation answer does not show, and
		// answer from it unless it still waits for a payment method. (A PaymentIntent this call created waits for
		// one by construction.)
		first = false
		if pi, err = s.retrieve(ctx, pi.ID); err != nil {
			return s.answer(ctx, err, failure{step: "retrieve PaymentIntent", pan: r.Card.Number})
		}
		if !confirmable(pi) {
			return paymentResult(pi), nil
		}
	}
	pm, err := call(ctx, s, func(ctx context.Context) (*stripego.PaymentMethod, error) {
		card := &stripego.PaymentMethodCreateCardParams{
			Number:   stripego.String(r.Card.Number),
			ExpMonth: stripego.Int64(int64(r.Card.ExpMonth)),
			ExpYear:  stripego.Int64(int64(r.Card.ExpYear)),
		}
		key := stripeKey(r, keyPaymentMethodNC)
		if r.Card.CVV != "" {
			card.CVC = stripego.String(r.Card.CVV)
			key = stripeKey(r, keyPaymentMethod)
		}
		p := &stripego.PaymentMethodCreateParams{Type: stripego.String("card"), Card: card}
		if r.Card.Name != "" {
			p.BillingDetails = &stripego.PaymentMethodCreateBillingDetailsParams{Name: stripego.String(r.Card.Name)}
		}
		p.SetIdempotencyKey(key)
		return s.client.V1PaymentMethods.Create(ctx, p)
	})
	if err != nil {
		return s.answer(ctx, err, failure{step: "create PaymentMethod", first: first, pi: pi.ID, pan: r.Card.Number})
	}
	confirmed, err := call(ctx, s, func(ctx context.Context) (*stripego.PaymentIntent, error) {
		p := &stripego.PaymentIntentConfirmParams{
			PaymentMethod:         stripego.String(pm.ID),
			ErrorOnRequiresAction: stripego.Bool(true),
		}
		p.AddExpand("latest_charge")
		p.SetIdempotencyKey(stripeKey(r, keyConfirm))
		return s.client.V1PaymentIntents.Confirm(ctx, pi.ID, p)
	})
	var se *stripego.Error
	if errors.As(err, &se) && se.Code == stripego.ErrorCodePaymentIntentUnexpectedState {
		// Settled meanwhile (a concurrent attempt under the same key): answer from it.
		if current, rerr := s.retrieve(ctx, pi.ID); rerr == nil && !confirmable(current) {
			return paymentResult(current), nil
		}
	}
	if err != nil {
		return s.answer(ctx, err, failure{step: "confirm PaymentIntent", first: first, pi: pi.ID, pan: r.Card.Number})
	}
	return paymentResult(confirmed), nil
}

// retrieve gets a PaymentIntent with its latest charge.
func (s *Stripe) retrieve(ctx context.Context, id string) (*stripego.PaymentIntent, error) {
	return call(ctx, s, func(ctx context.Context) (*stripego.PaymentIntent, error) {
		p := &stripego.PaymentIntentRetrieveParams{}
		p.AddExpand("latest_charge")
		return s.client.V1PaymentIntents.Retrieve(ctx, id, p)
	})
}

// confirmable reports whether pi still waits for the payment method this call brings: it was created and never
// confirmed, or its confirmation was never sent. A declined PaymentIntent also returns to requires_payment_method,
// with a last_payment_error; it is answered from, not confirmed again.
func confirmable(pi *stripego.PaymentIntent) bool {
	switch pi.Status {
	case stripego.PaymentIntentStatusRequiresPaymentMethod, stripego.PaymentIntentStatusRequiresConfirmation:
		return pi.LastPaymentError == nil
	}
	return false
}

// replayed reports whether Stripe answered from its idempotency record rather than performing the call.
func replayed(r *stripego.APIResponse) bool {
	return r != nil && r.Header.Get("Idempotent-Replayed") == "true"
}

// capture captures r.Amount of the authorization r.ProviderTransactionID.
func (s *Stripe) capture(ctx context.Context, r provider.Request) (provider.Result, error) {
	pi, err := call(ctx, s, func(ctx context.Context) (*stripego.PaymentIntent, error) {
		p := &stripego.PaymentIntentCaptureParams{AmountToCapture: stripego.Int64(r.Amount)}
		p.SetIdempotencyKey(stripeKey(r, keyCapture))
		return s.client.V1PaymentIntents.Capture(ctx, r.ProviderTransactionID, p)
	})
	if err != nil {
		return s.answer(ctx, err, failure{step: "capture PaymentIntent"})
	}
	return followUpResult(pi), nil
}

// void cancels the authorization r.ProviderTransactionID. Stripe also cancels a PaymentIntent that was declined or
// never confirmed, so the connector first checks that it holds an authorization (requires_capture), or was canceled
// already, which the cancel under this key then replays (or refuses, when someone else canceled it).
func (s *Stripe) void(ctx context.Context, r provider.Request) (provider.Result, error) {
	current, err := s.retrieve(ctx, r.ProviderTransactionID)
	if err != nil {
		return s.answer(ctx, err, failure{step: "retrieve PaymentIntent"})
	}
	switch current.Status {
	case stripego.PaymentIntentStatusRequiresCapture, stripego.PaymentIntentStatusCanceled:
	default:
		return invalid(provider.CodeInvalidTransaction, "a void needs an authorization awaiting capture, not a "+
			string(current.Status)+" PaymentIntent"), nil
	}
	pi, err := call(ctx, s, func(ctx context.Context) (*stripego.PaymentIntent, error) {
		p := &stripego.PaymentIntentCancelParams{}
		p.SetIdempotencyKey(stripeKey(r, keyVoid))
		return s.client.V1PaymentIntents.Cancel(ctx, r.ProviderTransactionID, p)
	})
	if err != nil {
		return s.answer(ctx, err, failure{step: "cancel PaymentIntent"})
	}
	return followUpResult(pi), nil
}

// refund refunds r.Amount of the PaymentIntent r.ProviderTransactionID.
func (s *Stripe) refund(ctx context.Context, r provider.Request) (provider.Result, error) {
	re, err := call(ctx, s, func(ctx context.Context) (*stripego.Refund, error) {
		p := &stripego.RefundCreateParams{
			PaymentIntent: stripego.String(r.ProviderTransactionID),
			Amount:        stripego.Int64(r.Amount),
			Metadata:      map[string]string{MetadataKey: r.IdempotencyKey},
		}
		p.SetIdempotencyKey(stripeKey(r, keyRefund))
		return s.client.V1Refunds.Create(ctx, p)
	})
	if err != nil {
		return s.answer(ctx, err, failure{step: "create Refund"})
	}
	return refundResult(re), nil
}

// isID reports whether id looks like a Stripe object id with prefix: the prefix and at least one letter or digit.
func isID(id, prefix string) bool {
	rest, ok := strings.CutPrefix(id, prefix)
	if !ok || rest == "" || len(id) > 255 {
		return false
	}
	for _, c := range rest {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

func isCurrency(c string) bool {
	if len(c) != 3 {
		return false
	}
	for i := range 3 {
		if c[i] < 'A' || c[i] > 'Z' {
			return false
		}
	}
	return true
}
