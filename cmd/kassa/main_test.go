package main

// These tests build the real binary once and drive it as an operator would: `kassa serve` on SQLite (zero setup)
// and PostgreSQL, two instances on one database, the merchant and keys commands against a running server, and bad
// configuration. The PostgreSQL variants skip unless KASSA_TEST_DATABASE_URL is set (CI sets it).

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kassapay/kassa/clients/go/kassawebhook"
	"github.com/kassapay/kassa/internal/store/storetest"
)

// kassaBin is built once by TestMain, with the crash points the crash tests fire (internal/crashpoint).
var kassaBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "kassa-bin-")
	code := 1
	if err == nil {
		kassaBin = filepath.Join(dir, "kassa")
		build := exec.Command("go", "build", "-tags", "kassa_crashpoints", "-o", kassaBin, ".")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		err = build.Run()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "go build kassa:", err)
	} else {
		code = m.Run()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

const waitLimit = 20 * time.Second // bound of every poll: listening line, /health

var (
	listeningRE = regexp.MustCompile(`Kassa (\S+) is listening on http://(\S+)`)
	skRE        = regexp.MustCompile(`sk_test_[0-9A-Za-z]{32}\b`)
	pkRE        = regexp.MustCompile(`pk_test_[0-9A-Za-z]{32}\b`)
	merchantRE  = regexp.MustCompile(`Merchant:\s+(mer_[0-9A-Za-z]+)`)
	rolledRE    = regexp.MustCompile(`New test secret key \(shown once\): (sk_test_[0-9A-Za-z]{32})\n`)
)

// kassaEnv returns this process's environment without any KASSA_* variable (PATH, HOME, GOCACHE… stay), plus kv.
func kassaEnv(kv ...string) []string {
	var env []string
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "KASSA_") {
			env = append(env, e)
		}
	}
	return append(env, kv...)
}

// syncBuffer is a bytes.Buffer safe to read while the child process writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// server is a running `kassa serve`.
type server struct {
	addr           string // host:port it really listens on, parsed from stdout
	stdout, stderr *syncBuffer
	cmd            *exec.Cmd
	done           chan struct{} // closed when the process has exited; err is set then
	err            error
}

// launch starts `kassa serve` without waiting for it; the process is killed at the end of the test at the latest.
func launch(t *testing.T, env []string) *server {
	t.Helper()
	return launchCmd(t, env, "serve")
}

// launchCmd starts a long-running kassa command (serve, listen).
func launchCmd(t *testing.T, env []string, args ...string) *server {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	s := &server{stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan struct{})}
	s.cmd = exec.CommandContext(ctx, kassaBin, args...)
	s.cmd.Env, s.cmd.Stdout, s.cmd.Stderr, s.cmd.WaitDelay = env, s.stdout, s.stderr, 5*time.Second
	if err := s.cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	go func() { s.err = s.cmd.Wait(); close(s.done) }()
	t.Cleanup(func() {
		cancel() // kills the process if it still runs
		<-s.done
		if t.Failed() {
			t.Logf("kassa %s (pid %d) stdout:\n%s\nstderr:\n%s", args[0], s.cmd.Process.Pid, s.stdout, s.stderr)
		}
	})
	return s
}

// startServer launches `kassa serve` and waits until it is healthy.
func startServer(t *testing.T, env []string) *server {
	t.Helper()
	s := launch(t, env)
	s.waitHealthy(t)
	return s
}

// waitFor polls ok every 50ms for up to waitLimit, failing early if the process exits.
func (s *server) waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s within %v", what, waitLimit)
		}
		select {
		case <-s.done:
			t.Fatalf("kassa serve exited (%v) before %s", s.err, what)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// waitHealthy waits for the listening line, takes the address from it, then waits for GET /health → 200 and
// checks its body.
func (s *server) waitHealthy(t *testing.T) {
	t.Helper()
	s.waitFor(t, "listening line on stdout", func() bool {
		m := listeningRE.FindStringSubmatch(s.stdout.String())
		if m != nil {
			s.addr = m[2]
		}
		return m != nil
	})
	if _, port, _ := net.SplitHostPort(s.addr); port == "0" || port == "" {
		t.Fatalf("listening line names %q, want the bound port", s.addr)
	}
	type health struct{ Status, Database, Queue, Version string }
	var got health
	s.waitFor(t, "GET /health → 200", func() bool {
		status, body, err := request(s.addr, "", "/health")
		return err == nil && status == http.StatusOK && json.Unmarshal(body, &got) == nil
	})
	if d := cmp.Diff(health{"ok", "ok", "running", "dev"}, got); d != "" {
		t.Fatalf("GET /health (-want +got):\n%s", d)
	}
}

// stop sends SIGTERM and requires a clean exit (status 0) within 10 seconds.
func (s *server) stop(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		t.Fatal("kassa serve still running 10s after SIGTERM")
	}
	if s.err != nil {
		t.Fatalf("kassa serve exited with %v after SIGTERM, want status 0", s.err)
	}
}

