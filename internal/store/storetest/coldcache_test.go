package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/kassapay/kassa/internal/store"
)

// TestColdStoreUnderConcurrentLoad starts fresh stores with a small pool under a burst of concurrent transactions
// and reads, as the first seconds of a busy server are: every statement is new to the store, so SQLite's statement
// cache prepares them while transactions hold connections and the write lock. Nothing may wait forever: a
// deadlock between the cache and the pool once stopped every request for good (found by kassa bench). The same
// runs on PostgreSQL.
func TestColdStoreUnderConcurrentLoad(t *testing.T) {
	for _, b := range Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			for round := range 8 {
				s := b.Open(t, store.Options{MaxConns: 4})
				m := NewMerchant(t, s)
				ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
				var wg sync.WaitGroup
				errs := make(chan error, 128)
				for w := range 96 {
					wg.Go(func() {
						if w%3 == 0 {
							_, err := s.GetMerchant(ctx, m.ID)
							errs <- err
							return
						}
						errs <- s.InTx(ctx, func(tx store.Tx) error {
							cur, err := tx.LockMerchant(ctx, m.ID)
							if err != nil {
								return err
							}
							if _, err := tx.GetMerchant(ctx, m.ID); err != nil {
								return err
							}
							cur.RateLimits.ReadPerSecond++
							return tx.UpdateMerchant(ctx, cur)
						})
					})
				}
				done := make(chan struct{})
				go func() { wg.Wait(); close(done) }()
				select {
				case <-done:
				case <-time.After(45 * time.Second):
					cancel()
					t.Fatalf("round %d: 96 concurrent requests on a cold store did not finish in 45 s (a deadlock)", round)
				}
				cancel()
				close(errs)
				for err := range errs {
					if err != nil {
						t.Fatalf("round %d: %v", round, err)
					}
				}
			}
		})
	}
}
