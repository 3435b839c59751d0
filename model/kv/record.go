package kv

import (
	"encoding/binary"
	"fmt"
	"time"
)

// prefix is the kv model's keyspace inside the shared mvcc DB: every user
// key k is stored under the mvcc key prefix+k, so other models can use
// other prefixes in the same DB without clashing.
var prefix = []byte("kv\x00")

// recordVersion is the first byte of every stored record.
const recordVersion = 1

// headerLen is the record header: version byte plus expiry.
const headerLen = 1 + 8

// storeKey returns the mvcc key of user key k.
func storeKey(k []byte) []byte {
	out := make([]byte, 0, len(prefix)+len(k))
	return append(append(out, prefix...), k...)
}

// userKey strips the keyspace prefix from an mvcc key.
func userKey(sk []byte) []byte { return sk[len(prefix):] }

// prefixEnd returns the smallest key greater than every key starting with
// p, or nil if there is none (p is all 0xff).
func prefixEnd(p []byte) []byte {
	end := append([]byte{}, p...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] != 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// encodeRecord lays out one stored value:
//
//	| version:1 (=1) | expires:8 BE unix nanoseconds, 0 = never | value |
func encodeRecord(value []byte, expires time.Time) []byte {
	out := make([]byte, headerLen, headerLen+len(value))
	out[0] = recordVersion
	var ns int64
	if !expires.IsZero() {
		ns = expires.UnixNano()
	}
	binary.BigEndian.PutUint64(out[1:], uint64(ns))
	return append(out, value...)
}

// decodeRecord parses a stored record of key k. The value aliases rec.
func decodeRecord(k, rec []byte) (value []byte, expires time.Time, err error) {
	if len(rec) < headerLen {
		return nil, time.Time{}, &CorruptionError{Key: k, Reason: fmt.Sprintf("record of %d bytes is shorter than its %d-byte header", len(rec), headerLen)}
	}
	if rec[0] != recordVersion {
		return nil, time.Time{}, &CorruptionError{Key: k, Reason: fmt.Sprintf("unknown record version %d (want %d)", rec[0], recordVersion)}
	}
	if ns := int64(binary.BigEndian.Uint64(rec[1:])); ns != 0 {
		expires = time.Unix(0, ns)
	}
	return rec[headerLen:], expires, nil
}
