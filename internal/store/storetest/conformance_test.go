package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/riverqueue/river"

	"github.com/kassapay/kassa/internal/customer"
	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/idempotency"
	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/store"
)

// Run runs the conformance suite against stores made by open: each case gets a fresh, migrated, empty store.
func Run(t *testing.T, open func(t testing.TB, opts store.Options) store.Store) {
	tests := map[string]func(*testing.T, store.Store){
		"Connection":                    testConnection,
		"Merchants":                     testMerchants,
		"APIKeys":                       testAPIKeys,
		"Users":                         testUsers,
		"InstanceSettings":              testInstanceSettings,
		"Customers":                     testCustomers,
		"CustomerPages":                 testCustomerPages,
		"Idempotency":                   testIdempotency,
		"TxCommitsRowAndJob":            testTxCommitsRowAndJob,
		"TxRollsBackRowAndJob":          testTxRollsBackRowAndJob,
		"HeldBackWrites":                testHeldBackWrites,
		"LockMerchantSerializes":        testLockMerchantSerializes,
		"UnknownObjectsAreNotFound":     testNotFound,
		"Events":                        testEvents,
		"WebhookEndpointsAndDeliveries": testWebhookEndpointsAndDeliveries,
		"CheckoutSessions":              testCheckoutSessions,
		"Orders":                        testOrders,
		"CardPayments":                  testCardPayments,
		"DashboardSessions":             testDashboardSessions,
		"PaymentSearchAndStats":         testPaymentSearchAndStats,
		"PaymentProfiles":               testPaymentProfiles,
		"RoutingRules":                  testRoutingRules,
		"Payments":                      testPayments,
		"PaymentLists":                  testPaymentLists,
		"Transactions":                  testTransactions,
		"LocksWait":                     testLocksWait,
		"RefundReservations":            testRefundReservations,
		"Refunds":                       testRefunds,
		"RefundLists":                   testRefundLists,
		"PaidSessionByOrder":            testPaidSessionByOrder,
		"Ledger":                        testLedger,
		"Blocklist":                     testBlocklist,
		"FraudSettings":                 testFraudSettings,
		"WalletShoppersAndCards":        testWalletShoppersAndCards,
		"WalletCodesAndSessions":        testWalletCodesAndSessions,
	}
	for name, fn := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fn(t, open(t, store.Options{}))
		})
	}
	// Cases that open their store themselves, with options of their own.
	for name, fn := range map[string]func(*testing.T, func(testing.TB, store.Options) store.Store){
		"JobsWork":   testJobsWork,
		"PingClosed": testPingClosed,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			fn(t, open)
		})
	}
}

