package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/provider/sandbox"
	"github.com/kassapay/kassa/internal/store/storetest"
	"github.com/kassapay/kassa/internal/webtest"
)

// TestRememberThisCard: the hosted page offers "remember this card", off by default; a successful payment with it
// saves the card to the wallet of the payment's e-mail with the merchant's consent and sends payment_method.saved;
// a payment without it, or a declined one with it, saves nothing; asking to remember without an e-mail is refused
// naming the field. The saved card carries brand, last 4 and expiry, and (as everywhere) no number in clear.
func TestRememberThisCard(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, br := webtest.Setup(t, b, kassatest.Options{})
		ctx := context.Background()
		id := webtest.NewSession(t, e, "cs", "ORDER-W1")
		page := br.Get("/checkout/" + id)
		webtest.WantContains(t, "the form", page, `type="checkbox" name="remember" value="1"`, "Remember this card")
		if strings.Contains(page.Body, `name="remember" value="1" checked`) || !strings.Contains(page.Body, `<label for="remember">`) {
			t.Error("remember is checked by default, or has no label")
		}

		// Remember without an e-mail: refused, naming the field, nothing paid.
		form := webtest.Card(sandbox.CardVisa)
		form.Set("remember", "1")
		form.Del("email")
		p := br.Post("/checkout/"+id+"/pay", form)
		webtest.WantStatus(t, "remember without e-mail", p, http.StatusBadRequest)
		webtest.WantContains(t, "remember without e-mail", p, "Enter your email to remember the card", `name="remember" value="1" checked`)

		// Declined with remember: nothing saved.
		form = webtest.Card(sandbox.CardDecline)
		form.Set("remember", "1")
		webtest.WantStatus(t, "declined", br.Post("/checkout/"+id+"/pay", form), http.StatusPaymentRequired)
		if sh, err := e.Store.GetShopperByEmail(ctx, "jane@example.com"); err == nil {
			if cards, _ := e.Store.ListWalletCards(ctx, sh.ID, false); len(cards) != 0 {
				t.Errorf("a declined payment saved %d cards", len(cards))
			}
		}

		// Paid with remember: the card is in the shopper's wallet, consented to the merchant, and the event is sent.
		form = webtest.Card(sandbox.CardVisa)
		form.Set("remember", "1")
		form.Set("email", "Jane@Example.com")
		webtest.WantStatus(t, "pay", br.Post("/checkout/"+id+"/pay", form), http.StatusSeeOther)
		sh, err := e.Store.GetShopperByEmail(ctx, "jane@example.com")
		if err != nil {
			t.Fatalf("no shopper after a remembered payment: %v", err)
		}
		cards, err := e.Store.ListWalletCards(ctx, sh.ID, false)
		if err != nil || len(cards) != 1 {
			t.Fatalf("saved cards: %v %v", cards, err)
		}
		d := cards[0].Sealed.Display
		if d.Last4 != "4242" || d.Brand != "visa" || d.ExpMonth != 12 || d.ExpYear != 2034 || len(cards[0].Sealed.Ciphertext) == 0 {
			t.Errorf("the saved card: %+v", cards[0])
		}
		mid := e.Merchant.Merchant.ID
		if c, err := e.Store.GetWalletConsent(ctx, cards[0].ID, mid); err != nil || c.RevokedAt != nil || c.ClientIP == "" {
			t.Errorf("the merchant's consent: %+v %v", c, err)
		}
		if n := eventCount(t, br, "payment_method.saved", cards[0].ID); n != 1 {
			t.Errorf("%d payment_method.saved events, want 1", n)
		}

		// The same card remembered again at another checkout is not saved twice.
		id2 := webtest.NewSession(t, e, "cs", "ORDER-W2")
		webtest.WantStatus(t, "pay again", br.Post("/checkout/"+id2+"/pay", form), http.StatusSeeOther)
		if again, _ := e.Store.ListWalletCards(ctx, sh.ID, false); len(again) != 1 {
			t.Errorf("the same card remembered twice: %d saved cards", len(again))
		}

		// Without remember nothing is saved.
		id3 := webtest.NewSession(t, e, "cs", "ORDER-W3")
		plain := webtest.Card(sandbox.CardMastercard)
		plain.Set("email", "other@example.com")
		webtest.WantStatus(t, "pay without remember", br.Post("/checkout/"+id3+"/pay", plain), http.StatusSeeOther)
		if _, err := e.Store.GetShopperByEmail(ctx, "other@example.com"); err == nil {
			t.Error("a payment without remember made a shopper")
		}
	})
}
