package gateway_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/mail"
	"github.com/kassapay/kassa/internal/mail/mailpit"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/provider/sandbox"
	"github.com/kassapay/kassa/internal/store/storetest"
	"github.com/kassapay/kassa/internal/wallet"
)

func errCode(t *testing.T, err error) string {
	t.Helper()
	ge, ok := gateway.AsError(err)
	if !ok {
		t.Fatalf("not a gateway error: %v", err)
	}
	return ge.Code
}

// TestWalletCodeByEmail signs a shopper in with a code e-mailed through a real SMTP server (mailpit) and read back
// from it: the code works once, a wrong one and an expired one get the same answer, the fifth wrong try spends the
// code, and a fourth code to one address within ten minutes is refused.
func TestWalletCodeByEmail(t *testing.T) {
	t.Parallel()
	mp := mailpit.Start(t)
	sender, err := mail.ParseURL(mp.SMTPURL, "Kassa <codes@kassa.test>")
	if err != nil {
		t.Fatal(err)
	}
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{Mail: sender, LiveMode: true})
		ctx := context.Background()
		addr := "ada-" + b.Name + "@example.com"
		sent, err := e.Gateway.SendWalletCode(ctx, "  Ada-"+strings.ToUpper(b.Name)+"@Example.com ", "192.0.2.10", true)
		if err != nil || sent.Email != addr || sent.ShowCode != "" {
			t.Fatalf("SendWalletCode = %+v, %v (with SMTP the code is e-mailed, never shown)", sent, err)
		}
		msg := mp.WaitMessage(t, addr, 1)
		code := mailpit.Code(msg.Text)
		if code == "" || !strings.Contains(msg.Subject, code) {
			t.Fatalf("the e-mail has no code: %+v", msg)
		}
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		if _, _, err := e.Gateway.VerifyWalletCode(ctx, addr, wrong); errCode(t, err) != "code_invalid" {
			t.Errorf("a wrong code: %v", err)
		}
		sh, token, err := e.Gateway.VerifyWalletCode(ctx, addr, code)
		if err != nil || sh.Email != addr || !strings.HasPrefix(sh.ID, "shp_") || token == "" {
			t.Fatalf("the right code: %+v %q %v", sh, token, err)
		}
		if got, err := e.Gateway.WalletShopper(ctx, token); err != nil || got.ID != sh.ID {
			t.Errorf("the session's shopper: %+v %v", got, err)
		}
		if _, _, err := e.Gateway.VerifyWalletCode(ctx, addr, code); errCode(t, err) != "code_invalid" {
			t.Errorf("the same code again: %v", err)
		}

		// Five wrong tries spend a code: the right digits after them get the same answer as a wrong code.
		if _, err := e.Gateway.SendWalletCode(ctx, addr, "192.0.2.10", true); err != nil {
			t.Fatal(err)
		}
		second := mailpit.Code(mp.WaitMessage(t, addr, 2).Text)
		for range wallet.CodeTries {
			e.Gateway.VerifyWalletCode(ctx, addr, wrong) //nolint:errcheck
		}
		if _, _, err := e.Gateway.VerifyWalletCode(ctx, addr, second); errCode(t, err) != "code_invalid" {
			t.Errorf("the right code after %d wrong tries: %v", wallet.CodeTries, err)
		}

		// An expired code gets the same answer; a third code within ten minutes goes out, a fourth does not.
		if _, err := e.Gateway.SendWalletCode(ctx, addr, "192.0.2.10", true); err != nil {
			t.Fatal(err)
		}
		third := mailpit.Code(mp.WaitMessage(t, addr, 3).Text)
		if _, err := e.Gateway.SendWalletCode(ctx, addr, "192.0.2.10", true); errCode(t, err) != "too_many_codes" {
			t.Errorf("a fourth code in ten minutes: %v", err)
		}
		e.Clock.Advance(wallet.CodeTTL + time.Second)
		if _, _, err := e.Gateway.VerifyWalletCode(ctx, addr, third); errCode(t, err) != "code_invalid" {
			t.Errorf("an expired code: %v", err)
		}
		if _, err := e.Gateway.SendWalletCode(ctx, addr, "192.0.2.10", true); err != nil {
			t.Errorf("a code after the window: %v", err)
		}
		if err := e.Gateway.SignOutWallet(ctx, token); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Gateway.WalletShopper(ctx, token); errCode(t, err) != "wallet_signed_out" {
			t.Errorf("after sign-out: %v", err)
		}
	})
}

