//go:build kassa_crashpoints

package crashpoint

import (
	"fmt"
	"os"
	"sync"
	"syscall"
	"time"
)

// configured is the crash point named by KASSA_CRASHPOINT, read once.
var configured = sync.OnceValue(func() string { return os.Getenv("KASSA_CRASHPOINT") })

func hit(name string) {
	if name != "" && name == configured() {
		fmt.Fprintf(os.Stderr, "crashpoint %s: SIGKILL\n", name)
		syscall.Kill(os.Getpid(), syscall.SIGKILL) //nolint:errcheck
		select {}                                  // the signal is on its way; nothing after the point may run
	}
}

func clock(now func() time.Time) func() time.Time {
	offset, err := time.ParseDuration(os.Getenv("KASSA_TEST_CLOCK_OFFSET"))
	if err != nil || offset == 0 {
		return now
	}
	return func() time.Time { return now().Add(offset) }
}
