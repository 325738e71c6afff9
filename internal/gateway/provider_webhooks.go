package gateway

import (
	"context"
	"errors"
	"strings"

	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/provider"
	"github.com/kassapay/kassa/internal/store"
)

// ReceiveProviderWebhook takes a processor's webhook delivery for a payment profile
// (POST /providers/{profile}/webhooks): the connector verifies its signature with the profile's signing secret, the
// event is recorded once per profile (a redelivery is acknowledged and not applied again), and an outcome it reports
// settles the payment it names if that payment is still pending, exactly as the answer to Kassa's own call would
// have (phase 3 of §5: transaction, status, journal, events), in the same transaction that records the event.
// header reads a request header.
func (g *Gateway) ReceiveProviderWebhook(ctx context.Context, profileID string, payload []byte, header func(string) string) error {
	if !id.HasPrefix(profileID, "prof_") {
		return NotFound("payment profile", profileID)
	}
	prof, err := g.store.GetPaymentProfileByID(ctx, profileID)
	if err != nil {
		return notFoundAs(err, "payment profile", profileID)
	}
	prov, err := g.connect(prof)
	if err != nil {
		return err
	}
	receiver, ok := prov.(provider.WebhookReceiver)
	if !ok {
		return InvalidParam("id", "webhooks_not_supported", "This profile's connector takes no webhooks.")
	}
	creds, err := g.profileCredentials(prof)
	if err != nil {
		return err
	}
	if creds.WebhookSecret == "" {
		return Errorf(KindUnprocessable, "webhook_secret_missing", "The profile has no webhook signing secret; add one (PATCH /api/v1/payment-profiles/%s).", prof.ID)
	}
	in, err := receiver.VerifyWebhook(payload, header(receiver.SignatureHeader()), creds.WebhookSecret, g.Now())
	if err != nil {
		g.log.WarnContext(ctx, "processor webhook refused", "profile_id", prof.ID, "err", err)
		if errors.Is(err, provider.ErrWebhookPayload) {
			return InvalidParam("body", "invalid_webhook_payload", "The delivery is not an event this connector can read.")
		}
		return &Error{Kind: KindInvalid, Code: "invalid_webhook_signature", Param: receiver.SignatureHeader(),
			Message: "The signature does not verify: unsigned, signed with another secret, altered, or too old."}
	}
	return g.store.InTx(ctx, func(tx store.Tx) error {
		fresh, err := tx.InsertProviderEvent(ctx, prof.ID, in.ID, in.Type, g.Now())
		if err != nil || !fresh || in.Result == nil {
			return err
		}
		if sessionID, ok := hostedSessionOfInbound(in, prof.ID); ok {
			// A payment on the processor's hosted page: the signed event is the processor's own word, so a
			// succeeded one records the payment, as the customer's return would have.
			_, err := g.settleHostedPageTx(ctx, tx, sessionID, prof, prov.Name(), *in.Result)
			if errors.Is(err, store.ErrNotFound) {
				return nil
			}
			return err
		}
		p, err := g.paymentOfInbound(ctx, tx, prof.ID, in)
		if errors.Is(err, store.ErrNotFound) {
			return nil // about a payment Kassa did not make (or no longer follows): acknowledged
		}
		if err != nil {
			return err
		}
		if p.Status != payment.StatusPending {
			return nil // settled already, by the call's own answer or by recovery
		}
		g.log.InfoContext(ctx, "processor webhook settles a pending payment", "payment_id", p.ID, "event", in.Type)
		_, err = g.recordCardOutcome(ctx, tx, &p, *in.Result, true)
		return err
	})
}

// paymentOfInbound finds, under its row lock, the payment an inbound event is about: by the processor's id, else by
// the idempotency key Kassa sent (a payment whose answer never arrived has no processor id yet).
func (g *Gateway) paymentOfInbound(ctx context.Context, tx store.Tx, profileID string, in provider.Inbound) (payment.Payment, error) {
	paymentID := ""
	if in.ProviderTransactionID != "" {
		p, err := tx.GetPaymentByProviderTransactionID(ctx, profileID, in.ProviderTransactionID)
		if err == nil {
			paymentID = p.ID
		} else if !errors.Is(err, store.ErrNotFound) {
			return p, err
		}
	}
	if paymentID == "" {
		if before, _, ok := strings.Cut(in.IdempotencyKey, ":"); ok && id.HasPrefix(before, "pay_") {
			paymentID = before
		}
	}
	if paymentID == "" {
		return payment.Payment{}, store.ErrNotFound
	}
	p, err := tx.LockPayment(ctx, paymentID)
	if err == nil && p.ProfileID != profileID {
		return payment.Payment{}, store.ErrNotFound
	}
	return p, err
}
