package gateway

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/mail"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/sealed"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/wallet"
	"github.com/kassapay/kassa/internal/webhook"
)

// WalletOptions configure the shoppers' wallet (DESIGN §15).
type WalletOptions struct {
	// Mail sends the one-time codes (KASSA_SMTP_URL). Nil: no e-mail; test mode then shows the code on the page
	// and live mode does not offer the wallet.
	Mail mail.Sender
	// Codes keys the MACs codes are stored as (a key derived from KASSA_MASTER_KEY). Nil: a per-process key.
	Codes *sealed.Box
}

// WalletAvailable reports whether the wallet is offered in a mode: always in test mode, in live mode only when
// codes can be e-mailed.
func (g *Gateway) WalletAvailable(livemode bool) bool { return !livemode || g.wallet.Mail != nil }

// CodeSent says how a code reached the shopper.
type CodeSent struct {
	// Email is the normalized address the code was sent to.
	Email string
	// ShowCode is the code itself, set only in test mode without SMTP: the page shows it under a TEST banner.
	ShowCode string
}

var (
	errWalletUnavailable = Errorf(KindUnprocessable, "wallet_unavailable",
		"The wallet needs e-mail to sign shoppers in; this instance has no SMTP server (KASSA_SMTP_URL).")
	errTooManyCodes = Errorf(KindRateLimited, "too_many_codes",
		"Too many codes were asked for recently. Wait a few minutes, then ask for a new one.")
	// errCodeInvalid is the one answer to a wrong, expired, used or exhausted code, or an e-mail with none.
	errCodeInvalid = InvalidParam("code", "code_invalid", "That code is wrong or has expired. Ask for a new one.")
)

// SendWalletCode e-mails a new one-time code to email (in test mode without SMTP it returns the code to show). At
// most wallet.CodesPerMail codes per e-mail and wallet.CodesPerIP per client IP go out in any wallet.CodeWindow.
func (g *Gateway) SendWalletCode(ctx context.Context, email, clientIP string, livemode bool) (CodeSent, error) {
	addr, err := wallet.NormalizeEmail(email)
	if err != nil {
		return CodeSent{}, InvalidParam("email", "email_invalid", "Enter a valid e-mail address, like you@example.com.")
	}
	if !g.WalletAvailable(livemode) {
		return CodeSent{}, errWalletUnavailable
	}
	now := g.Now()
	byEmail, byIP, err := g.store.CountRecentWalletCodes(ctx, addr, clientIP, now.Add(-wallet.CodeWindow))
	if err != nil {
		return CodeSent{}, err
	}
	// An unknown client address is not one address: it gets no shared per-IP limit (the e-mail's still applies).
	if byEmail >= wallet.CodesPerMail || clientIP != "" && byIP >= wallet.CodesPerIP {
		return CodeSent{}, errTooManyCodes
	}
	digits := wallet.NewCode()
	c := wallet.Code{ID: id.New("wc_", now), Email: addr, ClientIP: clientIP, CreatedAt: now, ExpiresAt: now.Add(wallet.CodeTTL)}
	c.MAC = hex.EncodeToString(g.wallet.Codes.MAC(wallet.CodeInput(c.ID, digits)))
	if err := g.store.InsertWalletCode(ctx, c); err != nil {
		return CodeSent{}, err
	}
	if g.wallet.Mail == nil {
		return CodeSent{Email: addr, ShowCode: digits}, nil
	}
	msg := mail.Message{To: addr, Subject: digits + " is your Kassa wallet code",
		Body: fmt.Sprintf("Your code: %s\n\nIt signs you in to your saved cards for the next %d minutes. If you did not ask for it, ignore this e-mail: nobody can use your cards without it.\n",
			digits, int(wallet.CodeTTL.Minutes()))}
	if err := g.wallet.Mail.Send(ctx, msg); err != nil {
		g.log.ErrorContext(ctx, "wallet: the code e-mail was not sent", "code_id", c.ID, "err", err)
		return CodeSent{}, Errorf(KindUnavailable, "mail_unavailable", "The code could not be e-mailed just now. Try again in a minute.")
	}
	return CodeSent{Email: addr}, nil
}

// VerifyWalletCode checks the digits against the newest code sent to email: each try counts before the comparison,
// at most wallet.CodeTries, and a code works once. It returns the shopper (made on first sign-in) and a session
// token for the browser. Every failure is the same code_invalid.
func (g *Gateway) VerifyWalletCode(ctx context.Context, email, digits string) (wallet.Shopper, string, error) {
	addr, err := wallet.NormalizeEmail(email)
	if err != nil || len(digits) != wallet.CodeDigits {
		return wallet.Shopper{}, "", errCodeInvalid
	}
	latest, err := g.store.LatestWalletCode(ctx, addr)
	if errors.Is(err, store.ErrNotFound) {
		return wallet.Shopper{}, "", errCodeInvalid
	} else if err != nil {
		return wallet.Shopper{}, "", err
	}
	now := g.Now()
	tried, err := g.store.TryWalletCode(ctx, latest.ID, now)
	if errors.Is(err, store.ErrNotFound) {
		return wallet.Shopper{}, "", errCodeInvalid
	} else if err != nil {
		return wallet.Shopper{}, "", err
	}
	want, err := hex.DecodeString(tried.MAC)
	if err != nil || !hmac.Equal(want, g.wallet.Codes.MAC(wallet.CodeInput(tried.ID, digits))) {
		return wallet.Shopper{}, "", errCodeInvalid
	}
	if err := g.store.UseWalletCode(ctx, tried.ID, now); errors.Is(err, store.ErrNotFound) {
		return wallet.Shopper{}, "", errCodeInvalid // another request used it first
	} else if err != nil {
		return wallet.Shopper{}, "", err
	}
	sh, err := g.store.UpsertShopper(ctx, wallet.Shopper{ID: id.New("shp_", now), Email: addr, CreatedAt: now})
	if err != nil {
		return wallet.Shopper{}, "", err
	}
	token := rand.Text() + rand.Text() // as a dashboard session's: only its hash is stored
	if err := g.store.InsertWalletSession(ctx, wallet.Session{TokenHash: hashToken(token), ShopperID: sh.ID, CreatedAt: now, ExpiresAt: now.Add(wallet.SessionTTL)}); err != nil {
		return wallet.Shopper{}, "", err
	}
	return sh, token, nil
}

