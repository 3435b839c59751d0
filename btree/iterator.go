package btree

import (
	"bytes"
	"fmt"

	"github.com/aegisdb/aegis/buffer"

	"github.com/aegisdb/aegis/engine"
	"github.com/aegisdb/aegis/page"
)

// An iterator holds no lock and no pin between calls. Each refill takes
// the tree lock shared, finds its place in a leaf, copies a run of entries
// (in the iterator's direction, within bounds) into a buffer the iterator
// reuses, and lets go. So an iterator is safe whatever writes happen
// meanwhile: it sees each key as the tree held it at the refill that
// copied it, and batches whole.
//
// A refill finds its place in one of two ways. A seek, or a refill after
// the tree changed, descends from the root by key. A refill that goes on
// where the last one stopped inside a leaf starts at that cell again if
// the leaf's page LSN is the one it had then: every change a batch makes
// to a page gives the page the LSN of the log record carrying it, under
// the tree lock, so an unchanged LSN means unchanged bytes (a rolled back
// batch restores the bytes and the LSN with them), and the cells after the
// last one copied are still the next keys of the tree. Past the end of a
// leaf a refill descends again from the root (no sibling links).
//
// Runs start short after a seek, because most seeks (an mvcc version
// lookup, say) read a key or two, and double while the walk goes on, up to
// maxRun. Key and Value alias the reused buffer: the engine contract makes
// them valid only until the next positioning call.
type iterator struct {
	db           *DB
	lower, upper []byte
	ents         []entry
	arena        []byte // the keys and values of ents
	from         []byte // the key a refill continues from, copied out of arena
	stack        []cursorStep
	pos          int
	forward      bool
	exhausted    bool // nothing lies beyond ents in its direction
	run          int  // how many entries the next continuing refill copies
	err          error

	// Where the last refill stopped inside a leaf: the next cell to copy,
	// valid while the leaf still has the LSN it had then.
	resume  bool
	leaf    page.ID
	leafLSN uint64
	next    int
}

type entry struct{ key, value []byte }

// firstRun is how many entries a seek copies; maxRun bounds the runs of a
// longer walk, which double from firstRun.
const (
	firstRun = 4
	maxRun   = 256
)

// NewIterator implements engine.Engine.
func (db *DB) NewIterator(opts engine.IterOptions) engine.Iterator {
	db.iterators.Add(1)
	it := &iterator{db: db}
	if opts.LowerBound != nil {
		it.lower = bytes.Clone(opts.LowerBound)
	}
	if opts.UpperBound != nil {
		it.upper = bytes.Clone(opts.UpperBound)
	}
	db.treeMu.RLock()
	if db.closed {
		it.err = engine.ErrClosed
	}
	db.treeMu.RUnlock()
	return it
}

func (it *iterator) inUpper(k []byte) bool { return it.upper == nil || bytes.Compare(k, it.upper) < 0 }
func (it *iterator) inLower(k []byte) bool { return it.lower == nil || bytes.Compare(k, it.lower) >= 0 }

// cursorStep is one internal page on the way down and the child taken.
type cursorStep struct {
	id  page.ID
	idx int
}

// leafFor descends to the leaf covering key (the leftmost or rightmost
// leaf when key is nil), recording the internal pages passed in stack. It
// returns the leaf's frame pinned.
func (db *DB) leafFor(key []byte, rightmost bool, stack []cursorStep) (*buffer.Frame, []cursorStep, error) {
	return db.descendFrom(db.meta.root, db.meta.height, key, rightmost, stack)
}

func (db *DB) descendFrom(id page.ID, level int, key []byte, rightmost bool, stack []cursorStep) (*buffer.Frame, []cursorStep, error) {
	for {
		f, err := db.fetchNode(id, level)
		if err != nil {
			return nil, stack, err
		}
		p := f.Page()
		if level == 0 {
			return f, stack, nil
		}
		var ci int
		ok := true
		switch {
		case key != nil:
			ci, ok = childIndex(p, key)
		case rightmost:
			ci = p.NumCells()
		}
		child, ok2 := childAt(p, ci)
		db.pool.Unpin(f)
		if !ok || !ok2 {
			return nil, stack, corruptPage(id, db.lim.pageSize, "internal cell does not decode")
		}
		if child < firstPageID || child >= db.meta.numPages {
			return nil, stack, corruptPage(id, db.lim.pageSize, "child %d outside [%d, %d)", child, firstPageID, db.meta.numPages)
		}
		stack = append(stack, cursorStep{id, ci})
		id, level = child, level-1
	}
}

