package enginetest

import (
	"bytes"
	"sort"

	"github.com/aegisdb/aegis/engine"
)

// oracle is the model the randomized tests check an engine against: a map
// plus its keys kept sorted, so iterator moves are binary searches.
type oracle struct {
	values map[string][]byte
	keys   []string // sorted; the keys of values
}

func newOracle() *oracle { return &oracle{values: map[string][]byte{}} }

func (o *oracle) get(key []byte) ([]byte, bool) {
	v, ok := o.values[string(key)]
	return v, ok
}

func (o *oracle) put(key, value []byte) {
	k := string(key)
	if _, ok := o.values[k]; !ok {
		i := sort.SearchStrings(o.keys, k)
		o.keys = append(o.keys, "")
		copy(o.keys[i+1:], o.keys[i:])
		o.keys[i] = k
	}
	o.values[k] = bytes.Clone(value)
}

func (o *oracle) delete(key []byte) {
	k := string(key)
	if _, ok := o.values[k]; !ok {
		return
	}
	delete(o.values, k)
	i := sort.SearchStrings(o.keys, k)
	o.keys = append(o.keys[:i], o.keys[i+1:]...)
}

// apply applies a batch in order, so a later op on a key wins.
func (o *oracle) apply(b *engine.Batch) {
	b.ForEach(func(kind engine.OpKind, key, value []byte) error {
		if kind == engine.OpPut {
			o.put(key, value)
		} else {
			o.delete(key)
		}
		return nil
	})
}

// oracleIter models engine.Iterator over the oracle's sorted keys: pos is
// an index into keys, or -1 when the iterator is not at a key.
type oracleIter struct {
	o            *oracle
	lower, upper []byte
	pos          int
}

func (o *oracle) iter(opts engine.IterOptions) *oracleIter {
	return &oracleIter{o: o, lower: opts.LowerBound, upper: opts.UpperBound, pos: -1}
}

func (it *oracleIter) inBounds(i int) bool {
	if i < 0 || i >= len(it.o.keys) {
		return false
	}
	k := it.o.keys[i]
	return (it.lower == nil || k >= string(it.lower)) && (it.upper == nil || k < string(it.upper))
}

func (it *oracleIter) set(i int) bool {
	if it.inBounds(i) {
		it.pos = i
		return true
	}
	it.pos = -1
	return false
}

func (it *oracleIter) First() bool { return it.SeekGE(nil) }

func (it *oracleIter) Last() bool {
	if it.upper != nil {
		return it.SeekLT(it.upper)
	}
	return it.set(len(it.o.keys) - 1)
}

func (it *oracleIter) SeekGE(key []byte) bool {
	if it.lower != nil && (key == nil || bytes.Compare(key, it.lower) < 0) {
		key = it.lower
	}
	return it.set(sort.SearchStrings(it.o.keys, string(key)))
}

func (it *oracleIter) SeekLT(key []byte) bool {
	// A nil key is the empty key, so nothing is below it.
	if it.upper != nil && bytes.Compare(key, it.upper) > 0 {
		key = it.upper
	}
	return it.set(sort.SearchStrings(it.o.keys, string(key)) - 1)
}

func (it *oracleIter) Next() bool { return it.pos >= 0 && it.set(it.pos+1) }
func (it *oracleIter) Prev() bool { return it.pos >= 0 && it.set(it.pos-1) }

func (it *oracleIter) key() string { return it.o.keys[it.pos] }
