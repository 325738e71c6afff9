package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/kassapay/kassa/internal/checkout"
	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/money"
	"github.com/kassapay/kassa/internal/provider"
)

// refreshSeconds is how often the "confirming your payment" page looks again.
const refreshSeconds = 3

// view is what a template renders. policy sets the response headers and is not for templates.
type view struct {
	policy policy

	Assets      assetURLs
	Title       string
	TestMode    bool
	Merchant    string
	Amount      string
	Description string

	// The card form.
	PageURL      string
	PayAction    string
	CancelAction string
	Form         formValues
	Errors       fieldErrors
	// Focus is the field that gets autofocus: the first invalid one, or the number after a decline.
	Focus string
	// Alert is a decline or failure of the attempt just made; Attempts says how many are left.
	Alert    string
	Attempts string
	// Notice recalls the previous attempt's decline when the page is loaded afresh.
	Notice    string
	Chips     []chip
	TestCards []testCard
	// OfferRemember shows the "remember this card" box: the wallet is available in the session's mode.
	OfferRemember bool

	// QRCode is the image of the payment link's URL (links only).
	QRCode string
	// ProviderPage marks the sandbox provider's own hosted page.
	ProviderPage bool
	// ClientSecret is a payment intent's secret, posted back with the forms (intents only).
	ClientSecret string

	// The pending page.
	RefreshSeconds int

	// Final and error pages.
	Heading    string
	Message    string
	ReturnURL  string
	ReturnText string
	RequestID  string

	// Branding from the merchant's profile (brand.go): a stylesheet with its accent color and its logo.
	merchantID string
	BrandCSS   string
	LogoURL    string
}

// state is what the hosted page shows for a session.
type state int

const (
	stateOpen state = iota // the card form
	statePending
	statePaid
	stateRefunded
	statePartiallyRefunded
	stateCanceled
	stateExpired
	stateLocked
)

// stateOf reads a session's page state. An open session with MaxFailedAttempts declines is locked.
func stateOf(s checkout.Session) state {
	switch s.Status {
	case checkout.StatusPending:
		return statePending
	case checkout.StatusPaid:
		return statePaid
	case checkout.StatusPartiallyRefunded:
		return statePartiallyRefunded
	case checkout.StatusRefunded:
		return stateRefunded
	case checkout.StatusCanceled:
		return stateCanceled
	case checkout.StatusExpired:
		return stateExpired
	}
	if s.FailedAttempts >= checkout.MaxFailedAttempts {
		return stateLocked
	}
	return stateOpen
}

// load returns the session of a hosted page (expired first if its time is up) and its merchant. An id of the
// other kind (a cs_ id under /pay/) is not found, as on the API.
func (h *handler) load(ctx context.Context, f front, sessionID string) (checkout.Session, merchant.Merchant, error) {
	if !id.HasPrefix(sessionID, f.kind.Prefix()) {
		return checkout.Session{}, merchant.Merchant{}, gateway.NotFound("checkout page", sessionID)
	}
	s, err := h.gw.GetCheckoutPage(ctx, sessionID)
	if err != nil {
		return s, merchant.Merchant{}, err
	}
	if s.Kind != f.kind {
		return checkout.Session{}, merchant.Merchant{}, gateway.NotFound("checkout page", sessionID)
	}
	m, err := h.gw.GetMerchant(ctx, s.MerchantID)
	return s, m, err
}

// newView fills what every page of a session shows.
func (h *handler) newView(f front, s checkout.Session, m merchant.Merchant) *view {
	page := f.base + s.ID
	return &view{
		policy: policy{
			formTargets:    []string{checkout.ResolveReturnURL(s.SuccessURL, s.ID), checkout.ResolveReturnURL(s.CancelURL, s.ID)},
			frameAncestors: m.CheckoutAllowedOrigins,
		},
		merchantID:   m.ID,
		Title:        "Pay " + m.Name,
		TestMode:     !s.Livemode,
		Merchant:     m.Name,
		Amount:       money.Format(s.Amount, money.Currency(s.Currency)),
		Description:  s.Description,
		PageURL:      page,
		PayAction:    page + "/pay",
		QRCode:       qrOf(f, page),
		ProviderPage: f.provider,
		CancelAction: page + "/cancel",
		// Not on the sandbox provider's own page, which stands for a processor's.
		OfferRemember: h.gw.WalletAvailable(s.Livemode) && !f.provider,
	}
}

// show is GET /checkout/{id} and /pay/{id}: the card form, or the page of the session's state.
func (h *handler) show(f front) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if isIntent(f, r.PathValue("id")) {
			h.showIntent(w, r, f)
			return
		}
		s, v, ok := h.open(w, r, f, r.PathValue("id"))
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
}

