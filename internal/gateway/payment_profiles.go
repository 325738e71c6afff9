package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/provider"
	"github.com/kassapay/kassa/internal/store"
)

// SandboxProfileID is the built-in sandbox profile every merchant has in test mode. It is not stored, cannot be
// changed or deleted, and routing rules may name it.
const SandboxProfileID = "prof_sandbox"

// sandboxProfile is the built-in test-mode profile of a merchant, there since the merchant was created.
func sandboxProfile(m merchant.Merchant) merchant.PaymentProfile {
	return merchant.PaymentProfile{ID: SandboxProfileID, MerchantID: m.ID, Connector: merchant.ConnectorSandbox,
		Name: "Sandbox", Status: merchant.ProfileEnabled, Methods: []string{"card", "upi"}, CreatedAt: m.CreatedAt, UpdatedAt: m.CreatedAt}
}

// ProfileInput adds or changes a payment profile. On a change, nil and empty fields keep their value.
type ProfileInput struct {
	Connector  string
	Name       string
	Status     string
	Methods    []string
	Currencies []string
	APIBaseURL *string
	// HostedPage takes checkout sessions on the processor's own page (sessions_hosted.go).
	HostedPage  *bool
	Credentials *merchant.Credentials
}

var errSandboxProfileFixed = &Error{Kind: KindInvalid, Code: "sandbox_profile_fixed", Param: "id",
	Message: "The built-in sandbox profile cannot be changed or deleted; add a profile of your own instead."}

// CreatePaymentProfile adds a processor account to the caller's mode. The credentials are sealed with the master
// key, bound to the profile's id, and never returned: the profile shows the secret key's last 4 characters only.
func (g *Gateway) CreatePaymentProfile(ctx context.Context, a Auth, in ProfileInput) (merchant.PaymentProfile, error) {
	now := g.Now()
	p := merchant.PaymentProfile{ID: id.New("prof_", now), MerchantID: a.Merchant.ID, Livemode: a.Livemode(),
		Connector: merchant.Connector(in.Connector), Name: in.Name, Status: merchant.ProfileStatus(in.Status),
		Methods: slices.Clone(in.Methods), Currencies: slices.Clone(in.Currencies), CreatedAt: now, UpdatedAt: now}
	if in.APIBaseURL != nil {
		p.APIBaseURL = *in.APIBaseURL
	}
	if in.HostedPage != nil {
		p.HostedPage = *in.HostedPage
	}
	creds := merchant.Credentials{}
	if in.Credentials != nil {
		creds = *in.Credentials
	}
	if err := merchant.ValidateProfile(&p, &creds); err != nil {
		return merchant.PaymentProfile{}, fieldError(err)
	}
	if err := g.sealCredentials(&p, creds); err != nil {
		return merchant.PaymentProfile{}, err
	}
	if err := g.store.InsertPaymentProfile(ctx, p); err != nil {
		return merchant.PaymentProfile{}, err
	}
	return p, nil
}

// sealCredentials seals c into p (nothing for a connector without credentials).
func (g *Gateway) sealCredentials(p *merchant.PaymentProfile, c merchant.Credentials) error {
	if c == (merchant.Credentials{}) {
		p.CredentialsSealed, p.CredentialsHint = nil, ""
		return nil
	}
	if g.payments.Credentials == nil {
		return errors.New("gateway: no key to seal processor credentials with (PaymentOptions.Credentials)")
	}
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	p.CredentialsSealed, p.CredentialsHint = g.payments.Credentials.Seal(b, p.ID), c.Hint()
	return nil
}

// profileCredentials opens a profile's sealed credentials.
func (g *Gateway) profileCredentials(p merchant.PaymentProfile) (merchant.Credentials, error) {
	var c merchant.Credentials
	if p.CredentialsSealed == nil {
		return c, nil
	}
	if g.payments.Credentials == nil {
		return c, errors.New("gateway: no key to open processor credentials with (PaymentOptions.Credentials)")
	}
	b, err := g.payments.Credentials.Open(p.CredentialsSealed, p.ID)
	if err != nil {
		return c, fmt.Errorf("gateway: open the credentials of %s: %w", p.ID, err)
	}
	return c, json.Unmarshal(b, &c)
}

