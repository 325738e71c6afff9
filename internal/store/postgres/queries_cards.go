package postgres

// The direct card API: a payment's card columns, authorizations, payment intents, and the fraud rules' signals,
// blocklist and settings.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kassapay/kassa/internal/checkout"
	"github.com/kassapay/kassa/internal/id"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/store/dbtype"
	"github.com/kassapay/kassa/internal/store/postgres/pgdb"
)

// directFromRow reads payment.Direct's columns.
func directFromRow(r pgdb.Payment) payment.Direct {
	d := payment.Direct{
		CardFingerprint: r.CardFingerprint, ClientIP: r.ClientIp,
		Fraud:    payment.Fraud{Score: int(r.FraudScore), Decision: r.FraudDecision},
		AuthCode: r.AuthCode, ResponseCode: r.ResponseCode, ResponseMessage: r.ResponseMessage,
		LastTransactionID: r.LastTransactionID, AuthorizedAt: utcPtr(r.AuthorizedAt), ExpiresAt: utcPtr(r.ExpiresAt),
		CapturedAt: utcPtr(r.CapturedAt), VoidedAt: utcPtr(r.VoidedAt), VoidReason: r.VoidReason,
		Operation: payment.Operation(r.Operation), OperationID: r.OperationID, OperationAmount: r.OperationAmount,
		OperationReason: r.OperationReason, SaveToWallet: r.SaveToWallet,
	}
	if len(r.FraudReasons) > 0 {
		_ = json.Unmarshal(r.FraudReasons, &d.Fraud.Reasons) // written by UpdatePaymentCard from the same type
	}
	return d
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := t.UTC()
	return &v
}

func (s queries) UpdatePaymentCard(ctx context.Context, p payment.Payment) error {
	reasons := p.Fraud.Reasons
	if reasons == nil {
		reasons = []payment.FraudReason{}
	}
	rj, err := toJSON(reasons)
	if err != nil {
		return err
	}
	n, err := s.q.UpdatePaymentCard(ctx, pgdb.UpdatePaymentCardParams{
		ID: p.ID, CardFingerprint: p.CardFingerprint, ClientIp: p.ClientIP, FraudScore: int64(p.Fraud.Score),
		FraudDecision: p.Fraud.Decision, FraudReasons: rj, AuthCode: p.AuthCode, ResponseCode: p.ResponseCode,
		ResponseMessage: p.ResponseMessage, LastTransactionID: p.LastTransactionID, AuthorizedAt: tsPtr(p.AuthorizedAt),
		ExpiresAt: tsPtr(p.ExpiresAt), CapturedAt: tsPtr(p.CapturedAt), VoidedAt: tsPtr(p.VoidedAt), VoidReason: p.VoidReason,
		Operation: string(p.Operation), OperationID: p.OperationID, OperationAmount: p.OperationAmount,
		OperationReason: p.OperationReason, SaveToWallet: p.SaveToWallet,
	})
	return rowsErr(n, err, store.ErrNotFound)
}

func (s queries) ListExpiredAuthorizations(ctx context.Context, now time.Time, limit int) ([]payment.Payment, error) {
	at := ts(now)
	rows, err := s.q.ListExpiredAuthorizations(ctx, pgdb.ListExpiredAuthorizationsParams{Now: &at, RowLimit: int64(limit)})
	if err != nil {
		return nil, mapErr(err)
	}
	return paymentsFromRows(rows), nil
}

func (s queries) ListStaleOperations(ctx context.Context, before time.Time, limit int) ([]payment.Payment, error) {
	rows, err := s.q.ListStaleOperations(ctx, pgdb.ListStaleOperationsParams{Before: ts(before), RowLimit: int64(limit)})
	if err != nil {
		return nil, mapErr(err)
	}
	return paymentsFromRows(rows), nil
}

