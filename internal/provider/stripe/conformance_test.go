package stripe

import (
	"context"
	"strings"
	"testing"

	"github.com/kassapay/kassa/internal/provider"
	"github.com/kassapay/kassa/internal/provider/providertest"
	"github.com/kassapay/kassa/internal/provider/stripe/stripemock"
)

// TestConformance runs the provider suite against the connector talking to a real stripe-mock, which checks every
// request against Stripe's OpenAPI description. stripe-mock answers fixtures: it approves everything and remembers
// nothing, so the tests that need a decline or a replay say so and skip; recorder_test.go covers those with
// recorded Stripe answers.
func TestConformance(t *testing.T) {
	t.Parallel()
	base := stripemock.Start(t)
	p := New(Options{SecretKey: "sk_test_kassaConformance", APIBaseURL: base})
	providertest.Run(t, p, providertest.CardSet{
		Currency: "USD",
		Approve:  provider.Card{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2034, CVV: "123", Name: "Test Customer"},
		Limits: providertest.Limits{
			NoDeclines: "stripe-mock approves every card (stateless fixtures); declines are tested with recorded answers",
			NoMemory:   "stripe-mock does not remember idempotency keys; replays are tested with recorded answers",
		},
	})
	t.Run("CheckoutSession", func(t *testing.T) {
		t.Parallel()
		session, err := p.CreateCheckoutSession(context.Background(), HostedRequest{IdempotencyKey: providertest.NewKey(),
			Amount: 2500, Currency: "EUR", Description: "Order 42", SuccessURL: "https://pay.example/return",
			CancelURL: "https://pay.example/cancel", CaptureManual: true})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(session.ID, "cs_") || !strings.HasPrefix(session.URL, "https://checkout.stripe.com/") {
			t.Errorf("session %+v", session)
		}
		// stripe-mock's session shows its fixture PaymentIntent, authorized.
		res, pi, err := p.CheckoutOutcome(context.Background(), session.ID)
		if err != nil || res.Status != provider.StatusSucceeded || pi == "" || res.ProviderTransactionID != pi {
			t.Errorf("outcome: %+v, %q, %v", res, pi, err)
		}
	})
}