func testMerchants(t *testing.T, s store.Store) {
	ctx := context.Background()
	m := NewMerchant(t, s)
	got, err := s.GetMerchant(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(m, got); diff != "" {
		t.Errorf("GetMerchant (-want +got):\n%s", diff)
	}
	m.Name = "Renamed"
	m.CheckoutAllowedOrigins = []string{"https://shop.example", "http://localhost:3000"}
	m.RateLimits = merchant.RateLimits{ReadPerSecond: 500}
	m.Status = merchant.StatusInactive
	m.UpdatedAt = Now.Add(time.Minute)
	if err := s.UpdateMerchant(ctx, m); err != nil {
		t.Fatal(err)
	}
	got, err = s.GetMerchant(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(m, got); diff != "" {
		t.Errorf("after UpdateMerchant (-want +got):\n%s", diff)
	}
	all, err := s.ListMerchants(ctx)
	if err != nil || len(all) != 1 {
		t.Errorf("ListMerchants = %d merchants, %v", len(all), err)
	}
	if err := s.InsertMerchant(ctx, m); !errors.Is(err, store.ErrConflict) {
		t.Errorf("duplicate InsertMerchant: %v, want ErrConflict", err)
	}
}

func testAPIKeys(t *testing.T, s store.Store) {
	ctx := context.Background()
	m := NewMerchant(t, s)
	k, plain, hash := merchant.NewKey(m.ID, merchant.KeySecret, false, Now)
	if err := s.InsertAPIKey(ctx, k, hash); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetAPIKeyByHash(ctx, merchant.HashKey(plain))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(k, got); diff != "" {
		t.Errorf("GetAPIKeyByHash (-want +got):\n%s", diff)
	}
	pk, _, pkHash := merchant.NewKey(m.ID, merchant.KeyPublishable, false, Now.Add(time.Millisecond))
	if err := s.InsertAPIKey(ctx, pk, pkHash); err != nil {
		t.Fatal(err)
	}
	// Expiring the secret test keys leaves the publishable key alone.
	at := Now.Add(time.Hour)
	n, err := s.ExpireAPIKeys(ctx, m.ID, merchant.KeySecret, false, at)
	if err != nil || n != 1 {
		t.Fatalf("ExpireAPIKeys = %d, %v; want 1", n, err)
	}
	keys, err := s.ListAPIKeys(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	k.ExpiresAt = &at
	if diff := cmp.Diff([]merchant.APIKey{k, pk}, keys); diff != "" {
		t.Errorf("ListAPIKeys (-want +got):\n%s", diff)
	}
	// A key already expiring earlier keeps its earlier expiry.
	if n, _ := s.ExpireAPIKeys(ctx, m.ID, merchant.KeySecret, false, Now.Add(2*time.Hour)); n != 0 {
		t.Errorf("re-expiring extended %d keys", n)
	}
	if err := s.RevokeAPIKey(ctx, m.ID, pk.ID, Now); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeAPIKey(ctx, "mer_other", k.ID, Now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoking another merchant's key: %v, want ErrNotFound", err)
	}
	if _, err := s.GetAPIKeyByHash(ctx, merchant.HashKey("sk_test_unknown")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown key: %v", err)
	}
}

func testUsers(t *testing.T, s store.Store) {
	ctx := context.Background()
	m := NewMerchant(t, s)
	u := merchant.User{ID: id.New("usr_", Now), MerchantID: m.ID, Email: "owner@example.com", PasswordHash: "$argon2id$x", Role: merchant.RoleMerchant, CreatedAt: Now}
	if err := s.InsertUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetUserByEmail(ctx, u.Email)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(u, got); diff != "" {
		t.Errorf("GetUserByEmail (-want +got):\n%s", diff)
	}
	u.ID = id.New("usr_", Now)
	if err := s.InsertUser(ctx, u); !errors.Is(err, store.ErrConflict) {
		t.Errorf("duplicate email: %v, want ErrConflict", err)
	}
	op := merchant.User{ID: id.New("usr_", Now), Email: "ops@example.com", PasswordHash: "$argon2id$y", Role: merchant.RoleOperator, CreatedAt: Now}
	if err := s.InsertUser(ctx, op); err != nil {
		t.Fatalf("operator without merchant: %v", err)
	}
}

func testInstanceSettings(t *testing.T, s store.Store) {
	ctx := context.Background()
	ok, err := s.InsertInstanceSetting(ctx, "seeded", "mer_1", Now)
	if err != nil || !ok {
		t.Fatalf("first insert = %v, %v", ok, err)
	}
	ok, err = s.InsertInstanceSetting(ctx, "seeded", "mer_2", Now)
	if err != nil || ok {
		t.Fatalf("second insert = %v, %v; want false", ok, err)
	}
	v, err := s.GetInstanceSetting(ctx, "seeded")
	if err != nil || v != "mer_1" {
		t.Errorf("GetInstanceSetting = %q, %v", v, err)
	}
}

func newCustomer(m merchant.Merchant, at time.Time, email string) customer.Customer {
	return customer.Customer{
		ID: id.New("cus_", at), MerchantID: m.ID, Email: email, Name: "Ada", Phone: "+15555550100",
		Metadata: map[string]string{"crm": "42"}, CreatedAt: at,
	}
}

func testCustomers(t *testing.T, s store.Store) {
	ctx := context.Background()
	m := NewMerchant(t, s)
	c := newCustomer(m, Now, "ada@example.com")
	c.IdempotencyKey = "create-ada"
	if ok, err := s.InsertCustomer(ctx, c); err != nil || !ok {
		t.Fatalf("InsertCustomer = %v, %v", ok, err)
	}
	got, err := s.GetCustomer(ctx, m.ID, false, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(c, got); diff != "" {
		t.Errorf("GetCustomer (-want +got):\n%s", diff)
	}
	// Same idempotency key: not inserted, the first one is found by key.
	dup := newCustomer(m, Now, "other@example.com")
	dup.IdempotencyKey = "create-ada"
	if ok, err := s.InsertCustomer(ctx, dup); err != nil || ok {
		t.Fatalf("InsertCustomer with a used key = %v, %v; want false", ok, err)
	}
	byKey, err := s.GetCustomerByIdempotencyKey(ctx, m.ID, false, "create-ada")
	if err != nil || byKey.ID != c.ID {
		t.Errorf("GetCustomerByIdempotencyKey = %s, %v; want %s", byKey.ID, err, c.ID)
	}
	// The same key in live mode is another scope.
	live := newCustomer(m, Now, "live@example.com")
	live.Livemode, live.IdempotencyKey = true, "create-ada"
	if ok, err := s.InsertCustomer(ctx, live); err != nil || !ok {
		t.Fatalf("live-mode insert with a test-mode key = %v, %v", ok, err)
	}
	// Test and live never mix.
	if _, err := s.GetCustomer(ctx, m.ID, true, c.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("test customer read in live mode: %v", err)
	}
}

func testCustomerPages(t *testing.T, s store.Store) {
	ctx := context.Background()
	m := NewMerchant(t, s)
	other := NewMerchant(t, s)
	var ids []string // oldest first
	for i := range 7 {
		email := "even@example.com"
		if i%2 == 1 {
			email = "odd@example.com"
		}
		c := newCustomer(m, Now.Add(time.Duration(i)*time.Second), email)
		if _, err := s.InsertCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
		if _, err := s.InsertCustomer(ctx, newCustomer(other, Now, email)); err != nil {
			t.Fatal(err)
		}
	}
	list := func(f store.CustomerFilter) []string {
		t.Helper()
		f.MerchantID = m.ID
		cs, err := s.ListCustomers(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	if diff := cmp.Diff([]string{ids[6], ids[5], ids[4]}, list(store.CustomerFilter{Page: store.Page{Limit: 3}})); diff != "" {
		t.Errorf("first page (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{ids[3], ids[2], ids[1]}, list(store.CustomerFilter{Page: store.Page{Limit: 3, StartingAfter: ids[4]}})); diff != "" {
		t.Errorf("starting_after (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{ids[5], ids[4], ids[3]}, list(store.CustomerFilter{Page: store.Page{Limit: 3, EndingBefore: ids[2]}})); diff != "" {
		t.Errorf("ending_before (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{ids[5], ids[3], ids[1]}, list(store.CustomerFilter{Email: "odd@example.com", Page: store.Page{Limit: 10}})); diff != "" {
		t.Errorf("email filter (-want +got):\n%s", diff)
	}
}

func testIdempotency(t *testing.T, s store.Store) {
	ctx := context.Background()
	m := NewMerchant(t, s)
	sc := idempotency.Scope{MerchantID: m.ID, Route: "POST /api/v1/customers", Key: "k1"}
	rec := idempotency.Record{
		Scope: sc, RequestHash: "h1", Status: idempotency.StatusInProgress,
		LockedUntil: Now.Add(idempotency.LockTimeout), CreatedAt: Now, ExpiresAt: Now.Add(idempotency.Retention),
	}
	if ok, err := s.ClaimIdempotencyKey(ctx, rec); err != nil || !ok {
		t.Fatalf("first claim = %v, %v", ok, err)
	}
	if ok, err := s.ClaimIdempotencyKey(ctx, rec); err != nil || ok {
		t.Fatalf("second claim = %v, %v; want false", ok, err)
	}
	// Live mode is another scope.
	liveRec := rec
	liveRec.Livemode = true
	if ok, err := s.ClaimIdempotencyKey(ctx, liveRec); err != nil || !ok {
		t.Fatalf("live-mode claim = %v, %v", ok, err)
	}
	// A take-over needs the lock to have expired and the same request.
	if ok, _ := s.TakeOverIdempotencyKey(ctx, sc, "h1", Now, Now.Add(time.Hour)); ok {
		t.Error("took over a live claim")
	}
	later := Now.Add(idempotency.LockTimeout + time.Second)
	if ok, _ := s.TakeOverIdempotencyKey(ctx, sc, "other", later, later.Add(time.Minute)); ok {
		t.Error("took over with another request hash")
	}
	if ok, err := s.TakeOverIdempotencyKey(ctx, sc, "h1", later, later.Add(time.Minute)); err != nil || !ok {
		t.Errorf("take-over of an expired claim = %v, %v", ok, err)
	}
	body := []byte(`{"id":"cus_1"}`)
	if err := s.CompleteIdempotencyKey(ctx, sc, 201, body); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetIdempotencyKey(ctx, sc)
	if err != nil {
		t.Fatal(err)
	}
	want := rec
	want.Status, want.ResponseStatus, want.ResponseBody, want.LockedUntil = idempotency.StatusCompleted, 201, body, later.Add(time.Minute)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("completed record (-want +got):\n%s", diff)
	}
	// A completed record is not deleted as a failed claim would be.
	if err := s.ReleaseIdempotencyKey(ctx, sc, later); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetIdempotencyKey(ctx, sc); err != nil {
		t.Errorf("completed record deleted by ReleaseIdempotencyKey: %v", err)
	}
	if ok, err := s.BindIdempotencyKey(ctx, sc, "pay_1"); err != nil || ok {
		t.Errorf("bound a completed record = %v, %v", ok, err)
	}
	if err := s.ReleaseIdempotencyKey(ctx, liveRec.Scope, Now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetIdempotencyKey(ctx, liveRec.Scope); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("released claim still there: %v", err)
	}

	// A claim bound to a recovery point (in its first phase's transaction) is bound once, and a release unlocks it
	// for the next retry instead of deleting it.
	bound := rec
	bound.Scope.Key = "k2"
	if ok, err := s.ClaimIdempotencyKey(ctx, bound); err != nil || !ok {
		t.Fatalf("claim k2 = %v, %v", ok, err)
	}
	err = s.InTx(ctx, func(tx store.Tx) error {
		ok, err := tx.BindIdempotencyKey(ctx, bound.Scope, "pay_1")
		if err == nil && !ok {
			err = errors.New("not bound")
		}
		return err
	})
	if err != nil {
		t.Fatalf("bind in a transaction: %v", err)
	}
	if ok, err := s.BindIdempotencyKey(ctx, bound.Scope, "pay_2"); err != nil || ok {
		t.Errorf("second bind = %v, %v; want false", ok, err)
	}
	err = s.InTx(ctx, func(tx store.Tx) error {
		if _, err := tx.BindIdempotencyKey(ctx, liveRec.Scope, "pay_3"); err != nil {
			return err
		}
		return errors.New("roll back")
	})
	if err == nil {
		t.Fatal("InTx did not return the transaction's error")
	}
	if err := s.ReleaseIdempotencyKey(ctx, bound.Scope, Now); err != nil {
		t.Fatal(err)
	}
	got, err = s.GetIdempotencyKey(ctx, bound.Scope)
	if err != nil {
		t.Fatalf("bound claim deleted by a release: %v", err)
	}
	if got.RecoveryPoint != "pay_1" || got.Status != idempotency.StatusInProgress || !got.LockedUntil.Equal(Now) {
		t.Errorf("released bound claim = %+v; want in progress, recovery point pay_1, unlocked at %v", got, Now)
	}
	if ok, err := s.TakeOverIdempotencyKey(ctx, bound.Scope, "h1", Now, Now.Add(time.Minute)); err != nil || !ok {
		t.Errorf("take-over of the released bound claim = %v, %v", ok, err)
	}
	if err := s.CompleteIdempotencyKey(ctx, bound.Scope, 200, body); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.DeleteExpiredIdempotencyKey(ctx, sc, Now); ok {
		t.Error("deleted an unexpired record")
	}
	n, err := s.DeleteExpiredIdempotencyKeys(ctx, Now.Add(idempotency.Retention+time.Second))
	if err != nil || n != 2 {
		t.Errorf("DeleteExpiredIdempotencyKeys = %d, %v; want 2", n, err)
	}
}

// testConnection checks what starting an instance and its readiness check ask of a migrated store: it answers a
// ping, names its engine as the type it is, and migrating it again, from two instances at once, changes nothing.
func testConnection(t *testing.T, s store.Store) {
	ctx := context.Background()
	if err := s.Ping(ctx); err != nil {
		t.Errorf("Ping: %v", err)
	}
	want := map[bool]string{true: "postgres", false: "sqlite"}[isPostgres(s)]
	if got := s.Dialect(); got != want {
		t.Errorf("Dialect() = %q for a %T, want %q", got, s, want)
	}
	m := NewMerchant(t, s)
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for range 2 {
		wg.Go(func() { errs <- s.Migrate(ctx) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("Migrate of a migrated store: %v", err)
		}
	}
	if got, err := s.GetMerchant(ctx, m.ID); err != nil || !cmp.Equal(m, got) {
		t.Errorf("merchant after migrating again = %+v, %v", got, err)
	}
}

// testPingClosed checks that a store whose connections are gone fails its ping (kassa check reports not ready).
func testPingClosed(t *testing.T, open func(testing.TB, store.Options) store.Store) {
	s := open(t, store.Options{})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(context.Background()); err == nil {
		t.Error("Ping of a closed store succeeded")
	}
}

type jobArgs struct {
	MerchantID string `json:"merchant_id"`
}

func (jobArgs) Kind() string { return "storetest_job" }

func testTxCommitsRowAndJob(t *testing.T, s store.Store) {
	ctx := context.Background()
	m := NewMerchant(t, s)
	c := newCustomer(m, Now, "a@example.com")
	err := s.InTx(ctx, func(tx store.Tx) error {
		if _, err := tx.InsertCustomer(ctx, c); err != nil {
			return err
		}
		return tx.Enqueue(ctx, jobArgs{MerchantID: m.ID}, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetCustomer(ctx, m.ID, false, c.ID); err != nil {
		t.Errorf("row after commit: %v", err)
	}
	if n, err := s.Jobs().Count(ctx, jobArgs{}.Kind(), store.JobAvailable); err != nil || n != 1 {
		t.Errorf("jobs after commit = %d, %v; want 1", n, err)
	}
}

func testTxRollsBackRowAndJob(t *testing.T, s store.Store) {
	ctx := context.Background()
	m := NewMerchant(t, s)
	c := newCustomer(m, Now, "a@example.com")
	boom := errors.New("boom")
	err := s.InTx(ctx, func(tx store.Tx) error {
		if _, err := tx.InsertCustomer(ctx, c); err != nil {
			return err
		}
		if err := tx.Enqueue(ctx, jobArgs{MerchantID: m.ID}, nil); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx = %v, want the callback's error", err)
	}
	if _, err := s.GetCustomer(ctx, m.ID, false, c.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("row after rollback: %v, want ErrNotFound", err)
	}
	if n, err := s.Jobs().Count(ctx, jobArgs{}.Kind(), store.JobAvailable); err != nil || n != 0 {
		t.Errorf("jobs after rollback = %d, %v; want 0", n, err)
	}
}

// testLockMerchantSerializes increments a field under LockMerchant from many goroutines; without the lock,
// read-modify-write cycles would interleave and lose increments.
func testLockMerchantSerializes(t *testing.T, s store.Store) {
	ctx := context.Background()
	m := NewMerchant(t, s)
	const workers = 16
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- s.InTx(ctx, func(tx store.Tx) error {
				cur, err := tx.LockMerchant(ctx, m.ID)
				if err != nil {
					return err
				}
				cur.RateLimits.ReadPerSecond++
				return tx.UpdateMerchant(ctx, cur)
			})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.GetMerchant(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.RateLimits.ReadPerSecond != workers {
		t.Errorf("counter = %d after %d locked increments", got.RateLimits.ReadPerSecond, workers)
	}
}

func testNotFound(t *testing.T, s store.Store) {
	ctx := context.Background()
	checks := map[string]error{}
	_, checks["GetMerchant"] = s.GetMerchant(ctx, "mer_missing")
	_, checks["GetCustomer"] = s.GetCustomer(ctx, "mer_missing", false, "cus_missing")
	_, checks["GetUserByEmail"] = s.GetUserByEmail(ctx, "nobody@example.com")
	_, checks["GetInstanceSetting"] = s.GetInstanceSetting(ctx, "missing")
	checks["UpdateMerchant"] = s.UpdateMerchant(ctx, merchant.Merchant{ID: "mer_missing", Status: merchant.StatusActive})
	checks["LockMerchant"] = s.InTx(ctx, func(tx store.Tx) error {
		_, err := tx.LockMerchant(ctx, "mer_missing")
		return err
	})
	for name, err := range checks {
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: %v, want ErrNotFound", name, fmt.Sprint(err))
		}
	}
}

// Ensure jobArgs satisfies River's interface at compile time.
var _ river.JobArgs = jobArgs{}
