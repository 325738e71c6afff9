package gateway

// Payment intents (document 002): the merchant's server creates an intent and hands its client secret to the
// browser, which confirms it with card data on the hosted page or the merchant's own form. The secret is shown
// once and stored as a SHA-256; a wrong secret and a revoked one answer the same 401.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kassapay/kassa/internal/checkout"
	"github.com/kassapay/kassa/internal/customer"
	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/provider"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/webhook"
)

// IntentInput is the body of a new payment intent.
type IntentInput struct {
	Amount        int64
	Currency      string
	SuccessURL    string
	CancelURL     string // default SuccessURL
	OrderID       string
	Description   string
	CaptureMethod string // automatic (default) or manual
	CustomerEmail string
	Metadata      json.RawMessage
}

// ClientSecretPrefix starts every client secret; the log redaction masks what follows it.
const ClientSecretPrefix = "kcs_"

// errInvalidClientSecret is the one answer to a wrong, missing or revoked client secret.
var errInvalidClientSecret = &Error{Kind: KindUnauthenticated, Code: "invalid_client_secret",
	Message: "The client secret is invalid or expired."}

// CreateIntent creates a payment intent and returns it with its client secret (shown only here).
func (g *Gateway) CreateIntent(ctx context.Context, a Auth, in IntentInput) (checkout.Intent, string, error) {
	in.maskCardNumbers()
	var problems []Problem
	add := func(param, code, msg string) {
		problems = append(problems, Problem{Param: param, Code: code, Message: msg})
	}
	validateAmount(in.Amount, in.Currency, add)
	if in.CancelURL == "" {
		in.CancelURL = in.SuccessURL
	}
	for _, f := range []struct{ name, raw string }{{"success_url", in.SuccessURL}, {"cancel_url", in.CancelURL}} {
		if err := checkout.ValidateReturnURL(f.name, f.raw, a.Merchant.CheckoutAllowedOrigins, ""); err != nil {
			code := "url_invalid"
			if errors.Is(err, checkout.ErrRequired) {
				code = "parameter_missing"
			} else if errors.Is(err, checkout.ErrOriginNotAllow) {
				code = "origin_not_allowed"
			}
			add(f.name, code, err.Error())
		}
	}
	if in.CaptureMethod == "" {
		in.CaptureMethod = string(payment.CaptureAutomatic)
	}
	if in.CaptureMethod != string(payment.CaptureAutomatic) && in.CaptureMethod != string(payment.CaptureManual) {
		add("capture_method", "parameter_invalid", "capture_method must be automatic or manual.")
	}
	if in.CustomerEmail != "" && !customer.ValidEmail(in.CustomerEmail) {
		add("customer_email", "parameter_invalid", "customer_email must be an email address.")
	}
	if len(in.OrderID) > 255 {
		add("order_id", "parameter_invalid", "order_id is longer than 255 characters.")
	}
	if utf8.RuneCountInString(in.Description) > 1000 {
		add("description", "parameter_invalid", "description is longer than 1000 characters.")
	}
	if !validMetadata(in.Metadata) {
		add("metadata", "parameter_invalid", "metadata must be a JSON object of at most 8 KB.")
	}
	if err := problemsError(problems); err != nil {
		return checkout.Intent{}, "", err
	}
	if _, err := g.routesFor(ctx, g.store, a.Merchant.ID, a.Livemode(), provider.Route{Method: string(payment.MethodCard), Currency: in.Currency, Amount: in.Amount}); err != nil {
		return checkout.Intent{}, "", err
	}
	now := g.Now()
	secret := ClientSecretPrefix + id.Random(32) // 32 base62 characters: 190 bits
	pi := checkout.Intent{
		ID: id.New("pi_", now), MerchantID: a.Merchant.ID, Livemode: a.Livemode(), Status: checkout.IntentCreated,
		Amount: in.Amount, Currency: in.Currency, CaptureMethod: in.CaptureMethod, Description: in.Description,
		ExternalOrderID: in.OrderID, SuccessURL: in.SuccessURL, CancelURL: in.CancelURL,
		CustomerEmail: strings.ToLower(in.CustomerEmail), Metadata: in.Metadata,
		ClientSecretHash: checkout.HashClientSecret(secret), ExpiresAt: now.Add(checkout.IntentTTL), CreatedAt: now, UpdatedAt: now,
	}
	if len(pi.Metadata) == 0 || string(pi.Metadata) == "null" {
		pi.Metadata = json.RawMessage("{}")
	}
	err := g.store.InTx(ctx, func(tx store.Tx) error {
		if err := tx.InsertPaymentIntent(ctx, pi); err != nil {
			return err
		}
		return g.recordIntentEvent(ctx, tx, pi, webhook.EventPaymentIntentCreated)
	})
	if err != nil {
		return checkout.Intent{}, "", err
	}
	return pi, secret, nil
}

