package mvcc

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
)

// The key layout is drawn in doc.go. In short, a version of user key k
// committed at ts is stored under
//
//	escape(k) | 0x00 0x01 | ^ts (8 bytes, big-endian)
//
// and its engine value is one kind byte followed by the user value.

const (
	escapeByte  = 0x00 // a 0x00 in a user key is written 0x00 0xff
	escapedZero = 0xff
	termByte    = 0x01 // escape(k) ends with 0x00 0x01
	tsLen       = 8
)

// Version kinds: the first byte of every version's engine value.
const (
	kindValue     byte = 1
	kindTombstone byte = 2
)

// Metadata lives under 0x00 0x00, a prefix no escaped user key can start
// with (an escaped 0x00 is always followed by 0xff or 0x01), and which sorts
// before every user key, so data scans never meet it.
var (
	metaPrefix = []byte{0x00, 0x00}
	// clockKey holds the last committed timestamp (8 bytes big-endian). It
	// is written in every commit batch, so recovery restores the clock.
	clockKey = []byte("\x00\x00clock")
	// horizonKey holds the GC horizon: versions needed by a read below it
	// may have been collected. Written in every GC batch.
	horizonKey = []byte("\x00\x00gc-horizon")
	// dataStart is the smallest data key: the prefix of the empty user key.
	dataStart = []byte{escapeByte, termByte}
)

// appendPrefix appends the escaped, terminated form of userKey: the part of
// every version key that names the user key. Encoded prefixes sort like
// their user keys and none is a prefix of another.
func appendPrefix(dst, userKey []byte) []byte {
	for {
		i := bytes.IndexByte(userKey, escapeByte)
		if i < 0 {
			break
		}
		dst = append(dst, userKey[:i]...)
		dst = append(dst, escapeByte, escapedZero)
		userKey = userKey[i+1:]
	}
	dst = append(dst, userKey...)
	return append(dst, escapeByte, termByte)
}

// appendVersionKey appends the engine key of userKey's version at ts.
func appendVersionKey(dst, userKey []byte, ts uint64) []byte {
	dst = appendPrefix(dst, userKey)
	return binary.BigEndian.AppendUint64(dst, ^ts)
}

// prefixEnd returns the smallest key after every version of the user key
// whose encoded prefix is p: p with its terminator 0x00 0x01 made 0x00 0x02.
// Every later user key's prefix is >= it, because after a shared head the
// next escaped byte is either a nonzero byte or 0x00 0xff.
func prefixEnd(p []byte) []byte {
	end := bytes.Clone(p)
	end[len(end)-1]++
	return end
}

// splitVersionKey splits an engine key into its encoded user-key prefix
// and its commit timestamp, without copying. It checks only the framing;
// decodeUserKey checks the escapes.
func splitVersionKey(ek []byte) (prefix []byte, ts uint64, err error) {
	if len(ek) < 2+tsLen {
		return nil, 0, &CorruptionError{Key: ek, Reason: fmt.Sprintf("%d bytes, want at least %d (terminator and timestamp)", len(ek), 2+tsLen)}
	}
	n := len(ek) - tsLen
	if ek[n-2] != escapeByte || ek[n-1] != termByte {
		return nil, 0, &CorruptionError{Key: ek, Reason: fmt.Sprintf("bytes %d..%d are %x, want terminator 0001 before the timestamp", n-2, n-1, ek[n-2:n])}
	}
	return ek[:n], ^binary.BigEndian.Uint64(ek[n:]), nil
}

// decodeUserKey unescapes an encoded prefix (terminator included) into a
// new slice.
func decodeUserKey(prefix []byte) ([]byte, error) {
	return appendUserKey(make([]byte, 0, len(prefix)-2), prefix)
}

// appendUserKey appends the unescaped form of an encoded prefix to out.
func appendUserKey(out, prefix []byte) ([]byte, error) {
	n := len(out)
	out = slices.Grow(out, len(prefix))[:n+len(prefix)]
	dst := out[n:] // written by index: per-byte appends cost twice as much
	j := 0
	for i := 0; i < len(prefix); i++ {
		c := prefix[i]
		if c != escapeByte {
			dst[j] = c
			j++
			continue
		}
		if i+1 >= len(prefix) {
			return nil, &CorruptionError{Key: prefix, Reason: fmt.Sprintf("escape at byte %d has no second byte", i)}
		}
		switch prefix[i+1] {
		case escapedZero:
			dst[j] = 0
			j++
			i++
		case termByte:
			if i+2 != len(prefix) {
				return nil, &CorruptionError{Key: prefix, Reason: fmt.Sprintf("terminator at byte %d is followed by %d more bytes", i, len(prefix)-i-2)}
			}
			return out[:n+j], nil
		default:
			return nil, &CorruptionError{Key: prefix, Reason: fmt.Sprintf("byte %d: 0x00 followed by %#x, want 0xff (escaped zero) or 0x01 (terminator)", i, prefix[i+1])}
		}
	}
	return nil, &CorruptionError{Key: prefix, Reason: "no terminator"}
}

// decodeVersionKey returns the user key and commit timestamp of an engine key.
func decodeVersionKey(ek []byte) (userKey []byte, ts uint64, err error) {
	prefix, ts, err := splitVersionKey(ek)
	if err != nil {
		return nil, 0, err
	}
	userKey, err = decodeUserKey(prefix)
	if err != nil {
		return nil, 0, &CorruptionError{Key: ek, Reason: err.(*CorruptionError).Reason}
	}
	return userKey, ts, nil
}

// encodeValue returns the engine value of a version: a kind byte, then the
// user value for a put or nothing for a tombstone.
func encodeValue(value []byte, tombstone bool) []byte {
	if tombstone {
		return []byte{kindTombstone}
	}
	out := make([]byte, 1+len(value))
	out[0] = kindValue
	copy(out[1:], value)
	return out
}

// decodeValue splits an engine value into the user value (aliasing ev) and
// whether the version is a tombstone.
func decodeValue(ek, ev []byte) (value []byte, tombstone bool, err error) {
	if len(ev) == 0 {
		return nil, false, &CorruptionError{Key: ek, Reason: "empty value, want a kind byte"}
	}
	switch ev[0] {
	case kindValue:
		return ev[1:], false, nil
	case kindTombstone:
		if len(ev) != 1 {
			return nil, false, &CorruptionError{Key: ek, Reason: fmt.Sprintf("tombstone carries %d bytes, want none", len(ev)-1)}
		}
		return nil, true, nil
	}
	return nil, false, &CorruptionError{Key: ek, Reason: fmt.Sprintf("value kind %#x, want 1 (value) or 2 (tombstone)", ev[0])}
}

func encodeUint64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

func decodeUint64(key, v []byte) (uint64, error) {
	if len(v) != 8 {
		return 0, &CorruptionError{Key: key, Reason: fmt.Sprintf("metadata value of %d bytes, want 8", len(v))}
	}
	return binary.BigEndian.Uint64(v), nil
}
