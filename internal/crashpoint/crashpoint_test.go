//go:build !kassa_crashpoints

package crashpoint

import (
	"testing"
	"time"
)

// In a normal build a crash point never fires and the clock is not shifted, whatever the environment says.
func TestNormalBuildIgnoresTheEnvironment(t *testing.T) {
	t.Setenv("KASSA_CRASHPOINT", "card.begun")
	t.Setenv("KASSA_TEST_CLOCK_OFFSET", "1h")
	Hit("card.begun") // would kill the test binary in a kassa_crashpoints build
	fixed := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if got := Clock(func() time.Time { return fixed })(); !got.Equal(fixed) {
		t.Fatalf("Clock shifted the time to %v in a normal build", got)
	}
}
