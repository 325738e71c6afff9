package webhook

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kassapay/kassa/clients/go/kassawebhook"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// The secret, id, time and body of the Standard Webhooks specification's published example, whose webhook-signature
// is g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=. The Kassa-Signature values were computed independently with
// Python's hmac module.
const (
	specSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	specID     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	specBody   = `{"test": 2432232314}`
	// otherSecret is "whsec_" + base64 of the bytes 0x00…0x1f.
	otherSecret = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
)

var specTime = time.Unix(1614265330, 0)

func TestSignProducesTheDocumentedHeaders(t *testing.T) {
	t.Parallel()
	got := Sign([]string{specSecret}, specID, specTime, []byte(specBody))
	want := Headers{
		"Kassa-Signature":   {"t=1614265330,v1=2e37df5d4a028c51a7f3133d64ae1e300d2c2c900f1b1d49d4369ad2530f8964"},
		"Kassa-Event-Id":    {specID},
		"Kassa-Timestamp":   {"1614265330"},
		"Webhook-Id":        {specID},
		"Webhook-Timestamp": {"1614265330"},
		"Webhook-Signature": {"v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("Sign headers (-want +got):\n%s", diff)
	}
	for _, name := range []string{HeaderSignature, HeaderEventID, HeaderTimestamp, HeaderWebhookID,
		HeaderWebhookTimestamp, HeaderWebhookSignature} {
		if got.Get(name) == "" {
			t.Errorf("Get(%q) is empty; the map key is not canonical", name)
		}
	}
}

func TestSignDuringRotationSignsWithEverySecret(t *testing.T) {
	t.Parallel()
	got := Sign([]string{otherSecret, specSecret}, specID, specTime, []byte(specBody))
	want := Headers{
		"Kassa-Signature": {"t=1614265330" +
			",v1=8dbc842b6599c1be049900723cebba01cdec937f060d8d59fd18e8efade1dbb7" +
			",v1=2e37df5d4a028c51a7f3133d64ae1e300d2c2c900f1b1d49d4369ad2530f8964"},
		"Kassa-Event-Id":    {specID},
		"Kassa-Timestamp":   {"1614265330"},
		"Webhook-Id":        {specID},
		"Webhook-Timestamp": {"1614265330"},
		"Webhook-Signature": {"v1,O4Gjv1HqPqsMrjmczoggs/sWA8gZD0VyHG+fLh4+ktI= v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("Sign headers (-want +got):\n%s", diff)
	}

	// A receiver holding either secret verifies, with both schemes.
	for _, secret := range []string{otherSecret, specSecret} {
		wh, err := standardwebhooks.NewWebhook(secret)
		if err != nil {
			t.Fatal(err)
		}
		if err := wh.VerifyIgnoringTimestamp([]byte(specBody), http.Header(got)); err != nil {
			t.Errorf("Standard Webhooks verifier with %s…: %v", secret[:10], err)
		}
		if err := kassawebhook.Verify(secret, got.Get(HeaderSignature), []byte(specBody), specTime); err != nil {
			t.Errorf("Kassa-Signature with %s…: %v", secret[:10], err)
		}
	}
}

// The official Standard Webhooks library is the oracle for the second scheme. Its Verify checks the timestamp against
// the real clock, so this test signs at time.Now().
func TestStandardWebhooksLibraryAcceptsOurSignature(t *testing.T) {
	t.Parallel()
	secret := NewSecret()
	body := []byte(`{"id":"evt_1","object":"event","type":"payment.succeeded","data":{"name":"José & Ñoño"}}`)
	h := Sign([]string{secret}, "evt_1", time.Now(), body)

	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	if err := wh.Verify(body, http.Header(h)); err != nil {
		t.Fatalf("official verifier rejected our headers: %v", err)
	}

	tampered := bytes.Replace(body, []byte("José"), []byte("Jose"), 1)
	if err := wh.Verify(tampered, http.Header(h)); !errors.Is(err, standardwebhooks.ErrNoMatchingSignature) {
		t.Fatalf("official verifier on a tampered body: err = %v; want ErrNoMatchingSignature", err)
	}

	other, _ := standardwebhooks.NewWebhook(NewSecret())
	if err := other.Verify(body, http.Header(h)); !errors.Is(err, standardwebhooks.ErrNoMatchingSignature) {
		t.Fatalf("official verifier with another secret: err = %v; want ErrNoMatchingSignature", err)
	}
}

func TestSignSkipsStandardSchemeForUndecodableSecret(t *testing.T) {
	t.Parallel()
	h := Sign([]string{"not-a-whsec-secret"}, "evt_1", specTime, []byte("{}"))
	if got := h.Get(HeaderWebhookSignature); got != "" {
		t.Fatalf("webhook-signature = %q; want none for a secret with no base64 key", got)
	}
	if got := h.Get(HeaderSignature); !strings.Contains(got, ",v1=") {
		t.Fatalf("Kassa-Signature = %q; want a v1 keyed by the full string", got)
	}
}

func TestNewSecretIsStandardWebhooksCompatible(t *testing.T) {
	t.Parallel()
	a, b := NewSecret(), NewSecret()
	if a == b {
		t.Fatal("two secrets are equal")
	}
	key, ok := standardKey(a)
	if !strings.HasPrefix(a, "whsec_") || !ok || len(key) != 32 {
		t.Fatalf("NewSecret() = %q; want whsec_ + base64 of 32 bytes", a)
	}
	if got, want := SecretHint(a), a[len(a)-4:]; got != want {
		t.Fatalf("SecretHint = %q; want %q", got, want)
	}
	if got := SecretHint("whsec_"); got != "" {
		t.Fatalf("SecretHint(too short) = %q; want empty", got)
	}
}

func BenchmarkSign(b *testing.B) {
	secrets := []string{NewSecret()}
	body := bytes.Repeat([]byte("x"), 1024)
	now := time.Unix(1767225600, 0)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		Sign(secrets, "evt_0123456789", now, body)
	}
}
