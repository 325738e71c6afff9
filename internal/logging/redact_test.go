package logging

import (
	"strings"
	"testing"
)

// testPANs are the card numbers the public test-card lists use; each must vanish from anything Redact returns.
var testPANs = []struct {
	pan, spaced, dashed, last4 string
}{
	{"4242424242424242", "4242 4242 4242 4242", "4242-4242-4242-4242", "4242"},
	{"5555555555554444", "5555 5555 5555 4444", "5555-5555-5555-4444", "4444"},
	{"378282246310005", "3782 822463 10005", "3782-822463-10005", "0005"},
	{"6011111111111117", "6011 1111 1111 1117", "6011-1111-1111-1117", "1117"},
}

func TestRedact(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name, in, want string
	}{
		{name: "empty", in: "", want: ""},
		{name: "plain text", in: "GET /api/v1/payments 200", want: "GET /api/v1/payments 200"},

		{name: "visa", in: "card 4242424242424242 declined", want: "card [card ****4242] declined"},
		{name: "mastercard spaced", in: "5555 5555 5555 4444", want: "[card ****4444]"},
		{name: "amex dashed", in: "pan=3782-822463-10005;", want: "pan=[card ****0005];"},
		{name: "discover mixed separators", in: "6011 1111-1111 1117", want: "[card ****1117]"},
		{name: "glued to letters", in: "x4242424242424242y", want: "x[card ****4242]y"},
		{name: "in JSON", in: `{"number":"4242424242424242"}`, want: `{"number":"[card ****4242]"}`},
		{name: "two cards one space apart", in: "4242424242424242 5555555555554444",
			want: "[card ****4242] [card ****4444]"},
		{name: "19 digits", in: "6011000000000000001", want: "[card ****0001]"},
		{name: "13 digits", in: "4222222222222", want: "[card ****2222]"},
		{name: "preceding digit group kept", in: "at 15 4242 4242 4242 4242", want: "at 15 [card ****4242]"},
		{name: "preceding digit group forming a Luhn run joins the card", in: "at 18 4242 4242 4242 4242",
			want: "at [card ****4242]"},

		{name: "non-Luhn 16-digit id survives", in: "order 4242424242424241", want: "order 4242424242424241"},
		{name: "non-Luhn spaced survives", in: "1234 5678 9012 3456", want: "1234 5678 9012 3456"},
		{name: "12 digits survive", in: "424242424242", want: "424242424242"},
		{name: "20 digits survive", in: "42424242424242424242", want: "42424242424242424242"},
		{name: "double space splits groups", in: "4242 4242  4242 4242", want: "4242 4242  4242 4242"},
		{name: "amount and time survive", in: "amount=1999 at 2024-05-01 10:20:30", want: "amount=1999 at 2024-05-01 10:20:30"},

		{name: "secret key", in: "Bearer sk_test_51HqLyjWDarjtT1zdp7dcXyZAbCd",
			want: "Bearer sk_test_****AbCd"},
		{name: "live secret key", in: "key=sk_live_0123456789abcdefWXYZ&x=1", want: "key=sk_live_****WXYZ&x=1"},
		{name: "webhook secret with base64 body", in: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw+/3s=",
			want: "whsec_****/3s="},
		{name: "client secret", in: `"kcs_9f8e7d6c5b4a3210ffee"`, want: `"kcs_****ffee"`},
		{name: "short body masked completely", in: "sk_test_abc123", want: "sk_test_****"},
		{name: "bare prefix survives", in: "keys look like sk_test_…", want: "keys look like sk_test_…"},
		{name: "URL-encoded", in: "q=%3Dsk_live_0123456789abcdefWXYZ", want: "q=%3Dsk_live_****WXYZ"},
		{name: "publishable key survives", in: "pk_test_51HqLyjWDarjtT1zdp7dcXyZAbCd",
			want: "pk_test_51HqLyjWDarjtT1zdp7dcXyZAbCd"},
		{name: "digits inside a key stay hidden", in: "sk_test_4242424242424242ABCD", want: "sk_test_****ABCD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Redact(tt.in); got != tt.want {
				t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRedactHidesEveryTestPANForm(t *testing.T) {
	t.Parallel()

	for _, c := range testPANs {
		for _, form := range []string{c.pan, c.spaced, c.dashed} {
			got := Redact("paid with " + form + ".")
			if want := "paid with [card ****" + c.last4 + "]."; got != want {
				t.Errorf("Redact(%q) = %q, want %q", form, got, want)
			}
		}
	}
}

func FuzzRedact(f *testing.F) {
	for _, seed := range []string{
		"",
		"4242424242424242",
		"4242 4242 4242 4242",
		"3782-822463-10005",
		"1 4242424242424242 5555555555554444 9",
		"0000000000000000000000000",
		"4242424242424241",
		"Bearer sk_test_51HqLyjWDarjtT1zdp7dcXyZAbCd",
		"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw+/3s=",
		"kcs_sk_live_whsec_",
		"sk_test_4242 4242 4242 4242",
		"[card ****4242]",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Redact(s)
		if runs := luhnRuns(got); len(runs) > 0 {
			t.Fatalf("Redact(%q) = %q, which keeps the card numbers %q", s, got, runs)
		}
		if again := Redact(got); again != got {
			t.Fatalf("Redact is not idempotent: Redact(%q) = %q, then %q", s, got, again)
		}
	})
}

// luhnRuns returns the maximal runs of contiguous digits in s that are 13–19 digits long and pass the Luhn check.
// It is written independently of the code under test on purpose.
func luhnRuns(s string) []string {
	var runs []string
	for _, run := range strings.FieldsFunc(s, func(r rune) bool { return r < '0' || r > '9' }) {
		if len(run) < 13 || len(run) > 19 {
			continue
		}
		sum := 0
		for i := range len(run) {
			d := int(run[len(run)-1-i] - '0')
			if i%2 == 1 {
				d = d*2/10 + d*2%10
			}
			sum += d
		}
		if sum%10 == 0 {
			runs = append(runs, run)
		}
	}
	return runs
}

func BenchmarkRedact(b *testing.B) {
	inputs := []struct{ name, s string }{
		{"short clean", "request completed"},
		{"clean with ids", "POST /api/v1/payments/pay_01J0ZK3 merchant=mer_8f2 amount=1999 status=201 took=3.2ms"},
		{"card number", "provider declined card 4242 4242 4242 4242 for pay_01J0ZK3 (do_not_honor)"},
		{"secret key", "Authorization header Bearer sk_test_51HqLyjWDarjtT1zdp7dcXyZAbCd rejected"},
	}
	for _, in := range inputs {
		b.Run(in.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Redact(in.s)
			}
		})
	}
}
