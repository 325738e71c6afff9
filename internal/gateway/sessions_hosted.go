package gateway

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/kassapay/kassa/internal/checkout"
	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/provider"
	"github.com/kassapay/kassa/internal/store"
)

// Processor-hosted pages (docs/architecture.md §14). A checkout session whose first route is a profile with
// hosted_page is paid on the processor's own page (Stripe Checkout) instead of Kassa's card form:
//
//   - CreateSession names the profile on the session; after the session is committed, openHostedPage opens the
//     processor's page with a key derived from the session and the profile, and stores its id and URL
//     (provider_checkout_url). An unknown answer leaves the URL unset and the next page load asks again with the
//     same key, which gives the same page; a refusal sends the session back to Kassa's own page.
//   - /checkout/{id} redirects to that page. The processor sends the customer back to /checkout/{id}/return (paid)
//     or /checkout/{id}/back (left without paying); neither is believed: ReturnFromProvider asks the processor for
//     the page's outcome, and only a succeeded answer (or the processor's signed webhook) records the payment.
//   - A session that is canceled or expires closes the processor's page first, so nobody can pay on it after
//     Kassa gave up on it; a customer who paid just before gets the payment recorded instead.
//
// The payment is recorded in one transaction under the session's row lock (settleHostedPage): a captured payment
// with its transaction naming the processor's payment, the ledger journal, the session paid and
// payment.succeeded. The return, the webhook and the expiry sweep may race; the lock lets one of them record it.

// errHostedPageUnavailable answers when the processor's page cannot be opened, checked or closed right now.
var errHostedPageUnavailable = &Error{Kind: KindUnavailable, Code: "provider_unavailable",
	Message: "The payment processor's page cannot be reached right now; try again in a moment."}

// errHostedSession refuses a card payment on Kassa's page for a session the processor's page takes.
var errHostedSession = &Error{Kind: KindConflict, Code: "provider_hosted_session",
	Message: "This checkout session is paid on the payment processor's page (provider_checkout_url), not with a card sent to Kassa."}

// hostedProfileFor returns the profile whose own page takes a new checkout session of this amount and currency:
// the first profile routing chooses for a card payment, when it is a hosted-page profile whose connector has pages.
// ok is false when Kassa's own page takes it.
func (g *Gateway) hostedProfileFor(ctx context.Context, q store.Queries, merchantID string, livemode bool, amount int64, currency string) (merchant.PaymentProfile, bool, error) {
	if g.payments.Vault == nil {
		return merchant.PaymentProfile{}, false, nil
	}
	profiles, err := g.profilesOf(ctx, q, merchant.Merchant{ID: merchantID}, livemode)
	if err != nil || !slices.ContainsFunc(profiles, func(p merchant.PaymentProfile) bool { return p.HostedPage }) {
		return merchant.PaymentProfile{}, false, err // the common case: no routing rules to read
	}
	r := provider.Route{Method: string(payment.MethodCard), Currency: currency, Amount: amount}
	chosen, err := g.selectProfiles(ctx, q, profiles, merchantID, livemode, r, func(merchant.PaymentProfile) bool { return true })
	if err != nil || len(chosen) == 0 || !chosen[0].HostedPage {
		return merchant.PaymentProfile{}, false, err
	}
	if _, err := g.hostedPages(chosen[0]); err != nil {
		return merchant.PaymentProfile{}, false, nil // a connector this instance lacks: Kassa's page
	}
	return chosen[0], true, nil
}

// hostedPages returns the hosted-page side of a profile's connector.
func (g *Gateway) hostedPages(p merchant.PaymentProfile) (provider.HostedPages, error) {
	prov, err := g.connect(p)
	if err != nil {
		return nil, err
	}
	pages, ok := prov.(provider.HostedPages)
	if !ok {
		return nil, fmt.Errorf("gateway: the %s connector of %s has no hosted page", p.Connector, p.ID)
	}
	return pages, nil
}

// hostedProfile reads the profile a session's page is on and its connector's pages.
func (g *Gateway) hostedProfile(ctx context.Context, s checkout.Session) (merchant.PaymentProfile, provider.HostedPages, error) {
	prof, err := g.store.GetPaymentProfile(ctx, s.MerchantID, s.Livemode, s.ProfileID)
	if err != nil {
		return prof, nil, fmt.Errorf("gateway: the profile %s of %s: %w", s.ProfileID, s.ID, err)
	}
	pages, err := g.hostedPages(prof)
	return prof, pages, err
}

