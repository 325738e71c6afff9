package api_test

import (
	"testing"

	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/store/storetest"
)

// TestProviderWebhookRefusals: the processors' webhook route takes no API key, and refuses what it cannot take with
// a precise 4xx: an unknown profile, a connector that sends no webhooks.
func TestProviderWebhookRefusals(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		send := func(profileID string) kassatest.Response {
			return e.Do(kassatest.Request{Method: "POST", Path: "/providers/" + profileID + "/webhooks", Body: `{"id":"evt_1"}`, NoKey: true})
		}
		wantError(t, "unknown profile", send("prof_0000000000000000000000"), 404, "resource_missing")
		wantError(t, "not a profile id", send("pay_123"), 404, "resource_missing")
		sandbox := post(e, "/api/v1/payment-profiles", `{"connector":"sandbox","name":"Backup","methods":["card"]}`).JSON(t)
		if sandbox["webhook_url"] != nil {
			t.Errorf("a sandbox profile shows a webhook_url: %v", sandbox["webhook_url"])
		}
		wantError(t, "sandbox profile", send(sandbox["id"].(string)), 400, "webhooks_not_supported")
	})
}