// IntentCheckoutURL is the hosted page of an intent, with its client secret (the page sends Referrer-Policy:
// no-referrer, and Kassa's logs carry neither query strings nor secrets).
func (g *Gateway) IntentCheckoutURL(pi checkout.Intent, secret string) string {
	return g.baseURL + "/checkout/" + pi.ID + "?client_secret=" + url.QueryEscape(secret)
}

func (g *Gateway) recordIntentEvent(ctx context.Context, tx store.Tx, pi checkout.Intent, typ webhook.EventType) error {
	_, err := g.RecordEvent(ctx, tx, EventInput{MerchantID: pi.MerchantID, Livemode: pi.Livemode, Type: typ, ObjectID: pi.ID, Data: IntentView(pi)})
	return err
}

// GetIntent returns one of the caller's intents (expired first if its hour is up).
func (g *Gateway) GetIntent(ctx context.Context, a Auth, intentID string) (checkout.Intent, error) {
	if !id.HasPrefix(intentID, "pi_") {
		return checkout.Intent{}, NotFound("payment intent", intentID)
	}
	if _, err := g.store.GetPaymentIntent(ctx, a.Merchant.ID, a.Livemode(), intentID); err != nil {
		return checkout.Intent{}, notFoundAs(err, "payment intent", intentID)
	}
	return g.GetPublicIntent(ctx, intentID)
}

// GetPublicIntent returns an intent by id for the browser (expired first if its hour is up).
func (g *Gateway) GetPublicIntent(ctx context.Context, intentID string) (checkout.Intent, error) {
	if !id.HasPrefix(intentID, "pi_") {
		return checkout.Intent{}, NotFound("payment intent", intentID)
	}
	pi, err := g.store.GetPaymentIntentByID(ctx, intentID)
	if err != nil {
		return pi, notFoundAs(err, "payment intent", intentID)
	}
	if pi.Status.Open() && pi.Expired(g.Now()) {
		err = g.store.InTx(ctx, func(tx store.Tx) error {
			if pi, err = tx.LockPaymentIntent(ctx, intentID); err != nil {
				return err
			}
			return g.expireIntent(ctx, tx, &pi)
		})
	}
	return pi, err
}

// expireIntent moves an open intent past its time to expired.
func (g *Gateway) expireIntent(ctx context.Context, tx store.Tx, pi *checkout.Intent) error {
	if !pi.Status.Open() || !pi.Expired(g.Now()) {
		return nil
	}
	pi.Status, pi.UpdatedAt = checkout.IntentExpired, g.Now()
	return tx.UpdatePaymentIntent(ctx, *pi)
}

// ExpireIntents expires open intents past their hour; it returns how many.
func (g *Gateway) ExpireIntents(ctx context.Context) (int, error) {
	due, err := g.store.ListExpiredPaymentIntents(ctx, g.Now(), 500)
	if err != nil || len(due) == 0 {
		return 0, err
	}
	err = g.store.InTx(ctx, func(tx store.Tx) error {
		for _, d := range due {
			pi, err := tx.LockPaymentIntent(ctx, d.ID)
			if err != nil {
				return err
			}
			if err := g.expireIntent(ctx, tx, &pi); err != nil {
				return err
			}
		}
		return nil
	})
	return len(due), err
}

// ListIntents returns a page of the caller's intents, newest first.
func (g *Gateway) ListIntents(ctx context.Context, a Auth, status string, page store.Page) ([]checkout.Intent, bool, error) {
	want := page.Limit
	page.Limit++
	rows, err := g.store.ListPaymentIntents(ctx, a.Merchant.ID, a.Livemode(), status, page)
	if err != nil {
		return nil, false, err
	}
	return trimPage(rows, want, false)
}

