package dashboard

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/kassapay/kassa/internal/fraud"
	"github.com/kassapay/kassa/internal/gateway"
	"github.com/kassapay/kassa/internal/store"
)

// The settings page's fraud part: thresholds and rule weights (the same use case and rules as the fraud object of
// PATCH /api/v1/merchant) and the blocklist (the same use cases as /api/v1/blocklist). Both belong to the mode the
// session looks at for the blocklist, and to the merchant for the thresholds, as on the API.

// blocklistShown is how many blocklist entries the settings page lists (newest first).
const blocklistShown = 100

// fraudData is the fraud part of the settings page.
type fraudData struct {
	ReviewThreshold, DeclineThreshold string
	Weights                           []ruleWeight
	FraudError                        string
	Blocks                            []store.BlocklistEntry
	MoreBlocks                        bool
	BlockKinds                        []string
	BlockKind, BlockValue, BlockNote  string
	BlockError                        string
}

// ruleWeight is one rule's weight as shown or typed.
type ruleWeight struct {
	Rule, Weight string
}

// fraudForm fills the fraud part from the merchant's saved settings.
func (d *dashboard) fraudForm(r *http.Request, c *dctx) (fraudData, error) {
	s, err := d.gw.FraudSettings(r.Context(), c.auth)
	if err != nil {
		return fraudData{}, err
	}
	f := fraudData{ReviewThreshold: strconv.Itoa(s.ReviewThreshold), DeclineThreshold: strconv.Itoa(s.DeclineThreshold)}
	for _, rule := range fraud.Rules() {
		f.Weights = append(f.Weights, ruleWeight{Rule: string(rule), Weight: strconv.Itoa(s.Weights[rule])})
	}
	return f, nil
}

// withBlocks adds the blocklist and its form's choices.
func (d *dashboard) withBlocks(r *http.Request, c *dctx, f *fraudData) error {
	var err error
	f.Blocks, f.MoreBlocks, err = d.gw.ListBlocks(r.Context(), c.auth, "", store.Page{Limit: blocklistShown})
	for _, k := range fraud.BlockKinds() {
		f.BlockKinds = append(f.BlockKinds, string(k))
	}
	if f.BlockKind == "" {
		f.BlockKind = string(fraud.BlockEmail)
	}
	return err
}

// showSettings renders the settings page with its fraud part; fd nil means the saved settings.
func (d *dashboard) showSettings(w http.ResponseWriter, r *http.Request, c *dctx, status int, data settingsData, fd *fraudData) {
	if fd == nil {
		f, err := d.fraudForm(r, c)
		if err != nil {
			d.failedIn(w, r, c, err)
			return
		}
		fd = &f
	}
	if err := d.withBlocks(r, c, fd); err != nil {
		d.failedIn(w, r, c, err)
		return
	}
	data.Fraud = *fd
	d.renderSettings(w, r, c, status, data)
}

// currentSettings is the business and branding part of the settings page as saved.
func (d *dashboard) currentSettings(r *http.Request, c *dctx) (settingsData, error) {
	p, err := d.gw.GetProfile(r.Context(), c.auth.Merchant.ID)
	if err != nil {
		return settingsData{}, err
	}
	tz := p.TimeZone
	if tz == "" {
		tz = "UTC"
	}
	return settingsData{Name: c.auth.Merchant.Name, TimeZone: tz, AccentColor: p.AccentColor, LogoURL: p.LogoURL}, nil
}

// saveFraud saves the thresholds and weights through UpdateFraudSettings (validated as a whole by the fraud rules).
func (d *dashboard) saveFraud(w http.ResponseWriter, r *http.Request, c *dctx) {
	pf := r.PostForm
	f := fraudData{ReviewThreshold: strings.TrimSpace(pf.Get("review_threshold")), DeclineThreshold: strings.TrimSpace(pf.Get("decline_threshold"))}
	var patch gateway.FraudSettingsPatch
	var problems []string
	number := func(name, raw string) *int {
		n, err := strconv.Atoi(raw)
		if err != nil {
			problems = append(problems, name+" must be a whole number.")
			return nil
		}
		return &n
	}
	patch.ReviewThreshold = number("The review threshold", f.ReviewThreshold)
	patch.DeclineThreshold = number("The decline threshold", f.DeclineThreshold)
	patch.Weights = map[string]int{}
	for _, rule := range fraud.Rules() {
		raw := strings.TrimSpace(pf.Get("weight_" + string(rule)))
		f.Weights = append(f.Weights, ruleWeight{Rule: string(rule), Weight: raw})
		if n := number("The weight of "+string(rule), raw); n != nil {
			patch.Weights[string(rule)] = *n
		}
	}
	data, err := d.currentSettings(r, c)
	if err != nil {
		d.failedIn(w, r, c, err)
		return
	}
	if len(problems) > 0 {
		f.FraudError = strings.Join(problems, " ")
		d.showSettings(w, r, c, http.StatusBadRequest, data, &f)
		return
	}
	if _, err := d.gw.UpdateFraudSettings(r.Context(), c.auth, patch); err != nil {
		if f.FraudError = formError(err); f.FraudError == "" {
			d.failedIn(w, r, c, err)
			return
		}
		d.showSettings(w, r, c, gateway.StatusOf(err), data, &f)
		return
	}
	redirect(w, r, "/dashboard/settings", "fraud")
}

// addBlock adds a blocklist entry through AddBlock. A card number typed as a card fingerprint becomes its
// fingerprint in the use case and is never shown again, not even in a refused form.
func (d *dashboard) addBlock(w http.ResponseWriter, r *http.Request, c *dctx) {
	pf := r.PostForm
	in := gateway.BlockInput{Kind: strings.TrimSpace(pf.Get("kind")), Value: strings.TrimSpace(pf.Get("value")), Reason: strings.TrimSpace(pf.Get("reason"))}
	if _, _, err := d.gw.AddBlock(r.Context(), c.auth, in); err != nil {
		msg := formError(err)
		if msg == "" {
			d.failedIn(w, r, c, err)
			return
		}
		status := gateway.StatusOf(err)
		data, err := d.currentSettings(r, c)
		if err != nil {
			d.failedIn(w, r, c, err)
			return
		}
		f, err := d.fraudForm(r, c)
		if err != nil {
			d.failedIn(w, r, c, err)
			return
		}
		f.BlockKind, f.BlockNote, f.BlockError = in.Kind, in.Reason, msg
		if in.Kind != string(fraud.BlockCardFingerprint) {
			f.BlockValue = in.Value
		}
		d.showSettings(w, r, c, status, data, &f)
		return
	}
	redirect(w, r, "/dashboard/settings", "blocked")
}

// removeBlock deletes a blocklist entry through RemoveBlock, after confirmation.
func (d *dashboard) removeBlock(w http.ResponseWriter, r *http.Request, c *dctx) {
	entryID := r.PathValue("id")
	if !d.confirm(w, r, c, "Remove "+entryID+" from the blocklist? Payments it matches are no longer blocked.", "Remove", "/dashboard/settings") {
		return
	}
	if _, err := d.gw.RemoveBlock(r.Context(), c.auth, entryID); err != nil {
		d.failedIn(w, r, c, err)
		return
	}
	redirect(w, r, "/dashboard/settings", "unblocked")
}
