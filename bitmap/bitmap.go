package bitmap

import (
	"fmt"
	"math/bits"
	"slices"
	"strings"
)

func popcnt(w uint64) int { return bits.OnesCount64(w) }

// Bitmap is a compressed set of uint32 values. The zero value is an empty
// set ready to use. A Bitmap is not safe for concurrent mutation;
// concurrent reads are safe.
type Bitmap struct {
	keys []uint16     // high 16 bits of each chunk, strictly increasing
	cons []*container // cons[i] holds the low 16 bits of chunk keys[i]; never empty
}

// New returns an empty bitmap.
func New() *Bitmap { return &Bitmap{} }

// Of returns a bitmap holding vals.
func Of(vals ...uint32) *Bitmap {
	b := New()
	for _, v := range vals {
		b.Add(v)
	}
	return b
}

func split(v uint32) (hi, lo uint16) { return uint16(v >> 16), uint16(v) }

// find returns the index of chunk hi, or where it would go.
func (b *Bitmap) find(hi uint16) (int, bool) { return slices.BinarySearch(b.keys, hi) }

// Add inserts v and reports whether it was not there before.
func (b *Bitmap) Add(v uint32) bool {
	hi, lo := split(v)
	i, ok := b.find(hi)
	if !ok {
		b.keys = slices.Insert(b.keys, i, hi)
		b.cons = slices.Insert(b.cons, i, newArray([]uint16{lo}))
		return true
	}
	return b.cons[i].add(lo)
}

// AddMany inserts every value of vals. Sorted input is fastest: a run
// of increasing values landing in an empty chunk becomes its container
// in one step.
func (b *Bitmap) AddMany(vals []uint32) {
	for len(vals) > 0 {
		hi := uint16(vals[0] >> 16)
		n := 1 // values[:n] share chunk hi and strictly increase
		for n < len(vals) && uint16(vals[n]>>16) == hi && vals[n] > vals[n-1] {
			n++
		}
		i, ok := b.find(hi)
		if !ok {
			lows := make([]uint16, n)
			for k, v := range vals[:n] {
				lows[k] = uint16(v)
			}
			b.keys = slices.Insert(b.keys, i, hi)
			b.cons = slices.Insert(b.cons, i, fromArray(lows))
		} else {
			c := b.cons[i]
			for _, v := range vals[:n] {
				c.add(uint16(v))
			}
		}
		vals = vals[n:]
	}
}

// AddRange inserts every value in [lo, hi] inclusive.
func (b *Bitmap) AddRange(lo, hi uint32) {
	if lo > hi {
		return
	}
	for v := uint64(lo); v <= uint64(hi); {
		key := uint16(v >> 16)
		end := min(uint64(hi), uint64(key)<<16|0xffff)
		r := &container{kind: kindRun, runs: []interval{{uint16(v), uint16(end)}}, card: int(end-v) + 1}
		i, ok := b.find(key)
		if ok {
			b.cons[i] = apply(opOr, b.cons[i], r)
		} else {
			r.runOptimize()
			b.keys = slices.Insert(b.keys, i, key)
			b.cons = slices.Insert(b.cons, i, r)
		}
		v = end + 1
	}
}

// Remove deletes v and reports whether it was there.
func (b *Bitmap) Remove(v uint32) bool {
	hi, lo := split(v)
	i, ok := b.find(hi)
	if !ok || !b.cons[i].remove(lo) {
		return false
	}
	if b.cons[i].card == 0 {
		b.keys = slices.Delete(b.keys, i, i+1)
		b.cons = slices.Delete(b.cons, i, i+1)
	}
	return true
}

// Contains reports whether v is in the set.
func (b *Bitmap) Contains(v uint32) bool {
	hi, lo := split(v)
	i, ok := b.find(hi)
	return ok && b.cons[i].contains(lo)
}

// Cardinality returns the number of values.
func (b *Bitmap) Cardinality() uint64 {
	n := uint64(0)
	for _, c := range b.cons {
		n += uint64(c.card)
	}
	return n
}

// IsEmpty reports whether the set is empty.
func (b *Bitmap) IsEmpty() bool { return len(b.keys) == 0 }

// Clone returns an independent copy.
func (b *Bitmap) Clone() *Bitmap {
	out := &Bitmap{keys: slices.Clone(b.keys), cons: make([]*container, len(b.cons))}
	for i, c := range b.cons {
		out.cons[i] = c.clone()
	}
	return out
}

// Equals reports whether both bitmaps hold the same values (whatever their
// container kinds).
func (b *Bitmap) Equals(o *Bitmap) bool {
	if !slices.Equal(b.keys, o.keys) {
		return false
	}
	for i := range b.cons {
		if b.cons[i].card != o.cons[i].card || apply(opXor, b.cons[i], o.cons[i]) != nil {
			return false
		}
	}
	return true
}

