package stripe

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	stripego "github.com/stripe/stripe-go/v84"

	"github.com/kassapay/kassa/internal/provider"
)

// HostedRequest asks for a Stripe Checkout Session: Stripe's hosted payment page for one payment.
type HostedRequest struct {
	// IdempotencyKey is derived from Kassa's checkout session; the same key gives the same Stripe session.
	IdempotencyKey string
	// Amount in minor units of Currency (ISO 4217, upper case).
	Amount   int64
	Currency string
	// Description is the line the customer sees on Stripe's page; "" shows "Payment".
	Description string
	// SuccessURL and CancelURL are where Stripe sends the customer back: Kassa's return routes, which then ask
	// CheckoutOutcome. Stripe replaces {CHECKOUT_SESSION_ID} in them with the session's id.
	SuccessURL, CancelURL string
	// CaptureManual makes the payment an authorization (capture_method=manual) instead of a sale.
	CaptureManual bool
	// CustomerEmail prefills the page's e-mail field ("" asks the customer).
	CustomerEmail string
	// ExpiresAt is when Stripe should close the page, clamped to the window Stripe allows (30 minutes to 24 hours
	// after creation) counted from OpenedAt, so that a retry sends the same parameters under the same key; zero
	// leaves Stripe's default (24 hours).
	OpenedAt, ExpiresAt time.Time
}

// The window Stripe allows for a Checkout Session's expires_at, from its creation; the clamp keeps a minute of
// margin on each side for the clocks' difference and the request's time in flight.
const (
	minPageLifetime = 30*time.Minute + time.Minute
	maxPageLifetime = 24*time.Hour - time.Minute
)

// HostedSession is a created Checkout Session.
type HostedSession struct {
	// ID is Stripe's session id ("cs_…"), for CheckoutOutcome.
	ID string
	// URL is the page to redirect the customer to (the session's provider_checkout_url).
	URL string
}

// ErrHostedInvalid means Stripe or the connector refused a HostedRequest; retrying it will not help.
var ErrHostedInvalid = errors.New("stripe checkout: invalid request")

// CreateCheckoutSession creates a Stripe Checkout Session in payment mode for one line of Amount, under Stripe's
// Idempotency-Key IdempotencyKey+":checkout". The PaymentIntent carries IdempotencyKey in its metadata, so its
// webhooks name the Kassa session. An error wraps ErrHostedInvalid when the request is invalid, provider.ErrTimeout
// or ctx.Err() otherwise (ask again with the same key).
func (s *Stripe) CreateCheckoutSession(ctx context.Context, r HostedRequest) (HostedSession, error) {
	switch {
	case r.IdempotencyKey == "" || len(r.IdempotencyKey) > 200:
		return HostedSession{}, fmt.Errorf("%w: idempotency key required, at most 200 characters", ErrHostedInvalid)
	case r.Amount <= 0:
		return HostedSession{}, fmt.Errorf("%w: amount must be positive", ErrHostedInvalid)
	case !isCurrency(r.Currency):
		return HostedSession{}, fmt.Errorf("%w: currency must be an ISO 4217 code in upper case", ErrHostedInvalid)
	case r.SuccessURL == "" || r.CancelURL == "":
		return HostedSession{}, fmt.Errorf("%w: success and cancel URLs required", ErrHostedInvalid)
	}
	name := r.Description
	if name == "" {
		name = "Payment"
	}
	captureMethod := stripego.PaymentIntentCaptureMethodAutomatic
	if r.CaptureManual {
		captureMethod = stripego.PaymentIntentCaptureMethodManual
	}
	meta := map[string]string{MetadataKey: r.IdempotencyKey}
	cs, err := call(ctx, s, func(ctx context.Context) (*stripego.CheckoutSession, error) {
		p := &stripego.CheckoutSessionCreateParams{
			Mode:              stripego.String(string(stripego.CheckoutSessionModePayment)),
			SuccessURL:        stripego.String(r.SuccessURL),
			CancelURL:         stripego.String(r.CancelURL),
			ClientReferenceID: stripego.String(r.IdempotencyKey),
			Metadata:          meta,
			LineItems: []*stripego.CheckoutSessionCreateLineItemParams{{
				Quantity: stripego.Int64(1),
				PriceData: &stripego.CheckoutSessionCreateLineItemPriceDataParams{
					Currency:    stripego.String(strings.ToLower(r.Currency)),
					UnitAmount:  stripego.Int64(r.Amount),
					ProductData: &stripego.CheckoutSessionCreateLineItemPriceDataProductDataParams{Name: stripego.String(name)},
				},
			}},
			PaymentIntentData: &stripego.CheckoutSessionCreatePaymentIntentDataParams{
				CaptureMethod: stripego.String(string(captureMethod)),
				Metadata:      meta,
			},
		}
		if r.CustomerEmail != "" {
			p.CustomerEmail = stripego.String(r.CustomerEmail)
		}
		if !r.ExpiresAt.IsZero() {
			from := r.OpenedAt
			if from.IsZero() {
				from = time.Now()
			}
			at := min(max(r.ExpiresAt.Unix(), from.Add(minPageLifetime).Unix()), from.Add(maxPageLifetime).Unix())
			p.ExpiresAt = stripego.Int64(at)
		}
		p.SetIdempotencyKey(r.IdempotencyKey + ":checkout")
		return s.client.V1CheckoutSessions.Create(ctx, p)
	})
	if err != nil {
		res, err := s.answer(ctx, err, failure{step: "create Checkout Session"})
		if err == nil { // a definitive refusal
			err = fmt.Errorf("%w: %s (%s)", ErrHostedInvalid, res.ResponseMessage, res.ResponseCode)
		}
		return HostedSession{}, err
	}
	if cs.URL == "" {
		return HostedSession{}, fmt.Errorf("%w: Stripe returned session %s without a URL", ErrHostedInvalid, cs.ID)
	}
	return HostedSession{ID: cs.ID, URL: cs.URL}, nil
}

