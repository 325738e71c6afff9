// Package jobs holds Kassa's River workers and periodic jobs. Job arguments point at Kassa's own rows, never at
// River job ids, and every worker is idempotent: River delivers a job at least once.
package jobs

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/kassapay/kassa/internal/gateway"
)

// ReapArgs asks for expired records (idempotency keys, and later sessions and deliveries) to be deleted.
type ReapArgs struct{}

// Kind implements river.JobArgs.
func (ReapArgs) Kind() string { return "reap" }

// InsertOpts makes at most one reap job pending at a time, whichever instance's leader scheduled it.
func (ReapArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: time.Minute}}
}

// ReapWorker deletes expired records.
type ReapWorker struct {
	river.WorkerDefaults[ReapArgs]
	gw  *gateway.Gateway
	log *slog.Logger
}

// Work implements river.Worker.
func (w *ReapWorker) Work(ctx context.Context, _ *river.Job[ReapArgs]) error {
	n, err := w.gw.ReapIdempotencyKeys(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		w.log.InfoContext(ctx, "reaped expired idempotency keys", "count", n)
	}
	codes, sessions, err := w.gw.ReapWallet(ctx)
	if err != nil {
		return err
	}
	if codes+sessions > 0 {
		w.log.InfoContext(ctx, "reaped expired wallet codes and sessions", "codes", codes, "sessions", sessions)
	}
	return nil
}

// ReapInterval is how often the reaper runs.
const ReapInterval = 10 * time.Minute

// DeliverWorker makes one attempt of a webhook delivery (gateway.AttemptDelivery). A delivery whose attempt is not
// due yet is snoozed until it is, unless the attempt it waits for has a job of its own (see Work); an error (the
// process could not record the attempt) makes River retry the job, so a delivery is never lost.
type DeliverWorker struct {
	river.WorkerDefaults[gateway.DeliverArgs]
	gw *gateway.Gateway
}

// Work implements river.Worker.
//
// Every change that sets a delivery's next attempt queues, in the same transaction, a job scheduled at that time.
// So a job that was due well before the attempt the delivery now waits for is left over: an attempt was recorded
// after it was scheduled (its own earlier run, on an instance killed before River marked the job completed and
// rescued since; or a manual retry). It has nothing left to do. Snoozing it too would put two jobs on every later
// attempt, each sending the event and queueing another. A job scheduled at the attempt's time but fetched a little
// early (the clocks of instances and database differ) is snoozed.
func (w *DeliverWorker) Work(ctx context.Context, job *river.Job[gateway.DeliverArgs]) error {
	err := w.gw.AttemptDelivery(ctx, job.Args.DeliveryID)
	var notDue *gateway.NotDueError
	if errors.As(err, &notDue) && job.ScheduledAt.Before(notDue.Until.Add(-time.Second)) {
		return nil
	}
	return snoozeIfNotDue(err)
}

// chore is one step of a periodic job: a gateway call that answers how many things it did, and the line logged when
// it did any.
type chore struct {
	run   func(context.Context) (int, error)
	level slog.Level
	msg   string
}