// pageKey is the idempotency key of a session's page on a profile: asking again gives the same page.
func pageKey(s checkout.Session) string { return s.ID + "@" + s.ProfileID }

// pageRequest is what a session asks the processor's page for.
func (g *Gateway) pageRequest(s checkout.Session) provider.PageRequest {
	desc := s.Description
	if strings.TrimSpace(desc) == "" {
		desc = "Order " + s.ExternalOrderID
	}
	return provider.PageRequest{IdempotencyKey: pageKey(s), Amount: s.Amount, Currency: s.Currency, Description: desc,
		CustomerEmail: s.Customer.Email, ReturnURL: g.SessionURL(s) + "/return", CancelURL: g.SessionURL(s) + "/back",
		OpenedAt: s.CreatedAt, ExpiresAt: s.ExpiresAt}
}

// openHostedPage opens the processor's page of a session that has none yet and stores its id and URL; it answers the
// session as it then stands. A processor that refuses the page for good sends the session back to Kassa's own page
// (its profile is cleared); one that does not answer leaves it for the next call, which asks with the same key.
func (g *Gateway) openHostedPage(ctx context.Context, s checkout.Session) (checkout.Session, error) {
	prof, pages, err := g.hostedProfile(ctx, s)
	if err != nil {
		return s, err
	}
	callCtx, cancel := providerContext(ctx)
	defer cancel()
	page, err := pages.OpenPage(callCtx, g.pageRequest(s))
	refused := errors.Is(err, provider.ErrPageRefused)
	if err != nil && !refused {
		g.log.WarnContext(ctx, "the processor's page did not open; the next page load asks again", "session_id", s.ID,
			"profile_id", prof.ID, "err", err)
		return s, nil
	}
	if refused {
		g.log.WarnContext(ctx, "the processor refused a hosted page; the session is paid on Kassa's page", "session_id", s.ID,
			"profile_id", prof.ID, "err", err)
	}
	err = g.store.InTx(ctx, func(tx store.Tx) error {
		cur, err := tx.LockCheckoutSession(ctx, s.ID)
		if err != nil {
			return err
		}
		if cur.ProviderSessionID == "" && cur.ProfileID == prof.ID {
			if refused {
				cur.ProfileID = ""
			} else {
				cur.ProviderSessionID, cur.ProviderCheckoutURL = page.ID, page.URL
			}
			cur.UpdatedAt = g.Now()
			if err := tx.UpdateCheckoutSession(ctx, cur); err != nil {
				return err
			}
		}
		s = cur
		return nil
	})
	return s, err
}

// hostedPageNeeded reports whether a session is to be paid on a processor's page that is not open yet.
func hostedPageNeeded(s checkout.Session) bool {
	return s.ProfileID != "" && s.ProviderSessionID == "" && s.Status.Open() && s.Status != checkout.StatusPending
}

// ReturnFromProvider is the customer coming back from the processor's page (GET /checkout/{id}/return or /back):
// whatever the URL says, the processor is asked for the page's outcome, and a payment it reports is recorded
// (settleHostedPage). The answer is the session as it then stands; its redirect_url is set once it is paid.
func (g *Gateway) ReturnFromProvider(ctx context.Context, sessionID string) (PayResult, error) {
	s, err := g.GetCheckoutPage(ctx, sessionID)
	if err != nil {
		return PayResult{}, err
	}
	if s.ProviderSessionID == "" || !s.Status.Open() {
		return g.paidResult(ctx, s)
	}
	prof, pages, err := g.hostedProfile(ctx, s)
	if err != nil {
		return PayResult{}, err
	}
	callCtx, cancel := providerContext(ctx)
	defer cancel()
	res, err := pages.PageOutcome(callCtx, s.ProviderSessionID)
	if err != nil {
		g.log.WarnContext(ctx, "the processor did not say whether the customer paid", "session_id", s.ID, "err", err)
		return PayResult{}, errHostedPageUnavailable
	}
	if res.Status == provider.StatusSucceeded {
		if s, err = g.settleHostedPage(ctx, s.ID, prof, pages.Name(), res); err != nil {
			return PayResult{}, err
		}
	}
	return g.paidResult(ctx, s)
}

// paidResult answers a session as it stands, with its payment and the success redirect once it is paid.
func (g *Gateway) paidResult(ctx context.Context, s checkout.Session) (PayResult, error) {
	if s.PaymentID == "" {
		return PayResult{Session: s}, nil
	}
	p, err := g.store.GetPaymentByID(ctx, s.PaymentID)
	if err != nil {
		return PayResult{}, err
	}
	return payResult(p, s), nil
}

