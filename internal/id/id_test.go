package id

import (
	"sort"
	"testing"
	"time"
)

func TestNewSortsByCreationTime(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	var ids []string
	for i := range 200 {
		ids = append(ids, New("cus_", start.Add(time.Duration(i)*time.Millisecond)))
	}
	if !sort.StringsAreSorted(ids) {
		t.Fatalf("ids made 1 ms apart do not sort by time: %v", ids[:5])
	}
	for _, s := range ids {
		if !HasPrefix(s, "cus_") {
			t.Fatalf("HasPrefix(%q, cus_) = false", s)
		}
	}
}

func TestNewIsUniqueWithinOneMillisecond(t *testing.T) {
	t.Parallel()
	now := time.Now()
	seen := map[string]bool{}
	for range 10000 {
		s := New("pay_", now)
		if seen[s] {
			t.Fatalf("duplicate id %s", s)
		}
		seen[s] = true
	}
}

func TestHasPrefixRejectsMalformed(t *testing.T) {
	t.Parallel()
	good := New("pay_", time.Now())
	for _, s := range []string{"", "pay_", "cus_" + good[4:], good + "x", good[:len(good)-1] + "!", "pay_../../etc"} {
		if HasPrefix(s, "pay_") {
			t.Errorf("HasPrefix(%q) = true, want false", s)
		}
	}
}

func TestRandomUsesWholeAlphabet(t *testing.T) {
	t.Parallel()
	s := Random(4000)
	if len(s) != 4000 {
		t.Fatalf("len = %d", len(s))
	}
	seen := map[rune]bool{}
	for _, r := range s {
		seen[r] = true
	}
	if len(seen) != len(alphabet) {
		t.Fatalf("saw %d distinct characters, want %d", len(seen), len(alphabet))
	}
}
