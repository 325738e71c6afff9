package vault

import (
	"bytes"
	"encoding/json"
	"strings"
)

// maskChar replaces each hidden digit of a card number that MaskPANs finds.
const maskChar = '*'

// Display digits MaskPANs keeps of a card number (PCI DSS allows first six and last four to be shown).
const (
	keptFirstDigits = 6
	keptLastDigits  = 4
)

// MaskPANs returns s with every card-number-like run of digits masked, for free text (a refund reason, a
// description, a name) that is about to be stored: a customer who types a card number into such a field must not
// have it kept in clear (DESIGN §9). Text without such a run comes back unchanged, as s itself.
//
// A card-number-like run is what people type for a card number: 13–19 digits, contiguous or in groups joined by
// single spaces or dashes ("4242 4242 4242 4242", "3782-822463-10005"), that pass the Luhn check. Precisely: digit
// groups joined by single separators form a cluster, and every span of whole consecutive groups of a cluster holding
// 13–19 digits is a candidate; candidates that pass Luhn are masked, overlapping ones as one run. Runs failing Luhn
// are left alone, and so are runs shorter than 13 or longer than 19 digits (an order number, a timestamp, a 20-digit
// reference); about one 13–19-digit number in ten passes Luhn by chance and is masked although it is not a card
// number, which is the price of never keeping one that is. Other separators (dots, slashes, tabs, two spaces) and
// non-ASCII digits do not make a run.
//
// A masked run keeps its first six and last four digits and its separators, and each other digit becomes '*':
// "4242 4242 4242 4242" becomes "4242 42** **** 4242". Keeping the separators keeps the text's shape and its length:
// the result is exactly as long as s, byte for byte, and differs only where a digit became '*'. A run glued by a
// single separator to more digits of its cluster ("4242424242424242 1225 123": number, expiry, CVV) loses its kept
// digits on that side too ("424242********** 1225 123"), because those digits would otherwise join the neighbouring
// group into a new Luhn-valid run one time in ten.
//
// The result never holds a card-number-like run, so MaskPANs is idempotent. logging.Redact finds runs by the same
// rule for log lines (and replaces them differently); a change to the rule belongs in both.
func MaskPANs(s string) string {
	if !hasDigits(s, minPANDigits) {
		return s
	}
	var out []byte // a copy of s, made at the first run to mask
	for i := 0; i < len(s); {
		if !isDigit(s[i]) {
			i++
			continue
		}
		end, digits := clusterEnd(s, i)
		if digits >= minPANDigits {
			out = maskCluster(out, s, i, end)
		}
		i = end
	}
	if out == nil {
		return s
	}
	return string(out)
}

// MaskPANsInJSON returns the JSON document doc (metadata, notes) with MaskPANs applied to every string value, at
// any depth, and doc itself when nothing needed masking. It stays valid JSON, and everything but the masked values
// is kept byte for byte. Object keys are names the merchant's code chose and are left alone. A number whose digits
// hold a card-number-like run (4242424242424242 sent as a JSON number) becomes the masked string
// ("424242******4242"): kept as a number it would be the card number. A doc that is not valid JSON is masked as
// plain text, so that nothing passes in clear whatever the caller does with it.
func MaskPANsInJSON(doc json.RawMessage) json.RawMessage {
	if !hasDigits(string(doc), minPANDigits) { // an escaped digit (\u0034) shows four digits, so this holds
		return doc
	}
	if !json.Valid(doc) {
		if masked := MaskPANs(string(doc)); masked != string(doc) {
			return json.RawMessage(masked)
		}
		return doc
	}
	var out []byte // doc up to last, with its masked values, once one was masked
	last := 0
	replace := func(start, end int, with []byte) {
		out = append(append(out, doc[last:start]...), with...)
		last = end
	}
	for i := 0; i < len(doc); {
		switch c := doc[i]; {
		case c == '"':
			end := jsonStringEnd(doc, i)
			if !jsonKey(doc, end) {
				if masked, ok := maskJSONString(doc[i:end]); ok {
					replace(i, end, masked)
				}
			}
			i = end
		case c == '-' || isDigit(c):
			end := i + 1
			for end < len(doc) && strings.IndexByte("+-.eE0123456789", doc[end]) >= 0 {
				end++
			}
			if masked := MaskPANs(string(doc[i:end])); masked != string(doc[i:end]) {
				replace(i, end, encodeJSONString(masked))
			}
			i = end
		default:
			i++
		}
	}
	if out == nil {
		return doc
	}
	return append(out, doc[last:]...)
}