// siblingLeaf moves to the next (or previous) leaf using the stack, or
// returns nil at the end of the tree.
func (db *DB) siblingLeaf(stack []cursorStep, next bool) (*buffer.Frame, []cursorStep, error) {
	for len(stack) > 0 {
		top := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		f, err := db.fetch(top.id)
		if err != nil {
			return nil, stack, db.pageErr(top.id, err)
		}
		p := f.Page()
		ci := top.idx - 1
		if next {
			ci = top.idx + 1
		}
		if ci < 0 || ci > p.NumCells() {
			db.pool.Unpin(f)
			continue
		}
		child, ok := childAt(p, ci)
		level := p.Level() - 1
		db.pool.Unpin(f)
		if !ok {
			return nil, stack, corruptPage(top.id, db.lim.pageSize, "internal cell does not decode")
		}
		if child < firstPageID || child >= db.meta.numPages {
			return nil, stack, corruptPage(top.id, db.lim.pageSize, "child %d outside [%d, %d)", child, firstPageID, db.meta.numPages)
		}
		stack = append(stack, cursorStep{top.id, ci})
		return db.descendFrom(child, level, nil, !next, stack)
	}
	return nil, stack, nil
}

// copyEntry appends leaf cell lc as an entry, copying key and value into
// the iterator's arena.
func (it *iterator) copyEntry(id page.ID, lc leafCell) error {
	if it.arena == nil {
		// Never nil: an empty key sliced from a nil arena would be nil,
		// which fill and callers read as "no key".
		it.arena = make([]byte, 0, 512)
	}
	start := len(it.arena)
	arena := append(it.arena, lc.key...)
	mid := len(arena)
	arena, err := it.db.readValue(arena, id, lc)
	if err != nil {
		return err
	}
	it.arena = arena
	// Entries made before the arena grew keep pointing into its old
	// array, which stays valid: nothing writes there until the next fill.
	it.ents = append(it.ents, entry{arena[start:mid:mid], arena[mid:len(arena):len(arena)]})
	return nil
}

// fill loads the next run of entries: forward from the first key >= from
// (> from when exclusive), or backward from the last key < from (<= from
// when inclusive). A nil from means the start (end) of the range.
// continuing says the refill goes on with the walk of the last one, in the
// same direction, from its last entry.
func (it *iterator) fill(from []byte, forward, inclusive, continuing bool) bool {
	if forward && it.lower != nil && (from == nil || bytes.Compare(from, it.lower) < 0) {
		from, inclusive = it.lower, true
	}
	if !forward && it.upper != nil && (from == nil || bytes.Compare(from, it.upper) >= 0) {
		from, inclusive = it.upper, false
	}
	if from != nil {
		// from may be an entry of the last run, in the arena about to be
		// overwritten. (Never nil: the empty key is a key.)
		if it.from == nil {
			it.from = make([]byte, 0, 32)
		}
		it.from = append(it.from[:0], from...)
		from = it.from
	}
	want := firstRun
	if continuing {
		want = min(2*it.run, maxRun)
	}
	resume := continuing && it.resume
	it.run, it.resume = want, false
	it.ents, it.arena, it.pos, it.forward, it.exhausted = it.ents[:0], it.arena[:0], 0, forward, false
	db := it.db
	db.treeMu.RLock()
	defer db.treeMu.RUnlock()
	if db.closed {
		it.err = engine.ErrClosed
		return false
	}
	var f *buffer.Frame
	var err error
	start := 0
	descended := false
	if resume {
		f, start, err = it.resumeLeaf()
	}
	if err == nil && f == nil {
		f, start, err = it.descend(from, forward, inclusive)
		descended = true
	}
	step := 1
	if !forward {
		step = -1
	}
	for err == nil && f != nil {
		p := f.Page()
		id := f.ID()
		n := p.NumCells()
		i := start
		for ; i >= 0 && i < n && len(it.ents) < want; i += step {
			lc, ok := decodeLeafCell(p.Cell(i))
			if !ok {
				err = corruptPage(id, db.lim.pageSize, "leaf cell %d does not decode", i)
				break
			}
			if forward && !it.inUpper(lc.key) || !forward && !it.inLower(lc.key) {
				it.exhausted = true
				break
			}
			if err = it.copyEntry(id, lc); err != nil {
				break
			}
		}
		if err == nil && !it.exhausted && i >= 0 && i < n {
			it.resume, it.leaf, it.leafLSN, it.next = true, id, p.LSN(), i
		}
		db.pool.Unpin(f)
		if err != nil || it.exhausted || len(it.ents) >= want {
			break
		}
		if !descended {
			// Went on in a leaf found without a path from the root: find
			// the next one by key.
			f, start, err = it.descend(it.ents[len(it.ents)-1].key, forward, false)
			descended = true
			continue
		}
		f, it.stack, err = db.siblingLeaf(it.stack, forward)
		if err == nil && f != nil {
			start = 0
			if !forward {
				start = f.Page().NumCells() - 1
			}
		}
	}
	if err != nil {
		it.ents, it.err, it.resume = it.ents[:0], err, false
		return false
	}
	if f == nil {
		it.exhausted = true
	}
	return len(it.ents) > 0
}

