package webhook

import (
	"testing"
	"time"
)

func TestDefaultScheduleGivesUpAfterTheSixthFailure(t *testing.T) {
	t.Parallel()
	s := DefaultSchedule()
	created := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

	// Each attempt fails at the moment it is made; Next(0, created) is the first attempt.
	var got []time.Duration
	at := created
	for attempts := 0; ; attempts++ {
		next, ok := s.Next(attempts, at, 0)
		if !ok {
			if attempts != 6 {
				t.Fatalf("gave up after %d attempts; want 6", attempts)
			}
			break
		}
		got = append(got, next.Sub(created))
		at = next
	}
	want := []time.Duration{0, time.Minute, 6 * time.Minute, 36 * time.Minute, 156 * time.Minute, 876 * time.Minute}
	if len(got) != len(want) {
		t.Fatalf("attempts at %v; want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("attempt %d at +%s; want +%s", i+1, got[i], want[i])
		}
	}
}

func TestScheduleNext(t *testing.T) {
	t.Parallel()
	last := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name       string
		attempts   int
		retryAfter time.Duration
		want       time.Duration
		wantOK     bool
	}{
		{"after the first failure", 1, 0, time.Minute, true},
		{"after the fifth failure", 5, 0, 12 * time.Hour, true},
		{"after the sixth failure", 6, 0, 0, false},
		{"far past the end", 60, 0, 0, false},
		{"Retry-After longer than the schedule wins", 1, 10 * time.Minute, 10 * time.Minute, true},
		{"Retry-After shorter than the schedule is ignored", 2, 30 * time.Second, 5 * time.Minute, true},
		{"Retry-After is capped at 24 h", 1, 72 * time.Hour, 24 * time.Hour, true},
		{"Retry-After never revives an exhausted schedule", 6, time.Hour, 0, false},
		{"negative Retry-After is ignored", 1, -time.Hour, time.Minute, true},
		{"negative attempts count as none", -3, 0, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			at, ok := DefaultSchedule().Next(tc.attempts, last, tc.retryAfter)
			if ok != tc.wantOK {
				t.Fatalf("Next(%d, …, %s) ok = %v; want %v", tc.attempts, tc.retryAfter, ok, tc.wantOK)
			}
			if ok && at.Sub(last) != tc.want {
				t.Fatalf("Next(%d, …, %s) = last + %s; want last + %s", tc.attempts, tc.retryAfter, at.Sub(last), tc.want)
			}
		})
	}
}

func TestCompressedScheduleForTests(t *testing.T) {
	t.Parallel()
	s := Schedule{0, time.Millisecond, time.Millisecond}
	last := time.Unix(0, 0)
	if at, ok := s.Next(2, last, 0); !ok || at != last.Add(time.Millisecond) {
		t.Fatalf("Next(2) = %v, %v", at, ok)
	}
	if _, ok := s.Next(3, last, 0); ok {
		t.Fatal("a 3-attempt schedule allowed a 4th attempt")
	}
}
