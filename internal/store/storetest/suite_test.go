package storetest

import "testing"

func TestConformance(t *testing.T) {
	t.Parallel()
	for _, b := range Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			Run(t, b.Open)
		})
	}
}
