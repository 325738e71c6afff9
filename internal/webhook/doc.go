// Package webhook owns the pure parts of Kassa's webhook delivery: the event catalogue and envelope, endpoint
// secrets, the two signature schemes (Kassa-Signature and Standard Webhooks), the retry schedule, what a receiver's
// answer means for a delivery (ClassifyResponse), endpoint URL validation and the SSRF policy (AddressPolicy).
//
// This package is security-critical. The signatures are what merchants trust to tell a real payment notification
// from a forged one, and the SSRF policy decides which addresses Kassa may connect to for a URL a merchant typed in:
// never loopback, private, link-local, shared (CGNAT), multicast or reserved addresses unless the operator's
// configuration allow-lists a network. ValidateEndpointURL applies the policy at registration to hosts that are such
// an address in any spelling ("127.1", "0x7f000001", "[::ffff:10.0.0.1]") and to localhost, so the merchant learns at
// once; names are not resolved there, and the delivery client's dialer stays the guard, since only it sees the
// address a name resolves to when it is dialled. Changes here need a test that shows the guarantee still holds.
//
// The HTTP exchange of a delivery (the signed request, the guarded client, reading and classifying the response)
// lives in webhookhttp; storage, the API and the delivery worker elsewhere (store, api, jobs). This package knows
// nothing of SQL or HTTP: it imports neither database/sql nor net/http (TestPackageImportsNoHTTP).
package webhook

import "time"

// Header names set on every delivery (docs/architecture.md §7). Sign sets all but HeaderAPIVersion, which the caller
// adds from the endpoint's API version, together with Content-Type.
const (
	HeaderSignature  = "Kassa-Signature"
	HeaderEventID    = "Kassa-Event-Id"
	HeaderTimestamp  = "Kassa-Timestamp"
	HeaderAPIVersion = "Kassa-Api-Version"

	// Standard Webhooks headers: the same raw body signed a second way so that stock verifiers work.
	HeaderWebhookID        = "webhook-id"
	HeaderWebhookTimestamp = "webhook-timestamp"
	HeaderWebhookSignature = "webhook-signature"
)

// Limits of the delivery contract (docs/architecture.md §7).
const (
	// DefaultTimeout bounds one delivery attempt: connect, TLS, request and response headers and body.
	DefaultTimeout = 10 * time.Second
	// MaxRetryAfter caps how far a receiver's Retry-After can push the next attempt.
	MaxRetryAfter = 24 * time.Hour
	// DefaultRotationGrace is how long the old secret keeps signing after a rotation unless the merchant chose otherwise.
	DefaultRotationGrace = 24 * time.Hour
	// DisableAfter is how long an endpoint may fail without a single success before it is disabled.
	DisableAfter = 5 * 24 * time.Hour
	// ExcerptLimit is how many bytes of a receiver's response an attempt records.
	ExcerptLimit = 4 << 10
)
