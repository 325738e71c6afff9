// Package idempotency holds the rules of Kassa's Idempotency-Key contract (docs/architecture.md §6): which requests
// share a key's scope, when two requests are "the same", which responses are remembered, and how long.
package idempotency

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"
)

// Retention is how long a completed key answers with its stored response; the reaper deletes older records.
const Retention = 24 * time.Hour

// LockTimeout bounds how long a claim blocks retries: if its holder died without finishing, a retry of the same
// request takes the claim over after this long. It exceeds any request's own deadline. A takeover never repeats
// money that moved: the claim's recovery point names what the first run made, and the retry resumes that.
const LockTimeout = 2 * time.Minute

// Scope is the uniqueness scope of a key: merchant, mode, route and the key itself.
type Scope struct {
	MerchantID string
	Livemode   bool
	Route      string
	Key        string
}

// Status is the state of a record.
type Status string

const (
	// StatusInProgress records are claimed by a request that is still running (or died; see LockTimeout).
	StatusInProgress Status = "in_progress"
	// StatusCompleted records hold the response to replay. Records of requests rejected before any side effect
	// are deleted instead, so the client may retry them with the same key.
	StatusCompleted Status = "completed"
)

// Record is a stored key.
type Record struct {
	Scope
	RequestHash string
	Status      Status
	// RecoveryPoint is the object (pay_, txn_, ref_) the request created in the transaction of its first phase
	// (docs/architecture.md §5), or "" while it has moved no money.
	RecoveryPoint  string
	ResponseStatus int
	ResponseBody   []byte
	LockedUntil    time.Time
	CreatedAt      time.Time
	ExpiresAt      time.Time
}

// Errors a claim can end in.
var (
	// ErrKeyReused: the key was used with a different request body (409 idempotency_key_reused).
	ErrKeyReused = errors.New("idempotency key was already used with a different request")
	// ErrInProgress: the first request with this key is still running (409 idempotency_request_in_progress).
	ErrInProgress = errors.New("a request with this idempotency key is still in progress")
	// ErrInvalidKey: the key is empty, too long or not printable ASCII.
	ErrInvalidKey = errors.New("must be 1 to 255 printable ASCII characters")
)

// ValidateKey checks a key's form. Routes that require longer keys (refunds: 8–128) check that themselves.
func ValidateKey(k string) error {
	if len(k) == 0 || len(k) > 255 {
		return ErrInvalidKey
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return ErrInvalidKey
		}
	}
	return nil
}

// HashRequest fingerprints a request for "same key, same request" checks with mac, a keyed MAC: request bodies may
// carry card numbers, whose few unknown digits a plain hash would let anyone holding the database guess back. JSON
// bodies are canonicalized (object keys sorted, insignificant whitespace dropped, numbers kept as written, the
// top-level idempotency_key field dropped since it is the key, not a parameter) so a client that re-serializes the
// same parameters, or moves the key between header and body, is not told its key was reused; anything else is
// hashed byte for byte.
func HashRequest(mac func([]byte) []byte, route string, body []byte) string {
	msg := append([]byte(route), 0)
	msg = append(msg, canonicalJSON(body)...)
	return hex.EncodeToString(mac(msg))
}

func canonicalJSON(body []byte) []byte {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return body
	}
	if obj, ok := v.(map[string]any); ok {
		delete(obj, "idempotency_key")
	}
	out, err := json.Marshal(v) // maps marshal with sorted keys
	if err != nil {
		return body
	}
	return out
}

// Remember reports whether a response with this status is stored for replay. Successes are; so are card declines
// (402), because the decline happened at the provider and a retry must not charge again. Validation errors,
// conflicts and server errors happened before any side effect, so the key stays free for a corrected retry.
func Remember(status int) bool {
	return status >= 200 && status < 300 || status == 402
}