// TestWalletCodeWithoutSMTP: a zero-config instance shows the code in test mode (for the page's TEST banner) and
// does not offer the wallet in live mode; a bad e-mail is refused naming the field.
func TestWalletCodeWithoutSMTP(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{LiveMode: true})
		ctx := context.Background()
		if !e.Gateway.WalletAvailable(false) || e.Gateway.WalletAvailable(true) {
			t.Error("without SMTP the wallet is offered in test mode only")
		}
		sent, err := e.Gateway.SendWalletCode(ctx, "bob@example.com", "192.0.2.11", false)
		if err != nil || len(sent.ShowCode) != wallet.CodeDigits {
			t.Fatalf("test mode without SMTP: %+v %v", sent, err)
		}
		_, token, err := e.Gateway.VerifyWalletCode(ctx, "bob@example.com", sent.ShowCode)
		if err != nil {
			t.Errorf("the shown code: %v", err)
		}
		// The reaper deletes expired codes and sessions, and nothing before they expire.
		if codes, sessions, err := e.Gateway.ReapWallet(ctx); err != nil || codes != 0 || sessions != 0 {
			t.Errorf("reaping before expiry: %d codes, %d sessions, %v", codes, sessions, err)
		}
		e.Clock.Advance(wallet.SessionTTL + time.Second)
		if codes, sessions, err := e.Gateway.ReapWallet(ctx); err != nil || codes != 1 || sessions != 1 {
			t.Errorf("reaping after expiry: %d codes, %d sessions, %v; want 1 and 1", codes, sessions, err)
		}
		if _, err := e.Gateway.WalletShopper(ctx, token); errCode(t, err) != "wallet_signed_out" {
			t.Errorf("a reaped session: %v", err)
		}
		if _, err := e.Gateway.SendWalletCode(ctx, "bob@example.com", "192.0.2.11", true); errCode(t, err) != "wallet_unavailable" {
			t.Errorf("live mode without SMTP: %v", err)
		}
		// Ten codes from one IP in ten minutes (the earlier one is half an hour old now), then that IP is refused;
		// other addresses are not.
		for i := range wallet.CodesPerIP {
			if _, err := e.Gateway.SendWalletCode(ctx, fmt.Sprintf("ip-%d@example.com", i), "192.0.2.11", false); err != nil {
				t.Fatalf("code %d from one IP: %v", i+1, err)
			}
		}
		if _, err := e.Gateway.SendWalletCode(ctx, "one-more@example.com", "192.0.2.11", false); errCode(t, err) != "too_many_codes" {
			t.Errorf("an eleventh code from one IP: %v", err)
		}
		if _, err := e.Gateway.SendWalletCode(ctx, "one-more@example.com", "198.51.100.1", false); err != nil {
			t.Errorf("a code from another IP: %v", err)
		}
		// An unknown address is not one shared IP: only the e-mail limit applies.
		for i := range wallet.CodesPerIP + 1 {
			if _, err := e.Gateway.SendWalletCode(ctx, fmt.Sprintf("no-ip-%d@example.com", i), "", false); err != nil {
				t.Fatalf("code %d without a client address: %v", i+1, err)
			}
		}
		_, err = e.Gateway.SendWalletCode(ctx, "not-an-address", "192.0.2.11", false)
		if ge, ok := gateway.AsError(err); !ok || ge.Code != "email_invalid" || ge.Param != "email" {
			t.Errorf("a bad e-mail: %v", err)
		}
	})
}

// TestWalletCodeGuessesAtOnce: many wrong guesses in parallel never get more than wallet.CodeTries comparisons, so
// the right code sent after them fails like any other.
func TestWalletCodeGuessesAtOnce(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		ctx := context.Background()
		sent, err := e.Gateway.SendWalletCode(ctx, "carol@example.com", "192.0.2.12", false)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for i := range 40 {
			wg.Go(func() {
				guess := strings.Repeat(string(rune('0'+i%10)), wallet.CodeDigits)
				if guess != sent.ShowCode {
					e.Gateway.VerifyWalletCode(ctx, "carol@example.com", guess) //nolint:errcheck
				}
			})
		}
		wg.Wait()
		if _, _, err := e.Gateway.VerifyWalletCode(ctx, "carol@example.com", sent.ShowCode); errCode(t, err) != "code_invalid" {
			t.Errorf("the right code after 40 parallel guesses: %v", err)
		}
	})
}

