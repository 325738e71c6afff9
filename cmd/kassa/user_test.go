package main

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kassapay/kassa/internal/store/storetest"
)

var (
	loginRE     = regexp.MustCompile(`Dashboard login:\s+(\S+) / (\S+)`)
	generatedRE = regexp.MustCompile(`(?:New password|Password) \(shown once\): (\S+)\n`)
)

// TestCLIUserResetPassword: the password reset path of the dashboard, checked by signing in to a running server.
func TestCLIUserResetPassword(t *testing.T) {
	t.Parallel()
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			env := kassaEnv("KASSA_ADDR=127.0.0.1:0", "KASSA_DATA_DIR="+t.TempDir(), "KASSA_DATABASE_URL="+b.URL(t))
			s := startServer(t, env)
			m := loginRE.FindStringSubmatch(s.stdout.String())
			if m == nil {
				t.Fatalf("first start printed no dashboard login:\n%s", s.stdout.String())
			}
			email, first := m[1], m[2]
			signIn := func(email, password string) int {
				t.Helper()
				client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
				resp, err := client.PostForm("http://"+s.addr+"/dashboard/login", url.Values{"email": {email}, "password": {password}})
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp.StatusCode
			}
			if got := signIn(email, first); got != http.StatusSeeOther {
				t.Fatalf("sign in with the first-start password: %d", got)
			}

			out := cliWithStdin(t, env, "a new long password\n", "user", "reset-password", "--email", email, "--password-stdin")
			if !strings.Contains(out, "reset") || strings.Contains(out, "a new long password") {
				t.Errorf("reset-password printed:\n%s", out)
			}
			if got := signIn(email, first); got != http.StatusUnauthorized {
				t.Errorf("the old password after a reset: %d", got)
			}
			if got := signIn(email, "a new long password"); got != http.StatusSeeOther {
				t.Errorf("the new password: %d", got)
			}

			out = cliWithStdin(t, env, "", "user", "reset-password", "--email", email)
			g := generatedRE.FindStringSubmatch(out)
			if g == nil {
				t.Fatalf("reset-password without --password-stdin printed no password:\n%s", out)
			}
			if got := signIn(email, g[1]); got != http.StatusSeeOther {
				t.Errorf("the generated password: %d", got)
			}
			if _, errOut, code := runCLI(t, env, "user", "reset-password", "--email", "nobody@example.com"); code == 0 {
				t.Errorf("reset-password of an unknown email succeeded: %s", errOut)
			}

			out = cliWithStdin(t, env, "", "user", "add-operator", "--email", "ops@example.com")
			if g = generatedRE.FindStringSubmatch(out); g == nil {
				t.Fatalf("add-operator printed no password:\n%s", out)
			}
			if got := signIn("ops@example.com", g[1]); got != http.StatusSeeOther {
				t.Errorf("the operator's sign-in: %d", got)
			}
			s.stop(t)
		})
	}
}

func cliWithStdin(t *testing.T, env []string, stdin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, kassaBin, args...)
	var out, errOut bytes.Buffer
	cmd.Env, cmd.Stdin, cmd.Stdout, cmd.Stderr = env, strings.NewReader(stdin), &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("kassa %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out.String(), errOut.String())
	}
	return out.String()
}
