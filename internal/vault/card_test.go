package vault

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// assertNoPAN fails when out contains number, or any six consecutive digits of it (a first6 is display data, but
// nothing that prints a Card is meant to show it, so six digits in a row means something leaked).
func assertNoPAN(t *testing.T, out, number string) {
	t.Helper()
	for _, w := range digitWindows(number, 6) {
		if strings.Contains(out, w) {
			t.Errorf("output contains %q from the card number:\n%s", w, out)
			return
		}
	}
}

func TestCardFormatsShowOnlyBrandAndLast4(t *testing.T) {
	t.Parallel()
	for _, tc := range sandboxCards {
		c := Card{Number: tc.number, ExpMonth: 12, ExpYear: 2030, Name: "Ada Lovelace"}
		last4 := tc.number[len(tc.number)-4:]
		want := string(tc.brand) + " ****" + last4

		got := fmt.Sprintf("%v|%+v|%#v|%s|%q|%d|%x|%X|%v|%+v|%#v",
			c, c, c, c, c, c, c, c, &c, struct{ C Card }{c}, []Card{c})
		wantAll := strings.Join([]string{
			want, want, "vault.Card{" + want + "}", want, `"` + want + `"`, want, want, want, want,
			"{C:" + want + "}", "[]vault.Card{vault.Card{" + want + "}}",
		}, "|")
		if diff := cmp.Diff(wantAll, got); diff != "" {
			t.Errorf("fmt output mismatch (-want +got):\n%s", diff)
		}
		if c.String() != want || fmt.Sprint(c) != want || fmt.Sprintln(c) != want+"\n" {
			t.Errorf("String/Sprint/Sprintln = %q, %q, %q; want %q", c.String(), fmt.Sprint(c), fmt.Sprintln(c), want)
		}
		if strings.Contains(got, c.Name) {
			t.Errorf("fmt output contains the cardholder name: %s", got)
		}
		assertNoPAN(t, got, tc.number)
	}
}

func TestCardStringHidesMalformedNumbers(t *testing.T) {
	t.Parallel()
	for _, number := range []string{"", "4242", "424242424242", "4242 4242 4242 4242 4242", "4242x4242424242424242"} {
		if got := (Card{Number: number}).String(); got != "unknown ****" {
			t.Errorf("Card{Number: %q}.String() = %q, want %q", number, got, "unknown ****")
		}
	}
	// A well-formed number that fails Luhn is still shown only redacted.
	if got := (Card{Number: "4242-4242-4242-4241"}).String(); got != "visa ****4241" {
		t.Errorf("String() = %q, want %q", got, "visa ****4241")
	}
}

func TestCardLogsShowOnlyBrandAndLast4(t *testing.T) {
	t.Parallel()
	dropTime := func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}
	for _, tc := range sandboxCards {
		c := Card{Number: tc.number, ExpMonth: 12, ExpYear: 2030, Name: "Ada Lovelace"}
		last4 := tc.number[len(tc.number)-4:]

		var jsonOut, textOut bytes.Buffer
		for _, h := range []slog.Handler{
			slog.NewJSONHandler(&jsonOut, &slog.HandlerOptions{ReplaceAttr: dropTime}),
			slog.NewTextHandler(&textOut, &slog.HandlerOptions{ReplaceAttr: dropTime}),
		} {
			slog.New(h).Info("charge", "card", c, "ptr", &c, "nested", struct{ C Card }{c},
				slog.Group("g", slog.Any("card", c)))
		}

		wantJSON := `{"level":"INFO","msg":"charge",` +
			`"card":{"brand":"` + string(tc.brand) + `","last4":"` + last4 + `"},` +
			`"ptr":{"brand":"` + string(tc.brand) + `","last4":"` + last4 + `"},` +
			`"nested":"!ERROR:json: error calling MarshalJSON for type vault.Card: ` + ErrMarshal.Error() + `",` +
			`"g":{"card":{"brand":"` + string(tc.brand) + `","last4":"` + last4 + `"}}}` + "\n"
		if diff := cmp.Diff(wantJSON, jsonOut.String()); diff != "" {
			t.Errorf("JSON log mismatch (-want +got):\n%s", diff)
		}
		wantText := `level=INFO msg=charge card.brand=` + string(tc.brand) + ` card.last4=` + last4 +
			` ptr.brand=` + string(tc.brand) + ` ptr.last4=` + last4 +
			` nested="{C:` + string(tc.brand) + ` ****` + last4 + `}"` +
			` g.card.brand=` + string(tc.brand) + ` g.card.last4=` + last4 + "\n"
		if diff := cmp.Diff(wantText, textOut.String()); diff != "" {
			t.Errorf("text log mismatch (-want +got):\n%s", diff)
		}
		assertNoPAN(t, jsonOut.String()+textOut.String(), tc.number)
	}
}

