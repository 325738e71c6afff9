// Package web serves Kassa's hosted pages (docs/architecture.md §6, §9): the page where a customer pays a checkout
// session (/checkout/{cs_id}) or a payment link (/pay/{pl_id}) by card, and the static files they use. Pages are
// rendered on the server with html/template and work without JavaScript; checkout.js only adds hints while the customer
// types (card brand, check digit, MM/YY), and the server stays the authority on every field. The embeddable checkout
// (embed.go) and its SDK live here too; the merchant dashboard is package dashboard.
//
// This package is security-critical: it is where card numbers and CVVs enter Kassa from a browser. They go to
// gateway.PaySession and nowhere else. No log line carries a form value, and a form that comes back after an error
// never has the card number or the CVV filled in. Every response carries the headers of hostedHeaders (a strict
// Content-Security-Policy with no inline script or style, frame-ancestors limited to the merchant's allowed origins,
// Referrer-Policy: no-referrer, no-store), and the POST routes sit behind http.CrossOriginProtection.
package web

import (
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/kassapay/kassa/internal/asset"
	"github.com/kassapay/kassa/internal/checkout"
	"github.com/kassapay/kassa/internal/clientip"
	"github.com/kassapay/kassa/internal/gateway"
)

// Options configure the hosted pages.
type Options struct {
	Gateway *gateway.Gateway
	// Logger receives unexpected failures (never form values). Default: slog.Default().
	Logger *slog.Logger
	// ClientIP finds the customer's address for the fraud rules; the zero value trusts no proxy.
	ClientIP clientip.Resolver
}

// maxFormBytes bounds a posted card form; the real one is well under 1 KB.
const maxFormBytes = 16 << 10

// front is one kind of hosted page: where its pages live and which ids they take.
type front struct {
	kind checkout.Kind
	base string // "/checkout/", "/pay/" or the sandbox provider's page
	// provider marks the sandbox provider's own hosted page (test mode): the page a session's
	// provider_checkout_url points at, where /checkout/{id} sends the customer first.
	provider bool
}

var fronts = []front{
	{kind: checkout.KindSession, base: "/checkout/"},
	{kind: checkout.KindLink, base: "/pay/"},
	{kind: checkout.KindSession, base: gateway.SandboxProviderPagePath, provider: true},
}

// Mount registers the hosted pages on mux:
//
//	GET  /checkout/{id}          GET  /pay/{id}           the page: card form, or the session's final state
//	POST /checkout/{id}/pay      POST /pay/{id}/pay       pay by card → 303 to success_url, or the page again
//	POST /checkout/{id}/cancel   POST /pay/{id}/cancel    cancel → 303 to cancel_url
//	GET  /checkout/{id}/return                            back from the processor's hosted page (hosted.go)
//	GET  /checkout/{id}/back                              left the processor's hosted page without paying
//	                             GET  /pay/{id}/qr.svg    the link's QR code (also qr.png)
//	GET  /static/{file...}                                checkout.css, checkout.js, embed.js
//	GET  /js/v1/kassa.js                                  the embeddable checkout's SDK (embed.go)
//	GET  /embed/order/{id}       GET  /embed/session/{id} the embedded payment page (embed.go)
//	POST /embed/session/{id}/pay                          the embedded session's card payment (JSON)
//	GET  /brand/{merchant}.css                            the merchant's accent color (brand.go)
func Mount(mux *http.ServeMux, opts Options) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	h := &handler{gw: opts.Gateway, log: opts.Logger, pages: mustParsePages(), assets: asset.MustLoad(staticFiles, "static"), clientIP: opts.ClientIP}
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(h.crossOrigin))
	page := func(hf http.HandlerFunc) http.Handler { return readable(hf, h.unreadable) }
	for _, f := range fronts {
		mux.Handle("GET "+f.base+"{id}", page(h.show(f)))
		mux.Handle("POST "+f.base+"{id}/pay", csrf.Handler(page(h.pay(f))))
		mux.Handle("POST "+f.base+"{id}/cancel", csrf.Handler(page(h.cancel(f))))
	}
	mux.Handle("GET /checkout/{id}/return", page(h.providerReturn(false)))
	mux.Handle("GET /checkout/{id}/back", page(h.providerReturn(true)))
	mux.Handle("GET /pay/{id}/qr.svg", page(h.qrImage("svg")))
	mux.Handle("GET /pay/{id}/qr.png", page(h.qrImage("png")))
	mux.HandleFunc("GET /static/{file...}", h.static)
	mountEmbed(mux, h)
	mux.Handle("GET /brand/{file}", page(h.brandCSS))
}

// handler holds what every page needs.
type handler struct {
	gw       *gateway.Gateway
	log      *slog.Logger
	pages    pages
	assets   asset.Set
	clientIP clientip.Resolver
}

// policy is what the headers of one response depend on.
type policy struct {
	// formTargets are origins a form of the page may end up at through a redirect (success and cancel URLs).
	formTargets []string
	// frameAncestors are the origins that may embed the page; none means no one.
	frameAncestors []string
	// images are URLs of images the page shows from elsewhere (the merchant's logo).
	images []string
}

// hostedHeaders sets the headers every hosted page sends (docs/architecture.md §9).
//
// form-action: the forms post to this origin ('self'), which answers a payment with a 303 to the session's
// success_url and a cancellation with a 303 to its cancel_url. Whether form-action also governs the redirects that
// follow a submission is unsettled (w3c/webappsec-csp#8): Chromium-based browsers and Safari apply it, Firefox does
// not. With 'self' alone, Chrome would refuse to follow the 303 to the merchant's site and strand the customer on an
// error page after paying. Rather than allowing every https: origin, each page allows exactly the origins of its own
// success and cancel URLs, which the gateway validated when the session was created (https, or http on loopback;
// the merchant's checkout_allowed_origins when set). Pages without a session (404, errors) allow 'self' only.
//
// frame-ancestors: the merchant's checkout_allowed_origins may embed the page; with none set, nobody may
// (X-Frame-Options: DENY too, for browsers without CSP Level 2).
func hostedHeaders(h http.Header, p policy) {
	formAction := append([]string{"'self'"}, cspSources(p.formTargets)...)
	ancestors := cspSources(p.frameAncestors)
	if len(ancestors) == 0 {
		ancestors = []string{"'none'"}
		h.Set("X-Frame-Options", "DENY")
	}
	images := append([]string{"'self'", "data:"}, cspSources(p.images)...)
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src "+strings.Join(images, " ")+"; "+
		"form-action "+strings.Join(formAction, " ")+"; frame-ancestors "+strings.Join(ancestors, " ")+"; base-uri 'none'")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Robots-Tag", "noindex, nofollow")
}

// cspSources turns URLs or origins into CSP source expressions (scheme://host[:port]), without duplicates. Anything
// that is not a plain http(s) origin is dropped: a value must never be able to add a directive to the policy.
func cspSources(raws []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, raw := range raws {
		o, ok := originOf(raw)
		if !ok || seen[o] {
			continue
		}
		seen[o] = true
		out = append(out, o)
	}
	return out
}

// originOf returns the origin of an absolute http(s) URL, if its host is made only of the characters a host name,
// an IPv6 literal and a port can have.
func originOf(raw string) (string, bool) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return "", false
	}
	for _, c := range u.Host {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune(".-:[]", c)) {
			return "", false
		}
	}
	return u.Scheme + "://" + strings.ToLower(u.Host), true
}
