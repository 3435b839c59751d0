package compress

import (
	"fmt"
	"sync"

	"github.com/DataDog/zstd"
)

// zstdLevel is zstd's own default level: a good ratio at LZ4-like decode
// speed. (DataDog/zstd's DefaultCompression is 5, which encodes slower for a
// few percent.)
const zstdLevel = 3

// zstdCodec writes one standard zstd frame per block, with the content size
// in the frame header (see zstdframe.go for the layout). Decode parses the
// header in Go first: it rejects a declared size over maxLen before
// allocating, and anything that is not exactly one frame, so the C decoder
// only ever sees a single modern frame and an output buffer of the size the
// frame declares.
type zstdCodec struct{}

// zstdContexts holds zstd.Ctx values, which reuse the C library's
// compression and decompression state between calls but are not safe for
// concurrent use. A Ctx dropped by the pool is freed by its finalizer.
var zstdContexts = sync.Pool{New: func() any { return zstd.NewCtx() }}

func (zstdCodec) Name() string { return "zstd" }
func (zstdCodec) ID() byte     { return IDZstd }

func (zstdCodec) Encode(dst, src []byte) []byte {
	ctx := zstdContexts.Get().(zstd.Ctx)
	out, err := ctx.CompressLevel(dst[:cap(dst)], src, zstdLevel)
	zstdContexts.Put(ctx)
	if err != nil {
		// The library sizes its own output buffer to the worst case, so
		// failing means a broken invariant (or the C allocator failing).
		panic("compress: zstd: compression failed: " + err.Error())
	}
	return out
}

func (zstdCodec) Decode(dst, src []byte, maxLen int) ([]byte, error) {
	maxLen = clampLimit(maxLen)
	frame, err := parseZstdFrame(src)
	if err != nil {
		return nil, err
	}
	size := uint64(maxLen)
	if frame.hasContentSize {
		if frame.contentSize > size {
			return nil, tooLarge("zstd", frame.contentSize, maxLen)
		}
		size = frame.contentSize
	}
	// The C call needs at least one byte of output buffer, even for an
	// empty block.
	buf := resize(dst, max(int(size), 1))
	ctx := zstdContexts.Get().(zstd.Ctx)
	written, err := ctx.DecompressInto(buf, src)
	zstdContexts.Put(ctx)
	if !frame.hasContentSize && (zstd.IsDstSizeTooSmallError(err) || (err == nil && written > maxLen)) {
		// written > maxLen is possible through the spare byte alone.
		return nil, fmt.Errorf("compress: zstd: frame without a declared size decodes to more than the limit of %d bytes: %w", maxLen, ErrTooLarge)
	}
	if err != nil {
		return nil, corrupt("zstd", -1, err, "frame does not decode")
	}
	if frame.hasContentSize && uint64(written) != size {
		return nil, corrupt("zstd", -1, nil, "frame decodes to %d bytes, header says %d", written, size)
	}
	return buf[:written], nil
}
