// Package logging builds Kassa's slog logger.
//
// This package is security-relevant. Its handler redacts secrets and card numbers itself, so that no caller can leak
// them into the logs by forgetting to mask a value: the message, every string value, numbers whose digits form a card
// number, error and fmt.Stringer values, values of slog.LogValuer, maps, and everything inside groups, whether
// attributes come with the record, from Logger.With or under Logger.WithGroup. Three rules apply (see Redact for the
// first two):
//
//   - Kassa secrets (sk_test_, sk_live_, whsec_, kcs_ tokens) keep their prefix and last four characters:
//     "sk_test_****AbCd". Publishable keys (pk_) are not secret and stay visible.
//   - Card-number-like digit runs that pass the Luhn check keep only their last four digits: "[card ****4242]".
//   - An attribute whose key names a secret has its value replaced by "[redacted]", whatever the value is: authorization,
//     proxy-authorization, cookie, set-cookie, x-api-key, api_key, x-client-secret, client_secret, secret,
//     master_key, password, card_number, cvv, cvc, and number inside a group named card. Keys compare
//     case-insensitively, with '-' and '_' interchangeable. Keys themselves are never changed.
//
// Redaction is a safety net, not a licence: code that holds card data should still not log it. Raw []byte values are
// passed through as they are (they are usually binary), and the fields of a struct are only checked through the
// struct's text, so a struct with a CVC field should implement slog.LogValuer.
package logging

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

const (
	// redacted replaces the value of an attribute whose key names a secret.
	redacted = "[redacted]"
	// maxDepth bounds the nesting of groups and maps the handler walks; a map may contain itself.
	maxDepth = 16
	// tooDeep replaces a value nested deeper than maxDepth, which is not inspected and so not shown.
	tooDeep = "[redacted: nested too deep]"
)

// secretKeys are the attribute keys, lower case with '-' written '_', whose values are always redacted. Keys compare
// case-insensitively and '-' matches '_', so the HTTP header names (Authorization, X-Api-Key, Set-Cookie) match too.
var secretKeys = [...]string{
	"authorization", "proxy_authorization", "cookie", "set_cookie",
	"x_api_key", "api_key", "x_client_secret", "client_secret", "secret", "master_key", "password",
	"card_number", "cvv", "cvc",
}

// New returns a logger writing one line per record to w, as JSON when format is "json" and as logfmt-style text when
// it is "text" (in any case). Any other format gives JSON: validating the setting is the configuration's job, and a
// logger must exist to report that it failed. A nil level means slog.LevelInfo. Every record goes through NewHandler.
func New(w io.Writer, format string, level slog.Leveler) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	var inner slog.Handler
	if strings.EqualFold(format, "text") {
		inner = slog.NewTextHandler(w, opts)
	} else {
		inner = slog.NewJSONHandler(w, opts)
	}
	return slog.New(NewHandler(inner))
}

// NewHandler wraps inner so that every message and attribute value reaching it is redacted by the rules of the
// package comment. New uses it; it is exported for other handlers (tests, a future OpenTelemetry bridge).
func NewHandler(inner slog.Handler) slog.Handler {
	return &handler{inner: inner}
}

// handler is the redacting slog.Handler. Attributes given to WithAttrs are redacted once, when they are added.
type handler struct {
	inner slog.Handler
	// group is the innermost group opened with WithGroup, for rules that depend on it ("number" inside "card").
	group string
}

var _ slog.Handler = (*handler)(nil)

// Enabled implements slog.Handler.
func (h *handler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.inner.Enabled(ctx, level)
}

// Handle implements slog.Handler: it passes a redacted copy of r to the wrapped handler.
func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, Redact(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactAttr(a, h.group, 0))
		return true
	})
	return h.inner.Handle(ctx, out)
}

// WithAttrs implements slog.Handler.
func (h *handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	out := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		out[i] = redactAttr(a, h.group, 0)
	}
	return &handler{inner: h.inner.WithAttrs(out), group: h.group}
}

// WithGroup implements slog.Handler.
func (h *handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	return &handler{inner: h.inner.WithGroup(name), group: name}
}

// redactAttr returns a with its value redacted; group is the name of the group a belongs to.
func redactAttr(a slog.Attr, group string, depth int) slog.Attr {
	a.Value = a.Value.Resolve()
	if isSecretKey(a.Key, group) {
		return slog.String(a.Key, redacted)
	}
	if a.Key != "" { // an attribute with an empty key inlines its group into the parent
		group = a.Key
	}
	a.Value = redactValue(a.Value, group, depth)
	return a
}

