package gateway

import (
	"context"

	"github.com/kassapay/kassa/internal/checkout"
	"github.com/kassapay/kassa/internal/provider"
)

// intentPageStatus is how the hosted page shows an intent's status.
var intentPageStatus = map[checkout.IntentStatus]checkout.Status{
	checkout.IntentCreated:    checkout.StatusCreated,
	checkout.IntentProcessing: checkout.StatusPending,
	checkout.IntentAuthorized: checkout.StatusPaid,
	checkout.IntentCaptured:   checkout.StatusPaid,
	checkout.IntentCanceled:   checkout.StatusCanceled,
	checkout.IntentExpired:    checkout.StatusExpired,
	checkout.IntentFailed:     checkout.StatusFailed,
}

// intentPage presents an intent as the hosted page's Session (KindIntent), so one page serves sessions, links and
// intents. Its return URLs are already resolved for the intent.
func intentPage(pi checkout.Intent) checkout.Session {
	return checkout.Session{
		ID: pi.ID, Kind: checkout.KindIntent, MerchantID: pi.MerchantID, Livemode: pi.Livemode, ExternalOrderID: pi.ExternalOrderID,
		Amount: pi.Amount, Currency: pi.Currency, Description: pi.Description,
		SuccessURL: IntentRedirectURL(pi.SuccessURL, pi.ID), CancelURL: checkout.ResolveReturnURL(pi.CancelURL, pi.ID),
		Customer: checkout.Customer{Email: pi.CustomerEmail}, Status: intentPageStatus[pi.Status], FailedAttempts: pi.FailedAttempts,
		PaymentID: pi.PaymentID, FailureCode: pi.FailureCode, FailureMessage: pi.FailureMessage, ExpiresAt: pi.ExpiresAt,
		CreatedAt: pi.CreatedAt, UpdatedAt: pi.UpdatedAt,
	}
}

// GetIntentPage returns an intent for the hosted page, which needs its client secret like any confirm: a wrong
// secret, or the secret of a canceled intent, is 401 invalid_client_secret.
func (g *Gateway) GetIntentPage(ctx context.Context, intentID, secret string) (checkout.Session, error) {
	pi, err := g.GetPublicIntent(ctx, intentID)
	if err != nil {
		return checkout.Session{}, err
	}
	if !pi.SecretMatches(secret) || pi.Status == checkout.IntentCanceled {
		return checkout.Session{}, errInvalidClientSecret
	}
	return intentPage(pi), nil
}

// PayIntentPage is the hosted page's card form confirming an intent (ConfirmIntent). A decline is not an error
// here: the result's Session is failed, as for a session, so that the page shows it and offers another try.
func (g *Gateway) PayIntentPage(ctx context.Context, intentID, secret string, in CardInput, email string, scenario provider.Scenario, clientIP string) (PayResult, error) {
	res, err := g.ConfirmIntent(ctx, intentID, secret, in, email, clientIP, scenario)
	if e, ok := AsError(err); ok && e.Kind == KindCardDeclined {
		err = nil
	}
	if err != nil {
		return PayResult{}, err
	}
	return PayResult{Session: intentPage(res.Intent), Payment: res.Payment, RedirectURL: res.RedirectURL}, nil
}
