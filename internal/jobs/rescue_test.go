package jobs_test

import (
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/jobs"
)

// River v0.47.0's timings of a rescue that Config cannot change (internal/maintenance and internal/leadership):
// the rescuer runs every 30 s on the leader, its scheduler every 5 s, and a first retry waits about 1 s.
const (
	riverRescuerInterval   = 30 * time.Second
	riverSchedulerInterval = 5 * time.Second
	riverFirstRetry        = 1100 * time.Millisecond // 1 s plus River's 10 % jitter
)

// TestEveryJobKindIsRescuedWithinAMinute: every worker bounds its attempt with a Timeout of its own, below the rescue
// window River is configured with, so a job of a killed instance is made available again as soon as the window
// ends; the window plus River's fixed rescue and scheduling intervals stays within a minute. Every kind is one the
// job statistics report.
func TestEveryJobKindIsRescuedWithinAMinute(t *testing.T) {
	t.Parallel()
	cfg := jobs.Config(river.NewWorkers(), true, slog.New(slog.NewTextHandler(io.Discard, nil)))
	timeouts := map[string]time.Duration{
		gateway.ProcessOrderPaymentArgs{}.Kind(): (&jobs.OrderPaymentWorker{}).Timeout(nil),
		gateway.ProcessRefundArgs{}.Kind():       (&jobs.RefundWorker{}).Timeout(nil),
		gateway.DeliverArgs{}.Kind():             (&jobs.DeliverWorker{}).Timeout(nil),
		gateway.RecoverPaymentArgs{}.Kind():      (&jobs.RecoverWorker{}).Timeout(nil),
		gateway.RecoverRefundArgs{}.Kind():       (&jobs.RecoverRefundWorker{}).Timeout(nil),
		gateway.RecoverOperationArgs{}.Kind():    (&jobs.RecoverOperationWorker{}).Timeout(nil),
		jobs.ExpireArgs{}.Kind():                 (&jobs.ExpireWorker{}).Timeout(nil),
		jobs.ExpireAuthorizationsArgs{}.Kind():   (&jobs.ExpireAuthorizationsWorker{}).Timeout(nil),
		jobs.SweepArgs{}.Kind():                  (&jobs.SweepWorker{}).Timeout(nil),
		jobs.ReapArgs{}.Kind():                   (&jobs.ReapWorker{}).Timeout(nil),
	}
	for kind, timeout := range timeouts {
		if timeout <= 0 || timeout > cfg.JobTimeout || timeout >= cfg.RescueStuckJobsAfter {
			t.Errorf("%s: Timeout %v, want above 0, at most JobTimeout %v and below RescueStuckJobsAfter %v", kind, timeout,
				cfg.JobTimeout, cfg.RescueStuckJobsAfter)
		}
		if !slices.Contains(jobs.Kinds(), kind) {
			t.Errorf("%s is missing from jobs.Kinds()", kind)
		}
	}
	if len(jobs.Kinds()) != len(timeouts) {
		t.Errorf("jobs.Kinds() = %v, want the %d kinds of the workers", jobs.Kinds(), len(timeouts))
	}
	// The three provider-calling kinds fit the calls they make, each bounded by gateway.JobProviderTimeout.
	if d := timeouts[gateway.ProcessOrderPaymentArgs{}.Kind()]; d <= 2*gateway.JobProviderTimeout {
		t.Errorf("order_payment Timeout %v leaves no time to record after two bounded provider phases", d)
	}
	if d := timeouts[gateway.DeliverArgs{}.Kind()]; d <= 10*time.Second {
		t.Errorf("webhook_delivery Timeout %v leaves no time to record after the receiver's 10 s", d)
	}
	worst := cfg.RescueStuckJobsAfter + riverRescuerInterval + riverFirstRetry + riverSchedulerInterval
	if worst > time.Minute {
		t.Errorf("a killed job may wait %v for its rescue (RescueStuckJobsAfter %v), want at most a minute", worst, cfg.RescueStuckJobsAfter)
	}
}
