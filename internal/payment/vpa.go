package payment

import "regexp"

// vpaPattern is the format of a UPI virtual payment address (docs/architecture.md §10): a handle of letters, digits,
// dots, underscores and dashes, an @, and a provider name of letters and digits.
var vpaPattern = regexp.MustCompile(`^[a-zA-Z0-9._-]+@[a-zA-Z0-9]+$`)

// MaxVPALength bounds a VPA; real ones are far shorter.
const MaxVPALength = 255

// ValidVPA reports whether s is a well-formed UPI address ("name@bank"). It does not say the address exists.
func ValidVPA(s string) bool { return len(s) <= MaxVPALength && vpaPattern.MatchString(s) }
