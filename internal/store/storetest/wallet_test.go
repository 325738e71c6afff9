package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/vault"
	"github.com/kassapay/kassa/internal/wallet"
)

func walletCard(shopperID string, livemode bool, fingerprint, last4 string, at time.Time) wallet.Card {
	return wallet.Card{
		ID: id.New("pm_", at), ShopperID: shopperID, Livemode: livemode, CreatedAt: at,
		Sealed: vault.Sealed{Ciphertext: []byte("sealed-" + last4), WrappedKey: []byte("wrapped"), KeyVersion: 1, Fingerprint: fingerprint,
			Display: vault.Display{Brand: "visa", First6: "424242", Last4: last4, ExpMonth: 12, ExpYear: 2034}},
	}
}

// testWalletShoppersAndCards checks shoppers (one per e-mail, even when made at once), saved cards (per mode, one per
// fingerprint while saved, removal drops the sealed number) and consents (granted, renewed, revoked, listed).
func testWalletShoppersAndCards(t *testing.T, s store.Store) {
	ctx := context.Background()
	// Ten first checkouts at once with one e-mail make one shopper.
	var wg sync.WaitGroup
	ids := make([]string, 10)
	for i := range ids {
		wg.Go(func() {
			sh, err := s.UpsertShopper(ctx, wallet.Shopper{ID: id.New("shp_", Now), Email: "ada@example.com", CreatedAt: Now})
			if err != nil {
				t.Error(err)
			}
			ids[i] = sh.ID
		})
	}
	wg.Wait()
	for _, x := range ids {
		if x != ids[0] {
			t.Fatalf("one e-mail, several shoppers: %v", ids)
		}
	}
	ada, err := s.GetShopperByEmail(ctx, "ada@example.com")
	if err != nil || ada.ID != ids[0] || !ada.CreatedAt.Equal(Now) {
		t.Fatalf("GetShopperByEmail = %+v, %v", ada, err)
	}
	if got, err := s.GetShopper(ctx, ada.ID); err != nil || got != ada {
		t.Errorf("GetShopper = %+v, %v", got, err)
	}
	bob, _ := s.UpsertShopper(ctx, wallet.Shopper{ID: id.New("shp_", Now), Email: "bob@example.com", CreatedAt: Now})
	if bob.ID == ada.ID {
		t.Fatal("two e-mails, one shopper")
	}
	if _, err := s.GetShopper(ctx, "shp_missing"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a missing shopper: %v", err)
	}

	c1 := walletCard(ada.ID, false, "fp-1", "4242", Now)
	c2 := walletCard(ada.ID, false, "fp-2", "0005", Now.Add(time.Second))
	live := walletCard(ada.ID, true, "fp-1", "4242", Now.Add(2*time.Second))
	for _, c := range []wallet.Card{c1, c2, live, walletCard(bob.ID, false, "fp-1", "4242", Now)} {
		if err := s.InsertWalletCard(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.InsertWalletCard(ctx, walletCard(ada.ID, false, "fp-1", "4242", Now.Add(3*time.Second))); !errors.Is(err, store.ErrConflict) {
		t.Errorf("saving a saved card again: %v, want ErrConflict", err)
	}
	if got, err := s.GetWalletCard(ctx, c1.ID); err != nil || !cmp.Equal(got, c1) {
		t.Errorf("GetWalletCard (-want +got):\n%s %v", cmp.Diff(c1, got), err)
	}
	if got, err := s.GetWalletCardByFingerprint(ctx, ada.ID, true, "fp-1"); err != nil || got.ID != live.ID {
		t.Errorf("the live copy by fingerprint: %+v %v", got.ID, err)
	}
	list, err := s.ListWalletCards(ctx, ada.ID, false)
	if err != nil || len(list) != 2 || list[0].ID != c2.ID || list[1].ID != c1.ID {
		t.Errorf("ListWalletCards (test mode, newest first): %v %v", list, err)
	}

	// Consents: a merchant sees the cards consented to it, in its mode, until revoked or removed.
	m, other := NewMerchant(t, s), NewMerchant(t, s)
	for _, c := range []wallet.Consent{
		{PaymentMethodID: c1.ID, MerchantID: m.ID, GrantedAt: Now, ClientIP: "192.0.2.1"},
		{PaymentMethodID: c2.ID, MerchantID: m.ID, GrantedAt: Now, ClientIP: "192.0.2.1"},
		{PaymentMethodID: c1.ID, MerchantID: other.ID, GrantedAt: Now, ClientIP: "192.0.2.2"},
	} {
		if err := s.UpsertWalletConsent(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	cards := func(merchantID, shopperID string) []string {
		t.Helper()
		cs, err := s.ListConsentedWalletCards(ctx, merchantID, false, shopperID, 10)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	if got := cards(m.ID, ada.ID); !cmp.Equal(got, []string{c2.ID, c1.ID}) {
		t.Errorf("cards consented to the merchant: %v", got)
	}
	if got := cards(m.ID, bob.ID); len(got) != 0 {
		t.Errorf("another shopper's cards: %v", got)
	}
	if got, _ := s.ListConsentedWalletCards(ctx, m.ID, true, ada.ID, 10); len(got) != 0 {
		t.Errorf("live mode sees test-mode consents: %v", got)
	}
	if err := s.RevokeWalletConsent(ctx, c2.ID, m.ID, Now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeWalletConsent(ctx, c2.ID, m.ID, Now.Add(time.Minute)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoking twice: %v", err)
	}
	if got := cards(m.ID, ""); !cmp.Equal(got, []string{c1.ID}) {
		t.Errorf("after a revocation: %v", got)
	}
	if got, err := s.GetWalletConsent(ctx, c2.ID, m.ID); err != nil || got.RevokedAt == nil || got.ClientIP != "192.0.2.1" {
		t.Errorf("a revoked consent is kept: %+v %v", got, err)
	}
	// Consent again renews it.
	if err := s.UpsertWalletConsent(ctx, wallet.Consent{PaymentMethodID: c2.ID, MerchantID: m.ID, GrantedAt: Now.Add(time.Hour), ClientIP: "198.51.100.7"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetWalletConsent(ctx, c2.ID, m.ID); got.RevokedAt != nil || got.ClientIP != "198.51.100.7" || !got.GrantedAt.Equal(Now.Add(time.Hour)) {
		t.Errorf("a renewed consent: %+v", got)
	}
	if cs, err := s.ListWalletConsentsOfShopper(ctx, ada.ID); err != nil || len(cs) != 3 {
		t.Errorf("the shopper's consents: %+v %v", cs, err)
	}

	// Removing a card: gone from every list, its sealed number dropped, its fingerprint free to save again.
	if err := s.RemoveWalletCard(ctx, bob.ID, c1.ID, Now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another shopper removes the card: %v", err)
	}
	if err := s.RemoveWalletCard(ctx, ada.ID, c1.ID, Now.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveWalletCard(ctx, ada.ID, c1.ID, Now.Add(2*time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("removing twice: %v", err)
	}
	got, err := s.GetWalletCard(ctx, c1.ID)
	if err != nil || got.RemovedAt == nil || len(got.Sealed.Ciphertext) != 0 || len(got.Sealed.WrappedKey) != 0 || got.Sealed.Display.Last4 != "4242" {
		t.Errorf("a removed card: %+v %v", got, err)
	}
	if got := cards(other.ID, ""); len(got) != 0 {
		t.Errorf("a removed card is still consented: %v", got)
	}
	if _, err := s.GetWalletCardByFingerprint(ctx, ada.ID, false, "fp-1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a removed card by fingerprint: %v", err)
	}
	if err := s.InsertWalletCard(ctx, walletCard(ada.ID, false, "fp-1", "4242", Now.Add(3*time.Hour))); err != nil {
		t.Errorf("saving a removed card again: %v", err)
	}

	// A merchant's customer links to the shopper who paid as them.
	cu := newCustomer(m, Now, "ada@example.com")
	if _, err := s.InsertCustomer(ctx, cu); err != nil {
		t.Fatal(err)
	}
	if err := s.LinkCustomerToShopper(ctx, m.ID, false, cu.ID, ada.ID); err != nil {
		t.Error(err)
	}
	if err := s.LinkCustomerToShopper(ctx, other.ID, false, cu.ID, ada.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("linking another merchant's customer: %v", err)
	}
}

// testWalletCodesAndSessions checks one-time codes (send counts, newest first, tries counted before comparing, single
// use, expiry), signed-in shoppers and admin keys.
func testWalletCodesAndSessions(t *testing.T, s store.Store) {
	ctx := context.Background()
	code := func(email, ip string, at time.Time) wallet.Code {
		c := wallet.Code{ID: id.New("wc_", at), Email: email, MAC: "mac-" + at.String(), ClientIP: ip, CreatedAt: at, ExpiresAt: at.Add(wallet.CodeTTL)}
		if err := s.InsertWalletCode(ctx, c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	code("ada@example.com", "192.0.2.1", Now.Add(-time.Hour))
	code("ada@example.com", "192.0.2.1", Now.Add(-time.Minute))
	newest := code("ada@example.com", "192.0.2.9", Now)
	code("bob@example.com", "192.0.2.1", Now)
	byEmail, byIP, err := s.CountRecentWalletCodes(ctx, "ada@example.com", "192.0.2.1", Now.Add(-wallet.CodeWindow))
	if err != nil || byEmail != 2 || byIP != 2 {
		t.Errorf("recent codes: %d by e-mail, %d by IP, %v; want 2 and 2", byEmail, byIP, err)
	}
	if got, err := s.LatestWalletCode(ctx, "ada@example.com"); err != nil || !cmp.Equal(got, newest) {
		t.Errorf("LatestWalletCode (-want +got):\n%s %v", cmp.Diff(newest, got), err)
	}
	if _, err := s.LatestWalletCode(ctx, "nobody@example.com"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("no code: %v", err)
	}
	// Each try counts before the comparison; after the last one the code is no longer tried at all.
	for i := 1; i <= wallet.CodeTries; i++ {
		got, err := s.TryWalletCode(ctx, newest.ID, Now)
		if err != nil || got.Attempts != i || got.MAC != newest.MAC {
			t.Fatalf("try %d: %+v %v", i, got, err)
		}
	}
	if _, err := s.TryWalletCode(ctx, newest.ID, Now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a try past the limit: %v, want ErrNotFound", err)
	}
	// Tries at once never pass the limit.
	c := code("carol@example.com", "192.0.2.3", Now)
	var wg sync.WaitGroup
	var mu sync.Mutex
	passed := 0
	for range 3 * wallet.CodeTries {
		wg.Go(func() {
			if _, err := s.TryWalletCode(ctx, c.ID, Now); err == nil {
				mu.Lock()
				passed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if passed != wallet.CodeTries {
		t.Errorf("%d concurrent tries counted, want exactly %d", passed, wallet.CodeTries)
	}
	// Single use; an expired code is not tried.
	d := code("dan@example.com", "192.0.2.4", Now)
	if err := s.UseWalletCode(ctx, d.ID, Now); err != nil {
		t.Fatal(err)
	}
	if err := s.UseWalletCode(ctx, d.ID, Now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("using a code twice: %v", err)
	}
	if _, err := s.TryWalletCode(ctx, d.ID, Now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("trying a used code: %v", err)
	}
	e := code("erin@example.com", "192.0.2.5", Now)
	if _, err := s.TryWalletCode(ctx, e.ID, Now.Add(wallet.CodeTTL)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("trying an expired code: %v", err)
	}
	if n, err := s.DeleteWalletCodesBefore(ctx, Now.Add(-30*time.Minute)); err != nil || n != 1 {
		t.Errorf("DeleteWalletCodesBefore = %d, %v; want the hour-old code", n, err)
	}

	// Sessions.
	sh, _ := s.UpsertShopper(ctx, wallet.Shopper{ID: id.New("shp_", Now), Email: "ada@example.com", CreatedAt: Now})
	ws := wallet.Session{TokenHash: "hash-w", ShopperID: sh.ID, CreatedAt: Now, ExpiresAt: Now.Add(wallet.SessionTTL)}
	if err := s.InsertWalletSession(ctx, ws); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetWalletSession(ctx, "hash-w", Now.Add(time.Minute)); err != nil || got != ws {
		t.Errorf("GetWalletSession = %+v, %v", got, err)
	}
	if _, err := s.GetWalletSession(ctx, "hash-w", Now.Add(wallet.SessionTTL)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an expired session: %v", err)
	}
	old := wallet.Session{TokenHash: "hash-old", ShopperID: sh.ID, CreatedAt: Now.Add(-time.Hour), ExpiresAt: Now.Add(-time.Minute)}
	if err := s.InsertWalletSession(ctx, old); err != nil {
		t.Fatal(err)
	}
	if n, err := s.DeleteWalletSessionsBefore(ctx, Now); err != nil || n != 1 {
		t.Errorf("DeleteWalletSessionsBefore = %d, %v; want the expired session only", n, err)
	}
	if err := s.DeleteWalletSession(ctx, "hash-w"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetWalletSession(ctx, "hash-w", Now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a deleted session: %v", err)
	}

	// Admin keys.
	k := store.AdminKey{ID: id.New("adk_", Now), Hash: "hash-admin", Description: "ops", CreatedAt: Now}
	if err := s.InsertAdminKey(ctx, k); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetAdminKeyByHash(ctx, "hash-admin"); err != nil || !cmp.Equal(got, k) {
		t.Errorf("GetAdminKeyByHash = %+v, %v", got, err)
	}
	if err := s.RevokeAdminKey(ctx, k.ID, Now); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeAdminKey(ctx, k.ID, Now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoking twice: %v", err)
	}
	if ks, err := s.ListAdminKeys(ctx); err != nil || len(ks) != 1 || ks[0].RevokedAt == nil {
		t.Errorf("ListAdminKeys = %+v, %v", ks, err)
	}
}