// CancelIntent cancels an open intent (payment_intent.canceled); its client secret stops working.
func (g *Gateway) CancelIntent(ctx context.Context, a Auth, intentID string) (checkout.Intent, error) {
	if _, err := g.GetIntent(ctx, a, intentID); err != nil {
		return checkout.Intent{}, err
	}
	var pi checkout.Intent
	err := g.store.InTx(ctx, func(tx store.Tx) error {
		var err error
		if pi, err = tx.LockPaymentIntent(ctx, intentID); err != nil {
			return err
		}
		if err := intentState(pi); err != nil {
			return err
		}
		pi.Status, pi.UpdatedAt = checkout.IntentCanceled, g.Now()
		if err := tx.UpdatePaymentIntent(ctx, pi); err != nil {
			return err
		}
		return g.recordIntentEvent(ctx, tx, pi, webhook.EventPaymentIntentCanceled)
	})
	return pi, err
}

// intentState says why an intent cannot be confirmed or canceled now, if it cannot.
func intentState(pi checkout.Intent) error {
	switch pi.Status {
	case checkout.IntentAuthorized, checkout.IntentCaptured:
		return Errorf(KindConflict, "intent_already_succeeded", "This payment intent is already %s; it cannot be confirmed or canceled.", pi.Status)
	case checkout.IntentCanceled:
		return Errorf(KindConflict, "intent_canceled", "This payment intent was canceled.")
	case checkout.IntentExpired:
		return Errorf(KindGone, "intent_expired", "This payment intent expired (intents are valid for 1 hour).")
	case checkout.IntentProcessing:
		return Errorf(KindConflict, "payment_in_progress", "A payment for this intent is being processed.")
	}
	if pi.Locked() {
		return Errorf(KindGone, "max_attempts_reached", "This payment intent took the maximum of %d failed attempts and is locked; create a new one.", checkout.MaxFailedAttempts)
	}
	return nil
}

// IntentResult is the outcome of a confirm.
type IntentResult struct {
	Intent  checkout.Intent
	Payment payment.Payment
	// RedirectURL is where to send the customer once the intent succeeded.
	RedirectURL string
}

// ConfirmIntent is the browser confirming an intent with its client secret and card data. A wrong secret, or the
// secret of a canceled intent, gets 401 invalid_client_secret; an expired intent 410 intent_expired; a decline 402
// with remaining_attempts; after the 5th decline the intent is locked (410 max_attempts_reached). The intent itself
// guards the money (the route has no idempotency key): while an attempt is being processed another is refused, and
// an attempt whose request died is finished by the next confirm, which answers with its outcome.
func (g *Gateway) ConfirmIntent(ctx context.Context, intentID, secret string, in CardInput, email, clientIP string, scenario provider.Scenario) (IntentResult, error) {
	in.maskCardNumbers()
	pi, err := g.GetPublicIntent(ctx, intentID)
	if err != nil {
		return IntentResult{}, err
	}
	if !pi.SecretMatches(secret) || pi.Status == checkout.IntentCanceled {
		return IntentResult{}, errInvalidClientSecret
	}
	if pi.Status == checkout.IntentProcessing && pi.PaymentID != "" {
		p, err := g.store.GetPaymentByID(ctx, pi.PaymentID)
		if err != nil {
			return IntentResult{}, err
		}
		if p, done, err := g.finishAbandonedAttempt(ctx, p); err != nil || done {
			if err != nil {
				return IntentResult{}, err
			}
			return g.intentResult(ctx, p)
		}
	}
	if err := intentState(pi); err != nil {
		return IntentResult{}, err
	}
	at, err := g.shopperAttempt(in, email, scenario, "card.cardholder_name", "customer_email")
	if err != nil {
		return IntentResult{}, err
	}
	declined := false
	err = g.store.InTx(ctx, func(tx store.Tx) error {
		var err error
		if pi, err = tx.LockPaymentIntent(ctx, intentID); err != nil {
			return err
		}
		if err := g.expireIntent(ctx, tx, &pi); err != nil {
			return err
		}
		if pi.Status == checkout.IntentCanceled {
			return errInvalidClientSecret
		}
		if err := intentState(pi); err != nil {
			return err
		}
		if err := takingPayments(ctx, tx, pi.MerchantID); err != nil {
			return err
		}
		routes, err := g.routesFor(ctx, tx, pi.MerchantID, pi.Livemode, cardRoute(pi.Amount, pi.Currency, at.card))
		if err != nil {
			return err
		}
		at.useRoutes(routes)
		if pi.Livemode {
			at.scenario = provider.ScenarioNone
		}
		now := g.Now()
		at.p = payment.Payment{
			ID: id.New("pay_", now), MerchantID: pi.MerchantID, Livemode: pi.Livemode,
			CaptureMethod: payment.CaptureMethod(pi.CaptureMethod), Amount: pi.Amount, Currency: pi.Currency,
			CustomerEmail: strings.ToLower(firstNonEmpty(email, pi.CustomerEmail)), CustomerName: in.Name,
			Description: pi.Description, Metadata: pi.Metadata, ExternalOrderID: pi.ExternalOrderID,
			SourceKind: SourceIntent, SourceID: pi.ID, Provider: at.prov.Name(), ProfileID: at.profileID, Scenario: string(at.scenario),
			Direct: payment.Direct{ClientIP: clientIP},
		}
		pi.Status, pi.PaymentID, pi.UpdatedAt = checkout.IntentProcessing, at.p.ID, now
		if err := tx.UpdatePaymentIntent(ctx, pi); err != nil {
			return err
		}
		declined, err = g.beginCardPayment(ctx, tx, at)
		return err
	})
	if err != nil {
		return IntentResult{}, err
	}
	p := at.p
	if !declined {
		res, ok := g.callCardProvider(ctx, at)
		if !ok {
			return IntentResult{Intent: pi, Payment: at.p}, nil
		}
		if p, err = g.finishCardPayment(ctx, p.ID, res); err != nil {
			return IntentResult{}, err
		}
	}
	return g.intentResult(ctx, p)
}

