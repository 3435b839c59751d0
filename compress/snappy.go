package compress

import "github.com/golang/snappy"

// snappyCodec uses the Snappy block format, which starts with the
// decompressed length as a uvarint:
//
//	| decodedLen:uvarint | snappy elements... |
//
// Decode reads that length and checks it against maxLen before allocating.
type snappyCodec struct{}

func (snappyCodec) Name() string { return "snappy" }
func (snappyCodec) ID() byte     { return IDSnappy }

func (snappyCodec) Encode(dst, src []byte) []byte {
	// snappy.Encode reuses dst only if its length, not its capacity, is
	// large enough.
	return snappy.Encode(dst[:cap(dst)], src)
}

func (snappyCodec) Decode(dst, src []byte, maxLen int) ([]byte, error) {
	maxLen = clampLimit(maxLen)
	n, err := snappy.DecodedLen(src)
	if err != nil {
		return nil, corrupt("snappy", 0, err, "bad length header")
	}
	if n > maxLen {
		return nil, tooLarge("snappy", uint64(n), maxLen)
	}
	out, err := snappy.Decode(resize(dst, n), src)
	if err != nil {
		return nil, corrupt("snappy", -1, err, "bad body for a block of %d bytes", n)
	}
	return out, nil
}