// pay is POST …/pay: the customer's card goes to the gateway, which pays the session or says why not.
func (h *handler) pay(f front) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if isIntent(f, r.PathValue("id")) {
			h.payIntent(w, r, f)
			return
		}
		ctx := r.Context()
		s, v, ok := h.open(w, r, f, r.PathValue("id"))
		if !ok {
			return
		}
		if st := stateOf(s); st != stateOpen {
			h.renderState(w, r, stateStatus(st), st, s, v)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		if err := r.ParseForm(); err != nil {
			if _, tooLarge := errors.AsType[*http.MaxBytesError](err); tooLarge {
				h.errorPage(w, r, http.StatusRequestEntityTooLarge, errorTooLarge)
				return
			}
			h.errorPage(w, r, http.StatusBadRequest, errorBadForm)
			return
		}
		card, in, ok := h.submittedCard(w, r, v)
		if !ok {
			return
		}
		res, err := h.gw.PayCheckedSession(ctx, s, card, in.Email, provider.Scenario(in.Scenario), h.clientIP.Of(r))
		if err != nil {
			h.payFailed(w, r, f, v, err)
			return
		}
		h.payOutcome(w, r, res, v)
	}
}

// payOutcome answers a payment attempt the gateway took: the success URL once paid, the form again with the
// decline and the attempts left, or the page of the state the session is in.
func (h *handler) payOutcome(w http.ResponseWriter, r *http.Request, res gateway.PayResult, v *view) {
	s := res.Session
	switch st := stateOf(s); {
	case st == statePaid && res.RedirectURL != "":
		h.redirect(w, res.RedirectURL, v.policy)
	case s.Status == checkout.StatusFailed:
		v.Alert = declineMessage(s)
		if st == stateLocked {
			h.renderState(w, r, http.StatusPaymentRequired, st, s, v)
			return
		}
		v.Attempts, v.Focus = attemptsLeft(s), "number"
		v.Form.Exp = "" // "try another card": the old card's expiry would only be in the way
		h.renderForm(w, r, http.StatusPaymentRequired, v)
	case st == statePending:
		h.renderState(w, r, http.StatusAccepted, st, s, v)
	default:
		h.renderState(w, r, http.StatusOK, st, s, v)
	}
}

// payFailed renders the answer to a payment attempt the gateway refused, with the status of the error's kind
// (gateway.Kind.Status); the kinds the customer can act on get the form again, the others failed's page.
func (h *handler) payFailed(w http.ResponseWriter, r *http.Request, f front, v *view, err error) {
	ge, ok := gateway.AsError(err)
	if !ok {
		h.failed(w, r, err)
		return
	}
	switch ge.Kind {
	case gateway.KindInvalid:
		v.Errors.set(fieldOf(ge.Param), fieldMessage(ge, v.Form.brand))
		if v.Errors.empty() {
			v.Alert = ge.Message
		}
		v.Focus = v.Errors.first()
		h.renderForm(w, r, ge.Kind.Status(), v)
	case gateway.KindConflict, gateway.KindGone:
		// The session moved on meanwhile (paid in another tab, expired, locked): show where it stands now.
		s, m, lerr := h.load(r.Context(), f, r.PathValue("id"))
		if lerr != nil {
			h.failed(w, r, lerr)
			return
		}
		if st := stateOf(s); st != stateOpen {
			h.renderState(w, r, ge.Kind.Status(), st, s, h.newView(f, s, m))
			return
		}
		v.Alert = ge.Message
		h.renderForm(w, r, ge.Kind.Status(), v)
	case gateway.KindUnprocessable:
		v.Alert = "Card payments are not available for " + v.Merchant + " yet. You were not charged."
		h.renderForm(w, r, ge.Kind.Status(), v)
	default:
		h.failed(w, r, err)
	}
}

// cancel is POST …/cancel: the customer gives up; the session is canceled and the customer goes to cancel_url.
func (h *handler) cancel(f front) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sessionID := r.PathValue("id")
		if isIntent(f, sessionID) {
			h.cancelIntent(w, r, f)
			return
		}
		if !id.HasPrefix(sessionID, f.kind.Prefix()) {
			h.errorPage(w, r, http.StatusNotFound, errorNotFound)
			return
		}
		_, to, err := h.gw.CancelCheckout(r.Context(), sessionID)
		if err == nil {
			h.redirect(w, to, policy{formTargets: []string{to}})
			return
		}
		ge, ok := gateway.AsError(err)
		if !ok || (ge.Kind != gateway.KindConflict && ge.Kind != gateway.KindGone) {
			h.failed(w, r, err)
			return
		}
		// Already paid, canceled or expired, or a payment is in flight: show that.
		s, v, ok := h.open(w, r, f, sessionID)
		if !ok {
			return
		}
		if st := stateOf(s); st != stateOpen {
			h.renderState(w, r, ge.Kind.Status(), st, s, v)
			return
		}
		v.Alert = ge.Message
		v.Form.Email = s.Customer.Email
		h.renderForm(w, r, ge.Kind.Status(), v)
	}
}

