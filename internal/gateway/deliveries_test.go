package gateway_test

import (
	"context"
	"testing"
	"time"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/store/storetest"
	"github.com/kassapay/kassa/internal/webhook"
)

func setupEndpoint(t *testing.T, b storetest.Backend, replies ...kassatest.Reply) (*kassatest.Env, gateway.Auth, webhook.Endpoint, *kassatest.Receiver) {
	t.Helper()
	e := kassatest.Setup(t, b, kassatest.Options{})
	ctx := context.Background()
	auth, err := e.Gateway.Authenticate(ctx, e.SecretKey)
	if err != nil {
		t.Fatal(err)
	}
	recv := kassatest.NewReceiver(t, replies...)
	u := recv.URL
	ep, _, err := e.Gateway.CreateEndpoint(ctx, auth, gateway.EndpointInput{URL: &u})
	if err != nil {
		t.Fatal(err)
	}
	return e, auth, ep, recv
}

func lastDelivery(t *testing.T, e *kassatest.Env, auth gateway.Auth) webhook.Delivery {
	t.Helper()
	ds, _, err := e.Gateway.ListDeliveries(context.Background(), auth, store.DeliveryFilter{Page: store.Page{Limit: 1}})
	if err != nil || len(ds) != 1 {
		t.Fatalf("deliveries: %d, %v", len(ds), err)
	}
	return ds[0]
}

// TestSweepRequeuesOverdueDeliveries: a delivery whose job was lost is queued again once overdue.
func TestSweepRequeuesOverdueDeliveries(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e, auth, _, _ := setupEndpoint(t, b)
		ctx := context.Background()
		if _, err := e.Gateway.TriggerTestEvent(ctx, auth, "test.ping"); err != nil {
			t.Fatal(err)
		}
		if n, err := e.Gateway.EnqueueDueDeliveries(ctx); err != nil || n != 0 {
			t.Errorf("fresh delivery swept: %d, %v", n, err)
		}
		e.Clock.Advance(2 * time.Minute)
		if n, err := e.Gateway.EnqueueDueDeliveries(ctx); err != nil || n != 1 {
			t.Errorf("overdue delivery not swept: %d, %v", n, err)
		}
		before, _ := e.Store.Jobs().Count(ctx, gateway.DeliverArgs{}.Kind(), store.JobAvailable)
		if before != 2 {
			t.Errorf("%d delivery jobs after the sweep, want the original and the re-queued one", before)
		}
	})
}
