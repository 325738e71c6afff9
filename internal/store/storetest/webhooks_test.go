package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/webhook"
)

func testEvents(t *testing.T, s store.Store) {
	ctx := context.Background()
	m := NewMerchant(t, s)
	var evs []webhook.Event
	for i := range 4 {
		obj := "cus_a"
		if i%2 == 1 {
			obj = "cus_b"
		}
		at := Now.Add(time.Duration(i) * time.Minute)
		e := webhook.Event{
			ID: id.New("evt_", at), Type: webhook.EventType("customer.updated"), APIVersion: "2026-11-01", CreatedAt: at,
			MerchantID: m.ID, ObjectID: obj, Sequence: 99, Data: []byte(`{"id":"` + obj + `"}`),
		}
		if err := s.InsertEvent(ctx, e); err != nil {
			t.Fatal(err)
		}
		e.Sequence = int64(i/2 + 1) // the store numbers each object's events 1, 2, …, whatever the caller sends
		evs = append(evs, e)
	}
	got, err := s.GetEvent(ctx, m.ID, false, evs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(evs[0], got); diff != "" {
		t.Errorf("GetEvent (-want +got):\n%s", diff)
	}
	if _, err := s.GetEvent(ctx, "mer_other", false, evs[0].ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another merchant's event: %v", err)
	}
	if _, err := s.GetEvent(ctx, m.ID, true, evs[0].ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a test event read in live mode: %v", err)
	}
	// Workers read an event by id alone.
	got, err = s.GetEventByID(ctx, evs[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(evs[1], got); diff != "" {
		t.Errorf("GetEventByID (-want +got):\n%s", diff)
	}
	if _, err := s.GetEventByID(ctx, "evt_missing"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetEventByID of a missing event: %v", err)
	}
	ids := func(f store.EventFilter) []string {
		f.MerchantID = m.ID
		if f.Limit == 0 {
			f.Limit = 10
		}
		list, err := s.ListEvents(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range list {
			out = append(out, e.ID)
		}
		return out
	}
	for name, tc := range map[string]struct {
		f    store.EventFilter
		want []string
	}{
		"all":            {store.EventFilter{}, []string{evs[3].ID, evs[2].ID, evs[1].ID, evs[0].ID}},
		"object":         {store.EventFilter{ObjectID: "cus_b"}, []string{evs[3].ID, evs[1].ID}},
		"created range":  {store.EventFilter{CreatedGTE: Now.Add(time.Minute), CreatedLT: Now.Add(3 * time.Minute)}, []string{evs[2].ID, evs[1].ID}},
		"starting_after": {store.EventFilter{Page: store.Page{Limit: 2, StartingAfter: evs[3].ID}}, []string{evs[2].ID, evs[1].ID}},
		"ending_before":  {store.EventFilter{Page: store.Page{Limit: 2, EndingBefore: evs[0].ID}}, []string{evs[2].ID, evs[1].ID}},
		"type":           {store.EventFilter{Type: "other"}, nil},
	} {
		if diff := cmp.Diff(tc.want, ids(tc.f)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
}

func testWebhookEndpointsAndDeliveries(t *testing.T, s store.Store) {
	ctx := context.Background()
	m := NewMerchant(t, s)
	ep := webhook.Endpoint{
		ID: id.New("we_", Now), MerchantID: m.ID, URL: "https://hooks.example/kassa", EnabledEvents: []string{"*"},
		APIVersion: "2026-11-01", Status: webhook.EndpointStatusEnabled, SecretSealed: []byte{1, 2, 3}, SecretHint: "abcd", Scope: webhook.ScopeMerchant,
		CreatedAt: Now, UpdatedAt: Now,
	}
	if err := s.InsertWebhookEndpoint(ctx, ep); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetWebhookEndpoint(ctx, m.ID, false, ep.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ep, got); diff != "" {
		t.Errorf("GetWebhookEndpoint (-want +got):\n%s", diff)
	}
	later := Now.Add(time.Hour)
	ep.PreviousSecretSealed, ep.PreviousSecretExpiresAt, ep.FailingSince = []byte{9}, &later, &later
	ep.EnabledEvents, ep.UpdatedAt = []string{"payment.succeeded", "refund.succeeded"}, later
	err = s.InTx(ctx, func(tx store.Tx) error {
		if _, err := tx.LockWebhookEndpoint(ctx, ep.ID); err != nil {
			return err
		}
		return tx.UpdateWebhookEndpoint(ctx, ep)
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ = s.GetWebhookEndpointByID(ctx, ep.ID)
	if diff := cmp.Diff(ep, got); diff != "" {
		t.Errorf("after update (-want +got):\n%s", diff)
	}
	disabled := ep
	disabled.ID, disabled.Status = id.New("we_", Now.Add(time.Second)), webhook.EndpointStatusDisabled
	if err := s.InsertWebhookEndpoint(ctx, disabled); err != nil {
		t.Fatal(err)
	}
	all, _ := s.ListWebhookEndpoints(ctx, m.ID, false)
	enabled, _ := s.ListEnabledWebhookEndpoints(ctx, m.ID, false)
	if len(all) != 2 || len(enabled) != 1 || enabled[0].ID != ep.ID {
		t.Errorf("endpoints: %d listed, %d enabled", len(all), len(enabled))
	}
	// Deleted endpoints vanish from the merchant's view but stay readable by id for workers.
	disabled.DeletedAt = &later
	if err := s.UpdateWebhookEndpoint(ctx, disabled); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetWebhookEndpoint(ctx, m.ID, false, disabled.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted endpoint: %v", err)
	}
	if _, err := s.GetWebhookEndpointByID(ctx, disabled.ID); err != nil {
		t.Errorf("deleted endpoint by id: %v", err)
	}

	ev := webhook.Event{ID: id.New("evt_", Now), Type: webhook.EventTestPing, APIVersion: "2026-11-01", CreatedAt: Now, MerchantID: m.ID, ObjectID: ep.ID, Sequence: 1, Data: []byte(`{}`)}
	if err := s.InsertEvent(ctx, ev); err != nil {
		t.Fatal(err)
	}
	d := webhook.Delivery{
		ID: id.New("whd_", Now), MerchantID: m.ID, EventID: ev.ID, EndpointID: ep.ID, EventType: ev.Type,
		Status: webhook.DeliveryPending, NextAttemptAt: &Now, CreatedAt: Now, UpdatedAt: Now,
	}
	if err := s.InsertWebhookDelivery(ctx, d); err != nil {
		t.Fatal(err)
	}
	dup := d
	dup.ID = id.New("whd_", Now)
	if err := s.InsertWebhookDelivery(ctx, dup); !errors.Is(err, store.ErrConflict) {
		t.Errorf("second delivery of one event to one endpoint: %v, want ErrConflict", err)
	}
	due, err := s.ListDueWebhookDeliveries(ctx, Now, 10)
	if err != nil || len(due) != 1 {
		t.Fatalf("due = %d, %v", len(due), err)
	}
	if due, _ := s.ListDueWebhookDeliveries(ctx, Now.Add(-time.Second), 10); len(due) != 0 {
		t.Errorf("a delivery due later is listed as due")
	}
	a := webhook.Attempt{ID: id.New("wha_", Now), DeliveryID: d.ID, Number: 1, StartedAt: Now, Duration: 120 * time.Millisecond, HTTPStatus: 500, ResponseExcerpt: "oops", Error: ""}
	if err := s.InsertWebhookAttempt(ctx, a); err != nil {
		t.Fatal(err)
	}
	next := Now.Add(time.Minute)
	d.Status, d.Attempts, d.NextAttemptAt, d.LastAttemptAt, d.UpdatedAt = webhook.DeliveryRetrying, 1, &next, &Now, Now
	err = s.InTx(ctx, func(tx store.Tx) error {
		if _, err := tx.LockWebhookDelivery(ctx, d.ID); err != nil {
			return err
		}
		return tx.UpdateWebhookDelivery(ctx, d)
	})
	if err != nil {
		t.Fatal(err)
	}
	gotD, err := s.GetWebhookDelivery(ctx, m.ID, false, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(d, gotD); diff != "" {
		t.Errorf("delivery (-want +got):\n%s", diff)
	}
	if _, err := s.GetWebhookDelivery(ctx, "mer_other", false, d.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another merchant's delivery: %v", err)
	}
	gotD, err = s.GetWebhookDeliveryByID(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(d, gotD); diff != "" {
		t.Errorf("GetWebhookDeliveryByID (-want +got):\n%s", diff)
	}
	// The delivery worker reads the delivery, its endpoint (as updated) and its event in one round trip.
	cd, cep, cev, err := s.GetWebhookAttemptContext(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(d, cd); diff != "" {
		t.Errorf("GetWebhookAttemptContext delivery (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(ep, cep); diff != "" {
		t.Errorf("GetWebhookAttemptContext endpoint (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(ev, cev); diff != "" {
		t.Errorf("GetWebhookAttemptContext event (-want +got):\n%s", diff)
	}
	if _, _, _, err := s.GetWebhookAttemptContext(ctx, "whd_missing"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetWebhookAttemptContext of a missing delivery: %v", err)
	}
	if _, err := s.GetWebhookDeliveryByID(ctx, "whd_missing"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetWebhookDeliveryByID of a missing delivery: %v", err)
	}
	attempts, err := s.ListWebhookAttempts(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]webhook.Attempt{a}, attempts); diff != "" {
		t.Errorf("attempts (-want +got):\n%s", diff)
	}
	for name, f := range map[string]store.DeliveryFilter{
		"endpoint": {EndpointID: ep.ID}, "status": {Status: "retrying"}, "type": {EventType: string(webhook.EventTestPing)}, "event": {EventID: ev.ID},
	} {
		f.MerchantID, f.Limit = m.ID, 10
		list, err := s.ListWebhookDeliveries(ctx, f)
		if err != nil || len(list) != 1 {
			t.Errorf("deliveries by %s: %d, %v", name, len(list), err)
		}
	}
	if list, _ := s.ListWebhookDeliveries(ctx, store.DeliveryFilter{MerchantID: m.ID, Status: "failed", Page: store.Page{Limit: 10}}); len(list) != 0 {
		t.Errorf("status filter ignored")
	}
}
