package compress

import (
	"encoding/binary"
	"sync"

	"github.com/pierrec/lz4/v4"
)

// lz4Codec uses the LZ4 block format. An LZ4 block does not record its
// decompressed length, so Encode puts it in front:
//
//	| decodedLen:uvarint | lz4 block |
//
// Decode checks decodedLen against maxLen, decompresses into exactly that
// many bytes and insists that the block fills them.
type lz4Codec struct{}

// lz4Compressors holds lz4.Compressor values (a 128 KiB hash table each),
// which are not safe for concurrent use.
var lz4Compressors = sync.Pool{New: func() any { return new(lz4.Compressor) }}

func (lz4Codec) Name() string { return "lz4" }
func (lz4Codec) ID() byte     { return IDLZ4 }

func (lz4Codec) Encode(dst, src []byte) []byte {
	dst = binary.AppendUvarint(dst[:0], uint64(len(src)))
	header := len(dst)
	dst = resizeKeeping(dst, header+lz4.CompressBlockBound(len(src)))
	c := lz4Compressors.Get().(*lz4.Compressor)
	n, err := c.CompressBlock(src, dst[header:])
	lz4Compressors.Put(c)
	if err != nil || n == 0 {
		// With a destination of CompressBlockBound bytes the library
		// promises success, so this is a broken invariant, not bad input.
		panic("compress: lz4: block compression failed with a bound-sized buffer")
	}
	return dst[:header+n]
}

func (lz4Codec) Decode(dst, src []byte, maxLen int) ([]byte, error) {
	maxLen = clampLimit(maxLen)
	n, header := binary.Uvarint(src)
	if header <= 0 {
		return nil, corrupt("lz4", 0, nil, "bad length header")
	}
	if n > uint64(maxLen) {
		return nil, tooLarge("lz4", n, maxLen)
	}
	body := src[header:]
	if n == 0 {
		// The only LZ4 block of no bytes is a lone zero token. Deciding it
		// here also keeps a nil dst away from the library's amd64 decoder,
		// which dereferences it (lz4 v4.1.33; found by FuzzDecodeLZ4).
		if len(body) > 1 || (len(body) == 1 && body[0] != 0) {
			return nil, corrupt("lz4", header, nil, "block of 0 bytes has a %d-byte body", len(body))
		}
		return dst[:0], nil
	}
	out := resize(dst, int(n))
	written, err := lz4.UncompressBlock(body, out)
	if err != nil {
		return nil, corrupt("lz4", -1, err, "bad body for a block of %d bytes", n)
	}
	if written != len(out) {
		return nil, corrupt("lz4", -1, nil, "body decodes to %d bytes, header says %d", written, n)
	}
	return out, nil
}

// resizeKeeping is resize that keeps buf's contents when it must grow.
func resizeKeeping(buf []byte, n int) []byte {
	if cap(buf) >= n {
		return buf[:n]
	}
	grown := make([]byte, n)
	copy(grown, buf)
	return grown
}