// submittedCard reads the card form a customer sent into v. A form with a field at fault is shown again with the
// field named (400), and ok is false.
func (h *handler) submittedCard(w http.ResponseWriter, r *http.Request, v *view) (gateway.CardInput, cardForm, bool) {
	in := readCardForm(r.PostForm)
	v.Form = in.kept()
	if fe, ok := in.check(); !ok {
		v.Errors, v.Focus = fe, fe.first()
		h.renderForm(w, r, http.StatusBadRequest, v)
		return gateway.CardInput{}, in, false
	}
	month, year := parseExpiry(in.Exp)
	return gateway.CardInput{Number: in.Number, ExpMonth: month, ExpYear: year, CVV: in.CVV, Name: in.Name, Remember: in.Remember}, in, true
}

// open loads a session's page and answers what every request to it answers first: an open session that the routed
// provider takes on its own page goes there (docs/architecture.md §14), and the provider page of a session without
// one does not exist. ok is false when it answered.
func (h *handler) open(w http.ResponseWriter, r *http.Request, f front, sessionID string) (checkout.Session, *view, bool) {
	s, m, err := h.load(r.Context(), f, sessionID)
	if err != nil {
		h.failed(w, r, err)
		return s, nil, false
	}
	if !f.provider && s.ProviderCheckoutURL != "" && stateOf(s) == stateOpen {
		http.Redirect(w, r, s.ProviderCheckoutURL, http.StatusSeeOther)
		return s, nil, false
	}
	if f.provider && s.ProviderCheckoutURL == "" {
		h.failed(w, r, gateway.NotFound("checkout page", s.ID))
		return s, nil, false
	}
	return s, h.newView(f, s, m), true
}

// stateStatus is the status of a POST that found the session no longer payable.
func stateStatus(st state) int {
	switch st {
	case stateCanceled, stateExpired, stateLocked:
		return http.StatusGone
	}
	return http.StatusConflict
}

// redirect sends the customer on with a 303, so the browser follows with a GET.
func (h *handler) redirect(w http.ResponseWriter, to string, p policy) {
	hostedHeaders(w.Header(), p)
	w.Header().Set("Location", to)
	w.WriteHeader(http.StatusSeeOther)
}

// renderForm renders the card form, with the test-mode chips and cards.
func (h *handler) renderForm(w http.ResponseWriter, r *http.Request, status int, v *view) {
	if v.TestMode {
		v.Chips = chipsFor(v.Form.Scenario)
		v.TestCards = testCards
	}
	h.render(w, r, status, pageCheckout, v)
}

// renderState renders the page of a session that takes no card now: pending, or one of the final states.
func (h *handler) renderState(w http.ResponseWriter, r *http.Request, status int, st state, s checkout.Session, v *view) {
	returnTo := "Return to " + v.Merchant
	cancelURL := checkout.ResolveReturnURL(s.CancelURL, s.ID)
	switch st {
	case statePending:
		v.Heading = "We're confirming your payment"
		v.Message = "The card network has not answered yet. This page checks again every " + strconv.Itoa(refreshSeconds) +
			" seconds. Please don't pay again in the meantime."
		v.RefreshSeconds = refreshSeconds
		v.Title = "Confirming your payment · " + v.Merchant
		h.render(w, r, status, pagePending, v)
		return
	case statePaid:
		v.Heading = "Payment received"
		v.Message = v.Merchant + " has received your payment of " + v.Amount + ". Thank you."
		v.ReturnURL, v.ReturnText = checkout.ResolveReturnURL(s.SuccessURL, s.ID), returnTo
	case stateRefunded:
		v.Heading = "This payment was refunded"
		v.Message = v.Merchant + " refunded your payment of " + v.Amount + "."
	case statePartiallyRefunded:
		v.Heading = "This payment was refunded"
		v.Message = v.Merchant + " refunded part of your payment of " + v.Amount + "."
	case stateCanceled:
		v.Heading = "Payment canceled"
		v.Message = "This payment was canceled. You were not charged."
		v.ReturnURL, v.ReturnText = cancelURL, returnTo
	case stateExpired:
		v.Heading = "This payment page has expired"
		v.Message = "The time to pay ran out and you were not charged. Return to " + v.Merchant + " to start again."
		v.ReturnURL, v.ReturnText = cancelURL, returnTo
	case stateLocked:
		v.Heading = "Too many declined attempts"
		v.Message = "This payment was declined " + strconv.Itoa(checkout.MaxFailedAttempts) + " times, so it is locked to protect you. " +
			"You were not charged. Return to " + v.Merchant + " to choose another way to pay."
		v.ReturnURL, v.ReturnText = cancelURL, returnTo
	}
	v.Title = v.Heading + " · " + v.Merchant
	h.render(w, r, status, pageFinal, v)
}

