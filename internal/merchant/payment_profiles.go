package merchant

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/kassapay/kassa/internal/checkout"
	"github.com/kassapay/kassa/internal/customer"
	"github.com/kassapay/kassa/internal/field"
)

// A payment profile ("prof_") is how a merchant's payments of one mode reach a processor: the connector, the
// credentials it authenticates with (sealed at rest, never shown again), and the methods and currencies it serves.
// Test mode always has the sandbox profile; live mode has none until the merchant adds one, and until then live
// payments are refused with payments_not_configured.

// Connector names the code that talks to a processor.
type Connector string

// Connectors.
const (
	// ConnectorSandbox is the built-in sandbox (test mode only).
	ConnectorSandbox Connector = "sandbox"
	// ConnectorStripe is Stripe's API, with a secret key and a webhook signing secret.
	ConnectorStripe Connector = "stripe"
)

// Valid reports whether c is a known connector.
func (c Connector) Valid() bool { return c == ConnectorSandbox || c == ConnectorStripe }

// ProfileStatus says whether a profile takes payments.
type ProfileStatus string

// Profile statuses.
const (
	// ProfileEnabled profiles are routed to.
	ProfileEnabled ProfileStatus = "enabled"
	// ProfileDisabled profiles are never routed to; payments they took keep naming them. Deleting a profile that
	// has payments disables it.
	ProfileDisabled ProfileStatus = "disabled"
)

// PaymentProfile is one processor account of a merchant in one mode.
type PaymentProfile struct {
	ID         string // "prof_…"
	MerchantID string
	Livemode   bool
	Connector  Connector
	Name       string
	Status     ProfileStatus
	// Methods ("card", "upi", "crypto") and Currencies (ISO 4217) the profile serves.
	Methods    []string
	Currencies []string
	// APIBaseURL is the processor's API address; empty means the processor's own (tests point it at stripe-mock).
	APIBaseURL string
	// HostedPage makes the profile take checkout sessions on the processor's own hosted page (Stripe Checkout):
	// the session's provider_checkout_url is that page. Such a profile takes no card data from Kassa, so card
	// payments (the direct API, intents, orders, payment links) are never routed to it.
	HostedPage bool
	// CredentialsSealed is the sealed JSON of the credentials; CredentialsHint the last 4 characters of the secret
	// key, the only part ever shown again.
	CredentialsSealed []byte
	CredentialsHint   string
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// Serves reports whether the profile is enabled and serves the method and currency.
func (p PaymentProfile) Serves(method, currency string) bool {
	return p.Status == ProfileEnabled && slices.Contains(p.Methods, method) &&
		(len(p.Currencies) == 0 || slices.Contains(p.Currencies, currency))
}

// Credentials authenticate a connector with its processor. They are sealed at rest and never returned.
type Credentials struct {
	SecretKey     string `json:"secret_key,omitempty"`
	WebhookSecret string `json:"webhook_secret,omitempty"`
}

// Hint is the last 4 characters of the secret key ("" when there is none).
func (c Credentials) Hint() string {
	if len(c.SecretKey) < 8 {
		return ""
	}
	return c.SecretKey[len(c.SecretKey)-4:]
}

// ErrLiveSandbox refuses a sandbox profile in live mode: the sandbox moves no money.
var ErrLiveSandbox = errors.New("the sandbox connector only serves test mode")

// ValidateProfile checks a profile and its credentials before it is stored; name, methods and currencies are
// normalised in place. A nil c keeps the stored credentials (a change of other fields).
func ValidateProfile(p *PaymentProfile, c *Credentials) error {
	fail := func(name, format string, args ...any) error {
		return &field.Error{Field: name, Err: fmt.Errorf(format, args...)}
	}
	if !p.Connector.Valid() {
		return fail("connector", "unknown connector %q (sandbox or stripe)", p.Connector)
	}
	if p.Connector == ConnectorSandbox && p.Livemode {
		return fail("connector", "%v", ErrLiveSandbox)
	}
	p.Name = strings.TrimSpace(p.Name)
	if p.Name == "" || len(p.Name) > 100 || !customer.Printable(p.Name) {
		return fail("name", "give the profile a name of 1 to 100 printable characters")
	}
	if len(p.Methods) == 0 {
		return fail("methods", "name the methods the profile serves (card, upi)")
	}
	for i, m := range p.Methods {
		switch {
		case m != "card" && m != "upi":
			return fail("methods", "unknown method %q (card or upi)", m)
		case m == "upi" && p.Connector != ConnectorSandbox:
			return fail("methods", "the %s connector does not serve UPI", p.Connector)
		case slices.Contains(p.Methods[:i], m):
			return fail("methods", "%q is listed twice", m)
		}
	}
	for i, cur := range p.Currencies {
		up := strings.ToUpper(strings.TrimSpace(cur))
		if len(up) != 3 || strings.Trim(up, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
			return fail("currencies", "%q is not an ISO 4217 currency code", cur)
		}
		if slices.Contains(p.Currencies[:i], up) {
			return fail("currencies", "%q is listed twice", up)
		}
		p.Currencies[i] = up
	}
	if p.APIBaseURL != "" {
		u, err := url.Parse(p.APIBaseURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			return fail("api_base_url", "must be an http(s) URL without credentials, query or fragment")
		}
		if u.Scheme == "http" && !checkout.IsLoopbackHost(u.Hostname()) {
			return fail("api_base_url", "must be https (http only for localhost, to reach a local mock)")
		}
		p.APIBaseURL = strings.TrimRight(p.APIBaseURL, "/")
	}
	if p.Connector == ConnectorStripe && c != nil {
		if !strings.HasPrefix(c.SecretKey, "sk_") && !strings.HasPrefix(c.SecretKey, "rk_") {
			return fail("credentials.secret_key", "a Stripe secret (sk_…) or restricted (rk_…) key is required")
		}
		// A key's mode must match the profile's, except towards a local mock (stripe-mock takes test keys only),
		// which is how staging and tests rehearse live mode.
		if strings.Contains(c.SecretKey, "_test_") == p.Livemode && !(p.Livemode && mockBase(p.APIBaseURL)) {
			return fail("credentials.secret_key", "the key's mode must match the profile's: a live key for live mode, a test key for test mode")
		}
		if c.WebhookSecret != "" && !strings.HasPrefix(c.WebhookSecret, "whsec_") {
			return fail("credentials.webhook_secret", "a Stripe webhook signing secret starts with whsec_")
		}
	}
	if p.HostedPage && p.Connector != ConnectorStripe {
		return fail("hosted_page", "the %s connector has no hosted page of its own (stripe has)", p.Connector)
	}
	if p.Status == "" {
		p.Status = ProfileEnabled
	}
	if p.Status != ProfileEnabled && p.Status != ProfileDisabled {
		return fail("status", "must be enabled or disabled")
	}
	return nil
}

// mockBase reports whether an API base URL points at a local mock.
func mockBase(raw string) bool {
	u, err := url.Parse(raw)
	return raw != "" && err == nil && checkout.IsLoopbackHost(u.Hostname())
}
