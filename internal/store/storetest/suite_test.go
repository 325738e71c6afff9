package storetest

import (
	"testing"

	"github.com/kassapay/kassa/internal/store"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	for _, b := range Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			Run(t, func(t testing.TB) store.Store { return b.Open(t, store.Options{}) })
		})
	}
}
