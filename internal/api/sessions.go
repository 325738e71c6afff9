package api

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/kassapay/kassa/internal/checkout"
	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/store"
)

// CreateSessionBody is the body of POST /api/v1/checkout-sessions and /api/v1/payment-links.
type CreateSessionBody struct {
	ExternalOrderID   string          `json:"external_order_id" maxLength:"255" doc:"Your order id; echoed in webhooks. Required."`
	Amount            int64           `json:"amount" doc:"In the currency's minor unit (1500 = 15.00 USD). Required, positive."`
	Currency          string          `json:"currency,omitempty" maxLength:"3" doc:"ISO 4217, upper case. Default USD."`
	SuccessURL        string          `json:"success_url" maxLength:"2048" doc:"Where the customer goes after paying; https (http for localhost); may contain {CHECKOUT_SESSION_ID}; must match checkout_allowed_origins when the merchant set them."`
	CancelURL         string          `json:"cancel_url" maxLength:"2048" doc:"Where the customer goes after Cancel; same rules as success_url."`
	WebhookURL        string          `json:"webhook_url,omitempty" maxLength:"2048" doc:"Matched to your webhook endpoint with this URL, or registered as a new one (its secret is in this response only); the same rules as a webhook endpoint's url."`
	IdempotencyKey    string          `json:"idempotency_key,omitempty" maxLength:"255" doc:"Required here, here or in the Idempotency-Key header."`
	CustomerEmail     string          `json:"customer_email,omitempty" maxLength:"254"`
	CustomerName      string          `json:"customer_name,omitempty" maxLength:"200"`
	CustomerPhone     string          `json:"customer_phone,omitempty" maxLength:"16" doc:"E.164, e.g. +15555550100."`
	Description       string          `json:"description,omitempty" maxLength:"1000" doc:"Shown on the hosted page."`
	ExpiresInSeconds  int64           `json:"expires_in_seconds,omitempty" doc:"Sessions: 60–86400, default 1800. Payment links: 60–31536000, default 30 days."`
	Metadata          json.RawMessage `json:"metadata,omitempty" doc:"Your JSON object (at most 8 KB), echoed in webhooks; keys starting with _ are never shown."`
	ExternalInvoiceID string          `json:"external_invoice_id,omitempty" maxLength:"255"`
	WebsiteKey        string          `json:"website_key,omitempty" maxLength:"255" doc:"Which of your websites, if you run several."`
}

// CreateSessionInput wraps the body.
type CreateSessionInput struct {
	Body CreateSessionBody
}

// CreatedSessionBody is a new session with the secret of a webhook endpoint its webhook_url registered.
type CreatedSessionBody struct {
	gateway.SessionObject
	WebhookSecret string `json:"webhook_secret,omitempty" doc:"Only when webhook_url registered a new endpoint: its signing secret, shown once."`
}

// CreatedSessionOutput is 201 for a new session, 200 when the order and key returned an existing one.
type CreatedSessionOutput struct {
	Status int
	Body   CreatedSessionBody
}

// SessionOutput wraps one session or link.
type SessionOutput struct {
	Body gateway.SessionObject
}

// SessionListOutput is a page of sessions or links.
type SessionListOutput struct {
	Body List[gateway.SessionObject]
}

// GetSessionInput names a session or link.
type GetSessionInput struct {
	ID string `path:"id"`
}

// ListSessionsInput filters a list of sessions or links.
type ListSessionsInput struct {
	ListParams
	Status          string    `query:"status" enum:"created,pending,paid,failed,canceled,expired,partially_refunded,refunded"`
	ExternalOrderID string    `query:"external_order_id" maxLength:"255"`
	CreatedGTE      time.Time `query:"created[gte]" doc:"Created at or after (RFC 3339)."`
	CreatedLT       time.Time `query:"created[lt]" doc:"Created before (RFC 3339)."`
}

func sessionOps(kind checkout.Kind) (create, get, list, cancel huma.Operation) {
	base, noun, tag := "/api/v1/checkout-sessions", "checkout session", "Checkout sessions"
	id, extra := "session", "A session lives 30 minutes by default (60 s – 24 h)."
	if kind == checkout.KindLink {
		base, noun, tag, id = "/api/v1/payment-links", "payment link", "Payment links", "payment-link"
		extra = "A link lives 30 days by default (60 s – 1 year); customers pay at /pay/{id}."
	}
	create = huma.Operation{OperationID: "create-" + id, Method: http.MethodPost, Path: base, Tags: []string{tag},
		Summary: "Create a " + noun, DefaultStatus: http.StatusCreated,
		Description: extra + " An idempotency key is required; the same key and body return the same " + noun + ". " +
			"Errors: missing_idempotency_key, parameter_missing, invalid_amount, invalid_currency, url_invalid, url_not_allowed (webhook_url), origin_not_allowed."}
	get = huma.Operation{OperationID: "get-" + id, Method: http.MethodGet, Path: base + "/{id}", Tags: []string{tag},
		Summary: "Retrieve a " + noun}
	list = huma.Operation{OperationID: "list-" + id + "s", Method: http.MethodGet, Path: base, Tags: []string{tag},
		Summary: "List " + noun + "s", Description: "Newest first; filters status, external_order_id, created range."}
	cancel = huma.Operation{OperationID: "cancel-" + id, Method: http.MethodPost, Path: base + "/{id}/cancel", Tags: []string{tag},
		Summary: "Cancel a " + noun, Description: "Records payment.canceled. Errors: session_not_open (409) once paid, canceled or expired."}
	return create, get, list, cancel
}

