package stripe

import (
	"testing"

	"github.com/kassapay/kassa/internal/provider"
	"github.com/kassapay/kassa/internal/provider/providertest"
)

// TestConformance runs the provider suite against the connector talking to a real stripe-mock, which checks every
// request against Stripe's OpenAPI description. stripe-mock answers fixtures: it approves everything and remembers
// nothing, so the tests that need a decline or a replay say so and skip; recorder_test.go covers those with
// recorded Stripe answers.
func TestConformance(t *testing.T) {
	t.Parallel()
	base := startStripeMock(t)
	p := New(Options{SecretKey: "sk_test_kassaConformance", APIBaseURL: base})
	providertest.Run(t, p, providertest.CardSet{
		Currency: "USD",
		Approve:  provider.Card{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2034, CVV: "123", Name: "Test Customer"},
		Limits: providertest.Limits{
			NoDeclines: "stripe-mock approves every card (stateless fixtures); declines are tested with recorded answers",
			NoMemory:   "stripe-mock does not remember idempotency keys; replays are tested with recorded answers",
		},
	})
}
