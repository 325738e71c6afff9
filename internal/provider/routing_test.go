package provider

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSelect(t *testing.T) {
	rules := []Rule{
		{Methods: []string{"card"}, Brands: []string{"amex"}, Profiles: []string{"prof_amex"}},
		{Currencies: []string{"EUR"}, MaxAmount: 10_000, Profiles: []string{"prof_eu_small", "prof_backup"}},
		{BINPrefixes: []string{"4000"}, Profiles: []string{"prof_bin"}},
		{MinAmount: 100_000, Profiles: []string{"prof_big"}},
	}
	for _, tc := range []struct {
		name string
		p    Route
		want []string
	}{
		{"amex card", Route{Method: "card", Currency: "USD", Amount: 500, Brand: "amex", BIN: "378282"}, []string{"prof_amex"}},
		{"small EUR", Route{Method: "card", Currency: "EUR", Amount: 10_000, Brand: "visa", BIN: "424242"}, []string{"prof_eu_small", "prof_backup"}},
		{"EUR just over the bound", Route{Method: "card", Currency: "EUR", Amount: 10_001, Brand: "visa", BIN: "424242"}, []string{"default"}},
		{"BIN prefix", Route{Method: "card", Currency: "USD", Amount: 10, Brand: "visa", BIN: "400000"}, []string{"prof_bin"}},
		{"big UPI", Route{Method: "upi", Currency: "INR", Amount: 100_000}, []string{"prof_big"}},
		{"nothing matches", Route{Method: "upi", Currency: "INR", Amount: 99_999}, []string{"default"}},
	} {
		if got := Select(rules, tc.p, "default"); !cmp.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	if got := Select(nil, Route{Method: "card"}, ""); got != nil {
		t.Errorf("no rules, no default: %v", got)
	}
}

func TestValidateRules(t *testing.T) {
	known := func(id string) error {
		if strings.HasPrefix(id, "prof_") {
			return nil
		}
		return errors.New("no such payment profile")
	}
	valid := []Rule{
		{Methods: []string{"card"}, Currencies: []string{"EUR"}, Profiles: []string{"prof_a", "prof_b"}},
		{Methods: []string{"card"}, Profiles: []string{"prof_b"}},
		{Profiles: []string{"prof_c"}},
	}
	if err := ValidateRules(valid, known); err != nil {
		t.Fatalf("valid rules: %v", err)
	}
	for _, tc := range []struct {
		name  string
		rules []Rule
		param string
	}{
		{"unknown profile", []Rule{{Profiles: []string{"prof_a"}}, {Currencies: []string{"USD"}, Profiles: []string{"nope"}}}, "rules[1].profiles"},
		{"no profiles", []Rule{{Methods: []string{"card"}}}, "rules[0].profiles"},
		{"profile twice", []Rule{{Profiles: []string{"prof_a", "prof_a"}}}, "rules[0].profiles"},
		{"bounds match nothing", []Rule{{MinAmount: 500, MaxAmount: 100, Profiles: []string{"prof_a"}}}, "rules[0].max_amount"},
		{"negative bound", []Rule{{MinAmount: -1, Profiles: []string{"prof_a"}}}, "rules[0].min_amount"},
		{"unknown method", []Rule{{Methods: []string{"cash"}, Profiles: []string{"prof_a"}}}, "rules[0].methods"},
		{"lower-case currency", []Rule{{Currencies: []string{"usd"}, Profiles: []string{"prof_a"}}}, "rules[0].currencies"},
		{"bad BIN", []Rule{{BINPrefixes: []string{"42x"}, Profiles: []string{"prof_a"}}}, "rules[0].bin_prefixes"},
		{"brands without cards", []Rule{{Methods: []string{"upi"}, Brands: []string{"visa"}, Profiles: []string{"prof_a"}}}, "rules[0].card_brands"},
		{"shadowed by a catch-all", []Rule{{Profiles: []string{"prof_a"}}, {Currencies: []string{"USD"}, Profiles: []string{"prof_b"}}}, "rules[1].profiles"},
		{"shadowed by a wider range", []Rule{{MaxAmount: 1000, Profiles: []string{"prof_a"}}, {MinAmount: 10, MaxAmount: 500, Profiles: []string{"prof_b"}}}, "rules[1].profiles"},
		{"shadowed by a shorter BIN", []Rule{{BINPrefixes: []string{"42"}, Profiles: []string{"prof_a"}}, {BINPrefixes: []string{"4242"}, Profiles: []string{"prof_b"}}}, "rules[1].profiles"},
	} {
		err := ValidateRules(tc.rules, known)
		var re *RuleError
		if !errors.As(err, &re) || re.Param() != tc.param {
			t.Errorf("%s: %v, want an error naming %s", tc.name, err, tc.param)
		}
	}
	// Not shadowed: a narrower rule before a wider one, and ranges that only overlap.
	for _, rules := range [][]Rule{
		{{Currencies: []string{"USD"}, Profiles: []string{"prof_a"}}, {Profiles: []string{"prof_b"}}},
		{{MaxAmount: 500, Profiles: []string{"prof_a"}}, {MinAmount: 100, MaxAmount: 1000, Profiles: []string{"prof_b"}}},
		{{BINPrefixes: []string{"4242"}, Profiles: []string{"prof_a"}}, {BINPrefixes: []string{"42"}, Profiles: []string{"prof_b"}}},
	} {
		if err := ValidateRules(rules, known); err != nil {
			t.Errorf("%+v: %v", rules, err)
		}
	}
}

func TestFallback(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    Result
		want bool
	}{
		{"processing error, nothing made", Result{Status: StatusFailed, ResponseCode: CodeProcessingError, DeclineCode: DeclineProcessingError}, true},
		{"processor unreachable", Result{Status: StatusFailed, ResponseCode: CodeProcessingError, DeclineCode: DeclineProcessorUnavailable}, true},
		{"recorded timeout", TimeoutResult(), false},
		{"decline", Result{Status: StatusDeclined, ResponseCode: CodeInsufficientFunds, DeclineCode: DeclineInsufficientFunds}, false},
		{"failure with a transaction", Result{Status: StatusFailed, ResponseCode: CodeProcessingError, ProviderTransactionID: "ch_1"}, false},
		{"approved", Result{Status: StatusSucceeded, ResponseCode: CodeApproved, ProviderTransactionID: "ch_1"}, false},
		{"invalid amount", Result{Status: StatusFailed, ResponseCode: CodeInvalidAmount}, false},
	} {
		if got := Fallback(tc.r); got != tc.want {
			t.Errorf("%s: Fallback = %v, want %v", tc.name, got, tc.want)
		}
	}
}
