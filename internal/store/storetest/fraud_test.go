package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/store"
)

// testBlocklist checks a merchant's blocklist: one entry per kind and value, BINs matching 6 to 8 digit prefixes,
// reads scoped to the merchant and mode, and the list newest first by kind and cursor.
func testBlocklist(t *testing.T, s store.Store) {
	ctx := context.Background()
	m := NewMerchant(t, s)
	other := NewMerchant(t, s)
	e := store.BlocklistEntry{ID: id.New("bl_", Now), MerchantID: m.ID, Kind: "bin", Value: "4242424", Reason: "r", CreatedAt: Now}
	if ok, err := s.InsertBlocklistEntry(ctx, e); !ok || err != nil {
		t.Fatalf("insert: %v %v", ok, err)
	}
	dup := e
	dup.ID = id.New("bl_", Now)
	if ok, err := s.InsertBlocklistEntry(ctx, dup); ok || err != nil {
		t.Errorf("duplicate inserted: %v %v", ok, err)
	}
	if got, _ := s.GetBlocklistEntryByValue(ctx, m.ID, false, "bin", "4242424"); got != e {
		t.Errorf("by value: %+v", got)
	}
	match := func(merchantID, bin string) int {
		sig, err := s.CountAttemptSignals(ctx, store.AttemptKey{MerchantID: merchantID}, store.Attempt{BIN: bin, Email: "x@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		return len(sig.Blocked)
	}
	if match(m.ID, "42424242") != 1 || match(m.ID, "42424200") != 0 || match(m.ID, "") != 0 {
		t.Error("BIN matching")
	}
	got, err := s.GetBlocklistEntry(ctx, m.ID, false, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(e, got); diff != "" {
		t.Errorf("GetBlocklistEntry (-want +got):\n%s", diff)
	}
	if _, err := s.GetBlocklistEntry(ctx, other.ID, false, e.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another merchant's entry: %v, want ErrNotFound", err)
	}
	if _, err := s.GetBlocklistEntry(ctx, m.ID, true, e.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a test-mode entry read in live mode: %v, want ErrNotFound", err)
	}
	if n := match(other.ID, "42424242"); n != 0 {
		t.Errorf("another merchant's attempt matched %d entries", n)
	}
	if err := s.DeleteBlocklistEntry(ctx, other.ID, false, e.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleting another merchant's entry: %v, want ErrNotFound", err)
	}

	// The list: newest first, by kind, by cursor; another merchant's and the other mode's entries stay out.
	entries := []store.BlocklistEntry{e} // oldest first
	for i, kv := range [][2]string{{"email", "a@example.com"}, {"ip", "192.0.2.9"}, {"email", "b@example.com"}} {
		at := Now.Add(time.Duration(i+1) * time.Second)
		x := store.BlocklistEntry{ID: id.New("bl_", at), MerchantID: m.ID, Kind: kv[0], Value: kv[1], Reason: "chargebacks", CreatedAt: at}
		if ok, err := s.InsertBlocklistEntry(ctx, x); !ok || err != nil {
			t.Fatalf("insert %s: %v %v", kv[1], ok, err)
		}
		entries = append(entries, x)
	}
	// An attempt matches the entries of its e-mail, IP and BIN, each with the value it matched.
	sig, err := s.CountAttemptSignals(ctx, store.AttemptKey{MerchantID: m.ID},
		store.Attempt{CardFingerprint: "fp-x", Email: "b@example.com", ClientIP: "192.0.2.9", BlockIP: "192.0.2.9", BIN: "42424242"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]store.BlockedValue{{Kind: "bin", Value: "4242424"}, {Kind: "email", Value: "b@example.com"}, {Kind: "ip", Value: "192.0.2.9"}}, sig.Blocked); diff != "" {
		t.Errorf("an attempt's matches (-want +got):\n%s", diff)
	}
	for _, x := range []store.BlocklistEntry{
		{ID: id.New("bl_", Now), MerchantID: m.ID, Livemode: true, Kind: "email", Value: "a@example.com", CreatedAt: Now},
		{ID: id.New("bl_", Now), MerchantID: other.ID, Kind: "email", Value: "a@example.com", CreatedAt: Now},
	} {
		if ok, err := s.InsertBlocklistEntry(ctx, x); !ok || err != nil {
			t.Fatalf("the same value in another scope: %v %v", ok, err)
		}
	}
	for name, tt := range map[string]struct {
		kind string
		page store.Page
		want []store.BlocklistEntry
	}{
		"all":            {"", store.Page{Limit: 10}, []store.BlocklistEntry{entries[3], entries[2], entries[1], entries[0]}},
		"kind":           {"email", store.Page{Limit: 10}, []store.BlocklistEntry{entries[3], entries[1]}},
		"limit":          {"", store.Page{Limit: 1}, []store.BlocklistEntry{entries[3]}},
		"starting_after": {"", store.Page{Limit: 2, StartingAfter: entries[2].ID}, []store.BlocklistEntry{entries[1], entries[0]}},
		"none":           {"card_fingerprint", store.Page{Limit: 10}, []store.BlocklistEntry{}},
	} {
		got, err := s.ListBlocklist(ctx, m.ID, false, tt.kind, tt.page)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ListBlocklist %s (-want +got):\n%s", name, diff)
		}
	}
	if err := s.DeleteBlocklistEntry(ctx, m.ID, false, e.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteBlocklistEntry(ctx, m.ID, false, e.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("delete twice: %v", err)
	}
	if _, err := s.GetBlocklistEntry(ctx, m.ID, false, e.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a deleted entry: %v, want ErrNotFound", err)
	}
}

// testFraudSettings checks a merchant's stored fraud settings: none, then stored and replaced, per mode.
func testFraudSettings(t *testing.T, s store.Store) {
	ctx := context.Background()
	m := NewMerchant(t, s)
	if _, err := s.GetFraudSettings(ctx, m.ID, false); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("no settings: %v", err)
	}
	for _, v := range []string{`{"review_threshold":40}`, `{"review_threshold":50}`} {
		if err := s.PutFraudSettings(ctx, m.ID, false, json.RawMessage(v), Now); err != nil {
			t.Fatal(err)
		}
	}
	if raw, _ := s.GetFraudSettings(ctx, m.ID, false); string(raw) != `{"review_threshold":50}` {
		t.Errorf("settings: %s", raw)
	}
	if _, err := s.GetFraudSettings(ctx, m.ID, true); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("test-mode settings leaked into live mode: %v", err)
	}
}
