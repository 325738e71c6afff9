package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// Sign returns the signature headers of docs/architecture.md §7 for one delivery of body, signed with every secret in
// secrets (one during normal operation, two while a rotation's grace period runs: new first, old second).
//
//	Kassa-Signature:   t=<unix>,v1=<hex HMAC-SHA256(key = full secret string, "<t>.<body>")>[,v1=…]
//	Kassa-Event-Id:    <eventID>
//	Kassa-Timestamp:   <unix>
//	webhook-id:        <eventID>
//	webhook-timestamp: <unix>
//	webhook-signature: v1,<base64 HMAC-SHA256(key = base64-decoded secret after "whsec_", "<id>.<t>.<body>")>[ v1,…]
//
// ts is the time of this attempt, not of the event: receivers reject stale timestamps, so a retry is signed afresh.
// A secret that is not "whsec_" + base64 (NewSecret never makes one) still signs Kassa-Signature but adds nothing to
// webhook-signature, so Standard Webhooks verifiers reject it instead of trusting a key Kassa could not derive.
// The caller adds Kassa-Api-Version and Content-Type.
func Sign(secrets []string, eventID string, ts time.Time, body []byte) Headers {
	t := strconv.FormatInt(ts.Unix(), 10)

	var kassa strings.Builder
	kassa.WriteString("t=")
	kassa.WriteString(t)
	var standard []string
	for _, secret := range secrets {
		kassa.WriteString(",v1=")
		kassa.WriteString(hex.EncodeToString(kassaMAC([]byte(secret), t, body)))
		if key, ok := standardKey(secret); ok {
			standard = append(standard, "v1,"+base64.StdEncoding.EncodeToString(standardMAC(key, eventID, t, body)))
		}
	}

	// Keys written in canonical form (what http.Header.Set would make of the constants), so that the sender can copy
	// them onto a request as they are; TestSignProducesTheDocumentedHeaders pins them.
	h := Headers{
		"Kassa-Signature":   {kassa.String()},
		"Kassa-Event-Id":    {eventID},
		"Kassa-Timestamp":   {t},
		"Webhook-Id":        {eventID},
		"Webhook-Timestamp": {t},
	}
	if len(standard) > 0 {
		h["Webhook-Signature"] = []string{strings.Join(standard, " ")}
	}
	return h
}

// Headers are signature headers: canonical header name → values. It has the shape of net/http's Header, so a sender
// copies each entry onto its request as it is (or converts the whole with http.Header(h)), while this package signs
// without knowing HTTP.
type Headers map[string][]string

// Get returns the first value of the header name, in any case ("webhook-id" finds Webhook-Id), or "".
func (h Headers) Get(name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

func kassaMAC(key []byte, t string, body []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(t))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

func standardMAC(key []byte, id, t string, body []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id))
	m.Write([]byte{'.'})
	m.Write([]byte(t))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}
