package money

import "strings"

// symbols are the currency signs Format uses. Only signs that name one currency unambiguously are here: "$" is
// USD alone (CAD, AUD and others print their code), and "¥" is JPY (CNY prints its code).
var symbols = map[Currency]string{
	"EUR": "€",
	"GBP": "£",
	"ILS": "₪",
	"INR": "₹",
	"JPY": "¥",
	"KRW": "₩",
	"NGN": "₦",
	"PHP": "₱",
	"TRY": "₺",
	"UAH": "₴",
	"USD": "$",
	"VND": "₫",
}

// Format renders minor units of c for people: the currency's sign (or its code and a space when it has no
// unambiguous sign), the whole part grouped in thousands with ",", and the exponent's digits after ".".
// Format(123456, "USD") is "$1,234.56", Format(1234, "JPY") is "¥1,234", Format(1234567, "KWD") is
// "KWD 1,234.567", and negative amounts start with "-": "-$5.00". It is one locale-neutral style for receipts,
// dashboards and e-mails; it is not for parsing back (use Decimal and ParseDecimal).
func Format(minor int64, c Currency) string {
	negative, whole, frac := split(minor, c)
	var b strings.Builder
	if negative {
		b.WriteByte('-')
	}
	if sign, ok := symbols[c]; ok {
		b.WriteString(sign)
	} else if c != "" {
		b.WriteString(string(c))
		b.WriteByte(' ')
	}
	for i := range len(whole) {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(whole[i])
	}
	if frac != "" {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}
