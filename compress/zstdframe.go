package compress

import "encoding/binary"

// A zstd frame (RFC 8878, section 3.1.1), as far as Decode reads it:
//
//	| magic:4 = 28 b5 2f fd | descriptor:1 | window:0-1 | dictID:0-4 | contentSize:0-8 |
//	| block... | checksum:0-4 |
//	block = | header:3 LE = last:1 bit, type:2 bits, size:21 bits | body |
//
// descriptor bits: 7-6 content-size flag, 5 single segment, 4 unused,
// 3 reserved (zero), 2 checksum flag, 1-0 dictionary-id flag.
// A block's body is size bytes, except an RLE block's, which is one byte.
const (
	zstdMagic             = 0xFD2FB528
	zstdBlockHeaderLen    = 3
	zstdChecksumLen       = 4
	zstdBlockTypeRLE      = 1
	zstdBlockTypeReserved = 3
)

// zstdFrame is what parseZstdFrame learns from a block.
type zstdFrame struct {
	contentSize    uint64
	hasContentSize bool
}

// parseZstdFrame checks that src is exactly one zstd frame without a
// dictionary, walking its block headers, and returns the declared content
// size. It does not decode the blocks themselves.
func parseZstdFrame(src []byte) (zstdFrame, error) {
	var f zstdFrame
	if len(src) < 5 {
		return f, corrupt("zstd", 0, nil, "%d bytes is shorter than a frame header", len(src))
	}
	if binary.LittleEndian.Uint32(src) != zstdMagic {
		return f, corrupt("zstd", 0, nil, "magic %#08x, want %#08x", binary.LittleEndian.Uint32(src), zstdMagic)
	}
	desc := src[4]
	if desc&0x08 != 0 {
		return f, corrupt("zstd", 4, nil, "reserved bit set in frame descriptor %#02x", desc)
	}
	singleSegment := desc&0x20 != 0
	hasChecksum := desc&0x04 != 0
	pos := 5
	if !singleSegment {
		pos++ // window descriptor
	}
	dictIDLen := [4]int{0, 1, 2, 4}[desc&0x03]
	fcsLen := [4]int{0, 2, 4, 8}[desc>>6]
	if fcsLen == 0 && singleSegment {
		fcsLen = 1
	}
	if len(src) < pos+dictIDLen+fcsLen {
		return f, corrupt("zstd", len(src), nil, "frame header needs %d bytes, block has %d", pos+dictIDLen+fcsLen, len(src))
	}
	if dictID := readLE(src[pos : pos+dictIDLen]); dictID != 0 {
		return f, corrupt("zstd", pos, nil, "frame needs dictionary %d; this codec uses none", dictID)
	}
	pos += dictIDLen
	if fcsLen > 0 {
		f.hasContentSize = true
		f.contentSize = readLE(src[pos : pos+fcsLen])
		if fcsLen == 2 {
			f.contentSize += 256 // the two-byte form is offset by 256
		}
	}
	pos += fcsLen

	for {
		if len(src)-pos < zstdBlockHeaderLen {
			return f, corrupt("zstd", pos, nil, "block header needs %d bytes, %d left", zstdBlockHeaderLen, len(src)-pos)
		}
		header := readLE(src[pos : pos+zstdBlockHeaderLen])
		last, kind, size := header&1 == 1, (header>>1)&3, int(header>>3)
		if kind == zstdBlockTypeReserved {
			return f, corrupt("zstd", pos, nil, "block of reserved type 3")
		}
		pos += zstdBlockHeaderLen
		if kind == zstdBlockTypeRLE {
			size = 1
		}
		if len(src)-pos < size {
			return f, corrupt("zstd", pos, nil, "block body needs %d bytes, %d left", size, len(src)-pos)
		}
		pos += size
		if last {
			break
		}
	}
	if hasChecksum {
		pos += zstdChecksumLen
	}
	if pos != len(src) {
		return f, corrupt("zstd", min(pos, len(src)), nil, "frame is %d bytes, block has %d", pos, len(src))
	}
	return f, nil
}

// readLE reads a little-endian unsigned integer of up to 8 bytes.
func readLE(b []byte) uint64 {
	var v uint64
	for i := len(b) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}
