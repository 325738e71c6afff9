//go:build race

package storetest

// raceEnabled reports a -race build: TestPaymentListPlans skips there, since seeding a million rows through the
// race detector's instrumentation of SQLite (pure Go) takes many minutes and finds nothing about query plans; the
// plain run in CI asserts them.
const raceEnabled = true
