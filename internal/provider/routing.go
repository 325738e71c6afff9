package provider

import (
	"fmt"
	"slices"
	"strings"
)

// Routing: a merchant's ordered rules pick the payment profiles a payment is tried on (the gateway turns a profile
// into a Provider). The first rule that matches a payment gives an ordered list of profiles; the first is tried, and
// the next only after a definitive failure that moved no money (Fallback). No matching rule, or no rules: the
// merchant's default profile.

// Rule is one routing rule. Empty match fields match anything; a payment matches a rule when it matches every
// non-empty field.
type Rule struct {
	// Methods the rule applies to ("card", "upi", "crypto").
	Methods []string `json:"methods,omitempty"`
	// Currencies are ISO 4217 codes in upper case.
	Currencies []string `json:"currencies,omitempty"`
	// MinAmount and MaxAmount bound the amount in minor units, both inclusive; zero means unbounded.
	MinAmount int64 `json:"min_amount,omitempty"`
	MaxAmount int64 `json:"max_amount,omitempty"`
	// Brands are card brands ("visa", "mastercard", "amex", …) as Kassa names them.
	Brands []string `json:"card_brands,omitempty"`
	// BINPrefixes are leading digits of the card number (1 to 8 digits).
	BINPrefixes []string `json:"bin_prefixes,omitempty"`
	// Profiles are the payment profiles to try, in order (at least one).
	Profiles []string `json:"profiles"`
}

// Route describes a payment for routing.
type Route struct {
	Method   string
	Currency string
	Amount   int64
	Brand    string
	// BIN is the card number's first digits (at least 6 for cards; empty for other methods).
	BIN string
}

// Matches reports whether the payment matches the rule.
func (r Rule) Matches(p Route) bool {
	if len(r.Methods) > 0 && !slices.Contains(r.Methods, p.Method) {
		return false
	}
	if len(r.Currencies) > 0 && !slices.Contains(r.Currencies, p.Currency) {
		return false
	}
	if r.MinAmount > 0 && p.Amount < r.MinAmount || r.MaxAmount > 0 && p.Amount > r.MaxAmount {
		return false
	}
	if len(r.Brands) > 0 && !slices.Contains(r.Brands, p.Brand) {
		return false
	}
	if len(r.BINPrefixes) > 0 && !slices.ContainsFunc(r.BINPrefixes, func(prefix string) bool { return strings.HasPrefix(p.BIN, prefix) }) {
		return false
	}
	return true
}

// Select returns the profiles to try for p: those of the first matching rule, else the default profile alone
// (nothing when def is empty too).
func Select(rules []Rule, p Route, def string) []string {
	for _, r := range rules {
		if r.Matches(p) {
			return r.Profiles
		}
	}
	if def == "" {
		return nil
	}
	return []string{def}
}

// RuleError names the rule (by its position, from 0) and field that make a rule set invalid.
type RuleError struct {
	Index   int
	Field   string
	Message string
}

func (e *RuleError) Error() string {
	return fmt.Sprintf("rules[%d].%s: %s", e.Index, e.Field, e.Message)
}

// Param is the request parameter the error names ("rules[2].profiles").
func (e *RuleError) Param() string { return fmt.Sprintf("rules[%d].%s", e.Index, e.Field) }