// intentResult is the answer to a confirm whose payment p has its outcome (or is still pending): the intent as it
// stands, the redirect once it succeeded, or the decline with the attempts left.
func (g *Gateway) intentResult(ctx context.Context, p payment.Payment) (IntentResult, error) {
	pi, err := g.store.GetPaymentIntentByID(ctx, p.SourceID)
	if err != nil {
		return IntentResult{}, err
	}
	out := IntentResult{Intent: pi, Payment: p}
	if p.Status == payment.StatusFailed {
		e := declineError(p)
		left := pi.RemainingAttempts()
		e.RemainingAttempts = &left
		return out, e
	}
	if pi.Status == checkout.IntentAuthorized || pi.Status == checkout.IntentCaptured {
		out.RedirectURL = IntentRedirectURL(pi.SuccessURL, pi.ID)
	}
	return out, nil
}

// IntentRedirectURL is a return URL for an intent: {CHECKOUT_SESSION_ID} replaced by its id, and payment_intent
// added to the query.
func IntentRedirectURL(raw, intentID string) string {
	resolved := checkout.ResolveReturnURL(raw, intentID)
	u, err := url.Parse(resolved)
	if err != nil {
		return resolved
	}
	q := u.Query()
	q.Set("payment_intent", intentID)
	u.RawQuery = q.Encode()
	return u.String()
}

// intentOutcome moves an intent with the outcome of its payment: payment.authorized or payment.captured and
// payment_intent.succeeded, or payment.failed and one more failed attempt.
func (g *Gateway) intentOutcome(ctx context.Context, tx store.Tx, p payment.Payment) error {
	pi, err := tx.LockPaymentIntent(ctx, p.SourceID)
	if err != nil {
		return err
	}
	from := pi.Status
	pi.PaymentID, pi.UpdatedAt = p.ID, p.UpdatedAt
	switch p.Status {
	case payment.StatusAuthorized, payment.StatusCaptured:
		pi.Status, pi.FailureCode, pi.FailureMessage = checkout.IntentStatus(p.Status), "", ""
	default:
		pi.Status, pi.FailedAttempts = checkout.IntentFailed, min(pi.FailedAttempts+1, checkout.MaxFailedAttempts)
		pi.FailureCode, pi.FailureMessage = p.DeclineCode, p.FailureMessage
	}
	if !from.CanTransition(pi.Status) {
		return fmt.Errorf("gateway: intent %s: status change not allowed: %s → %s", pi.ID, from, pi.Status)
	}
	if err := tx.UpdatePaymentIntent(ctx, pi); err != nil {
		return err
	}
	if err := g.recordPaymentEvent(ctx, tx, p, paymentEventOf(p)); err != nil {
		return err
	}
	if pi.Status == checkout.IntentFailed {
		return nil
	}
	return g.recordIntentEvent(ctx, tx, pi, webhook.EventPaymentIntentSucceeded)
}

