// Code generated from ../postgres/queries_dashboard.go by go generate; DO NOT EDIT.

package sqlite

// Dashboard sessions, sign-in failures, merchant profiles, payment search and statistics.

import (
	"context"
	"math"
	"time"

	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/store/sqlite/litedb"
)

func (s queries) InsertDashboardSession(ctx context.Context, d store.DashboardSession) error {
	return mapErr(s.q.InsertDashboardSession(ctx, litedb.InsertDashboardSessionParams{
		TokenHash: d.TokenHash, UserID: d.UserID, MerchantID: strPtr(d.MerchantID), Livemode: d.Livemode,
		CreatedAt: ts(d.CreatedAt), ExpiresAt: ts(d.ExpiresAt),
	}))
}

func (s queries) GetDashboardSession(ctx context.Context, tokenHash string) (store.DashboardSession, error) {
	r, err := s.q.GetDashboardSession(ctx, tokenHash)
	if err != nil {
		return store.DashboardSession{}, mapErr(err)
	}
	return store.DashboardSession{
		TokenHash: r.TokenHash, UserID: r.UserID, MerchantID: str(r.MerchantID), Livemode: r.Livemode,
		CreatedAt: r.CreatedAt.UTC(), ExpiresAt: r.ExpiresAt.UTC(),
	}, nil
}

func (s queries) UpdateDashboardSession(ctx context.Context, d store.DashboardSession) error {
	n, err := s.q.UpdateDashboardSession(ctx, litedb.UpdateDashboardSessionParams{
		MerchantID: strPtr(d.MerchantID), Livemode: d.Livemode, TokenHash: d.TokenHash,
	})
	return rowsErr(n, err, store.ErrNotFound)
}

func (s queries) DeleteDashboardSession(ctx context.Context, tokenHash string) error {
	return mapErr(s.q.DeleteDashboardSession(ctx, tokenHash))
}

func (s queries) DeleteUserDashboardSessions(ctx context.Context, userID string) (int64, error) {
	n, err := s.q.DeleteUserDashboardSessions(ctx, userID)
	return n, mapErr(err)
}

func (s queries) DeleteExpiredDashboardSessions(ctx context.Context, now time.Time) (int64, error) {
	n, err := s.q.DeleteExpiredDashboardSessions(ctx, ts(now))
	return n, mapErr(err)
}

func (s queries) GetUser(ctx context.Context, userID string) (merchant.User, error) {
	r, err := s.q.GetUser(ctx, userID)
	if err != nil {
		return merchant.User{}, mapErr(err)
	}
	return merchant.User{
		ID: r.ID, MerchantID: str(r.MerchantID), Email: r.Email, PasswordHash: r.PasswordHash,
		Role: merchant.Role(r.Role), CreatedAt: r.CreatedAt.UTC(),
	}, nil
}

func (s queries) UpdateUserPassword(ctx context.Context, userID, passwordHash string) error {
	n, err := s.q.UpdateUserPassword(ctx, litedb.UpdateUserPasswordParams{PasswordHash: passwordHash, ID: userID})
	return rowsErr(n, err, store.ErrNotFound)
}

func (s queries) GetLoginFailures(ctx context.Context, email string) (store.LoginFailures, error) {
	r, err := s.q.GetLoginFailures(ctx, email)
	if err != nil {
		return store.LoginFailures{}, mapErr(err)
	}
	return store.LoginFailures{Email: r.Email, Failures: r.Failures, LockedUntil: tsPtr(r.LockedUntil), UpdatedAt: r.UpdatedAt.UTC()}, nil
}

func (s queries) CountLoginFailure(ctx context.Context, email string, now time.Time) (store.LoginFailures, error) {
	r, err := s.q.CountLoginFailure(ctx, litedb.CountLoginFailureParams{Email: email, UpdatedAt: ts(now)})
	if err != nil {
		return store.LoginFailures{}, mapErr(err)
	}
	return store.LoginFailures{Email: email, Failures: r.Failures, LockedUntil: tsPtr(r.LockedUntil), UpdatedAt: ts(now)}, nil
}

func (s queries) LockLoginFailures(ctx context.Context, email string, until time.Time) error {
	return mapErr(s.q.LockLoginFailures(ctx, litedb.LockLoginFailuresParams{Email: email, LockedUntil: tsPtr(&until)}))
}

func (s queries) DeleteLoginFailures(ctx context.Context, email string) error {
	return mapErr(s.q.DeleteLoginFailures(ctx, email))
}

func (s queries) GetMerchantProfile(ctx context.Context, merchantID string) (merchant.Profile, error) {
	r, err := s.q.GetMerchantProfile(ctx, merchantID)
	if err != nil {
		return merchant.Profile{}, mapErr(err)
	}
	return merchant.Profile{
		MerchantID: r.MerchantID, TimeZone: r.TimeZone, AccentColor: r.AccentColor, LogoURL: r.LogoUrl,
		UpdatedAt: r.UpdatedAt.UTC(),
	}, nil
}

