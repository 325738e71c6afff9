package web

// The hosted page of a payment intent: /checkout/{pi_id}?client_secret=… shows the same card form as a session,
// and the forms post the secret back in a hidden field. The gateway presents the intent as a Session of
// checkout.KindIntent, so the page's states and messages are the session's. A wrong secret gets a 401 page.

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/kassapay/kassa/internal/checkout"
	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/provider"
)

var errorInvalidSecret = errorKind{"This payment link is not valid", "The link is incomplete, or the payment was canceled. Return to the shop and start again."}

// isIntent reports whether a /checkout/ request names a payment intent.
func isIntent(f front, pageID string) bool {
	return f.kind == checkout.KindSession && !f.provider && id.HasPrefix(pageID, "pi_")
}

// loadIntent reads the intent of the request with its secret and renders the error page when that fails.
func (h *handler) loadIntent(w http.ResponseWriter, r *http.Request, f front, secret string) (*view, checkout.Session, bool) {
	ctx := r.Context()
	s, err := h.gw.GetIntentPage(ctx, r.PathValue("id"), secret)
	if err != nil {
		h.failed(w, r, err) // a wrong secret is a 401 page
		return nil, s, false
	}
	m, err := h.gw.GetMerchant(ctx, s.MerchantID)
	if err != nil {
		h.failed(w, r, err)
		return nil, s, false
	}
	v := h.newView(f, s, m)
	v.OfferRemember = false // an intent's confirmation does not save cards yet
	v.ClientSecret = secret
	v.PageURL += "?client_secret=" + url.QueryEscape(secret)
	return v, s, true
}

// showIntent is GET /checkout/{pi_id}?client_secret=….
func (h *handler) showIntent(w http.ResponseWriter, r *http.Request, f front) {
	v, s, ok := h.loadIntent(w, r, f, r.URL.Query().Get("client_secret"))
	if !ok {
		return
	}
	if st := stateOf(s); st != stateOpen {
		h.renderState(w, r, http.StatusOK, st, s, v)
		return
	}
	v.Form.Email = s.Customer.Email
	if s.Status == checkout.StatusFailed {
		v.Notice = "Your last attempt did not go through. " + declineMessage(s)
		v.Attempts = attemptsLeft(s)
	}
	h.renderForm(w, r, http.StatusOK, v)
}

// parseIntentForm reads a posted form of an intent page; false when it answered already.
func (h *handler) parseIntentForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		if _, tooLarge := errors.AsType[*http.MaxBytesError](err); tooLarge {
			h.errorPage(w, r, http.StatusRequestEntityTooLarge, errorTooLarge)
			return false
		}
		h.errorPage(w, r, http.StatusBadRequest, errorBadForm)
		return false
	}
	return true
}

// payIntent is POST /checkout/{pi_id}/pay: the card confirms the intent.
func (h *handler) payIntent(w http.ResponseWriter, r *http.Request, f front) {
	if !h.parseIntentForm(w, r) {
		return
	}
	secret := r.PostForm.Get("client_secret")
	v, s, ok := h.loadIntent(w, r, f, secret)
	if !ok {
		return
	}
	if st := stateOf(s); st != stateOpen {
		h.renderState(w, r, stateStatus(st), st, s, v)
		return
	}
	card, in, ok := h.submittedCard(w, r, v)
	if !ok {
		return
	}
	res, err := h.gw.PayIntentPage(r.Context(), s.ID, secret, card, in.Email, provider.Scenario(in.Scenario), h.clientIP.Of(r))
	if err != nil {
		ge, isGW := gateway.AsError(err)
		if !isGW || (ge.Kind != gateway.KindConflict && ge.Kind != gateway.KindGone) {
			h.payFailed(w, r, f, v, err)
			return
		}
		// The intent moved on meanwhile (paid in another tab, expired, locked): show where it stands.
		nv, ns, ok := h.loadIntent(w, r, f, secret)
		if !ok {
			return
		}
		if st := stateOf(ns); st != stateOpen {
			h.renderState(w, r, stateStatus(st), st, ns, nv)
			return
		}
		nv.Alert = ge.Message
		h.renderForm(w, r, ge.Kind.Status(), nv)
		return
	}
	h.payOutcome(w, r, res, v)
}

// cancelIntent is POST /checkout/{pi_id}/cancel: the customer goes back to cancel_url. The intent stays open (only
// the merchant cancels intents), so the customer may come back until it expires.
func (h *handler) cancelIntent(w http.ResponseWriter, r *http.Request, f front) {
	if !h.parseIntentForm(w, r) {
		return
	}
	_, s, ok := h.loadIntent(w, r, f, r.PostForm.Get("client_secret"))
	if !ok {
		return
	}
	h.redirect(w, s.CancelURL, policy{formTargets: []string{s.CancelURL}})
}
