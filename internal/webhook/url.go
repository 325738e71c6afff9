package webhook

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// ErrInvalidEndpointURL is wrapped by every error ValidateEndpointURL returns; the message names the problem.
var ErrInvalidEndpointURL = errors.New("invalid endpoint URL")

// MaxEndpointURLLength bounds an endpoint URL in bytes.
const MaxEndpointURLLength = 2048

// ValidateEndpointURL checks a webhook endpoint URL as a merchant submits it: absolute http or https (https in live
// mode), a host, no credentials, no fragment, no whitespace or control characters, at most MaxEndpointURLLength bytes.
//
// It does not look at where the host resolves: the SSRF rule is enforced on every connection by NewHTTPClient, the
// only place that sees the address actually dialled (DNS can change between now and then).
func ValidateEndpointURL(raw string, livemode bool) error {
	invalid := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrInvalidEndpointURL}, args...)...)
	}
	if raw == "" {
		return invalid("the URL is empty")
	}
	if len(raw) > MaxEndpointURLLength {
		return invalid("the URL is %d bytes long; the limit is %d", len(raw), MaxEndpointURLLength)
	}
	if i := strings.IndexFunc(raw, func(r rune) bool { return r <= ' ' || r == 0x7f }); i >= 0 {
		return invalid("the URL contains whitespace or a control character at byte %d", i)
	}
	u, err := url.Parse(raw)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return invalid("the URL does not parse: %v", err)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if livemode {
			return invalid("live mode requires https")
		}
	case "":
		return invalid("the URL must be absolute, starting with https:// or http://")
	default:
		return invalid("the scheme must be https or http, not %q", u.Scheme)
	}
	if u.Opaque != "" || u.Host == "" {
		return invalid("the URL has no host")
	}
	if u.User != nil {
		return invalid("the URL must not contain credentials (user info before @)")
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return invalid("the URL must not contain a fragment (#…)")
	}
	if u.Hostname() == "" {
		return invalid("the URL has no host")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return invalid("the port %q is out of range", p)
		}
	}
	return nil
}
