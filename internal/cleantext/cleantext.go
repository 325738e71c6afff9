// Package cleantext says whether text from a request can be stored and compared: valid UTF-8 without NUL bytes.
// PostgreSQL refuses either (it fails the query with SQLSTATE 22021), and no legitimate value holds either, so the
// hosted pages and the dashboard refuse such a request before any handler sees it.
package cleantext

import (
	"net/url"
	"strings"
	"unicode/utf8"
)

// Valid reports whether s is valid UTF-8 without NUL bytes.
func Valid(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// Values reports whether every name and value of vs is clean text.
func Values(vs url.Values) bool {
	for k, v := range vs {
		if !Valid(k) {
			return false
		}
		for _, s := range v {
			if !Valid(s) {
				return false
			}
		}
	}
	return true
}
