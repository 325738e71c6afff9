package webhook

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestPayloadIsTheDocumentedEnvelope(t *testing.T) {
	t.Parallel()
	e := Event{
		ID:         "evt_1",
		Type:       EventPaymentSucceeded,
		APIVersion: "2026-01-01",
		CreatedAt:  time.Date(2026, 3, 4, 10, 30, 0, 999, time.FixedZone("IST", 5*3600+1800)),
		Livemode:   true,
		MerchantID: "mer_1",
		ObjectID:   "pay_1",
		Sequence:   7,
		Data:       json.RawMessage(`{"id": "pay_1", "return_url": "https://shop.example/ok?a=1&b=<2>"}`),
	}
	got, err := e.Payload()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"evt_1","object":"event","api_version":"2026-01-01","type":"payment.succeeded",` +
		`"created_at":"2026-03-04T05:00:00Z","livemode":true,"merchant_id":"mer_1","sequence":7,` +
		`"data":{"id":"pay_1","return_url":"https://shop.example/ok?a=1&b=<2>"}}`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Fatalf("Payload (-want +got):\n%s", diff)
	}
}

func TestPayloadRejectsInvalidData(t *testing.T) {
	t.Parallel()
	if _, err := (Event{ID: "evt_1", Data: json.RawMessage(`{"id":`)}).Payload(); err == nil {
		t.Fatal("Payload accepted invalid JSON data")
	}
	got, err := (Event{ID: "evt_1"}).Payload()
	if err != nil || !strings.HasSuffix(string(got), `"data":null}`) {
		t.Fatalf("Payload without data = %s, %v; want data null", got, err)
	}
}

func TestCatalogueHoldsDesignSection8(t *testing.T) {
	t.Parallel()
	want := []EventType{
		"checkout.session.created", "checkout.session.expired",
		"payment.authorized", "payment.captured", "payment.succeeded", "payment.failed", "payment.canceled",
		"payment.voided", "payment.expired", "payment.refunded",
		"refund.succeeded", "refund.failed",
		"payment_intent.created", "payment_intent.succeeded", "payment_intent.canceled",
		"payment_link.created",
		"usage.accepted",
		"settlement_batch.created", "settlement_batch.submitted", "settlement_batch.settled", "settlement_batch.failed",
		"payment_method.saved", "payment_method.removed",
		"endpoint.disabled", "test.ping",
	}
	if diff := cmp.Diff(want, Catalogue()); diff != "" {
		t.Fatalf("Catalogue (-want +got):\n%s", diff)
	}
	Catalogue()[0] = "mutated"
	if Catalogue()[0] != EventCheckoutSessionCreated {
		t.Fatal("Catalogue returned its internal slice")
	}
}

func TestValidEnabledEvent(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"*": true, "payment.succeeded": true, "test.ping": true, "settlement_batch.settled": true,
		"": false, "payment.*": false, "payment.Succeeded": false, "payment.succeeded ": false, "settlement_batch.*": false,
	} {
		if got := ValidEnabledEvent(s); got != want {
			t.Errorf("ValidEnabledEvent(%q) = %v; want %v", s, got, want)
		}
	}
}

func TestMatchesKeepsOptInEventsOutOfTheWildcard(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		typ     EventType
		enabled []string
		want    bool
	}{
		{EventPaymentSucceeded, []string{"*"}, true},
		{EventPaymentSucceeded, []string{"payment.failed", "payment.succeeded"}, true},
		{EventPaymentSucceeded, []string{"payment.failed"}, false},
		{EventPaymentSucceeded, nil, false},
		{EventCheckoutSessionCreated, []string{"*"}, false},
		{EventCheckoutSessionCreated, []string{"*", "checkout.session.created"}, true},
	} {
		if got := tc.typ.Matches(tc.enabled); got != tc.want {
			t.Errorf("%s.Matches(%q) = %v; want %v", tc.typ, tc.enabled, got, tc.want)
		}
	}
}
