package lsm

import (
	"encoding/binary"
	"hash/crc32"
)

// An SSTable file:
//
//	+--------------+---------+-----+--------------+------------------+-------------+--------+
//	| data block 0 | trailer | ... | filter block | properties block | index block | footer |
//	+--------------+---------+-----+--------------+------------------+-------------+--------+
//	(every block, filter and properties included, is followed by its trailer)
//
//	trailer = | codec id:1 | crc32c:4 LE |   crc over the stored block bytes and the codec id
//
//	index block: a block (block.go) whose keys are the last internal key of
//	each data block and whose values are block handles
//	handle = | offset:uvarint | length:uvarint |   (length excludes the trailer)
//
//	filter block: bloom.go, stored with codec none; length 0 when disabled
//	properties block: a block of name -> decimal or text value, codec none
//
//	footer (64 bytes) = | index off:8 | index len:8 | filter off:8 | filter len:8 |
//	                    | props off:8 | props len:8 | version:4 | crc32c:4 | magic:8 |
//	                    crc over the 52 bytes before it; all little-endian
//
// Internal keys in blocks are | user key | trailer:8 LE | with trailer =
// seq<<8 | kind.

const (
	tableMagic      = 0x6165676973_4c534d // "aegisLSM"
	tableVersion    = 1
	footerLen       = 64
	blockTrailerLen = 5
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// blockHandle locates a block in a table file.
type blockHandle struct {
	offset, length uint64
}

func (h blockHandle) append(dst []byte) []byte {
	dst = binary.AppendUvarint(dst, h.offset)
	return binary.AppendUvarint(dst, h.length)
}

func decodeHandle(b []byte) (blockHandle, bool) {
	off, n := binary.Uvarint(b)
	if n <= 0 {
		return blockHandle{}, false
	}
	length, m := binary.Uvarint(b[n:])
	if m <= 0 || n+m != len(b) {
		return blockHandle{}, false
	}
	return blockHandle{off, length}, true
}

// footer is the fixed tail of a table.
type footer struct {
	index, filter, props blockHandle
}

func (f footer) encode() []byte {
	b := make([]byte, 0, footerLen)
	for _, h := range []blockHandle{f.index, f.filter, f.props} {
		b = binary.LittleEndian.AppendUint64(b, h.offset)
		b = binary.LittleEndian.AppendUint64(b, h.length)
	}
	b = binary.LittleEndian.AppendUint32(b, tableVersion)
	b = binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, crcTable))
	return binary.LittleEndian.AppendUint64(b, tableMagic)
}

func decodeFooter(file string, b []byte, fileSize int64) (footer, error) {
	off := fileSize - footerLen
	if len(b) != footerLen {
		return footer{}, corruptf(file, off, "footer of %d bytes, want %d", len(b), footerLen)
	}
	if m := binary.LittleEndian.Uint64(b[56:]); m != tableMagic {
		return footer{}, corruptf(file, off, "bad magic %#x, want %#x", m, uint64(tableMagic))
	}
	if got, want := binary.LittleEndian.Uint32(b[52:]), crc32.Checksum(b[:52], crcTable); got != want {
		return footer{}, corruptf(file, off, "footer checksum %#x, computed %#x", got, want)
	}
	if v := binary.LittleEndian.Uint32(b[48:]); v != tableVersion {
		return footer{}, corruptf(file, off, "table format version %d, this build reads %d", v, tableVersion)
	}
	var f footer
	hs := []*blockHandle{&f.index, &f.filter, &f.props}
	for i, h := range hs {
		h.offset = binary.LittleEndian.Uint64(b[16*i:])
		h.length = binary.LittleEndian.Uint64(b[16*i+8:])
		if h.offset > uint64(off) || h.length > uint64(off)-h.offset || h.offset+h.length+blockTrailerLen > uint64(off) {
			return footer{}, corruptf(file, off, "footer handle %d (%d+%d) outside the %d bytes before the footer", i, h.offset, h.length, off)
		}
	}
	return f, nil
}

// blockChecksum is the crc32c of the stored block bytes and its codec id.
func blockChecksum(data []byte, codec byte) uint32 {
	c := crc32.Update(0, crcTable, data)
	return crc32.Update(c, crcTable, []byte{codec})
}
