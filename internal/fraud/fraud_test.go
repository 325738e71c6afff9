package fraud

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kassapay/kassa/internal/field"
)

// TestEachRuleInIsolation fires one rule at a time and checks its points, its reason and that nothing else fires.
func TestEachRuleInIsolation(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		in      Input
		rule    Rule
		points  int
		message string
	}{
		{"blocklist", Input{Blocked: []BlockMatch{{BlockEmail, "a@example.com"}, {BlockIP, "203.0.113.9"}}},
			RuleBlocklist, 100, "on the merchant's blocklist: email address, IP address"},
		{"sandbox fraud card", Input{SandboxFraudCard: true}, RuleSandboxFraudCard, 85, "test card that always scores as fraud"},
		{"card velocity per minute", Input{Card: Counts{Minute: 3, Hour: 3, Day: 3}}, RuleCardVelocity, 30,
			"3 earlier attempts with this card in the last minute"},
		{"card velocity per hour", Input{Card: Counts{Minute: 0, Hour: 10, Day: 10}}, RuleCardVelocity, 30,
			"10 earlier attempts with this card in the last hour"},
		{"card velocity per day", Input{Card: Counts{Day: 25}}, RuleCardVelocity, 30,
			"25 earlier attempts with this card in the last 24 hours"},
		{"card velocity half", Input{Card: Counts{Minute: 2, Hour: 2, Day: 2}}, RuleCardVelocity, 15,
			"2 earlier attempts with this card in the last minute"},
		{"ip velocity", Input{IP: Counts{Minute: 10, Hour: 10, Day: 10}}, RuleIPVelocity, 40,
			"10 earlier attempts from this IP address in the last minute"},
		{"ip velocity at the count limit", Input{IP: Counts{Day: CountLimit}}, RuleIPVelocity, 40,
			"at least 250 earlier attempts from this IP address in the last 24 hours"},
		{"ip velocity half", Input{IP: Counts{Hour: 20, Day: 20}}, RuleIPVelocity, 20,
			"20 earlier attempts from this IP address in the last hour"},
		{"email velocity", Input{Email: Counts{Hour: 10, Day: 10}}, RuleEmailVelocity, 20,
			"10 earlier attempts with this email address in the last hour"},
		{"email velocity half", Input{Email: Counts{Hour: 5, Day: 5}}, RuleEmailVelocity, 10,
			"5 earlier attempts with this email address in the last hour"},
		{"many cards per ip", Input{DistinctCardsFromIP: 5}, RuleManyCardsPerIP, 40,
			"5 different cards from this IP address in the last hour"},
		{"many cards per ip half", Input{DistinctCardsFromIP: 3}, RuleManyCardsPerIP, 20,
			"3 different cards from this IP address in the last hour"},
		{"repeated declines", Input{RecentDeclines: 5}, RuleRepeatedDeclines, 30,
			"5 declined attempts for this card, IP or email in the last 24 hours"},
		{"repeated declines half", Input{RecentDeclines: 4}, RuleRepeatedDeclines, 15,
			"4 declined attempts for this card, IP or email in the last 24 hours"},
		{"amount outlier", Input{Amount: 100_000, TypicalAmount: 5_000, TypicalSample: 40}, RuleAmountOutlier, 25,
			"amount is 20× the merchant's typical amount"},
		{"amount outlier half", Input{Amount: 30_000, TypicalAmount: 5_000, TypicalSample: 40}, RuleAmountOutlier, 12,
			"amount is 6× the merchant's typical amount"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := Assess(tt.in, DefaultSettings())
			want := []Reason{{Rule: tt.rule, Points: tt.points, Message: tt.message}}
			if diff := cmp.Diff(want, a.Reasons); diff != "" {
				t.Errorf("reasons (-want +got):\n%s", diff)
			}
			if a.Score != min(tt.points, 100) {
				t.Errorf("score = %d, want %d", a.Score, tt.points)
			}
		})
	}
}

// TestRulesBelowTheirLimitsStaySilent checks the edges just under each limit and that a clean attempt scores 0.
func TestRulesBelowTheirLimitsStaySilent(t *testing.T) {
	t.Parallel()
	for name, in := range map[string]Input{
		"clean":                       {Amount: 5_000, TypicalAmount: 4_000, TypicalSample: 100},
		"card once a minute":          {Card: Counts{Minute: 1, Hour: 4, Day: 24}},
		"ip under limits":             {IP: Counts{Minute: 4, Hour: 19, Day: 199}},
		"email under limits":          {Email: Counts{Minute: 2, Hour: 4, Day: 29}},
		"two cards from an ip":        {DistinctCardsFromIP: 2},
		"two declines":                {RecentDeclines: 2},
		"outlier without history":     {Amount: 1_000_000, TypicalAmount: 1_000, TypicalSample: 9},
		"no typical amount":           {Amount: 1_000_000, TypicalSample: 50},
		"amount under five times":     {Amount: 4_999, TypicalAmount: 1_000, TypicalSample: 50},
		"velocity of another subject": {Card: Counts{Minute: 1}, Email: Counts{Minute: 2}},
	} {
		a := Assess(in, DefaultSettings())
		if a.Score != 0 || len(a.Reasons) != 0 || a.Decision != DecisionApprove {
			t.Errorf("%s: %+v, want a clean approve", name, a)
		}
	}
}

