package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/kassapay/kassa/internal/gateway"
)

// ExpireAuthorizationsArgs asks for authorizations past their expires_at to be voided (payment.expired), open
// payment intents past their hour to be expired, and stale captures and voids to be recovered.
type ExpireAuthorizationsArgs struct{}

// Kind implements river.JobArgs.
func (ExpireAuthorizationsArgs) Kind() string { return "authorization_expiry" }

// InsertOpts keeps at most one such job pending at a time.
func (ExpireAuthorizationsArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: 15 * time.Second}}
}

// ExpireAuthorizationsWorker runs gateway.ExpireAuthorizations and gateway.EnqueueStaleOperations.
type ExpireAuthorizationsWorker struct {
	river.WorkerDefaults[ExpireAuthorizationsArgs]
	gw  *gateway.Gateway
	log *slog.Logger
}

// Work implements river.Worker.
func (w *ExpireAuthorizationsWorker) Work(ctx context.Context, _ *river.Job[ExpireAuthorizationsArgs]) error {
	return runChores(ctx, w.log,
		chore{w.gw.ExpireAuthorizations, slog.LevelInfo, "expired authorizations"},
		chore{w.gw.EnqueueStaleOperations, slog.LevelWarn, "queued recovery of stale captures and voids"})
}

// RecoverOperationWorker finishes captures, voids and expiries whose provider call was interrupted
// (gateway.RecoverOperation).
type RecoverOperationWorker struct {
	river.WorkerDefaults[gateway.RecoverOperationArgs]
	gw *gateway.Gateway
}

// Work implements river.Worker.
func (w *RecoverOperationWorker) Work(ctx context.Context, job *river.Job[gateway.RecoverOperationArgs]) error {
	return w.gw.RecoverOperation(ctx, job.Args.PaymentID, job.Args.OperationID)
}

// registerCards adds the card payment workers.
func registerCards(workers *river.Workers, gw *gateway.Gateway, log *slog.Logger) {
	river.AddWorker(workers, &ExpireAuthorizationsWorker{gw: gw, log: log})
	river.AddWorker(workers, &RecoverOperationWorker{gw: gw})
}

// authorizationExpiry is the periodic job of ExpireAuthorizationsArgs: authorizations expire within this
// interval of their expires_at; capture refuses them at once.
func authorizationExpiry() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(15*time.Second), func() (river.JobArgs, *river.InsertOpts) {
		return ExpireAuthorizationsArgs{}, nil
	}, &river.PeriodicJobOpts{RunOnStart: true})
}
