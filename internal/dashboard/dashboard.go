// Package dashboard serves the merchant dashboard (/dashboard): server-rendered pages over the same gateway use cases
// as the API, for merchants' users and the instance's operators. Pages work without JavaScript (dashboard.js only
// adds copy buttons); every state change is a POST behind http.CrossOriginProtection, and the session cookie is
// HttpOnly and SameSite=Lax (Secure under https). It takes no card numbers: those enter through package web only.
// A gateway error is answered with the status of its kind (gateway.Kind.Status), as on every front.
package dashboard

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/kassapay/kassa/internal/asset"
	"github.com/kassapay/kassa/internal/cleantext"
	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/money"
)

// dashboardCookie holds a dashboard session's token.
const dashboardCookie = "kassa_dashboard"

// Options configure the dashboard.
type Options struct {
	Gateway *gateway.Gateway
	// Logger receives unexpected failures. Default: slog.Default().
	Logger *slog.Logger
}

// Mount registers the dashboard's pages under /dashboard and its stylesheet and script under /static/ on mux.
func Mount(mux *http.ServeMux, opts Options) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	mount(mux, opts.Gateway, opts.Logger)
}

//go:embed static
var staticFiles embed.FS

// dashboard serves the dashboard pages.
type dashboard struct {
	gw     *gateway.Gateway
	log    *slog.Logger
	pages  map[string]*template.Template
	assets asset.Set
	secure bool // the instance is served over https: cookies get Secure
	// passwordChecks bounds concurrent sign-ins: each argon2id check takes 64 MiB for about 100 ms, so a flood of
	// sign-ins must queue rather than take the memory of the machine.
	passwordChecks chan struct{}
}

// mount registers the dashboard's routes on mux and returns the paths of its state changes (every POST route, each
// behind http.CrossOriginProtection), for the tests that must cover them all.
func mount(mux *http.ServeMux, gw *gateway.Gateway, log *slog.Logger) []string {
	d := &dashboard{gw: gw, log: log, pages: mustParsePages(), assets: asset.MustLoad(staticFiles, "static"),
		passwordChecks: make(chan struct{}, 4)}
	// The hosted pages serve /static/{file...}; these more specific routes take the dashboard's own files.
	for _, name := range d.assets.Names() {
		mux.HandleFunc("GET "+asset.Prefix+name, func(w http.ResponseWriter, r *http.Request) { d.assets.Serve(w, r, name) })
	}
	// A server built without a gateway (tests of the HTTP layer alone) still mounts the routes.
	d.secure = gw != nil && strings.HasPrefix(gw.BaseURL(), "https://")
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d.message(w, r, nil, http.StatusForbidden, "Request refused",
			"This form was sent from another site, so it was not processed.")
	}))
	get := func(path string, h pageHandler) { mux.Handle("GET "+path, d.signedIn(h, false)) }
	var posts []string
	// post registers a state change; operator says whether operators may make it.
	post := func(path string, h pageHandler, operator bool) {
		posts = append(posts, path)
		mux.Handle("POST "+path, csrf.Handler(d.signedIn(h, operator)))
	}
	mux.Handle("GET /dashboard/{$}", http.RedirectHandler("/dashboard", http.StatusMovedPermanently))
	mux.Handle("GET /dashboard/login", d.cleanRequest(http.HandlerFunc(d.loginPage)))
	mux.Handle("POST /dashboard/login", csrf.Handler(d.cleanRequest(http.HandlerFunc(d.login))))
	posts = append(posts, "/dashboard/login")
	post("/dashboard/logout", d.logout, true)
	post("/dashboard/switch", d.switchView, true)

	get("/dashboard", d.overview)
	get("/dashboard/payments", d.payments)
	get("/dashboard/payments/{id}", d.paymentDetail)
	for _, act := range []paymentAction{refundAction, captureAction, voidAction} {
		post("/dashboard/payments/{id}/"+act.Name, d.paymentAction(act), false)
	}

	get("/dashboard/links", d.sessions)
	get("/dashboard/links/new", d.newLinkPage)
	post("/dashboard/links", d.createLink, false)
	get("/dashboard/links/{id}", d.sessionDetail)

	get("/dashboard/webhooks", d.endpoints)
	post("/dashboard/webhooks", d.createEndpoint, false)
	get("/dashboard/webhooks/{id}", d.endpointDetail)
	post("/dashboard/webhooks/{id}", d.updateEndpoint, false)
	post("/dashboard/webhooks/{id}/disable", d.setEndpointStatus(false), true)
	post("/dashboard/webhooks/{id}/enable", d.setEndpointStatus(true), false)
	post("/dashboard/webhooks/{id}/rotate", d.rotateSecret, false)
	post("/dashboard/webhooks/{id}/test", d.testDelivery, false)
	post("/dashboard/webhooks/{id}/replay", d.replay, true)
	get("/dashboard/deliveries", d.deliveries)
	get("/dashboard/deliveries/{id}", d.deliveryDetail)
	post("/dashboard/deliveries/{id}/retry", d.redeliver, true)

	get("/dashboard/profiles", d.profiles)
	post("/dashboard/profiles", d.addProfile, false)
	post("/dashboard/profiles/{id}/disable", d.setProfileStatus(merchant.ProfileDisabled), false)
	post("/dashboard/profiles/{id}/enable", d.setProfileStatus(merchant.ProfileEnabled), false)

	get("/dashboard/developers", d.developers)
	post("/dashboard/developers/keys/roll", d.rollKey, false)
	post("/dashboard/developers/keys/{id}/revoke", d.revokeKey, false)
	post("/dashboard/developers/origins", d.saveOrigins, false)

	get("/dashboard/settings", d.settings)
	post("/dashboard/settings", d.saveSettings, false)
	post("/dashboard/settings/fraud", d.saveFraud, false)
	post("/dashboard/settings/blocklist", d.addBlock, false)
	post("/dashboard/settings/blocklist/{id}/remove", d.removeBlock, false)
	return posts
}

