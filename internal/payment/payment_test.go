package payment

import (
	"errors"
	"testing"
)

// TestTransitions checks every (from, to) pair against docs/architecture.md §4's diagram.
func TestTransitions(t *testing.T) {
	t.Parallel()
	allowed := map[[2]Status]bool{
		{StatusPending, StatusAuthorized}: true, {StatusPending, StatusCaptured}: true, {StatusPending, StatusFailed}: true,
		{StatusAuthorized, StatusCaptured}: true, {StatusAuthorized, StatusVoided}: true,
		{StatusAuthorized, StatusExpired}: true, {StatusAuthorized, StatusFailed}: true,
		{StatusCaptured, StatusPartiallyRefunded}: true, {StatusCaptured, StatusRefunded}: true,
		{StatusPartiallyRefunded, StatusPartiallyRefunded}: true, {StatusPartiallyRefunded, StatusRefunded}: true,
	}
	for _, from := range Statuses() {
		for _, to := range Statuses() {
			want := allowed[[2]Status{from, to}]
			if got := CanTransition(from, to); got != want {
				t.Errorf("CanTransition(%s, %s) = %v, want %v", from, to, got, want)
			}
			if err := Transition(from, to); (err == nil) != want || (err != nil && !errors.Is(err, ErrTransition)) {
				t.Errorf("Transition(%s, %s) = %v", from, to, err)
			}
		}
	}
	for _, s := range []Status{StatusRefunded, StatusVoided, StatusExpired, StatusFailed} {
		if !s.Final() {
			t.Errorf("%s is not final", s)
		}
	}
	for _, s := range []Status{StatusPending, StatusAuthorized, StatusCaptured, StatusPartiallyRefunded} {
		if s.Final() {
			t.Errorf("%s is final", s)
		}
	}
	if Status("paid").Valid() || !StatusCaptured.Valid() {
		t.Error("Valid")
	}
}

func TestCaptureRules(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		status Status
		amount int64
		ok     bool
	}{
		{StatusAuthorized, 1000, true}, {StatusAuthorized, 1, true}, {StatusAuthorized, 1001, false},
		{StatusAuthorized, 0, false}, {StatusCaptured, 100, false}, {StatusVoided, 100, false}, {StatusExpired, 100, false},
	} {
		if err := CheckCapture(tt.status, 1000, tt.amount); (err == nil) != tt.ok {
			t.Errorf("CheckCapture(%s, 1000, %d) = %v", tt.status, tt.amount, err)
		}
	}
}
