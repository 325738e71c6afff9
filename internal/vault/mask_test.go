package vault

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// cardNumberRun returns the first card-number-like run of s, as MaskPANs defines it, found the slow way: every span
// from the start of a digit group to the end of a later one of the same cluster. It is the tests' oracle.
func cardNumberRun(s string) (string, bool) {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) || (i > 0 && isDigit(s[i-1])) {
			continue
		}
		var digits []byte
		for j := i; j < len(s) && len(digits) <= maxPANDigits; j++ {
			switch c := s[j]; {
			case isDigit(c):
				digits = append(digits, c)
				groupEnd := j+1 == len(s) || !isDigit(s[j+1])
				if n := len(digits); groupEnd && n >= minPANDigits && n <= maxPANDigits && Luhn(string(digits)) {
					return s[i : j+1], true
				}
				continue
			case (c == ' ' || c == '-') && j+1 < len(s) && isDigit(s[j+1]):
				continue // a single separator between two digits (s[j-1] is one: the run started at a digit)
			}
			break
		}
	}
	return "", false
}

func TestMaskPANs(t *testing.T) {
	t.Parallel()
	nineteen := withCheckDigit("62", 19)
	tests := []struct{ name, in, want string }{
		{"visa", "4242424242424242", "424242******4242"},
		{"visa in spaced groups", "4242 4242 4242 4242", "4242 42** **** 4242"},
		{"visa in dashed groups", "4242-4242-4242-4242", "4242-42**-****-4242"},
		{"mixed separators", "5555 5555-5555 4444", "5555 55**-**** 4444"},
		{"amex 4-6-5", "3782 822463 10005", "3782 82**** *0005"},
		{"13 digits", "4222222222222", "422222***2222"},
		{"19 digits", nineteen, nineteen[:6] + "*********" + nineteen[15:]},
		{"in a sentence", "customer typed 4242424242424242 by mistake.", "customer typed 424242******4242 by mistake."},
		{"two numbers in a sentence", "first 6011111111111117, then 5555-5555-5555-4444",
			"first 601111******1117, then 5555-55**-****-4444"},
		{"in non-ASCII text", "карта 4242424242424242.", "карта 424242******4242."},
		{"glued to letters", "card#4242424242424242x", "card#424242******4242x"},
		{"within a 16-digit grouping of five groups", "4242 4242 4242 4242 4242", "4242 42** **** **** 4242"},
		{"followed by expiry and CVV", "4242424242424242 1225 123", "424242********** 1225 123"},
		{"preceded by a short group", "no 7 4242424242424242", "no 7 ************4242"},
		{"a prefix that makes a longer card number", "18 4242424242424242", "18 4242********4242"},
		{"two numbers in one cluster", "4242424242424242 5555555555554444", "424242********** ************4444"},

		{"fails Luhn", "4242424242424241", "4242424242424241"},
		{"fails Luhn in groups", "4242 4242 4242 4241", "4242 4242 4242 4241"},
		{"12 digits", "424242424242", "424242424242"},
		{"20 digits that pass Luhn", "42424242424242424242", "42424242424242424242"},
		{"a 16-digit Luhn run inside a longer one", "12345674242424242424242", "12345674242424242424242"},
		{"two spaces break a group", "4242  4242 4242 4242", "4242  4242 4242 4242"},
		{"dots are not separators", "4242.4242.4242.4242", "4242.4242.4242.4242"},
		{"tab is not a separator", "4242\t4242424242424", "4242\t4242424242424"},
		{"full-width digits", "４２４２４２４２４２４２４２４２", "４２４２４２４２４２４２４２４２"},
		{"already masked", "4242 42** **** 4242", "4242 42** **** 4242"},
		{"order number and amount", "order 1234567 paid 99.95 on 2026-11-22", "order 1234567 paid 99.95 on 2026-11-22"},
		{"empty", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := MaskPANs(tc.in)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("MaskPANs(%q) (-want +got):\n%s", tc.in, diff)
			}
			if run, ok := cardNumberRun(got); ok {
				t.Errorf("MaskPANs(%q) = %q still holds the card number %q", tc.in, got, run)
			}
			if again := MaskPANs(got); again != got {
				t.Errorf("MaskPANs is not idempotent: %q, then %q", got, again)
			}
		})
	}
}

