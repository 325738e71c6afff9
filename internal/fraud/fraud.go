// Package fraud scores a card payment attempt before it reaches a provider. It is pure and explainable: the gateway
// gathers the signals (earlier attempts by the same card, IP and email, the merchant's typical amount, blocklist
// matches) into an Input, and Assess turns them into a score from 0 to 100, a decision, and one Reason per rule that
// fired, each saying how many points it added and why.
//
// Rules and their default weights (points when a rule fires fully; some rules fire at half weight first):
//
//	blocklist            100  the card, email, IP or BIN is on the merchant's blocklist
//	sandbox_fraud_card    85  test mode and the documented fraud card
//	card_velocity         30  many attempts with one card (half: 2/min or 5/h; full: 3/min, 10/h or 25/day)
//	ip_velocity           40  many attempts from one IP (half: 5/min or 20/h; full: 10/min, 50/h or 200/day)
//	email_velocity        20  many attempts with one email (half: 5/h; full: 3/min, 10/h or 30/day)
//	many_cards_per_ip     40  distinct cards from one IP in an hour (half: 3; full: 5)
//	repeated_declines     30  declines for this card, IP or email in 24 h (half: 3; full: 5)
//	amount_outlier        25  amount far above the merchant's typical amount (half: 5×; full: 10×), once ≥ 10
//	                          earlier payments give a typical amount
//
// The decision is decline when the score is above the decline threshold (default 70), review when it is at or above
// the review threshold (default 40), approve otherwise. Thresholds and weights are merchant settings.
package fraud

import (
	"errors"
	"fmt"
	"net/mail"
	"net/netip"
	"sort"
	"strings"

	"github.com/kassapay/kassa/internal/field"
)

// Rule names one scoring rule.
type Rule string

// The rules Assess applies.
const (
	RuleBlocklist        Rule = "blocklist"
	RuleSandboxFraudCard Rule = "sandbox_fraud_card"
	RuleCardVelocity     Rule = "card_velocity"
	RuleIPVelocity       Rule = "ip_velocity"
	RuleEmailVelocity    Rule = "email_velocity"
	RuleManyCardsPerIP   Rule = "many_cards_per_ip"
	RuleRepeatedDeclines Rule = "repeated_declines"
	RuleAmountOutlier    Rule = "amount_outlier"
)

// Rules lists every rule in the order Assess reports them.
func Rules() []Rule {
	return []Rule{RuleBlocklist, RuleSandboxFraudCard, RuleCardVelocity, RuleIPVelocity, RuleEmailVelocity,
		RuleManyCardsPerIP, RuleRepeatedDeclines, RuleAmountOutlier}
}

// Valid reports whether r is a known rule.
func (r Rule) Valid() bool {
	for _, k := range Rules() {
		if r == k {
			return true
		}
	}
	return false
}

// Decision is what the gateway does with a scored attempt.
type Decision string

const (
	// DecisionApprove: the attempt goes to the provider.
	DecisionApprove Decision = "approve"
	// DecisionReview: the attempt goes to the provider, and the payment is flagged for the merchant to look at.
	DecisionReview Decision = "review"
	// DecisionDecline: the attempt is refused without a provider call (402, decline code "fraudulent").
	DecisionDecline Decision = "decline"
)

// Counts are earlier attempts in sliding windows that end now; the attempt being scored is not included.
type Counts struct{ Minute, Hour, Day int }

// BlockKind is what a blocklist entry matches.
type BlockKind string

// Blocklist entry kinds.
const (
	BlockCardFingerprint BlockKind = "card_fingerprint"
	BlockEmail           BlockKind = "email"
	BlockIP              BlockKind = "ip"
	BlockBIN             BlockKind = "bin"
)

// BlockKinds lists every kind.
func BlockKinds() []BlockKind {
	return []BlockKind{BlockCardFingerprint, BlockEmail, BlockIP, BlockBIN}
}

// Valid reports whether k is a known kind.
func (k BlockKind) Valid() bool {
	for _, x := range BlockKinds() {
		if k == x {
			return true
		}
	}
	return false
}

// Errors of NormalizeBlockValue.
var (
	ErrBlockKind        = errors.New("must be one of card_fingerprint, email, ip, bin")
	ErrBlockFingerprint = errors.New("must be a card fingerprint: 64 hexadecimal characters")
	ErrBlockEmail       = errors.New("must be an email address")
	ErrBlockIP          = errors.New("must be an IPv4 or IPv6 address")
	ErrBlockBIN         = errors.New("must be the first 6 to 8 digits of a card number")
)

