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

// TestDeliveryJobRunAgainAfterItsAttemptSendsNothing: a delivery job whose attempt was recorded runs a second time,
// as River's rescuer runs the job of an instance killed after recording and before River marked the job completed.
// The recording queued the next attempt's job; the second run sends nothing and leaves that one job alone, instead of
// snoozing beside it and doubling every later attempt.
func TestDeliveryJobRunAgainAfterItsAttemptSendsNothing(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			st, gw := workerEnv(t, b, store.Options{}, webhook.Schedule{0, time.Hour})
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
			kind := gateway.DeliverArgs{}.Kind()
			count := func(state store.JobState) int {
				n, err := st.Jobs().Count(ctx, kind, state)
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
			delivery := func() webhook.Delivery {
				ds, _, err := gw.ListDeliveries(ctx, auth, store.DeliveryFilter{EventID: ev.ID, Page: store.Page{Limit: 1}})
				if err != nil || len(ds) != 1 {
					t.Fatalf("deliveries of %s: %v %v", ev.ID, ds, err)
				}
				return ds[0]
			}
			waitFor(t, "the first attempt to be recorded and its job completed", func() bool {
				return delivery().Attempts == 1 && count(store.JobCompleted) == 1 && count(store.JobScheduled) == 1
			})

			// The first job, run again (the rescuer makes it available at once).
			if err := st.Jobs().Enqueue(ctx, gateway.DeliverArgs{DeliveryID: delivery().ID}, nil); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the second run to finish", func() bool {
				return count(store.JobAvailable)+count(store.JobRunning)+count(store.JobRetryable) == 0 &&
					count(store.JobCompleted)+count(store.JobScheduled) == 3
			})
			if got, want := [2]int{count(store.JobCompleted), count(store.JobScheduled)}, [2]int{2, 1}; got != want {
				t.Errorf("delivery jobs completed and scheduled: %v, want %v (one job for the next attempt)", got, want)
			}
			if d := delivery(); d.Attempts != 1 || d.Status != webhook.DeliveryRetrying || len(recv.Requests()) != 1 {
				t.Errorf("delivery %s after the second run: %d attempts, %s, receiver got %d requests; want 1, retrying, 1",
					d.ID, d.Attempts, d.Status, len(recv.Requests()))
			}
		})
	}
}
