package webhook

import (
	"crypto/rand"
	"encoding/base64"
	"strings"
)

// SecretPrefix starts every endpoint secret. What follows is standard base64 of the key bytes, so the same secret
// works with stock Standard Webhooks verifiers.
const SecretPrefix = "whsec_"

// secretBytes is the key length: the size of a SHA-256 block's worth of security for HMAC-SHA256.
const secretBytes = 32

// NewSecret returns a fresh endpoint secret: "whsec_" + base64 of 32 random bytes. It is shown to the merchant once
// and stored encrypted.
func NewSecret() string {
	var b [secretBytes]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("webhook: crypto/rand failed: " + err.Error()) // crypto/rand never fails on supported platforms
	}
	return SecretPrefix + base64.StdEncoding.EncodeToString(b[:])
}

// SecretHint returns the last 4 characters of a secret, so a merchant can tell which secret an endpoint uses without
// Kassa showing it again. A string too short to have a safe hint returns "".
func SecretHint(secret string) string {
	if len(secret) < len(SecretPrefix)+4 {
		return ""
	}
	return secret[len(secret)-4:]
}

// standardKey returns the key the Standard Webhooks scheme signs with: the base64-decoded part after "whsec_".
func standardKey(secret string) ([]byte, bool) {
	rest, ok := strings.CutPrefix(secret, SecretPrefix)
	if !ok {
		return nil, false
	}
	key, err := base64.StdEncoding.DecodeString(rest)
	if err != nil || len(key) == 0 {
		return nil, false
	}
	return key, true
}
