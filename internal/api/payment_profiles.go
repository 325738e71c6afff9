package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/provider"
)

// ProfileCredentials are a connector's credentials: write-only, sealed at rest, never returned.
type ProfileCredentials struct {
	SecretKey     string `json:"secret_key,omitempty" maxLength:"255" doc:"Stripe: the secret (sk_…) or restricted (rk_…) key of the profile's mode."`
	WebhookSecret string `json:"webhook_secret,omitempty" maxLength:"255" doc:"Stripe: the signing secret (whsec_…) of the webhook endpoint that points at /providers/{id}/webhooks."`
}

func (c *ProfileCredentials) input() *merchant.Credentials {
	if c == nil {
		return nil
	}
	return &merchant.Credentials{SecretKey: c.SecretKey, WebhookSecret: c.WebhookSecret}
}

// CreateProfileInput is the body of POST /api/v1/payment-profiles.
type CreateProfileInput struct {
	Body struct {
		Connector      string              `json:"connector" enum:"sandbox,stripe" doc:"sandbox (test mode only) or stripe."`
		Name           string              `json:"name" maxLength:"100"`
		Methods        []string            `json:"methods" maxItems:"3" doc:"card (and upi for the sandbox)."`
		Currencies     []string            `json:"currencies,omitempty" maxItems:"200" doc:"ISO 4217 codes the profile serves; omit for every currency."`
		Credentials    *ProfileCredentials `json:"credentials,omitempty"`
		APIBaseURL     *string             `json:"api_base_url,omitempty" maxLength:"2048" doc:"The processor's API address (default: its own); how staging and tests point a profile at a mock such as stripe-mock. https, or http to localhost."`
		Status         string              `json:"status,omitempty" enum:"enabled,disabled"`
		HostedPage     bool                `json:"hosted_page,omitempty" doc:"stripe: pay checkout sessions on Stripe Checkout, the processor's own page (the session's provider_checkout_url), instead of Kassa's card form. Card payments sent to Kassa are never routed to such a profile."`
		IdempotencyKey string              `json:"idempotency_key,omitempty" maxLength:"255" doc:"Same as the Idempotency-Key header."`
	}
}

// UpdateProfileInput is the body of PATCH /api/v1/payment-profiles/{id}.
type UpdateProfileInput struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		Name        string              `json:"name,omitempty" maxLength:"100"`
		Status      string              `json:"status,omitempty" enum:"enabled,disabled"`
		Methods     []string            `json:"methods,omitempty" maxItems:"3"`
		Currencies  []string            `json:"currencies,omitempty" maxItems:"200"`
		Credentials *ProfileCredentials `json:"credentials,omitempty" doc:"Replaces the credentials as a whole."`
		APIBaseURL  *string             `json:"api_base_url,omitempty" maxLength:"2048"`
		HostedPage  *bool               `json:"hosted_page,omitempty"`
	}
}

// ProfileIDInput names a profile.
type ProfileIDInput struct {
	ID string `path:"id" maxLength:"64"`
}

// ProfileOutput wraps one profile.
type ProfileOutput struct {
	Body gateway.PaymentProfileObject
}

// DeletedProfile is the answer to a delete: the profile, and whether it was deleted or (having taken payments)
// disabled.
type DeletedProfile struct {
	gateway.PaymentProfileObject
	Deleted bool `json:"deleted" doc:"false: the profile took payments, so it was disabled instead."`
}

// DeletedProfileOutput wraps a deleted profile.
type DeletedProfileOutput struct {
	Body DeletedProfile
}

// ProfileListOutput lists profiles.
type ProfileListOutput struct {
	Body List[gateway.PaymentProfileObject]
}

// RoutingRules is the routing rule set of a mode.
type RoutingRules struct {
	Object    string          `json:"object" enum:"routing_rules"`
	Livemode  bool            `json:"livemode"`
	Rules     []provider.Rule `json:"rules"`
	UpdatedAt *time.Time      `json:"updated_at"`
}

// RoutingRulesOutput wraps the rules.
type RoutingRulesOutput struct {
	Body RoutingRules
}

// PutRoutingRulesInput is the body of PUT /api/v1/routing-rules.
type PutRoutingRulesInput struct {
	Body struct {
		Rules []provider.Rule `json:"rules" maxItems:"50" doc:"Ordered: the first rule a payment matches picks its profiles. An empty list sends every payment to the default profile."`
	}
}

var createProfileOp = huma.Operation{OperationID: "create-payment-profile", Method: http.MethodPost, Path: "/api/v1/payment-profiles",
	Tags: []string{"Payment profiles"}, Summary: "Add a payment profile", DefaultStatus: http.StatusCreated,
	Description: "A processor account in the key's mode. The credentials are sealed with the master key and never shown again " +
		"(credentials_hint: the secret key's last 4 characters). Errors: parameter_invalid naming the field (400)."}

var listProfilesOp = huma.Operation{OperationID: "list-payment-profiles", Method: http.MethodGet, Path: "/api/v1/payment-profiles",
	Tags: []string{"Payment profiles"}, Summary: "List payment profiles",
	Description: "Oldest first. Test mode always has the built-in sandbox profile (prof_sandbox)."}

var getProfileOp = huma.Operation{OperationID: "get-payment-profile", Method: http.MethodGet, Path: "/api/v1/payment-profiles/{id}",
	Tags: []string{"Payment profiles"}, Summary: "Retrieve a payment profile"}

var updateProfileOp = huma.Operation{OperationID: "update-payment-profile", Method: http.MethodPatch, Path: "/api/v1/payment-profiles/{id}",
	Tags: []string{"Payment profiles"}, Summary: "Update a payment profile",
	Description: "Omitted fields keep their value; the connector never changes. Errors: parameter_invalid, sandbox_profile_fixed (400); resource_missing (404)."}

