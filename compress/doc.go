// Package compress compresses and decompresses whole blocks with a codec
// chosen by name in configuration and by a one-byte ID on disk.
//
// Uses: github.com/golang/snappy, github.com/pierrec/lz4/v4,
// github.com/DataDog/zstd (cgo); nothing of this module.
// Used by: lsm (per-block compression of SSTables), and anything else that
// stores or ships blocks.
//
// # Codecs
//
//	name     ID  block layout
//	none     0   the bytes as they are
//	snappy   1   | decodedLen:uvarint | snappy elements |   (Snappy's own block format)
//	lz4      2   | decodedLen:uvarint | lz4 block |         (length added here; LZ4 blocks lack it)
//	zstd     3   one zstd frame with its content size in the header (see zstdframe.go)
//
// The IDs are written into every block trailer, so they never change; a
// new codec takes the next free ID. The block layouts are equally
// permanent. The caller stores the ID and the block's length; a codec's
// block does not say which codec made it.
//
// # The invariant: Decode is safe on any bytes
//
// A block read from disk or the network may be damaged or malicious. For
// every codec, Decode(dst, src, maxLen)
//
//   - never panics, whatever src holds;
//   - returns a *CorruptError (matching ErrCorrupt) naming the codec, and
//     the byte offset when known, for a block that does not decode, or an
//     error matching ErrTooLarge for one that would decode to more than
//     maxLen bytes;
//   - never allocates more than maxLen bytes plus a small constant. Snappy
//     and LZ4 blocks declare their length in the first bytes, and zstd
//     frames written here declare it in the frame header; Decode reads that
//     number and refuses it before allocating anything. A zstd frame that
//     does not declare its size (other writers may omit it) is decoded into
//     a buffer of exactly maxLen and refused if it does not fit. Apart from
//     the output, zstd uses a decoder context of fixed size (C memory, on
//     the order of 100 KiB) that is pooled and reused, never sized by the
//     input.
//
// For zstd, a small parser in Go (zstdframe.go) checks that the block is
// exactly one standard frame without a dictionary before the C decoder
// sees it: legacy frames, skippable frames, trailing bytes and second
// frames are refused as corrupt.
//
// # Performance notes
//
// Encode and Decode write into dst when its capacity suffices, so a caller
// that keeps one buffer per goroutine allocates nothing in the steady
// state. The LZ4 hash tables and zstd contexts, which are expensive to make
// and not safe to share, are kept in sync.Pools; the codecs themselves are
// stateless and safe for concurrent use. zstd runs at level 3, its own
// default. Measured numbers are in docs/benchmarks-compress.md.
//
// # Simplifications
//
//   - No checksums: a flipped bit may decode to different bytes without an
//     error (only zstd's framing makes that unlikely). Integrity is the job
//     of the block trailer's checksum in lsm, which covers the compressed
//     bytes.
//   - No compression levels, dictionaries or "store uncompressed if it does
//     not shrink": the caller compares lengths and may choose "none" for a
//     block that does not compress.
//   - Encode has no error result. It panics only if a library fails with a
//     worst-case-sized buffer (a broken invariant) or if src is too large for
//     the format (snappy refuses more than 4 GiB). Blocks are meant to be
//     kilobytes to a few megabytes.
//   - The zstd codec needs cgo. A pure-Go build would have to swap in
//     another zstd implementation behind the same ID.
//
// The fuzz targets (FuzzDecodeNone, FuzzDecodeSnappy, FuzzDecodeLZ4,
// FuzzDecodeZstd, FuzzRoundTrip) run their seeds with go test; see
// fuzz_test.go for running them longer.
package compress
