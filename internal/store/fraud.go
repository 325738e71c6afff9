package store

import "time"

// BlocklistEntry is one value a merchant blocks: a card fingerprint, an email, an IP address or a BIN.
type BlocklistEntry struct {
	ID         string // "bl_…"
	MerchantID string
	Livemode   bool
	Kind       string
	Value      string
	Reason     string
	CreatedAt  time.Time
}

// AttemptCounts are card attempts in the last minute, hour and day.
type AttemptCounts struct{ Minute, Hour, Day int }

// AttemptSignals are the velocity signals of one card attempt (internal/fraud's Input).
type AttemptSignals struct {
	// Card, IP and Email are the attempts with the attempt's card, IP address and e-mail.
	Card, IP, Email AttemptCounts
	// DistinctCardsFromIP counts the cards seen from the IP in the last hour, the attempt's own card included.
	DistinctCardsFromIP int
	// RecentDeclines counts the declined attempts with the card, the IP or the e-mail in the last day.
	RecentDeclines int
	// RecentAmounts are the amounts of the merchant's recent successful payments in the attempt's currency
	// (AttemptKey's AmountsSince and AmountsLimit), newest first.
	RecentAmounts []int64
	// Blocked are the blocklist entries (kind and value) the attempt matches.
	Blocked []BlockedValue
}

// BlockedValue is a blocklist entry an attempt matched.
type BlockedValue struct{ Kind, Value string }

// Attempt is what one card attempt is counted and matched by; empty values count and match nothing.
type Attempt struct {
	CardFingerprint, ClientIP, Email, Currency string
	// BlockIP is the client IP as the blocklist holds it (fraud.NormalizeBlockValue).
	BlockIP string
	// BIN is the card's first 8 digits (entries of 6, 7 or 8 digits match its prefixes).
	BIN string
}

// AttemptKey names what velocity counts are taken over.
type AttemptKey struct {
	MerchantID string
	Livemode   bool
	// Since* are the starts of the windows.
	MinuteAgo, HourAgo, DayAgo time.Time
	// AmountsSince and AmountsLimit bound the recent amounts read (none without a limit).
	AmountsSince time.Time
	AmountsLimit int
	// CountLimit is where every count stops (0: none), so that its cost is bounded whatever the history.
	CountLimit int
}