func (s queries) SaveMerchantProfile(ctx context.Context, p merchant.Profile) error {
	return mapErr(s.q.UpsertMerchantProfile(ctx, litedb.UpsertMerchantProfileParams{
		MerchantID: p.MerchantID, TimeZone: p.TimeZone, AccentColor: p.AccentColor, LogoUrl: p.LogoURL,
		UpdatedAt: ts(p.UpdatedAt),
	}))
}

// sinceEpoch clamps a time to 1970 at the earliest: ids carry milliseconds since then, and an earlier time would
// wrap around to a bound far in the future.
func sinceEpoch(t time.Time) time.Time {
	if epoch := time.Unix(0, 0); t.Before(epoch) {
		return epoch
	}
	return t
}

// paymentIDAbove sorts above every payment id ("~" is above every base62 digit).
const paymentIDAbove = "pay_~"

// paymentIDRange turns a created range (zero ends are open) and a newest-first cursor into the id range of the
// payments in it: ids carry their creation time to the millisecond (id.Floor), so the (..., id) indexes serve the range.
func paymentIDRange(createdGTE, createdLT time.Time, startingAfter string) (idGTE, idLT string) {
	idGTE, idLT = "", paymentIDAbove
	if !createdGTE.IsZero() {
		idGTE = id.Floor("pay_", sinceEpoch(createdGTE))
	}
	if !createdLT.IsZero() {
		idLT = id.Floor("pay_", sinceEpoch(createdLT))
	}
	if startingAfter != "" && startingAfter < idLT {
		idLT = startingAfter
	}
	return idGTE, idLT
}

func (s queries) SearchPayments(ctx context.Context, f store.PaymentSearch) ([]payment.Payment, error) {
	idGTE, idLT := paymentIDRange(f.CreatedGTE, f.CreatedLT, f.StartingAfter)
	amountLTE := f.AmountLTE
	if !f.AmountLTESet {
		amountLTE = math.MaxInt64
	}
	p := litedb.SearchPaymentsByEmailParams{
		MerchantID: f.MerchantID, Livemode: f.Livemode, IDGte: idGTE, IDLt: idLT, Status: f.Status, Method: f.Method,
		ExternalOrderID: f.ExternalOrderID, CardLast4: f.CardLast4, CustomerEmail: f.CustomerEmail,
		AmountGte: f.AmountGTE, AmountLte: amountLTE, RowLimit: int64(f.Limit),
	}
	var rows []litedb.Payment
	var err error
	switch {
	case f.ExternalOrderID != "":
		p.Lead = f.ExternalOrderID
		rows, err = s.q.SearchPaymentsByOrder(ctx, litedb.SearchPaymentsByOrderParams(p))
	case f.CustomerEmail != "":
		p.Lead = f.CustomerEmail
		rows, err = s.q.SearchPaymentsByEmail(ctx, p)
	case f.CardLast4 != "":
		p.Lead = f.CardLast4
		rows, err = s.q.SearchPaymentsByLast4(ctx, litedb.SearchPaymentsByLast4Params(p))
	default:
		rows, err = s.q.SearchPayments(ctx, litedb.SearchPaymentsParams{
			MerchantID: p.MerchantID, Livemode: p.Livemode, IDGte: p.IDGte, IDLt: p.IDLt, Status: p.Status, Method: p.Method,
			ExternalOrderID: p.ExternalOrderID, CardLast4: p.CardLast4, CustomerEmail: p.CustomerEmail,
			AmountGte: p.AmountGte, AmountLte: p.AmountLte, RowLimit: p.RowLimit,
		})
	}
	if err != nil {
		return nil, mapErr(err)
	}
	return paymentsFromRows(rows), nil
}

func (s queries) PaymentStats(ctx context.Context, merchantID string, livemode bool, from, to time.Time) ([]store.PaymentStat, error) {
	rows, err := s.q.PaymentStats(ctx, litedb.PaymentStatsParams{MerchantID: merchantID, Livemode: livemode, CreatedGte: ts(from), CreatedLt: ts(to)})
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]store.PaymentStat, 0, len(rows))
	for _, r := range rows {
		out = append(out, store.PaymentStat{Status: payment.Status(r.Status), Currency: r.Currency, Count: r.Payments, Amount: r.Amount})
	}
	return out, nil
}

func (s queries) RefundStats(ctx context.Context, merchantID string, livemode bool, from, to time.Time) ([]store.RefundStat, error) {
	rows, err := s.q.RefundStats(ctx, litedb.RefundStatsParams{MerchantID: merchantID, Livemode: livemode, CreatedGte: ts(from), CreatedLt: ts(to)})
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]store.RefundStat, 0, len(rows))
	for _, r := range rows {
		out = append(out, store.RefundStat{Currency: r.Currency, Count: r.Refunds, Amount: r.Amount})
	}
	return out, nil
}

func (s queries) RevokeAPIKeyOfMode(ctx context.Context, merchantID string, livemode bool, keyID string, at time.Time) error {
	n, err := s.q.RevokeAPIKeyOfMode(ctx, litedb.RevokeAPIKeyOfModeParams{ID: keyID, MerchantID: merchantID, Livemode: livemode, RevokedAt: tsPtr(&at)})
	return rowsErr(n, err, store.ErrNotFound)
}
