// Package pan finds card numbers (primary account numbers) in text: the one rule by which the logger redacts log lines
// and the vault masks free text before it is stored (docs/architecture.md §9). It only finds; each caller decides how a
// number it found is replaced. Security-critical: a number this package misses is a card number kept in clear.
package pan

// MinDigits and MaxDigits bound the length of a card number (ISO/IEC 7812).
const (
	MinDigits = 13
	MaxDigits = 19
)

// Run is a card-number-like run of a text: s[Start:End], whole digit groups of one cluster (digit groups joined by
// single spaces or dashes), separators included. GluedBefore and GluedAfter report whether more digits of the
// cluster are joined to it by a single separator on that side (a number followed by its expiry and CVV).
type Run struct {
	Start, End              int
	GluedBefore, GluedAfter bool
}

// Find calls fn, in order, for each card-number-like run of s: within each cluster every span of consecutive whole
// groups holding MinDigits to MaxDigits digits is a candidate, and candidates that pass the Luhn check are runs,
// overlapping ones merged into one. Because a lone group is a candidate too, replacing each run with anything that
// holds no digit next to its ends leaves no contiguous Luhn-valid number of 13–19 digits behind. Other separators
// (dots, slashes, tabs, two spaces) and non-ASCII digits do not join groups.
func Find(s string, fn func(Run)) {
	if !MayHold(s) {
		return
	}
	for i := 0; i < len(s); {
		if !isDigit(s[i]) {
			i++
			continue
		}
		end, digits := clusterEnd(s, i)
		if digits >= MinDigits {
			findInCluster(s, i, end, fn)
		}
		i = end
	}
}

// Luhn reports whether digits, a non-empty string of ASCII digits only, passes the Luhn (mod 10) check of
// ISO/IEC 7812-1: from the rightmost digit, every second digit is doubled (less 9 when that exceeds 9) and the sum
// of all digits must be a multiple of 10.
func Luhn(digits string) bool {
	if digits == "" {
		return false
	}
	sum := 0
	double := false
	for i := len(digits) - 1; i >= 0; i-- {
		c := digits[i]
		if !isDigit(c) {
			return false
		}
		d := int(c - '0')
		if double {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// MayHold reports whether s holds at least MinDigits ASCII digits, the cheap test that keeps most text off the slow
// path: text that fails it holds no card number.
func MayHold(s string) bool {
	n := MinDigits
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			if n--; n == 0 {
				return true
			}
		}
	}
	return false
}

// clusterEnd returns the end of the cluster of digit groups that starts at s[i], a digit, and how many digits it
// holds.
func clusterEnd(s string, i int) (end, digits int) {
	for {
		for i < len(s) && isDigit(s[i]) {
			i++
			digits++
		}
		if i+1 < len(s) && (s[i] == ' ' || s[i] == '-') && isDigit(s[i+1]) {
			i++
			continue
		}
		return i, digits
	}
}

// group is a maximal run of contiguous digits, s[start:end].
type group struct{ start, end int }

// findInCluster calls fn for the runs of the cluster s[start:end].
func findInCluster(s string, start, end int, fn func(Run)) {
	var buf [16]group
	groups := buf[:0]
	for i := start; i < end; {
		j := i
		for j < end && isDigit(s[j]) {
			j++
		}
		groups = append(groups, group{i, j})
		i = j + 1 // past the separator
	}
	from, to := -1, -1 // the groups of the current run of overlapping card numbers
	flush := func() {
		if from >= 0 {
			fn(Run{Start: groups[from].start, End: groups[to].end, GluedBefore: from > 0, GluedAfter: to < len(groups)-1})
		}
	}
	var digits [MaxDigits]byte
	for i := range groups {
		n := 0
		for j := i; j < len(groups); j++ {
			g := groups[j]
			if n+g.end-g.start > MaxDigits {
				break
			}
			n += copy(digits[n:], s[g.start:g.end])
			if n < MinDigits || !Luhn(string(digits[:n])) {
				continue
			}
			if from >= 0 && i <= to {
				to = max(to, j)
				continue
			}
			flush()
			from, to = i, j
		}
	}
	flush()
}
