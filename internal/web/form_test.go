package web

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kassapay/kassa/internal/checkout"
)

func TestParseExpiry(t *testing.T) {
	t.Parallel()
	for in, want := range map[string][2]int{
		"04/29": {4, 29}, "04 / 29": {4, 29}, "4/29": {4, 29}, "04-2029": {4, 2029}, "0429": {4, 29}, "042029": {4, 2029},
		"429": {4, 29}, "42029": {4, 2029}, "13/30": {13, 30}, "": {0, -1}, "soon": {0, -1}, "ab/29": {0, 29},
		"04/2x": {4, -1}, "04/": {4, -1}, "123/29": {0, 29}, "04/20290": {4, -1}, "+4/29": {0, 29},
	} {
		m, y := parseExpiry(in)
		if got := [2]int{m, y}; got != want {
			t.Errorf("parseExpiry(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestCSPSourcesKeepOnlyPlainOrigins(t *testing.T) {
	t.Parallel()
	got := cspSources([]string{
		"https://shop.example/orders/ok?s={CHECKOUT_SESSION_ID}", "https://SHOP.example/cancel", "http://localhost:3000/x",
		"https://[::1]:8443/", "https://a.example;script-src *", "https://a.example%3B/", "javascript:alert(1)", "/relative",
		"https://user@b.example/", "",
	})
	want := []string{"https://shop.example", "http://localhost:3000", "https://[::1]:8443"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("cspSources (-want +got):\n%s", diff)
	}
	h := http.Header{}
	hostedHeaders(h, policy{formTargets: []string{"https://a.example; script-src *"}})
	if got := h.Get("Content-Security-Policy"); got != "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"form-action 'self'; frame-ancestors 'none'; base-uri 'none'" {
		t.Errorf("policy with an injected target: %q", got)
	}
}

func TestDeclineMessageFallsBackToTheProviderMessage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		s    checkout.Session
		want string
	}{
		{checkout.Session{FailureCode: "insufficient_funds"}, "Your card was declined: insufficient funds. Try another card."},
		{checkout.Session{FailureCode: "new_code", FailureMessage: "Card lost"}, "Your card was declined: card lost. Try another card."},
		{checkout.Session{}, "Your card was declined. Try another card."},
	} {
		if got := declineMessage(tc.s); got != tc.want {
			t.Errorf("declineMessage(%q) = %q, want %q", tc.s.FailureCode, got, tc.want)
		}
	}
}

func TestGroupedPrintsCardsAsEmbossed(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"4242424242424242": "4242 4242 4242 4242", "378282246310005": "3782 822463 10005", "4242424242424242424": "4242 4242 4242 4242 424",
	} {
		if got := grouped(in); got != want {
			t.Errorf("grouped(%q) = %q, want %q", in, got, want)
		}
	}
}