func TestMaskPANsHidesEverySandboxCard(t *testing.T) {
	t.Parallel()
	for _, tc := range sandboxCards {
		for _, form := range []string{tc.number, tc.number[:4] + " " + tc.number[4:8] + " " + tc.number[8:],
			tc.number[:4] + "-" + tc.number[4:8] + "-" + tc.number[8:]} {
			got := MaskPANs("reason: " + form + ".")
			if strings.Contains(got, tc.number) || strings.Contains(got, form) {
				t.Errorf("MaskPANs(%q) = %q", form, got)
			}
			digits := strings.NewReplacer(" ", "", "-", "", "*", "").Replace(got[len("reason: ") : len(got)-1])
			if want := tc.number[:6] + tc.number[len(tc.number)-4:]; digits != want {
				t.Errorf("MaskPANs(%q) = %q keeps %q, want the first six and last four, %q", form, got, digits, want)
			}
		}
	}
}

// Not parallel: testing.AllocsPerRun refuses to run in a parallel test.
func TestMaskPANsReturnsCleanTextItself(t *testing.T) {
	s := strings.Repeat("order 12345678 of 2026-11-22; ", 100)
	if allocs := testing.AllocsPerRun(100, func() { MaskPANs(s) }); allocs != 0 {
		t.Errorf("MaskPANs allocated %v times on text without a card number", allocs)
	}
}

func TestMaskPANsInJSON(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"string value", `{"note":"card 4242424242424242"}`, `{"note":"card 424242******4242"}`},
		{"nested values", `{"a":{"b":["4242 4242 4242 4242",{"c":"x 5555-5555-5555-4444"}]},"n":1}`,
			`{"a":{"b":["4242 42** **** 4242",{"c":"x 5555-55**-****-4444"}]},"n":1}`},
		{"layout is kept", "{\n  \"note\" : \"4242424242424242\" ,\n  \"id\": 7\n}", "{\n  \"note\" : \"424242******4242\" ,\n  \"id\": 7\n}"},
		{"escaped digits are seen", `{"note":"\u0034242424242424242"}`, `{"note":"424242******4242"}`},
		{"other escapes survive masking", `{"note":"a\"b\n<4242424242424242> & \u00e9"}`, `{"note":"a\"b\n<424242******4242> & é"}`},
		{"a number that is a card number becomes a masked string", `{"n":4242424242424242,"m":-4242424242424242}`,
			`{"n":"424242******4242","m":"-424242******4242"}`},
		{"top-level string", `"4242424242424242"`, `"424242******4242"`},
		{"array", `["4242424242424242", 4242424242424242]`, `["424242******4242", "424242******4242"]`},
		{"keys are left alone", `{"4242424242424242":"x"}`, `{"4242424242424242":"x"}`},
		{"invalid JSON is masked as text", `{"note":"4242424242424242"`, `{"note":"424242******4242"`},

		{"no card number", `{"order":"1234567","amount":9995,"at":"2026-11-22"}`, `{"order":"1234567","amount":9995,"at":"2026-11-22"}`},
		{"Luhn failure", `{"n":"4242424242424241","m":4242424242424241}`, `{"n":"4242424242424241","m":4242424242424241}`},
		{"html characters of unmasked strings stay as sent", `{"a":"\u003c","n":"4242424242424241"}`, `{"a":"\u003c","n":"4242424242424241"}`},
		{"empty", ``, ``},
		{"null", `null`, `null`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := MaskPANsInJSON(json.RawMessage(tc.in))
			if diff := cmp.Diff(tc.want, string(got)); diff != "" {
				t.Errorf("MaskPANsInJSON(%s) (-want +got):\n%s", tc.in, diff)
			}
			if json.Valid([]byte(tc.in)) && !json.Valid(got) {
				t.Errorf("MaskPANsInJSON(%s) = %s is not valid JSON", tc.in, got)
			}
			if again := MaskPANsInJSON(got); string(again) != string(got) {
				t.Errorf("MaskPANsInJSON is not idempotent: %s, then %s", got, again)
			}
		})
	}
}

