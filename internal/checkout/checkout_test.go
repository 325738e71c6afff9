package checkout

import (
	"errors"
	"testing"
	"time"

	"github.com/kassapay/kassa/internal/field"
)

func TestTransitions(t *testing.T) {
	t.Parallel()
	allowed := map[[2]Status]bool{}
	for from, tos := range map[Status][]Status{
		StatusCreated:           {StatusPending, StatusCanceled, StatusExpired},
		StatusPending:           {StatusPaid, StatusFailed, StatusCanceled, StatusExpired},
		StatusFailed:            {StatusPending, StatusCanceled, StatusExpired},
		StatusPaid:              {StatusPartiallyRefunded, StatusRefunded},
		StatusPartiallyRefunded: {StatusPartiallyRefunded, StatusRefunded},
	} {
		for _, to := range tos {
			allowed[[2]Status{from, to}] = true
		}
	}
	for _, from := range Statuses() {
		for _, to := range Statuses() {
			if got, want := CanTransition(from, to), allowed[[2]Status{from, to}]; got != want {
				t.Errorf("CanTransition(%s, %s) = %v, want %v", from, to, got, want)
			}
		}
	}
	for s, open := range map[Status]bool{StatusCreated: true, StatusPending: true, StatusFailed: true, StatusPaid: false, StatusCanceled: false, StatusExpired: false, StatusRefunded: false} {
		if s.Open() != open {
			t.Errorf("%s.Open() = %v", s, !open)
		}
	}
}

func TestTTL(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		kind    Kind
		seconds int64
		want    time.Duration
		ok      bool
	}{
		{KindSession, 0, 30 * time.Minute, true}, {KindSession, 60, time.Minute, true}, {KindSession, 86400, 24 * time.Hour, true},
		{KindSession, 59, 0, false}, {KindSession, 86401, 0, false}, {KindSession, -1, 0, false},
		{KindLink, 0, 30 * 24 * time.Hour, true}, {KindLink, 31_536_000, 365 * 24 * time.Hour, true}, {KindLink, 31_536_001, 0, false},
	} {
		got, err := TTL(tt.kind, tt.seconds)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("TTL(%s, %d) = %v, %v", tt.kind, tt.seconds, got, err)
		}
		var fe *field.Error
		if err != nil && (!errors.As(err, &fe) || fe.Field != "expires_in_seconds" || !errors.Is(err, ErrTTL)) {
			t.Errorf("TTL error %v does not name expires_in_seconds", err)
		}
	}
}

func TestValidateReturnURL(t *testing.T) {
	t.Parallel()
	allowed := []string{"https://shop.example", "http://localhost:3000"}
	for _, tt := range []struct {
		raw     string
		allowed []string
		webhook string
		want    error
	}{
		{"https://anything.example/thanks?s={CHECKOUT_SESSION_ID}", nil, "", nil},
		{"https://shop.example/thanks/{CHECKOUT_SESSION_ID}", allowed, "", nil},
		{"https://SHOP.example:443/thanks", allowed, "", nil},
		{"http://localhost:3000/done", allowed, "", nil},
		{"http://127.0.0.1:8000/done", nil, "", nil},
		{"https://api.shop.example/ok", allowed, "https://api.shop.example/hooks", nil},
		{"https://evil.example/x", allowed, "", ErrOriginNotAllow},
		{"https://shop.example:8443/x", allowed, "", ErrOriginNotAllow},
		{"http://shop.example/thanks", nil, "", ErrURL},
		{"javascript:alert(1)", nil, "", ErrURL},
		{"/relative", nil, "", ErrURL},
		{"https://user:pw@shop.example/", nil, "", ErrURL},
		{"", nil, "", ErrRequired},
	} {
		err := ValidateReturnURL("success_url", tt.raw, tt.allowed, tt.webhook)
		if !errors.Is(err, tt.want) && !(err == nil && tt.want == nil) {
			t.Errorf("ValidateReturnURL(%q) = %v, want %v", tt.raw, err, tt.want)
		}
		var fe *field.Error
		if err != nil && (!errors.As(err, &fe) || fe.Field != "success_url") {
			t.Errorf("%q: error does not name the field: %v", tt.raw, err)
		}
	}
	if got := ResolveReturnURL("https://shop.example/t?s={CHECKOUT_SESSION_ID}", "cs_abc"); got != "https://shop.example/t?s=cs_abc" {
		t.Errorf("ResolveReturnURL = %q", got)
	}
}
