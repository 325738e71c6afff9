package gateway_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/provider"
	"github.com/kassapay/kassa/internal/provider/sandbox"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/store/storetest"
)

// losingProvider loses the answer of the first capture it makes (the capture happens, the caller never learns).
type losingProvider struct {
	provider.Provider
	lost atomic.Bool
}

func (l *losingProvider) Do(ctx context.Context, r provider.Request) (provider.Result, error) {
	res, err := l.Provider.Do(ctx, r)
	if r.Operation == provider.OperationCapture && l.lost.CompareAndSwap(false, true) {
		return provider.Result{}, provider.ErrTimeout
	}
	return res, err
}

// TestInterruptedCaptureIsRecovered: a capture whose answer is lost stays in flight (other captures and voids wait
// with 409), and the recovery job asks again with the same key and records it once.
func TestInterruptedCaptureIsRecovered(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{Provider: &losingProvider{Provider: sandbox.New(sandbox.Options{})}})
		ctx := context.Background()
		a := authOf(t, e)
		p, err := e.Gateway.ChargeCard(ctx, a, gateway.DirectInput{Amount: 8000, Currency: "EUR", Card: card("4242424242424242")}, false)
		if err != nil || p.Status != payment.StatusAuthorized {
			t.Fatalf("authorize: %v %s", err, p.Status)
		}
		amount := int64(5000)
		p, err = e.Gateway.CapturePayment(ctx, a, p.ID, &amount)
		if err != nil || p.Status != payment.StatusAuthorized || p.Operation != payment.OperationCapture || p.OperationAmount != 5000 {
			t.Fatalf("lost capture: %v %s %s", err, p.Status, p.Operation)
		}
		_, err = e.Gateway.VoidPayment(ctx, a, p.ID, "changed my mind")
		if ge, ok := gateway.AsError(err); !ok || ge.Code != "payment_operation_in_progress" {
			t.Errorf("void during the capture: %v", err)
		}
		if err := e.Gateway.RecoverOperation(ctx, p.ID, p.OperationID); err != nil {
			t.Fatal(err)
		}
		if err := e.Gateway.RecoverOperation(ctx, p.ID, p.OperationID); err != nil { // a second run finds it recorded
			t.Fatal(err)
		}
		got, err := e.Gateway.GetPayment(ctx, a, p.ID)
		if err != nil || got.Status != payment.StatusCaptured || got.Captured != 5000 || got.Operation != payment.OperationNone {
			t.Fatalf("recovered: %v %s %d %s", err, got.Status, got.Captured, got.Operation)
		}
		txns, _, _ := e.Gateway.ListTransactionsOffset(ctx, a, storeFilter(p.ID), 0)
		if len(txns) != 2 {
			t.Errorf("%d transactions, want the authorization and one capture", len(txns))
		}
	})
}

// TestTimedOutAuthorizationIsRecorded: an authorization the provider never answers stays pending; recovery asks
// three times with the authorization's key and then records TIMEOUT.
func TestTimedOutAuthorizationIsRecorded(t *testing.T) {
	t.Parallel()
	kassatest.ForEachBackend(t, func(t *testing.T, b storetest.Backend) {
		e := kassatest.Setup(t, b, kassatest.Options{})
		ctx := context.Background()
		a := authOf(t, e)
		p, err := e.Gateway.ChargeCard(ctx, a, gateway.DirectInput{Amount: 700, Currency: "USD", Card: card(sandbox.CardTimeout)}, false)
		if err != nil || p.Status != payment.StatusPending {
			t.Fatalf("authorize: %v %s", err, p.Status)
		}
		for i := range 3 {
			err := e.Gateway.RecoverPayment(ctx, p.ID)
			if i < 2 && !errors.Is(err, provider.ErrTimeout) {
				t.Fatalf("recovery %d: %v", i+1, err)
			}
			if i == 2 && err != nil {
				t.Fatal(err)
			}
		}
		got, _ := e.Gateway.GetPayment(ctx, a, p.ID)
		if got.Status != payment.StatusFailed || got.ResponseCode != provider.CodeTimeout || got.DeclineCode != provider.DeclineTimeout {
			t.Errorf("after recovery: %s %s %s", got.Status, got.ResponseCode, got.DeclineCode)
		}
		txns, _, _ := e.Gateway.ListTransactionsOffset(ctx, a, storeFilter(p.ID), 0)
		if len(txns) != 1 || txns[0].Type != payment.TxnAuthorize {
			t.Errorf("transactions: %+v", txns)
		}
	})
}

func storeFilter(paymentID string) store.TransactionFilter {
	return store.TransactionFilter{PaymentID: paymentID, Page: store.Page{Limit: 10}}
}
