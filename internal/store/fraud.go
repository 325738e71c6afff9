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
}

// AttemptKey names what velocity counts are taken over.
type AttemptKey struct {
	MerchantID string
	Livemode   bool
	// Since* are the starts of the windows.
	MinuteAgo, HourAgo, DayAgo time.Time
}

// BlocklistMatch is what an attempt is checked against; empty values match nothing.
type BlocklistMatch struct {
	MerchantID, CardFingerprint, Email, IP string
	Livemode                               bool
	// BIN is the card's first 8 digits (entries of 6, 7 or 8 digits match its prefixes).
	BIN string
}
