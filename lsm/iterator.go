package lsm

import (
	"bytes"
	"fmt"
	"sort"

	"github.com/aegisdb/aegis/engine"
)

// levelIter concatenates the tables of one sorted level (L1 and below),
// opening each table only when the walk reaches it.
type levelIter struct {
	d      *DB
	noFill bool // for the tables it opens; see readDataBlock
	files  []*fileMeta
	idx    int // index of the open table; -1 or len(files) when none
	cur    *tableIter
	err    error
}

func newLevelIter(d *DB, files []*fileMeta) *levelIter {
	return &levelIter{d: d, files: files, idx: -1}
}

func (it *levelIter) String() string { return fmt.Sprintf("level(%d tables)", len(it.files)) }

// open makes table i current; false when i is out of range or on error.
func (it *levelIter) open(i int) bool {
	it.idx = i
	it.cur = nil
	if i < 0 || i >= len(it.files) {
		return false
	}
	t, err := it.d.table(it.files[i])
	if err != nil {
		it.err = err
		return false
	}
	it.cur = t.newIter()
	it.cur.noFill = it.noFill
	return true
}

// skip moves to following (or preceding) tables while the current one is
// exhausted.
func (it *levelIter) skip(forward bool) bool {
	for {
		if it.cur == nil {
			return false
		}
		if it.cur.Valid() {
			return true
		}
		if err := it.cur.Err(); err != nil {
			it.err = err
			it.cur = nil
			return false
		}
		if forward {
			if !it.open(it.idx+1) || !it.cur.First() && it.cur.Err() == nil && !it.skip(true) {
				return it.Valid()
			}
		} else {
			if !it.open(it.idx-1) || !it.cur.Last() && it.cur.Err() == nil && !it.skip(false) {
				return it.Valid()
			}
		}
	}
}

func (it *levelIter) First() bool {
	it.err = nil
	if !it.open(0) {
		return false
	}
	it.cur.First()
	return it.skip(true)
}

func (it *levelIter) Last() bool {
	it.err = nil
	if !it.open(len(it.files) - 1) {
		return false
	}
	it.cur.Last()
	return it.skip(false)
}

func (it *levelIter) SeekGE(k ikey) bool {
	it.err = nil
	i := sort.Search(len(it.files), func(i int) bool { return cmpIkey(it.files[i].largest, k) >= 0 })
	if !it.open(i) {
		return false
	}
	it.cur.SeekGE(k)
	return it.skip(true)
}

func (it *levelIter) SeekLT(k ikey) bool {
	it.err = nil
	i := sort.Search(len(it.files), func(i int) bool { return cmpIkey(it.files[i].smallest, k) >= 0 }) - 1
	if !it.open(i) {
		return false
	}
	it.cur.SeekLT(k)
	return it.skip(false)
}

func (it *levelIter) Next() bool {
	if !it.Valid() {
		return false
	}
	it.cur.Next()
	return it.skip(true)
}

func (it *levelIter) Prev() bool {
	if !it.Valid() {
		return false
	}
	it.cur.Prev()
	return it.skip(false)
}

func (it *levelIter) Valid() bool   { return it.err == nil && it.cur != nil && it.cur.Valid() }
func (it *levelIter) Key() ikey     { return it.cur.Key() }
func (it *levelIter) Value() []byte { return it.cur.Value() }
func (it *levelIter) Err() error    { return it.err }
func (it *levelIter) Close() error  { return nil }

// errIter is an iterator that only reports an error, standing in for a
// table that failed to open.
type errIter struct{ err error }

func (e errIter) First() bool      { return false }
func (e errIter) Last() bool       { return false }
func (e errIter) SeekGE(ikey) bool { return false }
func (e errIter) SeekLT(ikey) bool { return false }
func (e errIter) Next() bool       { return false }
func (e errIter) Prev() bool       { return false }
func (e errIter) Valid() bool      { return false }
func (e errIter) Key() ikey        { return ikey{} }
func (e errIter) Value() []byte    { return nil }
func (e errIter) Err() error       { return e.err }
func (e errIter) Close() error     { return nil }
func (e errIter) String() string   { return "error: " + e.err.Error() }

// dbIter is the engine.Iterator: it walks the merged internal entries and
// shows, for each user key within bounds, the newest version at or below
// its snapshot seqnum, hiding tombstones.
//
// Forward, it stays positioned on the entry it shows. Backward, the merged
// iterator runs one user key ahead (it had to see the key change to know
// the newest version), so the key and value shown are copies. A change of
// direction re-seeks the merged iterator.
type dbIter struct {
	d            *DB
	v            *version
	m            *mergingIter
	snap         uint64
	lower, upper []byte
	valid        bool
	forward      bool
	key, value   []byte
	keyBuf       []byte
	valBuf       []byte
	skipBuf      []byte
	err          error
	closed       bool
}

