package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/kassapay/kassa/internal/customer"
	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/money"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/store"
)

// DirectInput is a card payment the merchant's server sends with the card data (document 002's authorize and
// sale): the merchant runs its own checkout form.
type DirectInput struct {
	Amount        int64
	Currency      string
	Card          CardInput
	CustomerEmail string
	CustomerName  string
	Description   string
	Metadata      json.RawMessage
	// ClientIP is the customer's address as the merchant saw it (optional), for the fraud rules.
	ClientIP string
}

// validateAmount checks an amount and currency; problems are appended.
func validateAmount(amount int64, currency string, add func(param, code, msg string)) {
	if amount <= 0 || amount > money.MaxAmount {
		add("amount", "invalid_amount", fmt.Sprintf("amount must be a positive integer in the currency's minor unit, at most %d.", money.MaxAmount))
	}
	if _, err := money.ParseCurrency(currency); err != nil {
		add("currency", "invalid_currency", "currency must be an ISO 4217 code in upper case, e.g. USD.")
	}
}

// validMetadata reports whether raw is absent or a JSON object of at most maxMetadataBytes.
func validMetadata(raw json.RawMessage) bool {
	t := strings.TrimSpace(string(raw))
	if t == "" || t == "null" {
		return true
	}
	var obj map[string]json.RawMessage
	return json.Unmarshal(raw, &obj) == nil && len(raw) <= maxMetadataBytes
}

// problemsError is the 400 of one or more invalid fields, or nil.
func problemsError(problems []Problem) error {
	if len(problems) == 0 {
		return nil
	}
	e := &Error{Kind: KindInvalid, Code: problems[0].Code, Param: problems[0].Param, Message: problems[0].Message}
	if len(problems) > 1 {
		e.Problems = problems
	}
	return e
}

// ChargeCard authorizes (capture false: held for 7 days, captured later) or sells (capture true) with card data
// sent by the merchant's server. The card is vaulted, the attempt is scored for fraud and the provider is called
// over the §5 protocol. A decline answers 402 card_declined with the decline code, the response code and the failed
// payment's id; a provider that does not answer leaves the payment pending for the recovery job.
func (g *Gateway) ChargeCard(ctx context.Context, a Auth, in DirectInput, capture bool) (payment.Payment, error) {
	if paymentID := resumePoint(ctx, "pay_"); paymentID != "" {
		return g.resumeCardPayment(ctx, a, paymentID)
	}
	in.maskCardNumbers()
	var problems []Problem
	add := func(param, code, msg string) {
		problems = append(problems, Problem{Param: param, Code: code, Message: msg})
	}
	validateAmount(in.Amount, in.Currency, add)
	if in.CustomerEmail != "" && !customer.ValidEmail(in.CustomerEmail) {
		add("customer.email", "parameter_invalid", "customer.email must be an email address.")
	}
	if !customer.Printable(in.CustomerName) || utf8.RuneCountInString(in.CustomerName) > 200 {
		add("customer.name", "parameter_invalid", "customer.name must be at most 200 printable characters.")
	}
	if !customer.Printable(in.Card.Name) || utf8.RuneCountInString(in.Card.Name) > 200 {
		add("card.cardholder_name", "parameter_invalid", "card.cardholder_name must be at most 200 printable characters.")
	}
	if utf8.RuneCountInString(in.Description) > 1000 {
		add("description", "parameter_invalid", "description is longer than 1000 characters.")
	}
	if !validMetadata(in.Metadata) {
		add("metadata", "parameter_invalid", "metadata must be a JSON object of at most 8 KB.")
	}
	clientIP, ipErr := normalizeClientIP(in.ClientIP)
	if ipErr != nil {
		add("client_ip", "parameter_invalid", "client_ip must be an IPv4 or IPv6 address.")
	}
	if err := problemsError(problems); err != nil {
		return payment.Payment{}, err
	}
	card, err := g.validateCard(in.Card, directCardCodes)
	if err != nil {
		return payment.Payment{}, err
	}
	if a.Merchant.Status != merchant.StatusActive {
		return payment.Payment{}, errMerchantNotTakingPayments
	}
	prov, err := g.providerFor(a.Livemode())
	if err != nil {
		return payment.Payment{}, err
	}
	now := g.Now()
	method := payment.CaptureAutomatic
	if !capture {
		method = payment.CaptureManual
	}
	at := &cardAttempt{card: card, cvv: in.Card.CVV, prov: prov, p: payment.Payment{
		ID: id.New("pay_", now), MerchantID: a.Merchant.ID, Livemode: a.Livemode(), CaptureMethod: method,
		Amount: in.Amount, Currency: in.Currency, CustomerEmail: strings.ToLower(in.CustomerEmail),
		CustomerName: firstNonEmpty(in.CustomerName, in.Card.Name), Description: in.Description, Metadata: in.Metadata,
		SourceKind: SourceDirect, Provider: prov.Name(), Direct: payment.Direct{ClientIP: clientIP},
	}}
	at.p.SourceID = at.p.ID
	declined := false
	err = g.store.InTx(ctx, func(tx store.Tx) error {
		var err error
		if declined, err = g.beginCardPayment(ctx, tx, at); err != nil {
			return err
		}
		return g.bindRecoveryPoint(ctx, tx, at.p.ID)
	})
	if err != nil {
		return payment.Payment{}, err
	}
	p := at.p
	if !declined {
		res, ok := g.callCardProvider(ctx, at)
		if !ok {
			return p, nil
		}
		if p, err = g.finishCardPayment(ctx, p.ID, res); err != nil {
			return p, err
		}
	}
	if p.Status == payment.StatusFailed {
		return p, declineError(p)
	}
	return p, nil
}

// resumeCardPayment answers a retry that took over the idempotency key of a card payment whose first run died after
// its first phase: it finishes the payment the key made (asking the provider with the payment's own key, as the
// recovery job would) and answers as that run would have, a decline included. It never starts a second payment.
func (g *Gateway) resumeCardPayment(ctx context.Context, a Auth, paymentID string) (payment.Payment, error) {
	p, err := g.finishPendingCardPayment(ctx, paymentID)
	if err != nil {
		return payment.Payment{}, err
	}
	if p.MerchantID != a.Merchant.ID || p.Livemode != a.Livemode() {
		return payment.Payment{}, NotFound("payment", paymentID)
	}
	if p.Status == payment.StatusFailed {
		return p, declineError(p)
	}
	return p, nil
}

// finishPendingCardPayment returns a payment after giving a pending one the chance to finish now (RecoverPayment);
// when the provider still gives no outcome the payment stays pending for the recovery job, as after a request
// whose call went unanswered.
func (g *Gateway) finishPendingCardPayment(ctx context.Context, paymentID string) (payment.Payment, error) {
	p, err := g.store.GetPaymentByID(ctx, paymentID)
	if err != nil || p.Status != payment.StatusPending {
		return p, err
	}
	if err := g.RecoverPayment(ctx, paymentID); err != nil {
		g.log.WarnContext(ctx, "resuming a payment: the provider gave no outcome; recovery will ask again", "payment_id", paymentID, "err", err)
	}
	return g.store.GetPaymentByID(ctx, paymentID)
}