// GetPaymentProfile returns one of the caller's profiles (the built-in sandbox in test mode).
func (g *Gateway) GetPaymentProfile(ctx context.Context, a Auth, profileID string) (merchant.PaymentProfile, error) {
	if profileID == SandboxProfileID && !a.Livemode() {
		return sandboxProfile(a.Merchant), nil
	}
	if !id.HasPrefix(profileID, "prof_") {
		return merchant.PaymentProfile{}, NotFound("payment profile", profileID)
	}
	p, err := g.store.GetPaymentProfile(ctx, a.Merchant.ID, a.Livemode(), profileID)
	return p, notFoundAs(err, "payment profile", profileID)
}

// ListPaymentProfiles returns the caller's profiles, oldest first; in test mode the built-in sandbox comes first.
func (g *Gateway) ListPaymentProfiles(ctx context.Context, a Auth) ([]merchant.PaymentProfile, error) {
	return g.profilesOf(ctx, g.store, a.Merchant, a.Livemode())
}

func (g *Gateway) profilesOf(ctx context.Context, q store.Queries, m merchant.Merchant, livemode bool) ([]merchant.PaymentProfile, error) {
	stored, err := q.ListPaymentProfiles(ctx, m.ID, livemode)
	if err != nil || livemode {
		return stored, err
	}
	return append([]merchant.PaymentProfile{sandboxProfile(m)}, stored...), nil
}

// UpdatePaymentProfile changes a profile's name, status, methods, currencies, API address or credentials (replaced as a whole when given). Its connector and mode never change.
func (g *Gateway) UpdatePaymentProfile(ctx context.Context, a Auth, profileID string, in ProfileInput) (merchant.PaymentProfile, error) {
	if profileID == SandboxProfileID {
		return merchant.PaymentProfile{}, errSandboxProfileFixed
	}
	p, err := g.GetPaymentProfile(ctx, a, profileID)
	if err != nil {
		return p, err
	}
	if in.Connector != "" && in.Connector != string(p.Connector) {
		return merchant.PaymentProfile{}, InvalidParam("connector", "parameter_invalid", "A profile's connector cannot change; add a new profile instead.")
	}
	if in.Name != "" {
		p.Name = in.Name
	}
	if in.Status != "" {
		p.Status = merchant.ProfileStatus(in.Status)
	}
	if in.Methods != nil {
		p.Methods = slices.Clone(in.Methods)
	}
	if in.Currencies != nil {
		p.Currencies = slices.Clone(in.Currencies)
	}
	if in.APIBaseURL != nil {
		p.APIBaseURL = *in.APIBaseURL
	}
	if in.HostedPage != nil {
		p.HostedPage = *in.HostedPage
	}
	if err := merchant.ValidateProfile(&p, in.Credentials); err != nil {
		return merchant.PaymentProfile{}, fieldError(err)
	}
	if in.Credentials != nil {
		if err := g.sealCredentials(&p, *in.Credentials); err != nil {
			return merchant.PaymentProfile{}, err
		}
	}
	p.UpdatedAt = g.Now()
	if err := g.store.UpdatePaymentProfile(ctx, p); err != nil {
		return merchant.PaymentProfile{}, err
	}
	return p, nil
}

// DeletePaymentProfile deletes a profile that never took a payment; one that did is disabled instead (its
// payments keep naming it), and deleted reports which happened. A profile a routing rule names is refused.
func (g *Gateway) DeletePaymentProfile(ctx context.Context, a Auth, profileID string) (p merchant.PaymentProfile, deleted bool, err error) {
	if profileID == SandboxProfileID {
		return p, false, errSandboxProfileFixed
	}
	if p, err = g.GetPaymentProfile(ctx, a, profileID); err != nil {
		return p, false, err
	}
	rules, err := g.store.GetRoutingRules(ctx, a.Merchant.ID, a.Livemode())
	if err != nil {
		return p, false, err
	}
	for i, r := range rules.Rules {
		if slices.Contains(r.Profiles, profileID) {
			return p, false, Errorf(KindConflict, "profile_in_use", "Routing rule %d sends payments to this profile; change the routing rules first.", i)
		}
	}
	switch err := g.store.DeletePaymentProfile(ctx, profileID); {
	case err == nil:
		return p, true, nil
	case !errors.Is(err, store.ErrNotUpdated):
		return p, false, err
	}
	p.Status, p.UpdatedAt = merchant.ProfileDisabled, g.Now()
	return p, false, g.store.UpdatePaymentProfile(ctx, p)
}

