package merchant

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
	"time"

	// The zone database is embedded so that time zones work on hosts without one (minimal containers).
	_ "time/tzdata"

	"github.com/kassapay/kassa/internal/field"
)

// Profile is what a merchant sets for its pages: the time zone its dashboard shows times in and the branding of
// its hosted pages. The zero Profile (UTC, no branding) is what a merchant has before saving one.
type Profile struct {
	MerchantID string
	// TimeZone is an IANA name ("Europe/Berlin"); empty means UTC.
	TimeZone string
	// AccentColor is "#rrggbb" (lower case) or empty for the default.
	AccentColor string
	// LogoURL is an https URL of an image, or empty.
	LogoURL   string
	UpdatedAt time.Time
}

// Errors of Profile.Validate.
var (
	ErrInvalidTimeZone = errors.New("must be an IANA time zone name such as Europe/Berlin")
	ErrInvalidColor    = errors.New("must be a color as #rrggbb")
	ErrInvalidLogoURL  = errors.New("must be an https URL of at most 500 characters")
)

var colorPattern = regexp.MustCompile(`^#[0-9a-f]{6}$`)

// Normalize trims the fields and lower-cases the color.
func (p *Profile) Normalize() {
	p.TimeZone = strings.TrimSpace(p.TimeZone)
	p.AccentColor = strings.ToLower(strings.TrimSpace(p.AccentColor))
	p.LogoURL = strings.TrimSpace(p.LogoURL)
}

// Validate names the first invalid field.
func (p Profile) Validate() error {
	if p.TimeZone != "" {
		if _, err := time.LoadLocation(p.TimeZone); err != nil || p.TimeZone == "Local" {
			return &field.Error{Field: "time_zone", Value: p.TimeZone, Err: ErrInvalidTimeZone}
		}
	}
	if p.AccentColor != "" && !colorPattern.MatchString(p.AccentColor) {
		return &field.Error{Field: "accent_color", Value: p.AccentColor, Err: ErrInvalidColor}
	}
	if p.LogoURL != "" {
		u, err := url.Parse(p.LogoURL)
		if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || len(p.LogoURL) > 500 {
			return &field.Error{Field: "logo_url", Value: p.LogoURL, Err: ErrInvalidLogoURL}
		}
	}
	return nil
}

// Location is the profile's time zone (UTC when unset or unknown).
func (p Profile) Location() *time.Location {
	if p.TimeZone == "" {
		return time.UTC
	}
	loc, err := time.LoadLocation(p.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}
