package web

import (
	"net/http"

	"github.com/kassapay/kassa/internal/checkout"
	"github.com/kassapay/kassa/internal/id"
)

// providerReturn is the customer coming back from the processor's hosted page (docs/architecture.md §14):
// GET /checkout/{id}/return after paying there, GET /checkout/{id}/back after leaving without paying. Neither URL
// is believed: the gateway asks the processor, and only a payment it reports pays the session. A paid session goes
// to success_url; one still open goes back to the processor's page (return) or to the merchant's cancel_url (back),
// and stays open until it is paid, canceled or expires; any other state is shown.
func (h *handler) providerReturn(back bool) http.HandlerFunc {
	f := fronts[0]
	return func(w http.ResponseWriter, r *http.Request) {
		sessionID := r.PathValue("id")
		if !id.HasPrefix(sessionID, checkout.KindSession.Prefix()) {
			h.errorPage(w, r, http.StatusNotFound, errorNotFound)
			return
		}
		res, err := h.gw.ReturnFromProvider(r.Context(), sessionID)
		if err != nil {
			h.failed(w, r, err)
			return
		}
		s := res.Session
		m, err := h.gw.GetMerchant(r.Context(), s.MerchantID)
		if err != nil {
			h.failed(w, r, err)
			return
		}
		v := h.newView(f, s, m)
		st := stateOf(s)
		switch {
		case st == statePaid && res.RedirectURL != "":
			h.redirect(w, res.RedirectURL, v.policy)
		case st == stateOpen && back:
			h.redirect(w, checkout.ResolveReturnURL(s.CancelURL, s.ID), v.policy)
		case st == stateOpen && s.ProviderCheckoutURL != "":
			h.redirect(w, s.ProviderCheckoutURL, v.policy)
		case st == stateOpen:
			h.renderForm(w, r, http.StatusOK, v) // the session is back on Kassa's own page
		default:
			h.renderState(w, r, http.StatusOK, st, s, v)
		}
	}
}
