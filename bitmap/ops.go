package bitmap

import "math/bits"

// Set operations between two containers of the same chunk. Each returns a
// fresh canonical container (or nil when empty) and never aliases its
// inputs. Runs are first expanded: the fast paths are array/array,
// array/bitset and bitset/bitset, as in Roaring.

type op uint8

const (
	opAnd op = iota
	opOr
	opXor
	opAndNot
)

func (o op) words(a, b []uint64) ([]uint64, int) {
	out := make([]uint64, bitsetWords)
	n := 0
	a, b = a[:bitsetWords], b[:bitsetWords] // lets the compiler drop bounds checks
	// one loop per operation: a switch inside the loop costs a third more
	switch o {
	case opAnd:
		for i := range out {
			w := a[i] & b[i]
			out[i] = w
			n += popcnt(w)
		}
	case opOr:
		for i := range out {
			w := a[i] | b[i]
			out[i] = w
			n += popcnt(w)
		}
	case opXor:
		for i := range out {
			w := a[i] ^ b[i]
			out[i] = w
			n += popcnt(w)
		}
	default:
		for i := range out {
			w := a[i] &^ b[i]
			out[i] = w
			n += popcnt(w)
		}
	}
	return out, n
}

// apply computes a op b.
func apply(o op, a, b *container) *container {
	if a.kind == kindArray && b.kind == kindArray {
		return fromArray(mergeArrays(o, a.arr, b.arr))
	}
	switch o {
	case opAnd:
		if a.kind == kindArray {
			return filterArray(a.arr, b, true)
		}
		if b.kind == kindArray {
			return filterArray(b.arr, a, true)
		}
	case opAndNot:
		if a.kind == kindArray {
			return filterArray(a.arr, b, false)
		}
		if b.kind == kindArray {
			w := a.toBits()
			n := a.card
			for _, v := range b.arr {
				if m := uint64(1) << (v & 63); w[v>>6]&m != 0 {
					w[v>>6] &^= m
					n--
				}
			}
			return fromBits(w, n)
		}
	case opOr, opXor:
		if a.kind == kindArray {
			a, b = b, a
		}
		if b.kind == kindArray { // a is a bitset or runs, b an array
			w := a.toBits()
			n := a.card
			for _, v := range b.arr {
				m := uint64(1) << (v & 63)
				if w[v>>6]&m == 0 {
					w[v>>6] |= m
					n++
				} else if o == opXor {
					w[v>>6] &^= m
					n--
				}
			}
			return fromBits(w, n)
		}
	}
	if o == opAnd && a.kind == kindBitset && b.kind == kindBitset {
		return andBitsets(a.bits, b.bits)
	}
	aw, bw := a.bits, b.bits
	if a.kind != kindBitset {
		aw = a.toBits()
	}
	if b.kind != kindBitset {
		bw = b.toBits()
	}
	return fromBits(o.words(aw, bw))
}

// filterArray keeps the values of arr that are (keep=true) or are not
// (keep=false) in c.
func filterArray(arr []uint16, c *container, keep bool) *container {
	out := make([]uint16, 0, len(arr))
	for _, v := range arr {
		if c.contains(v) == keep {
			out = append(out, v)
		}
	}
	return fromArray(out)
}

// mergeArrays combines two sorted arrays. For AND of very different
// lengths it gallops through the longer one.
func mergeArrays(o op, a, b []uint16) []uint16 {
	if o == opAnd && (len(a)*32 < len(b) || len(b)*32 < len(a)) {
		return gallopAnd(a, b)
	}
	if o == opOr {
		return unionArrays(a, b)
	}
	var out []uint16
	switch o {
	case opAnd:
		out = make([]uint16, 0, min(len(a), len(b)))
	case opAndNot:
		out = make([]uint16, 0, len(a))
	default:
		out = make([]uint16, 0, len(a)+len(b))
	}
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		x, y := a[i], b[j]
		switch {
		case x < y:
			if o != opAnd {
				out = append(out, x)
			}
			i++
		case x > y:
			if o == opOr || o == opXor {
				out = append(out, y)
			}
			j++
		default:
			if o == opAnd || o == opOr {
				out = append(out, x)
			}
			i++
			j++
		}
	}
	if o != opAnd {
		out = append(out, a[i:]...)
	}
	if o == opOr || o == opXor {
		out = append(out, b[j:]...)
	}
	return out
}

func gallopAnd(a, b []uint16) []uint16 {
	if len(a) > len(b) {
		a, b = b, a
	}
	out := make([]uint16, 0, len(a))
	lo := 0
	for _, v := range a {
		// exponential search for the first b[k] >= v from lo
		step := 1
		hi := lo
		for hi < len(b) && b[hi] < v {
			lo = hi + 1
			hi += step
			step *= 2
		}
		if hi > len(b) {
			hi = len(b)
		}
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if b[m] < v {
				lo = m + 1
			} else {
				hi = m
			}
		}
		if lo == len(b) {
			break
		}
		if b[lo] == v {
			out = append(out, v)
		}
	}
	return out
}

// unionArrays merges two sorted arrays without duplicates.
func unionArrays(a, b []uint16) []uint16 {
	out := make([]uint16, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		x, y := a[i], b[j]
		if x <= y {
			out = append(out, x)
			i++
			if x == y {
				j++
			}
		} else {
			out = append(out, y)
			j++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}

// andBitsets intersects two bitsets, counting first so that a small
// result is built as an array without allocating a bitset (as Roaring
// does).
func andBitsets(a, b []uint64) *container {
	a, b = a[:bitsetWords], b[:bitsetWords]
	n := 0
	for i := range a {
		n += popcnt(a[i] & b[i])
	}
	switch {
	case n == 0:
		return nil
	case n > arrayMax:
		return fromBits(opAnd.words(a, b))
	}
	out := make([]uint16, 0, n)
	for i := range a {
		for w := a[i] & b[i]; w != 0; w &= w - 1 {
			out = append(out, uint16(i*64+bits.TrailingZeros64(w)))
		}
	}
	return newArray(out)
}