// NewIterator implements engine.Engine.
func (d *DB) NewIterator(opts engine.IterOptions) engine.Iterator {
	if d.closed.Load() {
		return &dbIter{err: ErrClosed, closed: true}
	}
	d.m.iterators.Add(1)
	mem, imm, v := d.readState()
	snap := d.visibleSeq.Load()
	iters := []internalIterator{&memIter{m: mem}}
	for i := len(imm) - 1; i >= 0; i-- {
		iters = append(iters, &memIter{m: imm[i]})
	}
	for _, f := range v.levels[0] {
		t, err := d.table(f)
		if err != nil {
			iters = append(iters, errIter{err})
			continue
		}
		iters = append(iters, t.newIter())
	}
	for l := 1; l < numLevels; l++ {
		if len(v.levels[l]) > 0 {
			iters = append(iters, newLevelIter(d, v.levels[l]))
		}
	}
	return &dbIter{
		d: d, v: v, m: newMergingIter(iters), snap: snap,
		lower: bytes.Clone(opts.LowerBound), upper: bytes.Clone(opts.UpperBound),
	}
}

func (it *dbIter) String() string { return "lsm.Iterator over " + it.m.String() }

func (it *dbIter) usable() bool {
	if it.closed {
		it.valid = false
		return false
	}
	it.err = nil
	return true
}

func (it *dbIter) aboveUpper(k []byte) bool {
	return it.upper != nil && bytes.Compare(k, it.upper) >= 0
}
func (it *dbIter) belowLower(k []byte) bool { return it.lower != nil && bytes.Compare(k, it.lower) < 0 }

// findNext moves forward from the merged position to the first visible
// live user key; skip (if not nil) is a user key already shown.
func (it *dbIter) findNext(skip []byte, skipping bool) bool {
	it.forward = true
	for ok := it.m.Valid(); ok; ok = it.m.Next() {
		k := it.m.Key()
		if k.seq() > it.snap {
			continue
		}
		if skipping && bytes.Equal(k.ukey, skip) {
			continue
		}
		if it.aboveUpper(k.ukey) {
			break
		}
		if k.kind() == kindDelete {
			it.skipBuf = append(it.skipBuf[:0], k.ukey...)
			skip, skipping = it.skipBuf, true
			continue
		}
		it.key, it.value, it.valid = k.ukey, it.m.Value(), true
		return true
	}
	it.valid = false
	it.err = it.m.Err()
	return false
}

// findPrev moves backward from the merged position to the last visible
// live user key.
func (it *dbIter) findPrev() bool {
	it.forward = false
	have := false // keyBuf/valBuf hold a live version
	for ok := it.m.Valid(); ok; ok = it.m.Prev() {
		k := it.m.Key()
		if k.seq() > it.snap {
			continue
		}
		if have && bytes.Compare(k.ukey, it.keyBuf) < 0 {
			break
		}
		if it.belowLower(k.ukey) {
			break
		}
		if k.kind() == kindDelete {
			have = false
			continue
		}
		it.keyBuf = append(it.keyBuf[:0], k.ukey...)
		it.valBuf = append(it.valBuf[:0], it.m.Value()...)
		have = true
	}
	if err := it.m.Err(); err != nil {
		it.valid, it.err = false, err
		return false
	}
	if !have {
		it.valid = false
		return false
	}
	it.key, it.value, it.valid = it.keyBuf, it.valBuf, true
	return true
}

func (it *dbIter) First() bool {
	if !it.usable() {
		return false
	}
	if it.lower != nil {
		it.m.SeekGE(ikey{ukey: it.lower, trailer: makeTrailer(it.snap, kindMax)})
	} else {
		it.m.First()
	}
	return it.findNext(nil, false)
}

func (it *dbIter) Last() bool {
	if !it.usable() {
		return false
	}
	if it.upper != nil {
		it.m.SeekLT(ikey{ukey: it.upper, trailer: makeTrailer(maxSeq, kindMax)})
	} else {
		it.m.Last()
	}
	return it.findPrev()
}

func (it *dbIter) SeekGE(key []byte) bool {
	if !it.usable() {
		return false
	}
	if it.lower != nil && bytes.Compare(key, it.lower) < 0 {
		key = it.lower
	}
	it.m.SeekGE(ikey{ukey: key, trailer: makeTrailer(it.snap, kindMax)})
	return it.findNext(nil, false)
}

func (it *dbIter) SeekLT(key []byte) bool {
	if !it.usable() {
		return false
	}
	if it.upper != nil && bytes.Compare(key, it.upper) > 0 {
		key = it.upper
	}
	it.m.SeekLT(ikey{ukey: key, trailer: makeTrailer(maxSeq, kindMax)})
	return it.findPrev()
}

func (it *dbIter) Next() bool {
	if it.closed || !it.valid {
		return false
	}
	it.skipBuf = append(it.skipBuf[:0], it.key...)
	if it.forward {
		it.m.Next()
	} else {
		// Past every version of the current key: its smallest trailer.
		it.m.SeekGE(ikey{ukey: it.skipBuf, trailer: 0})
	}
	return it.findNext(it.skipBuf, true)
}

func (it *dbIter) Prev() bool {
	if it.closed || !it.valid {
		return false
	}
	if it.forward {
		// Before every version of the current key.
		it.skipBuf = append(it.skipBuf[:0], it.key...)
		it.m.SeekLT(ikey{ukey: it.skipBuf, trailer: makeTrailer(maxSeq, kindMax)})
	}
	return it.findPrev()
}

func (it *dbIter) Valid() bool   { return it.valid }
func (it *dbIter) Key() []byte   { return it.key }
func (it *dbIter) Value() []byte { return it.value }
func (it *dbIter) Err() error    { return it.err }

func (it *dbIter) Close() error {
	if it.closed {
		return nil
	}
	it.closed, it.valid = true, false
	err := it.m.Close()
	it.v.unref()
	return err
}
