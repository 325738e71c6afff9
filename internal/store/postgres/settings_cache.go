package postgres

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kassapay/kassa/internal/merchant"
	"github.com/kassapay/kassa/internal/store"
	"github.com/kassapay/kassa/internal/webhook"
)

// settingsChannel is the channel migration 00014's triggers notify, with the merchant's id, whenever a merchant
// or one of its API keys, payment profiles, routing rules or webhook endpoints changes.
const settingsChannel = "kassa_settings"

// settingsWrites are the statements that change what the cache keeps. Whatever instance runs one forgets its whole
// cache when the write is done (for a transaction: at its end, and the transaction reads no cached settings after
// it), so that it reads its own writes at once; the other instances drop the merchant when the trigger's
// notification reaches them. TestSettingsWritesAreKnown checks the list against the queries.
var settingsWrites = map[string]bool{
	"UpdateMerchant": true, "ExpireAPIKeys": true, "RevokeAPIKey": true, "RevokeAPIKeyOfMode": true,
	"InsertPaymentProfile": true, "UpdatePaymentProfile": true, "DeletePaymentProfile": true, "PutRoutingRules": true,
	"InsertWebhookEndpoint": true, "UpdateWebhookEndpoint": true,
}

const (
	// settingsTTL bounds how long an entry is served even with the listener up, should a notification be lost to
	// something PostgreSQL cannot tell the listener about.
	settingsTTL = time.Minute
	// settingsCacheMax bounds the cache; past it, it starts over.
	settingsCacheMax = 20_000
	// listenPing is how often an idle listener checks that its connection still works.
	listenPing = 15 * time.Second
)

// settingsCache keeps what nearly every request reads and seldom changes: the API keys (by hash) and merchants
// that authenticate API calls, and each merchant's payment profiles, routing rules and enabled webhook endpoints
// per mode, so that a request spends no round trip on them. It serves entries only while its listener is
// connected: a change committed on any instance reaches every instance's listener, which drops that merchant's
// entries, and while the listener is down (or reconnecting) every read goes to the database. A read that raced a
// drop is not kept (gen). So a revoked key stops working on every instance within the notification's delivery
// (milliseconds), and at once on the instance that revoked it.
type settingsCache struct {
	mu      sync.Mutex
	live    bool
	gen     uint64
	entries map[string]cached
	now     func() time.Time
}

type cached struct {
	merchantID string
	value      any
	at         time.Time
}

func newSettingsCache() *settingsCache {
	return &settingsCache{entries: map[string]cached{}, now: time.Now}
}

// get returns the entry under key, and the generation to put a fresh read under.
func (c *settingsCache) get(key string) (any, uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if ok && c.live && c.now().Sub(e.at) < settingsTTL {
		return e.value, c.gen, true
	}
	return nil, c.gen, false
}

// put keeps v if nothing was dropped since gen was read (before the database read that returned v).
func (c *settingsCache) put(gen uint64, key, merchantID string, v any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.live || c.gen != gen {
		return
	}
	if len(c.entries) >= settingsCacheMax {
		clear(c.entries)
	}
	c.entries[key] = cached{merchantID: merchantID, value: v, at: c.now()}
}

// drop forgets a merchant's entries.
func (c *settingsCache) drop(merchantID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for k, e := range c.entries {
		if e.merchantID == merchantID {
			delete(c.entries, k)
		}
	}
}

// forget forgets everything (after this instance changed a setting).
func (c *settingsCache) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.entries)
}

// reset forgets everything and sets whether entries may be served.
func (c *settingsCache) reset(live bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.live = live
	clear(c.entries)
}

// through returns the value under key, reading and keeping it on a miss; owner names the merchant whose change
// drops it.
func through[T any](c *settingsCache, key string, owner func(T) string, read func() (T, error)) (T, error) {
	v, gen, ok := c.get(key)
	if ok {
		return v.(T), nil
	}
	fresh, err := read()
	if err == nil {
		c.put(gen, key, owner(fresh), fresh)
	}
	return fresh, err
}

// of names a merchant known before the read.
func of[T any](merchantID string) func(T) string { return func(T) string { return merchantID } }

func modeKey(kind, merchantID string, livemode bool) string {
	return kind + "|" + merchantID + "|" + strconv.FormatBool(livemode)
}

// listen keeps a connection that LISTENs on settingsChannel until ctx ends, reconnecting after a failure; the
// cache is live only while it listens.
func (c *settingsCache) listen(ctx context.Context, cfg *pgx.ConnConfig, log *slog.Logger) {
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := c.listenOnce(ctx, cfg)
		c.reset(false)
		if ctx.Err() != nil {
			return
		}
		log.Warn("settings cache listener stopped; keys and settings are read from the database until it reconnects", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

func (c *settingsCache) listenOnce(ctx context.Context, cfg *pgx.ConnConfig) error {
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+settingsChannel); err != nil {
		return err
	}
	c.reset(true)
	for {
		wait, cancel := context.WithTimeout(ctx, listenPing)
		n, err := conn.WaitForNotification(wait)
		cancel()
		switch {
		case err == nil:
			c.drop(n.Payload)
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, context.DeadlineExceeded):
			if err := conn.Ping(ctx); err != nil {
				return err
			}
		default:
			return err
		}
	}
}

// watchedDB is the pool as the store's own statements (outside transactions) use it: a write to a cached setting
// empties this instance's cache when it is done.
type watchedDB struct {
	pool  *pgxpool.Pool
	cache *settingsCache
}

