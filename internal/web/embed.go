package web

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	_ "embed"
	"encoding/base64"
	"encoding/hex"
	"html/template"
	"net/http"
	"slices"
	"time"

	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/money"
)

// The embeddable checkout (DESIGN §9): a merchant's page loads the SDK from /js/v1/kassa.js, whose
// Kassa.Checkout opens a modal with an iframe of /embed/order/{id}. The embed page takes the order's payment by UPI
// or card through the public API with the merchant's publishable key, polls the payment's status, and reports the
// outcome to the SDK with postMessage.
//
// The page names the parent's origin in its URL (?origin=), and the server renders it only when that origin is one
// of the merchant's checkout_allowed_origins: its frame-ancestors allows exactly that origin, so a browser refuses
// to show it in a frame of any other, and embed.js posts its messages to exactly that origin, never "*". The SDK
// accepts messages only from Kassa's origin and from its own iframe.

// SDKPath is where the checkout SDK is served. The path carries the SDK's major version: the file under it only
// changes compatibly, and merchants pin its exact content with the Subresource Integrity hash (SDKIntegrity).
const SDKPath = "/js/v1/kassa.js"

//go:embed sdk/v1/kassa.js
var sdkSource []byte

// SDKIntegrity is the Subresource Integrity value of the SDK ("sha384-…"), as the README documents it.
func SDKIntegrity() string {
	sum := sha512.Sum384(sdkSource)
	return "sha384-" + base64.StdEncoding.EncodeToString(sum[:])
}

//go:embed templates/embed.html
var embedTemplate string

var embedPage = template.Must(template.New("embed").Parse(embedTemplate))

// embedView is what the embed page shows and hands to embed.js.
type embedView struct {
	Title, Merchant, Amount, OrderID, Key, Origin string
	TestMode                                      bool
	CSS, JS                                       string
	Message                                       string // set on the refusal page
}

// mountEmbed registers the SDK and the embed page.
func mountEmbed(mux *http.ServeMux, h *handler) {
	mux.HandleFunc("GET "+SDKPath, h.sdk)
	mux.HandleFunc("GET /embed/order/{id}", h.embedOrder)
}

// sdk serves the SDK to any site: cacheable for a year, readable cross-origin so that the integrity attribute can
// check it.
func (h *handler) sdk(w http.ResponseWriter, r *http.Request) {
	sum := sha256.Sum256(sdkSource)
	hdr := w.Header()
	hdr.Set("Content-Type", "text/javascript; charset=utf-8")
	hdr.Set("Cache-Control", "public, max-age=31536000, immutable")
	hdr.Set("Access-Control-Allow-Origin", "*")
	hdr.Set("Cross-Origin-Resource-Policy", "cross-origin")
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(sdkSource))
}

// embedOrder is GET /embed/order/{id}?key=pk_…&origin=https://shop.example: the embedded payment page of an order.
func (h *handler) embedOrder(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	key := q.Get("key")
	if kind, _, ok := merchant.ParseKey(key); !ok || kind != merchant.KeyPublishable {
		h.embedRefused(w, r, http.StatusUnauthorized, "This checkout was opened without a valid publishable key.")
		return
	}
	a, err := h.gw.Authenticate(r.Context(), key)
	if err != nil {
		h.embedRefused(w, r, http.StatusUnauthorized, "This checkout was opened without a valid publishable key.")
		return
	}
	origin, err := merchant.NormalizeOrigin(q.Get("origin"))
	if err != nil || !slices.Contains(a.Merchant.CheckoutAllowedOrigins, origin) {
		// Without an allowed parent there is nobody to tell the outcome to, and nobody may frame the page.
		h.embedRefused(w, r, http.StatusForbidden, "This shop has not allowed its checkout to be embedded on this site.")
		return
	}
	o, err := h.gw.GetOrder(r.Context(), a, r.PathValue("id"))
	if err != nil {
		h.embedRefused(w, r, http.StatusNotFound, "This order does not exist.")
		return
	}
	h.renderEmbed(w, r, http.StatusOK, origin, &embedView{
		Title: "Pay " + a.Merchant.Name, Merchant: a.Merchant.Name, Amount: money.Format(o.Amount, money.Currency(o.Currency)),
		OrderID: o.ID, Key: key, Origin: origin, TestMode: !o.Livemode,
	})
}

// embedRefused renders the refusal page, which no one may frame.
func (h *handler) embedRefused(w http.ResponseWriter, r *http.Request, status int, msg string) {
	h.renderEmbed(w, r, status, "", &embedView{Title: "Checkout unavailable", Message: msg})
}

func (h *handler) renderEmbed(w http.ResponseWriter, r *http.Request, status int, origin string, v *embedView) {
	v.CSS = "/static/checkout.css?v=" + h.assets.files["checkout.css"].version
	v.JS = "/static/embed.js?v=" + h.assets.files["embed.js"].version
	var buf bytes.Buffer
	if err := embedPage.Execute(&buf, v); err != nil {
		h.failed(w, r, err)
		return
	}
	p := policy{}
	if origin != "" {
		p.frameAncestors = []string{origin}
	}
	hostedHeaders(w.Header(), p)
	// embed.js talks to this origin's public API.
	w.Header().Set("Content-Security-Policy", w.Header().Get("Content-Security-Policy")+"; connect-src 'self'")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes()) //nolint:errcheck // the client went away
}
