package memory

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/google/btree"

	"github.com/aegisdb/aegis/engine"
)

// An iterator copies a run of items out of the tree per descent. The first
// run after a seek is short, because most seeks (a point read through an
// mvcc version lookup, say) use one or two items; each further run in the
// same direction doubles, up to maxChunk, so long scans pay a descent per
// 1024 items.
// google/btree has callbacks, not cursors, so the iterator reads a run of
// items at a time and descends again from the last one when it runs out.
const (
	firstChunk = 4
	maxChunk   = 1024
)

// iterator walks a private clone of the tree, so it needs no lock and sees
// the engine as it was when the iterator was created.
type iterator struct {
	tree         *btree.BTreeG[item]
	lower, upper []byte
	buf          []item // the run of items around the position
	pos          int    // index into buf; valid when 0 <= pos < len(buf)
	forward      bool   // buf is ascending (true) or descending
	exhausted    bool   // the tree has no items beyond buf in its direction
	err          error
	chunk        int // length of the next run to copy
}

// nextChunk returns the run length for a refill: short after a seek,
// doubling while the iterator keeps moving the same way.
func (it *iterator) nextChunk(continuing bool) int {
	if !continuing || it.chunk == 0 {
		it.chunk = firstChunk
	} else if it.chunk < maxChunk {
		it.chunk *= 2
	}
	return it.chunk
}

func (it *iterator) inUpper(k []byte) bool { return it.upper == nil || bytes.Compare(k, it.upper) < 0 }
func (it *iterator) inLower(k []byte) bool { return it.lower == nil || bytes.Compare(k, it.lower) >= 0 }

// fillForward loads the run of items within bounds that starts at from:
// at the first key >= from, or > from when exclusive. A nil from means
// the start of the range. (Callers pass the empty key as a non-nil slice:
// the empty key is a real key.)
func (it *iterator) fillForward(from []byte, exclusive, continuing bool) bool {
	chunk := it.nextChunk(continuing)
	it.buf, it.pos, it.forward = it.buf[:0], 0, true
	if it.lower != nil && (from == nil || bytes.Compare(from, it.lower) < 0) {
		from, exclusive = it.lower, false
	}
	// Only the first item can equal from, and the run is sorted, so the
	// upper bound is checked once per run below rather than per item.
	visit := func(x item) bool {
		if exclusive && len(it.buf) == 0 && bytes.Equal(x.key, from) {
			exclusive = false
			return true
		}
		it.buf = append(it.buf, x)
		return len(it.buf) < chunk
	}
	if from == nil {
		it.tree.Ascend(visit)
	} else {
		it.tree.AscendGreaterOrEqual(item{key: from}, visit)
	}
	it.exhausted = len(it.buf) < chunk
	if n := len(it.buf); n > 0 && !it.inUpper(it.buf[n-1].key) {
		cut, _ := slices.BinarySearchFunc(it.buf, it.upper, func(x item, upper []byte) int { return bytes.Compare(x.key, upper) })
		it.buf, it.exhausted = it.buf[:cut], true
	}
	return len(it.buf) > 0
}

// fillBackward loads the run of items within bounds that ends at from,
// walking down: from the last key < from, or <= from when inclusive. A nil
// from means the end of the range.
func (it *iterator) fillBackward(from []byte, inclusive, continuing bool) bool {
	chunk := it.nextChunk(continuing)
	it.buf, it.pos, it.forward = it.buf[:0], 0, false
	if it.upper != nil && (from == nil || bytes.Compare(from, it.upper) >= 0) {
		from, inclusive = it.upper, false
	}
	visit := func(x item) bool {
		if !inclusive && from != nil && bytes.Equal(x.key, from) {
			return true
		}
		if !it.inLower(x.key) {
			return false
		}
		it.buf = append(it.buf, x)
		return len(it.buf) < chunk
	}
	if from == nil {
		it.tree.Descend(visit)
	} else {
		it.tree.DescendLessOrEqual(item{key: from}, visit)
	}
	it.exhausted = len(it.buf) < chunk
	return len(it.buf) > 0
}

// nonNil turns a nil seek key into the empty key, which it means: the
// fill functions read nil as "no limit".
func nonNil(key []byte) []byte {
	if key == nil {
		return []byte{}
	}
	return key
}

func (it *iterator) First() bool {
	if it.err != nil {
		return false
	}
	return it.fillForward(nil, false, false)
}

func (it *iterator) Last() bool {
	if it.err != nil {
		return false
	}
	return it.fillBackward(nil, false, false)
}

func (it *iterator) SeekGE(key []byte) bool {
	if it.err != nil {
		return false
	}
	return it.fillForward(nonNil(key), false, false)
}

func (it *iterator) SeekLT(key []byte) bool {
	if it.err != nil {
		return false
	}
	return it.fillBackward(nonNil(key), false, false)
}

func (it *iterator) Next() bool {
	if !it.Valid() {
		return false
	}
	if !it.forward {
		return it.fillForward(it.buf[it.pos].key, true, false)
	}
	it.pos++
	if it.pos < len(it.buf) {
		return true
	}
	if it.exhausted {
		it.buf = it.buf[:0]
		return false
	}
	return it.fillForward(it.buf[len(it.buf)-1].key, true, true)
}

func (it *iterator) Prev() bool {
	if !it.Valid() {
		return false
	}
	if it.forward {
		return it.fillBackward(it.buf[it.pos].key, false, false)
	}
	it.pos++
	if it.pos < len(it.buf) {
		return true
	}
	if it.exhausted {
		it.buf = it.buf[:0]
		return false
	}
	return it.fillBackward(it.buf[len(it.buf)-1].key, false, true)
}

func (it *iterator) Valid() bool { return it.err == nil && it.pos < len(it.buf) }

// Key and Value return nil when the iterator is not at a key, rather than
// panicking on a caller's slip.
func (it *iterator) Key() []byte {
	if !it.Valid() {
		return nil
	}
	return it.buf[it.pos].key
}

func (it *iterator) Value() []byte {
	if !it.Valid() {
		return nil
	}
	return it.buf[it.pos].value
}
func (it *iterator) Err() error { return it.err }

func (it *iterator) Close() error {
	it.tree, it.buf = nil, nil
	if it.err == nil {
		it.err = engine.ErrClosed
		return nil
	}
	return nil
}

func (it *iterator) String() string {
	if !it.Valid() {
		return "memory.iterator(unpositioned)"
	}
	return fmt.Sprintf("memory.iterator(at %q)", it.Key())
}
