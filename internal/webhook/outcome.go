package webhook

import (
	"strconv"
	"strings"
	"time"
)

// Outcome is what one delivery attempt means for the delivery and its endpoint.
type Outcome struct {
	// Delivered: the receiver answered 2xx; the delivery is done.
	Delivered bool
	// Retry: the attempt failed and another may follow, by the Schedule (and RetryAfter).
	Retry bool
	// DisableEndpoint: the receiver answered 410 Gone; disable the endpoint and stop retrying.
	DisableEndpoint bool
	// RetryAfter is the delay the receiver asked for with Retry-After on a 429 or 503, else 0.
	RetryAfter time.Duration
	// Reason is a short explanation for the attempt record, e.g. "HTTP 500" or "timeout after …".
	Reason string
}

// Response is what a receiver answered to one delivery, as plain values read off the HTTP response by the sender.
type Response struct {
	// Status is the HTTP status code.
	Status int
	// Location is the Location header (named in the reason of a 3xx), Retry-After and Date the headers of those
	// names, unparsed; each is "" when absent.
	Location, RetryAfter, Date string
}

// ClassifyResponse decides what a receiver's answer means (docs/architecture.md §7): 2xx is delivered; 3xx is a failure
// (redirects are never followed: the location could be anywhere); 410 disables the endpoint; 429 and 503 honour
// Retry-After; any other status is retried. A delivery that got no answer at all (timeout, connection error, SSRF
// refusal) is retried by the sender with a Reason naming the cause.
//
// An HTTP-date Retry-After is measured from the response's Date, which cancels clock skew between the receiver and
// Kassa; without a usable Date, from now.
func ClassifyResponse(r Response, now time.Time) Outcome {
	code := r.Status
	status := "HTTP " + strconv.Itoa(code)
	switch {
	case code >= 200 && code < 300:
		return Outcome{Delivered: true, Reason: status}
	case code >= 300 && code < 400:
		reason := status + ": redirect not followed"
		if loc := r.Location; loc != "" {
			reason += " (Location: " + truncate(loc, 200) + ")"
		}
		return Outcome{Retry: true, Reason: reason}
	case code == 410: // Gone
		return Outcome{DisableEndpoint: true, Reason: status + ": the receiver asked to stop; endpoint disabled"}
	case code == 429 || code == 503: // Too Many Requests, Service Unavailable
		o := Outcome{Retry: true, Reason: status}
		if d, ok := parseRetryAfter(r.RetryAfter, r.Date, now); ok {
			o.RetryAfter = d
			o.Reason += ", Retry-After " + d.String()
		}
		return o
	default:
		return Outcome{Retry: true, Reason: status}
	}
}

// parseRetryAfter reads Retry-After as delay-seconds or an HTTP-date (RFC 9110 §10.2.3), capped at MaxRetryAfter.
func parseRetryAfter(value, date string, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(value)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		// Anything beyond the cap is the cap; this also keeps the multiplication from overflowing.
		return time.Duration(min(secs, int64(MaxRetryAfter/time.Second))) * time.Second, true
	}
	at, ok := parseHTTPDate(v)
	if !ok {
		return 0, false
	}
	ref, ok := parseHTTPDate(date)
	if !ok {
		ref = now
	}
	return min(max(at.Sub(ref), 0), MaxRetryAfter), true
}

// httpDateLayouts are the three formats an HTTP-date may take (RFC 9110 §5.6.7), as net/http's ParseTime reads them:
// IMF-fixdate, then the obsolete RFC 850 and asctime forms.
var httpDateLayouts = []string{
	"Mon, 02 Jan 2006 15:04:05 GMT",
	time.RFC850,
	time.ANSIC,
}

func parseHTTPDate(s string) (time.Time, bool) {
	for _, layout := range httpDateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}
