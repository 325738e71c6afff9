// Code generated from ../postgres/queries_wallet.go by go generate; DO NOT EDIT.

package sqlite

import (
	"context"
	"time"

	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/store/sqlite/litedb"
	"github.com/kassapay/kassa/internal/vault"
	"github.com/kassapay/kassa/internal/wallet"
)

func shopperFromRow(r litedb.Shopper) wallet.Shopper {
	return wallet.Shopper{ID: r.ID, Email: r.Email, Phone: r.Phone, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

func walletCardFromRow(r litedb.WalletCard) wallet.Card {
	return wallet.Card{
		ID: r.ID, ShopperID: r.ShopperID, Livemode: r.Livemode, CreatedAt: r.CreatedAt.UTC(), RemovedAt: utcPtr(r.RemovedAt),
		Sealed: vault.Sealed{
			Ciphertext: r.Ciphertext, WrappedKey: r.WrappedKey, KeyVersion: int(r.KeyVersion), Fingerprint: r.Fingerprint,
			Display: vault.Display{Brand: vault.Brand(r.Brand), First6: r.First6, Last4: r.Last4, ExpMonth: int(r.ExpMonth), ExpYear: int(r.ExpYear)},
		},
	}
}

func consentFromRow(r litedb.WalletConsent) wallet.Consent {
	return wallet.Consent{PaymentMethodID: r.PaymentMethodID, MerchantID: r.MerchantID, GrantedAt: r.GrantedAt.UTC(),
		ClientIP: r.ClientIp, RevokedAt: utcPtr(r.RevokedAt)}
}

func codeFromRow(r litedb.WalletCode) wallet.Code {
	return wallet.Code{ID: r.ID, Email: r.Email, MAC: r.CodeMac, ClientIP: r.ClientIp, Attempts: int(r.Attempts),
		CreatedAt: r.CreatedAt.UTC(), ExpiresAt: r.ExpiresAt.UTC(), UsedAt: utcPtr(r.UsedAt)}
}

func (s queries) UpsertShopper(ctx context.Context, sh wallet.Shopper) (wallet.Shopper, error) {
	r, err := s.q.UpsertShopper(ctx, litedb.UpsertShopperParams{ID: sh.ID, Email: sh.Email, CreatedAt: ts(sh.CreatedAt)})
	if err != nil {
		return wallet.Shopper{}, mapErr(err)
	}
	return shopperFromRow(r), nil
}

func (s queries) GetShopper(ctx context.Context, shopperID string) (wallet.Shopper, error) {
	r, err := s.q.GetShopper(ctx, shopperID)
	if err != nil {
		return wallet.Shopper{}, mapErr(err)
	}
	return shopperFromRow(r), nil
}

func (s queries) GetShopperByEmail(ctx context.Context, email string) (wallet.Shopper, error) {
	r, err := s.q.GetShopperByEmail(ctx, email)
	if err != nil {
		return wallet.Shopper{}, mapErr(err)
	}
	return shopperFromRow(r), nil
}

func (s queries) InsertWalletCard(ctx context.Context, c wallet.Card) error {
	d := c.Sealed.Display
	return mapErr(s.q.InsertWalletCard(ctx, litedb.InsertWalletCardParams{
		ID: c.ID, ShopperID: c.ShopperID, Livemode: c.Livemode, Brand: string(d.Brand), First6: d.First6, Last4: d.Last4,
		ExpMonth: int64(d.ExpMonth), ExpYear: int64(d.ExpYear), Fingerprint: c.Sealed.Fingerprint,
		Ciphertext: c.Sealed.Ciphertext, WrappedKey: c.Sealed.WrappedKey, KeyVersion: int64(c.Sealed.KeyVersion),
		CreatedAt: ts(c.CreatedAt),
	}))
}

func (s queries) GetWalletCard(ctx context.Context, cardID string) (wallet.Card, error) {
	r, err := s.q.GetWalletCard(ctx, cardID)
	if err != nil {
		return wallet.Card{}, mapErr(err)
	}
	return walletCardFromRow(r), nil
}

func (s queries) GetWalletCardByFingerprint(ctx context.Context, shopperID string, livemode bool, fingerprint string) (wallet.Card, error) {
	r, err := s.q.GetWalletCardByFingerprint(ctx, litedb.GetWalletCardByFingerprintParams{ShopperID: shopperID, Livemode: livemode, Fingerprint: fingerprint})
	if err != nil {
		return wallet.Card{}, mapErr(err)
	}
	return walletCardFromRow(r), nil
}

func (s queries) ListWalletCards(ctx context.Context, shopperID string, livemode bool) ([]wallet.Card, error) {
	rows, err := s.q.ListWalletCards(ctx, litedb.ListWalletCardsParams{ShopperID: shopperID, Livemode: livemode})
	return mapRows(rows, err, walletCardFromRow)
}

func (s queries) RemoveWalletCard(ctx context.Context, shopperID, cardID string, at time.Time) error {
	n, err := s.q.RemoveWalletCard(ctx, litedb.RemoveWalletCardParams{RemovedAt: tsPtr(&at), Empty: []byte{}, ID: cardID, ShopperID: shopperID})
	return rowsErr(n, err, store.ErrNotFound)
}

func (s queries) UpsertWalletConsent(ctx context.Context, c wallet.Consent) error {
	return mapErr(s.q.UpsertWalletConsent(ctx, litedb.UpsertWalletConsentParams{
		PaymentMethodID: c.PaymentMethodID, MerchantID: c.MerchantID, GrantedAt: ts(c.GrantedAt), ClientIp: c.ClientIP,
	}))
}

func (s queries) RevokeWalletConsent(ctx context.Context, cardID, merchantID string, at time.Time) error {
	n, err := s.q.RevokeWalletConsent(ctx, litedb.RevokeWalletConsentParams{RevokedAt: tsPtr(&at), PaymentMethodID: cardID, MerchantID: merchantID})
	return rowsErr(n, err, store.ErrNotFound)
}

func (s queries) GetWalletConsent(ctx context.Context, cardID, merchantID string) (wallet.Consent, error) {
	r, err := s.q.GetWalletConsent(ctx, litedb.GetWalletConsentParams{PaymentMethodID: cardID, MerchantID: merchantID})
	if err != nil {
		return wallet.Consent{}, mapErr(err)
	}
	return consentFromRow(r), nil
}

func (s queries) ListWalletConsentsOfShopper(ctx context.Context, shopperID string) ([]wallet.Consent, error) {
	rows, err := s.q.ListWalletConsentsOfShopper(ctx, shopperID)
	return mapRows(rows, err, consentFromRow)
}

func (s queries) ListConsentedWalletCards(ctx context.Context, merchantID string, livemode bool, shopperID string, limit int) ([]wallet.Card, error) {
	rows, err := s.q.ListConsentedWalletCards(ctx, litedb.ListConsentedWalletCardsParams{
		MerchantID: merchantID, Livemode: livemode, ShopperID: shopperID, RowLimit: int64(limit),
	})
	return mapRows(rows, err, walletCardFromRow)
}

func (s queries) InsertWalletCode(ctx context.Context, c wallet.Code) error {
	return mapErr(s.q.InsertWalletCode(ctx, litedb.InsertWalletCodeParams{
		ID: c.ID, Email: c.Email, CodeMac: c.MAC, ClientIp: c.ClientIP, CreatedAt: ts(c.CreatedAt), ExpiresAt: ts(c.ExpiresAt),
	}))
}

func (s queries) CountRecentWalletCodes(ctx context.Context, email, ip string, since time.Time) (int, int, error) {
	r, err := s.q.CountRecentWalletCodes(ctx, litedb.CountRecentWalletCodesParams{Email: email, Since: ts(since), ClientIp: ip})
	if err != nil {
		return 0, 0, mapErr(err)
	}
	return int(r.ByEmail), int(r.ByIp), nil
}

func (s queries) LatestWalletCode(ctx context.Context, email string) (wallet.Code, error) {
	r, err := s.q.LatestWalletCode(ctx, email)
	if err != nil {
		return wallet.Code{}, mapErr(err)
	}
	return codeFromRow(r), nil
}

func (s queries) TryWalletCode(ctx context.Context, codeID string, now time.Time) (wallet.Code, error) {
	r, err := s.q.TryWalletCode(ctx, litedb.TryWalletCodeParams{ID: codeID, Now: ts(now), MaxTries: wallet.CodeTries})
	if err != nil {
		return wallet.Code{}, mapErr(err)
	}
	return codeFromRow(r), nil
}

func (s queries) UseWalletCode(ctx context.Context, codeID string, at time.Time) error {
	n, err := s.q.UseWalletCode(ctx, litedb.UseWalletCodeParams{UsedAt: tsPtr(&at), ID: codeID})
	return rowsErr(n, err, store.ErrNotFound)
}

func (s queries) DeleteWalletCodesBefore(ctx context.Context, before time.Time) (int, error) {
	n, err := s.q.DeleteWalletCodesBefore(ctx, ts(before))
	return int(n), mapErr(err)
}

func (s queries) InsertWalletSession(ctx context.Context, ws wallet.Session) error {
	return mapErr(s.q.InsertWalletSession(ctx, litedb.InsertWalletSessionParams{
		TokenHash: ws.TokenHash, ShopperID: ws.ShopperID, CreatedAt: ts(ws.CreatedAt), ExpiresAt: ts(ws.ExpiresAt),
	}))
}

func (s queries) GetWalletSession(ctx context.Context, tokenHash string, now time.Time) (wallet.Session, error) {
	r, err := s.q.GetWalletSession(ctx, litedb.GetWalletSessionParams{TokenHash: tokenHash, Now: ts(now)})
	if err != nil {
		return wallet.Session{}, mapErr(err)
	}
	return wallet.Session{TokenHash: r.TokenHash, ShopperID: r.ShopperID, CreatedAt: r.CreatedAt.UTC(), ExpiresAt: r.ExpiresAt.UTC()}, nil
}

func (s queries) DeleteWalletSession(ctx context.Context, tokenHash string) error {
	return mapErr(s.q.DeleteWalletSession(ctx, tokenHash))
}

func (s queries) DeleteWalletSessionsBefore(ctx context.Context, before time.Time) (int, error) {
	n, err := s.q.DeleteWalletSessionsBefore(ctx, ts(before))
	return int(n), mapErr(err)
}

func adminKeyFromRow(r litedb.AdminKey) store.AdminKey {
	return store.AdminKey{ID: r.ID, Hash: r.KeyHash, Description: r.Description, CreatedAt: r.CreatedAt.UTC(), RevokedAt: utcPtr(r.RevokedAt)}
}

func (s queries) InsertAdminKey(ctx context.Context, k store.AdminKey) error {
	return mapErr(s.q.InsertAdminKey(ctx, litedb.InsertAdminKeyParams{ID: k.ID, KeyHash: k.Hash, Description: k.Description, CreatedAt: ts(k.CreatedAt)}))
}

func (s queries) GetAdminKeyByHash(ctx context.Context, hash string) (store.AdminKey, error) {
	r, err := s.q.GetAdminKeyByHash(ctx, hash)
	if err != nil {
		return store.AdminKey{}, mapErr(err)
	}
	return adminKeyFromRow(r), nil
}

func (s queries) ListAdminKeys(ctx context.Context) ([]store.AdminKey, error) {
	rows, err := s.q.ListAdminKeys(ctx)
	return mapRows(rows, err, adminKeyFromRow)
}

func (s queries) RevokeAdminKey(ctx context.Context, keyID string, at time.Time) error {
	n, err := s.q.RevokeAdminKey(ctx, litedb.RevokeAdminKeyParams{RevokedAt: tsPtr(&at), ID: keyID})
	return rowsErr(n, err, store.ErrNotFound)
}

func (s queries) LinkCustomerToShopper(ctx context.Context, merchantID string, livemode bool, customerID, shopperID string) error {
	n, err := s.q.LinkCustomerToShopper(ctx, litedb.LinkCustomerToShopperParams{ShopperID: strPtr(shopperID), ID: customerID, MerchantID: merchantID, Livemode: livemode})
	return rowsErr(n, err, store.ErrNotFound)
}
