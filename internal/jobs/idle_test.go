package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/jobs"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/store/storetest"
)

type pingArgs struct{}

func (pingArgs) Kind() string { return "test_ping" }

type pingWorker struct {
	river.WorkerDefaults[pingArgs]
	ran chan struct{}
}

func (w *pingWorker) Work(context.Context, *river.Job[pingArgs]) error {
	w.ran <- struct{}{}
	return nil
}

// TestIdleInstanceOnPostgresBarelyPolls runs a worker instance on PostgreSQL as kassa serve configures it
// (jobs.ListenPollInterval) and counts the statements that look for jobs while it is idle: at most one a second,
// not the 40 a second of the 50 ms interval SQLite needs. A job inserted meanwhile still runs at once, woken by
// LISTEN/NOTIFY rather than found by the next poll.
func TestIdleInstanceOnPostgresBarelyPolls(t *testing.T) {
	t.Parallel()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	workers := river.NewWorkers()
	ping := &pingWorker{ran: make(chan struct{}, 1)}
	river.AddWorker(workers, ping)
	cfg := jobs.Config(workers, true, logger)
	cfg.FetchPollInterval = jobs.ListenPollInterval // as cmd/kassa's open does on PostgreSQL
	var polls atomic.Int64
	st := storetest.OpenPostgres(t, store.Options{River: cfg, Statements: func(q string, _ []any) {
		if strings.HasPrefix(q, "-- name: JobGetAvailable") {
			polls.Add(1)
		}
	}})
	jobs.Register(workers, gateway.New(st, gateway.Options{Logger: logger}), logger)
	ctx := context.Background()
	if err := st.Jobs().Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Jobs().Stop(context.Background()) }) //nolint:errcheck
	time.Sleep(3 * time.Second)                                // the start-up jobs (reaper, expiry) are done
	before := polls.Load()
	const idle = 10 * time.Second
	time.Sleep(idle)
	if n := polls.Load() - before; float64(n) > idle.Seconds() {
		t.Errorf("an idle instance looked for jobs %d times in %s: want at most one a second", n, idle)
	}

	if err := st.Jobs().Enqueue(ctx, pingArgs{}, nil); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ping.ran:
	case <-time.After(jobs.ListenPollInterval / 2):
		t.Fatalf("a job inserted on an idle instance did not run within %s: the notification did not wake the worker", jobs.ListenPollInterval/2)
	}
}
