package dashboard_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/store/storetest"
	"github.com/kassapay/kassa/internal/webtest"
)

var shownSecret = regexp.MustCompile(`id="new-secret" readonly value="([^"]+)"`)

func secretOf(t *testing.T, what string, p webtest.Page) string {
	t.Helper()
	m := shownSecret.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("%s shows no secret:\n%s", what, p.Body)
	}
	return html.UnescapeString(m[1])
}

// TestDashboardWebhookFormsActOnce: submitting "add endpoint" or "rotate secret" twice with the form's key (a double
// click) creates one endpoint and rotates once; the second submit shows the first one's result.
func TestDashboardWebhookFormsActOnce(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, _ := webtest.Setup(t, b, kassatest.Options{})
		rcv := kassatest.NewReceiver(t)
		u := signInMerchant(t, e)
		auth := gateway.Auth{Merchant: e.Merchant.Merchant}

		form := url.Values{"url": {rcv.URL}, "description": {"twice"}, "events": {"*"}, "key": {formKeyOf(t, u.get("/dashboard/webhooks"))}}
		first := u.post("/dashboard/webhooks", form)
		webtest.WantStatus(t, "add endpoint", first, http.StatusOK)
		second := u.post("/dashboard/webhooks", form)
		webtest.WantStatus(t, "add endpoint again", second, http.StatusOK)
		if a, b := secretOf(t, "add endpoint", first), secretOf(t, "add endpoint again", second); a != b {
			t.Errorf("the repeated submit shows another secret: %s, then %s", a, b)
		}
		eps, err := e.Gateway.ListEndpoints(context.Background(), auth)
		if err != nil || len(eps) != 1 {
			t.Fatalf("endpoints after a double submit: %d %v, want 1", len(eps), err)
		}
		ep := eps[0]
		other := form
		other.Set("description", "changed")
		webtest.WantStatus(t, "the same key with other values", u.post("/dashboard/webhooks", other), http.StatusConflict)

		page := u.get("/dashboard/webhooks/" + ep.ID)
		rotate := url.Values{"grace_hours": {"24"}, "confirm": {"yes"}, "key": {formKeyOf(t, page)}}
		r1 := u.post("/dashboard/webhooks/"+ep.ID+"/rotate", rotate)
		webtest.WantStatus(t, "rotate", r1, http.StatusOK)
		r2 := u.post("/dashboard/webhooks/"+ep.ID+"/rotate", rotate)
		webtest.WantStatus(t, "rotate again", r2, http.StatusOK)
		s1, s2 := secretOf(t, "rotate", r1), secretOf(t, "rotate again", r2)
		if s1 != s2 {
			t.Errorf("a double submit rotated twice: %s, then %s", s1, s2)
		}
		got, err := e.Gateway.GetEndpoint(context.Background(), auth, ep.ID)
		if err != nil || !strings.HasSuffix(s1, got.SecretHint) {
			t.Errorf("endpoint after the rotation: hint %q, shown secret %q, %v", got.SecretHint, s1, err)
		}
		// A new page gives a new key: rotating again is possible.
		again := url.Values{"grace_hours": {"24"}, "confirm": {"yes"}, "key": {formKeyOf(t, u.get("/dashboard/webhooks/"+ep.ID))}}
		if s3 := secretOf(t, "rotate from a new page", u.post("/dashboard/webhooks/"+ep.ID+"/rotate", again)); s3 == s1 {
			t.Error("a rotation from a new page did not rotate")
		}
	})
}
