package api

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/provider"
	"github.com/kassapay/kassa/internal/store"
)

// CreateIntentInput is the body of POST /api/v1/payment-intents.
type CreateIntentInput struct {
	Body struct {
		Amount         int64           `json:"amount" doc:"Minor units of currency."`
		Currency       string          `json:"currency" minLength:"3" maxLength:"3"`
		SuccessURL     string          `json:"success_url" maxLength:"2048" doc:"https (http only for localhost); {CHECKOUT_SESSION_ID} becomes the intent id, and payment_intent=pi_… is added."`
		CancelURL      string          `json:"cancel_url,omitempty" maxLength:"2048" doc:"Default: success_url."`
		OrderID        string          `json:"order_id,omitempty" maxLength:"255"`
		Description    string          `json:"description,omitempty" maxLength:"1000"`
		CaptureMethod  string          `json:"capture_method,omitempty" enum:"automatic,manual" doc:"manual: capture later through POST /api/v1/payments/{payment_id}/capture."`
		CustomerEmail  string          `json:"customer_email,omitempty" maxLength:"254"`
		Metadata       json.RawMessage `json:"metadata,omitempty"`
		IdempotencyKey string          `json:"idempotency_key,omitempty" maxLength:"255"`
	}
}

// IntentOutput wraps one intent.
type IntentOutput struct {
	Status int
	Body   gateway.IntentObject
}

// IntentListOutput is a page of intents.
type IntentListOutput struct {
	Body List[gateway.IntentObject]
}

// ListIntentsInput filters intents.
type ListIntentsInput struct {
	Limit         int    `query:"limit" minimum:"1" maximum:"100" default:"10"`
	StartingAfter string `query:"starting_after"`
	Status        string `query:"status" enum:"created,processing,authorized,captured,canceled,expired,failed"`
}

// ConfirmIntentInput is the browser's confirm of an intent.
type ConfirmIntentInput struct {
	ID           string `path:"id"`
	ClientSecret string `header:"X-Client-Secret" doc:"The intent's client secret (preferred over the query form)."`
	SecretQuery  string `query:"client_secret" doc:"The client secret, when a header cannot be sent; never logged."`
	Body         struct {
		Card          CardBody `json:"card"`
		CustomerEmail string   `json:"customer_email,omitempty" maxLength:"254"`
		Scenario      string   `json:"scenario,omitempty" enum:"approve,decline,insufficient_funds,expired_card,provider_error,timeout" doc:"Test mode only: force the sandbox's answer."`
	}
}

// ConfirmIntentOutput is the answer to a confirm.
type ConfirmIntentOutput struct {
	Body struct {
		Object      string                     `json:"object" enum:"payment_intent.confirmation"`
		ID          string                     `json:"id"`
		Status      string                     `json:"status" enum:"processing,authorized,captured"`
		PaymentID   string                     `json:"payment_id"`
		RedirectURL *string                    `json:"redirect_url" doc:"success_url with the intent id; null while processing."`
		Intent      gateway.PublicIntentObject `json:"payment_intent"`
	}
}

// PublicIntentOutput wraps the browser's view of an intent.
type PublicIntentOutput struct {
	Body gateway.PublicIntentObject
}

var createIntentOp = huma.Operation{OperationID: "create-payment-intent", Method: http.MethodPost, Path: "/api/v1/payment-intents",
	Tags: []string{"Payment intents"}, Summary: "Create a payment intent", DefaultStatus: http.StatusCreated,
	Description: "An amount the customer's browser confirms within 1 hour with the client_secret (shown only here; at least 128 bits), " +
		"on the hosted page (checkout_url) or your own form (POST /api/public/payment-intents/{id}/confirm). Events: payment_intent.created, " +
		"then payment.authorized or payment.captured and payment_intent.succeeded, payment.failed per declined attempt, payment_intent.canceled."}

var getIntentOp = huma.Operation{OperationID: "get-payment-intent", Method: http.MethodGet, Path: "/api/v1/payment-intents/{id}",
	Tags: []string{"Payment intents"}, Summary: "Retrieve a payment intent"}

var listIntentsOp = huma.Operation{OperationID: "list-payment-intents", Method: http.MethodGet, Path: "/api/v1/payment-intents",
	Tags: []string{"Payment intents"}, Summary: "List payment intents"}

var cancelIntentOp = huma.Operation{OperationID: "cancel-payment-intent", Method: http.MethodPost, Path: "/api/v1/payment-intents/{id}/cancel",
	Tags: []string{"Payment intents"}, Summary: "Cancel a payment intent",
	Description: "Its client secret stops working. Errors: resource_missing (404); intent_already_succeeded, intent_canceled, " +
		"payment_in_progress (409); intent_expired, max_attempts_reached (410)."}

