package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/merchant"
)

// The merchant's branding on its hosted pages: the accent color comes as a small stylesheet of its own
// (/brand/{merchant}.css, so the CSP keeps style-src 'self'), the logo as an image whose origin the page's img-src
// allows.

var brandColor = regexp.MustCompile(`^#[0-9a-f]{6}$`)

// brand adds the merchant's branding to a hosted page's view.
func (h *handler) brand(r *http.Request, v *view) {
	if v.merchantID == "" {
		return
	}
	p, err := h.gw.GetProfile(r.Context(), v.merchantID)
	if err != nil {
		h.log.WarnContext(r.Context(), "hosted page: merchant profile unavailable; page shown without branding", "err", err)
		return
	}
	if brandColor.MatchString(p.AccentColor) {
		v.BrandCSS = "/brand/" + v.merchantID + ".css?v=" + colorVersion(p.AccentColor)
	}
	if p.LogoURL != "" {
		v.LogoURL = p.LogoURL
		v.policy.images = []string{p.LogoURL}
	}
}

func colorVersion(color string) string {
	sum := sha256.Sum256([]byte(color))
	return hex.EncodeToString(sum[:4])
}

// brandCSS serves GET /brand/{merchant}.css: the accent color on the pay button and links.
func (h *handler) brandCSS(w http.ResponseWriter, r *http.Request) {
	merchantID, ok := strings.CutSuffix(r.PathValue("file"), ".css")
	if !ok || !id.HasPrefix(merchantID, "mer_") {
		http.NotFound(w, r)
		return
	}
	p, err := h.gw.GetProfile(r.Context(), merchantID)
	if err != nil || !brandColor.MatchString(p.AccentColor) {
		http.NotFound(w, r)
		return
	}
	css := fmt.Sprintf(".pay, .button { background: %[1]s; color: %[2]s; }\n.pay:hover, .button:hover { background: %[1]s; filter: brightness(0.9); }\n"+
		".summary .merchant { color: %[1]s; }\n", p.AccentColor, textOn(p))
	hdr := w.Header()
	hdr.Set("Content-Type", "text/css; charset=utf-8")
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
	if r.URL.Query().Get("v") == colorVersion(p.AccentColor) {
		hdr.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		hdr.Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader([]byte(css)))
}

// textOn is black or white, whichever reads better on the accent color (WCAG relative luminance).
func textOn(p merchant.Profile) string {
	var lum float64
	for i, weight := range []float64{0.2126, 0.7152, 0.0722} {
		v, _ := strconv.ParseUint(p.AccentColor[1+2*i:3+2*i], 16, 8)
		c := float64(v) / 255
		if c <= 0.03928 {
			c /= 12.92
		} else {
			c = pow24((c + 0.055) / 1.055)
		}
		lum += weight * c
	}
	// Contrast with white is 1.05/(lum+0.05); with black (lum+0.05)/0.05. They are equal at lum ≈ 0.179.
	if lum > 0.179 {
		return "#000"
	}
	return "#fff"
}

// pow24 is x^2.4 for 0 ≤ x ≤ 1.
func pow24(x float64) float64 { return math.Pow(x, 2.4) }
