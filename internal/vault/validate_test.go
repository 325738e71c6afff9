package vault

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestNormalizeNumberAcceptsSandboxCards(t *testing.T) {
	t.Parallel()
	for _, tc := range sandboxCards {
		got, err := NormalizeNumber(tc.number)
		if err != nil || got != tc.number {
			t.Errorf("NormalizeNumber(%s) = %q, %v; want it unchanged", tc.number, got, err)
		}
	}
}

func TestNormalizeNumber(t *testing.T) {
	t.Parallel()
	nineteen := withCheckDigit("62", 19)
	tests := []struct {
		name    string
		input   string
		want    string
		wantErr error
	}{
		{"spaces", "4242 4242 4242 4242", "4242424242424242", nil},
		{"dashes", "3782-822463-10005", "378282246310005", nil},
		{"spaces and dashes anywhere", " 6011-1111 1111--1117 ", "6011111111111117", nil},
		{"13 digits", "4222222222222", "4222222222222", nil},
		{"19 digits", nineteen, nineteen, nil},
		{"12 digits", "424242424242", "", ErrNumberFormat},
		{"12 digits with separators", "4242 4242 4242", "", ErrNumberFormat},
		{"20 digits", withCheckDigit("4", 20), "", ErrNumberFormat},
		{"empty", "", "", ErrNumberFormat},
		{"only separators", " - - ", "", ErrNumberFormat},
		{"letter", "4242a24242424242", "", ErrNumberFormat},
		{"dots", "4242.4242.4242.4242", "", ErrNumberFormat},
		{"tab", "4242\t4242424242424", "", ErrNumberFormat},
		{"non-breaking space", "4242\u00a04242 4242 4242", "", ErrNumberFormat},
		{"full-width digits", "４２４２４２４２４２４２４２４２", "", ErrNumberFormat},
		{"sign", "+4242424242424242", "", ErrNumberFormat},
		{"last digit off by one", "4242424242424241", "", ErrNumberLuhn},
		{"transposed digits", "4242424242422442", "", ErrNumberLuhn},
		{"sequence", "1234567890123456", "", ErrNumberLuhn},
		{"luhn failure with separators", "5555 5555 5555 4445", "", ErrNumberLuhn},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := NormalizeNumber(tc.input)
			if got != tc.want || !errors.Is(err, tc.wantErr) {
				t.Fatalf("NormalizeNumber(%q) = %q, %v; want %q, %v", tc.input, got, err, tc.want, tc.wantErr)
			}
			if err != nil {
				for _, w := range digitWindows(tc.input, 6) {
					if strings.Contains(err.Error(), w) {
						t.Errorf("error %q contains %q from the input", err, w)
					}
				}
			}
		})
	}
}

func TestLuhn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		digits string
		want   bool
	}{
		{"4242424242424242", true},
		{"378282246310005", true},
		{"79927398713", true}, // the classic worked example
		{"0", true},
		{"00", true},
		{"18", true},
		{"4242424242424241", false},
		{"79927398710", false},
		{"1", false},
		{"", false},
		{"4242 4242 4242 4242", false}, // Luhn takes digits only
		{"42424242424242a2", false},
	}
	for _, tc := range tests {
		if got := Luhn(tc.digits); got != tc.want {
			t.Errorf("Luhn(%q) = %v, want %v", tc.digits, got, tc.want)
		}
	}
}

