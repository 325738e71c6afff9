// Package crashpoint lets the crash tests kill a real `kassa serve` with SIGKILL at a named instant of a money path:
// between the phases of the provider call protocol, before a response is stored for idempotent replay. A crash
// point does nothing in a normal build; only a binary built with `-tags kassa_crashpoints` (cmd/kassa's tests build
// one) reads KASSA_CRASHPOINT and kills itself when the named point is reached. KASSA_TEST_CLOCK_OFFSET (a Go
// duration) shifts that binary's clock, so a restarted process can stand after a lock timeout without waiting.
package crashpoint

import "time"

// Hit kills the process, as `kill -9` would, when name is the configured crash point. Callers name the instant
// after what has just happened: "card.begun" (phase 1 committed), "card.called" (the provider answered, phase 3
// not yet run), "idempotency.respond" (the outcome committed, its response not yet stored).
func Hit(name string) { hit(name) }

// Clock returns now shifted by the configured test offset (now itself in a normal build).
func Clock(now func() time.Time) func() time.Time { return clock(now) }
