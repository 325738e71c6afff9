// Package store is the storage seam: the Store interface the use-case layer (gateway) works against, implemented
// for PostgreSQL (package postgres) and SQLite (package sqlite) from one sqlc query set, and checked by one
// conformance suite (package storetest) run against both.
//
// Write transactions lock what they change: LockX methods take a row lock (SELECT … FOR UPDATE on PostgreSQL; on
// SQLite every write transaction begins IMMEDIATE and so holds the database's write lock). Background jobs are
// inserted with Tx.Enqueue inside the same transaction as the rows they concern (River's InsertTx), so a state
// change and the work it causes commit or roll back together.
package store

import (
	"context"
	"encoding/json"
	"errors"
	"sync/atomic"
	"time"

	"github.com/riverqueue/river"

	"github.com/kassapay/kassa/internal/checkout"
	"github.com/kassapay/kassa/internal/customer"
	"github.com/kassapay/kassa/internal/idempotency"
	"github.com/kassapay/kassa/internal/ledger"
	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/payment"
	"github.com/kassapay/kassa/internal/refund"
	"github.com/kassapay/kassa/internal/webhook"
)

// Errors every implementation returns in the same situations.
var (
	// ErrNotFound: no row matched (including another merchant's object).
	ErrNotFound = errors.New("store: not found")
	// ErrConflict: a uniqueness constraint rejected the write.
	ErrConflict = errors.New("store: conflict")
	// ErrNotUpdated: an update matched no row in the state it expected.
	ErrNotUpdated = errors.New("store: no row updated")
)

// Store is a database holding Kassa's state and job queue.
type Store interface {
	Queries
	// InTx runs fn in a write transaction and commits if fn returns nil. fn must not keep tx.
	InTx(ctx context.Context, fn func(tx Tx) error) error
	// Jobs is the job queue that lives in the same database.
	Jobs() Jobs
	// Migrate brings the schema (Kassa's and River's) up to date; safe to run from several processes at once.
	Migrate(ctx context.Context) error
	// Ping checks that the database answers.
	Ping(ctx context.Context) error
	// Dialect is "postgres" or "sqlite".
	Dialect() string
	// Close stops the job queue client and closes the connections.
	Close() error
}