var httpClient = &http.Client{Timeout: 10 * time.Second}

func request(addr, key, path string) (int, []byte, error) {
	req, err := http.NewRequest(http.MethodGet, "http://"+addr+path, nil)
	if err != nil {
		return 0, nil, err
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

// apiResponse holds the fields these tests read from a merchant or an error body.
type apiResponse struct {
	Object, ID, Name string
	Error            struct{ Type, Code string }
}

// checkKey calls GET /api/v1/merchant with key and requires the status and error code ("" for success).
func checkKey(t *testing.T, addr, key string, wantStatus int, wantCode string) apiResponse {
	t.Helper()
	var r apiResponse
	status, body, err := request(addr, key, "/api/v1/merchant")
	if err == nil {
		err = json.Unmarshal(body, &r)
	}
	if err != nil {
		t.Fatalf("GET /api/v1/merchant: %v: %s", err, body)
	}
	if status != wantStatus || r.Error.Code != wantCode {
		t.Fatalf("GET /api/v1/merchant with key …%s: %d %q, want %d %q", key[len(key)-4:], status, r.Error.Code, wantStatus, wantCode)
	}
	return r
}

// checkKeySoon is checkKey after another process (the CLI) changed the key or its merchant: the server serves
// keys from a cache that the database's notification clears, which reaches it within milliseconds of the commit
// (on PostgreSQL; on SQLite it reads the database).
func checkKeySoon(t *testing.T, addr, key string, wantStatus int, wantCode string) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		status, body, err := request(addr, key, "/api/v1/merchant")
		var r apiResponse
		if err == nil && json.Unmarshal(body, &r) == nil && status == wantStatus && r.Error.Code == wantCode {
			return
		}
	}
	checkKey(t, addr, key, wantStatus, wantCode)
}

// runCLI runs kassa with args and returns its output and exit code.
func runCLI(t *testing.T, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, kassaBin, args...)
	var out, errOut bytes.Buffer
	cmd.Env, cmd.Stdout, cmd.Stderr = env, &out, &errOut
	err := cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("kassa %s: no exit within a minute", strings.Join(args, " "))
	case errors.As(err, &exitErr):
		code = exitErr.ExitCode()
	case err != nil:
		t.Fatalf("kassa %s: %v", strings.Join(args, " "), err)
	}
	return out.String(), errOut.String(), code
}

