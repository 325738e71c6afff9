package web

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	_ "embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/kassapay/kassa/internal/checkout"
	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/money"
	"github.com/kassapay/kassa/internal/provider"
)

// The embeddable checkout (docs/architecture.md §9): a merchant's page loads the SDK from /js/v1/kassa.js, whose
// Kassa.Checkout opens a modal with an iframe of /embed/order/{id} or /embed/session/{cs_id}. For an order the embed
// page takes the payment by UPI or card through the public API with the merchant's publishable key and polls the
// payment's status; for a checkout session it takes a card and pays the session as the hosted page does
// (gateway.PaySession, through POST /embed/session/{id}/pay). It reports the outcome to the SDK with postMessage.
//
// The page names the parent's origin in its URL (?origin=), and the server renders it only when that origin is one
// of the merchant's checkout_allowed_origins: its frame-ancestors allows exactly that origin, so a browser refuses
// to show it in a frame of any other, and embed.js posts its messages to exactly that origin, never "*". The SDK
// accepts messages only from Kassa's origin and from its own iframe.

// SDKPath is where the checkout SDK is served. A released file never changes: merchants pin its exact content with
// the Subresource Integrity hash (SDKIntegrity) and browsers cache it as immutable for a year, so any change, even a
// compatible one, would break every page that copied the snippet. A new SDK is published under a new path
// (/js/v2/kassa.js) next to the old one; TestReleasedSDKNeverChanges holds v1 to its released hash.
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
	// SessionID is set instead of OrderID for a checkout session; Status is the session's status then.
	SessionID, Status string
	TestMode          bool
	CSS, JS           string
	Message           string // set on the refusal page
}

// mountEmbed registers the SDK and the embed page.
func mountEmbed(mux *http.ServeMux, h *handler) {
	mux.HandleFunc("GET "+SDKPath, h.sdk)
	mux.Handle("GET /embed/order/{id}", readable(http.HandlerFunc(h.embedOrder), h.unreadableEmbed))
	mux.Handle("GET /embed/session/{id}", readable(http.HandlerFunc(h.embedSession), h.unreadableEmbed))
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeEmbedJSON(w, http.StatusForbidden, embedError("cross_origin_request", "", "This request must come from Kassa's own page."))
	}))
	mux.Handle("POST /embed/session/{id}/pay", csrf.Handler(readable(http.HandlerFunc(h.embedSessionPay), unreadableEmbedPay)))
}

// unreadableEmbed answers an embed page whose URL is not clean text (readable).
func (h *handler) unreadableEmbed(w http.ResponseWriter, r *http.Request, status int) {
	if status == http.StatusNotFound {
		h.embedRefused(w, r, status, "This checkout does not exist.")
		return
	}
	h.embedRefused(w, r, status, "The address of this checkout contains characters that are not allowed.")
}

// unreadableEmbedPay answers an embedded payment whose URL is not clean text (readable), in the JSON it expects.
func unreadableEmbedPay(w http.ResponseWriter, _ *http.Request, status int) {
	if status == http.StatusNotFound {
		writeEmbedJSON(w, status, embedError("resource_missing", "id", "No such checkout session."))
		return
	}
	writeEmbedJSON(w, status, embedError("parameter_invalid", "", "The address contains characters that are not allowed."))
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
	a, origin, ok := h.embedCaller(w, r)
	if !ok {
		return
	}
	key := r.URL.Query().Get("key")
	o, err := h.gw.GetOrder(r.Context(), a, r.PathValue("id"))
	if err != nil {
		h.embedFailed(w, r, err, "This order does not exist.")
		return
	}
	h.renderEmbed(w, r, http.StatusOK, origin, &embedView{
		Title: "Pay " + a.Merchant.Name, Merchant: a.Merchant.Name, Amount: money.Format(o.Amount, money.Currency(o.Currency)),
		OrderID: o.ID, Key: key, Origin: origin, TestMode: !o.Livemode,
	})
}

// embedCaller checks the key and the parent origin of an embed page, answering the refusal itself when they do not
// hold: the key must be a publishable key and the origin one of its merchant's checkout_allowed_origins.
func (h *handler) embedCaller(w http.ResponseWriter, r *http.Request) (gateway.Auth, string, bool) {
	q := r.URL.Query()
	key := q.Get("key")
	if kind, _, ok := merchant.ParseKey(key); !ok || kind != merchant.KeyPublishable {
		h.embedRefused(w, r, http.StatusUnauthorized, embedBadKey)
		return gateway.Auth{}, "", false
	}
	a, err := h.gw.Authenticate(r.Context(), key)
	if err != nil {
		h.embedFailed(w, r, err, "")
		return gateway.Auth{}, "", false
	}
	origin, err := merchant.NormalizeOrigin(q.Get("origin"))
	if err != nil || !slices.Contains(a.Merchant.CheckoutAllowedOrigins, origin) {
		// Without an allowed parent there is nobody to tell the outcome to, and nobody may frame the page.
		h.embedRefused(w, r, http.StatusForbidden, "This shop has not allowed its checkout to be embedded on this site.")
		return gateway.Auth{}, "", false
	}
	return a, origin, true
}

