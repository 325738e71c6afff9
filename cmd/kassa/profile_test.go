package main

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/kassapay/kassa/internal/store/storetest"
)

// TestCLIProfiles: kassa profile add reads the credentials from stdin, list shows the hint only, disable stops the
// routing; what the CLI did is what the API of a running server shows.
func TestCLIProfiles(t *testing.T) {
	t.Parallel()
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			key := make([]byte, 32)
			rand.Read(key)
			env := kassaEnv("KASSA_ADDR=127.0.0.1:0", "KASSA_DATA_DIR="+t.TempDir(), "KASSA_DATABASE_URL="+b.URL(t),
				"KASSA_MASTER_KEY="+base64.StdEncoding.EncodeToString(key))
			s := startServer(t, env)
			shop := parseCredentials(t, s.stdout.String())
			const secret = "sk_live_51CliProfileSecret7788"
			out := cliWithStdin(t, env, secret+"\nwhsec_cliWebhookSecret\n", "profile", "add", "--merchant", shop.merchant,
				"--name", "Stripe live", "--currencies", "usd,eur", "--api-base-url", "http://127.0.0.1:9")
			if !strings.Contains(out, "prof_") || !strings.Contains(out, "…7788") || strings.Contains(out, secret) {
				t.Fatalf("profile add printed:\n%s", out)
			}
			id := strings.Fields(out)[2]
			list := mustCLI(t, env, "profile", "list", "--merchant", shop.merchant)
			if !strings.Contains(list, id) || !strings.Contains(list, "USD,EUR") || !strings.Contains(list, "enabled") || strings.Contains(list, secret) {
				t.Errorf("profile list:\n%s", list)
			}
			if test := mustCLI(t, env, "profile", "list", "--merchant", shop.merchant, "--mode", "test"); !strings.Contains(test, "prof_sandbox") || strings.Contains(test, id) {
				t.Errorf("test mode's list:\n%s", test)
			}
			if out := mustCLI(t, env, "profile", "disable", "--merchant", shop.merchant, id); !strings.Contains(out, "disabled") {
				t.Errorf("profile disable: %s", out)
			}
			// The test-mode API of the running server does not see the live profile; the list shows it disabled.
			status, body, err := request(s.addr, shop.sk, "/api/v1/payment-profiles/"+id)
			if err != nil || status != http.StatusNotFound {
				t.Errorf("the test key reads the live profile: %d %s %v", status, body, err)
			}
			if list := mustCLI(t, env, "profile", "list", "--merchant", shop.merchant); !strings.Contains(list, "disabled") {
				t.Errorf("after disable:\n%s", list)
			}
			// Refusals name the problem and exit non-zero.
			if _, errOut, code := runCLI(t, env, "profile", "add", "--merchant", shop.merchant, "--name", "x"); code == 0 || !strings.Contains(errOut, "stdin") {
				t.Errorf("add without credentials: exit %d %s", code, errOut)
			}
			if _, errOut, code := runCLI(t, env, "profile", "add", "--merchant", shop.merchant, "--name", "x", "--connector", "sandbox"); code == 0 || !strings.Contains(errOut, "test mode") {
				t.Errorf("a live sandbox: exit %d %s", code, errOut)
			}
		})
	}
}
