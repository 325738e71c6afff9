package gateway_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/store/storetest"
)

// TestSignInLockOutUnderConcurrency: wrong passwords sent in parallel each count, so no more than MaxLoginFailures
// of them reach the password check and the lock engages as it does for attempts one after another.
func TestSignInLockOutUnderConcurrency(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		ctx := context.Background()
		email := e.Merchant.DashboardEmail
		const attempts = 24
		codes := make(chan string, attempts)
		var wg sync.WaitGroup
		for i := range attempts {
			wg.Go(func() {
				_, _, err := e.Gateway.SignIn(ctx, email, fmt.Sprintf("wrong password %d", i))
				ge, ok := gateway.AsError(err)
				if !ok {
					t.Errorf("attempt %d: %v", i, err)
					return
				}
				codes <- ge.Code
			})
		}
		wg.Wait()
		close(codes)
		got := map[string]int{}
		for c := range codes {
			got[c]++
		}
		// Attempts 1 to MaxLoginFailures-1 are told the password is wrong; the MaxLoginFailures-th locks.
		if want := map[string]int{"invalid_login": gateway.MaxLoginFailures - 1, "login_locked": attempts - gateway.MaxLoginFailures + 1}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("answers to %d parallel wrong passwords: %v, want %v", attempts, got, want)
		}
		f, err := e.Store.GetLoginFailures(ctx, strings.ToLower(email))
		if err != nil || f.Failures != attempts || f.LockedUntil == nil {
			t.Errorf("failures on record: %+v %v, want %d and a lock", f, err, attempts)
		}
		if _, _, err := e.Gateway.SignIn(ctx, email, e.Merchant.DashboardPassword); err == nil || !strings.Contains(err.Error(), "Too many") {
			t.Errorf("the right password after the parallel guesses: %v, want the lock", err)
		}
	})
}

// TestSignInRefusesUnstorableEmails: an email with a NUL byte or invalid UTF-8 is a wrong login, not a database error.
func TestSignInRefusesUnstorableEmails(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		for _, email := range []string{"owner\x00@acme.example", "\xff@acme.example"} {
			_, _, err := e.Gateway.SignIn(context.Background(), email, "x")
			if ge, ok := gateway.AsError(err); !ok || ge.Code != "invalid_login" {
				t.Errorf("sign in as %q: %v", email, err)
			}
		}
	})
}
