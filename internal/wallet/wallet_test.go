package wallet

import (
	"errors"
	"testing"
	"time"
)

func TestNormalizeEmailKeysOneShopperPerAddress(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"shopper@example.com":            "shopper@example.com",
		"  Shopper@Example.COM ":         "shopper@example.com",
		"first.last+tag@sub.example.org": "first.last+tag@sub.example.org",
	} {
		if got, err := NormalizeEmail(in); err != nil || got != want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "no-at-sign", "a@b", "@example.com", "a@", "Name <a@example.com>", "a@example.com, b@example.com",
		"a b@example.com", "(comment)a@example.com", string(make([]byte, 255))} {
		if got, err := NormalizeEmail(bad); !errors.Is(err, ErrEmail) {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want ErrEmail", bad, got, err)
		}
	}
}

func TestCodesAreSixRandomDigits(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 200 {
		c := NewCode()
		if len(c) != CodeDigits {
			t.Fatalf("code %q: want %d digits", c, CodeDigits)
		}
		for _, r := range c {
			if r < '0' || r > '9' {
				t.Fatalf("code %q has a non-digit", c)
			}
		}
		seen[c] = true
	}
	if len(seen) < 190 { // 200 draws from a million collide rarely
		t.Errorf("200 codes gave only %d distinct values", len(seen))
	}
}

func TestCodeIsUsableOnceWithinItsTimeAndTries(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	c := Code{CreatedAt: now, ExpiresAt: now.Add(CodeTTL)}
	if !c.Usable(now.Add(CodeTTL - time.Second)) {
		t.Error("a fresh code is not usable before it expires")
	}
	if c.Usable(now.Add(CodeTTL)) {
		t.Error("a code is usable at its expiry")
	}
	c.Attempts = CodeTries
	if c.Usable(now) {
		t.Errorf("a code is usable after %d tries", CodeTries)
	}
	c.Attempts = 0
	c.UsedAt = &now
	if c.Usable(now) {
		t.Error("a used code is usable")
	}
}