// Rank returns how many values are <= v.
func (b *Bitmap) Rank(v uint32) uint64 {
	hi, lo := split(v)
	n := uint64(0)
	for i, k := range b.keys {
		if k > hi {
			break
		}
		if k < hi {
			n += uint64(b.cons[i].card)
			continue
		}
		n += uint64(b.cons[i].rank(lo))
	}
	return n
}

// Select returns the i-th smallest value (0-based) and true, or false when
// i >= Cardinality.
func (b *Bitmap) Select(i uint64) (uint32, bool) {
	for j, c := range b.cons {
		if i < uint64(c.card) {
			return uint32(b.keys[j])<<16 | uint32(c.selectAt(int(i))), true
		}
		i -= uint64(c.card)
	}
	return 0, false
}

// Minimum and Maximum return the smallest and largest value; ok is false
// for an empty set.
func (b *Bitmap) Minimum() (v uint32, ok bool) { return b.Select(0) }

// Maximum returns the largest value; ok is false for an empty set.
func (b *Bitmap) Maximum() (uint32, bool) {
	if len(b.cons) == 0 {
		return 0, false
	}
	c := b.cons[len(b.cons)-1]
	return uint32(b.keys[len(b.keys)-1])<<16 | uint32(c.selectAt(c.card-1)), true
}

// ToArray returns the values in increasing order.
func (b *Bitmap) ToArray() []uint32 {
	out := make([]uint32, 0, b.Cardinality())
	b.ForEach(func(v uint32) bool { out = append(out, v); return true })
	return out
}

// ForEach calls fn for each value in increasing order until fn returns
// false.
func (b *Bitmap) ForEach(fn func(uint32) bool) {
	for i, c := range b.cons {
		base := uint32(b.keys[i]) << 16
		if !c.each(func(lo uint16) bool { return fn(base | uint32(lo)) }) {
			return
		}
	}
}

// RunOptimize converts each chunk to run form where that is smaller, and
// back where it is not. Call it before MarshalBinary on data with long
// runs of consecutive values.
func (b *Bitmap) RunOptimize() {
	for _, c := range b.cons {
		c.runOptimize()
	}
}

// Stats counts chunks by representation.
type Stats struct {
	Chunks, Arrays, Bitsets, Runs int
}

// Stats reports how the bitmap is laid out.
func (b *Bitmap) Stats() Stats {
	s := Stats{Chunks: len(b.cons)}
	for _, c := range b.cons {
		switch c.kind {
		case kindArray:
			s.Arrays++
		case kindBitset:
			s.Bitsets++
		default:
			s.Runs++
		}
	}
	return s
}

// String lists the chunks, for debugging: "{0:array(3) 5:bitset(5000)}".
func (b *Bitmap) String() string {
	var sb strings.Builder
	sb.WriteByte('{')
	for i, c := range b.cons {
		if i > 0 {
			sb.WriteByte(' ')
		}
		fmt.Fprintf(&sb, "%d:%s(%d)", b.keys[i], c.kind, c.card)
	}
	sb.WriteByte('}')
	return sb.String()
}

// combine is the chunk-by-chunk merge under every binary operation.
func combine(o op, a, b *Bitmap) *Bitmap {
	out := &Bitmap{}
	i, j := 0, 0
	keepA := o != opAnd
	keepB := o == opOr || o == opXor
	emit := func(k uint16, c *container) {
		if c != nil {
			out.keys = append(out.keys, k)
			out.cons = append(out.cons, c)
		}
	}
	for i < len(a.keys) && j < len(b.keys) {
		ka, kb := a.keys[i], b.keys[j]
		switch {
		case ka < kb:
			if keepA {
				emit(ka, a.cons[i].clone())
			}
			i++
		case ka > kb:
			if keepB {
				emit(kb, b.cons[j].clone())
			}
			j++
		default:
			emit(ka, apply(o, a.cons[i], b.cons[j]))
			i++
			j++
		}
	}
	for ; keepA && i < len(a.keys); i++ {
		emit(a.keys[i], a.cons[i].clone())
	}
	for ; keepB && j < len(b.keys); j++ {
		emit(b.keys[j], b.cons[j].clone())
	}
	return out
}

// And returns the intersection of a and b.
func And(a, b *Bitmap) *Bitmap { return combine(opAnd, a, b) }

// Or returns the union of a and b.
func Or(a, b *Bitmap) *Bitmap { return combine(opOr, a, b) }

// Xor returns the values in exactly one of a and b.
func Xor(a, b *Bitmap) *Bitmap { return combine(opXor, a, b) }