// errWalletSignedOut answers a missing, wrong or expired wallet session.
var errWalletSignedOut = Errorf(KindUnauthenticated, "wallet_signed_out", "Sign in to your wallet with a code sent to your e-mail.")

// WalletShopper returns the shopper signed in with a session token.
func (g *Gateway) WalletShopper(ctx context.Context, token string) (wallet.Shopper, error) {
	if token == "" || len(token) > 128 {
		return wallet.Shopper{}, errWalletSignedOut
	}
	ws, err := g.store.GetWalletSession(ctx, hashToken(token), g.Now())
	if errors.Is(err, store.ErrNotFound) {
		return wallet.Shopper{}, errWalletSignedOut
	} else if err != nil {
		return wallet.Shopper{}, err
	}
	return g.store.GetShopper(ctx, ws.ShopperID)
}

// ReapWallet deletes the one-time codes and sessions that have expired (the periodic reaper). An expired code is
// past the send limits' window too, so the limits still count every code they need.
func (g *Gateway) ReapWallet(ctx context.Context) (codes, sessions int, err error) {
	now := g.Now()
	if codes, err = g.store.DeleteWalletCodesBefore(ctx, now); err != nil {
		return 0, 0, err
	}
	sessions, err = g.store.DeleteWalletSessionsBefore(ctx, now)
	return codes, sessions, err
}

// SignOutWallet ends a wallet session.
func (g *Gateway) SignOutWallet(ctx context.Context, token string) error {
	return g.store.DeleteWalletSession(ctx, hashToken(token))
}

// SavedCardData is the payment_method.saved event's object: the saved card as the merchant may see it.
type SavedCardData struct {
	ID       string `json:"id"`
	Object   string `json:"object"`
	Type     string `json:"type"`
	Livemode bool   `json:"livemode"`
	Brand    string `json:"brand"`
	Last4    string `json:"last4"`
	ExpMonth int    `json:"exp_month"`
	ExpYear  int    `json:"exp_year"`
	// PaymentID is the payment whose "remember this card" saved it.
	PaymentID string `json:"payment_id"`
	Email     string `json:"customer_email"`
}

// saveToWallet saves a successful payment's card to the wallet of its e-mail and records the merchant's consent,
// inside the transaction that records the outcome, so that a crash saves it with the outcome or not at all (the
// recovery job then records both). A card the shopper saved before is not saved twice: the consent is renewed. A
// card the vault cannot open again is logged and not saved; the payment's outcome stands. Saves for one e-mail at
// once serialize on the shopper's row, which the upsert locks, so the fingerprint read sees a card saved by a
// payment that committed first (TestCardRememberedTwiceAtOnce).
func (g *Gateway) saveToWallet(ctx context.Context, tx store.Tx, p payment.Payment, now time.Time) error {
	addr, err := wallet.NormalizeEmail(p.CustomerEmail)
	if err != nil || p.PaymentMethodID == "" || g.payments.Vault == nil {
		return nil
	}
	saved, err := tx.GetSavedCard(ctx, p.PaymentMethodID)
	if err != nil {
		return err
	}
	sh, err := tx.UpsertShopper(ctx, wallet.Shopper{ID: id.New("shp_", now), Email: addr, CreatedAt: now})
	if err != nil {
		return err
	}
	wc, err := tx.GetWalletCardByFingerprint(ctx, sh.ID, p.Livemode, saved.Sealed.Fingerprint)
	switch {
	case errors.Is(err, store.ErrNotFound):
		card, err := g.payments.Vault.Open(saved.ID, saved.Sealed)
		if err != nil {
			g.log.ErrorContext(ctx, "wallet: the payment's card could not be opened to save it", "payment_id", p.ID, "err", err)
			return nil
		}
		wc = wallet.Card{ID: id.New("pm_", now), ShopperID: sh.ID, Livemode: p.Livemode, CreatedAt: now}
		if wc.Sealed, err = g.payments.Vault.Seal(wc.ID, card); err != nil {
			g.log.ErrorContext(ctx, "wallet: the card could not be sealed", "payment_id", p.ID, "err", err)
			return nil
		}
		if err := tx.InsertWalletCard(ctx, wc); err != nil {
			return err
		}
	case err != nil:
		return err
	}
	if err := tx.UpsertWalletConsent(ctx, wallet.Consent{PaymentMethodID: wc.ID, MerchantID: p.MerchantID, GrantedAt: now, ClientIP: p.ClientIP}); err != nil {
		return err
	}
	d := wc.Sealed.Display
	_, err = g.RecordEvent(ctx, tx, EventInput{
		MerchantID: p.MerchantID, Livemode: p.Livemode, Type: webhook.EventPaymentMethodSaved, ObjectID: wc.ID,
		Data: SavedCardData{ID: wc.ID, Object: "payment_method", Type: "card", Livemode: wc.Livemode, Brand: string(d.Brand),
			Last4: d.Last4, ExpMonth: d.ExpMonth, ExpYear: d.ExpYear, PaymentID: p.ID, Email: addr},
	})
	return err
}
