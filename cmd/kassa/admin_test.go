package main

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/kassapay/kassa/internal/store/storetest"
)

// TestAdminKeyCLI: kassa admin-key create prints a key once, which opens /api/admin on the running server; list
// shows it without its secret; after revoke the same key gets 401.
func TestAdminKeyCLI(t *testing.T) {
	t.Parallel()
	env := kassaEnv("KASSA_ADDR=127.0.0.1:0", "KASSA_DATA_DIR="+t.TempDir(), "KASSA_DATABASE_URL="+storetest.SQLiteURL(t))
	s := startServer(t, env)
	out := mustCLI(t, env, "admin-key", "create", "--description", "support desk")
	m := regexp.MustCompile(`Admin key (adk_\w+) \(shown once\): (kadmin_\w+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no key in:\n%s", out)
	}
	keyID, secret := m[1], m[2]
	resolve := func() int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, "http://"+s.addr+"/api/admin/customers/resolve", strings.NewReader(`{"email":"ada@example.com"}`))
		req.Header.Set("Authorization", "Bearer "+secret)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := resolve(); got != http.StatusOK {
		t.Errorf("resolve with the new admin key: HTTP %d", got)
	}
	list := mustCLI(t, env, "admin-key", "list")
	if !strings.Contains(list, keyID) || !strings.Contains(list, "support desk") || !strings.Contains(list, "active") || strings.Contains(list, secret) {
		t.Errorf("admin-key list:\n%s", list)
	}
	mustCLI(t, env, "admin-key", "revoke", keyID)
	if got := resolve(); got != http.StatusUnauthorized {
		t.Errorf("resolve with a revoked admin key: HTTP %d, want 401", got)
	}
	if list := mustCLI(t, env, "admin-key", "list"); !strings.Contains(list, "revoked") {
		t.Errorf("admin-key list after revoke:\n%s", list)
	}
	s.stop(t)
}