func remembered(number string) gateway.CardInput {
	c := card(number)
	c.Remember = true
	return c
}

// TestRememberedCardSavedByRecovery: a remembered payment whose provider answer is lost saves nothing while pending;
// the recovery job's outcome saves the card and its consent once, and recovering again saves nothing more.
func TestRememberedCardSavedByRecovery(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{Provider: &lossyProvider{Provider: sandbox.New(sandbox.Options{})}})
		ctx := context.Background()
		s := newSession(t, e, authOf(t, e), "ORDER-REMEMBER-LOST")
		res, err := e.Gateway.PaySession(ctx, s.ID, remembered(sandbox.CardVisa), "dana@example.com", "", "192.0.2.20")
		if err != nil || res.Payment.Status != payment.StatusPending {
			t.Fatalf("lost answer: %v %s", err, res.Payment.Status)
		}
		if _, err := e.Store.GetShopperByEmail(ctx, "dana@example.com"); err == nil {
			t.Error("a pending payment saved the card")
		}
		for range 2 {
			if err := e.Gateway.RecoverPayment(ctx, res.Payment.ID); err != nil {
				t.Fatal(err)
			}
		}
		sh, err := e.Store.GetShopperByEmail(ctx, "dana@example.com")
		if err != nil {
			t.Fatalf("recovered payment, no shopper: %v", err)
		}
		cards, _ := e.Store.ListWalletCards(ctx, sh.ID, false)
		if len(cards) != 1 {
			t.Fatalf("%d saved cards after recovery, want 1", len(cards))
		}
		if c, err := e.Store.GetWalletConsent(ctx, cards[0].ID, e.Merchant.Merchant.ID); err != nil || c.ClientIP != "192.0.2.20" {
			t.Errorf("consent after recovery: %+v %v", c, err)
		}
	})
}

// TestCardRememberedTwiceAtOnce: payments at several merchants remembering one card for one e-mail at the same
// moment all succeed and leave one saved card with each merchant's consent (on PostgreSQL a later insert meets the
// first one's row without aborting its transaction).
func TestCardRememberedTwiceAtOnce(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		ctx := context.Background()
		var auths []gateway.Auth
		for i := range 6 {
			_, sk, _ := e.NewMerchant(fmt.Sprintf("Shop %d", i), fmt.Sprintf("owner%d@shop.example", i))
			a, err := e.Gateway.Authenticate(ctx, sk)
			if err != nil {
				t.Fatal(err)
			}
			auths = append(auths, a)
		}
		var wg sync.WaitGroup
		results := make([]gateway.PayResult, len(auths))
		errs := make([]error, len(results))
		for i := range results {
			s := newSession(t, e, auths[i], fmt.Sprintf("ORDER-TWICE-%d", i))
			wg.Go(func() {
				results[i], errs[i] = e.Gateway.PaySession(ctx, s.ID, remembered(sandbox.CardVisa), "erin@example.com", "", "192.0.2.21")
			})
		}
		wg.Wait()
		for i := range results {
			if errs[i] != nil || results[i].Payment.Status != payment.StatusCaptured {
				t.Errorf("payment %d: %v %s", i, errs[i], results[i].Payment.Status)
			}
		}
		sh, err := e.Store.GetShopperByEmail(ctx, "erin@example.com")
		if err != nil {
			t.Fatal(err)
		}
		cards, _ := e.Store.ListWalletCards(ctx, sh.ID, false)
		if len(cards) != 1 {
			t.Fatalf("%d saved cards, want 1", len(cards))
		}
		for _, a := range auths {
			if _, err := e.Store.GetWalletConsent(ctx, cards[0].ID, a.Merchant.ID); err != nil {
				t.Errorf("no consent for %s: %v", a.Merchant.ID, err)
			}
		}
	})
}