// jsonStringEnd returns the index just past the string literal of valid JSON that starts at doc[start] ('"').
func jsonStringEnd(doc []byte, start int) int {
	for i := start + 1; i < len(doc); i++ {
		switch doc[i] {
		case '\\':
			i++ // the escaped byte; a \uXXXX's hex digits are never a quote
		case '"':
			return i + 1
		}
	}
	return len(doc)
}

// jsonKey reports whether the string literal of valid JSON that ends at doc[end] is an object key: a colon follows.
func jsonKey(doc []byte, end int) bool {
	for ; end < len(doc); end++ {
		switch doc[end] {
		case ' ', '\t', '\n', '\r':
		case ':':
			return true
		default:
			return false
		}
	}
	return false
}

// maskJSONString masks the value of the JSON string literal lit; ok is false when it holds nothing to mask. The
// literal is decoded first, so that digits written as escapes are seen too.
func maskJSONString(lit []byte) (masked []byte, ok bool) {
	if !hasDigits(string(lit), minPANDigits) {
		return nil, false
	}
	var s string
	if err := json.Unmarshal(lit, &s); err != nil {
		return nil, false // unreachable for a literal of valid JSON
	}
	m := MaskPANs(s)
	if m == s {
		return nil, false
	}
	return encodeJSONString(m), true
}

// encodeJSONString returns s as a JSON string literal, with <, > and & as they are (unlike json.Marshal).
func encodeJSONString(s string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s) //nolint:errcheck // a string always encodes
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// hasDigits reports whether s holds at least n ASCII digits, the cheap test that keeps most text off the slow path.
func hasDigits(s string, n int) bool {
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			if n--; n == 0 {
				return true
			}
		}
	}
	return false
}

// clusterEnd returns the end of the cluster of digit groups that starts at s[i], a digit, and how many digits it
// holds. Groups join when exactly one space or dash lies between them.
func clusterEnd(s string, i int) (end, digits int) {
	for {
		for i < len(s) && isDigit(s[i]) {
			i++
			digits++
		}
		if i+1 < len(s) && (s[i] == ' ' || s[i] == '-') && isDigit(s[i+1]) {
			i++
			continue
		}
		return i, digits
	}
}

// digitGroup is a maximal run of contiguous digits, s[start:end].
type digitGroup struct{ start, end int }

// maskCluster masks the card-number-like runs of the cluster s[start:end] in out, a copy of s that it makes when
// out is nil and there is something to mask, and returns out.
func maskCluster(out []byte, s string, start, end int) []byte {
	var buf [16]digitGroup
	groups := buf[:0]
	for i := start; i < end; {
		j := i
		for j < end && isDigit(s[j]) {
			j++
		}
		groups = append(groups, digitGroup{i, j})
		i = j + 1 // past the separator
	}

	from, to := -1, -1 // the groups of the current run of overlapping card numbers
	flush := func() {
		if from < 0 {
			return
		}
		if out == nil {
			out = []byte(s)
		}
		maskRun(out, groups[from:to+1], from > 0, to < len(groups)-1)
	}
	var digits [maxPANDigits]byte
	for i := range groups {
		n := 0
		for j := i; j < len(groups); j++ {
			g := groups[j]
			if n+g.end-g.start > maxPANDigits {
				break
			}
			n += copy(digits[n:], s[g.start:g.end])
			if n < minPANDigits || !Luhn(string(digits[:n])) {
				continue
			}
			if from >= 0 && i <= to {
				to = max(to, j)
				continue
			}
			flush()
			from, to = i, j
		}
	}
	flush()
	return out
}

// maskRun replaces with maskChar the digits of the run made of groups (positions in out) but its first six, unless
// gluedBefore (another group of the cluster precedes it), and its last four, unless gluedAfter.
func maskRun(out []byte, groups []digitGroup, gluedBefore, gluedAfter bool) {
	total := 0
	for _, g := range groups {
		total += g.end - g.start
	}
	keepFirst, keepLast := keptFirstDigits, keptLastDigits
	if gluedBefore {
		keepFirst = 0
	}
	if gluedAfter {
		keepLast = 0
	}
	k := 0 // index of the digit among the run's digits
	for _, g := range groups {
		for i := g.start; i < g.end; i++ {
			if k >= keepFirst && k < total-keepLast {
				out[i] = maskChar
			}
			k++
		}
	}
}