// registerSessions adds the routes of one kind.
func (s *Server) registerSessions(kind checkout.Kind) {
	create, get, list, cancel := sessionOps(kind)
	register(s, authSecret, create, func(ctx context.Context, in *CreateSessionInput) (*CreatedSessionOutput, error) {
		a := merchantOf(ctx)
		b := in.Body
		idem := gateway.Idempotency{}
		if info := infoFrom(ctx); info != nil {
			idem = info.Idempotency
		}
		created, err := s.gw.CreateSession(ctx, a, kind, gateway.SessionInput{
			ExternalOrderID: b.ExternalOrderID, ExternalInvoiceID: b.ExternalInvoiceID, WebsiteKey: b.WebsiteKey,
			Amount: b.Amount, Currency: b.Currency, Description: b.Description, SuccessURL: b.SuccessURL,
			CancelURL: b.CancelURL, WebhookURL: b.WebhookURL, ExpiresInSeconds: b.ExpiresInSeconds, Metadata: b.Metadata,
			Customer: checkout.Customer{Email: b.CustomerEmail, Name: b.CustomerName, Phone: b.CustomerPhone},
		}, idem)
		if err != nil {
			return nil, err
		}
		status := http.StatusCreated
		if created.Replayed {
			status = http.StatusOK
		}
		return &CreatedSessionOutput{Status: status, Body: CreatedSessionBody{SessionObject: s.gw.SessionView(created.Session), WebhookSecret: created.WebhookSecret}}, nil
	})
	register(s, authSecret, get, func(ctx context.Context, in *GetSessionInput) (*SessionOutput, error) {
		cs, err := s.gw.GetSession(ctx, merchantOf(ctx), kind, in.ID)
		if err != nil {
			return nil, err
		}
		return &SessionOutput{Body: s.gw.SessionView(cs)}, nil
	})
	register(s, authSecret, list, func(ctx context.Context, in *ListSessionsInput) (*SessionListOutput, error) {
		page, err := in.page()
		if err != nil {
			return nil, err
		}
		rows, more, err := s.gw.ListSessions(ctx, merchantOf(ctx), store.SessionFilter{
			Kind: kind, Status: in.Status, ExternalOrderID: in.ExternalOrderID, CreatedGTE: in.CreatedGTE, CreatedLT: in.CreatedLT, Page: page,
		})
		if err != nil {
			return nil, err
		}
		views := make([]gateway.SessionObject, 0, len(rows))
		for _, r := range rows {
			views = append(views, s.gw.SessionView(r))
		}
		return &SessionListOutput{Body: newList(list.Path, views, more)}, nil
	})
	register(s, authSecret, cancel, func(ctx context.Context, in *GetSessionInput) (*SessionOutput, error) {
		cs, err := s.gw.CancelSession(ctx, merchantOf(ctx), kind, in.ID)
		if err != nil {
			return nil, err
		}
		return &SessionOutput{Body: s.gw.SessionView(cs)}, nil
	})
}

// PublicSession is what a browser may learn about a checkout session: no URLs, webhook endpoint or metadata.
type PublicSession struct {
	Object       string    `json:"object" enum:"checkout.session,payment_link"`
	ID           string    `json:"id"`
	Livemode     bool      `json:"livemode"`
	Status       string    `json:"status"`
	Amount       int64     `json:"amount"`
	Currency     string    `json:"currency"`
	Description  string    `json:"description"`
	MerchantName string    `json:"merchant_name"`
	ExpiresAt    time.Time `json:"expires_at"`
}

// PublicSessionOutput wraps PublicSession.
type PublicSessionOutput struct {
	Body PublicSession
}

var getPublicSessionOp = huma.Operation{
	OperationID: "get-public-checkout-session", Method: http.MethodGet, Path: "/api/public/checkout-sessions/{id}",
	Tags: []string{"Public"}, Summary: "Retrieve a checkout session (browser-safe)",
	Description: "With a publishable key: the status and amount a checkout page shows, nothing more.",
}

func (s *Server) getPublicSession(ctx context.Context, in *GetSessionInput) (*PublicSessionOutput, error) {
	a := merchantOf(ctx)
	kind := checkout.KindSession
	if len(in.ID) > 3 && in.ID[:3] == "pl_" {
		kind = checkout.KindLink
	}
	cs, err := s.gw.GetSession(ctx, a, kind, in.ID)
	if err != nil {
		return nil, err
	}
	v := s.gw.SessionView(cs)
	return &PublicSessionOutput{Body: PublicSession{
		Object: v.Object, ID: cs.ID, Livemode: cs.Livemode, Status: string(cs.Status), Amount: cs.Amount, Currency: cs.Currency,
		Description: cs.Description, MerchantName: a.Merchant.Name, ExpiresAt: cs.ExpiresAt,
	}}, nil
}
