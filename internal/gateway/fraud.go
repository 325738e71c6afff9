package gateway

// Fraud scoring of every card attempt, before its provider call: the signals of internal/fraud's Input come from
// the merchant's earlier payments (every attempt is a payment row, declined ones included), its blocklist and its
// settings.

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kassapay/kassa/internal/field"
	"github.com/kassapay/kassa/internal/fraud"
	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/vault"
)

// SandboxFraudCard is the documented test card the fraud rules always decline in test mode (docs/architecture.md §10).
const SandboxFraudCard = "4000000000000259"

// Windows of the typical-amount signal.
const (
	typicalAmountWindow = 30 * 24 * time.Hour
	typicalAmountSample = 100
)

// assessFraud scores a card attempt before its provider call and stores the assessment on p; decline says the
// rules declined it.
func (g *Gateway) assessFraud(ctx context.Context, tx store.Tx, p *payment.Payment, card vault.Card) (bool, error) {
	settings, err := fraudSettingsOf(ctx, tx, p.MerchantID, p.Livemode)
	if err != nil {
		return false, err
	}
	in, err := g.fraudInput(ctx, tx, *p, card)
	if err != nil {
		return false, err
	}
	a := fraud.Assess(in, settings)
	p.Fraud = payment.Fraud{Score: a.Score, Decision: string(a.Decision), Reasons: make([]payment.FraudReason, 0, len(a.Reasons))}
	for _, r := range a.Reasons {
		p.Fraud.Reasons = append(p.Fraud.Reasons, payment.FraudReason{Rule: string(r.Rule), Points: r.Points, Message: r.Message})
	}
	return a.Decision == fraud.DecisionDecline, nil
}

// fraudInput gathers the signals of one attempt from the store, in one read.
func (g *Gateway) fraudInput(ctx context.Context, q store.Queries, p payment.Payment, card vault.Card) (fraud.Input, error) {
	now := g.Now()
	k := store.AttemptKey{MerchantID: p.MerchantID, Livemode: p.Livemode, MinuteAgo: now.Add(-time.Minute), HourAgo: now.Add(-time.Hour),
		DayAgo: now.Add(-24 * time.Hour), AmountsSince: now.Add(-typicalAmountWindow), AmountsLimit: typicalAmountSample,
		CountLimit: fraud.CountLimit}
	in := fraud.Input{Amount: p.Amount, SandboxFraudCard: !p.Livemode && card.Number == SandboxFraudCard}
	a := store.Attempt{CardFingerprint: p.CardFingerprint, ClientIP: p.ClientIP, Email: strings.ToLower(p.CustomerEmail), Currency: p.Currency}
	a.BIN = card.Number
	if len(a.BIN) > 8 {
		a.BIN = a.BIN[:8]
	}
	if p.ClientIP != "" {
		a.BlockIP, _ = fraud.NormalizeBlockValue(fraud.BlockIP, p.ClientIP)
	}
	sig, err := q.CountAttemptSignals(ctx, k, a)
	if err != nil {
		return in, err
	}
	in.Card, in.IP, in.Email = fraud.Counts(sig.Card), fraud.Counts(sig.IP), fraud.Counts(sig.Email)
	in.DistinctCardsFromIP, in.RecentDeclines = sig.DistinctCardsFromIP, sig.RecentDeclines
	in.TypicalAmount, in.TypicalSample = median(sig.RecentAmounts), len(sig.RecentAmounts)
	for _, m := range sig.Blocked {
		in.Blocked = append(in.Blocked, fraud.BlockMatch{Kind: fraud.BlockKind(m.Kind), Value: m.Value})
	}
	return in, nil
}

// normalizeClientIP checks a client IP a caller supplied and returns it in the form the velocity counts and the
// blocklist compare ("" stays "").
func normalizeClientIP(ip string) (string, error) {
	if ip == "" {
		return "", nil
	}
	return fraud.NormalizeBlockValue(fraud.BlockIP, ip)
}

// median of amounts (0 for none).
func median(amounts []int64) int64 {
	if len(amounts) == 0 {
		return 0
	}
	s := slices.Clone(amounts)
	slices.Sort(s)
	return s[len(s)/2]
}

// fraudSettingsOf returns a merchant's fraud settings with the defaults filled in.
func fraudSettingsOf(ctx context.Context, q store.Queries, merchantID string, livemode bool) (fraud.Settings, error) {
	raw, err := q.GetFraudSettings(ctx, merchantID, livemode)
	if errors.Is(err, store.ErrNotFound) {
		return fraud.DefaultSettings(), nil
	}
	if err != nil {
		return fraud.Settings{}, err
	}
	var s fraud.Settings
	if err := json.Unmarshal(raw, &s); err != nil {
		return fraud.Settings{}, err
	}
	return s.WithDefaults(), nil
}

// FraudSettings returns the caller's fraud thresholds and weights (defaults filled in).
func (g *Gateway) FraudSettings(ctx context.Context, a Auth) (fraud.Settings, error) {
	return fraudSettingsOf(ctx, g.store, a.Merchant.ID, a.Livemode())
}

// FraudSettingsPatch changes thresholds and weights; nil fields and absent rules keep their value.
type FraudSettingsPatch struct {
	ReviewThreshold  *int
	DeclineThreshold *int
	Weights          map[string]int
}

