package vault

import (
	"testing"
)

func TestDetectBrandOfSandboxCards(t *testing.T) {
	t.Parallel()
	for _, tc := range sandboxCards {
		if got := DetectBrand(tc.number); got != tc.brand {
			t.Errorf("DetectBrand(%s) = %q, want %q", tc.number, got, tc.brand)
		}
	}
}

func TestDetectBrandOfFullNumbers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		number string
		want   Brand
	}{
		{"visa 13 digits", "4222222222222", BrandVisa},
		{"visa 19 digits", withCheckDigit("4", 19), BrandVisa},
		{"mastercard 2-series", "2223003122003222", BrandMastercard},
		{"mastercard 51", "5105105105105100", BrandMastercard},
		{"amex 37", "371449635398431", BrandAmex},
		{"discover 6011", "6011000990139424", BrandDiscover},
		{"discover 644", withCheckDigit("644", 16), BrandDiscover},
		{"discover 65", withCheckDigit("6500", 16), BrandDiscover},
		{"jcb", "3566002020360505", BrandJCB},
		{"jcb 353 (RuPay-JCB co-brand range)", "3530111333300000", BrandJCB},
		{"diners 14 digits", "36227206271667", BrandDiners},
		{"diners 305", "3056930009020004", BrandDiners},
		{"unionpay", "6200000000000005", BrandUnionPay},
		{"unionpay in Discover's 622126–622925", withCheckDigit("622126", 16), BrandUnionPay},
		{"rupay 508500", "5085000000000007", BrandRuPay},
		{"rupay 606985", "6069851234567890", BrandRuPay},
		{"rupay 607984", "6079840000000002", BrandRuPay},
		{"rupay 608001", "6080010000000009", BrandRuPay},
		{"rupay 608500", "6085000000000005", BrandRuPay},
		{"rupay 652150 (carved out of Discover 65)", "6521500000000006", BrandRuPay},
		{"rupay 653149", "6531499999999997", BrandRuPay},
		{"rupay 817200", "8172000000000005", BrandRuPay},
		{"rupay 820199", "8201990000000002", BrandRuPay},
		{"maestro 50 is not claimed", withCheckDigit("5018", 16), BrandUnknown},
		{"uatp", withCheckDigit("1", 15), BrandUnknown},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if !Luhn(tc.number) {
				t.Fatalf("test number %s fails Luhn", tc.number)
			}
			if got := DetectBrand(tc.number); got != tc.want {
				t.Errorf("DetectBrand(%s) = %q, want %q", tc.number, got, tc.want)
			}
		})
	}
}

// TestDetectBrandRangeEdges pins both ends of every range and the prefix just outside it, which is where a table of
// ranges goes wrong.
func TestDetectBrandRangeEdges(t *testing.T) {
	t.Parallel()
	tests := []struct {
		prefix string
		want   Brand
	}{
		{"508499", BrandUnknown}, {"508500", BrandRuPay}, {"508999", BrandRuPay}, {"509000", BrandUnknown},
		{"606984", BrandUnknown}, {"606985", BrandRuPay}, {"607984", BrandRuPay}, {"607985", BrandUnknown},
		{"608000", BrandUnknown}, {"608001", BrandRuPay}, {"608500", BrandRuPay}, {"608501", BrandUnknown},
		{"652149", BrandDiscover}, {"652150", BrandRuPay}, {"653149", BrandRuPay}, {"653150", BrandDiscover},
		{"817199", BrandUnknown}, {"817200", BrandRuPay}, {"820199", BrandRuPay}, {"820200", BrandUnknown},
		{"2220", BrandUnknown}, {"2221", BrandMastercard}, {"2720", BrandMastercard}, {"2721", BrandUnknown},
		{"3527", BrandUnknown}, {"3528", BrandJCB}, {"3589", BrandJCB}, {"3590", BrandUnknown},
		{"299", BrandUnknown}, {"300", BrandDiners}, {"305", BrandDiners}, {"306", BrandUnknown},
		{"3094", BrandUnknown}, {"3095", BrandDiners}, {"3096", BrandUnknown},
		{"33", BrandUnknown}, {"34", BrandAmex}, {"35", BrandUnknown}, {"36", BrandDiners}, {"37", BrandAmex},
		{"38", BrandDiners}, {"39", BrandDiners},
		{"50", BrandUnknown}, {"51", BrandMastercard}, {"55", BrandMastercard}, {"56", BrandUnknown},
		{"6010", BrandUnknown}, {"6011", BrandDiscover}, {"6012", BrandUnknown},
		{"643", BrandUnknown}, {"644", BrandDiscover}, {"649", BrandDiscover},
		{"61", BrandUnknown}, {"62", BrandUnionPay}, {"63", BrandUnknown}, {"65", BrandDiscover},
		{"3", BrandUnknown}, {"4", BrandVisa}, {"5", BrandUnknown}, {"6", BrandUnknown}, {"8", BrandUnknown},
	}
	for _, tc := range tests {
		if got := DetectBrand(tc.prefix); got != tc.want {
			t.Errorf("DetectBrand(%s) = %q, want %q", tc.prefix, got, tc.want)
		}
	}
}

func TestDetectBrandReadsNumbersAsTyped(t *testing.T) {
	t.Parallel()
	tests := []struct {
		input string
		want  Brand
	}{
		{"4242 4242 4242 4242", BrandVisa},
		{"3782-822463-10005", BrandAmex},
		{" 65-21 50", BrandRuPay},
		{"6521", BrandDiscover}, // not enough digits yet to be RuPay
		{"", BrandUnknown},
		{"x4242424242424242", BrandUnknown},
		{"42x", BrandVisa},
		{"６５２１５０", BrandUnknown}, // full-width digits are not digits
	}
	for _, tc := range tests {
		if got := DetectBrand(tc.input); got != tc.want {
			t.Errorf("DetectBrand(%q) = %q, want %q", tc.input, got, tc.want)
		}
	}
}

// TestIINRangesAreOrderedMostSpecificFirst guards the first-match-wins rule: a range may only come after a range of
// more digits, or after one of the same length that it does not overlap.
func TestIINRangesAreOrderedMostSpecificFirst(t *testing.T) {
	t.Parallel()
	for i, r := range iinRanges {
		if r.lo > r.hi || r.digits < 1 || r.digits > maxIINDigits {
			t.Errorf("range %d %+v is malformed", i, r)
		}
		for _, earlier := range iinRanges[:i] {
			if earlier.digits < r.digits {
				t.Errorf("range %+v comes after the less specific %+v", r, earlier)
			}
			if earlier.digits == r.digits && earlier.lo <= r.hi && r.lo <= earlier.hi {
				t.Errorf("ranges %+v and %+v overlap", earlier, r)
			}
		}
	}
}
