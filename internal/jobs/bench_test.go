package jobs_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/store/storetest"
	"github.com/kassapay/kassa/internal/webhook"
)

// BenchmarkWebhookDelivery measures events recorded → delivered to a local receiver through River workers, on each
// database: deliveries per second, and the lag from an event's creation to its receipt (p50, p99). "burst" records
// as fast as 8 producers can while workers deliver; "drain" records every event first and then starts the workers
// (delivery capacity alone); "paced" records 500 events per second (lag at a steady rate).
//
//	go test -run '^$' -bench WebhookDelivery -benchtime 3000x ./internal/jobs/
func BenchmarkWebhookDelivery(b *testing.B) {
	for _, backend := range storetest.Backends() {
		b.Run(backend.Name+"/burst", func(b *testing.B) { benchDelivery(b, backend, 0, false) })
		b.Run(backend.Name+"/drain", func(b *testing.B) { benchDelivery(b, backend, 0, true) })
		b.Run(backend.Name+"/paced-500", func(b *testing.B) { benchDelivery(b, backend, 500, false) })
	}
}

func benchDelivery(b *testing.B, backend storetest.Backend, rate int, drain bool) {
	ctx := context.Background()
	st, gw := workerEnv(b, backend, store.Options{MaxConns: 32}, nil)

	var mu sync.Mutex
	var lags []time.Duration
	done := make(chan struct{}, b.N)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The event's created_at has second precision; the data carries the recording instant in full. In
		// drain mode the lag includes the wait for the workers to start.
		var ev struct {
			Data struct {
				Message string `json:"message"`
			} `json:"data"`
		}
		json.NewDecoder(r.Body).Decode(&ev) //nolint:errcheck
		recorded, _ := time.Parse(time.RFC3339Nano, ev.Data.Message)
		mu.Lock()
		lags = append(lags, time.Since(recorded))
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
		done <- struct{}{}
	}))
	defer recv.Close()

	m := storetest.NewMerchant(b, st)
	auth := gateway.Auth{Merchant: m, Key: merchant.APIKey{MerchantID: m.ID}}
	u := recv.URL
	if _, _, err := gw.CreateEndpoint(ctx, auth, gateway.EndpointInput{URL: &u}); err != nil {
		b.Fatal(err)
	}
	started := false
	startWorkers := func() {
		if err := st.Jobs().Start(ctx); err != nil {
			b.Fatal(err)
		}
		started = true
	}
	if !drain {
		startWorkers()
	}
	defer func() {
		if !started {
			return
		}
		stopCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		st.Jobs().Stop(stopCtx) //nolint:errcheck
	}()
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	producers := 8
	var pace <-chan time.Time
	if rate > 0 {
		ticker := time.NewTicker(time.Second / time.Duration(rate))
		defer ticker.Stop()
		pace = ticker.C
	}
	for p := range producers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := p; i < b.N; i += producers {
				if pace != nil {
					<-pace
				}
				// One object per event, as with payments: no shared sequence row between producers.
				err := st.InTx(ctx, func(tx store.Tx) error {
					_, err := gw.RecordEvent(ctx, tx, gateway.EventInput{
						MerchantID: m.ID, Type: webhook.EventTestPing, ObjectID: fmt.Sprintf("obj_%d", i),
						Data: gateway.TestEventData{Object: "test", Message: time.Now().Format(time.RFC3339Nano)},
					})
					return err
				})
				if err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if drain {
		start = time.Now()
		startWorkers()
	}
	for range b.N {
		select {
		case <-done:
		case <-time.After(60 * time.Second):
			b.Fatal("deliveries stalled")
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(lags)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "deliveries/s")
	b.ReportMetric(float64(lags[len(lags)/2].Milliseconds()), "p50-lag-ms")
	b.ReportMetric(float64(lags[len(lags)*99/100].Milliseconds()), "p99-lag-ms")
}