// CheckoutOutcome retrieves the Checkout Session (with its PaymentIntent and charge) and returns the payment's
// answer and the PaymentIntent's id, so the gateway confirms with Stripe before it marks anything paid, whatever
// the return URL said:
//
//	PaymentIntent succeeded, requires_capture, processing, canceled   its answer, as Lookup gives it
//	session open, not yet paid (a declined card may be retried)       pending 09, the customer is on Stripe's page
//	session expired, the last card declined                           that decline
//	session expired, nothing tried                                    declined 05, "Checkout Session expired"
//	no such session                                                   failed 12
//
// An error means the answer is unknown (provider.ErrTimeout or ctx.Err()).
func (s *Stripe) CheckoutOutcome(ctx context.Context, sessionID string) (provider.Result, string, error) {
	if !isID(sessionID, "cs_") {
		return invalid(provider.CodeInvalidTransaction, "not a Stripe Checkout Session id"), "", nil
	}
	cs, err := call(ctx, s, func(ctx context.Context) (*stripego.CheckoutSession, error) {
		p := &stripego.CheckoutSessionRetrieveParams{}
		p.AddExpand("payment_intent.latest_charge")
		return s.client.V1CheckoutSessions.Retrieve(ctx, sessionID, p)
	})
	if err != nil {
		res, err := s.answer(ctx, err, failure{step: "retrieve Checkout Session"})
		return res, "", err
	}
	var piID string
	pi := cs.PaymentIntent
	if pi != nil {
		piID = pi.ID
		switch pi.Status {
		case stripego.PaymentIntentStatusSucceeded, stripego.PaymentIntentStatusRequiresCapture,
			stripego.PaymentIntentStatusProcessing, stripego.PaymentIntentStatusCanceled:
			return paymentResult(pi), piID, nil
		}
	}
	if cs.Status == stripego.CheckoutSessionStatusExpired {
		if pi != nil && pi.LastPaymentError != nil { // the customer's last card was declined
			return paymentResult(pi), piID, nil
		}
		res := provider.ResultFor(provider.CodeDoNotHonor)
		res.ResponseMessage = "Checkout Session expired"
		res.ProviderTransactionID = piID
		return res, piID, nil
	}
	res := provider.ResultFor(provider.CodeInProgress)
	res.ResponseMessage = "Waiting for the customer on Stripe's page"
	res.ProviderTransactionID, res.PollAfter = piID, PollAfter
	if piID == "" {
		res.ProviderTransactionID = cs.ID
	}
	return res, piID, nil
}

// ExpireCheckoutSession closes a Checkout Session (POST /v1/checkout/sessions/{id}/expire) so that nobody can pay
// on it any more, then returns its outcome as CheckoutOutcome gives it: a customer who paid just before is
// succeeded, and the caller records that payment instead of cancelling. A session that is no longer open (paid, or
// expired already) is not an error: Stripe refuses to expire it, and its outcome answers.
func (s *Stripe) ExpireCheckoutSession(ctx context.Context, sessionID string) (provider.Result, string, error) {
	if !isID(sessionID, "cs_") {
		return invalid(provider.CodeInvalidTransaction, "not a Stripe Checkout Session id"), "", nil
	}
	_, err := call(ctx, s, func(ctx context.Context) (*stripego.CheckoutSession, error) {
		return s.client.V1CheckoutSessions.Expire(ctx, sessionID, &stripego.CheckoutSessionExpireParams{})
	})
	if err != nil {
		if _, err := s.answer(ctx, err, failure{step: "expire Checkout Session"}); err != nil {
			return provider.Result{}, "", err // unknown: it may be open still
		}
	}
	return s.CheckoutOutcome(ctx, sessionID)
}

// OpenPage implements provider.HostedPages with CreateCheckoutSession (a sale).
func (s *Stripe) OpenPage(ctx context.Context, r provider.PageRequest) (provider.Page, error) {
	cs, err := s.CreateCheckoutSession(ctx, HostedRequest{IdempotencyKey: r.IdempotencyKey, Amount: r.Amount,
		Currency: r.Currency, Description: r.Description, SuccessURL: r.ReturnURL, CancelURL: r.CancelURL,
		CustomerEmail: r.CustomerEmail, OpenedAt: r.OpenedAt, ExpiresAt: r.ExpiresAt})
	if errors.Is(err, ErrHostedInvalid) {
		return provider.Page{}, fmt.Errorf("%w: %w", provider.ErrPageRefused, err)
	}
	return provider.Page{ID: cs.ID, URL: cs.URL}, err
}

// PageOutcome implements provider.HostedPages with CheckoutOutcome.
func (s *Stripe) PageOutcome(ctx context.Context, pageID string) (provider.Result, error) {
	res, _, err := s.CheckoutOutcome(ctx, pageID)
	return res, err
}

// ClosePage implements provider.HostedPages with ExpireCheckoutSession.
func (s *Stripe) ClosePage(ctx context.Context, pageID string) (provider.Result, error) {
	res, _, err := s.ExpireCheckoutSession(ctx, pageID)
	return res, err
}

var _ provider.HostedPages = (*Stripe)(nil)
