package compress

import (
	"fmt"
	"strings"
)

// Codec compresses and decompresses whole blocks. Every Codec is safe for
// concurrent use by many goroutines.
type Codec interface {
	// Name is the codec's name as written in configuration files.
	Name() string
	// ID is the byte that identifies the codec on disk. IDs never change.
	ID() byte
	// Encode compresses src and returns the block. It writes into dst's
	// backing array when that is large enough (dst's contents are lost) and
	// allocates otherwise. dst and src must not overlap.
	Encode(dst, src []byte) []byte
	// Decode decompresses a block made by Encode. It refuses, with an error
	// wrapping ErrTooLarge, a block that would decompress to more than maxLen
	// bytes, and never allocates more than maxLen (plus a small constant)
	// whatever the block claims. Malformed blocks get a *CorruptError. Like
	// Encode it reuses dst's backing array when that is large enough; dst and
	// src must not overlap. A negative maxLen is treated as 0. An empty block
	// may decode to a nil slice.
	Decode(dst, src []byte, maxLen int) ([]byte, error)
}

// The on-disk codec IDs. They are stored in every compressed block's
// trailer, so they are never renumbered; a new codec takes the next free ID.
const (
	IDNone   byte = 0
	IDSnappy byte = 1
	IDLZ4    byte = 2
	IDZstd   byte = 3
)

// codecs is indexed by ID.
var codecs = [...]Codec{
	IDNone:   noneCodec{},
	IDSnappy: snappyCodec{},
	IDLZ4:    lz4Codec{},
	IDZstd:   zstdCodec{},
}

// Lookup returns the codec called name: "none", "snappy", "lz4" or "zstd".
func Lookup(name string) (Codec, error) {
	for _, c := range codecs {
		if c.Name() == name {
			return c, nil
		}
	}
	return nil, fmt.Errorf("%w %q (allowed: %s)", ErrUnknownCodec, name, strings.Join(Names(), ", "))
}

// ByID returns the codec whose ID is id, as read from a block trailer.
func ByID(id byte) (Codec, error) {
	if int(id) < len(codecs) {
		return codecs[id], nil
	}
	return nil, fmt.Errorf("%w id %d (allowed: 0 to %d)", ErrUnknownCodec, id, len(codecs)-1)
}

// Names returns the names of all codecs in ID order. The slice is the
// caller's to keep.
func Names() []string {
	names := make([]string, len(codecs))
	for i, c := range codecs {
		names[i] = c.Name()
	}
	return names
}

// clampLimit turns a negative maxLen into 0.
func clampLimit(maxLen int) int {
	return max(maxLen, 0)
}

// resize returns a slice of length n that reuses buf's backing array when
// it is large enough. The contents are unspecified: callers overwrite them.
func resize(buf []byte, n int) []byte {
	if cap(buf) >= n {
		return buf[:n]
	}
	return make([]byte, n)
}
