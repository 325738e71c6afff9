package storetest

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/store/postgres"
	"github.com/kassapay/kassa/internal/webhook"
)

// TestSettingsCacheAcrossInstances runs two PostgreSQL stores on one database, as two Kassa instances behind a load
// balancer: each keeps the API keys and merchants it authenticates with, and a change on one reaches the other
// (the triggers' NOTIFY), while the instance that made it reads its own write at once.
func TestSettingsCacheAcrossInstances(t *testing.T) {
	t.Parallel()
	url := PostgresURL(t)
	ctx := context.Background()
	open := func(trips *atomic.Int64) *postgres.Store {
		s, err := postgres.Open(ctx, url, store.Options{MaxConns: 4, RoundTrips: trips})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	var tripsA, tripsB atomic.Int64
	a, b := open(&tripsA), open(&tripsB)
	if err := a.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	m := NewMerchant(t, a)
	k, plain, hash := merchant.NewKey(m.ID, merchant.KeySecret, false, Now)
	if err := a.InsertAPIKey(ctx, k, hash); err != nil {
		t.Fatal(err)
	}
	readKey := func(s store.Store) merchant.APIKey {
		t.Helper()
		got, err := s.GetAPIKeyByHash(ctx, merchant.HashKey(plain))
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	readName := func(s store.Store) string {
		t.Helper()
		got, err := s.GetMerchant(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got.Name
	}
	// eventually waits for a notification to cross from one instance's database session to the other's.
	eventually := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !ok(); time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("instance b still serves the old %s 10 s after instance a changed it", what)
			}
		}
	}
	// cached reads the key and its merchant on s and reports whether that took no round trip to the database.
	cached := func(s store.Store, trips *atomic.Int64) bool {
		before := trips.Load()
		readKey(s)
		readName(s)
		return trips.Load() == before
	}
	// Once its listener is up, each instance keeps what it read.
	eventually("listener", func() bool { return cached(a, &tripsA) && cached(b, &tripsB) })

	revoked := Now.Add(time.Minute)
	if err := a.RevokeAPIKey(ctx, m.ID, k.ID, revoked); err != nil {
		t.Fatal(err)
	}
	if readKey(a).RevokedAt == nil {
		t.Error("instance a serves the key it has just revoked")
	}
	eventually("revoked key", func() bool { return readKey(b).RevokedAt != nil })

	m.Name = "Renamed Shop"
	if err := a.InTx(ctx, func(tx store.Tx) error { return tx.UpdateMerchant(ctx, m) }); err != nil {
		t.Fatal(err)
	}
	if got := readName(a); got != "Renamed Shop" {
		t.Errorf("instance a after renaming in a transaction: %q", got)
	}
	eventually("merchant name", func() bool { return readName(b) == "Renamed Shop" })

	// A new webhook endpoint: the list of enabled endpoints every event reads, inside its transaction.
	endpoints := func(s store.Store) (n int) {
		t.Helper()
		if err := s.InTx(ctx, func(tx store.Tx) error {
			es, err := tx.ListEnabledWebhookEndpoints(ctx, m.ID, false)
			n = len(es)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if endpoints(a) != 0 || endpoints(b) != 0 {
		t.Fatal("endpoints before any was added")
	}
	ep := webhook.Endpoint{
		ID: id.New("we_", Now), MerchantID: m.ID, URL: "https://hooks.example/kassa", EnabledEvents: []string{"*"},
		APIVersion: "2026-11-01", Status: webhook.EndpointStatusEnabled, SecretSealed: []byte{1, 2, 3}, SecretHint: "abcd",
		Scope: webhook.ScopeMerchant, CreatedAt: Now, UpdatedAt: Now,
	}
	if err := a.InsertWebhookEndpoint(ctx, ep); err != nil {
		t.Fatal(err)
	}
	if endpoints(a) != 1 {
		t.Error("instance a does not list the endpoint it has just added")
	}
	eventually("endpoint list", func() bool { return endpoints(b) == 1 })
}