func (s queries) ListCardPayments(ctx context.Context, f store.CardPaymentFilter) ([]payment.Payment, error) {
	gte, lt := timeRange(f.CreatedGTE, f.CreatedLT)
	idGTE, idLT := paymentIDRange(f.CreatedGTE, f.CreatedLT, f.StartingAfter)
	p := pgdb.ListPaymentsOfStatusParams{
		MerchantID: f.MerchantID, Livemode: f.Livemode, IDGte: idGTE, IDLt: idLT, Status: f.Status, SourceID: f.SourceID,
		SourceKind: f.SourceKind, CreatedGte: gte, CreatedLt: lt, RowLimit: int64(f.Limit), RowOffset: int64(f.Offset),
	}
	var rows []pgdb.Payment
	var err error
	switch {
	case f.SourceID != "":
		p.Lead = f.SourceID
		rows, err = s.q.ListPaymentsOfSource(ctx, pgdb.ListPaymentsOfSourceParams(p))
	case f.Status != "":
		p.Lead = f.Status
		rows, err = s.q.ListPaymentsOfStatus(ctx, p)
	default:
		rows, err = s.q.ListPaymentsFiltered(ctx, pgdb.ListPaymentsFilteredParams{
			MerchantID: p.MerchantID, Livemode: p.Livemode, IDGte: p.IDGte, IDLt: p.IDLt, Status: p.Status, SourceID: p.SourceID,
			SourceKind: p.SourceKind, CreatedGte: p.CreatedGte, CreatedLt: p.CreatedLt, RowLimit: p.RowLimit, RowOffset: p.RowOffset,
		})
	}
	if err != nil {
		return nil, mapErr(err)
	}
	return paymentsFromRows(rows), nil
}

func (s queries) ListTransactionsOffset(ctx context.Context, f store.TransactionFilter, offset int) ([]payment.Transaction, error) {
	gte, lt := timeRange(f.CreatedGTE, f.CreatedLT)
	rows, err := s.q.ListTransactionsFiltered(ctx, pgdb.ListTransactionsFilteredParams{
		MerchantID: f.MerchantID, Livemode: f.Livemode, StartingAfter: f.StartingAfter, PaymentID: f.PaymentID, Type: f.Type,
		AlsoType: f.AlsoType, Status: f.Status, CreatedGte: gte, CreatedLt: lt, RowLimit: int64(f.Limit), RowOffset: int64(offset),
	})
	return mapRows(rows, err, transactionFromRow)
}

