package sealed

import (
	"bytes"
	"errors"
	"testing"
)

func key(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

func TestSealOpenRoundTripAndBinding(t *testing.T) {
	t.Parallel()
	box, err := New(key(1), "webhook-secrets")
	if err != nil {
		t.Fatal(err)
	}
	secret := []byte("whsec_c2VjcmV0")
	ct := box.Seal(secret, "we_1")
	if bytes.Contains(ct, secret) {
		t.Fatal("ciphertext contains the plaintext")
	}
	got, err := box.Open(ct, "we_1")
	if err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if bytes.Equal(ct, box.Seal(secret, "we_1")) {
		t.Error("two seals of one value are equal: nonce reuse")
	}
	other, _ := New(key(2), "webhook-secrets")
	otherPurpose, _ := New(key(1), "vault")
	tampered := append([]byte(nil), ct...)
	tampered[len(tampered)-1] ^= 1
	for name, open := range map[string]func() ([]byte, error){
		"another row":     func() ([]byte, error) { return box.Open(ct, "we_2") },
		"another master":  func() ([]byte, error) { return other.Open(ct, "we_1") },
		"another purpose": func() ([]byte, error) { return otherPurpose.Open(ct, "we_1") },
		"tampered":        func() ([]byte, error) { return box.Open(tampered, "we_1") },
		"empty":           func() ([]byte, error) { return box.Open(nil, "we_1") },
		"unknown version": func() ([]byte, error) { return box.Open(append([]byte{9}, ct[1:]...), "we_1") },
	} {
		if _, err := open(); !errors.Is(err, ErrOpen) {
			t.Errorf("%s: %v, want ErrOpen", name, err)
		}
	}
	if _, err := New(key(1)[:16], "x"); err == nil {
		t.Error("a 16-byte master key was accepted")
	}
}

func TestMACIsKeyedPerPurpose(t *testing.T) {
	t.Parallel()
	key := make([]byte, 32)
	a, _ := New(key, "idempotency-responses")
	b, _ := New(key, "webhook-secrets")
	other := make([]byte, 32)
	other[0] = 1
	c, _ := New(other, "idempotency-responses")
	msg := []byte("POST /x\x00{}")
	if !bytes.Equal(a.MAC(msg), a.MAC(msg)) {
		t.Fatal("MAC is not deterministic")
	}
	if bytes.Equal(a.MAC(msg), b.MAC(msg)) || bytes.Equal(a.MAC(msg), c.MAC(msg)) {
		t.Error("MAC does not depend on the purpose and the master key")
	}
}
