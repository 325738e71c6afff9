package web

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kassapay/kassa/internal/checkout"
	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/provider"
	"github.com/kassapay/kassa/internal/provider/sandbox"
)

// declineReasons word a declined attempt by its decline code (Session.FailureCode).
var declineReasons = map[string]string{
	provider.DeclineDoNotHonor:        "Your card was declined. Try another card.",
	provider.DeclineInsufficientFunds: "Your card was declined: insufficient funds. Try another card.",
	provider.DeclineExpiredCard:       "Your card was declined: the card has expired. Try another card.",
	provider.DeclineIncorrectCVC:      "Your card was declined: the security code does not match. Check it, or try another card.",
	provider.DeclineIncorrectNumber:   "Your card was declined: the card number is not right. Check it, or try another card.",
	provider.DeclineProcessingError:   "The card network could not process the payment, and you were not charged. Try again, or use another card.",
	provider.DeclineTimeout:           "The card network did not answer in time, and you were not charged. Try again, or use another card.",
	gateway.DeclineFraudulent:         "Your card was declined. Try another card.",
}

// declineMessage is the human message of a session's last failed attempt.
func declineMessage(s checkout.Session) string {
	if msg, ok := declineReasons[s.FailureCode]; ok {
		return msg
	}
	if s.FailureMessage != "" {
		r, size := utf8.DecodeRuneInString(s.FailureMessage)
		return "Your card was declined: " + string(unicode.ToLower(r)) + s.FailureMessage[size:] + ". Try another card."
	}
	return "Your card was declined. Try another card."
}

// attemptsLeft says how many more declines the session takes before it locks.
func attemptsLeft(s checkout.Session) string {
	n := checkout.MaxFailedAttempts - s.FailedAttempts
	if n == 1 {
		return "1 attempt left."
	}
	return strconv.Itoa(n) + " attempts left."
}

// chip is a test-mode scenario radio button.
type chip struct {
	Value, Label string
	Checked      bool
}

// scenarioLabels are the chips' names (docs/architecture.md §10), in provider.Scenarios order.
var scenarioLabels = map[provider.Scenario]string{
	provider.ScenarioApprove:           "Approve",
	provider.ScenarioDecline:           "Decline",
	provider.ScenarioInsufficientFunds: "Insufficient funds",
	provider.ScenarioExpiredCard:       "Expired card",
	provider.ScenarioProviderError:     "Provider error",
	provider.ScenarioTimeout:           "Timeout",
}

// chipsFor returns the chips with selected checked; the first, "the card decides", is the default.
func chipsFor(selected string) []chip {
	chips := []chip{{Value: "", Label: "Use the card's own outcome"}}
	for _, sc := range provider.Scenarios() {
		chips = append(chips, chip{Value: string(sc), Label: scenarioLabels[sc]})
	}
	found := false
	for i := range chips {
		if chips[i].Value == selected {
			chips[i].Checked, found = true, true
		}
	}
	if !found {
		chips[0].Checked = true
	}
	return chips
}

// testCard is a row of the test-mode hint box.
type testCard struct {
	Number, Outcome string
}

// testCards are the sandbox's documented cards, grouped as printed on cards. The fraud card is declined by the
// gateway's fraud rules (test mode), not by the sandbox, which only flags it.
var testCards = []testCard{
	{grouped(sandbox.CardVisa), "Approved (Visa)"},
	{grouped(sandbox.CardMastercard), "Approved (Mastercard)"},
	{grouped(sandbox.CardAmex), "Approved (American Express, 4-digit CVV)"},
	{grouped(sandbox.CardDiscover), "Approved (Discover)"},
	{grouped(sandbox.CardDecline), "Declined: do not honor"},
	{grouped(sandbox.CardInsufficientFunds), "Declined: insufficient funds"},
	{grouped(sandbox.CardExpired), "Declined: expired card"},
	{grouped(sandbox.CardCVVMismatch), "Declined: CVV mismatch"},
	{grouped(sandbox.CardProcessingError), "Failed: processing error"},
	{grouped(sandbox.CardTimeout), "No answer: the payment stays pending"},
	{grouped(sandbox.CardFraud), "Declined: high fraud risk (fraud rules)"},
}

// grouped prints a card number in the groups it has on the card: 4-6-5 for 15 digits (Amex), fours otherwise.
func grouped(number string) string {
	sizes := []int{4, 4, 4, 4, 4}
	if len(number) == 15 {
		sizes = []int{4, 6, 5}
	}
	var parts []string
	for _, n := range sizes {
		if len(number) == 0 {
			break
		}
		n = min(n, len(number))
		parts = append(parts, number[:n])
		number = number[n:]
	}
	return strings.Join(parts, " ")
}
