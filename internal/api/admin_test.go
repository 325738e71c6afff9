package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/store/storetest"
	"github.com/kassapay/kassa/internal/vault"
	"github.com/kassapay/kassa/internal/wallet"
)

// TestAdminRoutesRefuseMerchantKeys: every /api/admin route answers 401 admin_key_required to no key, to the
// merchant's secret and publishable keys (test and live), to a made-up admin key and to a revoked one, and works
// with an admin key.
func TestAdminRoutesRefuseMerchantKeys(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{LiveMode: true})
		ctx := context.Background()
		admin, secret, err := e.Gateway.CreateAdminKey(ctx, "tests")
		if err != nil || !strings.HasPrefix(secret, "kadmin_") {
			t.Fatalf("CreateAdminKey: %q %v", secret, err)
		}
		_, revoked, _ := e.Gateway.CreateAdminKey(ctx, "revoked")
		keys, _ := e.Gateway.ListAdminKeys(ctx)
		for _, k := range keys {
			if k.ID != admin.ID {
				if err := e.Gateway.RevokeAdminKey(ctx, k.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		live, err := e.Gateway.RollKey(ctx, e.Merchant.Merchant.ID, merchant.KeySecret, true, 0)
		if err != nil {
			t.Fatal(err)
		}
		liveSecret := live.Secret
		sh, err := e.Gateway.ResolveShopper(ctx, "ada@example.com")
		if err != nil {
			t.Fatal(err)
		}
		routes := []kassatest.Request{
			{Method: "POST", Path: "/api/admin/customers/resolve", Body: `{"email":"ada@example.com"}`},
			{Method: "GET", Path: "/api/admin/customers/" + sh.ID},
			{Method: "GET", Path: "/api/admin/customers/" + sh.ID + "/payment-methods"},
		}
		for _, r := range routes {
			for name, key := range map[string]string{
				"the secret key": e.SecretKey, "the publishable key": e.PublishableKey, "a live secret key": liveSecret,
				"a made-up admin key": "kadmin_" + strings.Repeat("x", 40), "a revoked admin key": revoked,
			} {
				req := r
				req.Key = key
				resp := e.Do(req)
				if resp.Status != 401 || resp.Error(t)["code"] != "admin_key_required" {
					t.Errorf("%s %s with %s: %d %s, want 401 admin_key_required", r.Method, r.Path, name, resp.Status, resp.Body)
				}
			}
			req := r
			req.NoKey = true
			if resp := e.Do(req); resp.Status != 401 {
				t.Errorf("%s %s without a key: %d, want 401", r.Method, r.Path, resp.Status)
			}
			req = r
			req.Key = secret
			if resp := e.Do(req); resp.Status != 200 {
				t.Errorf("%s %s with the admin key: %d %s", r.Method, r.Path, resp.Status, resp.Body)
			}
		}
	})
}

// TestAdminShoppers: resolve finds or makes the shopper of an e-mail (normalized), get returns it, payment-methods
// lists its saved cards with brand, last 4 and expiry and the merchants that may charge each, and nothing of the
// number; bad input gets a 4xx naming the field.
func TestAdminShoppers(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		ctx := context.Background()
		_, key, err := e.Gateway.CreateAdminKey(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		do := func(method, path, body string, status int) map[string]any {
			t.Helper()
			return mustDo(t, e, kassatest.Request{Method: method, Path: path, Body: body, Key: key}, status)
		}
		first := do("POST", "/api/admin/customers/resolve", `{"email":" Ada@Example.com "}`, 200)
		if first["object"] != "shopper" || first["email"] != "ada@example.com" || !strings.HasPrefix(first["id"].(string), "shp_") {
			t.Fatalf("resolve: %v", first)
		}
		if again := do("POST", "/api/admin/customers/resolve", `{"email":"ada@example.com"}`, 200); again["id"] != first["id"] {
			t.Errorf("resolving the same e-mail again made another shopper: %v", again)
		}
		shopperID := first["id"].(string)
		if got := do("GET", "/api/admin/customers/"+shopperID, "", 200); got["email"] != "ada@example.com" {
			t.Errorf("get: %v", got)
		}
		bad := do("POST", "/api/admin/customers/resolve", `{"email":"not an address"}`, 400)
		if bad["error"].(map[string]any)["code"] != "email_invalid" || bad["error"].(map[string]any)["param"] != "email" {
			t.Errorf("a bad e-mail: %v", bad)
		}
		if missing := do("GET", "/api/admin/customers/shp_missing", "", 404); missing["error"].(map[string]any)["code"] != "resource_missing" {
			t.Errorf("a missing shopper: %v", missing)
		}
		do("GET", "/api/admin/customers/shp_missing/payment-methods", "", 404)

		// Two saved cards, one consented to the merchant.
		now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
		var cards []wallet.Card
		for i, last4 := range []string{"4242", "0005"} {
			at := now.Add(time.Duration(i) * time.Second)
			c := wallet.Card{ID: id.New("pm_", at), ShopperID: shopperID, CreatedAt: at, Sealed: vault.Sealed{
				Ciphertext: []byte("sealed"), WrappedKey: []byte("wrapped"), KeyVersion: 1, Fingerprint: "fp-" + last4,
				Display: vault.Display{Brand: "visa", First6: "424242", Last4: last4, ExpMonth: 12, ExpYear: 2034}}}
			if err := e.Store.InsertWalletCard(ctx, c); err != nil {
				t.Fatal(err)
			}
			cards = append(cards, c)
		}
		if err := e.Store.UpsertWalletConsent(ctx, wallet.Consent{PaymentMethodID: cards[0].ID, MerchantID: e.Merchant.Merchant.ID, GrantedAt: now, ClientIP: "192.0.2.1"}); err != nil {
			t.Fatal(err)
		}
		resp := e.Do(kassatest.Request{Method: "GET", Path: "/api/admin/customers/" + shopperID + "/payment-methods", Key: key})
		if strings.Contains(string(resp.Body), "sealed") || strings.Contains(string(resp.Body), "424242") || strings.Contains(string(resp.Body), "fp-") {
			t.Errorf("the list shows more than brand, last 4 and expiry: %s", resp.Body)
		}
		list := resp.JSON(t)["data"].([]any)
		if len(list) != 2 {
			t.Fatalf("payment methods: %v", list)
		}
		newest, oldest := list[0].(map[string]any), list[1].(map[string]any)
		if newest["id"] != cards[1].ID || newest["last4"] != "0005" || newest["brand"] != "visa" || newest["exp_month"] != 12.0 ||
			newest["exp_year"] != 2034.0 || len(newest["merchants"].([]any)) != 0 {
			t.Errorf("the newest card: %v", newest)
		}
		if m := oldest["merchants"].([]any); len(m) != 1 || m[0] != e.Merchant.Merchant.ID {
			t.Errorf("the consented card's merchants: %v", oldest)
		}
	})
}