// GetRoutingRules returns the caller's routing rules (none: every payment goes to the default profile).
func (g *Gateway) GetRoutingRules(ctx context.Context, a Auth) (store.RoutingRules, error) {
	return g.store.GetRoutingRules(ctx, a.Merchant.ID, a.Livemode())
}

// PutRoutingRules replaces the caller's routing rules after checking them (provider.ValidateRules): every profile
// they name must exist in this mode.
func (g *Gateway) PutRoutingRules(ctx context.Context, a Auth, rules []provider.Rule) (store.RoutingRules, error) {
	profiles, err := g.ListPaymentProfiles(ctx, a)
	if err != nil {
		return store.RoutingRules{}, err
	}
	known := func(profileID string) error {
		if slices.ContainsFunc(profiles, func(p merchant.PaymentProfile) bool { return p.ID == profileID }) {
			return nil
		}
		return errors.New("no such payment profile in this mode")
	}
	if err := provider.ValidateRules(rules, known); err != nil {
		var re *provider.RuleError
		if errors.As(err, &re) {
			return store.RoutingRules{}, InvalidParam(re.Param(), "invalid_routing_rule", re.Error())
		}
		return store.RoutingRules{}, err
	}
	out := store.RoutingRules{Rules: rules, UpdatedAt: g.Now()}
	if out.Rules == nil {
		out.Rules = []provider.Rule{}
	}
	return out, g.store.PutRoutingRules(ctx, a.Merchant.ID, a.Livemode(), out)
}

// PaymentProfileObject is a payment profile as the API shows it: never its credentials, only their hint.
type PaymentProfileObject struct {
	Object          string    `json:"object" enum:"payment_profile"`
	ID              string    `json:"id"`
	Livemode        bool      `json:"livemode"`
	Connector       string    `json:"connector" enum:"sandbox,stripe"`
	Name            string    `json:"name"`
	Status          string    `json:"status" enum:"enabled,disabled"`
	Methods         []string  `json:"methods"`
	Currencies      []string  `json:"currencies" doc:"Empty: every currency."`
	APIBaseURL      *string   `json:"api_base_url" doc:"The processor's API address; null: the processor's own."`
	HostedPage      bool      `json:"hosted_page" doc:"Checkout sessions routed here are paid on the processor's own page (provider_checkout_url); card payments sent to Kassa (the direct API, intents, orders, payment links) are never routed here."`
	CredentialsHint *string   `json:"credentials_hint" doc:"The last 4 characters of the secret key; the credentials are never shown again."`
	WebhookURL      *string   `json:"webhook_url" doc:"Where the processor sends its webhooks for this profile (register it at the processor with the events it should send); null for the sandbox."`
	CreatedAt       time.Time `json:"created_at"`
}

// PaymentProfileView renders a profile.
func (g *Gateway) PaymentProfileView(p merchant.PaymentProfile) PaymentProfileObject {
	methods, currencies := p.Methods, p.Currencies
	if methods == nil {
		methods = []string{}
	}
	if currencies == nil {
		currencies = []string{}
	}
	return PaymentProfileObject{Object: "payment_profile", ID: p.ID, Livemode: p.Livemode, Connector: string(p.Connector),
		Name: p.Name, Status: string(p.Status), Methods: methods, Currencies: currencies, APIBaseURL: optional(p.APIBaseURL),
		HostedPage:      p.HostedPage,
		CredentialsHint: optional(p.CredentialsHint), WebhookURL: optional(g.ProviderWebhookURL(p)),
		CreatedAt: p.CreatedAt}
}

// ProviderWebhookURL is where a profile's processor sends its webhooks ("" for the sandbox, which sends none).
func (g *Gateway) ProviderWebhookURL(p merchant.PaymentProfile) string {
	if p.Connector == merchant.ConnectorSandbox {
		return ""
	}
	return g.baseURL + "/providers/" + p.ID + "/webhooks"
}