// pageHandler serves one page for a signed-in user.
type pageHandler func(w http.ResponseWriter, r *http.Request, c *dctx)

// dctx is what a signed-in request knows: the user, the merchant and mode it acts as, and the page being built.
type dctx struct {
	user gateway.DashboardUser
	auth gateway.Auth
	// hasMerchant is false for an operator who has not chosen a merchant yet.
	hasMerchant bool
	token       string
	view        *dview
}

// dview is what a dashboard template renders.
type dview struct {
	Title    string
	Nav      string
	CSS, JS  string
	Email    string
	Operator bool
	// Merchant is the merchant the pages show; Merchants lists every merchant for an operator's switch.
	Merchant      merchant.Merchant
	HasMerchant   bool
	Merchants     []merchant.Merchant
	Livemode      bool
	LiveAvailable bool
	// Flash confirms the action just done; Alert reports a failed one.
	Flash string
	Alert string
	Data  any

	loc *time.Location
}

// stamp is a time as a page shows it: in the merchant's zone, with UTC on hover.
type stamp struct {
	Local, UTC, ISO string
	Zero            bool
}

// At formats t for the page.
func (v *dview) At(t time.Time) stamp {
	if t.IsZero() {
		return stamp{Zero: true}
	}
	loc := v.loc
	if loc == nil {
		loc = time.UTC
	}
	return stamp{
		Local: t.In(loc).Format("2006-01-02 15:04 MST"),
		UTC:   t.UTC().Format("2006-01-02 15:04:05 UTC"),
		ISO:   t.UTC().Format(time.RFC3339),
	}
}

// AtPtr formats an optional time.
func (v *dview) AtPtr(t *time.Time) stamp {
	if t == nil {
		return stamp{Zero: true}
	}
	return v.At(*t)
}

// Money formats minor units of a currency.
func (v *dview) Money(amount int64, currency string) string {
	return money.Format(amount, money.Currency(currency))
}

// Zone is the name of the merchant's time zone.
func (v *dview) Zone() string {
	if v.loc == nil {
		return "UTC"
	}
	return v.loc.String()
}

