package gateway

// Card numbers typed into free text (docs/architecture.md §9). A customer or a merchant's agent who types a card number
// into a reason, a description, a name or a metadata value must not have it stored in clear, in its row, its events or
// a stored idempotency response. Each input below masks its free-text fields with vault.MaskPANs (first six and last
// four kept); the use case that takes it calls the method as its first statement, before anything validates, stores or
// echoes the input. Masking keeps a string's length, so the length limits judge what was sent (a metadata number that
// is a card number becomes a string, two bytes longer).
//
// Left as sent, on purpose:
//   - the card number field itself, which goes to the vault;
//   - identifiers a merchant matches on: external_order_id, external_invoice_id, website_key, an intent's order_id
//     and an order's receipt ("your reference for the order"). A numeric reference of 13–19 digits passes the Luhn
//     check one time in ten; masking it would break the merchant's reconciliation for a tenth of its orders, and
//     these fields are set by the merchant's code, not typed by a customer;
//   - values with a validated format (emails, phone numbers, URLs, UPI addresses, blocklist values), which masking
//     would make invalid;
//   - metadata keys (names chosen by the merchant's code; see vault.MaskPANsInJSON).

import (
	"maps"

	"github.com/kassapay/kassa/internal/vault"
)

// maskCardNumbers masks the card numbers in one free-text value (vault.MaskPANs).
func maskCardNumbers(text string) string { return vault.MaskPANs(text) }

// maskCardNumbers masks the cardholder name. The number is left for validateCard and the vault.
func (c *CardInput) maskCardNumbers() {
	c.Name = maskCardNumbers(c.Name)
}

func (in *DirectInput) maskCardNumbers() {
	in.Card.maskCardNumbers()
	in.CustomerName = maskCardNumbers(in.CustomerName)
	in.Description = maskCardNumbers(in.Description)
	in.Metadata = vault.MaskPANsInJSON(in.Metadata)
}

func (in *SessionInput) maskCardNumbers() {
	in.Description = maskCardNumbers(in.Description)
	in.Customer.Name = maskCardNumbers(in.Customer.Name)
	in.Metadata = vault.MaskPANsInJSON(in.Metadata)
}

func (in *IntentInput) maskCardNumbers() {
	in.Description = maskCardNumbers(in.Description)
	in.Metadata = vault.MaskPANsInJSON(in.Metadata)
}

func (in *RefundInput) maskCardNumbers() {
	in.Reason = maskCardNumbers(in.Reason)
	in.Metadata = vault.MaskPANsInJSON(in.Metadata)
}

func (in *OrderInput) maskCardNumbers() {
	in.Notes = vault.MaskPANsInJSON(in.Notes)
}

func (in *OrderPaymentInput) maskCardNumbers() {
	if in.Card != nil {
		card := *in.Card // the caller's CardInput stays as it sent it
		card.maskCardNumbers()
		in.Card = &card
	}
}

func (in *CustomerInput) maskCardNumbers() {
	in.Name = maskCardNumbers(in.Name)
	in.Description = maskCardNumbers(in.Description)
	var masked map[string]string // a copy, made at the first change: the map is the caller's
	for k, v := range in.Metadata {
		if m := maskCardNumbers(v); m != v {
			if masked == nil {
				masked = maps.Clone(in.Metadata)
			}
			masked[k] = m
		}
	}
	if masked != nil {
		in.Metadata = masked
	}
}

func (in *EndpointInput) maskCardNumbers() {
	if in.Description != nil {
		d := maskCardNumbers(*in.Description)
		in.Description = &d
	}
}

func (in *BlockInput) maskCardNumbers() {
	in.Reason = maskCardNumbers(in.Reason)
}

func (in *NewMerchant) maskCardNumbers() {
	in.Name = maskCardNumbers(in.Name)
}

func (p *MerchantPatch) maskCardNumbers() {
	if p.Name != nil {
		n := maskCardNumbers(*p.Name)
		p.Name = &n
	}
}
