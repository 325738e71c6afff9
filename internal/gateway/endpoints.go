package gateway

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"net/netip"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/sealed"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/webhook"
	"github.com/kassapay/kassa/internal/webhook/webhookhttp"
)

// WebhookOptions configure event delivery.
type WebhookOptions struct {
	// Secrets seals endpoint signing secrets at rest (a key derived from KASSA_MASTER_KEY).
	Secrets *sealed.Box
	// Schedule is the retry schedule (default docs/architecture.md §7's).
	Schedule webhook.Schedule
	// AllowedNetworks may be registered and reached despite the SSRF guard (configuration; loopback in local
	// development).
	AllowedNetworks []netip.Prefix
	// RootCAs, when set, are the certificate authorities deliveries trust instead of the system's (tests give a
	// receiver's own; the SSRF guard still applies).
	RootCAs *x509.CertPool
	client  *http.Client
	// AfterSend, when set, runs between sending an attempt and recording it; a returned error aborts the
	// recording as a crash at that instant would. Tests use it to prove a delivery is never lost.
	AfterSend func(deliveryID string) error
}

type webhookConfig struct {
	WebhookOptions
}

func newWebhookConfig(o WebhookOptions) webhookConfig {
	if len(o.Schedule) == 0 {
		o.Schedule = webhook.DefaultSchedule()
	}
	o.client = webhookhttp.NewClient(o.AllowedNetworks, webhook.DefaultTimeout)
	if o.RootCAs != nil {
		o.client.Transport.(*http.Transport).TLSClientConfig = &tls.Config{RootCAs: o.RootCAs, MinVersion: tls.VersionTLS12}
	}
	return webhookConfig{o}
}

// Limits on endpoints.
const (
	maxEndpointsPerMode   = 16
	maxEndpointDescLength = 500
	maxRotationGrace      = 7 * 24 * time.Hour
)

// EndpointInput is what a merchant sets on an endpoint; nil fields of an update stay as they are.
type EndpointInput struct {
	URL           *string
	EnabledEvents *[]string
	Description   *string
	APIVersion    *string
	// Status is only for updates: enabled or disabled.
	Status *webhook.EndpointStatus
}

var errNoSecrets = errors.New("gateway: webhook secrets need a master key (WebhookOptions.Secrets)")

// endpointURLProblem checks a URL about to be registered as a webhook endpoint, by every path that registers one
// (POST and PATCH of an endpoint, the dashboard's forms, a session's or link's webhook_url), and names what is wrong
// under param: url_not_allowed for a host the SSRF policy refuses with this instance's allowed networks,
// url_invalid for the rest. Nil: the URL may be registered.
func (g *Gateway) endpointURLProblem(param, raw string, livemode bool) *Problem {
	err := webhook.ValidateEndpointURL(raw, livemode, g.webhooks.AllowedNetworks)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, webhook.ErrEndpointURLNotAllowed):
		return &Problem{Param: param, Code: "url_not_allowed", Message: err.Error()}
	default:
		return &Problem{Param: param, Code: "url_invalid", Message: err.Error()}
	}
}

func (g *Gateway) validateEndpoint(in EndpointInput, livemode bool) error {
	if in.URL != nil {
		if p := g.endpointURLProblem("url", *in.URL, livemode); p != nil {
			return InvalidParam(p.Param, p.Code, p.Message)
		}
	}
	if in.EnabledEvents != nil {
		if len(*in.EnabledEvents) == 0 {
			return InvalidParam("enabled_events", "parameter_invalid", `enabled_events needs at least one event type, or "*" for all.`)
		}
		if len(*in.EnabledEvents) > 100 {
			return InvalidParam("enabled_events", "parameter_invalid", "enabled_events takes at most 100 entries.")
		}
		for i, e := range *in.EnabledEvents {
			if !webhook.ValidEnabledEvent(e) {
				return InvalidParam("enabled_events["+strconv.Itoa(i)+"]", "unknown_event_type",
					"\""+e+"\" is not an event type; see the event catalogue in the API reference.")
			}
		}
	}
	if in.Description != nil && utf8.RuneCountInString(*in.Description) > maxEndpointDescLength {
		return InvalidParam("description", "parameter_invalid", "The description is longer than 500 characters.")
	}
	if in.APIVersion != nil && *in.APIVersion != APIVersion {
		return InvalidParam("api_version", "unsupported_api_version", "The supported API version is "+APIVersion+".")
	}
	if in.Status != nil && *in.Status != webhook.EndpointStatusEnabled && *in.Status != webhook.EndpointStatusDisabled {
		return InvalidParam("status", "parameter_invalid", "The status must be enabled or disabled.")
	}
	return nil
}