var deleteProfileOp = huma.Operation{OperationID: "delete-payment-profile", Method: http.MethodDelete, Path: "/api/v1/payment-profiles/{id}",
	Tags: []string{"Payment profiles"}, Summary: "Delete a payment profile",
	Description: "A profile that took payments is disabled instead (deleted: false). Errors: sandbox_profile_fixed (400); " +
		"resource_missing (404); profile_in_use when a routing rule names it (409)."}

var getRoutingRulesOp = huma.Operation{OperationID: "get-routing-rules", Method: http.MethodGet, Path: "/api/v1/routing-rules",
	Tags: []string{"Payment profiles"}, Summary: "Retrieve the routing rules"}

var putRoutingRulesOp = huma.Operation{OperationID: "put-routing-rules", Method: http.MethodPut, Path: "/api/v1/routing-rules",
	Tags: []string{"Payment profiles"}, Summary: "Replace the routing rules",
	Description: "Each rule matches methods, currencies, an amount range (inclusive), card brands and BIN prefixes; empty fields " +
		"match anything. A payment is tried on its rule's first profile, and on the next only after a definitive failure that " +
		"moved no money. Errors: invalid_routing_rule naming rules[i].field: an unknown profile, bounds that match nothing, or a " +
		"rule an earlier one shadows (400)."}

func (s *Server) createProfile(ctx context.Context, in *CreateProfileInput) (*ProfileOutput, error) {
	b := in.Body
	p, err := s.gw.CreatePaymentProfile(ctx, merchantOf(ctx), gateway.ProfileInput{
		Connector: b.Connector, Name: b.Name, Status: b.Status, Methods: b.Methods, Currencies: b.Currencies,
		APIBaseURL: b.APIBaseURL, HostedPage: &b.HostedPage, Credentials: b.Credentials.input(),
	})
	if err != nil {
		return nil, err
	}
	return &ProfileOutput{Body: s.gw.PaymentProfileView(p)}, nil
}

func (s *Server) listProfiles(ctx context.Context, _ *struct{}) (*ProfileListOutput, error) {
	ps, err := s.gw.ListPaymentProfiles(ctx, merchantOf(ctx))
	if err != nil {
		return nil, err
	}
	views := make([]gateway.PaymentProfileObject, 0, len(ps))
	for _, p := range ps {
		views = append(views, s.gw.PaymentProfileView(p))
	}
	return &ProfileListOutput{Body: newList("/api/v1/payment-profiles", views, false)}, nil
}

func (s *Server) getProfile(ctx context.Context, in *ProfileIDInput) (*ProfileOutput, error) {
	p, err := s.gw.GetPaymentProfile(ctx, merchantOf(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &ProfileOutput{Body: s.gw.PaymentProfileView(p)}, nil
}

func (s *Server) updateProfile(ctx context.Context, in *UpdateProfileInput) (*ProfileOutput, error) {
	b := in.Body
	p, err := s.gw.UpdatePaymentProfile(ctx, merchantOf(ctx), in.ID, gateway.ProfileInput{
		Name: b.Name, Status: b.Status, Methods: b.Methods, Currencies: b.Currencies, APIBaseURL: b.APIBaseURL,
		HostedPage: b.HostedPage, Credentials: b.Credentials.input(),
	})
	if err != nil {
		return nil, err
	}
	return &ProfileOutput{Body: s.gw.PaymentProfileView(p)}, nil
}

func (s *Server) deleteProfile(ctx context.Context, in *ProfileIDInput) (*DeletedProfileOutput, error) {
	p, deleted, err := s.gw.DeletePaymentProfile(ctx, merchantOf(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &DeletedProfileOutput{Body: DeletedProfile{PaymentProfileObject: s.gw.PaymentProfileView(p), Deleted: deleted}}, nil
}

func routingRulesView(livemode bool, rules []provider.Rule, updated time.Time) RoutingRules {
	out := RoutingRules{Object: "routing_rules", Livemode: livemode, Rules: rules}
	if out.Rules == nil {
		out.Rules = []provider.Rule{}
	}
	if !updated.IsZero() {
		out.UpdatedAt = &updated
	}
	return out
}

func (s *Server) getRoutingRules(ctx context.Context, _ *struct{}) (*RoutingRulesOutput, error) {
	a := merchantOf(ctx)
	r, err := s.gw.GetRoutingRules(ctx, a)
	if err != nil {
		return nil, err
	}
	return &RoutingRulesOutput{Body: routingRulesView(a.Livemode(), r.Rules, r.UpdatedAt)}, nil
}

func (s *Server) putRoutingRules(ctx context.Context, in *PutRoutingRulesInput) (*RoutingRulesOutput, error) {
	a := merchantOf(ctx)
	r, err := s.gw.PutRoutingRules(ctx, a, in.Body.Rules)
	if err != nil {
		return nil, err
	}
	return &RoutingRulesOutput{Body: routingRulesView(a.Livemode(), r.Rules, r.UpdatedAt)}, nil
}

// registerPaymentProfiles registers the routes of payment profiles and routing rules.
func (s *Server) registerPaymentProfiles() {
	register(s, authSecret, createProfileOp, s.createProfile)
	register(s, authSecret, listProfilesOp, s.listProfiles)
	register(s, authSecret, getProfileOp, s.getProfile)
	register(s, authSecret, updateProfileOp, s.updateProfile)
	register(s, authSecret, deleteProfileOp, s.deleteProfile)
	register(s, authSecret, getRoutingRulesOp, s.getRoutingRules)
	register(s, authSecret, putRoutingRulesOp, s.putRoutingRules)
}
