package stripe

import (
	"testing"
	"time"

	"github.com/kassapay/kassa/internal/provider"
	"github.com/kassapay/kassa/internal/provider/providertest"
)

func card(number, cvv string) *provider.Card {
	return &provider.Card{Number: number, ExpMonth: 12, ExpYear: 2034, CVV: cvv, Name: "Test Customer"}
}

// TestConformanceWithRecordedAnswers runs the whole provider suite, declines, replays, recovery without CVV and
// timeouts included, against fakeStripe, which answers as Stripe does and remembers what stripe-mock forgets.
func TestConformanceWithRecordedAnswers(t *testing.T) {
	t.Parallel()
	f := newFakeStripe(t)
	providertest.Run(t, f.connector(300*time.Millisecond), providertest.CardSet{
		Currency: "USD",
		Approve:  *card(cardVisa, "123"),
		Decline:  *card(cardDecline, "123"),
		Timeout:  *card(cardHangs, "123"),
	})
}
