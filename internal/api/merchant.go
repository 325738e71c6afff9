package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/kassapay/kassa/internal/fraud"
	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/merchant"
)

// Merchant is the merchant as the API shows it.
type Merchant struct {
	Object                 string         `json:"object" enum:"merchant"`
	ID                     string         `json:"id"`
	Name                   string         `json:"name"`
	Email                  string         `json:"email"`
	Status                 string         `json:"status" enum:"active,inactive"`
	Livemode               bool           `json:"livemode" doc:"The mode of the key that made this request."`
	CheckoutAllowedOrigins []string       `json:"checkout_allowed_origins" doc:"Origins (scheme://host[:port]) that success/cancel URLs and embedding pages must match. Empty: any https origin."`
	SandboxProviderPage    bool           `json:"sandbox_provider_page" doc:"Test mode: sessions carry a provider_checkout_url on the sandbox provider's own page, and the hosted page redirects there."`
	CreatedAt              time.Time      `json:"created_at"`
	UpdatedAt              time.Time      `json:"updated_at"`
	Fraud                  *FraudSettings `json:"fraud,omitempty" doc:"Fraud scoring thresholds and rule weights."`
}

func merchantView(m merchant.Merchant, livemode bool) Merchant {
	origins := m.CheckoutAllowedOrigins
	if origins == nil {
		origins = []string{}
	}
	return Merchant{
		Object: "merchant", ID: m.ID, Name: m.Name, Email: m.Email, Status: string(m.Status), Livemode: livemode,
		CheckoutAllowedOrigins: origins, SandboxProviderPage: m.SandboxProviderPage, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt,
	}
}

// MerchantOutput wraps a merchant response.
type MerchantOutput struct {
	Body Merchant
}

var getMerchantOp = huma.Operation{
	OperationID: "get-merchant", Method: http.MethodGet, Path: "/api/v1/merchant", Tags: []string{"Merchant"},
	Summary: "Retrieve the merchant", Description: "Returns the merchant that owns the API key.",
}

func (s *Server) getMerchant(ctx context.Context, _ *struct{}) (*MerchantOutput, error) {
	a := merchantOf(ctx)
	v := merchantView(a.Merchant, a.Livemode())
	fs, err := s.gw.FraudSettings(ctx, a)
	if err != nil {
		return nil, err
	}
	v.Fraud = fraudSettingsView(fs)
	return &MerchantOutput{Body: v}, nil
}

// UpdateMerchantInput is the body of PATCH /api/v1/merchant.
type UpdateMerchantInput struct {
	Body struct {
		Name                   *string             `json:"name,omitempty" minLength:"1" maxLength:"200"`
		Email                  *string             `json:"email,omitempty" maxLength:"254"`
		CheckoutAllowedOrigins *[]string           `json:"checkout_allowed_origins,omitempty" maxItems:"50" doc:"Replaces the list. Each entry is normalized to scheme://host[:port]; an entry with a path, query or credentials is rejected and named."`
		SandboxProviderPage    *bool               `json:"sandbox_provider_page,omitempty" doc:"Test mode: rehearse a processor-hosted page (provider_checkout_url)."`
		Fraud                  *FraudSettingsPatch `json:"fraud,omitempty" doc:"Fraud thresholds and rule weights; validated together (param names e.g. fraud.decline_threshold)."`
	}
}

var updateMerchantOp = huma.Operation{
	OperationID: "update-merchant", Method: http.MethodPatch, Path: "/api/v1/merchant", Tags: []string{"Merchant"},
	Summary: "Update the merchant's settings",
	Description: "Changes the name, contact email or allowed checkout origins. Fields left out keep their value. " +
		"Errors: parameter_invalid (param names the field, e.g. checkout_allowed_origins[2]).",
}

func (s *Server) updateMerchant(ctx context.Context, in *UpdateMerchantInput) (*MerchantOutput, error) {
	a := merchantOf(ctx)
	var fp *gateway.FraudSettingsPatch
	if f := in.Body.Fraud; f != nil {
		fp = &gateway.FraudSettingsPatch{ReviewThreshold: f.ReviewThreshold, DeclineThreshold: f.DeclineThreshold, Weights: f.Weights}
		// Checked first, so that a bad setting changes nothing.
		if err := s.gw.CheckFraudSettings(ctx, a, *fp); err != nil {
			return nil, err
		}
	}
	m, err := s.gw.UpdateMerchant(ctx, a.Merchant.ID, gateway.MerchantPatch{
		Name: in.Body.Name, Email: in.Body.Email, CheckoutAllowedOrigins: in.Body.CheckoutAllowedOrigins,
		SandboxProviderPage: in.Body.SandboxProviderPage,
	})
	if err != nil {
		return nil, err
	}
	var fs fraud.Settings
	if fp != nil {
		fs, err = s.gw.UpdateFraudSettings(ctx, a, *fp)
	} else {
		fs, err = s.gw.FraudSettings(ctx, a)
	}
	if err != nil {
		return nil, err
	}
	v := merchantView(m, a.Livemode())
	v.Fraud = fraudSettingsView(fs)
	return &MerchantOutput{Body: v}, nil
}

// PublicMerchant is what a browser may learn about a merchant.
type PublicMerchant struct {
	Object   string `json:"object" enum:"merchant.public"`
	ID       string `json:"id"`
	Name     string `json:"name"`
	Livemode bool   `json:"livemode"`
}

// PublicMerchantOutput wraps PublicMerchant.
type PublicMerchantOutput struct {
	Body PublicMerchant
}

var getPublicMerchantOp = huma.Operation{
	OperationID: "get-public-merchant", Method: http.MethodGet, Path: "/api/public/merchant", Tags: []string{"Public"},
	Summary:     "Retrieve the merchant's public profile",
	Description: "Browser-safe: authenticate with a publishable key. Returns only what a checkout page shows.",
}

func (s *Server) getPublicMerchant(ctx context.Context, _ *struct{}) (*PublicMerchantOutput, error) {
	a := merchantOf(ctx)
	return &PublicMerchantOutput{Body: PublicMerchant{Object: "merchant.public", ID: a.Merchant.ID, Name: a.Merchant.Name, Livemode: a.Livemode()}}, nil
}

// registerMerchant registers the routes of the merchant's own settings.
func (s *Server) registerMerchant() {
	register(s, authSecret, getMerchantOp, s.getMerchant)
	register(s, authSecret, updateMerchantOp, s.updateMerchant)
	register(s, authPublishable, getPublicMerchantOp, s.getPublicMerchant)
}