func intentFromRow(r pgdb.PaymentIntent) checkout.Intent {
	return checkout.Intent{
		ID: r.ID, MerchantID: r.MerchantID, Livemode: r.Livemode, Status: checkout.IntentStatus(r.Status), Amount: r.Amount,
		Currency: r.Currency, CaptureMethod: r.CaptureMethod, Description: r.Description, ExternalOrderID: r.ExternalOrderID,
		SuccessURL: r.SuccessUrl, CancelURL: r.CancelUrl, CustomerEmail: r.CustomerEmail, Metadata: []byte(r.Metadata),
		ClientSecretHash: r.ClientSecretHash, FailedAttempts: int(r.FailedAttempts), PaymentID: r.PaymentID,
		FailureCode: r.FailureCode, FailureMessage: r.FailureMessage, ExpiresAt: r.ExpiresAt.UTC(),
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
}

func (s queries) InsertPaymentIntent(ctx context.Context, pi checkout.Intent) error {
	md := dbtype.JSON(pi.Metadata)
	if len(md) == 0 {
		md = dbtype.JSON("{}")
	}
	return mapErr(s.q.InsertPaymentIntent(ctx, pgdb.InsertPaymentIntentParams{
		ID: pi.ID, MerchantID: pi.MerchantID, Livemode: pi.Livemode, Status: string(pi.Status), Amount: pi.Amount,
		Currency: pi.Currency, CaptureMethod: pi.CaptureMethod, Description: pi.Description,
		ExternalOrderID: pi.ExternalOrderID, SuccessUrl: pi.SuccessURL, CancelUrl: pi.CancelURL,
		CustomerEmail: pi.CustomerEmail, Metadata: md, ClientSecretHash: pi.ClientSecretHash,
		FailedAttempts: int64(pi.FailedAttempts), PaymentID: pi.PaymentID, FailureCode: pi.FailureCode,
		FailureMessage: pi.FailureMessage, ExpiresAt: ts(pi.ExpiresAt), CreatedAt: ts(pi.CreatedAt), UpdatedAt: ts(pi.UpdatedAt),
	}))
}

func (s queries) GetPaymentIntent(ctx context.Context, merchantID string, livemode bool, intentID string) (checkout.Intent, error) {
	r, err := s.q.GetPaymentIntent(ctx, pgdb.GetPaymentIntentParams{MerchantID: merchantID, Livemode: livemode, ID: intentID})
	if err != nil {
		return checkout.Intent{}, mapErr(err)
	}
	return intentFromRow(r), nil
}

func (s queries) GetPaymentIntentByID(ctx context.Context, intentID string) (checkout.Intent, error) {
	r, err := s.q.GetPaymentIntentByID(ctx, intentID)
	if err != nil {
		return checkout.Intent{}, mapErr(err)
	}
	return intentFromRow(r), nil
}

func (s queries) LockPaymentIntent(ctx context.Context, intentID string) (checkout.Intent, error) {
	r, err := s.q.LockPaymentIntent(ctx, intentID)
	if err != nil {
		return checkout.Intent{}, mapErr(err)
	}
	return intentFromRow(pgdb.PaymentIntent(r)), nil
}

func (s queries) UpdatePaymentIntent(ctx context.Context, pi checkout.Intent) error {
	n, err := s.q.UpdatePaymentIntent(ctx, pgdb.UpdatePaymentIntentParams{
		ID: pi.ID, Status: string(pi.Status), FailedAttempts: int64(pi.FailedAttempts), PaymentID: pi.PaymentID,
		FailureCode: pi.FailureCode, FailureMessage: pi.FailureMessage, UpdatedAt: ts(pi.UpdatedAt),
	})
	return rowsErr(n, err, store.ErrNotFound)
}

func (s queries) ListPaymentIntents(ctx context.Context, merchantID string, livemode bool, status string, page store.Page) ([]checkout.Intent, error) {
	rows, err := s.q.ListPaymentIntents(ctx, pgdb.ListPaymentIntentsParams{
		MerchantID: merchantID, Livemode: livemode, StartingAfter: page.StartingAfter, Status: status, RowLimit: int64(page.Limit),
	})
	return mapRows(rows, err, intentFromRow)
}

func (s queries) ListExpiredPaymentIntents(ctx context.Context, now time.Time, limit int) ([]checkout.Intent, error) {
	rows, err := s.q.ListExpiredPaymentIntents(ctx, pgdb.ListExpiredPaymentIntentsParams{Now: ts(now), RowLimit: int64(limit)})
	return mapRows(rows, err, intentFromRow)
}

func (s queries) CountAttemptSignals(ctx context.Context, k store.AttemptKey, a store.Attempt) (store.AttemptSignals, error) {
	bin := func(n int) string {
		if len(a.BIN) < n {
			return "-" // no BIN entry is that short
		}
		return a.BIN[:n]
	}
	countLimit := int64(k.CountLimit)
	if countLimit <= 0 {
		countLimit = math.MaxInt64
	}
	r, err := s.q.CountAttemptSignals(ctx, pgdb.CountAttemptSignalsParams{
		MerchantID: k.MerchantID, Livemode: k.Livemode, CardFingerprint: a.CardFingerprint, ClientIp: a.ClientIP, Email: a.Email,
		MinuteAgo: ts(k.MinuteAgo), HourAgo: ts(k.HourAgo), DayAgo: ts(k.DayAgo),
		Currency: a.Currency, AmountsSinceID: id.Floor("pay_", sinceEpoch(k.AmountsSince)), AmountsLimit: int64(k.AmountsLimit),
		BlockIp: a.BlockIP, Bin6: bin(6), Bin7: bin(7), Bin8: bin(8), CountLimit: countLimit,
	})
	if err != nil {
		return store.AttemptSignals{}, mapErr(err)
	}
	out := store.AttemptSignals{
		Card:                store.AttemptCounts{Minute: int(r.CardMinute), Hour: int(r.CardHour), Day: int(r.CardDay)},
		IP:                  store.AttemptCounts{Minute: int(r.IpMinute), Hour: int(r.IpHour), Day: int(r.IpDay)},
		Email:               store.AttemptCounts{Minute: int(r.EmailMinute), Hour: int(r.EmailHour), Day: int(r.EmailDay)},
		DistinctCardsFromIP: int(r.IpCards), RecentDeclines: int(r.Declines),
	}
	if a.ClientIP != "" && r.IpThisCard == 0 {
		out.DistinctCardsFromIP++ // the attempt's own card, not yet stored
	}
	for v := range strings.SplitSeq(r.RecentAmounts, ",") {
		if v == "" {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return out, fmt.Errorf("store: recent amount %q: %w", v, err)
		}
		out.RecentAmounts = append(out.RecentAmounts, n)
	}
	bins := strings.Split(r.BlockedBins, ",")
	slices.Sort(bins) // shortest prefix first
	for _, v := range bins {
		if v != "" {
			out.Blocked = append(out.Blocked, store.BlockedValue{Kind: "bin", Value: v})
		}
	}
	if r.BlockedCard > 0 {
		out.Blocked = append(out.Blocked, store.BlockedValue{Kind: "card_fingerprint", Value: a.CardFingerprint})
	}
	if r.BlockedEmail > 0 {
		out.Blocked = append(out.Blocked, store.BlockedValue{Kind: "email", Value: a.Email})
	}
	if r.BlockedIp > 0 {
		out.Blocked = append(out.Blocked, store.BlockedValue{Kind: "ip", Value: a.BlockIP})
	}
	return out, nil
}

func blockFromRow(r pgdb.FraudBlocklist) store.BlocklistEntry {
	return store.BlocklistEntry{ID: r.ID, MerchantID: r.MerchantID, Livemode: r.Livemode, Kind: r.Kind, Value: r.Value,
		Reason: r.Reason, CreatedAt: r.CreatedAt.UTC()}
}

func (s queries) InsertBlocklistEntry(ctx context.Context, e store.BlocklistEntry) (bool, error) {
	n, err := s.q.InsertBlocklistEntry(ctx, pgdb.InsertBlocklistEntryParams{
		ID: e.ID, MerchantID: e.MerchantID, Livemode: e.Livemode, Kind: e.Kind, Value: e.Value, Reason: e.Reason, CreatedAt: ts(e.CreatedAt),
	})
	return n == 1, mapErr(err)
}

func (s queries) GetBlocklistEntry(ctx context.Context, merchantID string, livemode bool, entryID string) (store.BlocklistEntry, error) {
	r, err := s.q.GetBlocklistEntry(ctx, pgdb.GetBlocklistEntryParams{MerchantID: merchantID, Livemode: livemode, ID: entryID})
	if err != nil {
		return store.BlocklistEntry{}, mapErr(err)
	}
	return blockFromRow(r), nil
}

func (s queries) GetBlocklistEntryByValue(ctx context.Context, merchantID string, livemode bool, kind, value string) (store.BlocklistEntry, error) {
	r, err := s.q.GetBlocklistEntryByValue(ctx, pgdb.GetBlocklistEntryByValueParams{MerchantID: merchantID, Livemode: livemode, Kind: kind, Value: value})
	if err != nil {
		return store.BlocklistEntry{}, mapErr(err)
	}
	return blockFromRow(r), nil
}

func (s queries) DeleteBlocklistEntry(ctx context.Context, merchantID string, livemode bool, entryID string) error {
	n, err := s.q.DeleteBlocklistEntry(ctx, pgdb.DeleteBlocklistEntryParams{MerchantID: merchantID, Livemode: livemode, ID: entryID})
	return rowsErr(n, err, store.ErrNotFound)
}

func (s queries) ListBlocklist(ctx context.Context, merchantID string, livemode bool, kind string, page store.Page) ([]store.BlocklistEntry, error) {
	rows, err := s.q.ListBlocklist(ctx, pgdb.ListBlocklistParams{
		MerchantID: merchantID, Livemode: livemode, StartingAfter: page.StartingAfter, Kind: kind, RowLimit: int64(page.Limit),
	})
	return mapRows(rows, err, blockFromRow)
}

func (s queries) GetFraudSettings(ctx context.Context, merchantID string, livemode bool) (json.RawMessage, error) {
	b, err := s.q.GetFraudSettings(ctx, pgdb.GetFraudSettingsParams{MerchantID: merchantID, Livemode: livemode})
	if err != nil {
		return nil, mapErr(err)
	}
	return json.RawMessage(b), nil
}

func (s queries) PutFraudSettings(ctx context.Context, merchantID string, livemode bool, settings json.RawMessage, at time.Time) error {
	if !json.Valid(settings) {
		return errors.New("store: fraud settings are not JSON")
	}
	return mapErr(s.q.UpsertFraudSettings(ctx, pgdb.UpsertFraudSettingsParams{MerchantID: merchantID, Livemode: livemode, Settings: dbtype.JSON(settings), UpdatedAt: ts(at)}))
}
