// Package mailpit starts a real mailpit (v1.33.1) for tests: an SMTP server on a loopback port and its HTTP API,
// through which a test reads the messages Kassa sent.
package mailpit

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kassapay/kassa/internal/testbin"
)

// Server is a running mailpit.
type Server struct {
	// SMTPURL is the URL to give KASSA_SMTP_URL: plain SMTP on loopback (starttls=off, as mailpit offers none).
	SMTPURL string
	// API is the base URL of mailpit's HTTP API.
	API string
}

// freePort returns a loopback port nothing listens on now.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Start starts mailpit on free loopback ports with an empty store of its own; the test's cleanup stops it.
// Without mailpit the test skips, except under CI=true, where a missing mailpit is a failure (.ci/run installs it).
func Start(t testing.TB) *Server {
	t.Helper()
	bin := testbin.Require(t, "mailpit", "go install github.com/axllent/mailpit@v1.33.1")
	for attempt := 0; ; attempt++ {
		smtpPort, httpPort := freePort(t), freePort(t)
		cmd := exec.Command(bin, "--smtp", fmt.Sprintf("127.0.0.1:%d", smtpPort), "--listen", fmt.Sprintf("127.0.0.1:%d", httpPort),
			"--database", filepath.Join(t.TempDir(), "mailpit.db"), "--smtp-auth-accept-any", "--smtp-auth-allow-insecure", "--quiet")
		if err := cmd.Start(); err != nil {
			t.Fatalf("start mailpit: %v", err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }() //nolint:errcheck
		s := &Server{SMTPURL: fmt.Sprintf("smtp://127.0.0.1:%d?starttls=off", smtpPort), API: fmt.Sprintf("http://127.0.0.1:%d", httpPort)}
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			select {
			case <-exited:
			default:
				if resp, err := http.Get(s.API + "/api/v1/info"); err == nil {
					resp.Body.Close()
					if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", smtpPort)); err == nil && resp.StatusCode == http.StatusOK {
						c.Close()
						t.Cleanup(func() { cmd.Process.Kill(); <-exited }) //nolint:errcheck
						return s
					}
				}
				time.Sleep(50 * time.Millisecond)
				continue
			}
			break
		}
		cmd.Process.Kill() //nolint:errcheck
		<-exited
		if attempt == 2 { // a port taken between freePort and mailpit's listen, three times
			t.Fatal("mailpit did not start listening within 30 s")
		}
	}
}

// Message is a received message as mailpit's API describes it.
type Message struct {
	ID      string
	To      []string
	Subject string
	Text    string
}

// Messages returns every message to the address, newest first.
func (s *Server) Messages(t testing.TB, to string) []Message {
	t.Helper()
	var list struct {
		Messages []struct {
			ID      string
			To      []struct{ Address string }
			Subject string
		}
	}
	s.get(t, "/api/v1/search?query="+url.QueryEscape("to:"+to), &list)
	out := make([]Message, 0, len(list.Messages))
	for _, m := range list.Messages {
		var full struct{ Text string }
		s.get(t, "/api/v1/message/"+url.PathEscape(m.ID), &full)
		msg := Message{ID: m.ID, Subject: m.Subject, Text: full.Text}
		for _, a := range m.To {
			msg.To = append(msg.To, a.Address)
		}
		out = append(out, msg)
	}
	return out
}

// WaitMessage waits up to 10 s for the n-th message (1 = the first) to the address and returns it.
func (s *Server) WaitMessage(t testing.TB, to string, n int) Message {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if ms := s.Messages(t, to); len(ms) >= n {
			return ms[len(ms)-n]
		}
		if time.Now().After(deadline) {
			t.Fatalf("mailpit: no message %d to %s within 10 s", n, to)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *Server) get(t testing.TB, path string, out any) {
	t.Helper()
	resp, err := http.Get(s.API + path)
	if err != nil {
		t.Fatalf("mailpit API %s: %v", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("mailpit API %s: HTTP %d", path, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatalf("mailpit API %s: %v", path, err)
	}
}

// Code returns the first run of six digits in a message's text (a one-time code).
func Code(text string) string {
	for i := 0; i+6 <= len(text); i++ {
		if strings.IndexFunc(text[i:i+6], func(r rune) bool { return r < '0' || r > '9' }) == -1 &&
			(i == 0 || text[i-1] < '0' || text[i-1] > '9') && (i+6 == len(text) || text[i+6] < '0' || text[i+6] > '9') {
			return text[i : i+6]
		}
	}
	return ""
}