// settleHostedPage records the payment a processor's page took for a session, once: under the session's lock, an
// open session gets a captured payment on the profile (its transaction names the processor's payment), the ledger
// journal, and is paid with payment.succeeded. A session paid already is answered as it is.
func (g *Gateway) settleHostedPage(ctx context.Context, sessionID string, prof merchant.PaymentProfile, provName string, res provider.Result) (checkout.Session, error) {
	var s checkout.Session
	err := g.store.InTx(ctx, func(tx store.Tx) error {
		var err error
		s, err = g.settleHostedPageTx(ctx, tx, sessionID, prof, provName, res)
		return err
	})
	return s, err
}

// settleHostedPageTx is settleHostedPage inside tx; provName is the profile's provider's name, which the payment
// records.
func (g *Gateway) settleHostedPageTx(ctx context.Context, tx store.Tx, sessionID string, prof merchant.PaymentProfile, provName string, res provider.Result) (checkout.Session, error) {
	s, err := tx.LockCheckoutSession(ctx, sessionID)
	if err != nil {
		return s, err
	}
	if res.Status != provider.StatusSucceeded || s.ProfileID != prof.ID || !s.Status.Open() {
		return s, nil // nothing paid, or recorded already (by the return, the webhook or the sweep)
	}
	now := g.Now()
	p := payment.Payment{
		ID: id.New("pay_", now), MerchantID: s.MerchantID, Livemode: s.Livemode, Method: payment.MethodCard,
		CaptureMethod: payment.CaptureAutomatic, Status: payment.StatusPending, Amount: s.Amount, Currency: s.Currency,
		CustomerEmail: strings.ToLower(s.Customer.Email), CustomerName: s.Customer.Name, Description: s.Description,
		Metadata: s.Metadata, ExternalOrderID: s.ExternalOrderID, ExternalInvoiceID: s.ExternalInvoiceID,
		SourceKind: sourceKind(s.Kind), SourceID: s.ID, Provider: provName, ProfileID: prof.ID, CreatedAt: now, UpdatedAt: now,
	}
	if err := tx.InsertPayment(ctx, p); err != nil {
		return s, err
	}
	g.log.InfoContext(ctx, "the processor's page took a session's payment", "session_id", s.ID, "payment_id", p.ID,
		"profile_id", prof.ID, "provider_transaction_id", res.ProviderTransactionID)
	return g.recordCardOutcome(ctx, tx, &p, res, true)
}

// closeHostedPage closes the processor's page of a session before Kassa cancels or expires it, so that nobody pays
// on it afterwards. A customer who paid before it closed has the payment recorded, and paid is true: the session is
// not to be canceled, and settled is it as the payment left it. A session whose page may exist but whose id is unknown (the open call got no answer) asks the
// processor for it with the same key first. A processor that does not answer leaves the session as it is, with
// errHostedPageUnavailable.
func (g *Gateway) closeHostedPage(ctx context.Context, s checkout.Session) (settled checkout.Session, paid bool, err error) {
	if s.ProfileID == "" {
		return s, false, nil
	}
	if s.ProviderSessionID == "" {
		if s, err = g.openHostedPage(ctx, s); err != nil {
			return s, false, err
		}
		if s.ProfileID == "" {
			return s, false, nil // refused: there is no page to close
		}
		if s.ProviderSessionID == "" {
			return s, false, errHostedPageUnavailable
		}
	}
	prof, pages, err := g.hostedProfile(ctx, s)
	if err != nil {
		return s, false, err
	}
	callCtx, cancel := providerContext(ctx)
	defer cancel()
	res, err := pages.ClosePage(callCtx, s.ProviderSessionID)
	if err != nil {
		g.log.WarnContext(ctx, "the processor's page did not close; the session stays open", "session_id", s.ID, "err", err)
		return s, false, errHostedPageUnavailable
	}
	if res.Status != provider.StatusSucceeded {
		return s, false, nil
	}
	s, err = g.settleHostedPage(ctx, s.ID, prof, pages.Name(), res)
	return s, err == nil && s.Status == checkout.StatusPaid, err
}

// hostedSessionOfInbound finds the session a processor event is about when it is about a hosted page's payment:
// the key Kassa sent names the session and its profile (pageKey).
func hostedSessionOfInbound(in provider.Inbound, profileID string) (string, bool) {
	sessionID, prof, ok := strings.Cut(in.IdempotencyKey, "@")
	return sessionID, ok && prof == profileID && id.HasPrefix(sessionID, checkout.KindSession.Prefix())
}
