package bitmap

import (
	"math/bits"
	"slices"
	"sort"
)

// kind is the representation of one 2^16-value chunk.
type kind uint8

const (
	kindArray  kind = 1 // sorted []uint16, used when card <= arrayMax
	kindBitset kind = 2 // 1024 words, used when card > arrayMax
	kindRun    kind = 3 // sorted, disjoint, non-adjacent runs
)

func (k kind) String() string {
	switch k {
	case kindArray:
		return "array"
	case kindBitset:
		return "bitset"
	case kindRun:
		return "run"
	}
	return "kind?"
}

const (
	// arrayMax is the largest cardinality kept as an array: 4096 values of
	// two bytes are 8 KiB, the size of a bitset.
	arrayMax = 4096
	// bitsetWords is the number of 64-bit words covering 2^16 values.
	bitsetWords = 1 << 16 / 64
)

// interval is the closed range [start, last] of a run container.
type interval struct{ start, last uint16 }

// container holds the low 16 bits of the values of one chunk. Exactly one
// of arr, bits, runs is in use, as kind says; card is always exact.
type container struct {
	kind kind
	card int
	arr  []uint16
	bits []uint64
	runs []interval
}

func newArray(vals []uint16) *container {
	return &container{kind: kindArray, card: len(vals), arr: vals}
}

func newBitset(words []uint64, card int) *container {
	return &container{kind: kindBitset, card: card, bits: words}
}

func (c *container) clone() *container {
	return &container{kind: c.kind, card: c.card, arr: slices.Clone(c.arr), bits: slices.Clone(c.bits), runs: slices.Clone(c.runs)}
}

func (c *container) contains(v uint16) bool {
	switch c.kind {
	case kindArray:
		_, ok := slices.BinarySearch(c.arr, v)
		return ok
	case kindBitset:
		return c.bits[v>>6]&(1<<(v&63)) != 0
	default:
		i := sort.Search(len(c.runs), func(i int) bool { return c.runs[i].last >= v })
		return i < len(c.runs) && c.runs[i].start <= v
	}
}

// toBits returns the container as a fresh bitset word slice.
func (c *container) toBits() []uint64 {
	w := make([]uint64, bitsetWords)
	switch c.kind {
	case kindArray:
		for _, v := range c.arr {
			w[v>>6] |= 1 << (v & 63)
		}
	case kindBitset:
		copy(w, c.bits)
	default:
		for _, r := range c.runs {
			setRange(w, int(r.start), int(r.last))
		}
	}
	return w
}

// setRange sets bits lo..hi inclusive.
func setRange(w []uint64, lo, hi int) {
	for lo <= hi {
		word, bit := lo>>6, uint(lo&63)
		n := min(64-int(bit), hi-lo+1)
		var mask uint64
		if n == 64 {
			mask = ^uint64(0)
		} else {
			mask = ((1 << uint(n)) - 1) << bit
		}
		w[word] |= mask
		lo += n
	}
}

// toArray returns the values as a fresh sorted slice.
func (c *container) toArray() []uint16 {
	out := make([]uint16, 0, c.card)
	switch c.kind {
	case kindArray:
		out = append(out, c.arr...)
	case kindBitset:
		out = appendBits(out, c.bits)
	default:
		for _, r := range c.runs {
			for v := int(r.start); v <= int(r.last); v++ {
				out = append(out, uint16(v))
			}
		}
	}
	return out
}

func appendBits(out []uint16, w []uint64) []uint16 {
	for i, word := range w {
		for word != 0 {
			t := bits.TrailingZeros64(word)
			out = append(out, uint16(i*64+t))
			word &= word - 1
		}
	}
	return out
}

func popcount(w []uint64) int {
	n := 0
	for _, x := range w {
		n += bits.OnesCount64(x)
	}
	return n
}

// fromBits builds the canonical container of a bitset with card values:
// an array when card <= arrayMax. It returns nil for an empty set.
func fromBits(w []uint64, card int) *container {
	switch {
	case card == 0:
		return nil
	case card <= arrayMax:
		return newArray(appendBits(make([]uint16, 0, card), w))
	}
	return newBitset(w, card)
}

// fromArray builds the canonical container of sorted values.
func fromArray(vals []uint16) *container {
	switch {
	case len(vals) == 0:
		return nil
	case len(vals) > arrayMax:
		w := make([]uint64, bitsetWords)
		for _, v := range vals {
			w[v>>6] |= 1 << (v & 63)
		}
		return newBitset(w, len(vals))
	}
	return newArray(vals)
}

// unrun turns a run container into its array or bitset form, so that it
// can be modified in place.
func (c *container) unrun() {
	if c.kind != kindRun {
		return
	}
	var n *container
	if c.card <= arrayMax {
		n = newArray(c.toArray())
	} else {
		n = newBitset(c.toBits(), c.card)
	}
	*c = *n
}

