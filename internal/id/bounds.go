package id

import (
	"encoding/binary"
	"time"
)

// Floor returns the smallest identifier with the prefix made at t or later: every identifier New made before t
// sorts below it, and every one made at or after t sorts at or above it (to the millisecond). A time range over
// objects whose id was made at their creation becomes an id range, which the (…, id) list indexes serve.
func Floor(prefix string, t time.Time) string {
	var b [16]byte
	ms := uint64(t.UnixMilli())
	binary.BigEndian.PutUint16(b[0:2], uint16(ms>>32))
	binary.BigEndian.PutUint32(b[2:6], uint32(ms))
	return prefix + encode(b[:])
}
