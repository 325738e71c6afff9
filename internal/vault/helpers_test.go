package vault

import (
	"bytes"
	"strings"
	"testing"
)

// sandboxCards are the test numbers of docs/architecture.md §10, with the brand each must be detected as.
var sandboxCards = []struct {
	number string
	brand  Brand
}{
	{"4242424242424242", BrandVisa},
	{"5555555555554444", BrandMastercard},
	{"378282246310005", BrandAmex},
	{"6011111111111117", BrandDiscover},
	{"4000000000000002", BrandVisa},
	{"4000000000009995", BrandVisa},
	{"4000000000000069", BrandVisa},
	{"4000000000000127", BrandVisa},
	{"4000000000000119", BrandVisa},
	{"4000000000000259", BrandVisa},
}

// goldenRecordID and goldenCard are what the records kept in testdata (sealed_v1.json and the FuzzOpen corpus's
// "genuine") were sealed with, under masterKey(9).
const goldenRecordID = "pm_fuzz"

var goldenCard = Card{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2030, Name: "Ada Lovelace"}

// masterKey returns a 32-byte master key made of b.
func masterKey(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

// newVault returns a Vault under masterKey(b).
func newVault(t testing.TB, b byte) *Vault {
	t.Helper()
	v, err := New(masterKey(b))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// withCheckDigit pads prefix with zeros to length-1 digits and appends the Luhn check digit.
func withCheckDigit(prefix string, length int) string {
	body := prefix + strings.Repeat("0", length-1-len(prefix))
	for d := byte('0'); d <= '9'; d++ {
		if n := body + string(d); Luhn(n) {
			return n
		}
	}
	panic("unreachable: one check digit always fits")
}

// digitWindows returns every run of size consecutive digits in s's digits (separators skipped): the substrings an
// output must not contain for s to count as unexposed.
func digitWindows(s string, size int) []string {
	var digits []byte
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			digits = append(digits, s[i])
		}
	}
	var windows []string
	for i := 0; i+size <= len(digits); i++ {
		windows = append(windows, string(digits[i:i+size]))
	}
	return windows
}

// longestDigitRun returns the length of the longest run of consecutive ASCII digits in s.
func longestDigitRun(s string) int {
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return longest
}
