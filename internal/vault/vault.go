// Package vault owns cardholder data: it validates card numbers, expiries and CVVs, tells a card's brand from its
// number, seals cards for storage, and masks card numbers typed into free text (MaskPANs). It is security-critical:
// a change here can put card numbers in clear in the database or the logs, or make every stored card unreadable.
//
// Outside this package a card is a sealed record (Sealed) referenced by its id, plus the Display data that may be
// shown; the number in clear exists only in memory between the request that carries it and Seal, and after Open for
// the provider call. The CVV is never stored at all.
//
// Envelope encryption: each record gets a fresh 256-bit data key that encrypts the card with AES-256-GCM; the data
// key is wrapped, also with AES-256-GCM, by a key-encryption key derived from KASSA_MASTER_KEY with HKDF-SHA256. Both
// ciphertexts take the record id as associated data, so a sealed card copied onto another record does not open.
// Fingerprints are HMAC-SHA256 of the number under a second derived key: equal for equal numbers across records and
// across instances sharing the master key, and useless without that key (card numbers are too few to hash unkeyed).
package vault

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

const (
	// keyVersion names the key-encryption key a record's data key is wrapped with. There is one today; rotating the
	// master key adds a version and keeps the old KEK to open old records.
	keyVersion = 1

	// formatVersion prefixes both ciphertexts, so that the scheme can change without guessing.
	formatVersion byte = 1

	// HKDF info strings: one derived key per purpose, so the fingerprint key never encrypts and the KEK never
	// fingerprints. Changing either makes every stored record (or fingerprint) unusable.
	kekInfo         = "kassa/vault-kek/v1"
	fingerprintInfo = "kassa/card-fingerprint/v1"

	keySize = 32 // AES-256 and HMAC-SHA256 keys
)

// ErrOpen is returned by Open for any record that does not decrypt: wrong record id, wrong master key, unknown key
// version, or tampered bytes. It does not say which, on purpose.
var ErrOpen = errors.New("vault: cannot open sealed card")

// ErrRecordID is returned by Seal for an empty record id: without it, a sealed card would be bound to nothing.
var ErrRecordID = errors.New("vault: record id is required")

// Vault seals and opens cards and computes card fingerprints. It is safe for concurrent use.
type Vault struct {
	kek            cipher.AEAD
	fingerprintKey []byte
}

// New derives the vault's keys from a 32-byte master key (KASSA_MASTER_KEY). Instances built from the same master
// key open each other's records and compute the same fingerprints.
func New(masterKey []byte) (*Vault, error) {
	if len(masterKey) != keySize {
		return nil, fmt.Errorf("vault: master key must be %d bytes, not %d", keySize, len(masterKey))
	}
	kekBytes, err := hkdf.Key(sha256.New, masterKey, nil, kekInfo, keySize)
	if err != nil {
		return nil, fmt.Errorf("vault: derive key-encryption key: %w", err)
	}
	defer clear(kekBytes)
	kek, err := newAEAD(kekBytes)
	if err != nil {
		return nil, err
	}
	fingerprintKey, err := hkdf.Key(sha256.New, masterKey, nil, fingerprintInfo, keySize)
	if err != nil {
		return nil, fmt.Errorf("vault: derive fingerprint key: %w", err)
	}
	return &Vault{kek: kek, fingerprintKey: fingerprintKey}, nil
}

// Format keeps the fingerprint key out of anything that prints a Vault.
func (Vault) Format(f fmt.State, _ rune) {
	_, _ = io.WriteString(f, "vault.Vault{…}")
}

// Sealed is a card as stored: the card encrypted under its own data key, that data key wrapped by the key-encryption
// key of KeyVersion, and the two things that may be read without opening it, Fingerprint and Display.
type Sealed struct {
	Ciphertext  []byte
	WrappedKey  []byte
	KeyVersion  int
	Fingerprint string
	Display     Display
}

// cardRecord is what Seal encrypts. Card refuses to marshal; this twin exists so that Seal, and only Seal, can.
type cardRecord struct {
	Number   string `json:"number"`
	ExpMonth int    `json:"exp_month"`
	ExpYear  int    `json:"exp_year"`
	Name     string `json:"name,omitempty"`
}

