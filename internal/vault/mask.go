package vault

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/kassapay/kassa/internal/pan"
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
// have it kept in clear (docs/architecture.md §9). Text without such a run comes back unchanged, as s itself.
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
// The result never holds a card-number-like run, so MaskPANs is idempotent. Runs are found by package pan, the rule
// logging.Redact uses for log lines too.
func MaskPANs(s string) string {
	var out []byte // a copy of s, made at the first run to mask
	pan.Find(s, func(r pan.Run) {
		if out == nil {
			out = []byte(s)
		}
		maskRun(out, r)
	})
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
	if !pan.MayHold(string(doc)) { // an escaped digit (\u0034) shows four digits, so this holds
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
	if !pan.MayHold(string(lit)) {
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

// maskRun replaces with maskChar the digits of the run r (positions in out) but its first six, unless digits of its
// cluster are glued before it, and its last four, unless digits are glued after it.
func maskRun(out []byte, r pan.Run) {
	total := 0
	for i := r.Start; i < r.End; i++ {
		if isDigit(out[i]) {
			total++
		}
	}
	keepFirst, keepLast := keptFirstDigits, keptLastDigits
	if r.GluedBefore {
		keepFirst = 0
	}
	if r.GluedAfter {
		keepLast = 0
	}
	k := 0 // index of the digit among the run's digits
	for i := r.Start; i < r.End; i++ {
		if !isDigit(out[i]) {
			continue
		}
		if k >= keepFirst && k < total-keepLast {
			out[i] = maskChar
		}
		k++
	}
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
