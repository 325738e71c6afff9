package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"go.uber.org/goleak"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/idempotency"
	"github.com/kassapay/kassa/internal/jobs"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/store/storetest"
)

// slowArgs is a job that takes a while, to observe graceful shutdown.
type slowArgs struct{}

func (slowArgs) Kind() string { return "test_slow" }

type slowWorker struct {
	river.WorkerDefaults[slowArgs]
	started, finished *atomic.Bool
}

func (w *slowWorker) Work(ctx context.Context, _ *river.Job[slowArgs]) error {
	w.started.Store(true)
	select {
	case <-time.After(500 * time.Millisecond):
		w.finished.Store(true)
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestWorkersRunReaperAndDrainOnStop starts the job queue as `kassa serve` does: the periodic reaper runs at start
// and deletes expired idempotency keys; a job that is running when the queue stops is allowed to finish; nothing
// is left running afterwards.
func TestWorkersRunReaperAndDrainOnStop(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ignore := goleak.IgnoreCurrent()
			ctx := context.Background()
			logger := slog.New(slog.NewTextHandler(io.Discard, nil))
			workers := river.NewWorkers()
			var started, finished atomic.Bool
			river.AddWorker(workers, &slowWorker{started: &started, finished: &finished})
			st := b.Open(t, store.Options{River: jobs.Config(workers, true, logger)})
			gw := gateway.New(st, gateway.Options{Logger: logger})
			jobs.Register(workers, gw, logger)

			m := storetest.NewMerchant(t, st)
			old := time.Now().Add(-48 * time.Hour)
			sc := idempotency.Scope{MerchantID: m.ID, Route: "POST /api/v1/customers", Key: "old"}
			if _, err := st.ClaimIdempotencyKey(ctx, idempotency.Record{Scope: sc, RequestHash: "h", LockedUntil: old, CreatedAt: old, ExpiresAt: old.Add(idempotency.Retention)}); err != nil {
				t.Fatal(err)
			}
			if err := st.Jobs().Start(ctx); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the reaper to delete the expired key", func() bool {
				_, err := st.GetIdempotencyKey(ctx, sc)
				return errors.Is(err, store.ErrNotFound)
			})
			waitFor(t, "the reap job to be recorded as completed", func() bool {
				n, err := st.Jobs().Count(ctx, jobs.ReapArgs{}.Kind(), store.JobCompleted)
				return err == nil && n >= 1
			})

			if err := st.Jobs().Enqueue(ctx, slowArgs{}, nil); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the slow job to start", started.Load)
			stopCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
			defer cancel()
			if err := st.Jobs().Stop(stopCtx); err != nil {
				t.Fatal(err)
			}
			if !finished.Load() {
				t.Error("Stop returned before the running job finished")
			}
			st.Close()
			goleak.VerifyNone(t, ignore)
		})
	}
}
