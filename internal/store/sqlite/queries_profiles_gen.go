// Code generated from ../postgres/queries_profiles.go by go generate; DO NOT EDIT.

package sqlite

import (
	"context"
	"errors"
	"time"

	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/provider"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/store/dbtype"
	"github.com/kassapay/kassa/internal/store/sqlite/litedb"
)

func profileFromRow(r litedb.PaymentProfile) (merchant.PaymentProfile, error) {
	p := merchant.PaymentProfile{
		ID: r.ID, MerchantID: r.MerchantID, Livemode: r.Livemode, Connector: merchant.Connector(r.Connector), Name: r.Name,
		Status: merchant.ProfileStatus(r.Status), APIBaseURL: r.ApiBaseUrl, HostedPage: r.HostedPage,
		CredentialsSealed: r.CredentialsSealed, CredentialsHint: r.CredentialsHint,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
	if err := fromJSON(r.Methods, &p.Methods); err != nil {
		return p, err
	}
	return p, fromJSON(r.Currencies, &p.Currencies)
}

// profileLists are a profile's methods and currencies as stored.
func profileLists(p merchant.PaymentProfile) (methods, currencies dbtype.JSON, err error) {
	if methods, err = toJSON(nonNil(p.Methods)); err != nil {
		return nil, nil, err
	}
	currencies, err = toJSON(nonNil(p.Currencies))
	return methods, currencies, err
}

func (s queries) InsertPaymentProfile(ctx context.Context, p merchant.PaymentProfile) error {
	methods, currencies, err := profileLists(p)
	if err != nil {
		return err
	}
	return mapErr(s.q.InsertPaymentProfile(ctx, litedb.InsertPaymentProfileParams{
		ID: p.ID, MerchantID: p.MerchantID, Livemode: p.Livemode, Connector: string(p.Connector), Name: p.Name,
		Status: string(p.Status), Methods: methods, Currencies: currencies, ApiBaseUrl: p.APIBaseURL,
		CredentialsSealed: p.CredentialsSealed, CredentialsHint: p.CredentialsHint,
		CreatedAt: ts(p.CreatedAt), UpdatedAt: ts(p.UpdatedAt), HostedPage: p.HostedPage,
	}))
}

func (s queries) GetPaymentProfile(ctx context.Context, merchantID string, livemode bool, id string) (merchant.PaymentProfile, error) {
	r, err := s.q.GetPaymentProfile(ctx, litedb.GetPaymentProfileParams{MerchantID: merchantID, Livemode: livemode, ID: id})
	if err != nil {
		return merchant.PaymentProfile{}, mapErr(err)
	}
	return profileFromRow(r)
}

func (s queries) ListPaymentProfiles(ctx context.Context, merchantID string, livemode bool) ([]merchant.PaymentProfile, error) {
	rows, err := s.q.ListPaymentProfiles(ctx, litedb.ListPaymentProfilesParams{MerchantID: merchantID, Livemode: livemode})
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]merchant.PaymentProfile, 0, len(rows))
	for _, r := range rows {
		p, err := profileFromRow(r)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func (s queries) UpdatePaymentProfile(ctx context.Context, p merchant.PaymentProfile) error {
	methods, currencies, err := profileLists(p)
	if err != nil {
		return err
	}
	n, err := s.q.UpdatePaymentProfile(ctx, litedb.UpdatePaymentProfileParams{
		ID: p.ID, Name: p.Name, Status: string(p.Status), Methods: methods, Currencies: currencies,
		ApiBaseUrl: p.APIBaseURL, CredentialsSealed: p.CredentialsSealed,
		CredentialsHint: p.CredentialsHint, UpdatedAt: ts(p.UpdatedAt), HostedPage: p.HostedPage,
	})
	return rowsErr(n, err, store.ErrNotFound)
}

func (s queries) DeletePaymentProfile(ctx context.Context, id string) error {
	n, err := s.q.DeletePaymentProfile(ctx, id)
	return rowsErr(n, err, store.ErrNotUpdated)
}

func (s queries) GetRoutingRules(ctx context.Context, merchantID string, livemode bool) (store.RoutingRules, error) {
	r, err := s.q.GetRoutingRules(ctx, litedb.GetRoutingRulesParams{MerchantID: merchantID, Livemode: livemode})
	if err != nil {
		if err = mapErr(err); errors.Is(err, store.ErrNotFound) {
			return store.RoutingRules{}, nil
		}
		return store.RoutingRules{}, err
	}
	out := store.RoutingRules{UpdatedAt: r.UpdatedAt.UTC()}
	return out, fromJSON(r.Rules, &out.Rules)
}

func (s queries) PutRoutingRules(ctx context.Context, merchantID string, livemode bool, r store.RoutingRules) error {
	if r.Rules == nil {
		r.Rules = []provider.Rule{}
	}
	rules, err := toJSON(r.Rules)
	if err != nil {
		return err
	}
	return mapErr(s.q.PutRoutingRules(ctx, litedb.PutRoutingRulesParams{
		MerchantID: merchantID, Livemode: livemode, Rules: rules, UpdatedAt: ts(r.UpdatedAt),
	}))
}

func (s queries) GetPaymentProfileByID(ctx context.Context, id string) (merchant.PaymentProfile, error) {
	r, err := s.q.GetPaymentProfileByID(ctx, id)
	if err != nil {
		return merchant.PaymentProfile{}, mapErr(err)
	}
	return profileFromRow(r)
}

func (s queries) InsertProviderEvent(ctx context.Context, profileID, eventID, typ string, at time.Time) (bool, error) {
	n, err := s.q.InsertProviderEvent(ctx, litedb.InsertProviderEventParams{ProfileID: profileID, EventID: eventID, Type: typ, ReceivedAt: ts(at)})
	return n == 1, mapErr(err)
}

func (s queries) GetPaymentByProviderTransactionID(ctx context.Context, profileID, providerTransactionID string) (payment.Payment, error) {
	r, err := s.q.GetPaymentByProviderTransactionID(ctx, litedb.GetPaymentByProviderTransactionIDParams{ProfileID: profileID, ProviderTransactionID: providerTransactionID})
	if err != nil {
		return payment.Payment{}, mapErr(err)
	}
	return paymentFromRow(r), nil
}
