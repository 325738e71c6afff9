package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kassapay/kassa/internal/checkout"
	"github.com/kassapay/kassa/internal/customer"
	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/money"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/webhook"
)

// SessionInput is what a merchant sends to create a checkout session or payment link.
type SessionInput struct {
	ExternalOrderID   string
	ExternalInvoiceID string
	WebsiteKey        string
	Amount            int64
	Currency          string // default USD
	Description       string
	SuccessURL        string
	CancelURL         string
	WebhookURL        string
	Customer          checkout.Customer
	ExpiresInSeconds  int64
	Metadata          json.RawMessage
}

// CreatedSession is a new (or replayed) session with, when its webhook_url registered a new endpoint, that
// endpoint's secret (shown once).
type CreatedSession struct {
	checkout.Session
	WebhookSecret string
	Replayed      bool
}

func (g *Gateway) validateSession(a Auth, in *SessionInput) error {
	var problems []Problem
	add := func(param, code, msg string) {
		problems = append(problems, Problem{Param: param, Code: code, Message: msg})
	}
	if s := strings.TrimSpace(in.ExternalOrderID); s == "" {
		add("external_order_id", "parameter_missing", "external_order_id is required: your order id, echoed in webhooks.")
	} else if len(in.ExternalOrderID) > 255 {
		add("external_order_id", "parameter_invalid", "external_order_id is longer than 255 characters.")
	}
	if len(in.ExternalInvoiceID) > 255 {
		add("external_invoice_id", "parameter_invalid", "external_invoice_id is longer than 255 characters.")
	}
	if len(in.WebsiteKey) > 255 {
		add("website_key", "parameter_invalid", "website_key is longer than 255 characters.")
	}
	if in.Currency == "" {
		in.Currency = "USD"
	}
	if in.Amount <= 0 || in.Amount > money.MaxAmount {
		add("amount", "invalid_amount", fmt.Sprintf("amount must be a positive integer in the currency's minor unit, at most %d.", money.MaxAmount))
	}
	if _, err := money.ParseCurrency(in.Currency); err != nil {
		add("currency", "invalid_currency", "currency must be an ISO 4217 code in upper case, e.g. USD.")
	}
	if utf8.RuneCountInString(in.Description) > 1000 {
		add("description", "parameter_invalid", "description is longer than 1000 characters.")
	}
	webhookOrigin := ""
	if in.WebhookURL != "" {
		if p := g.endpointURLProblem("webhook_url", in.WebhookURL, a.Livemode()); p != nil {
			add(p.Param, p.Code, p.Message)
		} else {
			webhookOrigin = in.WebhookURL
		}
	}
	for field, raw := range map[string]string{"success_url": in.SuccessURL, "cancel_url": in.CancelURL} {
		if err := checkout.ValidateReturnURL(field, raw, a.Merchant.CheckoutAllowedOrigins, webhookOrigin); err != nil {
			code := "url_invalid"
			if errors.Is(err, checkout.ErrRequired) {
				code = "parameter_missing"
			} else if errors.Is(err, checkout.ErrOriginNotAllow) {
				code = "origin_not_allowed"
			}
			add(field, code, err.Error())
		}
	}
	if in.Customer.Email != "" && !customer.ValidEmail(in.Customer.Email) {
		add("customer_email", "parameter_invalid", "customer_email must be an email address.")
	}
	if in.Customer.Phone != "" && !customer.ValidPhone(in.Customer.Phone) {
		add("customer_phone", "parameter_invalid", "customer_phone must be E.164, e.g. +15555550100.")
	}
	if utf8.RuneCountInString(in.Customer.Name) > 200 {
		add("customer_name", "parameter_invalid", "customer_name is longer than 200 characters.")
	}
	if len(in.Metadata) > 0 && !bytes.Equal(bytes.TrimSpace(in.Metadata), []byte("null")) {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(in.Metadata, &obj); err != nil {
			add("metadata", "parameter_invalid", "metadata must be a JSON object.")
		} else if len(in.Metadata) > maxMetadataBytes {
			add("metadata", "parameter_invalid", "metadata is larger than 8 KB.")
		}
	} else {
		in.Metadata = json.RawMessage("{}")
	}
	if len(problems) > 0 {
		sortProblems(problems)
		e := &Error{Kind: KindInvalid, Code: problems[0].Code, Param: problems[0].Param, Message: problems[0].Message}
		if len(problems) > 1 {
			e.Problems = problems
		}
		return e
	}
	return nil
}

