package dashboard_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/store/storetest"
	"github.com/kassapay/kassa/internal/webtest"
)

// TestDashboardRefusesInternalWebhookURLs: on an instance that allows no network (production), the add-endpoint
// and edit-endpoint forms refuse an internal host however it is spelled, say why next to the URL as typed, and
// register nothing.
func TestDashboardRefusesInternalWebhookURLs(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, _ := webtest.Setup(t, b, kassatest.Options{BlockLoopback: true})
		u := signInMerchant(t, e)
		auth := gateway.Auth{Merchant: e.Merchant.Merchant}
		public := "https://shop.example/hooks"
		ep, _, err := e.Gateway.CreateEndpoint(context.Background(), auth, gateway.EndpointInput{URL: &public})
		if err != nil {
			t.Fatal(err)
		}
		for host, reason := range map[string]string{
			"127.1":              "127.1 is 127.0.0.1, a loopback address",
			"0x7f000001":         "0x7f000001 is 127.0.0.1, a loopback address",
			"[::ffff:127.0.0.1]": "::ffff:127.0.0.1 is 127.0.0.1, a loopback address",
			"LOCALHOST.":         "LOCALHOST. is loopback by definition",
			"192.168.1":          "192.168.1 is 192.168.0.1, a private address",
		} {
			hookURL := "http://" + host + ":4000/hooks"
			form := url.Values{"url": {hookURL}, "description": {"internal"}, "events": {"*"}, "key": {formKeyOf(t, u.get("/dashboard/webhooks"))}}
			added := u.post("/dashboard/webhooks", form)
			webtest.WantStatus(t, "add "+hookURL, added, http.StatusBadRequest)
			webtest.WantContains(t, "add "+hookURL, added, reason, "public host", `value="`+hookURL+`"`)
			edited := u.post("/dashboard/webhooks/"+ep.ID, url.Values{"url": {hookURL}, "events": {"*"}})
			webtest.WantStatus(t, "edit to "+hookURL, edited, http.StatusBadRequest)
			webtest.WantContains(t, "edit to "+hookURL, edited, reason)
		}
		eps, err := e.Gateway.ListEndpoints(context.Background(), auth)
		if err != nil || len(eps) != 1 || eps[0].URL != public {
			t.Errorf("endpoints after the refusals: %+v %v", eps, err)
		}
	})
}