// ValidateRules checks a rule set: every rule names known profiles (known reports whether a profile exists and may
// serve the rule's methods and currencies), its bounds can match something, its match values are well formed, and
// no rule is unreachable because an earlier one matches everything it would. The first problem is returned.
func ValidateRules(rules []Rule, known func(profileID string) error) error {
	const maxRules, maxProfiles = 50, 5
	if len(rules) > maxRules {
		return &RuleError{Index: maxRules, Field: "profiles", Message: fmt.Sprintf("at most %d rules", maxRules)}
	}
	for i, r := range rules {
		fail := func(field, format string, args ...any) error {
			return &RuleError{Index: i, Field: field, Message: fmt.Sprintf(format, args...)}
		}
		for _, m := range r.Methods {
			if m != "card" && m != "upi" && m != "crypto" {
				return fail("methods", "unknown method %q (card, upi or crypto)", m)
			}
		}
		for _, c := range r.Currencies {
			if len(c) != 3 || strings.ToUpper(c) != c || strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
				return fail("currencies", "%q is not an upper-case ISO 4217 code", c)
			}
		}
		if r.MinAmount < 0 || r.MaxAmount < 0 {
			return fail("min_amount", "amount bounds are positive minor units (0: unbounded)")
		}
		if r.MaxAmount > 0 && r.MinAmount > r.MaxAmount {
			return fail("max_amount", "max_amount %d is below min_amount %d: the rule matches nothing", r.MaxAmount, r.MinAmount)
		}
		for _, b := range r.Brands {
			if b == "" || strings.ToLower(b) != b {
				return fail("card_brands", "%q is not a card brand in lower case (visa, mastercard, amex, discover, …)", b)
			}
		}
		for _, b := range r.BINPrefixes {
			if len(b) < 1 || len(b) > 8 || strings.Trim(b, "0123456789") != "" {
				return fail("bin_prefixes", "%q is not 1 to 8 digits", b)
			}
		}
		if (len(r.Brands) > 0 || len(r.BINPrefixes) > 0) && len(r.Methods) > 0 && !slices.Contains(r.Methods, "card") {
			return fail("card_brands", "card brands and BIN prefixes only match card payments, and the rule excludes cards: it matches nothing")
		}
		if len(r.Profiles) == 0 || len(r.Profiles) > maxProfiles {
			return fail("profiles", "name 1 to %d payment profiles to try in order", maxProfiles)
		}
		for j, p := range r.Profiles {
			if slices.Contains(r.Profiles[:j], p) {
				return fail("profiles", "profile %s is listed twice", p)
			}
			if err := known(p); err != nil {
				return fail("profiles", "%s: %v", p, err)
			}
		}
		for j, earlier := range rules[:i] {
			if covers(earlier, r) {
				return fail("profiles", "rule %d matches every payment this rule matches, so this rule is never used", j)
			}
		}
	}
	return nil
}

// covers reports whether every payment that matches b also matches a.
func covers(a, b Rule) bool {
	subset := func(outer, inner []string) bool {
		if len(outer) == 0 {
			return true
		}
		if len(inner) == 0 {
			return false
		}
		for _, v := range inner {
			if !slices.Contains(outer, v) {
				return false
			}
		}
		return true
	}
	if !subset(a.Methods, b.Methods) || !subset(a.Currencies, b.Currencies) || !subset(a.Brands, b.Brands) {
		return false
	}
	if a.MinAmount > 0 && (b.MinAmount < a.MinAmount) {
		return false
	}
	if a.MaxAmount > 0 && (b.MaxAmount == 0 || b.MaxAmount > a.MaxAmount) {
		return false
	}
	if len(a.BINPrefixes) > 0 {
		if len(b.BINPrefixes) == 0 {
			return false
		}
		for _, bp := range b.BINPrefixes {
			if !slices.ContainsFunc(a.BINPrefixes, func(ap string) bool { return strings.HasPrefix(bp, ap) }) {
				return false
			}
		}
	}
	return true
}

// Fallback reports whether a payment may be tried on the next profile after this result: only a definitive failure
// that moved no money (the processor failed or was unavailable before it took the payment). A decline is the
// customer's answer, not the processor's failure, and an unknown outcome (an error from Do) never falls through: it
// stays pending for recovery, so a customer is never charged by two processors.
func Fallback(r Result) bool {
	return r.Status == StatusFailed && r.ProviderTransactionID == "" &&
		(r.ResponseCode == CodeProcessingError || r.DeclineCode == DeclineProcessorUnavailable)
}