// CreateSession creates a checkout session (kind session) or payment link (kind link). The idempotency key is
// required (the seeds' rule): the same merchant, order id and key return the existing session instead of a new one;
// a new key for the same order starts a fresh attempt. A webhook_url is matched to an endpoint of the merchant with
// that URL or registered as a new one, whose secret comes back once.
func (g *Gateway) CreateSession(ctx context.Context, a Auth, kind checkout.Kind, in SessionInput, idem Idempotency) (CreatedSession, error) {
	in.maskCardNumbers()
	if idem.Key == "" {
		return CreatedSession{}, InvalidParam("idempotency_key", "missing_idempotency_key",
			"An idempotency key is required: send the Idempotency-Key header (or idempotency_key in the body).")
	}
	if err := g.validateSession(a, &in); err != nil {
		return CreatedSession{}, err
	}
	ttl, err := checkout.TTL(kind, in.ExpiresInSeconds)
	if err != nil {
		return CreatedSession{}, InvalidParam("expires_in_seconds", "parameter_invalid", err.Error())
	}
	now := g.Now()
	s := checkout.Session{
		ID: id.New(kind.Prefix(), now), Kind: kind, MerchantID: a.Merchant.ID, Livemode: a.Livemode(),
		ExternalOrderID: in.ExternalOrderID, ExternalInvoiceID: in.ExternalInvoiceID, WebsiteKey: in.WebsiteKey,
		Amount: in.Amount, Currency: in.Currency, Description: in.Description, SuccessURL: in.SuccessURL,
		CancelURL: in.CancelURL, Customer: in.Customer, Metadata: in.Metadata, Status: checkout.StatusCreated,
		IdempotencyKey: idem.Key, IdempotencyHash: idem.Hash, ExpiresAt: now.Add(ttl), CreatedAt: now, UpdatedAt: now,
	}
	if kind == checkout.KindSession {
		prof, hosted, err := g.hostedProfileFor(ctx, g.store, a.Merchant.ID, a.Livemode(), in.Amount, in.Currency)
		if err != nil {
			return CreatedSession{}, err
		}
		if hosted {
			s.ProfileID = prof.ID // the page is opened once the session is stored (openHostedPage)
		} else if !a.Livemode() && a.Merchant.SandboxProviderPage {
			s.ProviderCheckoutURL = g.baseURL + SandboxProviderPagePath + s.ID
		}
	}
	var out CreatedSession
	err = g.store.InTx(ctx, func(tx store.Tx) error {
		if in.WebhookURL != "" {
			epID, secret, err := g.endpointForURL(ctx, tx, a, in.WebhookURL)
			if err != nil {
				return err
			}
			s.WebhookEndpointID, out.WebhookSecret = epID, secret
		}
		inserted, err := tx.InsertCheckoutSession(ctx, s)
		if err != nil {
			return err
		}
		if !inserted { // the key was used already: replayed below, and this transaction rolls back its endpoint
			return errSessionExists
		}
		out.Session = s
		typ := webhook.EventCheckoutSessionCreated
		if kind == checkout.KindLink {
			typ = webhook.EventPaymentLinkCreated
		}
		_, err = g.RecordEvent(ctx, tx, EventInput{MerchantID: a.Merchant.ID, Livemode: a.Livemode(), Type: typ, ObjectID: s.ID, Data: g.SessionView(s), SessionEndpointID: s.WebhookEndpointID})
		return err
	})
	if errors.Is(err, errSessionExists) {
		// Inserting first saves the common case a read: a used key is rare. The insert waited for a concurrent
		// request with the same key to commit, so its session is there now, unless that request rolled back.
		existing, gerr := g.store.GetCheckoutSessionByIdempotencyKey(ctx, a.Merchant.ID, a.Livemode(), kind, in.ExternalOrderID, idem.Key)
		switch {
		case errors.Is(gerr, store.ErrNotFound):
			return CreatedSession{}, errInProgress
		case gerr != nil:
			return CreatedSession{}, gerr
		case existing.IdempotencyHash != idem.Hash:
			return CreatedSession{}, errKeyReused
		}
		out, err = CreatedSession{Session: existing, Replayed: true}, nil
	}
	if err == nil && hostedPageNeeded(out.Session) {
		// Committed first, so that the processor's page always belongs to a stored session. A failure here
		// leaves provider_checkout_url unset; the page load (or a replay of this request) opens it.
		opened, err := g.openHostedPage(ctx, out.Session)
		if err != nil {
			g.log.WarnContext(ctx, "the processor's page of a new session did not open", "session_id", out.ID, "err", err)
		} else {
			out.Session = opened
		}
	}
	return out, err
}

