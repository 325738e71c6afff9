package dashboard

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/kassapay/kassa/internal/field"
	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/merchant"
)

// developersData is the developers page: keys, allowed origins, the quick start.
type developersData struct {
	Keys    []keyRow
	Origins string
	// NewKey is a key just issued, shown once.
	NewKey  *gateway.IssuedKey
	BaseURL string
	// QuickKey is the secret key just issued, inserted into the quick start (the only time it can be).
	QuickKey    string
	Error       string
	OriginError string
}

// keyRow is one key as listed: never its secret.
type keyRow struct {
	merchant.APIKey
	Prefix, State string
}

func (d *dashboard) developers(w http.ResponseWriter, r *http.Request, c *dctx) {
	d.showDevelopers(w, r, c, http.StatusOK, developersData{Origins: strings.Join(c.auth.Merchant.CheckoutAllowedOrigins, "\n")})
}

func (d *dashboard) showDevelopers(w http.ResponseWriter, r *http.Request, c *dctx, status int, data developersData) {
	keys, err := d.gw.ListKeys(r.Context(), c.auth.Merchant.ID)
	if err != nil {
		d.failedIn(w, r, c, err)
		return
	}
	now := d.gw.Now()
	for _, k := range keys {
		if k.Livemode != c.auth.Livemode() {
			continue
		}
		row := keyRow{APIKey: k, Prefix: merchant.Prefix(k.Kind, k.Livemode), State: "active"}
		switch {
		case k.RevokedAt != nil:
			row.State = "revoked"
		case !k.Usable(now):
			row.State = "expired"
		case k.ExpiresAt != nil:
			row.State = "expires"
		}
		data.Keys = append(data.Keys, row)
	}
	data.BaseURL = d.gw.BaseURL()
	if data.NewKey != nil && data.NewKey.Kind == merchant.KeySecret {
		data.QuickKey = data.NewKey.Secret
	}
	c.view.Title, c.view.Nav, c.view.Data = "Developers", "developers", data
	d.render(w, r, status, "developers.html", c.view)
}

// rollKey issues a new key of a kind in the current mode; the old ones keep working for the grace period.
func (d *dashboard) rollKey(w http.ResponseWriter, r *http.Request, c *dctx) {
	kind := merchant.KeyKind(r.PostForm.Get("kind"))
	hours, err := strconv.Atoi(r.PostForm.Get("grace_hours"))
	if err != nil || hours < 0 {
		hours = 0
	}
	if !d.confirm(w, r, c, "Issue a new "+string(kind)+" key? The current "+string(kind)+" keys of this mode stop working in "+
		strconv.Itoa(hours)+" hours.", "Roll key", "/dashboard/developers", "kind", "grace_hours") {
		return
	}
	k, err := d.gw.RollKey(r.Context(), c.auth.Merchant.ID, kind, c.auth.Livemode(), time.Duration(hours)*time.Hour)
	if err != nil {
		if msg := formError(err); msg != "" {
			d.showDevelopers(w, r, c, gateway.StatusOf(err), developersData{Error: msg, Origins: strings.Join(c.auth.Merchant.CheckoutAllowedOrigins, "\n")})
			return
		}
		d.failedIn(w, r, c, err)
		return
	}
	d.showDevelopers(w, r, c, http.StatusOK, developersData{NewKey: &k, Origins: strings.Join(c.auth.Merchant.CheckoutAllowedOrigins, "\n")})
}

func (d *dashboard) revokeKey(w http.ResponseWriter, r *http.Request, c *dctx) {
	keyID := r.PathValue("id")
	if !d.confirm(w, r, c, "Revoke key "+keyID+"? Requests with it fail at once.", "Revoke", "/dashboard/developers") {
		return
	}
	if err := d.gw.RevokeKeyOfMode(r.Context(), c.auth, keyID); err != nil {
		d.failedIn(w, r, c, err)
		return
	}
	redirect(w, r, "/dashboard/developers", "revoked")
}

// saveOrigins sets checkout_allowed_origins (one per line) through the same use case as PATCH /api/v1/merchant.
func (d *dashboard) saveOrigins(w http.ResponseWriter, r *http.Request, c *dctx) {
	raw := r.PostForm.Get("origins")
	origins := []string{}
	for _, line := range strings.Fields(raw) {
		origins = append(origins, line)
	}
	if _, err := d.gw.UpdateMerchant(r.Context(), c.auth.Merchant.ID, gateway.MerchantPatch{CheckoutAllowedOrigins: &origins}); err != nil {
		if msg := formError(err); msg != "" {
			d.showDevelopers(w, r, c, gateway.StatusOf(err), developersData{OriginError: msg, Origins: raw})
			return
		}
		d.failedIn(w, r, c, err)
		return
	}
	redirect(w, r, "/dashboard/developers", "origins")
}

// settingsData is the settings form.
type settingsData struct {
	Name, TimeZone, AccentColor, LogoURL string
	Errors                               map[string]string
	// Fraud is the fraud part: thresholds, weights and the blocklist (dashboard_fraud.go).
	Fraud fraudData
}

func (d *dashboard) settings(w http.ResponseWriter, r *http.Request, c *dctx) {
	data, err := d.currentSettings(r, c)
	if err != nil {
		d.failedIn(w, r, c, err)
		return
	}
	d.showSettings(w, r, c, http.StatusOK, data, nil)
}

func (d *dashboard) renderSettings(w http.ResponseWriter, r *http.Request, c *dctx, status int, data settingsData) {
	c.view.Title, c.view.Nav, c.view.Data = "Settings", "settings", data
	d.render(w, r, status, "settings.html", c.view)
}

// saveSettings saves the business name (the merchant's, through UpdateMerchant) and the profile.
func (d *dashboard) saveSettings(w http.ResponseWriter, r *http.Request, c *dctx) {
	pf := r.PostForm
	data := settingsData{Name: strings.TrimSpace(pf.Get("name")), TimeZone: strings.TrimSpace(pf.Get("time_zone")),
		AccentColor: strings.TrimSpace(pf.Get("accent_color")), LogoURL: strings.TrimSpace(pf.Get("logo_url")), Errors: map[string]string{}}
	p := merchant.Profile{TimeZone: data.TimeZone, AccentColor: data.AccentColor, LogoURL: data.LogoURL}
	if p.TimeZone == "UTC" {
		p.TimeZone = ""
	}
	p.Normalize()
	if err := p.Validate(); err != nil {
		if fe, ok := err.(*field.Error); ok {
			data.Errors[fe.Field] = fe.Err.Error()
		}
	}
	if err := merchant.ValidateName("name", data.Name); err != nil {
		data.Errors["name"] = "must be 1 to 200 characters"
	}
	if len(data.Errors) > 0 {
		d.showSettings(w, r, c, http.StatusBadRequest, data, nil)
		return
	}
	if data.Name != c.auth.Merchant.Name {
		if _, err := d.gw.UpdateMerchant(r.Context(), c.auth.Merchant.ID, gateway.MerchantPatch{Name: &data.Name}); err != nil {
			d.failedIn(w, r, c, err)
			return
		}
	}
	if _, err := d.gw.UpdateProfile(r.Context(), c.auth, p); err != nil {
		d.failedIn(w, r, c, err)
		return
	}
	redirect(w, r, "/dashboard/settings", "settings")
}
