package sandbox

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/big"
	"strings"

	"github.com/kassapay/kassa/internal/provider"
)

// IDPrefix starts every sandbox transaction id.
const IDPrefix = "sbx_"

// idKey is the fixed HMAC key of the sandbox. It is not a secret: it only makes ids look random and lets the sandbox
// recognise its own ids. Changing it invalidates every sandbox id stored anywhere.
var idKey = []byte("kassa sandbox transaction ids v1")

// An id is 16 bytes written as 22 base62 digits: 9 bytes of digest of the operation and idempotency key (first, so
// that ids look random), 3 bytes of record and a 4-byte MAC of the 12 bytes before it.
const (
	idBytes      = 16
	idDigits     = 22 // base62 digits for 128 bits
	recordOffset = 9
	macOffset    = 12
)

// A record is what a transaction id remembers about its transaction, so that Lookup, capture, void and refund can be
// answered without state. The byte values are stored in ids in databases: never renumber them, only add.
type record struct {
	op     provider.Operation
	method method
	result outcome
}

// method is how the payer paid.
type method byte

const (
	methodNone method = 0 // capture, void and refund refer to another transaction
	methodCard method = 1
	methodUPI  method = 2
)

var opBytes = map[provider.Operation]byte{
	provider.OperationAuthorize: 1,
	provider.OperationCapture:   2,
	provider.OperationSale:      3,
	provider.OperationVoid:      4,
	provider.OperationRefund:    5,
}

// outcome is the final answer of a transaction that has an id: the response code and whether the card was flagged.
// Operations without an id (failures, timeouts) never need one.
type outcome struct {
	code  string
	fraud bool
}

// outcomes lists every outcome an id can carry, at its byte value.
var outcomes = [...]outcome{
	1: {provider.CodeApproved, false},
	2: {provider.CodeApproved, true},
	3: {provider.CodeDoNotHonor, false},
	4: {provider.CodeInsufficientFunds, false},
	5: {provider.CodeExpiredCard, false},
	6: {provider.CodeCVVMismatch, false},
	7: {provider.CodeInvalidCardNumber, false},
	8: {provider.CodeUPIDebitFailed, false},
	9: {provider.CodeUPIRequestExpired, false},
}

func outcomeByte(o outcome) byte {
	for i, v := range outcomes {
		if i > 0 && v == o {
			return byte(i)
		}
	}
	panic(fmt.Sprintf("sandbox: outcome %+v has no byte value", o)) // a programming error caught by the tests
}

func opOf(b byte) (provider.Operation, bool) {
	for op, v := range opBytes {
		if v == b {
			return op, true
		}
	}
	return "", false
}

// newID returns the transaction id for rec made under idempotencyKey. It depends only on its arguments: a retry with
// the same key gets the same id, in this process or the next, and different keys or operations get different ids.
func newID(rec record, idempotencyKey string) string {
	var b [idBytes]byte
	copy(b[:recordOffset], mac("txn", string(rec.op), idempotencyKey))
	b[recordOffset], b[recordOffset+1], b[recordOffset+2] = opBytes[rec.op], byte(rec.method), outcomeByte(rec.result)
	copy(b[macOffset:], mac("id", string(b[:macOffset])))
	digits := new(big.Int).SetBytes(b[:]).Text(62)
	return IDPrefix + strings.Repeat("0", idDigits-len(digits)) + digits
}

// parseID returns the record of a sandbox id, or false when s is not one (wrong prefix or length, not base62, or a
// MAC that does not match: a typo or an id from elsewhere).
func parseID(s string) (record, bool) {
	digits, ok := strings.CutPrefix(s, IDPrefix)
	if !ok || len(digits) != idDigits {
		return record{}, false
	}
	for i := 0; i < len(digits); i++ {
		if c := digits[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return record{}, false // also keeps SetString from accepting a sign
		}
	}
	n, ok := new(big.Int).SetString(digits, 62)
	if !ok || n.BitLen() > 8*idBytes {
		return record{}, false
	}
	var b [idBytes]byte
	n.FillBytes(b[:])
	if !hmac.Equal(b[macOffset:], mac("id", string(b[:macOffset]))[:idBytes-macOffset]) {
		return record{}, false
	}
	rb := b[recordOffset:macOffset]
	op, ok := opOf(rb[0])
	if !ok || rb[1] > byte(methodUPI) || rb[2] == 0 || int(rb[2]) >= len(outcomes) {
		return record{}, false
	}
	return record{op: op, method: method(rb[1]), result: outcomes[rb[2]]}, true
}

// authCode derives a six-digit approval code from a transaction id.
func authCode(id string) string {
	return fmt.Sprintf("%06d", binary.BigEndian.Uint32(mac("auth", id))%1_000_000)
}

// mac returns HMAC-SHA256 under idKey of the parts, each followed by a zero byte so that ("ab","c") and ("a","bc")
// differ.
func mac(parts ...string) []byte {
	h := hmac.New(sha256.New, idKey)
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum(nil)
}