// Seal encrypts c for the record recordID. The number is normalized first (NormalizeNumber, whose errors Seal
// returns) and stored normalized; the expiry is stored as given, so validate it before.
func (v *Vault) Seal(recordID string, c Card) (Sealed, error) {
	if recordID == "" {
		return Sealed{}, ErrRecordID
	}
	number, err := NormalizeNumber(c.Number)
	if err != nil {
		return Sealed{}, err
	}
	c.Number = number

	plaintext, err := json.Marshal(cardRecord{Number: c.Number, ExpMonth: c.ExpMonth, ExpYear: c.ExpYear, Name: c.Name})
	if err != nil {
		return Sealed{}, fmt.Errorf("vault: encode card: %w", err)
	}
	defer clear(plaintext) // best effort: Go cannot promise no other copy exists
	dataKey := make([]byte, keySize)
	rand.Read(dataKey) // never fails (crypto/rand crashes the program instead)
	defer clear(dataKey)
	aead, err := newAEAD(dataKey)
	if err != nil {
		return Sealed{}, err
	}
	ad := associatedData(recordID)
	return Sealed{
		Ciphertext:  aead.Seal([]byte{formatVersion}, nil, plaintext, ad),
		WrappedKey:  v.kek.Seal([]byte{formatVersion}, nil, dataKey, ad),
		KeyVersion:  keyVersion,
		Fingerprint: v.fingerprint(number),
		Display:     DisplayOf(c),
	}, nil
}

// Open decrypts a card sealed for recordID. Any failure is ErrOpen.
func (v *Vault) Open(recordID string, s Sealed) (Card, error) {
	if recordID == "" || s.KeyVersion != keyVersion {
		return Card{}, ErrOpen
	}
	ad := associatedData(recordID)
	dataKey, err := openVersioned(v.kek, s.WrappedKey, ad)
	if err != nil || len(dataKey) != keySize {
		return Card{}, ErrOpen
	}
	defer clear(dataKey)
	aead, err := newAEAD(dataKey)
	if err != nil {
		return Card{}, ErrOpen
	}
	plaintext, err := openVersioned(aead, s.Ciphertext, ad)
	if err != nil {
		return Card{}, ErrOpen
	}
	defer clear(plaintext)
	var rec cardRecord
	if err := json.Unmarshal(plaintext, &rec); err != nil {
		// Authenticated but unreadable: only a bug in Seal gets here. Still ErrOpen, and never the plaintext.
		return Card{}, ErrOpen
	}
	return Card{Number: rec.Number, ExpMonth: rec.ExpMonth, ExpYear: rec.ExpYear, Name: rec.Name}, nil
}

// Fingerprint returns the hex HMAC-SHA256 of the normalized number under the vault's fingerprint key, the same for
// every spelling of one number ("4242 4242…", "4242-4242…"). An invalid number returns NormalizeNumber's error.
func (v *Vault) Fingerprint(number string) (string, error) {
	normalized, err := NormalizeNumber(number)
	if err != nil {
		return "", err
	}
	return v.fingerprint(normalized), nil
}

func (v *Vault) fingerprint(normalized string) string {
	mac := hmac.New(sha256.New, v.fingerprintKey)
	mac.Write([]byte(normalized))
	return hex.EncodeToString(mac.Sum(nil))
}

// associatedData binds a ciphertext to its record and to the format version in its first byte, so that neither can
// be swapped without failing authentication.
func associatedData(recordID string) []byte {
	return append([]byte{formatVersion}, recordID...)
}

// openVersioned opens a ciphertext made by aead.Seal with the formatVersion prefix.
func openVersioned(aead cipher.AEAD, ciphertext, ad []byte) ([]byte, error) {
	if len(ciphertext) < 1 || ciphertext[0] != formatVersion {
		return nil, ErrOpen
	}
	return aead.Open(nil, nil, ciphertext[1:], ad)
}

// newAEAD returns AES-256-GCM under key with a random 96-bit nonce per seal, which the ciphertext carries. Random
// nonces are safe here: a data key seals exactly one message, and the KEK seals one data key per card record,
// far below the 2^32 messages per key that NIST SP 800-38D allows with random nonces (rotate the master key
// long before that).
func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	aead, err := cipher.NewGCMWithRandomNonce(block)
	if err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	return aead, nil
}
