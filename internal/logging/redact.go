package logging

import (
	"strings"

	"github.com/kassapay/kassa/internal/pan"
)

const (
	// secretMask stands in for the hidden part of a secret token.
	secretMask = "****"
	// minTailBody is the shortest token body whose last four characters stay visible. Kassa's tokens are far longer;
	// for a short body four characters would give away too large a share, so it is masked completely.
	minTailBody = 12
)

// secretPrefix is a token prefix that marks a Kassa secret. Publishable keys (pk_) are absent on purpose: they are
// meant to be seen, and masking them would only make logs harder to read.
type secretPrefix struct {
	prefix string
	// base64 widens the token body to the base64 alphabets (standard and URL-safe): a webhook secret is
	// "whsec_" + base64, and stopping at a '+' or '/' would leave the rest of it in the clear.
	base64 bool
}

var secretPrefixes = [...]secretPrefix{
	{prefix: "sk_test_"},
	{prefix: "sk_live_"},
	{prefix: "whsec_", base64: true},
	{prefix: "kcs_"},
}

// Redact returns s with secrets and card-number-like digit runs replaced. It is what the logging handler applies to
// every message and string value; it is exported so that other writers of text that leaves the process or lands in
// storage (stored webhook response excerpts, error messages) can reuse the same rules.
//
// Secret tokens (sk_test_, sk_live_, whsec_, kcs_ followed by the token body) keep their prefix and, when the body is
// long enough, its last four characters: "sk_test_****AbCd". No word boundary is required before the prefix, so that
// a key inside URL-encoded text ("%3Dsk_live_…") is still found; the price is that an identifier which happens to
// contain a prefix ("risk_live_score") is masked too.
//
// A card-number-like run is 13–19 digits, contiguous or grouped by single spaces or dashes ("4242 4242 4242 4242",
// "3782-822463-10005"), that passes the Luhn check; it becomes "[card ****4242]", keeping only the last four digits.
// Runs that fail the Luhn check are left alone, so that identifiers, amounts and timestamps stay readable; about one
// such run in ten passes the check by chance and is masked although it is not a card number. That trade is
// deliberate: a masked id costs a lookup, a logged card number costs a PCI incident.
//
// Redact is idempotent, and its result never contains a contiguous run of 13–19 digits that passes the Luhn check.
func Redact(s string) string {
	return redactCards(redactSecrets(s))
}

// redactSecrets masks the bodies of secret tokens. It returns s itself when there is nothing to mask.
//
// Every prefix holds an underscore, so it jumps from one underscore to the next (strings.IndexByte is fast) and looks
// back for a prefix ending there.
func redactSecrets(s string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		u := strings.IndexByte(s[i:], '_')
		if u < 0 {
			break
		}
		u += i
		p, start, ok := secretPrefixBefore(s, u, i)
		if !ok {
			i = u + 1
			continue
		}
		end := start
		for end < len(s) && isTokenByte(s[end], p.base64) {
			end++
		}
		if end > start {
			if last == 0 {
				b.Grow(len(s))
			}
			b.WriteString(s[last:start])
			b.WriteString(secretMask)
			if end-start >= minTailBody {
				b.WriteString(s[end-4 : end])
			}
			last = end
		}
		i = end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// secretPrefixBefore reports which secret prefix, if any, has its first underscore at s[u] and starts at or after
// s[from], and where the token body after it starts.
func secretPrefixBefore(s string, u, from int) (p secretPrefix, bodyStart int, ok bool) {
	for _, p := range secretPrefixes {
		at := u - strings.IndexByte(p.prefix, '_')
		if at >= from && strings.HasPrefix(s[at:], p.prefix) {
			return p, at + len(p.prefix), true
		}
	}
	return secretPrefix{}, 0, false
}

func isTokenByte(c byte, base64 bool) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', isDigit(c), c == '_':
		return true
	case base64:
		return c == '+' || c == '/' || c == '=' || c == '-'
	}
	return false
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// redactCards replaces card-number-like digit runs (pan.Find) with "[card ****1234]". It returns s itself when there
// is nothing to replace. Replacements start with '[' and end with ']', so they form no new run.
func redactCards(s string) string {
	var b strings.Builder
	last := 0
	pan.Find(s, func(r pan.Run) {
		if last == 0 {
			b.Grow(len(s))
		}
		b.WriteString(s[last:r.Start])
		writeCardMask(&b, s[r.Start:r.End])
		last = r.End
	})
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// writeCardMask writes the replacement of the card number run, which may hold separators: its last four digits only.
func writeCardMask(b *strings.Builder, run string) {
	var last4 [4]byte
	n := len(last4)
	for i := len(run) - 1; i >= 0 && n > 0; i-- {
		if isDigit(run[i]) {
			n--
			last4[n] = run[i]
		}
	}
	b.WriteString("[card ****")
	b.Write(last4[n:])
	b.WriteByte(']')
}
