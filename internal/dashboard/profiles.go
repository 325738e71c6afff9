package dashboard

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/merchant"
)

// profilesData is the payment profiles page: the mode's processor accounts and the form to add one.
type profilesData struct {
	Profiles []merchant.PaymentProfile
	Form     profileForm
	Key      string
	// Added is the profile just added.
	Added *merchant.PaymentProfile
}

// profileForm is the add form as the user filled it in; the credentials are never filled in again.
type profileForm struct {
	Connector, Name, Currencies, APIBaseURL string
	Methods                                 []string
	HostedPage                              bool
	Error                                   string
}

func (d *dashboard) profiles(w http.ResponseWriter, r *http.Request, c *dctx) {
	d.showProfiles(w, r, c, http.StatusOK, profilesData{Form: profileForm{Connector: string(merchant.ConnectorStripe), Methods: []string{"card"}}})
}

func (d *dashboard) showProfiles(w http.ResponseWriter, r *http.Request, c *dctx, status int, data profilesData) {
	ps, err := d.gw.ListPaymentProfiles(r.Context(), c.auth)
	if err != nil {
		d.failedIn(w, r, c, err)
		return
	}
	data.Profiles = ps
	if data.Key == "" {
		data.Key = formKey()
	}
	c.view.Title, c.view.Nav, c.view.Data = "Payment profiles", "profiles", data
	d.render(w, r, status, "profiles.html", c.view)
}

// addProfile adds a profile through the same use case as POST /api/v1/payment-profiles. The credentials go to the
// gateway, which seals them; the page never shows them again.
func (d *dashboard) addProfile(w http.ResponseWriter, r *http.Request, c *dctx) {
	pf := r.PostForm
	f := profileForm{Connector: pf.Get("connector"), Name: strings.TrimSpace(pf.Get("name")), Currencies: strings.TrimSpace(pf.Get("currencies")),
		APIBaseURL: strings.TrimSpace(pf.Get("api_base_url")), Methods: pf["methods"], HostedPage: pf.Get("hosted_page") == "on"}
	in := gateway.ProfileInput{Connector: f.Connector, Name: f.Name, Methods: f.Methods, Currencies: strings.FieldsFunc(f.Currencies, func(r rune) bool { return r == ',' || r == ' ' }),
		HostedPage: &f.HostedPage}
	if f.APIBaseURL != "" {
		in.APIBaseURL = &f.APIBaseURL
	}
	creds := merchant.Credentials{SecretKey: strings.TrimSpace(pf.Get("secret_key")), WebhookSecret: strings.TrimSpace(pf.Get("webhook_secret"))}
	if creds != (merchant.Credentials{}) {
		in.Credentials = &creds
	}
	// The form's fingerprint names the credentials by their hint only: no digest of a secret is kept.
	hash := formHash(append([]string{f.Connector, f.Name, f.Currencies, f.APIBaseURL, creds.Hint(), strconv.FormatBool(f.HostedPage)}, f.Methods...)...)
	var added merchant.PaymentProfile
	body, err := d.once(r, c, "add payment profile", hash, func(ctx context.Context) ([]byte, error) {
		p, err := d.gw.CreatePaymentProfile(ctx, c.auth, in)
		if err != nil {
			return nil, err
		}
		return json.Marshal(p.ID)
	})
	var id string
	if err == nil {
		err = json.Unmarshal(body, &id)
	}
	if err == nil {
		added, err = d.gw.GetPaymentProfile(r.Context(), c.auth, id)
	}
	if err != nil {
		if f.Error = formError(err); f.Error == "" {
			d.failedIn(w, r, c, err)
			return
		}
		d.showProfiles(w, r, c, gateway.StatusOf(err), profilesData{Form: f})
		return
	}
	d.showProfiles(w, r, c, http.StatusOK, profilesData{Added: &added, Form: profileForm{Connector: string(merchant.ConnectorStripe), Methods: []string{"card"}}})
}

// setProfileStatus enables or disables a profile: a disabled one takes no new payments, its payments keep working.
func (d *dashboard) setProfileStatus(status merchant.ProfileStatus) pageHandler {
	return func(w http.ResponseWriter, r *http.Request, c *dctx) {
		profileID := r.PathValue("id")
		if status == merchant.ProfileDisabled && !d.confirm(w, r, c, "Disable payment profile "+profileID+"? It takes no new payments; "+
			"captures and refunds of its payments keep working.", "Disable", "/dashboard/profiles") {
			return
		}
		if _, err := d.gw.UpdatePaymentProfile(r.Context(), c.auth, profileID, gateway.ProfileInput{Status: string(status)}); err != nil {
			if msg := formError(err); msg != "" {
				d.showProfiles(w, r, c, gateway.StatusOf(err), profilesData{Form: profileForm{Connector: string(merchant.ConnectorStripe), Methods: []string{"card"}, Error: msg}})
				return
			}
			d.failedIn(w, r, c, err)
			return
		}
		redirect(w, r, "/dashboard/profiles", "profile-"+string(status))
	}
}
