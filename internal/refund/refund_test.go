package refund

import (
	"errors"
	"testing"

	"github.com/kassapay/kassa/internal/payment"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	a := payment.Amounts{Amount: 1000, Captured: 800, Refunded: 300, RefundsPending: 200}
	if a.Refundable() != 300 || Amount(0, a) != 300 || Amount(120, a) != 120 {
		t.Fatalf("Refundable = %d, Amount(0) = %d", a.Refundable(), Amount(0, a))
	}
	tests := []struct {
		name   string
		status payment.Status
		amount int64
		want   error
	}{
		{"whole remaining balance", payment.StatusPartiallyRefunded, 300, nil},
		{"one over the balance", payment.StatusPartiallyRefunded, 301, ErrOverRefund},
		{"zero", payment.StatusCaptured, 0, ErrAmount},
		{"negative", payment.StatusCaptured, -5, ErrAmount},
		{"authorized only", payment.StatusAuthorized, 100, ErrNotRefundable},
		{"pending", payment.StatusPending, 100, ErrNotRefundable},
		{"already refunded", payment.StatusRefunded, 1, ErrNotRefundable},
		{"failed", payment.StatusFailed, 1, ErrNotRefundable},
		{"voided", payment.StatusVoided, 1, ErrNotRefundable},
	}
	for _, tt := range tests {
		if err := Check(tt.status, a, tt.amount); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestPaymentStatusAfter(t *testing.T) {
	t.Parallel()
	if got := PaymentStatusAfter(payment.Amounts{Captured: 800, Refunded: 500}); got != payment.StatusPartiallyRefunded {
		t.Errorf("partial: %s", got)
	}
	if got := PaymentStatusAfter(payment.Amounts{Captured: 800, Refunded: 800}); got != payment.StatusRefunded {
		t.Errorf("full: %s", got)
	}
}
