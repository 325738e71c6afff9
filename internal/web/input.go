package web

// The text of every URL is checked once, before any handler sees it: a path or query string with a NUL byte or
// invalid UTF-8 cannot be stored or compared by PostgreSQL (cleantext). The hosted pages and the embed refuse such a
// URL through readable.

import (
	"net/http"

	"github.com/kassapay/kassa/internal/cleantext"
)

// urlProblem is the status that refuses a request whose URL is not clean text: 404 for the path (every wildcard of
// these routes is an id, and ids are ASCII, so such an id names nothing), 400 for the query string; 0 for a clean
// URL. Pairs of the query string that do not parse (a malformed escape) are left out, as r.URL.Query leaves them
// out for the handlers.
func urlProblem(r *http.Request) int {
	switch {
	case !cleantext.Valid(r.URL.Path):
		return http.StatusNotFound
	case !cleantext.Values(r.URL.Query()):
		return http.StatusBadRequest
	}
	return 0
}

// readable runs next only for a request whose URL is clean text; refuse answers the others, in the route's own
// format, with urlProblem's status.
func readable(next http.Handler, refuse func(w http.ResponseWriter, r *http.Request, status int)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if status := urlProblem(r); status != 0 {
			refuse(w, r, status)
			return
		}
		next.ServeHTTP(w, r)
	})
}
