// Package stripemock starts a real stripe-mock (v0.203.0) for tests: the server that validates every request against
// Stripe's OpenAPI description and answers from fixtures. Its fixtures here are stripe-mock's own for the five objects
// the connector uses, with the PaymentIntent authorized (requires_capture) and its charge carrying an authorization
// code, as Stripe's test mode answers for the card 4242 4242 4242 4242: stripe-mock's bundled PaymentIntent is
// requires_payment_method with a last_payment_error, which the connector rightly reads as a decline.
package stripemock

import (
	"bufio"
	_ "embed"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/kassapay/kassa/internal/testbin"
)

//go:embed fixtures.json
var fixtures []byte

var listening = regexp.MustCompile(`Listening for HTTP at address: (127\.0\.0\.1:\d+)`)

// Start starts stripe-mock on free loopback ports with the fixtures and returns its base URL; the test's cleanup
// stops it. Without stripe-mock the test skips, except under CI=true, where a missing stripe-mock is a failure
// (.ci/run installs it).
func Start(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	fixturesPath := filepath.Join(dir, "fixtures.json")
	if err := os.WriteFile(fixturesPath, fixtures, 0o600); err != nil {
		t.Fatal(err)
	}
	bin := testbin.Require(t, "stripe-mock", "go install github.com/stripe/stripe-mock@v0.203.0")
	cmd := exec.Command(bin, "-http-addr", "127.0.0.1:0", "-https-addr", "127.0.0.1:0", "-fixtures", fixturesPath)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatalf("start stripe-mock: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	addr := make(chan string, 1)
	go func() { // ends when stripe-mock's output closes, that is when the cleanup kills it
		sc := bufio.NewScanner(out)
		sent := false
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil && !sent {
				addr <- m[1]
				sent = true
			}
		}
		close(addr)
	}()
	select {
	case a, ok := <-addr:
		if !ok {
			t.Fatal("stripe-mock exited without listening")
		}
		return "http://" + a
	case <-time.After(30 * time.Second):
		t.Fatal("stripe-mock did not start listening within 30s")
	}
	return ""
}
