package dashboard

import (
	"net/http"
	"net/url"

	"github.com/kassapay/kassa/internal/cleantext"
	"github.com/kassapay/kassa/internal/id"
)

// The dashboard refuses text PostgreSQL could not store (cleantext) with a 400 page, in its path, query string and
// form, and also a query string that does not parse.

// cleanURL reports whether a request's path and query string are readable and clean text.
func cleanURL(r *http.Request) bool {
	q, err := url.ParseQuery(r.URL.RawQuery)
	return err == nil && cleantext.Valid(r.URL.Path) && cleantext.Values(q)
}

// refuseInput answers a request whose text was not clean.
func (d *dashboard) refuseInput(w http.ResponseWriter, r *http.Request, c *dctx) {
	d.message(w, r, c, http.StatusBadRequest, "Request not readable",
		"The address or the form contains characters that are not allowed (such as a NUL byte or invalid UTF-8).")
}

// cleanRequest wraps the dashboard's routes that are not signed in (the sign-in page and form), which parse their
// own forms: the URL is checked here, the form by the handler (cleantext.Values).
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
