package webhookhttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"code.dny.dev/ssrf"

	"github.com/kassapay/kassa/internal/webhook"
)

// loopback is what the zero-setup default and the test servers allow: 127.0.0.0/8 and ::1.
var loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

// Each URL below is refused in the dialer's Control hook, which runs after the socket is created and before
// connect(2): no packet leaves the machine. errors.Is(err, ssrf.ErrProhibitedIP) proves the refusal came from that
// hook (nothing else produces it), and a connect attempt to the non-loopback ones could not succeed here anyway.
func TestClientRefusesInternalAddressesWithoutAllowList(t *testing.T) {
	t.Parallel()
	client := NewClient(nil, 2*time.Second)
	for _, tc := range []struct{ name, url, wantInMessage string }{
		{"loopback", "http://127.0.0.1:8080/hook", "127.0.0.0/8"},
		{"private 10/8", "http://10.0.0.1/hook", "10.0.0.0/8"},
		{"private 172.16/12", "http://172.16.0.1/hook", "172.16.0.0/12"},
		{"private 192.168/16", "http://192.168.1.1/hook", "192.168.0.0/16"},
		{"link-local metadata", "http://169.254.169.254/latest/meta-data/", "169.254.0.0/16"},
		{"CGNAT 100.64/10", "http://100.64.0.1/hook", "100.64.0.0/10"},
		{"unspecified", "http://0.0.0.0/hook", "0.0.0.0/8"},
		{"multicast", "http://224.0.0.1/hook", "224.0.0.0/4"},
		{"reserved", "http://240.0.0.1/hook", "240.0.0.0/4"},
		{"IPv6 loopback", "http://[::1]:8080/hook", "::1"},
		{"IPv6 unique local fc00::/7", "http://[fc00::1]/hook", "fc00::1"},
		{"IPv6 link-local", "http://[fe80::1]/hook", "fe80::1"},
		{"IPv4-mapped IPv6 loopback", "http://[::ffff:127.0.0.1]:8080/hook", "127.0.0.1"},
		{"IPv4-mapped IPv6 private", "http://[::ffff:10.0.0.1]/hook", "10.0.0.1"},
		{"DNS name resolving to loopback", "http://localhost:8080/hook", "not a permitted destination"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			resp, err := client.Get(tc.url)
			if err == nil {
				resp.Body.Close()
				t.Fatalf("GET %s succeeded with %s; want a refusal", tc.url, resp.Status)
			}
			if !errors.Is(err, webhook.ErrForbiddenAddress) || !errors.Is(err, ssrf.ErrProhibitedIP) {
				t.Fatalf("GET %s: err = %v; want webhook.ErrForbiddenAddress wrapping ssrf.ErrProhibitedIP", tc.url, err)
			}
			if !strings.Contains(err.Error(), tc.wantInMessage) {
				t.Errorf("error %q does not name %q", err, tc.wantInMessage)
			}
			if elapsed := time.Since(start); elapsed > time.Second {
				t.Errorf("refusal took %s; a Control refusal is immediate", elapsed)
			}
			got := classify(resp, err, time.Now())
			if !got.Retry || !strings.Contains(got.Reason, "SSRF") {
				t.Errorf("classify = %+v; want a retry whose reason names the SSRF refusal", got)
			}
		})
	}
}