var getPublicIntentOp = huma.Operation{OperationID: "get-public-payment-intent", Method: http.MethodGet, Path: "/api/public/payment-intents/{id}",
	Tags: []string{"Public"}, Summary: "Retrieve a payment intent (browser)",
	Description: "No credentials: what a checkout form shows. Never the client secret, metadata or customer data."}

var confirmIntentOp = huma.Operation{OperationID: "confirm-payment-intent", Method: http.MethodPost, Path: "/api/public/payment-intents/{id}/confirm",
	Tags: []string{"Public"}, Summary: "Confirm a payment intent (browser)",
	Description: "Authenticate with the intent's client secret in X-Client-Secret (or ?client_secret=). Errors: invalid_client_secret " +
		"(401, the same for a wrong, missing or revoked secret); card validation codes (400); card_declined (402, with decline_code, " +
		"response_code and remaining_attempts); intent_already_succeeded, payment_in_progress (409); intent_expired, max_attempts_reached " +
		"(410, after 5 declined attempts); rate_limited (429, 50/s per IP)."}

func (s *Server) createIntent(ctx context.Context, in *CreateIntentInput) (*IntentOutput, error) {
	b := in.Body
	pi, secret, err := s.gw.CreateIntent(ctx, merchantOf(ctx), gateway.IntentInput{
		Amount: b.Amount, Currency: b.Currency, SuccessURL: b.SuccessURL, CancelURL: b.CancelURL, OrderID: b.OrderID,
		Description: b.Description, CaptureMethod: b.CaptureMethod, CustomerEmail: b.CustomerEmail, Metadata: b.Metadata,
	})
	if err != nil {
		return nil, err
	}
	view := gateway.IntentView(pi)
	view.ClientSecret, view.CheckoutURL = secret, s.gw.IntentCheckoutURL(pi, secret)
	return &IntentOutput{Status: http.StatusCreated, Body: view}, nil
}

func (s *Server) getIntent(ctx context.Context, in *GetSessionInput) (*IntentOutput, error) {
	pi, err := s.gw.GetIntent(ctx, merchantOf(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &IntentOutput{Status: http.StatusOK, Body: gateway.IntentView(pi)}, nil
}

func (s *Server) listIntents(ctx context.Context, in *ListIntentsInput) (*IntentListOutput, error) {
	rows, more, err := s.gw.ListIntents(ctx, merchantOf(ctx), in.Status, store.Page{Limit: in.Limit, StartingAfter: in.StartingAfter})
	if err != nil {
		return nil, err
	}
	views := make([]gateway.IntentObject, 0, len(rows))
	for _, pi := range rows {
		views = append(views, gateway.IntentView(pi))
	}
	return &IntentListOutput{Body: newList(listIntentsOp.Path, views, more)}, nil
}

func (s *Server) cancelIntent(ctx context.Context, in *GetSessionInput) (*IntentOutput, error) {
	pi, err := s.gw.CancelIntent(ctx, merchantOf(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &IntentOutput{Status: http.StatusOK, Body: gateway.IntentView(pi)}, nil
}

func (s *Server) getPublicIntent(ctx context.Context, in *GetSessionInput) (*PublicIntentOutput, error) {
	pi, err := s.gw.GetPublicIntent(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &PublicIntentOutput{Body: gateway.PublicIntentView(pi)}, nil
}

func (s *Server) confirmIntent(ctx context.Context, in *ConfirmIntentInput) (*ConfirmIntentOutput, error) {
	secret := in.ClientSecret
	if secret == "" {
		secret = in.SecretQuery
	}
	ip := ""
	if info := infoFrom(ctx); info != nil {
		ip = info.ClientIP
	}
	res, err := s.gw.ConfirmIntent(ctx, in.ID, secret, in.Body.Card.input(), in.Body.CustomerEmail, ip, provider.Scenario(in.Body.Scenario))
	if err != nil {
		return nil, err
	}
	out := &ConfirmIntentOutput{}
	out.Body.Object, out.Body.ID, out.Body.Status = "payment_intent.confirmation", res.Intent.ID, string(res.Intent.Status)
	out.Body.PaymentID, out.Body.Intent = res.Payment.ID, gateway.PublicIntentView(res.Intent)
	if res.RedirectURL != "" {
		out.Body.RedirectURL = &res.RedirectURL
	}
	return out, nil
}

// registerIntents registers the routes of payment intents.
func (s *Server) registerIntents() {
	register(s, authSecret, createIntentOp, s.createIntent)
	register(s, authSecret, getIntentOp, s.getIntent)
	register(s, authSecret, listIntentsOp, s.listIntents)
	register(s, authSecret, cancelIntentOp, s.cancelIntent)
	register(s, authClientSecret, getPublicIntentOp, s.getPublicIntent)
	register(s, authClientSecret, confirmIntentOp, s.confirmIntent)
}
