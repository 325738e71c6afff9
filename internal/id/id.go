// Package id makes Kassa's object identifiers: a type prefix ("pay_", "cus_", …) followed by 22 base62 characters.
//
// The first 6 bytes encode the creation time in milliseconds and the remaining 10 bytes are random, so identifiers
// of one type sort by creation time. Lists page with "id < cursor" instead of an OFFSET, and an index on the id
// serves both lookup and ordering. 80 random bits make collisions within one millisecond negligible.
package id

import (
	"crypto/rand"
	"encoding/binary"
	"math/big"
	"strings"
	"time"
)

const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// encodedLen is the number of base62 digits needed for 128 bits.
const encodedLen = 22

// New returns prefix + a time-ordered random identifier made at now.
func New(prefix string, now time.Time) string {
	var b [16]byte
	ms := uint64(now.UnixMilli())
	binary.BigEndian.PutUint16(b[0:2], uint16(ms>>32))
	binary.BigEndian.PutUint32(b[2:6], uint32(ms))
	if _, err := rand.Read(b[6:]); err != nil {
		panic("id: crypto/rand failed: " + err.Error()) // crypto/rand never fails on supported platforms
	}
	return prefix + encode(b[:])
}

// Random returns n base62 characters from crypto/rand, for secrets (API keys, client secrets).
func Random(n int) string {
	var sb strings.Builder
	sb.Grow(n)
	max := big.NewInt(int64(len(alphabet)))
	for range n {
		v, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic("id: crypto/rand failed: " + err.Error())
		}
		sb.WriteByte(alphabet[v.Int64()])
	}
	return sb.String()
}

func encode(b []byte) string {
	n := new(big.Int).SetBytes(b)
	out := make([]byte, encodedLen)
	base := big.NewInt(int64(len(alphabet)))
	mod := new(big.Int)
	for i := encodedLen - 1; i >= 0; i-- {
		n.DivMod(n, base, mod)
		out[i] = alphabet[mod.Int64()]
	}
	return string(out)
}

// HasPrefix reports whether s looks like an identifier with the given prefix (right prefix, right length, base62).
// Handlers use it to answer 404 for a malformed id without a database round trip.
func HasPrefix(s, prefix string) bool {
	rest, ok := strings.CutPrefix(s, prefix)
	if !ok || len(rest) != encodedLen {
		return false
	}
	for i := 0; i < len(rest); i++ {
		if strings.IndexByte(alphabet, rest[i]) < 0 {
			return false
		}
	}
	return true
}
