package merchant

import (
	"errors"
	"testing"

	"github.com/kassapay/kassa/internal/field"
)

func TestValidateProfile(t *testing.T) {
	good := func() (PaymentProfile, Credentials) {
		return PaymentProfile{Livemode: true, Connector: ConnectorStripe, Name: " Stripe EU ", Methods: []string{"card"}, Currencies: []string{"usd", "EUR"},
				APIBaseURL: "http://127.0.0.1:12111/"},
			Credentials{SecretKey: "sk_live_abcdefgh1234", WebhookSecret: "whsec_x"}
	}
	p, c := good()
	if err := ValidateProfile(&p, &c); err != nil {
		t.Fatal(err)
	}
	if p.Name != "Stripe EU" || p.Currencies[0] != "USD" || p.APIBaseURL != "http://127.0.0.1:12111" || p.Status != ProfileEnabled || c.Hint() != "1234" {
		t.Errorf("normalised: %+v hint %q", p, c.Hint())
	}
	if !p.Serves("card", "EUR") || p.Serves("card", "JPY") || p.Serves("upi", "USD") {
		t.Error("Serves")
	}
	for _, tc := range []struct {
		name  string
		edit  func(*PaymentProfile, *Credentials)
		field string
	}{
		{"unknown connector", func(p *PaymentProfile, _ *Credentials) { p.Connector = "paypal" }, "connector"},
		{"live sandbox", func(p *PaymentProfile, _ *Credentials) { p.Connector = ConnectorSandbox }, "connector"},
		{"no name", func(p *PaymentProfile, _ *Credentials) { p.Name = "  " }, "name"},
		{"control character in name", func(p *PaymentProfile, _ *Credentials) { p.Name = "a\x00b" }, "name"},
		{"no methods", func(p *PaymentProfile, _ *Credentials) { p.Methods = nil }, "methods"},
		{"UPI on Stripe", func(p *PaymentProfile, _ *Credentials) { p.Methods = []string{"upi"} }, "methods"},
		{"bad currency", func(p *PaymentProfile, _ *Credentials) { p.Currencies = []string{"US"} }, "currencies"},
		{"currency twice", func(p *PaymentProfile, _ *Credentials) { p.Currencies = []string{"usd", "USD"} }, "currencies"},
		{"http to a remote host", func(p *PaymentProfile, _ *Credentials) { p.APIBaseURL = "http://api.example.com" }, "api_base_url"},
		{"URL with credentials", func(p *PaymentProfile, _ *Credentials) { p.APIBaseURL = "https://u:p@api.example.com" }, "api_base_url"},
		{"no secret key", func(_ *PaymentProfile, c *Credentials) { c.SecretKey = "" }, "credentials.secret_key"},
		{"test key in live mode", func(p *PaymentProfile, c *Credentials) { c.SecretKey, p.APIBaseURL = "sk_test_abcdefgh", "" }, "credentials.secret_key"},
		{"live key in test mode", func(p *PaymentProfile, _ *Credentials) { p.Livemode = false }, "credentials.secret_key"},
		{"bad webhook secret", func(_ *PaymentProfile, c *Credentials) { c.WebhookSecret = "secret" }, "credentials.webhook_secret"},
		{"bad status", func(p *PaymentProfile, _ *Credentials) { p.Status = "paused" }, "status"},
		{"hosted page on the sandbox", func(p *PaymentProfile, _ *Credentials) {
			p.Connector, p.Livemode, p.HostedPage = ConnectorSandbox, false, true
		}, "hosted_page"},
	} {
		p, c := good()
		tc.edit(&p, &c)
		var fe *field.Error
		if err := ValidateProfile(&p, &c); !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("%s: %v, want an error naming %s", tc.name, err, tc.field)
		}
	}
	// A live profile pointed at a local mock (stripe-mock takes test keys only) may use a test key.
	p, _ = good()
	if err := ValidateProfile(&p, &Credentials{SecretKey: "sk_test_mockKey1234"}); err != nil {
		t.Errorf("a test key towards a local mock: %v", err)
	}
	// A change that keeps the stored credentials is not asked for them again.
	p, _ = good()
	if err := ValidateProfile(&p, nil); err != nil {
		t.Errorf("unchanged credentials: %v", err)
	}
	sandbox := PaymentProfile{Connector: ConnectorSandbox, Name: "Sandbox", Methods: []string{"card", "upi"}}
	if err := ValidateProfile(&sandbox, &Credentials{}); err != nil {
		t.Errorf("test-mode sandbox: %v", err)
	}
}
