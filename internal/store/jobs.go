package store

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
)

// RiverJobs adapts a River client of either driver to Jobs.
type RiverJobs[TTx any] struct {
	Client *river.Client[TTx]
	// CountJobs runs "SELECT kind, state, count(*) FROM river_job GROUP BY kind, state" in the store's database and
	// calls yield per row (River's client has no count; listing the jobs would read every row in full).
	CountJobs func(ctx context.Context, yield func(kind string, state JobState, n int)) error
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

// Count implements Jobs with Counts.
func (j RiverJobs[TTx]) Count(ctx context.Context, kind string, state JobState) (int, error) {
	all, err := j.Counts(ctx)
	if err != nil {
		return 0, err
	}
	return all[kind][state], nil
}

// Counts implements Jobs with one grouped count over River's job table (CountJobs).
func (j RiverJobs[TTx]) Counts(ctx context.Context) (map[string]map[JobState]int, error) {
	out := map[string]map[JobState]int{}
	err := j.CountJobs(ctx, func(kind string, state JobState, n int) {
		if out[kind] == nil {
			out[kind] = map[JobState]int{}
		}
		out[kind][state] = n
	})
	if err != nil {
		return nil, fmt.Errorf("store: count jobs: %w", err)
	}
	return out, nil
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

// JobCountRows are the rows of "SELECT kind, state, count(*) FROM river_job GROUP BY kind, state", as either
// engine's driver returns them.
type JobCountRows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// YieldJobCounts passes each (kind, state, count) row to yield (RiverJobs.CountJobs of both engines).
func YieldJobCounts(rows JobCountRows, yield func(kind string, state JobState, n int)) error {
	for rows.Next() {
		var kind, state string
		var n int64
		if err := rows.Scan(&kind, &state, &n); err != nil {
			return err
		}
		yield(kind, JobState(state), int(n))
	}
	return rows.Err()
}
