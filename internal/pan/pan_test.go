package pan

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFindRunsOfCardNumbers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want []Run
	}{
		{"no digits here", nil},
		{"order 1234567890123", nil}, // 13 digits failing Luhn
		{"card 4242424242424242.", []Run{{Start: 5, End: 21}}},
		{"4242 4242 4242 4242", []Run{{Start: 0, End: 19}}},
		{"3782-822463-10005 ok", []Run{{Start: 0, End: 17}}},
		{"4242424242424242 1225 123", []Run{{Start: 0, End: 16, GluedAfter: true}}},
		{"a 4242424242424242 b 5555555555554444", []Run{{Start: 2, End: 18}, {Start: 21, End: 37}}},
		{"42424242424242424242", nil}, // 20 digits: no card number
		{"4242  4242 4242 4242", nil}, // two spaces split the groups, each too short
		{"4242.4242.4242.4242", nil},  // dots do not join groups
		{"x 4000000000000002 y", []Run{{Start: 2, End: 18}}},
	} {
		var got []Run
		Find(tc.in, func(r Run) { got = append(got, r) })
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("Find(%q) (-want +got):\n%s", tc.in, d)
		}
	}
}

func TestLuhn(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{
		"4242424242424242": true, "378282246310005": true, "4242424242424241": false, "": false, "4242 4242": false, "0": true,
	} {
		if got := Luhn(in); got != want {
			t.Errorf("Luhn(%q) = %v, want %v", in, got, want)
		}
	}
}