// mustCLI runs kassa with args, requires exit status 0 and returns stdout.
func mustCLI(t *testing.T, env []string, args ...string) string {
	t.Helper()
	out, errOut, code := runCLI(t, env, args...)
	if code != 0 {
		t.Fatalf("kassa %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

type credentials struct{ merchant, sk, pk string }

// parseCredentials requires stdout to show a merchant, its test keys and a dashboard login, each exactly once.
func parseCredentials(t *testing.T, stdout string) credentials {
	t.Helper()
	for _, s := range []string{"Merchant:", "sk_test_", "pk_test_", "Dashboard login:"} {
		if n := strings.Count(stdout, s); n != 1 {
			t.Fatalf("stdout shows %q %d times, want once:\n%s", s, n, stdout)
		}
	}
	m, sk, pk := merchantRE.FindStringSubmatch(stdout), skRE.FindString(stdout), pkRE.FindString(stdout)
	if m == nil || sk == "" || pk == "" {
		t.Fatalf("stdout lacks a merchant id or a well-formed key:\n%s", stdout)
	}
	return credentials{merchant: m[1], sk: sk, pk: pk}
}

func TestServeFirstStart(t *testing.T) {
	t.Parallel()
	t.Run("sqlite", func(t *testing.T) { t.Parallel(); testFirstStart(t, "") })
	t.Run("postgres", func(t *testing.T) { t.Parallel(); testFirstStart(t, storetest.PostgresURL(t)) })
}

// testFirstStart: the first start prints the sandbox credentials once and they work; SIGTERM stops it cleanly; the
// second start prints no secrets, the old key still works and the log says how to roll it. dbURL "" = zero setup.
func testFirstStart(t *testing.T, dbURL string) {
	dataDir := t.TempDir()
	env := kassaEnv("KASSA_ADDR=127.0.0.1:0", "KASSA_DATA_DIR="+dataDir)
	if dbURL != "" {
		env = append(env, "KASSA_DATABASE_URL="+dbURL)
		if out := mustCLI(t, env, "migrate"); out != "migrations applied (postgres)\n" {
			t.Errorf("kassa migrate printed %q, want %q", out, "migrations applied (postgres)\n")
		}
	}

	first := startServer(t, env)
	creds := parseCredentials(t, first.stdout.String())
	if r := checkKey(t, first.addr, creds.sk, http.StatusOK, ""); r.Object != "merchant" || r.ID != creds.merchant {
		t.Errorf("GET /api/v1/merchant = %s %s, want merchant %s", r.Object, r.ID, creds.merchant)
	}
	checkKey(t, first.addr, creds.pk, http.StatusForbidden, "secret_key_required")
	if want := "(API reference: http://" + first.addr + "/docs)"; !strings.Contains(first.stdout.String(), want) {
		t.Errorf("first start's links do not carry the real address %s:\n%s", want, first.stdout)
	}
	first.stop(t)
	if strings.Contains(first.stderr.String(), creds.sk) {
		t.Error("the log (stderr) contains the secret key")
	}
	if strings.Contains(first.stderr.String(), `"level":"ERROR"`) {
		t.Errorf("a clean start and SIGTERM logged errors:\n%s", first.stderr)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "kassa.db")); (dbURL == "") != (err == nil) {
		t.Errorf("KASSA_DATA_DIR/kassa.db: %v; want it to exist exactly when KASSA_DATABASE_URL is unset", err)
	}

	second := startServer(t, env)
	for _, secret := range []string{"sk_test_", "pk_test_", "Dashboard login:"} {
		if out := second.stdout.String(); strings.Contains(out, secret) {
			t.Errorf("second start printed %q again:\n%s", secret, out)
		}
	}
	checkKey(t, second.addr, creds.sk, http.StatusOK, "")
	wantHint := "kassa keys roll --merchant " + creds.merchant
	if !logMentions(t, second.stderr.String(), wantHint) {
		t.Errorf("second start's JSON log does not mention %q:\n%s", wantHint, second.stderr)
	}
	second.stop(t)

	// CLI commands never create a development master key; only serve does.
	cliDir := t.TempDir()
	cliEnv := kassaEnv("KASSA_DATA_DIR="+cliDir, "KASSA_DATABASE_URL="+func() string {
		if dbURL != "" {
			return dbURL
		}
		return "sqlite://" + filepath.Join(cliDir, "cli.db")
	}())
	mustCLI(t, cliEnv, "merchant", "list")
	if _, err := os.Stat(filepath.Join(cliDir, "master.key")); err == nil {
		t.Error("kassa merchant list created a master key file")
	}
}

// logMentions reports whether a record of the log contains s; every line must be a JSON record.
func logMentions(t *testing.T, log, s string) (found bool) {
	t.Helper()
	for line := range strings.Lines(log) {
		if !json.Valid([]byte(line)) {
			t.Errorf("log line is not JSON: %s", line)
		}
		found = found || strings.Contains(line, s)
	}
	return found
}

// Two instances started together on one PostgreSQL database: one creates the sandbox merchant, both serve it.
func TestServeTwoInstancesOnePostgres(t *testing.T) {
	t.Parallel()
	dbURL := storetest.PostgresURL(t)
	key := make([]byte, 32)
	rand.Read(key)
	masterKey := base64.StdEncoding.EncodeToString(key)
	var envs [2][]string
	var servers [2]*server
	for i := range servers {
		envs[i] = kassaEnv("KASSA_ADDR=127.0.0.1:0", "KASSA_DATA_DIR="+t.TempDir(), "KASSA_DATABASE_URL="+dbURL,
			"KASSA_MASTER_KEY="+masterKey)
		servers[i] = launch(t, envs[i]) // both start before either is waited for: they race to migrate and bootstrap
	}
	var printed []string
	for _, s := range servers {
		s.waitHealthy(t)
		if out := s.stdout.String(); strings.Contains(out, "sk_test_") || strings.Contains(out, "pk_test_") {
			printed = append(printed, out)
		}
	}
	if len(printed) != 1 {
		t.Fatalf("%d instances printed sandbox credentials, want exactly 1", len(printed))
	}
	creds := parseCredentials(t, printed[0])

	list := mustCLI(t, envs[1], "merchant", "list")
	if lines := strings.Split(strings.TrimSpace(list), "\n"); len(lines) != 2 || !strings.HasPrefix(lines[1], creds.merchant+" ") {
		t.Errorf("kassa merchant list: want a header and %s only, got:\n%s", creds.merchant, list)
	}
	for _, s := range servers {
		if r := checkKey(t, s.addr, creds.sk, http.StatusOK, ""); r.ID != creds.merchant {
			t.Errorf("instance %s: merchant %s, want %s", s.addr, r.ID, creds.merchant)
		}
	}
	for _, s := range servers {
		s.stop(t)
	}
}

func TestCLIKeyManagement(t *testing.T) {
	t.Parallel()
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			testKeyManagement(t, kassaEnv("KASSA_ADDR=127.0.0.1:0", "KASSA_DATA_DIR="+t.TempDir(), "KASSA_DATABASE_URL="+b.URL(t)))
		})
	}
}