// redactValue returns v redacted. name is the key of v's attribute, or of the group an inlined group belongs to.
func redactValue(v slog.Value, name string, depth int) slog.Value {
	switch v.Kind() {
	case slog.KindString:
		if s := v.String(); Redact(s) != s {
			return slog.StringValue(Redact(s))
		}
	case slog.KindInt64:
		if n := v.Int64(); n <= -1e12 || n >= 1e12 {
			return redactNumber(v, strconv.FormatInt(n, 10))
		}
	case slog.KindUint64:
		if n := v.Uint64(); n >= 1e12 {
			return redactNumber(v, strconv.FormatUint(n, 10))
		}
	case slog.KindFloat64:
		// A float64 holds any integer below 2^53 exactly, which includes 15- and 16-digit card numbers.
		if f := math.Abs(v.Float64()); f >= 1e12 && f < 1e19 && f == math.Trunc(f) {
			return redactNumber(v, strconv.FormatFloat(v.Float64(), 'f', -1, 64))
		}
	case slog.KindGroup:
		if depth >= maxDepth {
			return slog.StringValue(tooDeep)
		}
		attrs := v.Group()
		out := make([]slog.Attr, len(attrs))
		for i, a := range attrs {
			out[i] = redactAttr(a, name, depth+1)
		}
		return slog.GroupValue(out...)
	case slog.KindAny:
		return redactAny(v, name, depth)
	}
	return v
}

// redactNumber returns v, a number whose decimal form is digits, or that form redacted if it is a card number.
func redactNumber(v slog.Value, digits string) slog.Value {
	if r := redactCards(digits); r != digits {
		return slog.StringValue(r)
	}
	return v
}

// redactAny redacts a value of kind slog.KindAny. Errors and fmt.Stringers become their redacted text; maps with
// string keys become groups, so that key rules apply inside them (an http.Header's Authorization, a decoded request
// body's card.number); anything else is kept as it is unless its JSON or %+v text needs redacting, in which case it
// becomes that redacted text. A value whose inspection panics is not shown.
func redactAny(v slog.Value, name string, depth int) (out slog.Value) {
	defer func() {
		if recover() != nil {
			out = slog.StringValue("[redacted: value panicked]")
		}
	}()
	switch x := v.Any().(type) {
	case nil, []byte:
		return v
	case error:
		return slog.StringValue(Redact(safeString(x, x.Error)))
	case fmt.Stringer:
		return slog.StringValue(Redact(safeString(x, x.String)))
	}
	if rv := reflect.ValueOf(v.Any()); rv.Kind() == reflect.Map && rv.Type().Key().Kind() == reflect.String {
		if rv.IsNil() {
			return v
		}
		if depth >= maxDepth {
			return slog.StringValue(tooDeep)
		}
		return mapGroup(rv, name, depth)
	}
	if js, err := json.Marshal(v.Any()); err == nil {
		if s := string(js); Redact(s) != s {
			return slog.StringValue(Redact(s))
		}
	}
	if s := fmt.Sprintf("%+v", v.Any()); Redact(s) != s {
		return slog.StringValue(Redact(s))
	}
	return v
}

// mapGroup returns the map m as a redacted group, its keys sorted as encoding/json sorts them.
func mapGroup(m reflect.Value, name string, depth int) slog.Value {
	keys := m.MapKeys()
	slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
	attrs := make([]slog.Attr, len(keys))
	for i, k := range keys {
		attrs[i] = redactAttr(slog.Any(k.String(), m.MapIndex(k).Interface()), name, depth+1)
	}
	return slog.GroupValue(attrs...)
}

// safeString returns f(), the Error or String method of x, recovering as slog's own handlers do when it panics:
// "<nil>" for a nil pointer receiver, the panic otherwise (which the caller redacts like any text).
func safeString(x any, f func() string) (s string) {
	defer func() {
		if r := recover(); r != nil {
			if rv := reflect.ValueOf(x); rv.Kind() == reflect.Pointer && rv.IsNil() {
				s = "<nil>"
				return
			}
			s = fmt.Sprintf("!PANIC: %v", r)
		}
	}()
	return f()
}

// isSecretKey reports whether an attribute with this key, in the group named group, holds a secret by its name.
func isSecretKey(key, group string) bool {
	for _, name := range secretKeys {
		if keyIs(key, name) {
			return true
		}
	}
	return keyIs(key, "number") && keyIs(group, "card")
}

// keyIs reports whether key equals name, a lower-case name written with '_', ignoring case and taking '-' for '_'.
func keyIs(key, name string) bool {
	if len(key) != len(name) {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		case c == '-':
			c = '_'
		}
		if c != name[i] {
			return false
		}
	}
	return true
}
