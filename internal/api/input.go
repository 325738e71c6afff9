package api

// Every API request's text is checked once, in Server.route before authentication and any handler: a path, query
// string or JSON body holding a NUL character or invalid UTF-8 cannot be stored or compared by PostgreSQL (it fails
// the query with SQLSTATE 22021 or 22P05), and no legitimate value holds either. Such requests are answered here as a
// client error, so no handler and no use case has to guard against them.

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kassapay/kassa/internal/cleantext"
	"github.com/kassapay/kassa/internal/gateway"
)

// rejectUnreadableText refuses a request with a NUL character or invalid UTF-8 in its path, query or body; pattern
// is the ServeMux pattern the request matched ("POST /api/v1/payments/{id}/void").
//
// Path segments the pattern spells out are ASCII, so unreadable text in the path is always in a wildcard, and every
// wildcard of the API is an object id: ids are ASCII by construction, so such an id names nothing and the answer is
// the 404 any unknown id gets. A query parameter is named in a 400. The body is read here (size-limited) and put back
// for the handler.
func rejectUnreadableText(r *http.Request, pattern string) error {
	if err := checkPath(r, pattern); err != nil {
		return err
	}
	if err := checkQuery(r.URL.Query()); err != nil {
		return err
	}
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return nil
	}
	return checkBody(r)
}

// checkPath answers 404 resource_missing, naming the wildcard, for an unreadable path segment.
func checkPath(r *http.Request, pattern string) error {
	if cleantext.Valid(r.URL.Path) {
		return nil
	}
	_, patternPath, _ := strings.Cut(pattern, " ")
	wildcards := strings.Split(patternPath, "/")
	for i, raw := range strings.Split(r.URL.EscapedPath(), "/") {
		seg, err := url.PathUnescape(raw)
		if err != nil || cleantext.Valid(seg) {
			continue
		}
		param := ""
		if i < len(wildcards) && strings.HasPrefix(wildcards[i], "{") {
			param = strings.Trim(wildcards[i], "{}.")
		}
		// %q spells invalid bytes and NUL as escapes, so the message itself is readable text.
		return &gateway.Error{Kind: gateway.KindNotFound, Code: "resource_missing", Param: param,
			Message: "No such object: " + strconv.Quote(seg) + " (ids are ASCII)."}
	}
	return &gateway.Error{Kind: gateway.KindNotFound, Code: "resource_missing",
		Message: "No such object: " + strconv.Quote(r.URL.Path) + "."}
}

// checkQuery answers 400 parameter_invalid, naming the parameter, for an unreadable query name or value. Names are
// checked in order, so the same request always names the same parameter.
func checkQuery(q url.Values) error {
	for _, k := range slices.Sorted(maps.Keys(q)) {
		if !cleantext.Valid(k) {
			return gateway.InvalidParam(readableName(k), "parameter_invalid",
				"The name of a query parameter contains a NUL character or invalid UTF-8.")
		}
		for _, v := range q[k] {
			if !cleantext.Valid(v) {
				return gateway.InvalidParam(k, "parameter_invalid", "The value contains a NUL character or invalid UTF-8.")
			}
		}
	}
	return nil
}

// readableName is k without NUL characters and with invalid bytes replaced, fit to be named in an error.
func readableName(k string) string {
	return strings.ToValidUTF8(strings.ReplaceAll(k, "\x00", ""), "\uFFFD")
}

// checkBody answers 400 for a body that is not UTF-8 or holds a NUL byte (invalid_json), or a JSON string holding
// U+0000 (parameter_invalid, naming the field). Go's JSON decoder would otherwise turn invalid bytes into U+FFFD and
// store text the client never sent.
func checkBody(r *http.Request) error {
	body, err := readBody(r)
	if err != nil {
		return err
	}
	if bytes.IndexByte(body, 0) >= 0 {
		return &gateway.Error{Kind: gateway.KindInvalid, Code: "invalid_json", Message: "The request body contains a NUL byte."}
	}
	if !utf8.Valid(body) {
		return &gateway.Error{Kind: gateway.KindInvalid, Code: "invalid_json", Message: "The request body is not valid UTF-8, which JSON requires."}
	}
	if !bytes.Contains(body, []byte(`\u0000`)) {
		return nil
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return nil // not JSON: the handler reports that
	}
	if path, found := findNUL(v, ""); found {
		return gateway.InvalidParam(path, "parameter_invalid", "The value contains a NUL character (\\u0000).")
	}
	return nil
}

// findNUL returns the path (a.b[2].c) of the first key or string value containing U+0000.
func findNUL(v any, path string) (string, bool) {
	switch v := v.(type) {
	case string:
		return path, strings.ContainsRune(v, 0)
	case map[string]any:
		for k, child := range v {
			p := k
			if path != "" {
				p = path + "." + k
			}
			if strings.ContainsRune(k, 0) {
				return path, true
			}
			if found, ok := findNUL(child, p); ok {
				return found, true
			}
		}
	case []any:
		for i, child := range v {
			if found, ok := findNUL(child, path+"["+strconv.Itoa(i)+"]"); ok {
				return found, true
			}
		}
	}
	return "", false
}
