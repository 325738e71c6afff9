package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/kassapay/kassa/internal/store/storetest"
)

// TestBench runs each scenario of kassa bench briefly against a running server, as the benchmark notes do: each
// completes runs, prints a progress line a second and its rate as a share of the commit ceiling; against the
// default rate limits it warns that they throttle it.
func TestBench(t *testing.T) {
	t.Parallel()
	dbURL := storetest.SQLiteURL(t)
	env := kassaEnv("KASSA_ADDR=127.0.0.1:0", "KASSA_DATA_DIR="+t.TempDir(), "KASSA_DATABASE_URL="+dbURL,
		"KASSA_WEBHOOK_ALLOWED_NETWORKS=127.0.0.0/8") // the checkout receives its webhooks on loopback
	s := startServer(t, env)
	creds := parseCredentials(t, s.stdout.String())
	bench := func(args ...string) string {
		t.Helper()
		return mustCLI(t, env, append([]string{"bench", "--api-key", creds.sk, "--server", "http://" + s.addr}, args...)...)
	}

	// With the default limits (a few writes a second) four clients are throttled at once.
	out := bench("--scenario", "create", "--duration", "2s", "--concurrency", "4")
	if !strings.Contains(out, "warning: Kassa answers 429") || !strings.Contains(out, "kassa merchant update") {
		t.Errorf("no warning about the rate limits:\n%s", out)
	}

	mustCLI(t, env, "merchant", "update", "--merchant", creds.merchant, "--write-per-second", "100000",
		"--write-per-hour", "100000000", "--read-per-second", "100000")
	rate := regexp.MustCompile(`(?m)^(\w+) (\w+): (\d+) in \S+ = [\d.]+/s \(2 clients\) = [\d.]+ × the commit ceiling$`)
	progress := regexp.MustCompile(`(?m)^\s+\d+s  \d+ \w+  \d+/s  \d+ errors  \d+ × 429$`)
	for _, tc := range []struct{ scenario, unit string }{
		{"create", "sessions"}, {"replay", "replays"}, {"lifecycle", "lifecycles"}, {"checkout", "checkouts"},
	} {
		out := bench("--scenario", tc.scenario, "--duration", "2s", "--concurrency", "2", "--commit-database-url", dbURL)
		m := rate.FindStringSubmatch(out)
		if m == nil || m[1] != tc.scenario || m[2] != tc.unit {
			t.Errorf("%s: no rate line next to the commit ceiling:\n%s", tc.scenario, out)
			continue
		}
		if n, _ := strconv.Atoi(m[3]); n == 0 {
			t.Errorf("%s: nothing completed:\n%s", tc.scenario, out)
		}
		if !progress.MatchString(out) {
			t.Errorf("%s: no progress line:\n%s", tc.scenario, out)
		}
		if strings.Contains(out, "errors: ") || strings.Contains(out, "rate limited: ") || strings.Contains(out, "warning: Kassa answers 429") {
			t.Errorf("%s: errors or 429s with raised limits:\n%s", tc.scenario, out)
		}
	}
	s.stop(t)
}
