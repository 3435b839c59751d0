package memory

import (
	"bytes"
	"fmt"

	"github.com/google/btree"

	"github.com/aegisdb/aegis/engine"
)

// iterator walks a private clone of the tree, so it needs no lock and sees
// the engine as it was when the iterator was created. It holds one page at
// a time: stepping within the page is an index increment, and the tree is
// searched again only to cross into a neighbouring page.
type iterator struct {
	tree         *btree.BTreeG[pageRef]
	lower, upper []byte
	page         pageRef
	// lo and hi bound the indexes of the page's entries that lie within
	// [lower, upper); the iterator is valid when lo <= pos < hi.
	lo, hi, pos int
	// ahead holds the pages after page, fetched in one walk of the tree:
	// crossing into the next page is then a slice pop, not a search from
	// the root. Any move other than Next empties it.
	ahead   []pageRef
	aheadAt int
	err     error
}

// aheadPages is how many successor pages one tree walk fetches.
const aheadPages = 32

// nextPage returns the page after the current one.
func (it *iterator) nextPage() (pageRef, bool) {
	if it.aheadAt == len(it.ahead) {
		it.dropAhead()
		first := it.page.first
		it.tree.AscendGreaterOrEqual(pageRef{first: first}, func(x pageRef) bool {
			if bytes.Equal(x.first, first) {
				return true
			}
			if it.upper != nil && bytes.Compare(x.first, it.upper) >= 0 {
				// Keep it so Next can see the bound, but fetch no further.
				it.ahead = append(it.ahead, x)
				return false
			}
			it.ahead = append(it.ahead, x)
			return len(it.ahead) < aheadPages
		})
		if len(it.ahead) == 0 {
			return pageRef{}, false
		}
	}
	r := it.ahead[it.aheadAt]
	it.aheadAt++
	return r, true
}

func (it *iterator) dropAhead() {
	clear(it.ahead) // the pages stay reachable otherwise
	it.ahead, it.aheadAt = it.ahead[:0], 0
}

// load makes r the current page and clips [lo, hi) to the bounds. Only a
// page that straddles a bound pays for a binary search.
func (it *iterator) load(r pageRef) {
	it.page, it.lo, it.hi = r, 0, r.len()
	if it.lower != nil && bytes.Compare(r.first, it.lower) < 0 {
		it.lo = r.search(it.lower)
	}
	if it.upper != nil && bytes.Compare(r.key(r.len()-1), it.upper) >= 0 {
		it.hi = r.search(it.upper)
	}
}

// invalidate leaves the iterator unpositioned.
func (it *iterator) invalidate() bool {
	it.page, it.lo, it.hi, it.pos = pageRef{}, 0, 0, 0
	it.dropAhead()
	return false
}

// seekGE positions at the first key >= key within bounds.
func (it *iterator) seekGE(key []byte) bool {
	it.dropAhead()
	if it.lower != nil && bytes.Compare(key, it.lower) < 0 {
		key = it.lower
	}
	r, ok := pageFor(it.tree, key)
	if !ok {
		return it.invalidate()
	}
	it.load(r)
	it.pos = max(r.search(key), it.lo)
	if it.pos == r.len() { // key is past this page: start the next
		if r, ok = pageAfter(it.tree, r.first); !ok {
			return it.invalidate()
		}
		it.load(r)
		it.pos = it.lo
	}
	return it.Valid()
}

// seekLT positions at the last key < key within bounds.
func (it *iterator) seekLT(key []byte) bool {
	it.dropAhead()
	if it.upper != nil && bytes.Compare(key, it.upper) > 0 {
		key = it.upper
	}
	r, ok := pageFor(it.tree, key)
	if !ok {
		return it.invalidate()
	}
	it.load(r)
	it.pos = min(r.search(key), it.hi) - 1
	if it.pos < 0 { // every key of this page is >= key: end the previous
		if r, ok = pageBefore(it.tree, r.first); !ok {
			return it.invalidate()
		}
		it.load(r)
		it.pos = it.hi - 1
	}
	return it.Valid()
}

func (it *iterator) First() bool {
	if it.err != nil {
		return false
	}
	if it.lower != nil {
		return it.seekGE(it.lower)
	}
	it.dropAhead()
	r, ok := it.tree.Min()
	if !ok {
		return it.invalidate()
	}
	it.load(r)
	it.pos = it.lo
	return it.Valid()
}

func (it *iterator) Last() bool {
	if it.err != nil {
		return false
	}
	if it.upper != nil {
		return it.seekLT(it.upper)
	}
	it.dropAhead()
	r, ok := it.tree.Max()
	if !ok {
		return it.invalidate()
	}
	it.load(r)
	it.pos = it.hi - 1
	return it.Valid()
}

// SeekGE and SeekLT read a nil key as the empty key, which it means.
func (it *iterator) SeekGE(key []byte) bool {
	if it.err != nil {
		return false
	}
	return it.seekGE(nonNil(key))
}

func (it *iterator) SeekLT(key []byte) bool {
	if it.err != nil {
		return false
	}
	return it.seekLT(nonNil(key))
}

func nonNil(key []byte) []byte {
	if key == nil {
		return []byte{}
	}
	return key
}

func (it *iterator) Next() bool {
	if !it.Valid() {
		return false
	}
	it.pos++
	if it.pos < it.hi {
		return true
	}
	if it.hi < it.page.len() { // stopped by the upper bound
		return it.invalidate()
	}
	r, ok := it.nextPage()
	if !ok {
		return it.invalidate()
	}
	it.load(r)
	it.pos = it.lo
	return it.Valid()
}

func (it *iterator) Prev() bool {
	if !it.Valid() {
		return false
	}
	it.pos--
	if it.pos >= it.lo {
		return true
	}
	if it.lo > 0 { // stopped by the lower bound
		return it.invalidate()
	}
	it.dropAhead()
	r, ok := pageBefore(it.tree, it.page.first)
	if !ok {
		return it.invalidate()
	}
	it.load(r)
	it.pos = it.hi - 1
	return it.Valid()
}

func (it *iterator) Valid() bool { return it.err == nil && it.pos >= it.lo && it.pos < it.hi }

// Key and Value return nil when the iterator is not at a key, rather than
// panicking on a caller's slip.
func (it *iterator) Key() []byte {
	if !it.Valid() {
		return nil
	}
	return it.page.key(it.pos)
}

func (it *iterator) Value() []byte {
	if !it.Valid() {
		return nil
	}
	return it.page.value(it.pos)
}

func (it *iterator) Err() error { return it.err }

func (it *iterator) Close() error {
	it.tree = nil
	it.invalidate()
	if it.err == nil {
		it.err = engine.ErrClosed
	}
	return nil
}

func (it *iterator) String() string {
	if !it.Valid() {
		return "memory.iterator(unpositioned)"
	}
	return fmt.Sprintf("memory.iterator(at %q)", it.Key())
}