// resumeLeaf returns the leaf the last refill stopped in, pinned, and the
// cell to go on from, or a nil frame if the leaf has changed since.
func (it *iterator) resumeLeaf() (*buffer.Frame, int, error) {
	db := it.db
	f, err := db.fetch(it.leaf)
	if err != nil {
		return nil, 0, db.pageErr(it.leaf, err)
	}
	p := f.Page()
	if p.LSN() != it.leafLSN || p.Type() != page.TypeLeaf || it.next >= p.NumCells() {
		db.pool.Unpin(f)
		return nil, 0, nil
	}
	return f, it.next, nil
}

// descend finds the leaf where a walk from from starts (see fill) and the
// cell to start at, recording the path in it.stack for siblingLeaf.
func (it *iterator) descend(from []byte, forward, inclusive bool) (*buffer.Frame, int, error) {
	db := it.db
	f, stack, err := db.leafFor(from, !forward, it.stack[:0])
	it.stack = stack
	if err != nil {
		return nil, 0, err
	}
	p := f.Page()
	if from == nil {
		if forward {
			return f, 0, nil
		}
		return f, p.NumCells() - 1, nil
	}
	idx, found, ok := searchPage(p, from)
	if !ok {
		db.pool.Unpin(f)
		return nil, 0, corruptPage(f.ID(), db.lim.pageSize, "leaf cell does not decode")
	}
	switch {
	case forward && found && !inclusive:
		return f, idx + 1, nil
	case forward:
		return f, idx, nil
	case found && inclusive:
		return f, idx, nil
	default:
		return f, idx - 1, nil
	}
}

// nonNil turns a nil seek key into the empty key, which it means.
func nonNil(key []byte) []byte {
	if key == nil {
		return []byte{}
	}
	return key
}

// seek is every positioning call but Next and Prev.
func (it *iterator) seek(from []byte, forward, inclusive bool) bool {
	if it.err != nil {
		return false
	}
	return it.fill(from, forward, inclusive, false)
}

func (it *iterator) First() bool            { return it.seek(nil, true, true) }
func (it *iterator) Last() bool             { return it.seek(nil, false, false) }
func (it *iterator) SeekGE(key []byte) bool { return it.seek(nonNil(key), true, true) }
func (it *iterator) SeekLT(key []byte) bool { return it.seek(nonNil(key), false, false) }

// step moves one entry in direction forward.
func (it *iterator) step(forward bool) bool {
	if !it.Valid() {
		return false
	}
	cur := it.ents[it.pos].key
	if it.forward != forward {
		return it.fill(cur, forward, false, false)
	}
	it.pos++
	if it.pos < len(it.ents) {
		return true
	}
	if it.exhausted {
		it.ents = it.ents[:0]
		return false
	}
	return it.fill(cur, forward, false, true)
}

func (it *iterator) Next() bool { return it.step(true) }
func (it *iterator) Prev() bool { return it.step(false) }

func (it *iterator) Valid() bool { return it.err == nil && it.pos < len(it.ents) }

func (it *iterator) Key() []byte {
	if !it.Valid() {
		return nil
	}
	return it.ents[it.pos].key
}

func (it *iterator) Value() []byte {
	if !it.Valid() {
		return nil
	}
	return it.ents[it.pos].value
}

func (it *iterator) Err() error { return it.err }

func (it *iterator) Close() error {
	it.ents, it.arena, it.resume = nil, nil, false
	if it.err == nil {
		it.err = engine.ErrClosed
	}
	return nil
}

func (it *iterator) String() string {
	if !it.Valid() {
		return "btree.iterator(unpositioned)"
	}
	return fmt.Sprintf("btree.iterator(at %q)", it.Key())
}
