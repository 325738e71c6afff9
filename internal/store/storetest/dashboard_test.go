package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/store"
)

func testDashboardSessions(t *testing.T, s store.Store) {
	ctx := context.Background()
	m := NewMerchant(t, s)
	u := merchant.User{ID: id.New("usr_", Now), MerchantID: m.ID, Email: "dash@example.com", PasswordHash: "$argon2id$x", Role: merchant.RoleMerchant, CreatedAt: Now}
	if err := s.InsertUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetUser(ctx, u.ID)
	if err != nil || got != u {
		t.Fatalf("GetUser: %+v %v", got, err)
	}
	// A key is revoked only in its own mode.
	live, _, liveHash := merchant.NewKey(m.ID, merchant.KeySecret, true, Now)
	if err := s.InsertAPIKey(ctx, live, liveHash); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeAPIKeyOfMode(ctx, m.ID, false, live.ID, Now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoking a live key in test mode: %v, want ErrNotFound", err)
	}
	if k, err := s.GetAPIKeyByHash(ctx, liveHash); err != nil || k.RevokedAt != nil {
		t.Errorf("live key after a test-mode revoke: %+v %v", k, err)
	}
	if err := s.RevokeAPIKeyOfMode(ctx, "mer_other", true, live.ID, Now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoking another merchant's key: %v, want ErrNotFound", err)
	}
	if err := s.RevokeAPIKeyOfMode(ctx, m.ID, true, live.ID, Now); err != nil {
		t.Fatal(err)
	}
	if k, err := s.GetAPIKeyByHash(ctx, liveHash); err != nil || k.RevokedAt == nil {
		t.Errorf("live key after a live-mode revoke: %+v %v", k, err)
	}
	if err := s.UpdateUserPassword(ctx, u.ID, "$argon2id$y"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetUser(ctx, u.ID); got.PasswordHash != "$argon2id$y" {
		t.Errorf("password hash after update: %q", got.PasswordHash)
	}
	if err := s.UpdateUserPassword(ctx, "usr_missing", "x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UpdateUserPassword of a missing user: %v", err)
	}

	sess := store.DashboardSession{TokenHash: "hash-1", UserID: u.ID, MerchantID: m.ID, CreatedAt: Now, ExpiresAt: Now.Add(time.Hour)}
	old := store.DashboardSession{TokenHash: "hash-0", UserID: u.ID, CreatedAt: Now.Add(-2 * time.Hour), ExpiresAt: Now.Add(-time.Hour)}
	for _, x := range []store.DashboardSession{sess, old} {
		if err := s.InsertDashboardSession(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	gotS, err := s.GetDashboardSession(ctx, "hash-1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sess, gotS); diff != "" {
		t.Errorf("GetDashboardSession (-want +got):\n%s", diff)
	}
	sess.Livemode, sess.MerchantID = true, ""
	if err := s.UpdateDashboardSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	if gotS, _ = s.GetDashboardSession(ctx, "hash-1"); !gotS.Livemode || gotS.MerchantID != "" {
		t.Errorf("after UpdateDashboardSession: %+v", gotS)
	}
	if n, err := s.DeleteExpiredDashboardSessions(ctx, Now); err != nil || n != 1 {
		t.Errorf("DeleteExpiredDashboardSessions: %d %v, want 1", n, err)
	}
	if _, err := s.GetDashboardSession(ctx, "hash-0"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("expired session after the sweep: %v", err)
	}
	if n, err := s.DeleteUserDashboardSessions(ctx, u.ID); err != nil || n != 1 {
		t.Errorf("DeleteUserDashboardSessions: %d %v", n, err)
	}
	if err := s.DeleteDashboardSession(ctx, "hash-1"); err != nil {
		t.Errorf("deleting a deleted session: %v", err)
	}

	if _, err := s.GetLoginFailures(ctx, "a@example.com"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("failures of a new email: %v", err)
	}
	until := Now.Add(15 * time.Minute)
	for i, want := range []store.LoginFailures{{Email: "a@example.com", Failures: 1, UpdatedAt: Now}, {Email: "a@example.com", Failures: 2, UpdatedAt: Now}} {
		got, err := s.CountLoginFailure(ctx, "a@example.com", Now)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("CountLoginFailure %d (-want +got):\n%s", i, diff)
		}
	}
	if err := s.LockLoginFailures(ctx, "a@example.com", until); err != nil {
		t.Fatal(err)
	}
	if err := s.LockLoginFailures(ctx, "a@example.com", until.Add(time.Hour)); err != nil { // locked already: no change
		t.Fatal(err)
	}
	lf, err := s.CountLoginFailure(ctx, "a@example.com", Now.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if want := (store.LoginFailures{Email: "a@example.com", Failures: 3, LockedUntil: &until, UpdatedAt: Now.Add(time.Minute)}); !cmp.Equal(want, lf) {
		t.Errorf("CountLoginFailure while locked (-want +got):\n%s", cmp.Diff(want, lf))
	}
	if got, err := s.GetLoginFailures(ctx, "a@example.com"); err != nil || got.Failures != 3 || got.LockedUntil == nil || !got.LockedUntil.Equal(until) {
		t.Errorf("GetLoginFailures: %+v %v", got, err)
	}
	// The lock ran out: the count starts afresh.
	lf, err = s.CountLoginFailure(ctx, "a@example.com", until)
	if err != nil {
		t.Fatal(err)
	}
	if lf.Failures != 1 || lf.LockedUntil != nil {
		t.Errorf("CountLoginFailure after the lock: %+v", lf)
	}
	// Concurrent attempts each get their own count: none is lost.
	const parallel = 20
	counts := make(chan int64, parallel)
	var wg sync.WaitGroup
	for range parallel {
		wg.Go(func() {
			f, err := s.CountLoginFailure(ctx, "b@example.com", Now)
			if err != nil {
				t.Error(err)
			}
			counts <- f.Failures
		})
	}
	wg.Wait()
	close(counts)
	seen := map[int64]bool{}
	for n := range counts {
		seen[n] = true
	}
	for n := int64(1); n <= parallel; n++ {
		if !seen[n] {
			t.Errorf("concurrent CountLoginFailure: no attempt got count %d (got %v)", n, seen)
		}
	}
	if err := s.DeleteLoginFailures(ctx, "a@example.com"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetLoginFailures(ctx, "a@example.com"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("failures after delete: %v", err)
	}

	if _, err := s.GetMerchantProfile(ctx, m.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("profile of a new merchant: %v", err)
	}
	p := merchant.Profile{MerchantID: m.ID, TimeZone: "Europe/Berlin", AccentColor: "#112233", LogoURL: "https://x.example/l.png", UpdatedAt: Now}
	for i := 0; i < 2; i++ {
		if err := s.SaveMerchantProfile(ctx, p); err != nil {
			t.Fatal(err)
		}
		got, err := s.GetMerchantProfile(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(p, got); diff != "" {
			t.Errorf("GetMerchantProfile (-want +got):\n%s", diff)
		}
		p.TimeZone, p.AccentColor = "", ""
	}
}

func testPaymentSearchAndStats(t *testing.T, s store.Store) {
	ctx := context.Background()
	m, other := NewMerchant(t, s), NewMerchant(t, s)
	day := Now.Truncate(24 * time.Hour)
	a := NewPayment(t, s, m.ID, payment.StatusCaptured, 1000, "USD", day.Add(time.Hour), "A-1", "x@example.com", "4242")
	b := NewPayment(t, s, m.ID, payment.StatusFailed, 2000, "USD", day.Add(2*time.Hour), "B-1", "y@example.com", "0002")
	c := NewPayment(t, s, m.ID, payment.StatusCaptured, 3000, "EUR", day.Add(26*time.Hour), "C-1", "x@example.com", "4242")
	NewPayment(t, s, other.ID, payment.StatusCaptured, 1000, "USD", day.Add(time.Hour), "A-1", "x@example.com", "4242")

	ids := func(ps []payment.Payment) []string {
		out := []string{}
		for _, p := range ps {
			out = append(out, p.ID)
		}
		return out
	}
	for name, tt := range map[string]struct {
		f    store.PaymentSearch
		want []string
	}{
		"all":               {store.PaymentSearch{}, []string{c.ID, b.ID, a.ID}},
		"status":            {store.PaymentSearch{Status: "failed"}, []string{b.ID}},
		"method":            {store.PaymentSearch{Method: "upi"}, []string{}},
		"order":             {store.PaymentSearch{ExternalOrderID: "A-1"}, []string{a.ID}},
		"last4":             {store.PaymentSearch{CardLast4: "4242"}, []string{c.ID, a.ID}},
		"email":             {store.PaymentSearch{CustomerEmail: "y@example.com"}, []string{b.ID}},
		"amount":            {store.PaymentSearch{AmountGTE: 1500, AmountLTE: 2500, AmountLTESet: true}, []string{b.ID}},
		"dates":             {store.PaymentSearch{CreatedGTE: day, CreatedLT: day.Add(24 * time.Hour)}, []string{b.ID, a.ID}},
		"cursor":            {store.PaymentSearch{Page: store.Page{StartingAfter: c.ID}}, []string{b.ID, a.ID}},
		"limit":             {store.PaymentSearch{Page: store.Page{Limit: 1}}, []string{c.ID}},
		"amount at most 0":  {store.PaymentSearch{AmountLTESet: true}, []string{}},
		"from before 1970":  {store.PaymentSearch{CreatedGTE: time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC)}, []string{c.ID, b.ID, a.ID}},
		"until before 1970": {store.PaymentSearch{CreatedLT: time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)}, []string{}},
		"combination":       {store.PaymentSearch{CardLast4: "4242", CustomerEmail: "x@example.com", Status: "captured", AmountLTE: 2000, AmountLTESet: true}, []string{a.ID}},
	} {
		f := tt.f
		f.MerchantID = m.ID
		if f.Limit == 0 {
			f.Limit = 10
		}
		got, err := s.SearchPayments(ctx, f)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if diff := cmp.Diff(tt.want, ids(got)); diff != "" {
			t.Errorf("SearchPayments %s (-want +got):\n%s", name, diff)
		}
	}

	stats, err := s.PaymentStats(ctx, m.ID, false, day, day.Add(48*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := []store.PaymentStat{
		{Status: payment.StatusCaptured, Currency: "EUR", Count: 1, Amount: 3000},
		{Status: payment.StatusCaptured, Currency: "USD", Count: 1, Amount: 1000},
		{Status: payment.StatusFailed, Currency: "USD", Count: 1, Amount: 2000},
	}
	if diff := cmp.Diff(want, stats); diff != "" {
		t.Errorf("PaymentStats (-want +got):\n%s", diff)
	}
	if stats, _ := s.PaymentStats(ctx, m.ID, false, day.Add(24*time.Hour), day.Add(48*time.Hour)); len(stats) != 1 || stats[0].Currency != "EUR" {
		t.Errorf("PaymentStats of the second day: %+v", stats)
	}
	if stats, _ := s.PaymentStats(ctx, m.ID, true, day, day.Add(48*time.Hour)); len(stats) != 0 {
		t.Errorf("PaymentStats in live mode: %+v", stats)
	}
	refunds, err := s.RefundStats(ctx, m.ID, false, day, day.Add(48*time.Hour))
	if err != nil || len(refunds) != 0 {
		t.Errorf("RefundStats without refunds: %+v %v", refunds, err)
	}
}