// Tx is a write transaction.
type Tx interface {
	Queries
	// Enqueue inserts a job that becomes visible to workers when the transaction commits.
	Enqueue(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error
}

// Page selects a slice of a list ordered newest first. Identifiers sort by creation time, so the cursor is an id.
type Page struct {
	// Limit is the number of rows wanted; callers ask for one more to learn has_more.
	Limit         int
	StartingAfter string
	// EndingBefore is honoured by the lists whose API pages backwards (customers, events, webhook deliveries,
	// checkout sessions and links); the other lists ignore it.
	EndingBefore string
}

// CustomerFilter selects customers of one merchant and mode.
type CustomerFilter struct {
	MerchantID string
	Livemode   bool
	Email      string
	Page
}

// EventFilter selects events of one merchant and mode. Zero times leave the range open.
type EventFilter struct {
	MerchantID string
	Livemode   bool
	Type       string
	ObjectID   string
	CreatedGTE time.Time
	CreatedLT  time.Time
	Page
}

// DeliveryFilter selects webhook deliveries of one merchant and mode. Zero times leave the range open.
type DeliveryFilter struct {
	MerchantID string
	Livemode   bool
	EndpointID string
	EventType  string
	EventID    string
	Status     string
	CreatedGTE time.Time
	CreatedLT  time.Time
	Page
}

// SessionFilter selects checkout sessions or payment links of one merchant and mode.
type SessionFilter struct {
	MerchantID      string
	Livemode        bool
	Kind            checkout.Kind
	Status          string
	ExternalOrderID string
	CreatedGTE      time.Time
	CreatedLT       time.Time
	Page
}

// PaymentFilter selects payments of one merchant and mode.
type PaymentFilter struct {
	MerchantID string
	Livemode   bool
	Status     string
	SourceID   string
	Page
}

// TransactionFilter selects transactions of one merchant and mode. Zero times leave the range open.
type TransactionFilter struct {
	MerchantID string
	Livemode   bool
	PaymentID  string
	Type       string
	// AlsoType is a second type accepted with Type (ListTransactionsOffset only): "captured" is a capture or a sale.
	AlsoType   string
	Status     string
	CreatedGTE time.Time
	CreatedLT  time.Time
	Page
}

// RefundFilter selects refunds of one merchant and mode.
type RefundFilter struct {
	MerchantID string
	Livemode   bool
	PaymentID  string
	Status     string
	Page
}

// LedgerBalance is the sum of one account's lines in one currency.
type LedgerBalance struct {
	Account  ledger.Account
	Currency string
	Debits   int64
	Credits  int64
}

// Queries are the reads and writes available both inside and outside a transaction, grouped by the concept they
// store (docs/architecture.md §4).
type Queries interface {
	WalletQueries
	// Merchants, their dashboard profile and their API keys.
	InsertMerchant(ctx context.Context, m merchant.Merchant) error
	GetMerchant(ctx context.Context, id string) (merchant.Merchant, error)
	// LockMerchant reads a merchant and locks its row until the transaction ends.
	LockMerchant(ctx context.Context, id string) (merchant.Merchant, error)
	ListMerchants(ctx context.Context) ([]merchant.Merchant, error)
	UpdateMerchant(ctx context.Context, m merchant.Merchant) error
	// GetMerchantProfile returns ErrNotFound when the merchant never saved one.
	GetMerchantProfile(ctx context.Context, merchantID string) (merchant.Profile, error)
	SaveMerchantProfile(ctx context.Context, p merchant.Profile) error
	InsertAPIKey(ctx context.Context, k merchant.APIKey, hash string) error
	GetAPIKeyByHash(ctx context.Context, hash string) (merchant.APIKey, error)
	ListAPIKeys(ctx context.Context, merchantID string) ([]merchant.APIKey, error)
	// ExpireAPIKeys makes every usable key of this kind and mode stop working at at; it returns how many changed.
	ExpireAPIKeys(ctx context.Context, merchantID string, kind merchant.KeyKind, livemode bool, at time.Time) (int64, error)
	RevokeAPIKey(ctx context.Context, merchantID, keyID string, at time.Time) error
	// RevokeAPIKeyOfMode revokes a key of a merchant in one mode; ErrNotFound when there is no such active key.
	RevokeAPIKeyOfMode(ctx context.Context, merchantID string, livemode bool, keyID string, at time.Time) error

	// Instance settings: values set once per installation.
	// InsertInstanceSetting stores key=value unless key exists; it reports whether it inserted.
	InsertInstanceSetting(ctx context.Context, key, value string, at time.Time) (bool, error)
	GetInstanceSetting(ctx context.Context, key string) (string, error)

	// Dashboard users, their signed-in sessions and their failed sign-ins.
	InsertUser(ctx context.Context, u merchant.User) error
	GetUser(ctx context.Context, id string) (merchant.User, error)
	GetUserByEmail(ctx context.Context, email string) (merchant.User, error)
	UpdateUserPassword(ctx context.Context, userID, passwordHash string) error
	InsertDashboardSession(ctx context.Context, s DashboardSession) error
	GetDashboardSession(ctx context.Context, tokenHash string) (DashboardSession, error)
	// UpdateDashboardSession saves the merchant and mode a session looks at.
	UpdateDashboardSession(ctx context.Context, s DashboardSession) error
	DeleteDashboardSession(ctx context.Context, tokenHash string) error
	// DeleteUserDashboardSessions signs a user out everywhere (password reset); it returns how many ended.
	DeleteUserDashboardSessions(ctx context.Context, userID string) (int64, error)
	DeleteExpiredDashboardSessions(ctx context.Context, now time.Time) (int64, error)
	// GetLoginFailures returns ErrNotFound when the email has no failures on record.
	GetLoginFailures(ctx context.Context, email string) (LoginFailures, error)
	// CountLoginFailure counts one sign-in attempt of an email (before its password is checked) atomically and
	// returns the count and lock after it; a lock that ran out restarts the count at 1.
	CountLoginFailure(ctx context.Context, email string, now time.Time) (LoginFailures, error)
	// LockLoginFailures locks an email until a time unless it is locked already.
	LockLoginFailures(ctx context.Context, email string, until time.Time) error
	DeleteLoginFailures(ctx context.Context, email string) error

	// Customers of a merchant.
	// InsertCustomer inserts c unless a customer with the same idempotency key exists; it reports whether it
	// inserted.
	InsertCustomer(ctx context.Context, c customer.Customer) (bool, error)
	GetCustomer(ctx context.Context, merchantID string, livemode bool, id string) (customer.Customer, error)
	GetCustomerByIdempotencyKey(ctx context.Context, merchantID string, livemode bool, key string) (customer.Customer, error)
	ListCustomers(ctx context.Context, f CustomerFilter) ([]customer.Customer, error)

	// Idempotency keys: the claims of API requests and their recovery points (docs/architecture.md §5).
	// ClaimIdempotencyKey inserts an in-progress record unless the scope exists; it reports whether it inserted.
	ClaimIdempotencyKey(ctx context.Context, r idempotency.Record) (bool, error)
	GetIdempotencyKey(ctx context.Context, s idempotency.Scope) (idempotency.Record, error)
	// TakeOverIdempotencyKey re-locks an in-progress record whose lock expired before now, if the request hash
	// matches; it reports whether it did.
	TakeOverIdempotencyKey(ctx context.Context, s idempotency.Scope, requestHash string, now, lockedUntil time.Time) (bool, error)
	CompleteIdempotencyKey(ctx context.Context, s idempotency.Scope, status int, body []byte) error
	// ReleaseIdempotencyKey ends an in-progress claim whose request left no response to keep: a claim that moved no
	// money is deleted (a corrected retry may reuse the key); one bound to a recovery point is unlocked as of now,
	// so the next retry takes it over at once and resumes that object.
	ReleaseIdempotencyKey(ctx context.Context, s idempotency.Scope, now time.Time) error
	// BindIdempotencyKey sets the recovery point of an in-progress claim that has none, inside the transaction of
	// the request's first phase; it reports whether it did (false: another run of the key bound it first).
	BindIdempotencyKey(ctx context.Context, s idempotency.Scope, recoveryPoint string) (bool, error)
	// DeleteExpiredIdempotencyKey removes the scope's record if it expired before now; it reports whether it did.
	DeleteExpiredIdempotencyKey(ctx context.Context, s idempotency.Scope, now time.Time) (bool, error)
	// DeleteExpiredIdempotencyKeys removes every record that expired before now.
	DeleteExpiredIdempotencyKeys(ctx context.Context, now time.Time) (int64, error)

	// Checkout sessions and payment links (front doors).
	// InsertCheckoutSession inserts s unless one with the same merchant, mode, kind, external order id and
	// idempotency key exists; it reports whether it inserted.
	InsertCheckoutSession(ctx context.Context, s checkout.Session) (bool, error)
	GetCheckoutSession(ctx context.Context, merchantID string, livemode bool, id string) (checkout.Session, error)
	GetCheckoutSessionByIdempotencyKey(ctx context.Context, merchantID string, livemode bool, kind checkout.Kind, externalOrderID, key string) (checkout.Session, error)
	// GetCheckoutSessionByID reads any session by id (hosted pages: the id is the customer's capability).
	GetCheckoutSessionByID(ctx context.Context, id string) (checkout.Session, error)
	// GetPaidSessionByOrder returns the merchant's most recent paid session or link of an external order id.
	GetPaidSessionByOrder(ctx context.Context, merchantID string, livemode bool, externalOrderID string) (checkout.Session, error)
	LockCheckoutSession(ctx context.Context, id string) (checkout.Session, error)
	// UpdateCheckoutSession saves the mutable fields: status, failed attempts, payment id, updated_at.
	UpdateCheckoutSession(ctx context.Context, s checkout.Session) error
	ListCheckoutSessions(ctx context.Context, f SessionFilter) ([]checkout.Session, error)
	// ListExpiredCheckoutSessions returns open sessions and links whose expires_at is at or before now.
	ListExpiredCheckoutSessions(ctx context.Context, now time.Time, limit int) ([]checkout.Session, error)

	// Payment intents (front door).
	InsertPaymentIntent(ctx context.Context, pi checkout.Intent) error
	GetPaymentIntent(ctx context.Context, merchantID string, livemode bool, id string) (checkout.Intent, error)
	GetPaymentIntentByID(ctx context.Context, id string) (checkout.Intent, error)
	LockPaymentIntent(ctx context.Context, id string) (checkout.Intent, error)
	// UpdatePaymentIntent saves status, failed attempts, payment id, failure and updated_at.
	UpdatePaymentIntent(ctx context.Context, pi checkout.Intent) error
	ListPaymentIntents(ctx context.Context, merchantID string, livemode bool, status string, page Page) ([]checkout.Intent, error)
	// ListExpiredPaymentIntents returns open intents whose expires_at is at or before now.
	ListExpiredPaymentIntents(ctx context.Context, now time.Time, limit int) ([]checkout.Intent, error)

	// Orders (front door).
	InsertOrder(ctx context.Context, o checkout.Order) error
	GetOrder(ctx context.Context, merchantID string, livemode bool, id string) (checkout.Order, error)
	// GetOrderByID reads any order by id (the embedded checkout and workers).
	GetOrderByID(ctx context.Context, id string) (checkout.Order, error)
	LockOrder(ctx context.Context, id string) (checkout.Order, error)
	// UpdateOrder saves the mutable fields: status, payment id, updated_at.
	UpdateOrder(ctx context.Context, o checkout.Order) error
	ListOrders(ctx context.Context, f OrderFilter) ([]checkout.Order, error)

	// Payments, the saved cards they are paid with, and their transactions (one per provider operation).
	InsertSavedCard(ctx context.Context, c payment.SavedCard) error
	GetSavedCard(ctx context.Context, id string) (payment.SavedCard, error)
	InsertPayment(ctx context.Context, p payment.Payment) error
	GetPayment(ctx context.Context, merchantID string, livemode bool, id string) (payment.Payment, error)
	GetPaymentByID(ctx context.Context, id string) (payment.Payment, error)
	LockPayment(ctx context.Context, id string) (payment.Payment, error)
	// UpdatePayment saves the mutable fields: status, amounts, provider transaction id, failure, recovery attempts.
	UpdatePayment(ctx context.Context, p payment.Payment) error
	// UpdatePaymentCard saves payment.Direct's fields; callers run it after InsertPayment or UpdatePayment.
	UpdatePaymentCard(ctx context.Context, p payment.Payment) error
	ListPayments(ctx context.Context, f PaymentFilter) ([]payment.Payment, error)
	ListCardPayments(ctx context.Context, f CardPaymentFilter) ([]payment.Payment, error)
	// SearchPayments lists payments newest first (StartingAfter pages towards older ones).
	SearchPayments(ctx context.Context, f PaymentSearch) ([]payment.Payment, error)
	// PaymentStats sums payments created in [from, to) by status and currency.
	PaymentStats(ctx context.Context, merchantID string, livemode bool, from, to time.Time) ([]PaymentStat, error)
	// ListStalePendingPayments returns card payments pending since before (their provider call was interrupted).
	ListStalePendingPayments(ctx context.Context, before time.Time, limit int) ([]payment.Payment, error)
	// ListExpiredAuthorizations returns authorized payments whose expires_at is at or before now.
	ListExpiredAuthorizations(ctx context.Context, now time.Time, limit int) ([]payment.Payment, error)
	// ListStaleOperations returns payments with a capture, void or expiry in flight since before.
	ListStaleOperations(ctx context.Context, before time.Time, limit int) ([]payment.Payment, error)
	InsertTransaction(ctx context.Context, t payment.Transaction) error
	GetTransaction(ctx context.Context, merchantID string, livemode bool, id string) (payment.Transaction, error)
	ListTransactions(ctx context.Context, f TransactionFilter) ([]payment.Transaction, error)
	// ListTransactionsOffset is ListTransactions with an offset.
	ListTransactionsOffset(ctx context.Context, f TransactionFilter, offset int) ([]payment.Transaction, error)

	// Payment profiles (a merchant's processor accounts), the routing rules that choose among them, and the
	// processor events received for them.
	InsertPaymentProfile(ctx context.Context, p merchant.PaymentProfile) error
	// GetPaymentProfile reads one of a merchant's profiles in a mode (ErrNotFound for another merchant's or mode's).
	GetPaymentProfile(ctx context.Context, merchantID string, livemode bool, id string) (merchant.PaymentProfile, error)
	// ListPaymentProfiles returns a merchant's profiles in a mode, oldest first.
	ListPaymentProfiles(ctx context.Context, merchantID string, livemode bool) ([]merchant.PaymentProfile, error)
	// UpdatePaymentProfile saves every field but the id, merchant, mode, connector and creation time.
	UpdatePaymentProfile(ctx context.Context, p merchant.PaymentProfile) error
	// DeletePaymentProfile deletes a profile no transaction names; ErrNotUpdated when one does (the caller disables
	// it instead).
	DeletePaymentProfile(ctx context.Context, id string) error
	// GetRoutingRules returns a merchant's rules in a mode (none, with a zero UpdatedAt, when never set).
	GetRoutingRules(ctx context.Context, merchantID string, livemode bool) (RoutingRules, error)
	// PutRoutingRules replaces a merchant's rules in a mode.
	PutRoutingRules(ctx context.Context, merchantID string, livemode bool, r RoutingRules) error
	// GetPaymentProfileByID reads any profile (a processor's webhook names its profile in the URL).
	GetPaymentProfileByID(ctx context.Context, id string) (merchant.PaymentProfile, error)
	// InsertProviderEvent records a processor event received for a profile; false when it was recorded before.
	InsertProviderEvent(ctx context.Context, profileID, eventID, typ string, at time.Time) (bool, error)
	// GetPaymentByProviderTransactionID finds the payment a profile's processor knows by that id.
	GetPaymentByProviderTransactionID(ctx context.Context, profileID, providerTransactionID string) (payment.Payment, error)

	// Refunds of payments.
	// InsertRefund inserts r unless the merchant used its idempotency key already; it reports whether it inserted.
	InsertRefund(ctx context.Context, r refund.Refund) (bool, error)
	GetRefund(ctx context.Context, merchantID string, livemode bool, id string) (refund.Refund, error)
	GetRefundByID(ctx context.Context, id string) (refund.Refund, error)
	GetRefundByIdempotencyKey(ctx context.Context, merchantID string, livemode bool, key string) (refund.Refund, error)
	LockRefund(ctx context.Context, id string) (refund.Refund, error)
	UpdateRefund(ctx context.Context, r refund.Refund) error
	ListRefunds(ctx context.Context, f RefundFilter) ([]refund.Refund, error)
	// RefundStats sums succeeded refunds created in [from, to) by currency.
	RefundStats(ctx context.Context, merchantID string, livemode bool, from, to time.Time) ([]RefundStat, error)

	// The double-entry ledger.
	// InsertJournal writes a balanced journal's lines (the caller validates it).
	InsertJournal(ctx context.Context, journalID string, j ledger.Journal, at time.Time) error
	LedgerBalances(ctx context.Context, merchantID string, livemode bool) ([]LedgerBalance, error)

	// Events.
	// InsertEvent records e with its object's next sequence number (1, 2, …; e.Sequence is ignored). Inside a
	// transaction, events of one object are numbered in the order their transactions commit.
	InsertEvent(ctx context.Context, e webhook.Event) error
	GetEvent(ctx context.Context, merchantID string, livemode bool, id string) (webhook.Event, error)
	GetEventByID(ctx context.Context, id string) (webhook.Event, error)
	ListEvents(ctx context.Context, f EventFilter) ([]webhook.Event, error)

	// Webhook endpoints, the deliveries of events to them and each delivery's attempts.
	InsertWebhookEndpoint(ctx context.Context, e webhook.Endpoint) error
	// GetWebhookEndpoint returns a merchant's endpoint unless it was deleted.
	GetWebhookEndpoint(ctx context.Context, merchantID string, livemode bool, id string) (webhook.Endpoint, error)
	// GetWebhookEndpointByID returns any endpoint, deleted or not (workers).
	GetWebhookEndpointByID(ctx context.Context, id string) (webhook.Endpoint, error)
	LockWebhookEndpoint(ctx context.Context, id string) (webhook.Endpoint, error)
	ListWebhookEndpoints(ctx context.Context, merchantID string, livemode bool) ([]webhook.Endpoint, error)
	ListEnabledWebhookEndpoints(ctx context.Context, merchantID string, livemode bool) ([]webhook.Endpoint, error)
	UpdateWebhookEndpoint(ctx context.Context, e webhook.Endpoint) error
	InsertWebhookDelivery(ctx context.Context, d webhook.Delivery) error
	GetWebhookDelivery(ctx context.Context, merchantID string, livemode bool, id string) (webhook.Delivery, error)
	GetWebhookDeliveryByID(ctx context.Context, id string) (webhook.Delivery, error)
	LockWebhookDelivery(ctx context.Context, id string) (webhook.Delivery, error)
	UpdateWebhookDelivery(ctx context.Context, d webhook.Delivery) error
	ListWebhookDeliveries(ctx context.Context, f DeliveryFilter) ([]webhook.Delivery, error)
	// ListDueWebhookDeliveries returns pending or retrying deliveries whose next attempt is at or before now.
	ListDueWebhookDeliveries(ctx context.Context, now time.Time, limit int) ([]webhook.Delivery, error)
	// GetWebhookAttemptContext reads a delivery with its endpoint and event in one round trip.
	GetWebhookAttemptContext(ctx context.Context, deliveryID string) (webhook.Delivery, webhook.Endpoint, webhook.Event, error)
	InsertWebhookAttempt(ctx context.Context, a webhook.Attempt) error
	ListWebhookAttempts(ctx context.Context, deliveryID string) ([]webhook.Attempt, error)

	// Fraud: the rules' signals, the blocklist and the merchant's fraud settings.
	// CountAttemptSignals reads everything the fraud rules know of an attempt in one round trip: its velocity
	// counts, the merchant's recent amounts and the blocklist entries it matches.
	CountAttemptSignals(ctx context.Context, k AttemptKey, a Attempt) (AttemptSignals, error)
	// InsertBlocklistEntry inserts e unless the merchant blocks that kind and value already; it reports whether.
	InsertBlocklistEntry(ctx context.Context, e BlocklistEntry) (bool, error)
	GetBlocklistEntry(ctx context.Context, merchantID string, livemode bool, id string) (BlocklistEntry, error)
	GetBlocklistEntryByValue(ctx context.Context, merchantID string, livemode bool, kind, value string) (BlocklistEntry, error)
	DeleteBlocklistEntry(ctx context.Context, merchantID string, livemode bool, id string) error
	ListBlocklist(ctx context.Context, merchantID string, livemode bool, kind string, page Page) ([]BlocklistEntry, error)
	// GetFraudSettings returns the merchant's stored settings of one mode (JSON of fraud.Settings) or ErrNotFound.
	GetFraudSettings(ctx context.Context, merchantID string, livemode bool) (json.RawMessage, error)
	PutFraudSettings(ctx context.Context, merchantID string, livemode bool, settings json.RawMessage, at time.Time) error
}

// Jobs is the River job queue stored in the same database.
type Jobs interface {
	// Start begins working jobs with the workers and periodic jobs given at Open. Requires a worker role.
	Start(ctx context.Context) error
	// Stop stops fetching new jobs and waits for running ones to finish, or for ctx to end.
	Stop(ctx context.Context) error
	// Enqueue inserts a job outside any transaction.
	Enqueue(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error
	// Count returns the number of jobs of a kind in a state.
	Count(ctx context.Context, kind string, state JobState) (int, error)
	// Counts returns the number of jobs by kind and state, in one query.
	Counts(ctx context.Context) (map[string]map[JobState]int, error)
	// LatestQueueReport is the last time any instance's workers reported a queue to River (zero if never).
	LatestQueueReport(ctx context.Context) (time.Time, error)
}

// JobState mirrors River's job states that Kassa reports.
type JobState string

// Job states (River's).
const (
	JobAvailable JobState = "available"
	JobScheduled JobState = "scheduled"
	JobRunning   JobState = "running"
	JobRetryable JobState = "retryable"
	JobCompleted JobState = "completed"
	JobDiscarded JobState = "discarded"
	JobCancelled JobState = "cancelled"
)

// Options configure Open in both implementations.
type Options struct {
	// River is the job client's configuration (workers, queues, periodic jobs, logger). Without Queues the client
	// only inserts jobs; the Workers bundle may still be filled after Open and before Jobs().Start.
	River *river.Config
	// MaxConns bounds the connection pool (0 = implementation default).
	MaxConns int
	// RoundTrips, when set, counts every round trip to PostgreSQL: each statement (BEGIN and COMMIT included) and
	// each batch, the job queue's own included; not the pool's health pings, nor the statement preparations a
	// connection makes once per query text. Tests and benchmarks assert and report it (docs/benchmarks.md). SQLite
	// runs in the process and ignores it.
	RoundTrips *atomic.Int64
	// Statements, when set, sees the text and arguments of every statement the store's queries send (on
	// PostgreSQL the job queue's too): tests that check query plans EXPLAIN what it saw.
	Statements func(query string, args []any)
}