// errSessionExists rolls back a session create whose idempotency key was used already (CreateSession replays it).
var errSessionExists = errors.New("gateway: a session with this idempotency key exists")

// SandboxProviderPagePath is where the sandbox provider's own hosted page lives (test mode), followed by the id.
const SandboxProviderPagePath = "/sandbox/provider/"

// endpointForURL finds the merchant's endpoint with exactly this URL, or registers a session-scoped one (it receives
// the events of the sessions that name it). The merchant row lock makes concurrent sessions with one new URL share
// one endpoint.
func (g *Gateway) endpointForURL(ctx context.Context, tx store.Tx, a Auth, url string) (string, string, error) {
	if _, err := tx.LockMerchant(ctx, a.Merchant.ID); err != nil {
		return "", "", err
	}
	eps, err := tx.ListWebhookEndpoints(ctx, a.Merchant.ID, a.Livemode())
	if err != nil {
		return "", "", err
	}
	for _, ep := range eps {
		if ep.URL == url {
			return ep.ID, "", nil
		}
	}
	if g.webhooks.Secrets == nil {
		return "", "", errNoSecrets
	}
	if len(eps) >= maxEndpointsPerMode {
		return "", "", Errorf(KindInvalid, "too_many_endpoints", "webhook_url would be a new endpoint, and the merchant already has %d.", maxEndpointsPerMode)
	}
	now := g.Now()
	secret := webhook.NewSecret()
	ep := webhook.Endpoint{
		ID: id.New("we_", now), MerchantID: a.Merchant.ID, Livemode: a.Livemode(), URL: url,
		Description: "registered by a checkout session's webhook_url", EnabledEvents: []string{webhook.AllEvents},
		Scope:      webhook.ScopeSession,
		APIVersion: APIVersion, Status: webhook.EndpointStatusEnabled, SecretHint: webhook.SecretHint(secret),
		CreatedAt: now, UpdatedAt: now,
	}
	ep.SecretSealed = g.webhooks.Secrets.Seal([]byte(secret), ep.ID)
	return ep.ID, secret, tx.InsertWebhookEndpoint(ctx, ep)
}

// GetSession returns one of the caller's sessions or links of the kind.
func (g *Gateway) GetSession(ctx context.Context, a Auth, kind checkout.Kind, sessionID string) (checkout.Session, error) {
	what := sessionNoun(kind)
	if !id.HasPrefix(sessionID, kind.Prefix()) {
		return checkout.Session{}, NotFound(what, sessionID)
	}
	s, err := g.store.GetCheckoutSession(ctx, a.Merchant.ID, a.Livemode(), sessionID)
	return s, notFoundAs(err, what, sessionID)
}

func sessionNoun(kind checkout.Kind) string {
	if kind == checkout.KindLink {
		return "payment link"
	}
	return "checkout session"
}

// ListSessions returns a page of sessions or links, newest first.
func (g *Gateway) ListSessions(ctx context.Context, a Auth, f store.SessionFilter) ([]checkout.Session, bool, error) {
	f.MerchantID, f.Livemode = a.Merchant.ID, a.Livemode()
	return listPage(&f.Limit, f.EndingBefore != "", func() ([]checkout.Session, error) { return g.store.ListCheckoutSessions(ctx, f) })
}

