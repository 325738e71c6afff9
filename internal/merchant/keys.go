package merchant

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strings"
	"time"

	"github.com/kassapay/kassa/internal/id"
)

// KeyKind separates server-side secret keys from browser-safe publishable keys.
type KeyKind string

const (
	// KeySecret keys ("sk_…") authorize the merchant API (/api/v1). Shown once, stored as SHA-256.
	KeySecret KeyKind = "secret"
	// KeyPublishable keys ("pk_…") identify the merchant on browser-safe endpoints (/api/public) only.
	KeyPublishable KeyKind = "publishable"
)

// keyRandomLen is the number of base62 characters after the prefix: 32 × log2(62) ≈ 190 bits.
const keyRandomLen = 32

// APIKey is a stored key. The key itself is never stored; Hint is its last four characters.
type APIKey struct {
	ID         string
	MerchantID string
	Kind       KeyKind
	Livemode   bool
	Hint       string
	CreatedAt  time.Time
	// ExpiresAt is set when the key was rolled with a grace period; the key stops working at that instant.
	ExpiresAt *time.Time
	RevokedAt *time.Time
}

// Usable reports whether the key authenticates at now.
func (k APIKey) Usable(now time.Time) bool {
	if k.RevokedAt != nil {
		return false
	}
	return k.ExpiresAt == nil || now.Before(*k.ExpiresAt)
}

// Prefix is the visible start of keys of this kind and mode, e.g. "sk_test_".
func Prefix(kind KeyKind, livemode bool) string {
	p := "sk_"
	if kind == KeyPublishable {
		p = "pk_"
	}
	if livemode {
		return p + "live_"
	}
	return p + "test_"
}

// NewKey makes a new key for a merchant and returns the stored record with the plaintext key (to show once) and
// its hash (to store).
func NewKey(merchantID string, kind KeyKind, livemode bool, now time.Time) (k APIKey, plaintext, hash string) {
	plaintext = Prefix(kind, livemode) + id.Random(keyRandomLen)
	k = APIKey{
		ID:         id.New("key_", now),
		MerchantID: merchantID,
		Kind:       kind,
		Livemode:   livemode,
		Hint:       plaintext[len(plaintext)-4:],
		CreatedAt:  now,
	}
	return k, plaintext, HashKey(plaintext)
}

// HashKey is the stored form of a key: hex SHA-256. Keys carry 190 random bits, so a fast hash is enough.
func HashKey(plaintext string) string {
	sum := sha256.Sum256([]byte(plaintext))
	return hex.EncodeToString(sum[:])
}

// HashesEqual compares two key hashes in constant time.
func HashesEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// ParseKey reports the kind and mode a key claims by its prefix, and whether it is well formed. A well-formed key
// may still be unknown; the caller looks its hash up.
func ParseKey(s string) (kind KeyKind, livemode bool, ok bool) {
	var rest string
	switch {
	case strings.HasPrefix(s, "sk_test_"):
		kind, rest = KeySecret, s[len("sk_test_"):]
	case strings.HasPrefix(s, "sk_live_"):
		kind, livemode, rest = KeySecret, true, s[len("sk_live_"):]
	case strings.HasPrefix(s, "pk_test_"):
		kind, rest = KeyPublishable, s[len("pk_test_"):]
	case strings.HasPrefix(s, "pk_live_"):
		kind, livemode, rest = KeyPublishable, true, s[len("pk_live_"):]
	default:
		return "", false, false
	}
	if len(rest) != keyRandomLen {
		return "", false, false
	}
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return "", false, false
		}
	}
	return kind, livemode, true
}