func TestValidateExpiry(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, time.March, 15, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name        string
		month, year int
		now         time.Time
		want        int
		wantErr     error
	}{
		{"current month, 4-digit year", 3, 2026, now, 2026, nil},
		{"current month, 2-digit year", 3, 26, now, 2026, nil},
		{"next month", 4, 26, now, 2026, nil},
		{"next year", 1, 27, now, 2027, nil},
		{"20 years ahead", 12, 46, now, 2046, nil},
		{"20 years ahead, 4 digits", 12, 2046, now, 2046, nil},
		{"last month", 2, 2026, now, 0, ErrExpired},
		{"last month, 2-digit year", 2, 26, now, 0, ErrExpired},
		{"last year", 12, 2025, now, 0, ErrExpired},
		{"year 00 is 2000", 1, 0, now, 0, ErrExpired},
		{"4-digit year in the past", 12, 1999, now, 0, ErrExpired},
		{"21 years ahead", 1, 47, now, 0, ErrExpiryYear},
		{"21 years ahead, 4 digits", 1, 2047, now, 0, ErrExpiryYear},
		{"99 is 2099", 1, 99, now, 0, ErrExpiryYear},
		{"3-digit year", 1, 100, now, 0, ErrExpiryYear},
		{"3-digit year 999", 1, 999, now, 0, ErrExpiryYear},
		{"5-digit year", 1, 10000, now, 0, ErrExpiryYear},
		{"negative year", 1, -1, now, 0, ErrExpiryYear},
		{"month 0", 0, 2027, now, 0, ErrExpiryMonth},
		{"month 13", 13, 2027, now, 0, ErrExpiryMonth},
		{"negative month", -3, 2027, now, 0, ErrExpiryMonth},
		{"month checked before year", 0, -1, now, 0, ErrExpiryMonth},
		{"last day of the month", 3, 2026, time.Date(2026, time.March, 31, 23, 59, 0, 0, time.UTC), 2026, nil},
		{
			"month ended in UTC but not yet in UTC-12",
			3, 2026, time.Date(2026, time.April, 1, 11, 59, 0, 0, time.UTC), 2026, nil,
		},
		{
			"month ended everywhere",
			3, 2026, time.Date(2026, time.April, 1, 12, 0, 0, 0, time.UTC), 0, ErrExpired,
		},
		{
			"new month already begun in UTC+14",
			3, 2026, time.Date(2026, time.April, 1, 1, 0, 0, 0, time.FixedZone("UTC+14", 14*60*60)), 2026, nil,
		},
		{
			"20-year limit counts from the year in UTC-12",
			1, 2047, time.Date(2027, time.January, 1, 6, 0, 0, 0, time.UTC), 0, ErrExpiryYear,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ValidateExpiry(tc.month, tc.year, tc.now)
			if got != tc.want || !errors.Is(err, tc.wantErr) {
				t.Errorf("ValidateExpiry(%d, %d, %v) = %d, %v; want %d, %v",
					tc.month, tc.year, tc.now, got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func TestValidateCVV(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cvv     string
		brand   Brand
		wantErr error
	}{
		{"123", BrandVisa, nil},
		{"000", BrandMastercard, nil},
		{"123", BrandDiscover, nil},
		{"123", BrandRuPay, nil},
		{"123", BrandJCB, nil},
		{"123", BrandDiners, nil},
		{"123", BrandUnionPay, nil},
		{"1234", BrandAmex, nil},
		{"123", BrandUnknown, nil},
		{"1234", BrandUnknown, nil},
		{"1234", Brand(""), nil},
		{"1234", BrandVisa, ErrCVV},
		{"1234", BrandRuPay, ErrCVV},
		{"12", BrandVisa, ErrCVV},
		{"123", BrandAmex, ErrCVV},
		{"12345", BrandAmex, ErrCVV},
		{"12", BrandUnknown, ErrCVV},
		{"12345", BrandUnknown, ErrCVV},
		{"", BrandVisa, ErrCVV},
		{"", BrandUnknown, ErrCVV},
		{"12a", BrandVisa, ErrCVV},
		{" 123", BrandVisa, ErrCVV},
		{"12 3", BrandUnknown, ErrCVV},
		{"-12", BrandVisa, ErrCVV},
		{"١٢٣", BrandVisa, ErrCVV}, // Arabic-Indic digits
	}
	for _, tc := range tests {
		if err := ValidateCVV(tc.cvv, tc.brand); !errors.Is(err, tc.wantErr) {
			t.Errorf("ValidateCVV(%q, %q) = %v, want %v", tc.cvv, tc.brand, err, tc.wantErr)
		}
	}
}