func TestCardRefusesToMarshal(t *testing.T) {
	t.Parallel()
	c := Card{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2030, Name: "Ada Lovelace"}
	encoders := map[string]func() ([]byte, error){
		"json value":   func() ([]byte, error) { return json.Marshal(c) },
		"json pointer": func() ([]byte, error) { return json.Marshal(&c) },
		"json field":   func() ([]byte, error) { return json.Marshal(struct{ Card Card }{c}) },
		"json in map":  func() ([]byte, error) { return json.Marshal(map[string]any{"card": c}) },
		"json indent":  func() ([]byte, error) { return json.MarshalIndent(c, "", "  ") },
		"xml":          func() ([]byte, error) { return xml.Marshal(c) },
		"gob": func() ([]byte, error) {
			var buf bytes.Buffer
			err := gob.NewEncoder(&buf).Encode(c)
			return buf.Bytes(), err
		},
	}
	for name, encode := range encoders {
		out, err := encode()
		if !errors.Is(err, ErrMarshal) && (err == nil || !strings.Contains(err.Error(), ErrMarshal.Error())) {
			t.Errorf("%s: err = %v, want ErrMarshal", name, err)
		}
		if err != nil {
			assertNoPAN(t, err.Error(), c.Number)
		}
		assertNoPAN(t, string(out), c.Number)
	}
}

func TestDisplayOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		card Card
		want Display
	}{
		{
			"visa",
			Card{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2030, Name: "Ada"},
			Display{Brand: BrandVisa, First6: "424242", Last4: "4242", ExpMonth: 12, ExpYear: 2030},
		},
		{
			"amex with separators",
			Card{Number: "3782-822463-10005", ExpMonth: 1, ExpYear: 2031},
			Display{Brand: BrandAmex, First6: "378282", Last4: "0005", ExpMonth: 1, ExpYear: 2031},
		},
		{
			"rupay",
			Card{Number: "6521 5000 0000 0006", ExpMonth: 6, ExpYear: 2029},
			Display{Brand: BrandRuPay, First6: "652150", Last4: "0006", ExpMonth: 6, ExpYear: 2029},
		},
		{
			"too short to show",
			Card{Number: "4242424242", ExpMonth: 6, ExpYear: 2029},
			Display{Brand: BrandUnknown, ExpMonth: 6, ExpYear: 2029},
		},
		{
			"garbled",
			Card{Number: "4242 4242 4242 424x", ExpMonth: 6, ExpYear: 2029},
			Display{Brand: BrandUnknown, ExpMonth: 6, ExpYear: 2029},
		},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, DisplayOf(tc.card)); diff != "" {
			t.Errorf("%s: DisplayOf mismatch (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestDisplayMarshalsForAPIs(t *testing.T) {
	t.Parallel()
	got, err := json.Marshal(DisplayOf(Card{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2030}))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"brand":"visa","first6":"424242","last4":"4242","exp_month":12,"exp_year":2030}`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("Display JSON mismatch (-want +got):\n%s", diff)
	}
}