// TestThresholds checks the decision at and around each threshold with the defaults and with merchant settings.
func TestThresholds(t *testing.T) {
	t.Parallel()
	// Weights chosen so that the card-velocity rule alone produces the score under test.
	at := func(score int, s Settings) Decision {
		s.Weights = map[Rule]int{RuleCardVelocity: score}
		return Assess(Input{Card: Counts{Minute: 3}}, s).Decision
	}
	d := DefaultSettings()
	for score, want := range map[int]Decision{0: DecisionApprove, 39: DecisionApprove, 40: DecisionReview,
		70: DecisionReview, 71: DecisionDecline, 100: DecisionDecline} {
		if got := at(score, d); got != want {
			t.Errorf("default settings, score %d: %s, want %s", score, got, want)
		}
	}
	strict := Settings{ReviewThreshold: 10, DeclineThreshold: 20}
	for score, want := range map[int]Decision{9: DecisionApprove, 10: DecisionReview, 20: DecisionReview, 21: DecisionDecline} {
		if got := at(score, strict); got != want {
			t.Errorf("strict settings, score %d: %s, want %s", score, got, want)
		}
	}
	never := Settings{ReviewThreshold: 100, DeclineThreshold: 100}
	if got := Assess(Input{Blocked: []BlockMatch{{BlockBIN, "400000"}}, SandboxFraudCard: true}, never); got.Score != 100 || got.Decision != DecisionReview {
		t.Errorf("decline threshold 100 must never decline, and scores cap at 100: %+v", got)
	}
}

// TestBlocklistAndFraudCardDeclineAlone checks the documented outcomes: each declines on its own with the defaults.
func TestBlocklistAndFraudCardDeclineAlone(t *testing.T) {
	t.Parallel()
	for _, in := range []Input{{SandboxFraudCard: true}, {Blocked: []BlockMatch{{BlockCardFingerprint, strings.Repeat("a", 64)}}}} {
		if a := Assess(in, Settings{}); a.Decision != DecisionDecline || a.Score <= DefaultDeclineThreshold {
			t.Errorf("%+v: %+v, want decline above %d", in, a, DefaultDeclineThreshold)
		}
	}
}

// TestCardTestingPattern: many cards from one IP with declines piling up is declined, while the same volume from a
// single card and a clean history is at most reviewed.
func TestCardTestingPattern(t *testing.T) {
	t.Parallel()
	pattern := Input{IP: Counts{Minute: 12, Hour: 12, Day: 12}, DistinctCardsFromIP: 13, RecentDeclines: 8}
	a := Assess(pattern, DefaultSettings())
	if a.Decision != DecisionDecline {
		t.Errorf("card testing pattern: %+v, want decline", a)
	}
	var rules []Rule
	for _, r := range a.Reasons {
		rules = append(rules, r.Rule)
	}
	if diff := cmp.Diff([]Rule{RuleIPVelocity, RuleManyCardsPerIP, RuleRepeatedDeclines}, rules); diff != "" {
		t.Errorf("reasons (-want +got):\n%s", diff)
	}
	// Random approved cards from one IP still trip the IP rules on their own.
	if a := Assess(Input{IP: Counts{Minute: 10}, DistinctCardsFromIP: 5}, DefaultSettings()); a.Decision != DecisionDecline {
		t.Errorf("ten cards a minute from one IP: %+v, want decline", a)
	}
	if a := Assess(Input{Card: Counts{Minute: 3}}, DefaultSettings()); a.Decision != DecisionApprove {
		t.Errorf("one card retried: %+v, want approve", a)
	}
}