// signedIn resolves the session cookie and runs h; without a session GET requests go to the sign-in page and
// POST requests are refused. operator says whether an operator may run h (operators only read, redeliver and
// disable endpoints).
func (d *dashboard) signedIn(h pageHandler, operator bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !cleanURL(r) {
			d.refuseInput(w, r, nil)
			return
		}
		token := ""
		if cookie, err := r.Cookie(dashboardCookie); err == nil {
			token = cookie.Value
		}
		user, err := d.gw.DashboardSession(r.Context(), token)
		if err != nil {
			if ge, ok := gateway.AsError(err); !ok || ge.Kind != gateway.KindUnauthenticated {
				d.failed(w, r, err)
				return
			}
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/dashboard/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			d.message(w, r, nil, http.StatusUnauthorized, "Signed out", "Your session ended. Sign in again and repeat the action.")
			return
		}
		c := &dctx{user: user, token: token}
		auth, ok, err := d.gw.DashboardAuth(r.Context(), user)
		if err != nil {
			d.failed(w, r, err)
			return
		}
		c.auth, c.hasMerchant = auth, ok
		if ok && !user.Operator() && auth.Merchant.Status != merchant.StatusActive && r.URL.Path != "/dashboard/logout" {
			// As on the API: a suspended merchant's users are told why, and nothing else happens.
			d.message(w, r, nil, http.StatusForbidden, "Account not active", "This merchant account is not active. Contact the operator of this Kassa instance.")
			return
		}
		profile := merchant.Profile{}
		if ok {
			if profile, err = d.gw.GetProfile(r.Context(), auth.Merchant.ID); err != nil {
				d.failed(w, r, err)
				return
			}
		}
		c.view = &dview{
			CSS: d.assets.URL("dashboard.css"), JS: d.assets.URL("dashboard.js"),
			Email: user.User.Email, Operator: user.Operator(), Merchant: auth.Merchant, HasMerchant: ok,
			Livemode: user.Session.Livemode, LiveAvailable: d.gw.LiveModeAvailable(), loc: profile.Location(),
			Flash: flashes[r.URL.Query().Get("done")],
		}
		if user.Operator() {
			if c.view.Merchants, err = d.gw.ListMerchants(r.Context()); err != nil {
				d.failed(w, r, err)
				return
			}
		}
		if r.Method == http.MethodPost {
			if user.Operator() && !operator {
				d.message(w, r, c, http.StatusForbidden, "Not for operators",
					"Operators can read every merchant's pages, redeliver webhooks and disable endpoints; other actions are the merchant's.")
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
			if err := r.ParseForm(); err != nil {
				d.message(w, r, c, http.StatusBadRequest, "Form not readable", "The form could not be read. Go back and try again.")
				return
			}
			if !cleantext.Values(r.PostForm) {
				d.refuseInput(w, r, c)
				return
			}
		}
		if !c.hasMerchant && r.URL.Path != "/dashboard" && r.Method == http.MethodGet {
			http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
			return
		}
		if !c.hasMerchant && r.Method == http.MethodPost && r.URL.Path != "/dashboard/switch" && r.URL.Path != "/dashboard/logout" {
			d.message(w, r, c, http.StatusBadRequest, "Choose a merchant", "Choose a merchant first.")
			return
		}
		h(w, r, c)
	})
}

// flashes are the confirmations a redirect after an action may show (?done=…).
var flashes = map[string]string{
	"refund":           "Refund requested. Its outcome is below.",
	"capture":          "Capture requested. Its outcome is below.",
	"void":             "Authorization voided.",
	"link":             "Payment link created.",
	"updated":          "Saved.",
	"disabled":         "Endpoint disabled.",
	"enabled":          "Endpoint enabled.",
	"test":             "Test delivery queued.",
	"replayed":         "Failed deliveries queued again.",
	"redelivery":       "Delivery queued again.",
	"revoked":          "Key revoked.",
	"origins":          "Allowed origins saved.",
	"settings":         "Settings saved.",
	"fraud":            "Fraud settings saved.",
	"blocked":          "Added to the blocklist.",
	"unblocked":        "Removed from the blocklist.",
	"switched":         "Switched.",
	"profile-disabled": "Payment profile disabled.",
	"profile-enabled":  "Payment profile enabled.",
}

// dashboardHeaders are the headers of every dashboard response.
func dashboardHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Robots-Tag", "noindex, nofollow")
}

