// Package sealed encrypts small secrets at rest (webhook signing secrets, stored idempotent responses, payment
// profiles' processor credentials) with AES-256-GCM under a key derived from KASSA_MASTER_KEY. It is security-critical:
// a change here can make stored secrets unreadable or readable by others.
//
// Each purpose gets its own key (HKDF-SHA256 of the master key with the purpose as info), and every ciphertext is
// bound to the row it belongs to through the associated data, so a ciphertext copied into another row fails to open.
package sealed

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
)

// version prefixes ciphertexts so the scheme can change without guessing.
const version byte = 1

// ErrOpen is returned for any ciphertext that does not decrypt: wrong key, wrong row, or tampered.
var ErrOpen = errors.New("sealed: cannot open ciphertext")

// Box seals and opens values for one purpose, and computes keyed fingerprints (MAC) for it.
type Box struct {
	aead cipher.AEAD
	mac  []byte
}

// New derives the key for purpose from a 32-byte master key.
func New(masterKey []byte, purpose string) (*Box, error) {
	if len(masterKey) != 32 {
		return nil, fmt.Errorf("sealed: master key must be 32 bytes, not %d", len(masterKey))
	}
	// Package vault derives its keys from the same master key under "kassa/vault-kek/…" and
	// "kassa/card-fingerprint/…"; a sealed box must never share them.
	if strings.HasPrefix(purpose, "vault-") || strings.HasPrefix(purpose, "card-fingerprint") || purpose == "" {
		return nil, fmt.Errorf("sealed: purpose %q is reserved or empty", purpose)
	}
	key, err := hkdf.Key(sha256.New, masterKey, nil, "kassa/"+purpose, 32)
	if err != nil {
		return nil, fmt.Errorf("sealed: derive key: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCMWithRandomNonce(block)
	if err != nil {
		return nil, err
	}
	mac, err := hkdf.Key(sha256.New, masterKey, nil, "kassa/"+purpose+"/mac", 32)
	if err != nil {
		return nil, fmt.Errorf("sealed: derive key: %w", err)
	}
	return &Box{aead: aead, mac: mac}, nil
}

// MAC returns HMAC-SHA256 of msg under the purpose's own MAC key (not the sealing key). Use it instead of a plain
// hash wherever the input may carry guessable secrets, such as a request body with a card number in it: without
// the master key, nobody can test guesses against the result.
func (b *Box) MAC(msg []byte) []byte {
	h := hmac.New(sha256.New, b.mac)
	h.Write(msg)
	return h.Sum(nil)
}

// Seal encrypts plaintext bound to associated (e.g. the row id).
func (b *Box) Seal(plaintext []byte, associated string) []byte {
	return b.aead.Seal([]byte{version}, nil, plaintext, []byte(associated))
}

// Open decrypts a ciphertext made by Seal with the same associated data.
func (b *Box) Open(ciphertext []byte, associated string) ([]byte, error) {
	if len(ciphertext) < 1 || ciphertext[0] != version {
		return nil, ErrOpen
	}
	pt, err := b.aead.Open(nil, nil, ciphertext[1:], []byte(associated))
	if err != nil {
		return nil, ErrOpen
	}
	return pt, nil
}
