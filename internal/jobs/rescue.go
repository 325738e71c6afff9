package jobs

import (
	"time"

	"github.com/riverqueue/river"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/webhook"
)

// Time limits of the jobs, and how soon a killed instance's jobs run again.
//
// Each worker's Timeout bounds one attempt by what its work waits for; River cancels the attempt's context then, and
// the work treats that like any unanswered call (asked again, with the same idempotency key, by the next attempt).
//
// A job whose instance died (kill -9, a crash, a lost machine) stays running in River's table until River's rescuer
// makes it retryable. The rescuer runs on the elected leader only, every 30 s (maintenance.JobRescuerIntervalDefault,
// not configurable in River v0.47.0), and rescues a job running for longer than both RescueStuckJobsAfter and its
// kind's Timeout; the rescued job is retried after River's backoff (about 1 s for a first error) once the leader's
// scheduler (every 5 s) makes it available. After a kill the leader's row outlives it by up to its 15 s TTL, and
// the other (or restarted) instances bid every 5–6 s. So a job killed mid-attempt runs again at most
//
//	rescueStuckJobsAfter (20 s) + one rescuer interval (30 s) + backoff and scheduling (≈ 6 s) ≈ 56 s
//
// after its attempt started, the leader's hand-over (≤ 21 s) overlapping the first of these terms: within a minute
// of a restart. rescueStuckJobsAfter is just above the longest Timeout, as River requires (it must not be below
// JobTimeout), so that no live attempt is rescued while it still runs.
const (
	// recordingTime is an attempt's database work around what it waits for: reading its rows, recording the outcome
	// in one transaction, queueing what follows.
	recordingTime = 5 * time.Second

	// deliveryTimeout: the receiver's time limit (webhook.DefaultTimeout, 10 s for the whole exchange) and recording
	// the attempt.
	deliveryTimeout = webhook.DefaultTimeout + recordingTime

	// recoveryTimeout: one provider call of a job (gateway.JobProviderTimeout) and recording its outcome. Payment,
	// refund and capture/void recovery, and asynchronous refunds.
	recoveryTimeout = gateway.JobProviderTimeout + recordingTime

	// orderPaymentTimeout: an order payment's first phase asked again and its lookup or capture (both under one
	// gateway.JobProviderTimeout), the void of an authorization whose capture got no answer (another), and
	// recording.
	orderPaymentTimeout = 2*gateway.JobProviderTimeout + recordingTime

	// maintenanceTimeout: the sweep, session expiry and the reaper: database work in bounded batches (500–1,000 rows;
	// the reaper's one DELETE of keys expired in the last 10 minutes), far below it.
	maintenanceTimeout = 15 * time.Second

	// authorizationExpiryTimeout: expiring authorizations calls the provider for each (gateway.JobProviderTimeout),
	// and a call that went out is finished even when the attempt's context ends, so that its void is recorded: the
	// attempt may run one call past this limit, which keeps it within maintenanceTimeout.
	authorizationExpiryTimeout = maintenanceTimeout - gateway.JobProviderTimeout

	// maxJobTimeout is the longest Timeout of any worker here.
	maxJobTimeout = max(deliveryTimeout, recoveryTimeout, orderPaymentTimeout, maintenanceTimeout)

	// rescueStuckJobsAfter leaves an attempt cut at maxJobTimeout a few seconds to return and be recorded by River.
	rescueStuckJobsAfter = maxJobTimeout + 5*time.Second
)

// Timeout implements river.Worker (deliveryTimeout).
func (*DeliverWorker) Timeout(*river.Job[gateway.DeliverArgs]) time.Duration { return deliveryTimeout }

// Timeout implements river.Worker (orderPaymentTimeout).
func (*OrderPaymentWorker) Timeout(*river.Job[gateway.ProcessOrderPaymentArgs]) time.Duration {
	return orderPaymentTimeout
}

// Timeout implements river.Worker (recoveryTimeout).
func (*RefundWorker) Timeout(*river.Job[gateway.ProcessRefundArgs]) time.Duration {
	return recoveryTimeout
}

// Timeout implements river.Worker (orderPaymentTimeout). A card payment's recovery makes one call; an order payment's
// (RecoverPayment hands it to gateway.ProcessOrderPayment) may make an order payment's, hence orderPaymentTimeout.
func (*RecoverWorker) Timeout(*river.Job[gateway.RecoverPaymentArgs]) time.Duration {
	return orderPaymentTimeout
}

// Timeout implements river.Worker (recoveryTimeout).
func (*RecoverRefundWorker) Timeout(*river.Job[gateway.RecoverRefundArgs]) time.Duration {
	return recoveryTimeout
}

// Timeout implements river.Worker (recoveryTimeout).
func (*RecoverOperationWorker) Timeout(*river.Job[gateway.RecoverOperationArgs]) time.Duration {
	return recoveryTimeout
}

// Timeout implements river.Worker (authorizationExpiryTimeout).
func (*ExpireAuthorizationsWorker) Timeout(*river.Job[ExpireAuthorizationsArgs]) time.Duration {
	return authorizationExpiryTimeout
}

// Timeout implements river.Worker (maintenanceTimeout).
func (*ExpireWorker) Timeout(*river.Job[ExpireArgs]) time.Duration { return maintenanceTimeout }

// Timeout implements river.Worker (maintenanceTimeout).
func (*SweepWorker) Timeout(*river.Job[SweepArgs]) time.Duration { return maintenanceTimeout }

// Timeout implements river.Worker (maintenanceTimeout).
func (*ReapWorker) Timeout(*river.Job[ReapArgs]) time.Duration { return maintenanceTimeout }
