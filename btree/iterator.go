package btree

import (
	"bytes"
	"fmt"

	"github.com/aegisdb/aegis/buffer"

	"github.com/aegisdb/aegis/engine"
	"github.com/aegisdb/aegis/page"
)

// An iterator holds no lock and no pin between calls. Each refill takes
// the tree lock shared, descends from the root by key, copies the rest of
// one leaf (in the iterator's direction, within bounds) and lets go. Moving
// past the copied run descends again from the last key returned, so an
// iterator is safe whatever writes happen meanwhile: it sees each key as
// the tree held it at the refill that copied it, and batches whole.
type iterator struct {
	db           *DB
	lower, upper []byte
	ents         []entry
	pos          int
	forward      bool
	exhausted    bool // nothing lies beyond ents in its direction
	err          error
}

type entry struct{ key, value []byte }

// runEntries is how many entries a refill that continues a walk copies
// (whole leaves, so a little more).
const runEntries = 256

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

// copyEntry appends leaf cell c as an entry, copying key and value into
// the iterator's arena.
func (it *iterator) copyEntry(arena []byte, id page.ID, lc leafCell) ([]byte, error) {
	start := len(arena)
	arena = append(arena, lc.key...)
	mid := len(arena)
	arena, err := it.db.readValue(arena, id, lc)
	if err != nil {
		return arena, err
	}
	it.ents = append(it.ents, entry{arena[start:mid:mid], arena[mid:len(arena):len(arena)]})
	return arena, nil
}

// fill loads the next run of entries: forward from the first key >= from
// (> from when exclusive), or backward from the last key < from (<= from
// when inclusive). A nil from means the start (end) of the range.
//
// A seek copies one leaf's worth: most seeks read a key or two. A refill
// that continues a walk copies leaves until it holds runEntries entries,
// which spreads the descent from the root over more keys.
func (it *iterator) fill(from []byte, forward, inclusive bool, want int) bool {
	if forward && it.lower != nil && (from == nil || bytes.Compare(from, it.lower) < 0) {
		from, inclusive = it.lower, true
	}
	if !forward && it.upper != nil && (from == nil || bytes.Compare(from, it.upper) >= 0) {
		from, inclusive = it.upper, false
	}
	it.ents, it.pos, it.forward, it.exhausted = it.ents[:0], 0, forward, false
	// Entries alias the arena of the fill that made them; a fresh arena
	// keeps the slices handed out before this call intact.
	var arena []byte
	db := it.db
	db.treeMu.RLock()
	defer db.treeMu.RUnlock()
	if db.closed {
		it.err = engine.ErrClosed
		return false
	}
	f, stack, err := db.leafFor(from, !forward, make([]cursorStep, 0, 8))
	for err == nil && f != nil {
		p := f.Page()
		id := f.ID()
		n := p.NumCells()
		var start int
		if forward {
			start = 0
		} else {
			start = n - 1
		}
		if from != nil {
			idx, found, ok := searchPage(p, from)
			if !ok {
				db.pool.Unpin(f)
				err = corruptPage(id, db.lim.pageSize, "leaf cell does not decode")
				break
			}
			switch {
			case forward && found && !inclusive:
				start = idx + 1
			case forward:
				start = idx
			case found && inclusive:
				start = idx
			default:
				start = idx - 1
			}
		}
		step := 1
		if !forward {
			step = -1
		}
		for i := start; i >= 0 && i < n; i += step {
			lc, ok := decodeLeafCell(p.Cell(i))
			if !ok {
				err = corruptPage(id, db.lim.pageSize, "leaf cell %d does not decode", i)
				break
			}
			if forward && !it.inUpper(lc.key) || !forward && !it.inLower(lc.key) {
				it.exhausted = true
				break
			}
			if arena == nil {
				arena = make([]byte, 0, db.lim.pageSize*min(want, 4))
			}
			if arena, err = it.copyEntry(arena, id, lc); err != nil {
				break
			}
		}
		db.pool.Unpin(f)
		if err != nil || len(it.ents) >= want || it.exhausted {
			break
		}
		f, stack, err = db.siblingLeaf(stack, forward)
	}
	if err != nil {
		it.ents, it.err = it.ents[:0], err
		return false
	}
	if f == nil {
		it.exhausted = true
	}
	return len(it.ents) > 0
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
	return it.fill(from, forward, inclusive, 1)
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
		return it.fill(cur, forward, false, 1)
	}
	it.pos++
	if it.pos < len(it.ents) {
		return true
	}
	if it.exhausted {
		it.ents = it.ents[:0]
		return false
	}
	return it.fill(cur, forward, false, runEntries)
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
	it.ents = nil
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