// errorKind is a page shown without a session.
type errorKind struct {
	heading, message string
}

var (
	errorNotFound    = errorKind{"Page not found", "This payment page does not exist. Check the link you were given, or ask the shop for a new one."}
	errorBadForm     = errorKind{"Something went wrong", "The form could not be read. Go back and try again."}
	errorTooLarge    = errorKind{"Something went wrong", "The form was too large to read. Go back and try again."}
	errorCrossOrigin = errorKind{"Request refused", "This form was sent from another site, so it was not processed. Open the payment page again and pay there."}
	errorForbidden   = errorKind{"Payments unavailable", "This shop cannot take payments here right now. You were not charged."}
	errorFailed      = errorKind{"Something went wrong on our side", "Your payment was not processed. Please try again in a moment."}
	errorUnreadable  = errorKind{"Address not readable", "The address of this page contains characters that are not allowed. Check the link you were given."}
	errorBusy        = errorKind{"Too many attempts", "Please wait a moment, then try again."}
	errorRefused     = errorKind{"This request could not be processed", "Return to the shop and open the payment page again."}
)

// unreadable answers a request whose URL is not clean text (readable): the page is not found when its id is not
// readable, and the address is refused when its query string is not.
func (h *handler) unreadable(w http.ResponseWriter, r *http.Request, status int) {
	if status == http.StatusNotFound {
		h.errorPage(w, r, status, errorNotFound)
		return
	}
	h.errorPage(w, r, status, errorUnreadable)
}

// errorPage renders a page without a session: the headers allow no form targets and no framing.
func (h *handler) errorPage(w http.ResponseWriter, r *http.Request, status int, k errorKind) {
	v := &view{Title: k.heading, Heading: k.heading, Message: k.message}
	if k == errorFailed {
		v.RequestID = w.Header().Get("Request-Id") // for the customer to quote; the log line has it too
		// render itself falls back to this page; execute it directly so a broken template cannot loop.
		v.Assets = h.pageAssets()
		hostedHeaders(w.Header(), v.policy)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		if err := h.pages[pageError].ExecuteTemplate(w, "layout", v); err != nil {
			h.log.ErrorContext(r.Context(), "hosted page: error page failed", "err", err)
		}
		return
	}
	h.render(w, r, status, pageError, v)
}

// failed answers an error that ended a request with the status of its kind (gateway.Kind.Status, the table every
// front answers with) and a page that words it for the customer; anything else, and a kind that is ours (an
// unavailable dependency), is logged. Errors from the gateway never carry card data (vault errors are bare
// sentinels), so logging them is safe.
func (h *handler) failed(w http.ResponseWriter, r *http.Request, err error) {
	status := gateway.StatusOf(err)
	if status < http.StatusInternalServerError {
		h.errorPage(w, r, status, errorOf(err))
		return
	}
	h.log.ErrorContext(r.Context(), "hosted page failed", "request_id", w.Header().Get("Request-Id"),
		"route", r.Pattern, "err", err)
	h.errorPage(w, r, status, errorFailed)
}

// errorOf is the page that tells the customer about a refusal (an error whose status is below 500).
func errorOf(err error) errorKind {
	ge, _ := gateway.AsError(err)
	switch ge.Kind {
	case gateway.KindNotFound:
		return errorNotFound
	case gateway.KindForbidden: // e.g. a suspended merchant
		return errorForbidden
	case gateway.KindUnauthenticated: // a payment intent's client secret
		return errorInvalidSecret
	case gateway.KindRateLimited:
		return errorBusy
	case gateway.KindTooLarge:
		return errorTooLarge
	}
	return errorRefused
}

// crossOrigin is http.CrossOriginProtection's answer to a POST from another site.
func (h *handler) crossOrigin(w http.ResponseWriter, r *http.Request) {
	h.errorPage(w, r, http.StatusForbidden, errorCrossOrigin)
}

// qrOf is the QR code image of a payment link's page.
func qrOf(f front, page string) string {
	if f.kind != checkout.KindLink {
		return ""
	}
	return page + "/qr.svg"
}
