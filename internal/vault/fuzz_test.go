package vault

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// The seed corpora live in testdata/fuzz/<target>/.

// FuzzNormalizeNumber: never panics; an accepted number is the input without its spaces and dashes, 13–19 digits
// that pass Luhn; a rejection is one of the two sentinels and its message holds no six digits of the input.
func FuzzNormalizeNumber(f *testing.F) {
	stripSeparators := strings.NewReplacer(" ", "", "-", "")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := NormalizeNumber(s)
		if err != nil {
			if got != "" {
				t.Errorf("NormalizeNumber(%q) returned %q with error %v", s, got, err)
			}
			if !errors.Is(err, ErrNumberFormat) && !errors.Is(err, ErrNumberLuhn) {
				t.Errorf("NormalizeNumber(%q): unexpected error %v", s, err)
			}
			for _, w := range digitWindows(s, 6) {
				if strings.Contains(err.Error(), w) {
					t.Errorf("error %q contains %q from the input", err, w)
				}
			}
			return
		}
		if len(got) < minPANDigits || len(got) > maxPANDigits || strings.Trim(got, "0123456789") != "" {
			t.Errorf("NormalizeNumber(%q) = %q: not 13–19 digits", s, got)
		}
		if !Luhn(got) {
			t.Errorf("NormalizeNumber(%q) = %q fails Luhn", s, got)
		}
		if want := stripSeparators.Replace(s); got != want {
			t.Errorf("NormalizeNumber(%q) = %q, want %q", s, got, want)
		}
		if again, err := NormalizeNumber(got); again != got || err != nil {
			t.Errorf("NormalizeNumber is not idempotent on %q: %q, %v", got, again, err)
		}
	})
}

// FuzzOpen: Open never panics on arbitrary bytes, fails only with ErrOpen and no card data, and succeeds only for
// the one genuine record of the corpus (testdata/fuzz/FuzzOpen/genuine: goldenCard sealed for goldenRecordID), which
// the fuzzer mutates from.
func FuzzOpen(f *testing.F) {
	v := newVault(f, 9)
	f.Fuzz(func(t *testing.T, ciphertext, wrappedKey []byte, id string, keyVersion int) {
		got, err := v.Open(id, Sealed{Ciphertext: ciphertext, WrappedKey: wrappedKey, KeyVersion: keyVersion})
		if err != nil {
			if !errors.Is(err, ErrOpen) || got != (Card{}) {
				t.Errorf("Open = %v, %v; want ErrOpen and no card", got, err)
			}
			return
		}
		if id != goldenRecordID || got != goldenCard {
			t.Errorf("Open(%q) succeeded with %v: a record opened that was not sealed for this id", id, got)
		}
	})
}

// FuzzCardFormat: whatever a Card holds, nothing that prints or logs it shows more than four digits in a row, and
// the output depends on the number alone (the name and expiry never show).
func FuzzCardFormat(f *testing.F) {
	dropTime := func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}
	render := func(c Card) string {
		var out bytes.Buffer
		fmt.Fprintf(&out, "%v|%+v|%#v|%s|%q|%d|%x|%v|%v|%s|%s",
			c, c, c, c, c, c, c, &c, struct{ C Card }{c}, c.String(), c.GoString())
		slog.New(slog.NewJSONHandler(&out, &slog.HandlerOptions{ReplaceAttr: dropTime})).Info("m", "card", c)
		slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{ReplaceAttr: dropTime})).Info("m", "card", c)
		return out.String()
	}
	f.Fuzz(func(t *testing.T, number string, month, year int, name string) {
		out := render(Card{Number: number, ExpMonth: month, ExpYear: year, Name: name})
		if n := longestDigitRun(out); n > 4 {
			t.Errorf("output for Card{Number: %q} has %d digits in a row:\n%s", number, n, out)
		}
		if numberOnly := render(Card{Number: number}); out != numberOnly {
			t.Errorf("output depends on more than the number:\n%s\nvs\n%s", out, numberOnly)
		}
	})
}
