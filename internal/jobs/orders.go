package jobs

import (
	"context"

	"github.com/riverqueue/river"

	"github.com/kassapay/kassa/internal/gateway"
)

// OrderPaymentWorker settles an order payment (gateway.ProcessOrderPayment). A UPI payment whose payer has not
// decided yet is snoozed until the provider's poll time; an error (no provider answer, a database failure) makes
// River retry the job, and the gateway records each payment's outcome exactly once however often it runs.
type OrderPaymentWorker struct {
	river.WorkerDefaults[gateway.ProcessOrderPaymentArgs]
	gw *gateway.Gateway
}

// Work implements river.Worker.
func (w *OrderPaymentWorker) Work(ctx context.Context, job *river.Job[gateway.ProcessOrderPaymentArgs]) error {
	return snoozeIfNotDue(w.gw.ProcessOrderPayment(ctx, job.Args.PaymentID))
}

// RefundWorker sends an asynchronous refund to the provider and records its outcome (gateway.RecoverRefund, which
// also finishes refunds interrupted mid-call); an error makes River retry it.
type RefundWorker struct {
	river.WorkerDefaults[gateway.ProcessRefundArgs]
	gw *gateway.Gateway
}

// Work implements river.Worker.
func (w *RefundWorker) Work(ctx context.Context, job *river.Job[gateway.ProcessRefundArgs]) error {
	return w.gw.RecoverRefund(ctx, job.Args.RefundID)
}

// Kinds lists the kind of every job Kassa runs, for the job statistics.
func Kinds() []string {
	return []string{
		gateway.ProcessOrderPaymentArgs{}.Kind(), gateway.ProcessRefundArgs{}.Kind(), gateway.DeliverArgs{}.Kind(),
		gateway.RecoverPaymentArgs{}.Kind(), gateway.RecoverRefundArgs{}.Kind(), gateway.RecoverOperationArgs{}.Kind(),
		ExpireArgs{}.Kind(), ExpireAuthorizationsArgs{}.Kind(), SweepArgs{}.Kind(), ReapArgs{}.Kind(),
	}
}