// AndNot returns the values of a that are not in b.
func AndNot(a, b *Bitmap) *Bitmap { return combine(opAndNot, a, b) }

// AndCardinality returns |a ∩ b| without building the intersection's
// chunks where both sides are bitsets.
func AndCardinality(a, b *Bitmap) uint64 {
	n := uint64(0)
	i, j := 0, 0
	for i < len(a.keys) && j < len(b.keys) {
		switch {
		case a.keys[i] < b.keys[j]:
			i++
		case a.keys[i] > b.keys[j]:
			j++
		default:
			ca, cb := a.cons[i], b.cons[j]
			if ca.kind == kindBitset && cb.kind == kindBitset {
				for w := range ca.bits {
					n += uint64(popcnt(ca.bits[w] & cb.bits[w]))
				}
			} else if c := apply(opAnd, ca, cb); c != nil {
				n += uint64(c.card)
			}
			i++
			j++
		}
	}
	return n
}

// FastOr returns the union of all the bitmaps. It unites the containers
// of each chunk key in one step (arrays merged while their total fits an
// array, else everything OR-ed into one bitset), so it costs one pass
// over the inputs' containers where a chain of Or would copy the growing
// result once per operand.
func FastOr(bms ...*Bitmap) *Bitmap {
	type keyed struct {
		key uint16
		c   *container
	}
	var all []keyed
	for _, b := range bms {
		for i, k := range b.keys {
			all = append(all, keyed{k, b.cons[i]})
		}
	}
	slices.SortStableFunc(all, func(x, y keyed) int { return int(x.key) - int(y.key) })
	out := New()
	group := make([]*container, 0, len(bms))
	for i := 0; i < len(all); {
		group = group[:0]
		j := i
		for ; j < len(all) && all[j].key == all[i].key; j++ {
			group = append(group, all[j].c)
		}
		out.keys = append(out.keys, all[i].key)
		out.cons = append(out.cons, unionOf(group))
		i = j
	}
	return out
}

// unionOf unites the containers of one chunk key into a new container.
func unionOf(cs []*container) *container {
	if len(cs) == 1 {
		return cs[0].clone()
	}
	total, arrays := 0, true
	for _, c := range cs {
		total += c.card
		arrays = arrays && c.kind == kindArray
	}
	if arrays && total <= arrayMax {
		acc := cs[0].arr
		for _, c := range cs[1:] {
			acc = unionArrays(acc, c.arr)
		}
		return newArray(acc)
	}
	w := make([]uint64, bitsetWords)
	for _, c := range cs {
		switch c.kind {
		case kindArray:
			for _, v := range c.arr {
				w[v>>6] |= 1 << (v & 63)
			}
		case kindBitset:
			for k, x := range c.bits {
				w[k] |= x
			}
		default:
			for _, r := range c.runs {
				setRange(w, int(r.start), int(r.last))
			}
		}
	}
	return fromBits(w, popcount(w))
}

// Iterator walks a bitmap's values in increasing order. The bitmap must
// not change while it is in use.
type Iterator struct {
	b     *Bitmap
	chunk int
	vals  []uint16 // the current chunk's values, expanded
	pos   int
	cur   uint32
}

// Iterator returns an iterator positioned before the first value.
func (b *Bitmap) Iterator() *Iterator { return &Iterator{b: b, chunk: -1} }

// Next advances to the next value and reports whether there is one.
func (it *Iterator) Next() bool {
	for it.pos >= len(it.vals) {
		it.chunk++
		if it.chunk >= len(it.b.cons) {
			it.vals = nil
			return false
		}
		c := it.b.cons[it.chunk]
		if c.kind == kindArray {
			it.vals = c.arr
		} else {
			it.vals = c.toArray()
		}
		it.pos = 0
	}
	it.cur = uint32(it.b.keys[it.chunk])<<16 | uint32(it.vals[it.pos])
	it.pos++
	return true
}

// Value returns the value Next moved to.
func (it *Iterator) Value() uint32 { return it.cur }

// AdvanceTo moves to the first value >= v and reports whether there is
// one; it never moves backwards.
func (it *Iterator) AdvanceTo(v uint32) bool {
	if it.chunk >= 0 && it.pos > 0 && it.cur >= v {
		return true
	}
	hi, lo := split(v)
	if it.chunk < 0 || it.b.keys[it.chunk] < hi {
		i, _ := it.b.find(hi)
		if i > it.chunk {
			it.chunk, it.vals, it.pos = i-1, nil, 0
		}
	}
	for it.Next() {
		if it.cur >= v {
			return true
		}
		if uint16(it.cur>>16) == hi && it.pos < len(it.vals) {
			j, _ := slices.BinarySearch(it.vals[it.pos:], lo)
			it.pos += j
		}
	}
	return false
}
