// Package kassawebhook verifies and parses webhooks sent by a Kassa server. It depends only on the Go standard
// library, so a merchant can copy this one file into a project or import it.
//
// A receiver reads the raw request body (before any JSON decoding: the signature covers the exact bytes), calls
// Verify with the endpoint's secret and the Kassa-Signature header, answers 2xx quickly once the event is stored, and
// then processes it. Deliveries are at least once: dedupe on Event.ID. Updates to one object may arrive out of order:
// ignore an event whose Sequence is not greater than the last one applied for its object.
//
//	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
//	if err := kassawebhook.Verify(secret, r.Header.Get(kassawebhook.HeaderSignature), body, time.Now()); err != nil {
//		http.Error(w, "invalid signature", http.StatusBadRequest)
//		return
//	}
//	event, err := kassawebhook.ParseEvent(body)
package kassawebhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Header names Kassa sets on every delivery.
const (
	HeaderSignature  = "Kassa-Signature"
	HeaderEventID    = "Kassa-Event-Id"
	HeaderTimestamp  = "Kassa-Timestamp"
	HeaderAPIVersion = "Kassa-Api-Version"
)

// The accepted window around the receiver's clock. A signed timestamp older than MaxAge is a replay (or a delivery
// that waited too long in a queue: Kassa signs every retry afresh); one further ahead than MaxFuture means a clock is
// wrong or the message forged.
const (
	MaxAge    = 5 * time.Minute
	MaxFuture = 1 * time.Minute
)

// Error is a verification failure. Code is the same string in the Go, Node and Python verifiers and in
// clients/testdata/vectors.json.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return "kassawebhook: " + e.Message }

// Is makes errors.Is(err, ErrMalformedHeader) true for any *Error with the same Code, however it was built.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// The verification failures. Compare with errors.Is; Verify adds detail to the message but keeps the Code.
var (
	ErrMissingHeader       = &Error{Code: "missing_header", Message: "the Kassa-Signature header is missing or empty"}
	ErrMalformedHeader     = &Error{Code: "malformed_header", Message: "the Kassa-Signature header is malformed"}
	ErrTimestampTooOld     = &Error{Code: "timestamp_too_old", Message: "the signature timestamp is more than 5 minutes old"}
	ErrTimestampInFuture   = &Error{Code: "timestamp_in_future", Message: "the signature timestamp is more than 1 minute in the future"}
	ErrNoMatchingSignature = &Error{Code: "no_matching_signature", Message: "no v1 signature matches the body and secret"}
)

func detail(base *Error, format string, args ...any) *Error {
	return &Error{Code: base.Code, Message: base.Message + ": " + fmt.Sprintf(format, args...)}
}

// Verify checks a Kassa-Signature header, "t=<unix seconds>,v1=<hex HMAC-SHA256>[,v1=…]", against the raw body.
// The HMAC is keyed by the whole secret string ("whsec_…") over "<t>.<body>". Any one matching v1 is enough: during
// a secret rotation Kassa signs with both the new and the old secret. Unknown keys (a future v2) are ignored.
//
// The signature is checked first, so a timestamp error always concerns an authentic message (a replay or a wrong
// clock). The timestamp must be at most MaxAge before now and at most MaxFuture after it, in whole seconds.
func Verify(secret, header string, body []byte, now time.Time) error {
	header = strings.Trim(header, " \t")
	if header == "" {
		return ErrMissingHeader
	}
	t, sigs, err := parseHeader(header)
	if err != nil {
		return err
	}

	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(t))
	mac.Write([]byte{'.'})
	mac.Write(body)
	want := []byte(hex.EncodeToString(mac.Sum(nil)))
	matched := false
	for _, s := range sigs {
		// Constant time, and every candidate is compared so the time taken does not say which one matched.
		if hmac.Equal([]byte(s), want) {
			matched = true
		}
	}
	if !matched {
		return ErrNoMatchingSignature
	}

	ts, _ := strconv.ParseInt(t, 10, 64) // parseHeader allowed only 1–15 digits
	nowSec := now.Unix()
	if nowSec-ts > int64(MaxAge/time.Second) {
		return detail(ErrTimestampTooOld, "signed at %d, now %d", ts, nowSec)
	}
	if ts-nowSec > int64(MaxFuture/time.Second) {
		return detail(ErrTimestampInFuture, "signed at %d, now %d", ts, nowSec)
	}
	return nil
}

// parseHeader splits the header into its timestamp digits and v1 values. The rules are shared by all three
// verifiers: comma-separated key=value parts, spaces and tabs around a part ignored, exactly one t of 1–15 ASCII
// digits (15 digits stay exact in JavaScript numbers), at least one v1.
func parseHeader(header string) (t string, sigs []string, err error) {
	seenT := false
	for part := range strings.SplitSeq(header, ",") {
		part = strings.Trim(part, " \t")
		key, value, ok := strings.Cut(part, "=")
		if !ok {
			return "", nil, detail(ErrMalformedHeader, "part %q is not key=value", truncate(part))
		}
		switch key {
		case "t":
			if seenT {
				return "", nil, detail(ErrMalformedHeader, "more than one t")
			}
			seenT = true
			if !isTimestamp(value) {
				return "", nil, detail(ErrMalformedHeader, "t=%q is not a unix time in seconds", truncate(value))
			}
			t = value
		case "v1":
			sigs = append(sigs, value)
		}
	}
	if !seenT {
		return "", nil, detail(ErrMalformedHeader, "no t")
	}
	if len(sigs) == 0 {
		return "", nil, detail(ErrMalformedHeader, "no v1")
	}
	return t, sigs, nil
}

func isTimestamp(s string) bool {
	if len(s) < 1 || len(s) > 15 {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func truncate(s string) string {
	if len(s) > 32 {
		return strings.ToValidUTF8(s[:32], "") + "…"
	}
	return s
}

// Event is the body of every delivery.
type Event struct {
	ID         string    `json:"id"`
	Object     string    `json:"object"`
	APIVersion string    `json:"api_version"`
	Type       string    `json:"type"`
	CreatedAt  time.Time `json:"created_at"`
	Livemode   bool      `json:"livemode"`
	MerchantID string    `json:"merchant_id"`
	// Sequence increases per object: ignore an event whose Sequence is not greater than the last applied one.
	Sequence int64 `json:"sequence"`
	// Data is the affected object as the API returns it; decode it according to Type.
	Data json.RawMessage `json:"data"`
}

// ParseEvent decodes a verified body. Call Verify first: an unverified body is untrusted input.
func ParseEvent(body []byte) (Event, error) {
	var e Event
	if err := json.Unmarshal(body, &e); err != nil {
		return Event{}, fmt.Errorf("kassawebhook: decode event: %w", err)
	}
	if e.Object != "event" || e.ID == "" || e.Type == "" {
		return Event{}, errors.New(`kassawebhook: body is not an event (want "object":"event" with an id and a type)`)
	}
	return e, nil
}
