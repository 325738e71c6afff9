package webhook

import "time"

// Schedule is the retry policy of a delivery: Schedule[0] is the delay of the first attempt after the event is
// recorded, Schedule[i] the delay of attempt i+1 after attempt i failed. Its length is the number of attempts; after
// the last one fails the delivery is failed. Tests and the sandbox compress it by configuration.
type Schedule []time.Duration

// DefaultSchedule is docs/architecture.md §7: attempt 1 immediately, then 1 min, 5 min, 30 min, 2 h and 12 h after each
// failure, six attempts over about 14.5 hours.
func DefaultSchedule() Schedule {
	return Schedule{0, time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 12 * time.Hour}
}

// Next returns when to make the next attempt after attempts attempts were made, the last (or, for attempts = 0, the
// event's creation) at lastAt. retryAfter is what the receiver asked for (0 if nothing): it replaces the scheduled
// delay when longer, capped at MaxRetryAfter, and never shortens it. ok is false when the schedule is exhausted: the
// delivery is failed. The schedule has no clock of its own; times come from the caller.
func (s Schedule) Next(attempts int, lastAt time.Time, retryAfter time.Duration) (at time.Time, ok bool) {
	attempts = max(attempts, 0)
	if attempts >= len(s) {
		return time.Time{}, false
	}
	delay := s[attempts]
	if retryAfter > delay {
		delay = max(min(retryAfter, MaxRetryAfter), delay)
	}
	return lastAt.Add(delay), true
}