// render writes a page: executed into a buffer first, so a failing template becomes a clean error page.
func (d *dashboard) render(w http.ResponseWriter, r *http.Request, status int, page string, v *dview) {
	var buf bytes.Buffer
	if err := d.pages[page].ExecuteTemplate(&buf, "layout", v); err != nil {
		d.log.ErrorContext(r.Context(), "dashboard: template failed", "page", page, "err", err)
		d.message(w, r, nil, http.StatusInternalServerError, "Something went wrong", "The page could not be shown.")
		return
	}
	dashboardHeaders(w.Header())
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// messageData is the body of a page that only says something.
type messageData struct {
	Heading, Message, RequestID string
}

// message renders a page with a heading and a sentence (errors, refusals).
func (d *dashboard) message(w http.ResponseWriter, r *http.Request, c *dctx, status int, heading, msg string) {
	v := &dview{CSS: d.assets.URL("dashboard.css"), JS: d.assets.URL("dashboard.js")}
	if c != nil {
		v = c.view
	}
	v.Title = heading
	v.Data = messageData{Heading: heading, Message: msg, RequestID: w.Header().Get("Request-Id")}
	var buf bytes.Buffer
	if err := d.pages["message.html"].ExecuteTemplate(&buf, "layout", v); err != nil {
		d.log.ErrorContext(r.Context(), "dashboard: message template failed", "err", err)
		buf.Reset()
		buf.WriteString(template.HTMLEscapeString(heading))
	}
	dashboardHeaders(w.Header())
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// failed answers an error of a use case (failedIn without a page context).
func (d *dashboard) failed(w http.ResponseWriter, r *http.Request, err error) {
	d.failedIn(w, r, nil, err)
}

// failedIn answers an error of a use case with the status of its kind (gateway.Kind.Status, the table every front
// answers with): a missing object is "Not found", a refusal shows the gateway's message, and anything else (an
// internal failure, an unavailable dependency) is logged and worded as ours.
func (d *dashboard) failedIn(w http.ResponseWriter, r *http.Request, c *dctx, err error) {
	status := gateway.StatusOf(err)
	ge, _ := gateway.AsError(err)
	switch {
	case status >= http.StatusInternalServerError:
		d.log.ErrorContext(r.Context(), "dashboard request failed", "path", r.URL.Path, "err", err)
		d.message(w, r, c, status, "Something went wrong", "The request failed on our side. Try again in a moment.")
	case ge.Kind == gateway.KindNotFound:
		d.message(w, r, c, status, "Not found", "There is no such object for this merchant and mode.")
	case ge.Kind == gateway.KindForbidden:
		d.message(w, r, c, status, "Not allowed", ge.Message)
	default:
		d.message(w, r, c, status, "Not done", ge.Message)
	}
}

// formError is a refused form's message, or "" when err is not the user's to fix (failedIn answers those). The form
// comes back with the status of the error's kind (gateway.StatusOf).
func formError(err error) string {
	if ge, ok := gateway.AsError(err); ok && ge.Kind != gateway.KindNotFound {
		switch ge.Kind {
		case gateway.KindInvalid, gateway.KindConflict, gateway.KindGone, gateway.KindIdempotency, gateway.KindUnprocessable, gateway.KindForbidden:
			return ge.Message
		}
	}
	return ""
}

// redirect answers an action with a 303 to a page and a confirmation.
func redirect(w http.ResponseWriter, r *http.Request, path, done string) {
	if done != "" {
		path += "?done=" + done
	}
	http.Redirect(w, r, path, http.StatusSeeOther)
}

// formKey is a random idempotency key put into a form when it is rendered: submitting the form twice (a double
// click, a reload) sends the same key, so the use case acts once.
func formKey() string { return "dash_" + rand.Text() }

// formHash is the request hash of a form's fields, so that a key reused with other values is refused.
func formHash(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:])
}

// loginData is the sign-in form.
type loginData struct {
	Email, Next, Error string
}

func (d *dashboard) loginPage(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(dashboardCookie); err == nil {
		if _, err := d.gw.DashboardSession(r.Context(), c.Value); err == nil {
			http.Redirect(w, r, "/dashboard", http.StatusSeeOther)
			return
		}
	}
	d.renderLogin(w, r, http.StatusOK, loginData{Next: safeNext(r.URL.Query().Get("next"))})
}

func (d *dashboard) renderLogin(w http.ResponseWriter, r *http.Request, status int, data loginData) {
	d.render(w, r, status, "login.html", &dview{Title: "Sign in", CSS: d.assets.URL("dashboard.css"), JS: d.assets.URL("dashboard.js"), Data: data})
}

