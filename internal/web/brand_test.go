package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/store/storetest"
	"github.com/kassapay/kassa/internal/webtest"
)

// TestHostedPageShowsTheMerchantsBranding: the business name, accent color and logo of the merchant's profile (the
// dashboard's settings) appear on the hosted page, with the CSP allowing exactly the logo's origin.
func TestHostedPageShowsTheMerchantsBranding(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, br := webtest.Setup(t, b, kassatest.Options{})
		sid := webtest.NewSession(t, e, "cs", "BRAND-1")
		plain := br.Get("/checkout/" + sid)
		webtest.WantStatus(t, "unbranded page", plain, http.StatusOK)
		if strings.Contains(plain.Body, "/brand/") || strings.Contains(plain.Body, "brand-logo") {
			t.Errorf("a merchant without branding gets branding:\n%s", plain.Body)
		}

		// As the dashboard's settings form saves them (its tests check the form).
		ctx := context.Background()
		name := "Acme Brand"
		if _, err := e.Gateway.UpdateMerchant(ctx, e.Merchant.Merchant.ID, gateway.MerchantPatch{Name: &name}); err != nil {
			t.Fatal(err)
		}
		a, err := e.Gateway.Authenticate(ctx, e.SecretKey)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Gateway.UpdateProfile(ctx, a, merchant.Profile{AccentColor: "#FFD700", LogoURL: "https://cdn.shop.example/logo.png"}); err != nil {
			t.Fatal(err)
		}
		p := br.Get("/checkout/" + sid)
		webtest.WantStatus(t, "branded page", p, http.StatusOK)
		webtest.WantNoInlineCode(t, p)
		webtest.WantContains(t, "branded page", p, "Acme Brand", `<img src="https://cdn.shop.example/logo.png" alt="Acme Brand"`)
		if csp := p.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' data: https://cdn.shop.example;") {
			t.Errorf("CSP of a branded page: %q", csp)
		}
		css := regexp.MustCompile(`href="(/brand/mer_[0-9A-Za-z]+\.css\?v=[0-9a-f]+)"`).FindStringSubmatch(p.Body)
		if css == nil {
			t.Fatalf("no brand stylesheet on the page:\n%s", p.Body)
		}
		sheet := br.Get(css[1])
		webtest.WantStatus(t, "brand stylesheet", sheet, http.StatusOK)
		// Gold is light: the button text is black for contrast.
		if !strings.Contains(sheet.Body, "background: #ffd700; color: #000;") || sheet.Header.Get("Content-Type") != "text/css; charset=utf-8" {
			t.Errorf("brand stylesheet %s:\n%s", sheet.Header.Get("Content-Type"), sheet.Body)
		}
		webtest.WantStatus(t, "brand stylesheet of an unknown merchant", br.Get("/brand/mer_0000000000000000000000.css"), http.StatusNotFound)
		webtest.WantStatus(t, "brand stylesheet of a malformed id", br.Get("/brand/evil.css"), http.StatusNotFound)
	})
}
