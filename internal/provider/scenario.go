package provider

// Scenario forces the outcome of an operation in test mode: the hosted page shows one chip per scenario
// (docs/architecture.md §10), and the API accepts the same values. The sandbox obeys it whatever the card or VPA; real
// providers ignore it.
type Scenario string

const (
	// ScenarioNone lets the card or VPA decide.
	ScenarioNone Scenario = ""
	// ScenarioApprove: approved ("00").
	ScenarioApprove Scenario = "approve"
	// ScenarioDecline: declined, do not honor ("05").
	ScenarioDecline Scenario = "decline"
	// ScenarioInsufficientFunds: declined, insufficient funds ("51").
	ScenarioInsufficientFunds Scenario = "insufficient_funds"
	// ScenarioExpiredCard: declined, expired card ("54").
	ScenarioExpiredCard Scenario = "expired_card"
	// ScenarioProviderError: failed, processing error ("96"), with no provider transaction.
	ScenarioProviderError Scenario = "provider_error"
	// ScenarioTimeout: no answer (ErrTimeout), with no provider transaction; recorded as "TIMEOUT" when the caller
	// gives up.
	ScenarioTimeout Scenario = "timeout"
)

// Scenarios returns the scenarios a test-mode page offers, in the order of its chips.
func Scenarios() []Scenario {
	return []Scenario{ScenarioApprove, ScenarioDecline, ScenarioInsufficientFunds, ScenarioExpiredCard,
		ScenarioProviderError, ScenarioTimeout}
}

// Valid reports whether s is ScenarioNone or one of Scenarios.
func (s Scenario) Valid() bool {
	switch s {
	case ScenarioNone, ScenarioApprove, ScenarioDecline, ScenarioInsufficientFunds, ScenarioExpiredCard,
		ScenarioProviderError, ScenarioTimeout:
		return true
	}
	return false
}