// CreateEndpoint registers a webhook endpoint and returns it with its signing secret, which exists in plaintext
// only in this return value: show it once.
func (g *Gateway) CreateEndpoint(ctx context.Context, a Auth, in EndpointInput) (webhook.Endpoint, string, error) {
	in.maskCardNumbers()
	if in.URL == nil {
		return webhook.Endpoint{}, "", InvalidParam("url", "parameter_missing", "url is required.")
	}
	if in.EnabledEvents == nil {
		in.EnabledEvents = &[]string{webhook.AllEvents}
	}
	if err := g.validateEndpoint(in, a.Livemode()); err != nil {
		return webhook.Endpoint{}, "", err
	}
	if g.webhooks.Secrets == nil {
		return webhook.Endpoint{}, "", errNoSecrets
	}
	now := g.Now()
	secret := webhook.NewSecret()
	ep := webhook.Endpoint{
		ID: id.New("we_", now), MerchantID: a.Merchant.ID, Livemode: a.Livemode(), URL: *in.URL,
		EnabledEvents: dedupe(*in.EnabledEvents), APIVersion: APIVersion, Status: webhook.EndpointStatusEnabled, Scope: webhook.ScopeMerchant,
		SecretHint: webhook.SecretHint(secret), CreatedAt: now, UpdatedAt: now,
	}
	if in.Description != nil {
		ep.Description = *in.Description
	}
	ep.SecretSealed = g.webhooks.Secrets.Seal([]byte(secret), ep.ID)
	err := g.store.InTx(ctx, func(tx store.Tx) error {
		// The merchant row lock serializes endpoint creation, so the per-mode limit holds under concurrency.
		if _, err := tx.LockMerchant(ctx, a.Merchant.ID); err != nil {
			return err
		}
		existing, err := tx.ListWebhookEndpoints(ctx, a.Merchant.ID, a.Livemode())
		if err != nil {
			return err
		}
		if len(existing) >= maxEndpointsPerMode {
			return Errorf(KindInvalid, "too_many_endpoints", "A merchant can have at most %d webhook endpoints per mode; delete one first.", maxEndpointsPerMode)
		}
		return tx.InsertWebhookEndpoint(ctx, ep)
	})
	if err != nil {
		return webhook.Endpoint{}, "", err
	}
	return ep, secret, nil
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	out := make([]string, 0, len(in))
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// GetEndpoint returns one of the caller's endpoints.
func (g *Gateway) GetEndpoint(ctx context.Context, a Auth, endpointID string) (webhook.Endpoint, error) {
	if !id.HasPrefix(endpointID, "we_") {
		return webhook.Endpoint{}, NotFound("webhook endpoint", endpointID)
	}
	ep, err := g.store.GetWebhookEndpoint(ctx, a.Merchant.ID, a.Livemode(), endpointID)
	return ep, notFoundAs(err, "webhook endpoint", endpointID)
}

// ListEndpoints returns the caller's endpoints, newest first (at most 16 per mode).
func (g *Gateway) ListEndpoints(ctx context.Context, a Auth) ([]webhook.Endpoint, error) {
	return g.store.ListWebhookEndpoints(ctx, a.Merchant.ID, a.Livemode())
}

// lockEndpoint locks one of the caller's endpoints inside tx.
func lockEndpoint(ctx context.Context, tx store.Tx, a Auth, endpointID string) (webhook.Endpoint, error) {
	if !id.HasPrefix(endpointID, "we_") {
		return webhook.Endpoint{}, NotFound("webhook endpoint", endpointID)
	}
	ep, err := tx.LockWebhookEndpoint(ctx, endpointID)
	if err != nil || ep.MerchantID != a.Merchant.ID || ep.Livemode != a.Livemode() || ep.DeletedAt != nil {
		if err == nil || errors.Is(err, store.ErrNotFound) {
			return webhook.Endpoint{}, NotFound("webhook endpoint", endpointID)
		}
		return webhook.Endpoint{}, err
	}
	return ep, nil
}

// UpdateEndpoint changes an endpoint. Enabling a disabled endpoint clears the reason and the failure streak.
func (g *Gateway) UpdateEndpoint(ctx context.Context, a Auth, endpointID string, in EndpointInput) (webhook.Endpoint, error) {
	in.maskCardNumbers()
	if err := g.validateEndpoint(in, a.Livemode()); err != nil {
		return webhook.Endpoint{}, err
	}
	var ep webhook.Endpoint
	err := g.store.InTx(ctx, func(tx store.Tx) error {
		var err error
		if ep, err = lockEndpoint(ctx, tx, a, endpointID); err != nil {
			return err
		}
		if in.URL != nil {
			ep.URL = *in.URL
		}
		if in.EnabledEvents != nil {
			ep.EnabledEvents = dedupe(*in.EnabledEvents)
		}
		if in.Description != nil {
			ep.Description = *in.Description
		}
		if in.Status != nil && *in.Status != ep.Status {
			ep.Status = *in.Status
			ep.DisabledReason, ep.FailingSince = "", nil
			if ep.Status == webhook.EndpointStatusDisabled {
				ep.DisabledReason = "disabled by the merchant"
			}
		}
		ep.UpdatedAt = g.Now()
		return tx.UpdateWebhookEndpoint(ctx, ep)
	})
	return ep, err
}

// DeleteEndpoint removes an endpoint; deliveries still queued for it fail at their next attempt. The record is
// kept (marked deleted) so its delivery history stays readable.
func (g *Gateway) DeleteEndpoint(ctx context.Context, a Auth, endpointID string) (webhook.Endpoint, error) {
	var ep webhook.Endpoint
	err := g.store.InTx(ctx, func(tx store.Tx) error {
		var err error
		if ep, err = lockEndpoint(ctx, tx, a, endpointID); err != nil {
			return err
		}
		now := g.Now()
		ep.DeletedAt, ep.UpdatedAt = &now, now
		return tx.UpdateWebhookEndpoint(ctx, ep)
	})
	return ep, err
}

// RotateSecret gives an endpoint a new signing secret and returns it (show once). The previous secret keeps
// signing next to it for grace (0: it stops at once), so receivers can switch without losing a delivery.
func (g *Gateway) RotateSecret(ctx context.Context, a Auth, endpointID string, grace time.Duration) (webhook.Endpoint, string, error) {
	if grace < 0 || grace > maxRotationGrace {
		return webhook.Endpoint{}, "", InvalidParam("grace_period_seconds", "parameter_invalid", "The grace period must be between 0 and 604800 seconds (7 days).")
	}
	if g.webhooks.Secrets == nil {
		return webhook.Endpoint{}, "", errNoSecrets
	}
	secret := webhook.NewSecret()
	var ep webhook.Endpoint
	err := g.store.InTx(ctx, func(tx store.Tx) error {
		var err error
		if ep, err = lockEndpoint(ctx, tx, a, endpointID); err != nil {
			return err
		}
		now := g.Now()
		ep.PreviousSecretSealed, ep.PreviousSecretExpiresAt = nil, nil
		if grace > 0 {
			until := now.Add(grace)
			ep.PreviousSecretSealed, ep.PreviousSecretExpiresAt = ep.SecretSealed, &until
		}
		ep.SecretSealed, ep.SecretHint, ep.UpdatedAt = g.webhooks.Secrets.Seal([]byte(secret), ep.ID), webhook.SecretHint(secret), now
		return tx.UpdateWebhookEndpoint(ctx, ep)
	})
	if err != nil {
		return webhook.Endpoint{}, "", err
	}
	return ep, secret, nil
}

// signingSecrets opens the secrets that sign a delivery at now: the current one, and the previous one while its
// rotation grace lasts.
func (g *Gateway) signingSecrets(ep webhook.Endpoint, now time.Time) ([]string, error) {
	if g.webhooks.Secrets == nil {
		return nil, errNoSecrets
	}
	cur, err := g.webhooks.Secrets.Open(ep.SecretSealed, ep.ID)
	if err != nil {
		return nil, err
	}
	secrets := []string{string(cur)}
	if ep.PreviousSecretSealed != nil && ep.PreviousSecretExpiresAt != nil && now.Before(*ep.PreviousSecretExpiresAt) {
		prev, err := g.webhooks.Secrets.Open(ep.PreviousSecretSealed, ep.ID)
		if err != nil {
			return nil, err
		}
		secrets = append(secrets, string(prev))
	}
	return secrets, nil
}

// EndpointObject is a webhook endpoint as the API shows it. The secret appears only in the responses that create or
// rotate it.
type EndpointObject struct {
	Object                  string     `json:"object" enum:"webhook_endpoint"`
	ID                      string     `json:"id"`
	Livemode                bool       `json:"livemode"`
	URL                     string     `json:"url"`
	Description             string     `json:"description"`
	EnabledEvents           []string   `json:"enabled_events"`
	APIVersion              string     `json:"api_version"`
	Status                  string     `json:"status" enum:"enabled,disabled"`
	DisabledReason          string     `json:"disabled_reason,omitempty"`
	SecretHint              string     `json:"secret_hint" doc:"The last 4 characters of the signing secret."`
	Secret                  string     `json:"secret,omitempty" doc:"The signing secret (whsec_…); only in the response that creates or rotates it."`
	PreviousSecretExpiresAt *time.Time `json:"previous_secret_expires_at,omitempty" doc:"Until then the previous secret also signs deliveries."`
	FailingSince            *time.Time `json:"failing_since,omitempty" doc:"Start of the current run of failed deliveries; endpoints failing for 5 days are disabled."`
	CreatedAt               time.Time  `json:"created_at"`
	UpdatedAt               time.Time  `json:"updated_at"`
	Deleted                 bool       `json:"deleted,omitempty"`
}

// EndpointView renders an endpoint (without its secret).
func EndpointView(ep webhook.Endpoint) EndpointObject {
	events := ep.EnabledEvents
	if events == nil {
		events = []string{}
	}
	return EndpointObject{
		Object: "webhook_endpoint", ID: ep.ID, Livemode: ep.Livemode, URL: ep.URL, Description: ep.Description,
		EnabledEvents: events, APIVersion: ep.APIVersion, Status: string(ep.Status), DisabledReason: ep.DisabledReason,
		SecretHint: ep.SecretHint, PreviousSecretExpiresAt: ep.PreviousSecretExpiresAt, FailingSince: ep.FailingSince,
		CreatedAt: ep.CreatedAt, UpdatedAt: ep.UpdatedAt, Deleted: ep.DeletedAt != nil,
	}
}
