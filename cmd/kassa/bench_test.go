package main

import (
	"encoding/json"
	"net/http"
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
		{"create", "sessions"}, {"replay", "replays"}, {"lifecycle", "lifecycles"}, {"checkout", "checkouts"}, {"webhooks", "events"},
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

	// Every recorded event arrives, and the bench says how fast and how late.
	out = bench("--scenario", "webhooks", "--duration", "2s", "--concurrency", "2")
	m := regexp.MustCompile(`(?m)^events recorded: (\d+) = [\d.]+/s; delivered: (\d+) = [\d.]+/s`).FindStringSubmatch(out)
	// A run cut off by the end of the bench may be recorded without its answer: delivered may exceed recorded.
	if m == nil {
		t.Fatalf("webhooks: no figures:\n%s", out)
	}
	if recorded, _ := strconv.Atoi(m[1]); recorded == 0 {
		t.Errorf("webhooks: no events recorded:\n%s", out)
	} else if delivered, _ := strconv.Atoi(m[2]); delivered < recorded {
		t.Errorf("webhooks: %d delivered of %d recorded:\n%s", delivered, recorded, out)
	}
	if !regexp.MustCompile(`(?m)^lag: request → received\s+p50 \S+\s+p95 \S+\s+p99 \S+$`).MatchString(out) {
		t.Errorf("webhooks: no lag line:\n%s", out)
	}
	// The bench's endpoints are gone afterwards (the checkout's, registered by its sessions' webhook_url, stay).
	req, _ := http.NewRequest(http.MethodGet, "http://"+s.addr+"/api/v1/webhook-endpoints", nil)
	req.Header.Set("Authorization", "Bearer "+creds.sk)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var eps struct{ Data []map[string]any }
	err = json.NewDecoder(resp.Body).Decode(&eps)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("list endpoints: HTTP %d %v", resp.StatusCode, err)
	}
	for _, ep := range eps.Data {
		if d, _ := ep["description"].(string); strings.HasPrefix(d, "kassa bench") {
			t.Errorf("the webhooks bench left its endpoint behind: %v", ep)
		}
	}

	// Paced, the clients run at the rate asked for (here 20 a second for 2 s: about 40), not as fast as they can.
	out = bench("--scenario", "create", "--duration", "2s", "--concurrency", "4", "--rate", "20")
	m = regexp.MustCompile(`(?m)^create sessions: (\d+) in \S+ = [\d.]+/s \(4 clients, paced at 20/s, (\d+) runs missed\)$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("paced: no rate line:\n%s", out)
	}
	if n, _ := strconv.Atoi(m[1]); n < 20 || n > 45 {
		t.Errorf("paced at 20/s for 2 s: %d sessions, want about 40", n)
	}
	s.stop(t)
}