// safeNext keeps a post-sign-in target only when it is a dashboard path on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/dashboard") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/dashboard"
	}
	return next
}

func (d *dashboard) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		d.renderLogin(w, r, http.StatusBadRequest, loginData{Error: "The form could not be read."})
		return
	}
	if !cleantext.Values(r.PostForm) {
		d.renderLogin(w, r, http.StatusBadRequest, loginData{Error: "The form contains characters that are not allowed."})
		return
	}
	email, next := r.PostForm.Get("email"), safeNext(r.PostForm.Get("next"))
	select {
	case d.passwordChecks <- struct{}{}:
	case <-r.Context().Done():
		return
	}
	token, _, err := d.gw.SignIn(r.Context(), email, r.PostForm.Get("password"))
	<-d.passwordChecks
	if err != nil {
		ge, ok := gateway.AsError(err)
		if !ok {
			d.failed(w, r, err)
			return
		}
		d.renderLogin(w, r, ge.Kind.Status(), loginData{Email: email, Next: next, Error: ge.Message})
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: dashboardCookie, Value: token, Path: "/dashboard", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: d.secure || r.TLS != nil, MaxAge: int(gateway.DashboardSessionTTL / time.Second),
	})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (d *dashboard) logout(w http.ResponseWriter, r *http.Request, c *dctx) {
	if err := d.gw.SignOut(r.Context(), c.token); err != nil {
		d.failedIn(w, r, c, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: dashboardCookie, Value: "", Path: "/dashboard", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: d.secure || r.TLS != nil})
	http.Redirect(w, r, "/dashboard/login", http.StatusSeeOther)
}

// switchView changes the mode (test/live) and, for operators, the merchant.
func (d *dashboard) switchView(w http.ResponseWriter, r *http.Request, c *dctx) {
	live := r.PostForm.Get("mode") == "live"
	if r.PostForm.Get("mode") == "" {
		live = c.user.Session.Livemode
	}
	if _, err := d.gw.SwitchDashboard(r.Context(), c.user, r.PostForm.Get("merchant"), live); err != nil {
		d.failedIn(w, r, c, err)
		return
	}
	redirect(w, r, "/dashboard", "switched")
}

// confirmData is a confirmation step: the action, what it does, and the form's fields to post again.
type confirmData struct {
	Action, Question, Button, Back string
	Fields                         []pair
}

// pair is a name and its value: a form value a confirmation page carries over, a header of a delivery.
type pair struct{ Name, Value string }

// confirm shows a confirmation page unless the form says it was confirmed; it reports whether to go on.
func (d *dashboard) confirm(w http.ResponseWriter, r *http.Request, c *dctx, question, button, back string, names ...string) bool {
	if r.PostForm.Get("confirm") == "yes" {
		return true
	}
	data := confirmData{Action: r.URL.Path, Question: question, Button: button, Back: back}
	for _, n := range names {
		data.Fields = append(data.Fields, pair{n, r.PostForm.Get(n)})
	}
	c.view.Title, c.view.Data = "Confirm", data
	d.render(w, r, http.StatusOK, "confirm.html", c.view)
	return false
}

//go:embed templates/*.html
var templateFiles embed.FS

// pageNames are the page templates; each is parsed with the layout.
var pageNames = []string{
	"login.html", "message.html", "confirm.html", "overview.html", "payments.html", "payment.html", "sessions.html",
	"session.html", "new_link.html", "endpoints.html", "endpoint.html", "deliveries.html", "delivery.html",
	"developers.html", "settings.html", "profiles.html",
}

// templateFuncs are the helpers templates use: pair passes the view along with rows to a shared table, list
// makes a slice of literals, has tests membership.
var templateFuncs = template.FuncMap{
	"pair": func(v *dview, rows any) map[string]any { return map[string]any{"V": v, "Rows": rows} },
	"list": func(s ...string) []string { return s },
	"has":  func(s []string, x string) bool { return slices.Contains(s, x) },
}

func mustParsePages() map[string]*template.Template {
	ps := map[string]*template.Template{}
	for _, name := range pageNames {
		ps[name] = template.Must(template.New(name).Funcs(templateFuncs).ParseFS(templateFiles, "templates/layout.html", "templates/"+name))
	}
	return ps
}