// TestMaskPANsOnGeneratedText checks FuzzMaskPANs's properties on text made of what is hard to mask: card numbers
// split into groups, glued by single separators to other digit groups and to each other. Byte mutation rarely
// builds such text; a seeded generator builds thousands.
func TestMaskPANsOnGeneratedText(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(11, 5))
	digits := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + r.IntN(10))
		}
		return string(b)
	}
	pieces := []func() string{
		func() string {
			return withCheckDigit(digits(1+r.IntN(6)), minPANDigits+r.IntN(maxPANDigits-minPANDigits+1))
		},
		func() string { return digits(1 + r.IntN(8)) },
		func() string { return []string{" ", "-", " ", "-", "  ", ". ", "x"}[r.IntN(7)] },
	}
	masked := 0
	for range 20000 {
		var b strings.Builder
		for range 1 + r.IntN(8) {
			piece := pieces[r.IntN(len(pieces))]()
			if r.IntN(3) == 0 && len(piece) > 4 { // split a number into groups
				at := 1 + r.IntN(len(piece)-1)
				piece = piece[:at] + []string{" ", "-"}[r.IntN(2)] + piece[at:]
			}
			b.WriteString(piece)
		}
		s := b.String()
		got := MaskPANs(s)
		if run, ok := cardNumberRun(got); ok {
			t.Fatalf("MaskPANs(%q) = %q holds the card number %q", s, got, run)
		}
		if _, hadRun := cardNumberRun(s); hadRun != (got != s) || len(got) != len(s) {
			t.Fatalf("MaskPANs(%q) = %q (input holds a run: %t)", s, got, hadRun)
		}
		if again := MaskPANs(got); again != got {
			t.Fatalf("MaskPANs is not idempotent on %q: %q, then %q", s, got, again)
		}
		if got != s {
			masked++
		}
	}
	if masked < 5000 {
		t.Errorf("only %d of 20000 generated texts held a card number: the generator is too weak to test anything", masked)
	}
}

// FuzzMaskPANs: the output holds no card-number-like run; it is as long as the input and differs only where a
// digit became '*', and only if the input held a run; masking again changes nothing.
func FuzzMaskPANs(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		got := MaskPANs(s)
		if run, ok := cardNumberRun(got); ok {
			t.Fatalf("MaskPANs(%q) = %q holds the card number %q", s, got, run)
		}
		if len(got) != len(s) {
			t.Fatalf("MaskPANs(%q) = %q: length %d, want %d", s, got, len(got), len(s))
		}
		for i := 0; i < len(s); i++ {
			if got[i] != s[i] && !(isDigit(s[i]) && got[i] == maskChar) {
				t.Fatalf("MaskPANs(%q) = %q changed byte %d (%q) into %q", s, got, i, s[i], got[i])
			}
		}
		if _, hadRun := cardNumberRun(s); hadRun != (got != s) {
			t.Fatalf("MaskPANs(%q) = %q, although the input holds a card-number-like run: %t", s, got, hadRun)
		}
		if again := MaskPANs(got); again != got {
			t.Fatalf("MaskPANs is not idempotent on %q: %q, then %q", s, got, again)
		}
	})
}

// FuzzMaskPANsInJSON: valid JSON stays valid, with no card-number-like run in any string or number it holds; the
// masking is idempotent.
func FuzzMaskPANsInJSON(f *testing.F) {
	f.Fuzz(func(t *testing.T, doc string) {
		got := MaskPANsInJSON(json.RawMessage(doc))
		if again := MaskPANsInJSON(got); string(again) != string(got) {
			t.Fatalf("MaskPANsInJSON is not idempotent on %s: %s, then %s", doc, got, again)
		}
		if !json.Valid([]byte(doc)) {
			return
		}
		var v any
		if err := json.Unmarshal(got, &v); err != nil {
			t.Fatalf("MaskPANsInJSON(%s) = %s: %v", doc, got, err)
		}
		var walk func(v any) // over the values; keys are left alone
		walk = func(v any) {
			switch v := v.(type) {
			case string:
				if run, ok := cardNumberRun(v); ok {
					t.Fatalf("MaskPANsInJSON(%s) = %s holds the card number %q", doc, got, run)
				}
			case map[string]any:
				for _, e := range v {
					walk(e)
				}
			case []any:
				for _, e := range v {
					walk(e)
				}
			}
		}
		walk(v)
		// Numbers: json.Unmarshal into any made them float64, so read their literals.
		dec := json.NewDecoder(strings.NewReader(string(got)))
		dec.UseNumber()
		for {
			tok, err := dec.Token()
			if err != nil {
				break
			}
			if n, ok := tok.(json.Number); ok {
				if run, ok := cardNumberRun(string(n)); ok {
					t.Fatalf("MaskPANsInJSON(%s) = %s holds the number %q", doc, got, run)
				}
			}
		}
	})
}
