package idempotency

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func macWith(key string) func([]byte) []byte {
	return func(msg []byte) []byte {
		h := hmac.New(sha256.New, []byte(key))
		h.Write(msg)
		return h.Sum(nil)
	}
}

var mac = macWith("test key")

// TestHashRequestIsKeyed: a request body may hold a card number, so its fingerprint must not be a plain hash that
// anyone with the database could test guesses against; another key gives another fingerprint.
func TestHashRequestIsKeyed(t *testing.T) {
	t.Parallel()
	body := []byte(`{"card":{"number":"4242424242424242"}}`)
	plain := sha256.Sum256(append([]byte("POST /api/v1/payments/sale\x00"), body...))
	a := HashRequest(mac, "POST /api/v1/payments/sale", body)
	if a == HashRequest(macWith("other key"), "POST /api/v1/payments/sale", body) {
		t.Error("two MAC keys gave the same fingerprint")
	}
	if a == hex.EncodeToString(plain[:]) {
		t.Error("fingerprint equals a plain hash")
	}
}

func TestHashRequestIgnoresJSONFormatting(t *testing.T) {
	t.Parallel()
	a := HashRequest(mac, "POST /api/v1/customers", []byte(`{"email":"a@example.com","metadata":{"x":"1","y":"2"},"n":1.50}`))
	b := HashRequest(mac, "POST /api/v1/customers", []byte("{ \"metadata\": {\"y\":\"2\", \"x\":\"1\"},\n \"n\": 1.50, \"email\": \"a@example.com\" }"))
	if a != b {
		t.Error("same parameters, different formatting: hashes differ")
	}
	for name, other := range map[string]string{
		"other value":  HashRequest(mac, "POST /api/v1/customers", []byte(`{"email":"b@example.com","metadata":{"x":"1","y":"2"},"n":1.50}`)),
		"other number": HashRequest(mac, "POST /api/v1/customers", []byte(`{"email":"a@example.com","metadata":{"x":"1","y":"2"},"n":1.5}`)),
		"other route":  HashRequest(mac, "POST /api/v1/refunds", []byte(`{"email":"a@example.com","metadata":{"x":"1","y":"2"},"n":1.50}`)),
	} {
		if other == a {
			t.Errorf("%s: hash equal, want different", name)
		}
	}
	withKey := HashRequest(mac, "POST /api/v1/customers", []byte(`{"idempotency_key":"k1","email":"a@example.com","metadata":{"x":"1","y":"2"},"n":1.50}`))
	if withKey != a {
		t.Error("the idempotency_key body field changed the request hash")
	}
	if HashRequest(mac, "r", []byte("not json")) == HashRequest(mac, "r", []byte("not json ")) {
		t.Error("non-JSON bodies must hash byte for byte")
	}
}

func TestValidateKey(t *testing.T) {
	t.Parallel()
	for _, k := range []string{"a", "order-5001-attempt-1", strings.Repeat("k", 255)} {
		if err := ValidateKey(k); err != nil {
			t.Errorf("ValidateKey(%q) = %v", k, err)
		}
	}
	for _, k := range []string{"", strings.Repeat("k", 256), "has space", "tab\t", "ünï"} {
		if err := ValidateKey(k); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("ValidateKey(%q) = %v, want ErrInvalidKey", k, err)
		}
	}
}

func TestRemember(t *testing.T) {
	t.Parallel()
	for status, want := range map[int]bool{200: true, 201: true, 402: true, 400: false, 401: false, 404: false, 409: false, 422: false, 429: false, 500: false, 503: false} {
		if got := Remember(status); got != want {
			t.Errorf("Remember(%d) = %v, want %v", status, got, want)
		}
	}
}
