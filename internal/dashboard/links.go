package dashboard

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/kassapay/kassa/internal/checkout"
	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/money"
	"github.com/kassapay/kassa/internal/store"
)

// sessionsData lists checkout sessions or payment links.
type sessionsData struct {
	Kind     string
	Status   string
	Sessions []checkout.Session
	Next     string
	First    string
	URLs     map[string]string
}

func kindOf(raw string) checkout.Kind {
	if raw == "session" {
		return checkout.KindSession
	}
	return checkout.KindLink
}

func (d *dashboard) sessions(w http.ResponseWriter, r *http.Request, c *dctx) {
	c.view.Title, c.view.Nav = "Payment links", "links"
	q := r.URL.Query()
	kind := kindOf(q.Get("kind"))
	if kind == checkout.KindSession {
		c.view.Title = "Checkout sessions"
	}
	data := sessionsData{Kind: string(kind), Status: q.Get("status"), URLs: map[string]string{}}
	after, ok := cursor(q, kind.Prefix())
	if !ok {
		d.message(w, r, c, http.StatusBadRequest, "Bad page cursor", "The page cursor is not an id of this list.")
		return
	}
	rows, more, err := d.gw.ListSessions(r.Context(), c.auth, store.SessionFilter{Kind: kind, Status: data.Status,
		Page: store.Page{Limit: listLimit, StartingAfter: after}})
	if err != nil {
		d.failedIn(w, r, c, err)
		return
	}
	data.Sessions = rows
	data.First = firstPage(r.URL, "/dashboard/links")
	for _, s := range rows {
		data.URLs[s.ID] = d.gw.SessionURL(s)
	}
	if more && len(rows) > 0 {
		next := url.Values{"kind": {string(kind)}, "after": {rows[len(rows)-1].ID}}
		if data.Status != "" {
			next.Set("status", data.Status)
		}
		data.Next = "/dashboard/links?" + next.Encode()
	}
	c.view.Data = data
	d.render(w, r, http.StatusOK, "sessions.html", c.view)
}

// sessionData is the page of one session or link.
type sessionData struct {
	Session checkout.Session
	URL     string
	IsLink  bool
}

func (d *dashboard) sessionDetail(w http.ResponseWriter, r *http.Request, c *dctx) {
	sid := r.PathValue("id")
	kind := checkout.KindLink
	if id.HasPrefix(sid, "cs_") {
		kind = checkout.KindSession
	}
	s, err := d.gw.GetSession(r.Context(), c.auth, kind, sid)
	if err != nil {
		d.failedIn(w, r, c, err)
		return
	}
	c.view.Title, c.view.Nav = sid, "links"
	c.view.Data = sessionData{Session: s, URL: d.gw.SessionURL(s), IsLink: kind == checkout.KindLink}
	d.render(w, r, http.StatusOK, "session.html", c.view)
}

// linkForm is the "New payment link" form as typed.
type linkForm struct {
	Amount, Currency, Description, Expiry, Email, Order, ReturnURL, Key string
	Errors                                                              map[string]string
	Error                                                               string
	Expiries                                                            []expiryChoice
}

type expiryChoice struct {
	Value, Label string
}

var linkExpiries = []expiryChoice{
	{"3600", "1 hour"}, {"86400", "1 day"}, {"604800", "7 days"}, {"2592000", "30 days"}, {"7776000", "90 days"},
	{"31536000", "1 year"},
}

func (d *dashboard) newLinkPage(w http.ResponseWriter, r *http.Request, c *dctx) {
	f := linkForm{Currency: "USD", Expiry: "2592000", Key: formKey(), Expiries: linkExpiries,
		Order: "link-" + d.gw.Now().In(c.view.loc).Format("20060102-150405")}
	if len(c.auth.Merchant.CheckoutAllowedOrigins) > 0 {
		f.ReturnURL = c.auth.Merchant.CheckoutAllowedOrigins[0] + "/"
	}
	d.renderLinkForm(w, r, c, http.StatusOK, f)
}

func (d *dashboard) renderLinkForm(w http.ResponseWriter, r *http.Request, c *dctx, status int, f linkForm) {
	c.view.Title, c.view.Nav, c.view.Data = "New payment link", "links", f
	d.render(w, r, status, "new_link.html", c.view)
}

// createLink makes a payment link through the same use case as POST /api/v1/payment-links.
func (d *dashboard) createLink(w http.ResponseWriter, r *http.Request, c *dctx) {
	pf := r.PostForm
	f := linkForm{
		Amount: strings.TrimSpace(pf.Get("amount")), Currency: strings.ToUpper(strings.TrimSpace(pf.Get("currency"))),
		Description: strings.TrimSpace(pf.Get("description")), Expiry: pf.Get("expiry"), Email: strings.TrimSpace(pf.Get("email")),
		Order: strings.TrimSpace(pf.Get("order")), ReturnURL: strings.TrimSpace(pf.Get("return_url")), Key: pf.Get("key"),
		Errors: map[string]string{}, Expiries: linkExpiries,
	}
	if !strings.HasPrefix(f.Key, "dash_") {
		f.Key = formKey()
	}
	in := gateway.SessionInput{
		ExternalOrderID: f.Order, Currency: f.Currency, Description: f.Description, SuccessURL: f.ReturnURL,
		CancelURL: f.ReturnURL, Customer: checkout.Customer{Email: f.Email},
	}
	cur, err := money.ParseCurrency(f.Currency)
	if err != nil {
		f.Errors["currency"] = "Enter an ISO 4217 code such as USD or EUR."
	} else if in.Amount, err = money.ParseDecimal(f.Amount, cur); err != nil || in.Amount <= 0 {
		f.Errors["amount"] = "Enter a positive amount with at most " + strconv.Itoa(cur.Exponent()) + " decimals."
	}
	if f.Expiry != "" {
		n, err := strconv.ParseInt(f.Expiry, 10, 64)
		if err != nil {
			f.Errors["expiry"] = "Choose an expiry."
		}
		in.ExpiresInSeconds = n
	}
	if len(f.Errors) > 0 {
		d.renderLinkForm(w, r, c, http.StatusBadRequest, f)
		return
	}
	created, err := d.gw.CreateSession(r.Context(), c.auth, checkout.KindLink, in,
		gateway.Idempotency{Key: f.Key, Hash: formHash(f.Order, f.Amount, f.Currency, f.Description, f.Expiry, f.Email, f.ReturnURL)})
	if err != nil {
		ge, ok := gateway.AsError(err)
		if !ok || formError(err) == "" {
			d.failedIn(w, r, c, err)
			return
		}
		f.Error = ge.Message
		for _, p := range append([]gateway.Problem{{Param: ge.Param, Message: ge.Message}}, ge.Problems...) {
			name := map[string]string{"amount": "amount", "currency": "currency", "description": "description",
				"expires_in_seconds": "expiry", "customer_email": "email", "external_order_id": "order",
				"success_url": "return_url", "cancel_url": "return_url"}[p.Param]
			if name != "" && f.Errors[name] == "" {
				f.Errors[name] = p.Message
			}
		}
		d.renderLinkForm(w, r, c, ge.Kind.Status(), f)
		return
	}
	redirect(w, r, "/dashboard/links/"+created.ID, "link")
}
