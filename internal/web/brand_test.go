package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/store/storetest"
)

// TestHostedPageShowsTheMerchantsBranding: the business name, accent color and logo set in the dashboard's
// settings appear on the hosted page, with the CSP allowing exactly the logo's origin.
func TestHostedPageShowsTheMerchantsBranding(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, br := setup(t, b, kassatest.Options{})
		sid := newSession(t, e, "cs", "BRAND-1")
		plain := br.get("/checkout/" + sid)
		wantStatus(t, "unbranded page", plain, http.StatusOK)
		if strings.Contains(plain.Body, "/brand/") || strings.Contains(plain.Body, "brand-logo") {
			t.Errorf("a merchant without branding gets branding:\n%s", plain.Body)
		}

		u := signInMerchant(t, e)
		wantStatus(t, "settings", u.post("/dashboard/settings", url.Values{"name": {"Acme Brand"}, "time_zone": {"UTC"},
			"accent_color": {"#FFD700"}, "logo_url": {"https://cdn.shop.example/logo.png"}}), http.StatusSeeOther)
		p := br.get("/checkout/" + sid)
		wantStatus(t, "branded page", p, http.StatusOK)
		wantNoInlineCode(t, p)
		wantContains(t, "branded page", p, "Acme Brand", `<img src="https://cdn.shop.example/logo.png" alt="Acme Brand"`)
		if csp := p.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' data: https://cdn.shop.example;") {
			t.Errorf("CSP of a branded page: %q", csp)
		}
		css := regexp.MustCompile(`href="(/brand/mer_[0-9A-Za-z]+\.css\?v=[0-9a-f]+)"`).FindStringSubmatch(p.Body)
		if css == nil {
			t.Fatalf("no brand stylesheet on the page:\n%s", p.Body)
		}
		sheet := br.get(css[1])
		wantStatus(t, "brand stylesheet", sheet, http.StatusOK)
		// Gold is light: the button text is black for contrast.
		if !strings.Contains(sheet.Body, "background: #ffd700; color: #000;") || sheet.Header.Get("Content-Type") != "text/css; charset=utf-8" {
			t.Errorf("brand stylesheet %s:\n%s", sheet.Header.Get("Content-Type"), sheet.Body)
		}
		wantStatus(t, "brand stylesheet of an unknown merchant", br.get("/brand/mer_0000000000000000000000.css"), http.StatusNotFound)
		wantStatus(t, "brand stylesheet of a malformed id", br.get("/brand/evil.css"), http.StatusNotFound)
	})
}