// CancelSession cancels an open session or link (the merchant's API, or the customer's Cancel link on the hosted
// page) and records payment.canceled. A final one answers 409 session_not_open.
func (g *Gateway) CancelSession(ctx context.Context, a Auth, kind checkout.Kind, sessionID string) (checkout.Session, error) {
	if !id.HasPrefix(sessionID, kind.Prefix()) {
		return checkout.Session{}, NotFound(sessionNoun(kind), sessionID)
	}
	if cur, err := g.store.GetCheckoutSession(ctx, a.Merchant.ID, a.Livemode(), sessionID); err == nil && cur.ProfileID != "" && cur.Status.Open() {
		// Nobody may pay on the processor's page once the session is canceled; a customer who just did has paid it.
		if _, paid, err := g.closeHostedPage(ctx, cur); err != nil {
			return checkout.Session{}, err
		} else if paid {
			return checkout.Session{}, Errorf(KindConflict, "session_not_open", "The %s was paid on the processor's page and can no longer be canceled.", sessionNoun(kind))
		}
	}
	var s checkout.Session
	err := g.store.InTx(ctx, func(tx store.Tx) error {
		var err error
		s, err = tx.LockCheckoutSession(ctx, sessionID)
		if err != nil || s.MerchantID != a.Merchant.ID || s.Livemode != a.Livemode() {
			if err == nil || errors.Is(err, store.ErrNotFound) {
				return NotFound(sessionNoun(kind), sessionID)
			}
			return err
		}
		now := g.Now()
		if s.Status == checkout.StatusPending {
			return Errorf(KindConflict, "payment_in_progress", "A payment for this %s is being processed; it cannot be canceled now.", sessionNoun(kind))
		}
		if s.Status.Open() && s.Expired(now) {
			return g.expire(ctx, tx, &s)
		}
		if !checkout.CanTransition(s.Status, checkout.StatusCanceled) {
			return Errorf(KindConflict, "session_not_open", "The %s is %s and can no longer be canceled.", sessionNoun(kind), s.Status)
		}
		s.Status, s.UpdatedAt = checkout.StatusCanceled, now
		if err := tx.UpdateCheckoutSession(ctx, s); err != nil {
			return err
		}
		_, err = g.RecordEvent(ctx, tx, EventInput{MerchantID: s.MerchantID, Livemode: s.Livemode, Type: webhook.EventPaymentCanceled, ObjectID: s.ID, Data: g.SessionView(s), SessionEndpointID: s.WebhookEndpointID})
		return err
	})
	if err != nil {
		return checkout.Session{}, err
	}
	if s.Status == checkout.StatusExpired {
		return s, Errorf(KindConflict, "session_not_open", "The %s expired at %s.", sessionNoun(kind), s.ExpiresAt.Format(time.RFC3339))
	}
	return s, nil
}

// expire moves an open session past its time to expired and records checkout.session.expired, inside tx.
func (g *Gateway) expire(ctx context.Context, tx store.Tx, s *checkout.Session) error {
	s.Status, s.UpdatedAt = checkout.StatusExpired, g.Now()
	if err := tx.UpdateCheckoutSession(ctx, *s); err != nil {
		return err
	}
	_, err := g.RecordEvent(ctx, tx, EventInput{MerchantID: s.MerchantID, Livemode: s.Livemode, Type: webhook.EventCheckoutSessionExpired, ObjectID: s.ID, Data: g.SessionView(*s), SessionEndpointID: s.WebhookEndpointID})
	return err
}

