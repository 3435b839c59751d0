package lsm

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// A block is a run of key-value entries with prefix-compressed keys and
// restart points (used for data, index and properties blocks):
//
//	+-------+-------+-----+--------------------+-----------------+
//	| entry | entry | ... | restart:u32 LE ... | numRestarts:u32 |
//	+-------+-------+-----+--------------------+-----------------+
//	entry = | shared:uvarint | unshared:uvarint | valueLen:uvarint |
//	        | key[shared:] (unshared bytes) | value |
//
// shared is the length of the prefix the key has in common with the
// previous key; it is 0 at every restart point, whose offsets are listed
// at the end, so a seek can binary-search them and decode from there.

// blockBuilder assembles one block.
type blockBuilder struct {
	buf             []byte
	restarts        []uint32
	restartInterval int
	counter         int // entries since the last restart
	lastKey         []byte
	entries         int
}

func (b *blockBuilder) reset() {
	b.buf = b.buf[:0]
	b.restarts = b.restarts[:0]
	b.counter = 0
	b.lastKey = b.lastKey[:0]
	b.entries = 0
}

func (b *blockBuilder) empty() bool { return b.entries == 0 }

// estimatedSize is the size finish would return.
func (b *blockBuilder) estimatedSize() int { return len(b.buf) + 4*len(b.restarts) + 4 }

// add appends an entry; keys must come in increasing order.
func (b *blockBuilder) add(key, value []byte) {
	shared := 0
	if b.counter < b.restartInterval && b.entries > 0 {
		n := min(len(key), len(b.lastKey))
		for shared < n && key[shared] == b.lastKey[shared] {
			shared++
		}
	} else {
		b.restarts = append(b.restarts, uint32(len(b.buf)))
		b.counter = 0
	}
	b.buf = binary.AppendUvarint(b.buf, uint64(shared))
	b.buf = binary.AppendUvarint(b.buf, uint64(len(key)-shared))
	b.buf = binary.AppendUvarint(b.buf, uint64(len(value)))
	b.buf = append(b.buf, key[shared:]...)
	b.buf = append(b.buf, value...)
	b.lastKey = append(b.lastKey[:0], key...)
	b.counter++
	b.entries++
}

// finish appends the restart array and returns the block bytes, which
// alias the builder until reset.
func (b *blockBuilder) finish() []byte {
	if len(b.restarts) == 0 {
		b.restarts = append(b.restarts, 0)
	}
	for _, r := range b.restarts {
		b.buf = binary.LittleEndian.AppendUint32(b.buf, r)
	}
	b.buf = binary.LittleEndian.AppendUint32(b.buf, uint32(len(b.restarts)))
	return b.buf
}

// block is a parsed block: its entries region and restart offsets.
type block struct {
	data        []byte // the entries, without the restart array
	restarts    []byte // numRestarts little-endian u32s
	numRestarts int
}

// parseBlock checks a block's restart array. Entries are checked as they
// are decoded.
func parseBlock(b []byte) (block, error) {
	if len(b) < 4 {
		return block{}, corruptf("", -1, "block of %d bytes is shorter than its restart count", len(b))
	}
	n := binary.LittleEndian.Uint32(b[len(b)-4:])
	if uint64(n) > uint64(len(b)-4)/4 {
		return block{}, corruptf("", -1, "block of %d bytes claims %d restart points", len(b), n)
	}
	end := len(b) - 4 - 4*int(n)
	blk := block{data: b[:end:end], restarts: b[end : len(b)-4], numRestarts: int(n)}
	if n == 0 && end != 0 {
		return block{}, corruptf("", -1, "block has %d bytes of entries and no restart point", end)
	}
	for i := 0; i < int(n); i++ {
		off := blk.restart(i)
		if off >= end && !(off == 0 && end == 0) {
			return block{}, corruptf("", -1, "restart point %d at offset %d is past the entries (%d bytes)", i, off, end)
		}
		if i > 0 && off <= blk.restart(i-1) {
			return block{}, corruptf("", -1, "restart point %d at offset %d does not follow %d", i, off, blk.restart(i-1))
		}
	}
	if n > 0 && blk.restart(0) != 0 {
		return block{}, corruptf("", -1, "first restart point at offset %d, want 0", blk.restart(0))
	}
	return blk, nil
}

func (b *block) restart(i int) int { return int(binary.LittleEndian.Uint32(b.restarts[4*i:])) }

// blockIter walks a block. Keys are encoded internal keys (data and index
// blocks) or, when plain, raw bytes (properties). The comparison is a
// direct call, not a function value, so a blockIter on the stack with a
// stack key buffer does not escape.
type blockIter struct {
	b       block
	plain   bool
	offset  int // of the current entry; len(data) when past the end
	next    int // offset of the entry after the current one
	key     []byte
	val     []byte
	valid   bool
	err     error
	restIdx int // the restart interval the current entry is in
}

func newBlockIter(b block, plain bool) *blockIter {
	return &blockIter{b: b, plain: plain}
}

func (it *blockIter) cmp(a, b []byte) int {
	if it.plain {
		return bytes.Compare(a, b)
	}
	return cmpEncoded(a, b)
}

func (it *blockIter) fail(format string, args ...any) bool {
	if it.err == nil {
		it.err = corruptf("", int64(it.offset), format, args...)
	}
	it.valid = false
	return false
}

