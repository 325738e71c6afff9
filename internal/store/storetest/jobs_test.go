package storetest

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/kassapay/kassa/internal/store"
)

// blockingWorker works jobArgs: it reports each job it starts and finishes it when release closes.
type blockingWorker struct {
	river.WorkerDefaults[jobArgs]
	started chan string
	release chan struct{}
}

func (w *blockingWorker) Work(ctx context.Context, job *river.Job[jobArgs]) error {
	w.started <- job.Args.MerchantID
	select {
	case <-w.release:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// testJobsWork checks the job queue of a worker instance: Start works the jobs enqueued in the store's database and
// reports the instance's queue, Counts sees each job's state, and Stop waits for the running job to finish.
func testJobsWork(t *testing.T, open func(testing.TB, store.Options) store.Store) {
	ctx := context.Background()
	workers := river.NewWorkers()
	w := &blockingWorker{started: make(chan string, 4), release: make(chan struct{})}
	river.AddWorker(workers, w)
	s := open(t, store.Options{River: &river.Config{
		Workers: workers, Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 1}},
		FetchCooldown: 10 * time.Millisecond, FetchPollInterval: 50 * time.Millisecond,
		Logger: slog.New(slog.DiscardHandler),
	}})
	jobs := s.Jobs()
	if at, err := jobs.LatestQueueReport(ctx); err != nil || !at.IsZero() {
		t.Fatalf("LatestQueueReport before any worker started = %v, %v; want the zero time", at, err)
	}
	if err := jobs.Enqueue(ctx, jobArgs{MerchantID: "first"}, nil); err != nil {
		t.Fatal(err)
	}
	if counts, err := jobs.Counts(ctx); err != nil || counts[jobArgs{}.Kind()][store.JobAvailable] != 1 {
		t.Fatalf("Counts before Start = %v, %v; want 1 available", counts, err)
	}
	before := time.Now().Add(-time.Minute) // River stamps the queue with the database's clock
	if err := jobs.Start(ctx); err != nil {
		t.Fatal(err)
	}
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			close(w.release)
			jobs.Stop(context.Background()) //nolint:errcheck // the case failed already
		}
	})
	select {
	case got := <-w.started:
		if got != "first" {
			t.Errorf("worked job %q, want first", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the started queue did not work the enqueued job")
	}
	if n, err := jobs.Count(ctx, jobArgs{}.Kind(), store.JobRunning); err != nil || n != 1 {
		t.Errorf("Count running while the job works = %d, %v; want 1", n, err)
	}
	at, err := jobs.LatestQueueReport(ctx)
	if err != nil || at.Before(before) {
		t.Errorf("LatestQueueReport of a started worker = %v, %v; want a recent time", at, err)
	}

	// Stop returns only once the running job finished; it is then completed, not left running.
	done := make(chan error, 1)
	go func() { done <- jobs.Stop(ctx) }()
	select {
	case err := <-done:
		t.Fatalf("Stop returned (%v) while a job was running", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(w.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	stopped = true
	counts, err := jobs.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := counts[jobArgs{}.Kind()]; got[store.JobCompleted] != 1 || got[store.JobRunning] != 0 {
		t.Errorf("Counts after Stop = %v; want 1 completed, none running", got)
	}
	// A stopped queue works nothing more.
	if err := jobs.Enqueue(ctx, jobArgs{MerchantID: "second"}, nil); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-w.started:
		t.Errorf("a stopped queue worked job %q", got)
	case <-time.After(200 * time.Millisecond):
	}
	if n, err := jobs.Count(ctx, jobArgs{}.Kind(), store.JobAvailable); err != nil || n != 1 {
		t.Errorf("Count available after Stop = %d, %v; want 1", n, err)
	}
}
