package id

import (
	"testing"
	"time"
)

func TestFloorSeparatesIdentifiersByTime(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	floor := Floor("pay_", at)
	if !HasPrefix(floor, "pay_") {
		t.Fatalf("Floor = %q is not an identifier", floor)
	}
	for i := 0; i < 1000; i++ {
		if before := New("pay_", at.Add(-time.Millisecond)); before >= floor {
			t.Fatalf("an id made 1 ms before (%s) sorts at or above the floor %s", before, floor)
		}
		if same := New("pay_", at); same < floor {
			t.Fatalf("an id made at the instant (%s) sorts below the floor %s", same, floor)
		}
	}
}
