package vault

// Brand is the card network a number belongs to, as told by its leading digits (the issuer identification number,
// IIN). It decides the CVV length and what the dashboard shows; routing and acceptance are the provider's business,
// so a number of an unknown brand is still a valid card.
type Brand string

// The brands DetectBrand can tell apart.
const (
	BrandVisa       Brand = "visa"
	BrandMastercard Brand = "mastercard"
	BrandAmex       Brand = "amex"
	BrandDiscover   Brand = "discover"
	BrandRuPay      Brand = "rupay"
	BrandJCB        Brand = "jcb"
	BrandDiners     Brand = "diners"
	BrandUnionPay   Brand = "unionpay"
	BrandUnknown    Brand = "unknown"
)

// iinRange is an inclusive range of IIN prefixes of a fixed number of digits: {lo: 2221, hi: 2720, digits: 4} holds
// every number whose first four digits lie between 2221 and 2720.
type iinRange struct {
	lo, hi int
	digits int
	brand  Brand
}

// iinRanges is searched in order and the first match wins, so a narrow range carved out of a wider one of another
// brand must come first. Every range is the narrowest claim we could back with a source; where the sources disagree
// we keep the narrower one, because "unknown" costs nothing (the card is still accepted, any 3- or 4-digit CVV
// passes) while a wrong brand asks for the wrong CVV length and shows the wrong network to the merchant.
//
// Sources:
//   - [W] Wikipedia, "Payment card number", table of issuer identification numbers (revision of 2024), which cites
//     the networks' own publications; ISO/IEC 7812-1 defines the numbering scheme itself.
//   - [M] Mastercard's 2-series BIN range, 2221–2720, announced in 2014 and accepted since 2017 (also in [W]).
//   - [R] The RuPay table of an Indian acquirer's checkout front end (Razorpay checkout, card network detection):
//     508500–508999, 606985–607984, 608001–608500, 652150–653149, 817200–820199. Other public checkout scripts carry
//     the first four with small differences at the edges. NPCI, which runs RuPay, does not publish its IIN table.
//
// Decisions where the sources overlap:
//   - RuPay: [W] lists 60, 65, 81, 82, 508, 353 and 356. Taken whole, 60 would swallow other schemes (Discover's
//     6011, Brazil's Hipercard 606282, Argentina's Cabal 604203), 65 is Discover's, 508 holds Maestro IINs issued
//     in India (508125, 508227, …), and 353/356 are JCB's. We keep only the sub-ranges of [R], which also narrows
//     81–82 to 817200–820199; the rest of 81–82 is unknown rather than guessed.
//   - 652150–653149 hold RuPay's international cards, accepted abroad through Discover's network (the RuPay–Discover
//     alliance): RuPay, because that is the brand on the card; the rest of 65 is Discover.
//   - 353 and 356 carry RuPay–JCB co-branded cards, but they sit inside JCB's own 3528–3589 next to JCB cards issued
//     in Japan that nothing tells apart by prefix; they are JCB, and the JCB network routes both.
//   - 622126–622925 is listed by Discover [W] because UnionPay cards are accepted on its network; the cards are
//     UnionPay's, so the whole of 62 is UnionPay.
//   - Mastercard's 51–55 includes Diners Club cards issued in the United States and Canada, processed as Mastercard:
//     Mastercard.
var iinRanges = [...]iinRange{
	// RuPay [R], six digits, ahead of Discover's 65.
	{508500, 508999, 6, BrandRuPay},
	{606985, 607984, 6, BrandRuPay},
	{608001, 608500, 6, BrandRuPay},
	{652150, 653149, 6, BrandRuPay},
	{817200, 820199, 6, BrandRuPay},

	// Four digits.
	{2221, 2720, 4, BrandMastercard}, // [M]
	{3528, 3589, 4, BrandJCB},        // [W]
	{3095, 3095, 4, BrandDiners},     // [W] Diners Club International
	{6011, 6011, 4, BrandDiscover},   // [W]

	// Three digits.
	{300, 305, 3, BrandDiners},   // [W] Diners Club International (formerly Carte Blanche)
	{644, 649, 3, BrandDiscover}, // [W]

	// Two digits.
	{34, 34, 2, BrandAmex},       // [W]
	{37, 37, 2, BrandAmex},       // [W]
	{36, 36, 2, BrandDiners},     // [W]
	{38, 39, 2, BrandDiners},     // [W]
	{51, 55, 2, BrandMastercard}, // [W]
	{62, 62, 2, BrandUnionPay},   // [W]
	{65, 65, 2, BrandDiscover},   // [W]

	// One digit.
	{4, 4, 1, BrandVisa}, // [W]
}

// maxIINDigits is the longest prefix any range in iinRanges looks at.
const maxIINDigits = 6

// DetectBrand returns the brand of a card number from its leading digits. Spaces and dashes are skipped and reading
// stops at any other character, so a number as typed ("4242 42") or a bare prefix works; a range is only matched
// once the number has as many digits as the range's bounds, so "65" is Discover until the digits that could make it
// RuPay are known. The length of the number is not looked at: validity is NormalizeNumber's job.
func DetectBrand(number string) Brand {
	var prefix [maxIINDigits]int
	n := 0
	for i := 0; i < len(number) && n < maxIINDigits; i++ {
		c := number[i]
		switch {
		case c == ' ' || c == '-':
			continue
		case c >= '0' && c <= '9':
			prefix[n] = int(c - '0')
			n++
		default:
			i = len(number) // stop reading
		}
	}
	for _, r := range iinRanges {
		if r.digits > n {
			continue
		}
		v := 0
		for _, d := range prefix[:r.digits] {
			v = v*10 + d
		}
		if v >= r.lo && v <= r.hi {
			return r.brand
		}
	}
	return BrandUnknown
}