// decodeAt decodes the entry at off, with it.key holding the previous
// key, and makes it current.
func (it *blockIter) decodeAt(off int) bool {
	data := it.b.data
	if off >= len(data) {
		it.valid = false
		it.offset = len(data)
		return false
	}
	it.offset = off
	shared, unshared, vlen, p, ok := decodeEntryHeader(data, off)
	if !ok {
		return it.fail("bad varint in entry header")
	}
	if shared > uint64(len(it.key)) {
		return it.fail("entry shares %d bytes with a %d-byte previous key", shared, len(it.key))
	}
	if unshared > uint64(len(data)-p) || vlen > uint64(len(data)-p)-unshared {
		return it.fail("entry of %d key and %d value bytes overruns the block", unshared, vlen)
	}
	it.key = append(it.key[:shared], data[p:p+int(unshared)]...)
	p += int(unshared)
	it.val = data[p : p+int(vlen) : p+int(vlen)]
	it.next = p + int(vlen)
	it.valid = true
	return true
}

// decodeEntryHeader reads the three varints of the entry at off and
// returns the offset after them. Short entries (keys and values under
// 128 bytes) have one-byte varints, which it reads without a call.
func decodeEntryHeader(data []byte, off int) (shared, unshared, vlen uint64, p int, ok bool) {
	if off+3 <= len(data) && data[off]|data[off+1]|data[off+2] < 0x80 {
		return uint64(data[off]), uint64(data[off+1]), uint64(data[off+2]), off + 3, true
	}
	p = off
	var v [3]uint64
	for i := range v {
		x, n := binary.Uvarint(data[p:])
		if n <= 0 {
			return 0, 0, 0, 0, false
		}
		v[i] = x
		p += n
	}
	return v[0], v[1], v[2], p, true
}

// restartKey returns the key at restart point i without decoding the
// entry into the iterator: a restart entry shares nothing with its
// predecessor, so its key is a slice of the block. ok is false for a
// malformed entry, which seekRestart then reports.
func (it *blockIter) restartKey(i int) (key []byte, ok bool) {
	data := it.b.data
	off := it.b.restart(i)
	if off >= len(data) {
		return nil, false
	}
	shared, unshared, vlen, p, ok := decodeEntryHeader(data, off)
	if !ok || shared != 0 || unshared > uint64(len(data)-p) || vlen > uint64(len(data)-p)-unshared {
		return nil, false
	}
	return data[p : p+int(unshared)], true
}

// seekRestart positions at restart point i.
func (it *blockIter) seekRestart(i int) bool {
	it.restIdx = i
	it.key = it.key[:0]
	off := it.b.restart(i)
	if !it.decodeAt(off) {
		return false
	}
	return true
}

func (it *blockIter) First() bool {
	it.err = nil
	if it.b.numRestarts == 0 {
		it.valid = false
		return false
	}
	return it.seekRestart(0)
}

func (it *blockIter) Next() bool {
	if !it.valid {
		return false
	}
	if it.restIdx+1 < it.b.numRestarts && it.next == it.b.restart(it.restIdx+1) {
		return it.seekRestart(it.restIdx + 1)
	}
	return it.decodeAt(it.next)
}

func (it *blockIter) Last() bool {
	it.err = nil
	if it.b.numRestarts == 0 {
		it.valid = false
		return false
	}
	if !it.seekRestart(it.b.numRestarts - 1) {
		return false
	}
	for it.next < len(it.b.data) {
		if !it.decodeAt(it.next) {
			return false
		}
	}
	return true
}

// Prev re-decodes the restart interval before the current entry.
func (it *blockIter) Prev() bool {
	if !it.valid {
		return false
	}
	target := it.offset
	if target == 0 {
		it.valid = false
		return false
	}
	r := it.restIdx
	if it.b.restart(r) == target {
		r--
	}
	if !it.seekRestart(r) {
		return false
	}
	for it.next < target {
		if !it.decodeAt(it.next) {
			return false
		}
	}
	if it.next != target {
		return it.fail("entries do not lead to offset %d", target)
	}
	return true
}

// SeekGE moves to the first entry >= key.
func (it *blockIter) SeekGE(key []byte) bool {
	it.err = nil
	if it.b.numRestarts == 0 {
		it.valid = false
		return false
	}
	// Find the last restart point whose key is < key, comparing restart
	// keys where they lie in the block.
	lo, hi := 0, it.b.numRestarts-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		rk, ok := it.restartKey(mid)
		if !ok {
			it.seekRestart(mid) // for its more precise error, if it finds one
			return it.fail("malformed entry at restart point %d", mid)
		}
		if it.cmp(rk, key) < 0 {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	if !it.seekRestart(lo) {
		return false
	}
	for it.cmp(it.key, key) < 0 {
		if !it.Next() {
			return false
		}
	}
	return true
}

// SeekLT moves to the last entry < key.
func (it *blockIter) SeekLT(key []byte) bool {
	if !it.SeekGE(key) {
		if it.err != nil {
			return false
		}
		return it.Last()
	}
	return it.Prev()
}

func (it *blockIter) Valid() bool { return it.valid }
func (it *blockIter) Err() error  { return it.err }

// String describes the iterator's position.
func (it *blockIter) String() string {
	return fmt.Sprintf("block(%d entries bytes, %d restarts, at %d)", len(it.b.data), it.b.numRestarts, it.offset)
}
