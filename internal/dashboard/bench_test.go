package dashboard_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kassapay/kassa/internal/checkout"
	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/kassatest"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/store/postgres"
	"github.com/kassapay/kassa/internal/store/sqlite"
	"github.com/kassapay/kassa/internal/store/storetest"
)

// benchPayments is how many payments the dashboard benchmark seeds for its merchant (spread over 90 days, plus
// 10 000 of another merchant), as the performance bar names.
const benchPayments = 100_000

// BenchmarkDashboardPages measures each dashboard page's server time (the handler, in process, no network) with
// 100 000 payments in the database, on SQLite and PostgreSQL. ns/op is one page.
//
//	go test -run '^$' -bench DashboardPages -benchtime 50x ./internal/web/
func BenchmarkDashboardPages(b *testing.B) {
	for _, backend := range storetest.Backends() {
		b.Run(backend.Name, func(b *testing.B) { benchDashboard(b, backend) })
	}
}

func benchDashboard(b *testing.B, backend storetest.Backend) {
	ctx := context.Background()
	e := kassatest.Setup(b, backend, kassatest.Options{})
	m := e.Merchant.Merchant
	auth := gateway.Auth{Merchant: m}
	other, _, _ := e.NewMerchant("Other Shop", "owner@other.example")

	start := time.Now()
	now := kassatest.Start
	statuses := []payment.Status{payment.StatusCaptured, payment.StatusCaptured, payment.StatusCaptured, payment.StatusFailed,
		payment.StatusPartiallyRefunded, payment.StatusRefunded, payment.StatusAuthorized, payment.StatusPending}
	currencies := []string{"USD", "USD", "USD", "EUR", "JPY"}
	var sample payment.Payment
	seed := func(merchantID string, n int) {
		const batch = 5_000
		for done := 0; done < n; done += batch {
			err := e.Store.InTx(ctx, func(tx store.Tx) error {
				for i := done; i < min(done+batch, n); i++ {
					at := now.Add(-time.Duration(n-i) * (90 * 24 * time.Hour / time.Duration(n)))
					p := storetest.NewPayment(b, tx, merchantID, statuses[i%len(statuses)], int64(500+i%20_000),
						currencies[i%len(currencies)], at, fmt.Sprintf("ORD-%06d", i), fmt.Sprintf("buyer%d@example.com", i%5_000),
						fmt.Sprintf("%04d", i%10_000))
					if i == n/2 && merchantID == m.ID {
						sample = p
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	seed(m.ID, benchPayments)
	seed(other.Merchant.ID, benchPayments/10)
	rcv := kassatest.NewReceiver(b)
	ep, _, err := e.Gateway.CreateEndpoint(ctx, auth, gateway.EndpointInput{URL: &rcv.URL})
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 200; i++ {
		if _, err := e.Gateway.SendTestDeliveries(ctx, auth, []string{ep.ID}, ""); err != nil {
			b.Fatal(err)
		}
		if _, err := e.Gateway.CreateSession(ctx, auth, checkout.KindLink, gateway.SessionInput{
			ExternalOrderID: fmt.Sprintf("LINK-%d", i), Amount: 1000, Currency: "USD", SuccessURL: "https://shop.example/ok",
			CancelURL: "https://shop.example/cancel"}, gateway.Idempotency{Key: fmt.Sprintf("bench-%d", i)}); err != nil {
			b.Fatal(err)
		}
	}
	ds, _, err := e.Gateway.ListDeliveries(ctx, auth, store.DeliveryFilter{Page: store.Page{Limit: 1}})
	if err != nil || len(ds) == 0 {
		b.Fatalf("deliveries: %v", err)
	}
	// A database in use has statistics and, on PostgreSQL, a visibility map (autovacuum runs after this many
	// inserts), which index-only scans of the overview's sums rely on.
	switch st := e.Store.(type) {
	case *postgres.Store:
		if _, err := st.Pool().Exec(ctx, "VACUUM ANALYZE payments"); err != nil {
			b.Fatal(err)
		}
	case *sqlite.Store:
		if _, err := st.DB().ExecContext(ctx, "ANALYZE"); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("%s: seeded %d + %d payments, 200 links, 200 deliveries in %v", backend.Name, benchPayments, benchPayments/10,
		time.Since(start).Round(time.Millisecond))

	token, _, err := e.Gateway.SignIn(ctx, e.Merchant.DashboardEmail, e.Merchant.DashboardPassword)
	if err != nil {
		b.Fatal(err)
	}
	day := sample.CreatedAt.UTC().Format("2006-01-02")
	pages := []struct{ name, path string }{
		{"overview", "/dashboard"},
		{"payments", "/dashboard/payments"},
		{"payments-page-2000", "/dashboard/payments?after=" + sample.ID},
		{"payments-by-email", "/dashboard/payments?email=" + url.QueryEscape(sample.CustomerEmail)},
		{"payments-by-last4", "/dashboard/payments?last4=" + sample.Card.Last4},
		{"payments-by-order", "/dashboard/payments?order=" + sample.ExternalOrderID},
		{"payments-failed-one-day", "/dashboard/payments?status=failed&from=" + day + "&to=" + day},
		{"payments-amount-range", "/dashboard/payments?amount_min=19990&amount_max=20000"},
		{"payment", "/dashboard/payments/" + sample.ID},
		{"links", "/dashboard/links"},
		{"webhooks", "/dashboard/webhooks"},
		{"endpoint", "/dashboard/webhooks/" + ep.ID},
		{"deliveries", "/dashboard/deliveries"},
		{"delivery", "/dashboard/deliveries/" + ds[0].ID},
		{"developers", "/dashboard/developers"},
		{"settings", "/dashboard/settings"},
	}
	for _, pg := range pages {
		b.Run(pg.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, pg.path, nil)
			req.AddCookie(&http.Cookie{Name: "kassa_dashboard", Value: token})
			for b.Loop() {
				rec := httptest.NewRecorder()
				e.Server.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d\n%s", pg.path, rec.Code, rec.Body)
				}
				if pg.name == "payments-by-order" && !strings.Contains(rec.Body.String(), sample.ID) {
					b.Fatalf("%s does not list %s", pg.path, sample.ID)
				}
			}
		})
	}
}