// testKeyManagement: merchant create, keys roll with and without grace, keys list and merchant update, each
// checked against a running server sharing the database.
func testKeyManagement(t *testing.T, env []string) {
	s := startServer(t, env)
	sandbox := parseCredentials(t, s.stdout.String())

	shop := parseCredentials(t, mustCLI(t, env, "merchant", "create", "--name", "Shop", "--email", "shop@example.com"))
	if r := checkKey(t, s.addr, shop.sk, http.StatusOK, ""); r.ID != shop.merchant || r.Name != "Shop" {
		t.Errorf("GET /api/v1/merchant = %s %q, want %s \"Shop\"", r.ID, r.Name, shop.merchant)
	}

	rollOut := mustCLI(t, env, "keys", "roll", "--merchant", shop.merchant, "--grace", "1h")
	m := rolledRE.FindStringSubmatch(rollOut)
	if m == nil || !strings.Contains(rollOut, "keep working until") {
		t.Fatalf("kassa keys roll --grace 1h printed no new key or no grace period:\n%s", rollOut)
	}
	graceKey := m[1]
	checkKey(t, s.addr, shop.sk, http.StatusOK, "") // the old key works during the grace period
	checkKey(t, s.addr, graceKey, http.StatusOK, "")

	rollOut = mustCLI(t, env, "keys", "roll", "--merchant", shop.merchant)
	if m = rolledRE.FindStringSubmatch(rollOut); m == nil || !strings.Contains(rollOut, "stopped working") {
		t.Fatalf("kassa keys roll printed no new key or no notice that the old keys stopped:\n%s", rollOut)
	}
	current := m[1]
	checkKeySoon(t, s.addr, shop.sk, http.StatusUnauthorized, "api_key_expired")
	checkKeySoon(t, s.addr, graceKey, http.StatusUnauthorized, "api_key_expired")
	checkKey(t, s.addr, current, http.StatusOK, "")

	list := mustCLI(t, env, "keys", "list", "--merchant", shop.merchant)
	for _, k := range []string{shop.sk, shop.pk, graceKey, current} {
		if tail := k[len("sk_test_"):]; strings.Contains(list, tail) {
			t.Errorf("kassa keys list shows the secret of …%s:\n%s", k[len(k)-4:], list)
		}
	}
	lines := strings.Split(strings.TrimSpace(list), "\n")
	if len(lines) != 5 || strings.Count(list, " expired ") != 2 || !strings.Contains(list, "sk_test_…"+current[len(current)-4:]) {
		t.Errorf("kassa keys list: want a header, 4 keys (2 expired) and the current key's hint, got:\n%s", list)
	}

	mustCLI(t, env, "merchant", "update", "--merchant", shop.merchant, "--status", "inactive")
	checkKeySoon(t, s.addr, current, http.StatusForbidden, "merchant_inactive")
	checkKey(t, s.addr, sandbox.sk, http.StatusOK, "") // other merchants are unaffected
	s.stop(t)
}