func (w watchedDB) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	tag, err := w.pool.Exec(ctx, sql, args...)
	if settingsWrites[statementName(sql)] {
		w.cache.forget()
	}
	return tag, err
}

func (w watchedDB) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	rows, err := w.pool.Query(ctx, sql, args...)
	if settingsWrites[statementName(sql)] {
		w.cache.forget()
	}
	return rows, err
}

func (w watchedDB) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	row := w.pool.QueryRow(ctx, sql, args...)
	if settingsWrites[statementName(sql)] {
		w.cache.forget()
	}
	return row
}

// cachedReads are the cached reads, for the store and for transactions that have not changed a setting.
type cachedReads struct {
	q     queries
	cache *settingsCache
}

func (r cachedReads) apiKey(ctx context.Context, hash string) (merchant.APIKey, error) {
	return through(r.cache, "key|"+hash, func(k merchant.APIKey) string { return k.MerchantID }, func() (merchant.APIKey, error) {
		return r.q.GetAPIKeyByHash(ctx, hash)
	})
}

func (r cachedReads) merchant(ctx context.Context, id string) (merchant.Merchant, error) {
	return through(r.cache, "merchant|"+id, of[merchant.Merchant](id), func() (merchant.Merchant, error) { return r.q.GetMerchant(ctx, id) })
}

func (r cachedReads) profiles(ctx context.Context, merchantID string, livemode bool) ([]merchant.PaymentProfile, error) {
	ps, err := through(r.cache, modeKey("profiles", merchantID, livemode), of[[]merchant.PaymentProfile](merchantID), func() ([]merchant.PaymentProfile, error) {
		return r.q.ListPaymentProfiles(ctx, merchantID, livemode)
	})
	return slices.Clone(ps), err
}

func (r cachedReads) rules(ctx context.Context, merchantID string, livemode bool) (store.RoutingRules, error) {
	rr, err := through(r.cache, modeKey("rules", merchantID, livemode), of[store.RoutingRules](merchantID), func() (store.RoutingRules, error) {
		return r.q.GetRoutingRules(ctx, merchantID, livemode)
	})
	rr.Rules = slices.Clone(rr.Rules)
	return rr, err
}

func (r cachedReads) endpoints(ctx context.Context, merchantID string, livemode bool) ([]webhook.Endpoint, error) {
	es, err := through(r.cache, modeKey("endpoints", merchantID, livemode), of[[]webhook.Endpoint](merchantID), func() ([]webhook.Endpoint, error) {
		return r.q.ListEnabledWebhookEndpoints(ctx, merchantID, livemode)
	})
	return slices.Clone(es), err
}

// GetAPIKeyByHash implements store.Store from the settings cache when it can.
func (s *Store) GetAPIKeyByHash(ctx context.Context, hash string) (merchant.APIKey, error) {
	return s.reads().apiKey(ctx, hash)
}

// GetMerchant implements store.Store from the settings cache when it can.
func (s *Store) GetMerchant(ctx context.Context, id string) (merchant.Merchant, error) {
	return s.reads().merchant(ctx, id)
}

// ListPaymentProfiles implements store.Store from the settings cache when it can.
func (s *Store) ListPaymentProfiles(ctx context.Context, merchantID string, livemode bool) ([]merchant.PaymentProfile, error) {
	return s.reads().profiles(ctx, merchantID, livemode)
}

// GetRoutingRules implements store.Store from the settings cache when it can.
func (s *Store) GetRoutingRules(ctx context.Context, merchantID string, livemode bool) (store.RoutingRules, error) {
	return s.reads().rules(ctx, merchantID, livemode)
}

// ListEnabledWebhookEndpoints implements store.Store from the settings cache when it can.
func (s *Store) ListEnabledWebhookEndpoints(ctx context.Context, merchantID string, livemode bool) ([]webhook.Endpoint, error) {
	return s.reads().endpoints(ctx, merchantID, livemode)
}

func (s *Store) reads() cachedReads { return cachedReads{q: s.queries, cache: s.cache} }

// A transaction reads the merchant, its profiles, rules and endpoints from the cache until it changes a setting
// itself; from then on it reads them from the database, its own writes included. A transaction that must hold
// the merchant still locks it (LockMerchant), which always reads the row.

func (t tx) GetMerchant(ctx context.Context, id string) (merchant.Merchant, error) {
	if t.pipe.settings {
		return t.queries.GetMerchant(ctx, id)
	}
	return t.reads().merchant(ctx, id)
}

func (t tx) ListPaymentProfiles(ctx context.Context, merchantID string, livemode bool) ([]merchant.PaymentProfile, error) {
	if t.pipe.settings {
		return t.queries.ListPaymentProfiles(ctx, merchantID, livemode)
	}
	return t.reads().profiles(ctx, merchantID, livemode)
}

func (t tx) GetRoutingRules(ctx context.Context, merchantID string, livemode bool) (store.RoutingRules, error) {
	if t.pipe.settings {
		return t.queries.GetRoutingRules(ctx, merchantID, livemode)
	}
	return t.reads().rules(ctx, merchantID, livemode)
}

func (t tx) ListEnabledWebhookEndpoints(ctx context.Context, merchantID string, livemode bool) ([]webhook.Endpoint, error) {
	if t.pipe.settings {
		return t.queries.ListEnabledWebhookEndpoints(ctx, merchantID, livemode)
	}
	return t.reads().endpoints(ctx, merchantID, livemode)
}

// reads reads a miss within the transaction (never on a second connection, which a full pool may not have).
func (t tx) reads() cachedReads { return cachedReads{q: t.queries, cache: t.pipe.cache} }