// runChores runs the steps in order, logging each one that did something, and stops at the first error.
func runChores(ctx context.Context, log *slog.Logger, chores ...chore) error {
	for _, c := range chores {
		n, err := c.run(ctx)
		if n > 0 {
			log.Log(ctx, c.level, c.msg, "count", n)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// snoozeIfNotDue turns a gateway.NotDueError into River's snooze until the work is due; other errors pass.
func snoozeIfNotDue(err error) error {
	var notDue *gateway.NotDueError
	if errors.As(err, &notDue) {
		return river.JobSnooze(max(time.Until(notDue.Until), 10*time.Millisecond))
	}
	return err
}

// SweepArgs asks for overdue deliveries and stale pending payments to be queued again (safety nets; see
// gateway.EnqueueDueDeliveries and gateway.EnqueueStalePayments).
type SweepArgs struct{}

// Kind implements river.JobArgs.
func (SweepArgs) Kind() string { return "webhook_sweep" }

// SweepWorker runs the sweep.
type SweepWorker struct {
	river.WorkerDefaults[SweepArgs]
	gw  *gateway.Gateway
	log *slog.Logger
}

// Work implements river.Worker.
func (w *SweepWorker) Work(ctx context.Context, _ *river.Job[SweepArgs]) error {
	return runChores(ctx, w.log,
		chore{w.gw.EnqueueDueDeliveries, slog.LevelWarn, "re-queued overdue webhook deliveries"},
		chore{w.gw.EnqueueStalePayments, slog.LevelWarn, "queued recovery of stale pending payments"})
}

// ExpireArgs asks for open checkout sessions and payment links past their expires_at to be expired.
type ExpireArgs struct{}

// Kind implements river.JobArgs.
func (ExpireArgs) Kind() string { return "checkout_expiry" }

// ExpireWorker expires sessions and links (gateway.ExpireSessions), recording checkout.session.expired.
type ExpireWorker struct {
	river.WorkerDefaults[ExpireArgs]
	gw  *gateway.Gateway
	log *slog.Logger
}

// Work implements river.Worker.
func (w *ExpireWorker) Work(ctx context.Context, _ *river.Job[ExpireArgs]) error {
	return runChores(ctx, w.log, chore{w.gw.ExpireSessions, slog.LevelInfo, "expired checkout sessions and payment links"})
}

// RecoverWorker finishes payments whose provider call was interrupted (gateway.RecoverPayment). An error makes
// River try again later; after three unanswered calls the gateway records a timeout.
type RecoverWorker struct {
	river.WorkerDefaults[gateway.RecoverPaymentArgs]
	gw *gateway.Gateway
}

// Work implements river.Worker.
func (w *RecoverWorker) Work(ctx context.Context, job *river.Job[gateway.RecoverPaymentArgs]) error {
	return w.gw.RecoverPayment(ctx, job.Args.PaymentID)
}

// RecoverRefundWorker finishes refunds whose provider call was interrupted (gateway.RecoverRefund).
type RecoverRefundWorker struct {
	river.WorkerDefaults[gateway.RecoverRefundArgs]
	gw *gateway.Gateway
}

// Work implements river.Worker.
func (w *RecoverRefundWorker) Work(ctx context.Context, job *river.Job[gateway.RecoverRefundArgs]) error {
	return w.gw.RecoverRefund(ctx, job.Args.RefundID)
}

// Register adds every worker to the bundle.
func Register(workers *river.Workers, gw *gateway.Gateway, log *slog.Logger) {
	river.AddWorker(workers, &ReapWorker{gw: gw, log: log})
	river.AddWorker(workers, &DeliverWorker{gw: gw})
	river.AddWorker(workers, &SweepWorker{gw: gw, log: log})
	river.AddWorker(workers, &ExpireWorker{gw: gw, log: log})
	river.AddWorker(workers, &RecoverWorker{gw: gw})
	river.AddWorker(workers, &RecoverRefundWorker{gw: gw})
	river.AddWorker(workers, &OrderPaymentWorker{gw: gw})
	river.AddWorker(workers, &RefundWorker{gw: gw})
	registerCards(workers, gw, log)
}

// Periodic returns the periodic jobs; River runs them on the elected leader only, so several instances sharing a
// database schedule each once.
func Periodic() []*river.PeriodicJob {
	return []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(ReapInterval), func() (river.JobArgs, *river.InsertOpts) {
			return ReapArgs{}, nil
		}, &river.PeriodicJobOpts{RunOnStart: true}),
		river.NewPeriodicJob(river.PeriodicInterval(time.Minute), func() (river.JobArgs, *river.InsertOpts) {
			return SweepArgs{}, nil
		}, nil),
		// Sessions expire within this interval of their expires_at; the hosted page also refuses them at once.
		river.NewPeriodicJob(river.PeriodicInterval(15*time.Second), func() (river.JobArgs, *river.InsertOpts) {
			return ExpireArgs{}, nil
		}, &river.PeriodicJobOpts{RunOnStart: true}),
		authorizationExpiry(),
	}
}

// ListenPollInterval is how often a producer looks for jobs on PostgreSQL, where an insert wakes it at once by
// LISTEN/NOTIFY (the scheduler's moves of retried and delayed jobs too): polling there only covers a notification
// lost with a dropped connection, and an idle instance costs the database a few statements a second, not dozens.
// Config's own interval (50 ms) is SQLite's, which has no notifications and polls in process.
const ListenPollInterval = 5 * time.Second

// Config returns River's configuration for an instance. With work false the client only inserts jobs (API-only
// instances and CLI commands). The Workers bundle is filled by Register before the client starts.
func Config(workers *river.Workers, work bool, logger *slog.Logger) *river.Config {
	cfg := &river.Config{
		Workers:                     workers,
		Logger:                      logger,
		FetchCooldown:               10 * time.Millisecond,
		FetchPollInterval:           50 * time.Millisecond, // SQLite has no LISTEN/NOTIFY; PostgreSQL is woken by it
		JobTimeout:                  maxJobTimeout,         // for a kind without a Timeout of its own; every worker here has one
		RescueStuckJobsAfter:        rescueStuckJobsAfter,
		CompletedJobRetentionPeriod: 24 * time.Hour,
	}
	if work {
		cfg.Queues = map[string]river.QueueConfig{
			river.QueueDefault: {MaxWorkers: 20},
			// Many deliveries in flight at once: a slow receiver (up to 10 s) holds one worker, not the queue.
			gateway.WebhookQueue: {MaxWorkers: 100},
		}
		cfg.PeriodicJobs = Periodic()
	}
	return cfg
}