func TestWeightsAreMerchantSettings(t *testing.T) {
	t.Parallel()
	in := Input{SandboxFraudCard: true, DistinctCardsFromIP: 5}
	s := Settings{Weights: map[Rule]int{RuleSandboxFraudCard: 0, RuleManyCardsPerIP: 10}}
	a := Assess(in, s)
	want := []Reason{{Rule: RuleManyCardsPerIP, Points: 10, Message: "5 different cards from this IP address in the last hour"}}
	if diff := cmp.Diff(want, a.Reasons); diff != "" || a.Score != 10 || a.Decision != DecisionApprove {
		t.Errorf("a weight of 0 turns a rule off, others change its points: %+v (-want +got):\n%s", a, diff)
	}
	full := s.WithDefaults()
	if full.Weights[RuleSandboxFraudCard] != 0 || full.Weights[RuleBlocklist] != 100 ||
		full.ReviewThreshold != DefaultReviewThreshold || full.DeclineThreshold != DefaultDeclineThreshold {
		t.Errorf("WithDefaults = %+v", full)
	}
	if s.Weights[RuleBlocklist] != 0 {
		t.Error("WithDefaults changed its receiver's map")
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	if err := DefaultSettings().Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	for _, tt := range []struct {
		s     Settings
		field string
	}{
		{Settings{ReviewThreshold: 0, DeclineThreshold: 70}, "review_threshold"},
		{Settings{ReviewThreshold: 40, DeclineThreshold: 101}, "decline_threshold"},
		{Settings{ReviewThreshold: 80, DeclineThreshold: 70}, "review_threshold"},
		{Settings{ReviewThreshold: 40, DeclineThreshold: 70, Weights: map[Rule]int{"geo": 5}}, "weights.geo"},
		{Settings{ReviewThreshold: 40, DeclineThreshold: 70, Weights: map[Rule]int{RuleIPVelocity: -1}}, "weights.ip_velocity"},
		{Settings{ReviewThreshold: 40, DeclineThreshold: 70, Weights: map[Rule]int{RuleIPVelocity: 101}}, "weights.ip_velocity"},
	} {
		err := tt.s.Validate()
		var fe *field.Error
		if !errors.As(err, &fe) || fe.Field != tt.field {
			t.Errorf("Validate(%+v) = %v, want a field.Error on %s", tt.s, err, tt.field)
		}
	}
}

func TestNormalizeBlockValue(t *testing.T) {
	t.Parallel()
	fp := strings.Repeat("ab", 32)
	for _, tt := range []struct {
		kind BlockKind
		in   string
		want string
		err  error
	}{
		{BlockCardFingerprint, " " + strings.ToUpper(fp) + " ", fp, nil},
		{BlockCardFingerprint, fp[:63], "", ErrBlockFingerprint},
		{BlockCardFingerprint, strings.Repeat("g", 64), "", ErrBlockFingerprint},
		{BlockEmail, "Fraud@Example.COM", "fraud@example.com", nil},
		{BlockEmail, "Mallory <m@example.com>", "", ErrBlockEmail},
		{BlockEmail, "not-an-email", "", ErrBlockEmail},
		{BlockIP, "203.0.113.7", "203.0.113.7", nil},
		{BlockIP, "::ffff:203.0.113.7", "203.0.113.7", nil},
		{BlockIP, "2001:DB8::1", "2001:db8::1", nil},
		{BlockIP, "203.0.113.0/24", "", ErrBlockIP},
		{BlockIP, "fe80::1%eth0", "", ErrBlockIP},
		{BlockBIN, "424242", "424242", nil},
		{BlockBIN, "42424242", "42424242", nil},
		{BlockBIN, "42424", "", ErrBlockBIN},
		{BlockBIN, "4242424242424242", "", ErrBlockBIN},
		{BlockBIN, "4242a2", "", ErrBlockBIN},
		{"country", "NL", "", ErrBlockKind},
	} {
		got, err := NormalizeBlockValue(tt.kind, tt.in)
		if got != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("NormalizeBlockValue(%s, %q) = %q, %v; want %q, %v", tt.kind, tt.in, got, err, tt.want, tt.err)
		}
	}
	for _, k := range BlockKinds() {
		if !k.Valid() {
			t.Errorf("%s is not valid", k)
		}
	}
}

func TestEveryRuleHasADefaultWeight(t *testing.T) {
	t.Parallel()
	d := DefaultSettings()
	if len(d.Weights) != len(Rules()) {
		t.Fatalf("%d default weights for %d rules", len(d.Weights), len(Rules()))
	}
	for _, r := range Rules() {
		if d.Weights[r] <= 0 {
			t.Errorf("%s has no default weight", r)
		}
	}
}

// FuzzAssess checks the invariants for any input: the score stays in 0–100, the decision follows the thresholds,
// and the reasons add up to the score unless it was capped.
func FuzzAssess(f *testing.F) {
	f.Add(int64(100), int64(10), 20, 3, 10, 2, 5, 4, true, false)
	f.Fuzz(func(t *testing.T, amount, typical int64, sample, card, ip, email, cards, declines int, fraudCard, blocked bool) {
		in := Input{Amount: amount, TypicalAmount: typical, TypicalSample: sample, Card: Counts{Minute: card},
			IP: Counts{Hour: ip}, Email: Counts{Day: email}, DistinctCardsFromIP: cards, RecentDeclines: declines,
			SandboxFraudCard: fraudCard}
		if blocked {
			in.Blocked = []BlockMatch{{BlockBIN, "400000"}}
		}
		a := Assess(in, DefaultSettings())
		if a.Score < 0 || a.Score > 100 {
			t.Fatalf("score %d out of range", a.Score)
		}
		sum := 0
		for _, r := range a.Reasons {
			sum += r.Points
		}
		if (sum <= 100 && sum != a.Score) || (sum > 100 && a.Score != 100) {
			t.Fatalf("reasons sum to %d, score %d", sum, a.Score)
		}
		want := DecisionApprove
		if a.Score > DefaultDeclineThreshold {
			want = DecisionDecline
		} else if a.Score >= DefaultReviewThreshold {
			want = DecisionReview
		}
		if a.Decision != want {
			t.Fatalf("score %d decided %s", a.Score, a.Decision)
		}
	})
}
