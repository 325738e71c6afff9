package web

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/kassapay/kassa/internal/id"
)

// Every dashboard request's text is checked once, before any handler sees it: a query string, path or form value
// with a NUL byte or invalid UTF-8 cannot be stored or compared by PostgreSQL, so it is refused with a 400 page
// rather than failing deep in a query.

// cleanText reports whether s is valid UTF-8 without NUL bytes.
func cleanText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// cleanValues reports whether every name and value of vs is clean text.
func cleanValues(vs url.Values) bool {
	for k, v := range vs {
		if !cleanText(k) {
			return false
		}
		for _, s := range v {
			if !cleanText(s) {
				return false
			}
		}
	}
	return true
}

// cleanURL reports whether a request's path and query string are readable and clean text.
func cleanURL(r *http.Request) bool {
	q, err := url.ParseQuery(r.URL.RawQuery)
	return err == nil && cleanText(r.URL.Path) && cleanValues(q)
}

// refuseInput answers a request whose text was not clean.
func (d *dashboard) refuseInput(w http.ResponseWriter, r *http.Request, c *dctx) {
	d.message(w, r, c, http.StatusBadRequest, "Request not readable",
		"The address or the form contains characters that are not allowed (such as a NUL byte or invalid UTF-8).")
}

// cleanRequest wraps the dashboard's routes that are not signed in (the sign-in page and form), which parse their
// own forms: the URL is checked here, the form by the handler (cleanValues).
func (d *dashboard) cleanRequest(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !cleanURL(r) {
			d.refuseInput(w, r, nil)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// cursor is a list's ?after= cursor when it is empty or an id with the list's prefix; ok is false otherwise.
func cursor(q url.Values, prefix string) (string, bool) {
	after := q.Get("after")
	return after, after == "" || id.HasPrefix(after, prefix)
}