// add inserts v and reports whether it was new.
func (c *container) add(v uint16) bool {
	c.unrun()
	if c.kind == kindBitset {
		w, m := &c.bits[v>>6], uint64(1)<<(v&63)
		if *w&m != 0 {
			return false
		}
		*w |= m
		c.card++
		return true
	}
	if n := len(c.arr); n == 0 || c.arr[n-1] < v { // appending in order: no search
		c.arr = append(c.arr, v)
	} else {
		i, ok := slices.BinarySearch(c.arr, v)
		if ok {
			return false
		}
		c.arr = slices.Insert(c.arr, i, v)
	}
	c.card++
	if c.card > arrayMax {
		*c = *fromArray(c.arr)
	}
	return true
}

// remove deletes v and reports whether it was there. The container may
// become empty; the caller drops it.
func (c *container) remove(v uint16) bool {
	if !c.contains(v) {
		return false
	}
	c.unrun()
	c.card--
	if c.kind == kindBitset {
		c.bits[v>>6] &^= 1 << (v & 63)
		if c.card <= arrayMax && c.card > 0 {
			*c = *fromBits(c.bits, c.card)
		}
		return true
	}
	i, _ := slices.BinarySearch(c.arr, v)
	c.arr = slices.Delete(c.arr, i, i+1)
	return true
}

// countRuns returns the number of maximal runs of consecutive values.
func (c *container) countRuns() int {
	switch c.kind {
	case kindRun:
		return len(c.runs)
	case kindArray:
		n := 0
		for i, v := range c.arr {
			if i == 0 || c.arr[i-1]+1 != v {
				n++
			}
		}
		return n
	}
	n := 0
	for i, w := range c.bits {
		// a run starts at each set bit whose lower neighbour is clear
		prev := uint64(0)
		if i > 0 {
			prev = c.bits[i-1] >> 63
		}
		n += bits.OnesCount64(w &^ (w<<1 | prev))
	}
	return n
}

// serializedSize is the payload size of a container of this kind.
func serializedSize(k kind, card, nruns int) int {
	switch k {
	case kindArray:
		return 2 * card
	case kindBitset:
		return 8 * bitsetWords
	}
	return 4 * nruns
}

// runOptimize switches to runs when they are smaller than the current
// form, and from runs back when they are not.
func (c *container) runOptimize() {
	nr := c.countRuns()
	plain := kindArray
	if c.card > arrayMax {
		plain = kindBitset
	}
	if serializedSize(kindRun, c.card, nr) < serializedSize(plain, c.card, 0) {
		if c.kind != kindRun {
			c.runs = c.toRuns(nr)
			c.arr, c.bits, c.kind = nil, nil, kindRun
		}
		return
	}
	c.unrun()
}

func (c *container) toRuns(n int) []interval {
	out := make([]interval, 0, n)
	c.each(func(v uint16) bool {
		if k := len(out); k > 0 && out[k-1].last+1 == v {
			out[k-1].last = v
		} else {
			out = append(out, interval{v, v})
		}
		return true
	})
	return out
}

// each calls fn for every value in order until fn returns false; it
// reports whether it went through all values.
func (c *container) each(fn func(uint16) bool) bool {
	switch c.kind {
	case kindArray:
		for _, v := range c.arr {
			if !fn(v) {
				return false
			}
		}
	case kindBitset:
		for i, w := range c.bits {
			for w != 0 {
				t := bits.TrailingZeros64(w)
				if !fn(uint16(i*64 + t)) {
					return false
				}
				w &= w - 1
			}
		}
	default:
		for _, r := range c.runs {
			for v := int(r.start); v <= int(r.last); v++ {
				if !fn(uint16(v)) {
					return false
				}
			}
		}
	}
	return true
}

// rank returns how many values are <= v.
func (c *container) rank(v uint16) int {
	switch c.kind {
	case kindArray:
		i, ok := slices.BinarySearch(c.arr, v)
		if ok {
			i++
		}
		return i
	case kindBitset:
		w := int(v >> 6)
		n := popcount(c.bits[:w])
		mask := uint64(1)<<(v&63)<<1 - 1 // bits 0..v&63; wraps to all ones at 63
		return n + bits.OnesCount64(c.bits[w]&mask)
	}
	n := 0
	for _, r := range c.runs {
		if r.start > v {
			break
		}
		n += int(min(r.last, v)-r.start) + 1
	}
	return n
}

// selectAt returns the i-th smallest value, 0 <= i < card.
func (c *container) selectAt(i int) uint16 {
	switch c.kind {
	case kindArray:
		return c.arr[i]
	case kindBitset:
		for w, word := range c.bits {
			n := bits.OnesCount64(word)
			if i < n {
				for ; i > 0; i-- {
					word &= word - 1
				}
				return uint16(w*64 + bits.TrailingZeros64(word))
			}
			i -= n
		}
	default:
		for _, r := range c.runs {
			n := int(r.last-r.start) + 1
			if i < n {
				return r.start + uint16(i)
			}
			i -= n
		}
	}
	panic("bitmap: selectAt beyond cardinality") // callers check card first
}
