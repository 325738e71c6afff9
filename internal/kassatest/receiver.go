package kassatest

import (
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// Received is one request a Receiver got.
type Received struct {
	Header http.Header
	Body   []byte
}

// Reply is what a Receiver answers to one request.
type Reply struct {
	Status int
	Header map[string]string
	Body   string
}

// Receiver is a real HTTP webhook receiver on loopback that records every request and answers from a script.
type Receiver struct {
	*httptest.Server
	mu      sync.Mutex
	got     []Received
	replies []Reply
}

// NewReceiver starts a receiver answering with replies in order, then 200 for every further request.
func NewReceiver(t testing.TB, replies ...Reply) *Receiver {
	r := &Receiver{replies: replies}
	r.Server = httptest.NewServer(r.handler())
	t.Cleanup(r.Close)
	return r
}

// NewTLSReceiver is NewReceiver over https, as live-mode endpoints must be; pass its RootCAs to the Env
// (Options.WebhookRootCAs) so deliveries trust it.
func NewTLSReceiver(t testing.TB, replies ...Reply) *Receiver {
	r := &Receiver{replies: replies}
	r.Server = httptest.NewUnstartedServer(r.handler())
	r.StartTLS()
	t.Cleanup(r.Close)
	return r
}

// RootCAs trusts the receiver's certificate.
func (r *Receiver) RootCAs() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(r.Certificate())
	return pool
}

// Requests returns a copy of the requests received so far.
func (r *Receiver) Requests() []Received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Received(nil), r.got...)
}

func (r *Receiver) handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, Received{Header: req.Header.Clone(), Body: body})
		reply := Reply{Status: http.StatusOK, Body: "ok"}
		if len(r.replies) > 0 {
			reply, r.replies = r.replies[0], r.replies[1:]
		}
		r.mu.Unlock()
		for k, v := range reply.Header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(reply.Status)
		io.WriteString(w, reply.Body) //nolint:errcheck
	})
}

// ClosedPort is a loopback port nothing listens on: a processor that cannot be reached.
func ClosedPort(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(l.Addr().String())
	l.Close()
	return port
}
