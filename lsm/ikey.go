package lsm

import (
	"bytes"
	"encoding/binary"
)

// kind is the type of an internal entry.
type kind uint8

const (
	kindDelete kind = 0
	kindSet    kind = 1
	// kindMax sorts first among entries of equal sequence number; seek
	// keys use it so that they land before every entry of that seqnum.
	kindMax kind = 0xff
)

// maxSeq is the largest sequence number (56 bits).
const maxSeq = 1<<56 - 1

// trailerLen is the size of the (seq<<8 | kind) trailer after a user key.
const trailerLen = 8

// ikey is an internal key: a user key and the trailer seq<<8|kind. Internal
// keys sort by user key ascending, then trailer descending, so the newest
// version of a user key comes first.
type ikey struct {
	ukey    []byte
	trailer uint64
}

func makeTrailer(seq uint64, k kind) uint64 { return seq<<8 | uint64(k) }

func (k ikey) seq() uint64 { return k.trailer >> 8 }
func (k ikey) kind() kind  { return kind(k.trailer & 0xff) }

// cmpIkey orders internal keys.
func cmpIkey(a, b ikey) int {
	if c := bytes.Compare(a.ukey, b.ukey); c != 0 {
		return c
	}
	switch {
	case a.trailer > b.trailer:
		return -1
	case a.trailer < b.trailer:
		return 1
	}
	return 0
}

// appendIkey encodes k as | ukey | trailer:8 LE |.
func appendIkey(dst []byte, k ikey) []byte {
	dst = append(dst, k.ukey...)
	return binary.LittleEndian.AppendUint64(dst, k.trailer)
}

// parseIkey splits an encoded internal key; ok is false if it is too short.
// The user key aliases b.
func parseIkey(b []byte) (ikey, bool) {
	if len(b) < trailerLen {
		return ikey{}, false
	}
	n := len(b) - trailerLen
	return ikey{ukey: b[:n:n], trailer: binary.LittleEndian.Uint64(b[n:])}, true
}

// cmpEncoded compares two encoded internal keys; malformed keys (shorter
// than a trailer) sort by their bytes, and callers check them elsewhere.
func cmpEncoded(a, b []byte) int {
	ka, okA := parseIkey(a)
	kb, okB := parseIkey(b)
	if !okA || !okB {
		return bytes.Compare(a, b)
	}
	return cmpIkey(ka, kb)
}
