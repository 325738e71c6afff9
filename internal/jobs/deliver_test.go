package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/jobs"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/sealed"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/store/storetest"
	"github.com/kassapay/kassa/internal/webhook"
)

// workerEnv opens a store whose River client works jobs as `kassa serve` configures it, and a gateway that delivers
// webhooks to loopback receivers on schedule (nil: the default). The workers are registered, not started.
func workerEnv(t testing.TB, b storetest.Backend, opts store.Options, schedule webhook.Schedule) (store.Store, *gateway.Gateway) {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	workers := river.NewWorkers()
	opts.River = jobs.Config(workers, true, logger)
	st := b.Open(t, opts)
	box, err := sealed.New(kassatest.MasterKey, "webhook-secrets")
	if err != nil {
		t.Fatal(err)
	}
	gw := gateway.New(st, gateway.Options{Logger: logger, Webhooks: gateway.WebhookOptions{
		Secrets: box, Schedule: schedule, AllowedNetworks: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")},
	}})
	jobs.Register(workers, gw, logger)
	return st, gw
}

// TestWorkersDeliverWebhooks runs deliveries through River as `kassa serve` does, with a compressed schedule: a
// receiver that fails once gets the event again and the delivery ends delivered.
func TestWorkersDeliverWebhooks(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			st, gw := workerEnv(t, b, store.Options{}, webhook.Schedule{0, 100 * time.Millisecond, 100 * time.Millisecond})
			recv := kassatest.NewReceiver(t, kassatest.Reply{Status: 500, Body: "not yet"})

			m := storetest.NewMerchant(t, st)
			auth := gateway.Auth{Merchant: m, Key: merchant.APIKey{MerchantID: m.ID}}
			url := recv.URL + "/hooks"
			if _, _, err := gw.CreateEndpoint(ctx, auth, gateway.EndpointInput{URL: &url}); err != nil {
				t.Fatal(err)
			}
			if err := st.Jobs().Start(ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				st.Jobs().Stop(stopCtx) //nolint:errcheck
			})
			ev, err := gw.TriggerTestEvent(ctx, auth, string(webhook.EventTestPing))
			if err != nil {
				t.Fatal(err)
			}
			var d webhook.Delivery
			waitFor(t, "the delivery to succeed on its second attempt", func() bool {
				ds, _, err := gw.ListDeliveries(ctx, auth, store.DeliveryFilter{EventID: ev.ID, Page: store.Page{Limit: 1}})
				if err != nil || len(ds) != 1 {
					return false
				}
				d = ds[0]
				return d.Status == webhook.DeliveryDelivered
			})
			if d.Attempts != 2 || len(recv.Requests()) != 2 {
				t.Errorf("attempts = %d, receiver got %d requests; want 2 and 2", d.Attempts, len(recv.Requests()))
			}
		})
	}
}

// TestSlowEndpointDoesNotDelayOthers: while one merchant endpoint hangs on every delivery, the other endpoint
// receives every event.
func TestSlowEndpointDoesNotDelayOthers(t *testing.T) {
	b := storetest.Backends()[0]
	ctx := context.Background()
	st, gw := workerEnv(t, b, store.Options{}, nil)

	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(release)
	healthy := kassatest.NewReceiver(t)

	m := storetest.NewMerchant(t, st)
	auth := gateway.Auth{Merchant: m, Key: merchant.APIKey{MerchantID: m.ID}}
	for _, u := range []string{slow.URL, healthy.URL} {
		if _, _, err := gw.CreateEndpoint(ctx, auth, gateway.EndpointInput{URL: &u}); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Jobs().Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		st.Jobs().Stop(stopCtx) //nolint:errcheck
	})
	const events = 30
	for range events {
		if _, err := gw.TriggerTestEvent(ctx, auth, "test.ping"); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "the healthy endpoint to receive every event while the slow one hangs", func() bool {
		return len(healthy.Requests()) == events
	})
}