// IntentObject is a payment intent as the merchant API shows it. The client secret appears only in the create
// response.
type IntentObject struct {
	Object            string          `json:"object" enum:"payment_intent"`
	ID                string          `json:"id"`
	Livemode          bool            `json:"livemode"`
	Status            string          `json:"status" enum:"created,processing,authorized,captured,canceled,expired,failed"`
	Amount            int64           `json:"amount"`
	Currency          string          `json:"currency"`
	CaptureMethod     string          `json:"capture_method" enum:"automatic,manual"`
	Description       string          `json:"description"`
	OrderID           string          `json:"order_id"`
	SuccessURL        string          `json:"success_url"`
	CancelURL         string          `json:"cancel_url"`
	CustomerEmail     string          `json:"customer_email"`
	Metadata          json.RawMessage `json:"metadata"`
	ClientSecret      string          `json:"client_secret,omitempty" doc:"Only in the create response: give it to the browser that confirms the intent."`
	CheckoutURL       string          `json:"checkout_url,omitempty" doc:"Only in the create response: the hosted page, with the client secret."`
	FailedAttempts    int             `json:"failed_attempts"`
	RemainingAttempts int             `json:"remaining_attempts"`
	PaymentID         *string         `json:"payment_id" doc:"The latest confirm's payment; capture manual intents through it."`
	FailureCode       *string         `json:"failure_code"`
	FailureMessage    *string         `json:"failure_message"`
	ExpiresAt         time.Time       `json:"expires_at"`
	CreatedAt         time.Time       `json:"created_at"`
	UpdatedAt         time.Time       `json:"updated_at"`
}

// IntentView renders an intent (without its client secret).
func IntentView(pi checkout.Intent) IntentObject {
	return IntentObject{
		Object: "payment_intent", ID: pi.ID, Livemode: pi.Livemode, Status: string(pi.Status), Amount: pi.Amount,
		Currency: pi.Currency, CaptureMethod: pi.CaptureMethod, Description: pi.Description, OrderID: pi.ExternalOrderID,
		SuccessURL: pi.SuccessURL, CancelURL: pi.CancelURL, CustomerEmail: pi.CustomerEmail, Metadata: PublicMetadata(pi.Metadata),
		FailedAttempts: pi.FailedAttempts, RemainingAttempts: pi.RemainingAttempts(), PaymentID: optional(pi.PaymentID),
		FailureCode: optional(pi.FailureCode), FailureMessage: optional(pi.FailureMessage), ExpiresAt: pi.ExpiresAt,
		CreatedAt: pi.CreatedAt, UpdatedAt: pi.UpdatedAt,
	}
}

// PublicIntentObject is what a browser may learn about an intent: never the secret, metadata or customer data.
type PublicIntentObject struct {
	Object            string    `json:"object" enum:"payment_intent.public"`
	ID                string    `json:"id"`
	Livemode          bool      `json:"livemode"`
	Status            string    `json:"status" enum:"created,processing,authorized,captured,canceled,expired,failed"`
	Amount            int64     `json:"amount"`
	Currency          string    `json:"currency"`
	Description       string    `json:"description"`
	SuccessURL        string    `json:"success_url"`
	CancelURL         string    `json:"cancel_url"`
	RemainingAttempts int       `json:"remaining_attempts"`
	ExpiresAt         time.Time `json:"expires_at"`
}

// PublicIntentView renders an intent for the browser.
func PublicIntentView(pi checkout.Intent) PublicIntentObject {
	return PublicIntentObject{
		Object: "payment_intent.public", ID: pi.ID, Livemode: pi.Livemode, Status: string(pi.Status), Amount: pi.Amount,
		Currency: pi.Currency, Description: pi.Description, SuccessURL: pi.SuccessURL, CancelURL: pi.CancelURL,
		RemainingAttempts: pi.RemainingAttempts(), ExpiresAt: pi.ExpiresAt,
	}
}