// embedSession is GET /embed/session/{id}?key=pk_…&origin=…: the embedded card page of a checkout session.
func (h *handler) embedSession(w http.ResponseWriter, r *http.Request) {
	a, origin, ok := h.embedCaller(w, r)
	if !ok {
		return
	}
	s, err := h.gw.GetSession(r.Context(), a, checkout.KindSession, r.PathValue("id"))
	if err == nil {
		s, err = h.gw.GetCheckoutPage(r.Context(), s.ID) // expires it first if its time is up
	}
	if err != nil {
		h.embedFailed(w, r, err, "This checkout session does not exist.")
		return
	}
	h.renderEmbed(w, r, http.StatusOK, origin, &embedView{
		Title: "Pay " + a.Merchant.Name, Merchant: a.Merchant.Name, Amount: money.Format(s.Amount, money.Currency(s.Currency)),
		SessionID: s.ID, Status: string(s.Status), Key: r.URL.Query().Get("key"), Origin: origin, TestMode: !s.Livemode,
	})
}

// embedPayRequest is the body of POST /embed/session/{id}/pay.
type embedPayRequest struct {
	Number string `json:"number"`
	Exp    string `json:"exp"`
	CVV    string `json:"cvv"`
	Name   string `json:"name"`
	Email  string `json:"email"`
}

// embedPayResponse is its answer: the session's status after the attempt, or an error.
type embedPayResponse struct {
	Status         string     `json:"status,omitempty"`
	PaymentID      string     `json:"payment_id,omitempty"`
	FailureCode    string     `json:"failure_code,omitempty"`
	FailureMessage string     `json:"failure_message,omitempty"`
	Error          *embedFail `json:"error,omitempty"`
}

type embedFail struct {
	Code    string `json:"code"`
	Param   string `json:"param,omitempty"`
	Message string `json:"message"`
}

func embedError(code, param, msg string) embedPayResponse {
	return embedPayResponse{Error: &embedFail{Code: code, Param: param, Message: msg}}
}

// embedSessionPay is POST /embed/session/{id}/pay, the embed page's card payment of a session: the session id is
// the capability, as on the hosted page, and the card goes to gateway.PaySession and nowhere else (never logged,
// never echoed).
func (h *handler) embedSessionPay(w http.ResponseWriter, r *http.Request) {
	var in embedPayRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxFormBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		writeEmbedJSON(w, http.StatusBadRequest, embedError("invalid_json", "", "Send the card as a JSON object."))
		return
	}
	month, year := parseExpiry(strings.TrimSpace(in.Exp))
	res, err := h.gw.PaySession(r.Context(), r.PathValue("id"), gateway.CardInput{Number: in.Number, ExpMonth: month,
		ExpYear: year, CVV: strings.TrimSpace(in.CVV), Name: strings.TrimSpace(in.Name)}, strings.TrimSpace(in.Email), provider.ScenarioNone, h.clientIP.Of(r))
	if err != nil {
		h.embedPayFailed(w, r, err)
		return
	}
	s := res.Session
	writeEmbedJSON(w, http.StatusOK, embedPayResponse{Status: string(s.Status), PaymentID: s.PaymentID,
		FailureCode: s.FailureCode, FailureMessage: s.FailureMessage})
}

// embedPayFailed answers a payment the gateway refused in the JSON the embed page reads, with the status of the
// error's kind (gateway.Kind.Status, the table every front answers with) and its code; anything but a refusal (an
// internal failure, an unavailable dependency) is logged too.
func (h *handler) embedPayFailed(w http.ResponseWriter, r *http.Request, err error) {
	status := gateway.StatusOf(err)
	if status >= http.StatusInternalServerError {
		h.log.ErrorContext(r.Context(), "embedded session payment failed", "err", err)
	}
	ge, ok := gateway.AsError(err)
	if !ok {
		writeEmbedJSON(w, status, embedError("internal_error", "", "Your payment was not processed. Please try again in a moment."))
		return
	}
	writeEmbedJSON(w, status, embedError(ge.Code, ge.Param, ge.Message))
}

func writeEmbedJSON(w http.ResponseWriter, status int, v embedPayResponse) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v) //nolint:errcheck // the client went away
}

// embedBadKey is the refusal of an embed page opened without a usable publishable key.
const embedBadKey = "This checkout was opened without a valid publishable key."

// embedFailed answers an error of an embed page with the refusal page and the status of its kind
// (gateway.Kind.Status, the table every front answers with); missing is what the page says when the object does
// not exist. Anything but a refusal (an internal failure, an unavailable dependency) is logged.
func (h *handler) embedFailed(w http.ResponseWriter, r *http.Request, err error, missing string) {
	status := gateway.StatusOf(err)
	if status >= http.StatusInternalServerError {
		h.log.ErrorContext(r.Context(), "embed page failed", "route", r.Pattern, "err", err)
		h.embedRefused(w, r, status, "This checkout is not available right now. Please try again in a moment.")
		return
	}
	msg := "This checkout cannot be opened. Return to the shop and try again."
	switch ge, _ := gateway.AsError(err); ge.Kind {
	case gateway.KindNotFound:
		msg = missing
	case gateway.KindUnauthenticated:
		msg = embedBadKey
	case gateway.KindForbidden: // a suspended merchant
		msg = "This shop cannot take payments here right now."
	case gateway.KindRateLimited:
		msg = "Too many attempts. Please wait a moment, then try again."
	}
	h.embedRefused(w, r, status, msg)
}

// embedRefused renders the refusal page, which no one may frame.
func (h *handler) embedRefused(w http.ResponseWriter, r *http.Request, status int, msg string) {
	h.renderEmbed(w, r, status, "", &embedView{Title: "Checkout unavailable", Message: msg})
}

func (h *handler) renderEmbed(w http.ResponseWriter, r *http.Request, status int, origin string, v *embedView) {
	v.CSS, v.JS = h.assets.URL("checkout.css"), h.assets.URL("embed.js")
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
