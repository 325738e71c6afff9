package store

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// RiverJobs adapts a River client of either driver to Jobs.
type RiverJobs[TTx any] struct {
	Client *river.Client[TTx]
}

// Start implements Jobs.
func (j RiverJobs[TTx]) Start(ctx context.Context) error { return j.Client.Start(ctx) }

// Stop implements Jobs.
func (j RiverJobs[TTx]) Stop(ctx context.Context) error { return j.Client.Stop(ctx) }

// Enqueue implements Jobs.
func (j RiverJobs[TTx]) Enqueue(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	_, err := j.Client.Insert(ctx, args, opts)
	if err != nil {
		return fmt.Errorf("store: enqueue %s: %w", args.Kind(), err)
	}
	return nil
}

// EnqueueTx inserts a job within tx.
func (j RiverJobs[TTx]) EnqueueTx(ctx context.Context, tx TTx, args river.JobArgs, opts *river.InsertOpts) error {
	_, err := j.Client.InsertTx(ctx, tx, args, opts)
	if err != nil {
		return fmt.Errorf("store: enqueue %s: %w", args.Kind(), err)
	}
	return nil
}

// Count implements Jobs by paging through River's job list (bounded by maxCount).
func (j RiverJobs[TTx]) Count(ctx context.Context, kind string, state JobState) (int, error) {
	const maxCount = 100_000
	params := river.NewJobListParams().Kinds(kind).States(rivertype.JobState(state)).First(10_000)
	n := 0
	for n < maxCount {
		res, err := j.Client.JobList(ctx, params)
		if err != nil {
			return 0, fmt.Errorf("store: list jobs: %w", err)
		}
		n += len(res.Jobs)
		if len(res.Jobs) < 10_000 || res.LastCursor == nil {
			break
		}
		params = params.After(res.LastCursor)
	}
	return n, nil
}

// LatestQueueReport implements Jobs with River's queue list: each worker instance records its queues when it starts
// and every ten minutes while it runs.
func (j RiverJobs[TTx]) LatestQueueReport(ctx context.Context) (time.Time, error) {
	res, err := j.Client.QueueList(ctx, river.NewQueueListParams().First(100))
	if err != nil {
		return time.Time{}, fmt.Errorf("store: list queues: %w", err)
	}
	var latest time.Time
	for _, q := range res.Queues {
		if q.UpdatedAt.After(latest) {
			latest = q.UpdatedAt
		}
	}
	return latest, nil
}