// A real listener on loopback proves the refusal happens before connect(2): it must never see a connection.
func TestClientRefusalConnectsNothing(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var accepted atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			c.Close()
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port

	client := NewClient(nil, time.Second)
	for _, host := range []string{"127.0.0.1", "localhost", "[::ffff:127.0.0.1]"} {
		u := fmt.Sprintf("http://%s:%d/hook", host, port)
		resp, err := client.Get(u)
		if err == nil {
			resp.Body.Close()
		}
		if !errors.Is(err, webhook.ErrForbiddenAddress) {
			t.Errorf("GET %s: err = %v; want webhook.ErrForbiddenAddress", u, err)
		}
	}
	// A control dial shows the listener works, so zero accepts below means zero connects above.
	c, err := net.Dial("tcp4", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	deadline := time.Now().Add(2 * time.Second)
	for accepted.Load() < 1 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if got := accepted.Load(); got != 1 {
		t.Fatalf("listener accepted %d connections; want exactly 1 (the control dial)", got)
	}
}

func TestClientReachesAllowListedLoopback(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	}))
	t.Cleanup(srv.Close)

	client := NewClient([]netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, 0)
	resp, err := client.Get(srv.URL)
	if err != nil {
		t.Fatalf("GET %s with 127.0.0.0/8 allowed: %v", srv.URL, err)
	}
	defer resp.Body.Close()
	if got := excerpt(resp.Body); resp.StatusCode != 200 || got != "ok" {
		t.Fatalf("got %d %q; want 200 \"ok\"", resp.StatusCode, got)
	}

	// The allow-list opens what it names and nothing else.
	for _, u := range []string{"http://10.0.0.1/", "http://[::1]/", "http://169.254.169.254/"} {
		resp, err := client.Get(u)
		if err == nil {
			resp.Body.Close()
		}
		if !errors.Is(err, webhook.ErrForbiddenAddress) {
			t.Errorf("GET %s with only 127.0.0.0/8 allowed: err = %v; want webhook.ErrForbiddenAddress", u, err)
		}
	}
}

func TestClientNeverFollowsRedirects(t *testing.T) {
	t.Parallel()
	var followed bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/elsewhere" {
			followed = true
			return
		}
		http.Redirect(w, r, "/elsewhere", http.StatusFound)
	}))
	t.Cleanup(srv.Close)

	client := NewClient([]netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, time.Second)
	resp, err := client.Post(srv.URL+"/hook", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || followed {
		t.Fatalf("status %d, followed %v; want the 302 itself and no request to its Location", resp.StatusCode, followed)
	}
}

func TestClientIgnoresProxyEnvironment(t *testing.T) {
	t.Parallel()
	client := NewClient(nil, 0)
	if proxy := client.Transport.(*http.Transport).Proxy; proxy != nil {
		t.Fatal("Transport.Proxy is set; a proxy would connect on our behalf, past the SSRF check")
	}
	if client.Timeout != webhook.DefaultTimeout {
		t.Fatalf("Timeout = %s; want %s", client.Timeout, webhook.DefaultTimeout)
	}
}

func TestClientTimesOut(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(release); srv.Close() })

	client := NewClient([]netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, 100*time.Millisecond)
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, srv.URL, strings.NewReader("{}"))
	resp, err := client.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatal("a receiver that never answers did not time out")
	}
	if got := classify(resp, err, time.Now()); !got.Retry || !strings.HasPrefix(got.Reason, "timeout") {
		t.Fatalf("classify = %+v; want a retry with a timeout reason", got)
	}
}

// TestRegistrationAgreesWithTheDialer: for address literals, webhook.ValidateEndpointURL refuses exactly what the delivery
// client refuses to dial, with and without an allow-list, so a URL accepted at registration is not then refused at
// every delivery (and the reverse). Port 1 on loopback has no listener: an allowed dial fails with a refused
// connection, not with webhook.ErrForbiddenAddress.
func TestRegistrationAgreesWithTheDialer(t *testing.T) {
	t.Parallel()
	hosts := []string{"127.0.0.1", "127.0.0.2", "[::ffff:127.0.0.1]", "[::1]", "10.0.0.1", "[::ffff:10.0.0.1]",
		"169.254.169.254", "0.0.0.0", "100.64.0.1", "[fe80::1]", "[::]", "[fc00::1]"}
	for name, allowed := range map[string][]netip.Prefix{"nothing allowed": nil, "loopback allowed": loopback} {
		client := NewClient(allowed, time.Second)
		for _, host := range hosts {
			u := "http://" + host + ":1/hook"
			resp, err := client.Get(u)
			if err == nil {
				resp.Body.Close()
			}
			dialRefused := errors.Is(err, webhook.ErrForbiddenAddress)
			regErr := webhook.ValidateEndpointURL(u, false, allowed)
			if regRefused := errors.Is(regErr, webhook.ErrEndpointURLNotAllowed); regRefused != dialRefused {
				t.Errorf("%s, %s: registration refused %v (%v), dialer refused %v (%v)", name, host, regRefused, regErr, dialRefused, err)
			}
		}
	}
}