// UpdateFraudSettings applies a patch, validated as a whole (fraud.Settings.Validate names the field at fault).
func (g *Gateway) UpdateFraudSettings(ctx context.Context, a Auth, patch FraudSettingsPatch) (fraud.Settings, error) {
	var out fraud.Settings
	err := g.store.InTx(ctx, func(tx store.Tx) error {
		if _, err := tx.LockMerchant(ctx, a.Merchant.ID); err != nil {
			return err
		}
		s, err := fraudSettingsOf(ctx, tx, a.Merchant.ID, a.Livemode())
		if err != nil {
			return err
		}
		if out, err = patch.apply(s); err != nil {
			return err
		}
		raw, err := json.Marshal(out)
		if err != nil {
			return err
		}
		return tx.PutFraudSettings(ctx, a.Merchant.ID, a.Livemode(), raw, g.Now())
	})
	return out, err
}

// CheckFraudSettings validates a patch against the caller's current settings without saving it.
func (g *Gateway) CheckFraudSettings(ctx context.Context, a Auth, patch FraudSettingsPatch) error {
	s, err := fraudSettingsOf(ctx, g.store, a.Merchant.ID, a.Livemode())
	if err != nil {
		return err
	}
	_, err = patch.apply(s)
	return err
}

// apply returns s with the patch applied, or the 400 naming the first invalid setting.
func (patch FraudSettingsPatch) apply(s fraud.Settings) (fraud.Settings, error) {
	if patch.ReviewThreshold != nil {
		s.ReviewThreshold = *patch.ReviewThreshold
	}
	if patch.DeclineThreshold != nil {
		s.DeclineThreshold = *patch.DeclineThreshold
	}
	for r, w := range patch.Weights {
		s.Weights[fraud.Rule(r)] = w
	}
	if err := s.Validate(); err != nil {
		var fe *field.Error
		if errors.As(err, &fe) {
			err = &field.Error{Field: "fraud." + fe.Field, Value: fe.Value, Detail: fe.Detail, Err: fe.Err} // as the merchant PATCH names it
		}
		return s, fieldError(err)
	}
	return s, nil
}

// BlockInput is a new blocklist entry. For kind card_fingerprint the value may also be a card number, which is
// turned into its fingerprint and never stored.
type BlockInput struct {
	Kind   string
	Value  string
	Reason string
}

// AddBlock adds an entry to the caller's blocklist; adding an existing kind and value returns the existing entry.
func (g *Gateway) AddBlock(ctx context.Context, a Auth, in BlockInput) (store.BlocklistEntry, bool, error) {
	in.maskCardNumbers()
	kind := fraud.BlockKind(in.Kind)
	if !kind.Valid() {
		return store.BlocklistEntry{}, false, InvalidParam("kind", "parameter_invalid", "kind must be one of card_fingerprint, email, ip, bin.")
	}
	if utf8.RuneCountInString(in.Reason) > 500 {
		return store.BlocklistEntry{}, false, InvalidParam("reason", "parameter_invalid", "reason is longer than 500 characters.")
	}
	value := in.Value
	if kind == fraud.BlockCardFingerprint && g.payments.Vault != nil {
		if number, err := vault.NormalizeNumber(value); err == nil {
			if fp, err := g.payments.Vault.Fingerprint(number); err == nil {
				value = fp
			}
		}
	}
	value, err := fraud.NormalizeBlockValue(kind, value)
	if err != nil {
		return store.BlocklistEntry{}, false, InvalidParam("value", "parameter_invalid", "value "+err.Error()+".")
	}
	now := g.Now()
	e := store.BlocklistEntry{ID: id.New("bl_", now), MerchantID: a.Merchant.ID, Livemode: a.Livemode(), Kind: string(kind),
		Value: value, Reason: in.Reason, CreatedAt: now}
	inserted, err := g.store.InsertBlocklistEntry(ctx, e)
	if err != nil {
		return e, false, err
	}
	if !inserted {
		e, err = g.store.GetBlocklistEntryByValue(ctx, a.Merchant.ID, a.Livemode(), string(kind), value)
	}
	return e, inserted, err
}

// ListBlocks returns a page of the caller's blocklist, newest first.
func (g *Gateway) ListBlocks(ctx context.Context, a Auth, kind string, page store.Page) ([]store.BlocklistEntry, bool, error) {
	want := page.Limit
	page.Limit++
	rows, err := g.store.ListBlocklist(ctx, a.Merchant.ID, a.Livemode(), kind, page)
	if err != nil {
		return nil, false, err
	}
	return trimPage(rows, want, false)
}

// RemoveBlock deletes an entry of the caller's blocklist.
func (g *Gateway) RemoveBlock(ctx context.Context, a Auth, entryID string) (store.BlocklistEntry, error) {
	if !id.HasPrefix(entryID, "bl_") {
		return store.BlocklistEntry{}, NotFound("blocklist entry", entryID)
	}
	e, err := g.store.GetBlocklistEntry(ctx, a.Merchant.ID, a.Livemode(), entryID)
	if err != nil {
		return e, notFoundAs(err, "blocklist entry", entryID)
	}
	return e, notFoundAs(g.store.DeleteBlocklistEntry(ctx, a.Merchant.ID, a.Livemode(), entryID), "blocklist entry", entryID)
}

// DeclineFraudulent is the decline code of an attempt the fraud rules declined before any provider call.
const DeclineFraudulent = "fraudulent"