// NormalizeBlockValue validates a blocklist value of kind k and returns its canonical form, the one the gateway
// compares with: a fingerprint in lower-case hex, an email in lower case, an IP as netip prints it (IPv4-mapped IPv6
// addresses unmapped), a BIN as digits.
func NormalizeBlockValue(k BlockKind, v string) (string, error) {
	v = strings.TrimSpace(v)
	switch k {
	case BlockCardFingerprint:
		v = strings.ToLower(v)
		if len(v) != 64 || strings.Trim(v, "0123456789abcdef") != "" {
			return "", ErrBlockFingerprint
		}
		return v, nil
	case BlockEmail:
		v = strings.ToLower(v)
		a, err := mail.ParseAddress(v)
		if err != nil || a.Address != v || a.Name != "" {
			return "", ErrBlockEmail
		}
		return v, nil
	case BlockIP:
		a, err := netip.ParseAddr(v)
		if err != nil || a.Zone() != "" {
			return "", ErrBlockIP
		}
		return a.Unmap().String(), nil
	case BlockBIN:
		if len(v) < 6 || len(v) > 8 || strings.Trim(v, "0123456789") != "" {
			return "", ErrBlockBIN
		}
		return v, nil
	}
	return "", ErrBlockKind
}

// BlockMatch is a blocklist entry that matched the attempt. Value is the canonical value (never a card number).
type BlockMatch struct {
	Kind  BlockKind
	Value string
}

// Input is everything Assess looks at, gathered by the gateway before the provider call.
type Input struct {
	// Amount is the attempt's amount; TypicalAmount the merchant's median amount in the same currency over recent
	// payments (0 when there is no history), computed from TypicalSample payments.
	Amount        int64
	TypicalAmount int64
	TypicalSample int
	// Card, IP and Email count earlier attempts with this card fingerprint, from this client IP and with this
	// customer email.
	Card, IP, Email Counts
	// DistinctCardsFromIP counts distinct card fingerprints used from this IP in the last hour, this one included.
	DistinctCardsFromIP int
	// RecentDeclines counts declined attempts for this card, IP or email in the last 24 hours.
	RecentDeclines int
	// Blocked are the merchant's blocklist entries that match this attempt.
	Blocked []BlockMatch
	// SandboxFraudCard is set in test mode for the documented fraud card (docs/architecture.md §10).
	SandboxFraudCard bool
}

// Settings are a merchant's thresholds and rule weights.
type Settings struct {
	// ReviewThreshold: scores at or above it are flagged for review.
	ReviewThreshold int `json:"review_threshold"`
	// DeclineThreshold: scores above it are declined without a provider call. 100 never declines.
	DeclineThreshold int `json:"decline_threshold"`
	// Weights are the points each rule adds when it fires fully; 0 turns a rule off.
	Weights map[Rule]int `json:"weights"`
}

// Default thresholds.
const (
	DefaultReviewThreshold  = 40
	DefaultDeclineThreshold = 70
)

var defaultWeights = map[Rule]int{
	RuleBlocklist:        100,
	RuleSandboxFraudCard: 85,
	RuleCardVelocity:     30,
	RuleIPVelocity:       40,
	RuleEmailVelocity:    20,
	RuleManyCardsPerIP:   40,
	RuleRepeatedDeclines: 30,
	RuleAmountOutlier:    25,
}

// DefaultSettings returns the thresholds and weights a merchant starts with.
func DefaultSettings() Settings {
	w := make(map[Rule]int, len(defaultWeights))
	for r, p := range defaultWeights {
		w[r] = p
	}
	return Settings{ReviewThreshold: DefaultReviewThreshold, DeclineThreshold: DefaultDeclineThreshold, Weights: w}
}

// WithDefaults returns s with every missing weight, and zero thresholds, taken from DefaultSettings. A weight set to
// 0 explicitly stays 0.
func (s Settings) WithDefaults() Settings {
	d := DefaultSettings()
	out := Settings{ReviewThreshold: s.ReviewThreshold, DeclineThreshold: s.DeclineThreshold, Weights: d.Weights}
	if out.ReviewThreshold == 0 {
		out.ReviewThreshold = d.ReviewThreshold
	}
	if out.DeclineThreshold == 0 {
		out.DeclineThreshold = d.DeclineThreshold
	}
	for r, p := range s.Weights {
		out.Weights[r] = p
	}
	return out
}

// Validate checks 1 ≤ review_threshold ≤ decline_threshold ≤ 100 and that every weight names a known rule and lies
// in 0–100. The error is a *field.Error naming the first problem ("decline_threshold", "weights.card_velocity").
func (s Settings) Validate() error {
	if s.ReviewThreshold < 1 || s.ReviewThreshold > 100 {
		return &field.Error{Field: "review_threshold", Err: errors.New("must be between 1 and 100")}
	}
	if s.DeclineThreshold < 1 || s.DeclineThreshold > 100 {
		return &field.Error{Field: "decline_threshold", Err: errors.New("must be between 1 and 100")}
	}
	if s.ReviewThreshold > s.DeclineThreshold {
		return &field.Error{Field: "review_threshold", Err: errors.New("must not be above decline_threshold")}
	}
	rules := make([]string, 0, len(s.Weights))
	for r := range s.Weights {
		rules = append(rules, string(r))
	}
	sort.Strings(rules)
	for _, r := range rules {
		if !Rule(r).Valid() {
			return &field.Error{Field: "weights." + r, Err: errors.New("is not a rule (rules: " + ruleList() + ")")}
		}
		if p := s.Weights[Rule(r)]; p < 0 || p > 100 {
			return &field.Error{Field: "weights." + r, Err: errors.New("must be between 0 and 100")}
		}
	}
	return nil
}