// ExpireSessions moves every open session and link past its expires_at to expired (the periodic expiry job) and
// returns how many it moved.
func (g *Gateway) ExpireSessions(ctx context.Context) (int, error) {
	due, err := g.store.ListExpiredCheckoutSessions(ctx, g.Now(), 500)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range due {
		if d.ProfileID != "" && d.Status.Open() && d.Status != checkout.StatusPending {
			// Close the processor's page first: nobody may pay on it once the session expired.
			if _, paid, err := g.closeHostedPage(ctx, d); err != nil {
				g.log.WarnContext(ctx, "an expired session's processor page did not close; the next sweep tries again", "session_id", d.ID, "err", err)
				continue
			} else if paid {
				continue
			}
		}
		err := g.store.InTx(ctx, func(tx store.Tx) error {
			s, err := tx.LockCheckoutSession(ctx, d.ID)
			if err != nil {
				return err
			}
			if !s.Status.Open() || s.Status == checkout.StatusPending || !s.Expired(g.Now()) {
				return nil // paid or canceled meanwhile, or an attempt in flight decides first
			}
			n++
			return g.expire(ctx, tx, &s)
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// SessionObject is a checkout session or payment link as the API (and its events) show it.
type SessionObject struct {
	Object              string          `json:"object" enum:"checkout.session,payment_link"`
	ID                  string          `json:"id"`
	Livemode            bool            `json:"livemode"`
	Status              string          `json:"status" enum:"created,pending,paid,failed,canceled,expired,partially_refunded,refunded"`
	URL                 string          `json:"checkout_url" doc:"Send the customer here: the hosted page (/checkout/{id} for sessions, /pay/{id} for links)."`
	LinkURL             string          `json:"url,omitempty" doc:"Payment links: the link to share, /pay/{id} (the same as checkout_url)."`
	ProviderCheckoutURL *string         `json:"provider_checkout_url" doc:"Set when the routed provider has its own hosted page; the hosted page redirects there by itself. Null while the processor has not answered the request to open it: the next load of checkout_url asks again."`
	ExternalOrderID     string          `json:"external_order_id"`
	ExternalInvoiceID   *string         `json:"external_invoice_id"`
	WebsiteKey          *string         `json:"website_key"`
	Amount              int64           `json:"amount" doc:"Minor units of currency."`
	Currency            string          `json:"currency"`
	Description         string          `json:"description"`
	SuccessURL          string          `json:"success_url"`
	CancelURL           string          `json:"cancel_url"`
	WebhookEndpointID   *string         `json:"webhook_endpoint_id"`
	CustomerEmail       string          `json:"customer_email"`
	CustomerName        string          `json:"customer_name"`
	CustomerPhone       string          `json:"customer_phone"`
	Metadata            json.RawMessage `json:"metadata" doc:"Your object as sent, without keys starting with _."`
	FailedAttempts      int             `json:"failed_attempts"`
	Provider            *string         `json:"provider" doc:"The provider of the latest payment attempt."`
	ProviderTxnID       *string         `json:"provider_transaction_id"`
	FailureCode         *string         `json:"failure_code" doc:"Why the latest attempt failed, e.g. insufficient_funds."`
	FailureMessage      *string         `json:"failure_message"`
	PaymentID           *string         `json:"payment_id"`
	ExpiresAt           time.Time       `json:"expires_at"`
	CreatedAt           time.Time       `json:"created_at"`
	UpdatedAt           time.Time       `json:"updated_at"`
}

// SessionURL is the hosted page of a session or link.
func (g *Gateway) SessionURL(s checkout.Session) string {
	if s.Kind == checkout.KindLink {
		return g.baseURL + "/pay/" + s.ID
	}
	return g.baseURL + "/checkout/" + s.ID
}

// SessionView renders a session or link.
func (g *Gateway) SessionView(s checkout.Session) SessionObject {
	object := "checkout.session"
	if s.Kind == checkout.KindLink {
		object = "payment_link"
	}
	linkURL := ""
	if s.Kind == checkout.KindLink {
		linkURL = g.SessionURL(s)
	}
	return SessionObject{
		Object: object, ID: s.ID, Livemode: s.Livemode, Status: string(s.Status), URL: g.SessionURL(s), LinkURL: linkURL,
		ProviderCheckoutURL: optional(s.ProviderCheckoutURL),
		ExternalOrderID:     s.ExternalOrderID, ExternalInvoiceID: optional(s.ExternalInvoiceID), WebsiteKey: optional(s.WebsiteKey),
		Amount: s.Amount, Currency: s.Currency, Description: s.Description, SuccessURL: s.SuccessURL, CancelURL: s.CancelURL,
		WebhookEndpointID: optional(s.WebhookEndpointID), CustomerEmail: s.Customer.Email, CustomerName: s.Customer.Name,
		CustomerPhone: s.Customer.Phone, Metadata: PublicMetadata(s.Metadata), FailedAttempts: s.FailedAttempts,
		Provider: optional(s.Provider), ProviderTxnID: optional(s.ProviderTransactionID), FailureCode: optional(s.FailureCode),
		FailureMessage: optional(s.FailureMessage),
		PaymentID:      optional(s.PaymentID), ExpiresAt: s.ExpiresAt, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt,
	}
}
