package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/jobs"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/provider/sandbox"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/store/storetest"
	"github.com/kassapay/kassa/internal/vault"
)

// TestExpiryJobExpiresAuthorizations starts the job queue as `kassa serve` does, with an authorization whose 7 days
// are over: the periodic expiry job voids it (payment.expired).
func TestExpiryJobExpiresAuthorizations(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			logger := slog.New(slog.NewTextHandler(io.Discard, nil))
			workers := river.NewWorkers()
			st := b.Open(t, store.Options{River: jobs.Config(workers, true, logger)})
			v, err := vault.New(kassatest.MasterKey)
			if err != nil {
				t.Fatal(err)
			}
			clock := kassatest.NewClock(time.Now())
			gw := gateway.New(st, gateway.Options{Logger: logger, Now: clock.Now,
				Payments: gateway.PaymentOptions{Provider: sandbox.New(sandbox.Options{}), Vault: v}})
			jobs.Register(workers, gw, logger)
			creds, err := gw.CreateMerchant(ctx, gateway.NewMerchant{Name: "Shop", Email: "o@shop.example"})
			if err != nil {
				t.Fatal(err)
			}
			a := gateway.Auth{Merchant: creds.Merchant, Key: creds.Keys[0].APIKey}
			p, err := gw.ChargeCard(ctx, a, gateway.DirectInput{Amount: 500, Currency: "USD",
				Card: gateway.CardInput{Number: "4242424242424242", ExpMonth: 12, ExpYear: time.Now().Year() + 3, CVV: "123"}}, false)
			if err != nil || p.Status != payment.StatusAuthorized {
				t.Fatalf("authorize: %v %s", err, p.Status)
			}
			clock.Advance(payment.AuthorizationLifetime)
			if err := st.Jobs().Start(ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				stopCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
				defer cancel()
				_ = st.Jobs().Stop(stopCtx)
			})
			waitFor(t, "the expiry job to expire the authorization", func() bool {
				got, err := st.GetPaymentByID(ctx, p.ID)
				return err == nil && got.Status == payment.StatusExpired
			})
		})
	}
}