func ruleList() string {
	names := make([]string, 0, len(Rules()))
	for _, r := range Rules() {
		names = append(names, string(r))
	}
	return strings.Join(names, ", ")
}

// Reason is one rule that fired: how many points it added, and why in words a merchant understands.
type Reason struct {
	Rule    Rule   `json:"rule"`
	Points  int    `json:"points"`
	Message string `json:"message"`
}

// Assessment is Assess's verdict.
type Assessment struct {
	Score    int
	Decision Decision
	Reasons  []Reason
}

// Assess scores in under s (missing settings take their defaults). Reasons come in the order of Rules; a rule with
// weight 0 never fires.
func Assess(in Input, s Settings) Assessment {
	s = s.WithDefaults()
	var a Assessment
	fire := func(r Rule, full bool, message string) {
		points := s.Weights[r]
		if !full {
			points /= 2
		}
		if points <= 0 {
			return
		}
		a.Score += points
		a.Reasons = append(a.Reasons, Reason{Rule: r, Points: points, Message: message})
	}

	if len(in.Blocked) > 0 {
		kinds := make([]string, 0, len(in.Blocked))
		for _, b := range in.Blocked {
			kinds = append(kinds, blockLabel(b.Kind))
		}
		fire(RuleBlocklist, true, "on the merchant's blocklist: "+strings.Join(dedupe(kinds), ", "))
	}
	if in.SandboxFraudCard {
		fire(RuleSandboxFraudCard, true, "test card that always scores as fraud")
	}
	if full, half, msg := velocity(in.Card, 3, 10, 25, 2, 5, "with this card"); full || half {
		fire(RuleCardVelocity, full, msg)
	}
	if full, half, msg := velocity(in.IP, 10, 50, 200, 5, 20, "from this IP address"); full || half {
		fire(RuleIPVelocity, full, msg)
	}
	if full, half, msg := velocity(in.Email, 3, 10, 30, 0, 5, "with this email address"); full || half {
		fire(RuleEmailVelocity, full, msg)
	}
	if n := in.DistinctCardsFromIP; n >= 3 {
		fire(RuleManyCardsPerIP, n >= 5, fmt.Sprintf("%d different cards from this IP address in the last hour", n))
	}
	if n := in.RecentDeclines; n >= 3 {
		fire(RuleRepeatedDeclines, n >= 5, fmt.Sprintf("%d declined attempts for this card, IP or email in the last 24 hours", n))
	}
	if in.TypicalSample >= 10 && in.TypicalAmount > 0 && in.Amount/in.TypicalAmount >= 5 {
		ratio := in.Amount / in.TypicalAmount
		fire(RuleAmountOutlier, ratio >= 10, fmt.Sprintf("amount is %d× the merchant's typical amount", ratio))
	}

	if a.Score > 100 {
		a.Score = 100
	}
	switch {
	case a.Score > s.DeclineThreshold:
		a.Decision = DecisionDecline
	case a.Score >= s.ReviewThreshold:
		a.Decision = DecisionReview
	default:
		a.Decision = DecisionApprove
	}
	return a
}

// CountLimit is where the store stops counting attempts: no rule's limit is above it (the largest, an IP's attempts
// in a day, is 200), so a count that reached it decides the same as any larger one, and reading it costs the same
// however long the card's or IP's history.
const CountLimit = 250

// velocity compares earlier attempts with full limits per minute, hour and day and half limits per minute and hour
// (0 = none) and describes the busiest window that crossed a limit.
func velocity(c Counts, minute, hour, day, halfMinute, halfHour int, subject string) (full, half bool, message string) {
	switch {
	case c.Minute >= minute:
		return true, false, attempts(c.Minute, subject, "minute")
	case c.Hour >= hour:
		return true, false, attempts(c.Hour, subject, "hour")
	case c.Day >= day:
		return true, false, attempts(c.Day, subject, "24 hours")
	case halfMinute > 0 && c.Minute >= halfMinute:
		return false, true, attempts(c.Minute, subject, "minute")
	case halfHour > 0 && c.Hour >= halfHour:
		return false, true, attempts(c.Hour, subject, "hour")
	}
	return false, false, ""
}

// attempts describes n earlier attempts in a window ("at least" once n reached CountLimit).
func attempts(n int, subject, window string) string {
	if n >= CountLimit {
		return fmt.Sprintf("at least %d earlier attempts %s in the last %s", CountLimit, subject, window)
	}
	return fmt.Sprintf("%d earlier attempts %s in the last %s", n, subject, window)
}

func blockLabel(k BlockKind) string {
	switch k {
	case BlockCardFingerprint:
		return "card"
	case BlockEmail:
		return "email address"
	case BlockIP:
		return "IP address"
	case BlockBIN:
		return "card BIN"
	}
	return string(k)
}

func dedupe(s []string) []string {
	seen := make(map[string]bool, len(s))
	out := s[:0]
	for _, v := range s {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}
