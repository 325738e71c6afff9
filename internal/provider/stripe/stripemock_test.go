package stripe

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

// stripeMockFixtures are stripe-mock's own fixtures (v0.203.0) for the five objects the connector uses, with the
// PaymentIntent authorized (requires_capture) and its charge carrying an authorization code, as Stripe's test mode
// answers for the card 4242424242424242. stripe-mock's bundled PaymentIntent fixture is requires_payment_method with
// a last_payment_error, which no confirmation answers, so the connector would rightly read it as a decline.
const stripeMockFixtures = "testdata/stripe-mock-fixtures.json"

// stripeMockBinary finds stripe-mock on PATH or in $GOPATH/bin (where `go install` puts it).
func stripeMockBinary() (string, bool) {
	if p, err := exec.LookPath("stripe-mock"); err == nil {
		return p, true
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", false
		}
		gopath = filepath.Join(home, "go")
	}
	p := filepath.Join(filepath.SplitList(gopath)[0], "bin", "stripe-mock")
	if _, err := os.Stat(p); err != nil {
		return "", false
	}
	return p, true
}

var listening = regexp.MustCompile(`Listening for HTTP at address: (127\.0\.0\.1:\d+)`)

// startStripeMock starts stripe-mock on free loopback ports and returns its base URL. Without stripe-mock the test
// skips, except under CI=true, where a missing stripe-mock is a failure (.ci/run installs it).
func startStripeMock(t *testing.T) string {
	t.Helper()
	bin, ok := stripeMockBinary()
	if !ok {
		if os.Getenv("CI") == "true" {
			t.Fatal("stripe-mock is not installed (CI=true): go install github.com/stripe/stripe-mock@v0.203.0")
		}
		t.Skip("stripe-mock not found on PATH or in $GOPATH/bin; install it with " +
			"go install github.com/stripe/stripe-mock@v0.203.0 to run the conformance suite against it")
	}
	cmd := exec.Command(bin, "-http-addr", "127.0.0.1:0", "-https-addr", "127.0.0.1:0", "-fixtures", stripeMockFixtures)
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