// Bad configuration stops kassa at once with exit status 1 and one line naming the setting, never a secret value.
func TestServeBadConfig(t *testing.T) {
	t.Parallel()
	busy, err := net.Listen("tcp", "127.0.0.1:0") // makes "address in use" fail after the configuration was accepted
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { busy.Close() })
	for _, tc := range []struct {
		name, env, want string
		secret          string // must not appear in the output
		oneLine         bool   // a configuration error: nothing but one line on stderr
	}{
		{"addr", "KASSA_ADDR=nonsense", `config: KASSA_ADDR: "nonsense" is not host:port`, "", true},
		{"port", "KASSA_ADDR=127.0.0.1:99999", "config: KASSA_ADDR:", "", true},
		{"database", "KASSA_DATABASE_URL=mysql://kassa:hunter2@db/kassa", "config: KASSA_DATABASE_URL: (secret) must start with", "hunter2", true},
		{"master key", "KASSA_MASTER_KEY=tooshort-s3cret", "config: KASSA_MASTER_KEY: (secret)", "tooshort-s3cret", true},
		{"role", "KASSA_ROLE=chef", "config: KASSA_ROLE:", "", true},
		{"address in use", "KASSA_ADDR=" + busy.Addr().String(), "(KASSA_ADDR)", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			out, errOut, code := runCLI(t, kassaEnv("KASSA_DATA_DIR="+t.TempDir(), tc.env), "serve")
			if code != 1 || !strings.Contains(errOut, tc.want) || strings.Contains(out, "is listening") {
				t.Fatalf("kassa serve with %s: exit %d, want 1 and stderr containing %q\nstdout:\n%s\nstderr:\n%s",
					tc.env, code, tc.want, out, errOut)
			}
			if tc.oneLine && (strings.Count(errOut, "\n") != 1 || out != "") {
				t.Errorf("want exactly one line on stderr and nothing on stdout, got stdout %q, stderr:\n%s", out, errOut)
			}
			if tc.secret != "" && strings.Contains(out+errOut, tc.secret) {
				t.Errorf("the output echoes the secret value %q:\n%s", tc.secret, errOut)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("kassa serve took %v to reject the configuration", d)
			}
		})
	}
}

// TestListenForwardsEvents: `kassa listen` receives the merchant's events from a running server and POSTs each to a
// local URL, signed with the secret it printed; `kassa trigger test.ping` produces one.
func TestListenForwardsEvents(t *testing.T) {
	t.Parallel()
	env := kassaEnv("KASSA_ADDR=127.0.0.1:0", "KASSA_DATA_DIR="+t.TempDir())
	srv := startServer(t, env)
	creds := parseCredentials(t, srv.stdout.String())

	type delivery struct {
		header http.Header
		body   []byte
	}
	got := make(chan delivery, 10)
	local := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- delivery{r.Header.Clone(), b}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer local.Close()

	server := "http://" + srv.addr
	listen := launchCmd(t, env, "listen", "--forward-to", local.URL+"/webhooks", "--api-key", creds.sk, "--server", server, "--interval", "50ms")
	secretRE := regexp.MustCompile(`Signing secret for this session: (whsec_\S+)`)
	var secret string
	listen.waitFor(t, "kassa listen to print its signing secret", func() bool {
		m := secretRE.FindStringSubmatch(listen.stdout.String())
		if m != nil {
			secret = m[1]
		}
		return m != nil
	})
	out := mustCLI(t, env, "trigger", "test.ping", "--api-key", creds.sk, "--server", server)
	evID := regexp.MustCompile(`evt_[0-9A-Za-z]+`).FindString(out)
	if evID == "" {
		t.Fatalf("kassa trigger printed %q", out)
	}
	select {
	case d := <-got:
		if err := kassawebhook.Verify(secret, d.header.Get("Kassa-Signature"), d.body, time.Now()); err != nil {
			t.Errorf("forwarded event does not verify with the printed secret: %v", err)
		}
		var ev struct{ ID, Type string }
		if err := json.Unmarshal(d.body, &ev); err != nil || ev.ID != evID || ev.Type != "test.ping" {
			t.Errorf("forwarded body %s, want event %s", d.body, evID)
		}
	case <-time.After(waitLimit):
		t.Fatal("no event forwarded")
	}
	listen.waitFor(t, "the delivery line", func() bool {
		return strings.Contains(listen.stdout.String(), evID) && strings.Contains(listen.stdout.String(), "204 No Content")
	})
	if err := listen.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	<-listen.done
	if listen.err != nil {
		t.Errorf("kassa listen exited with %v after SIGINT", listen.err)
	}
}
