package btree

import (
	"bytes"
	"fmt"

	"github.com/aegisdb/aegis/engine"
	"github.com/aegisdb/aegis/page"
)

// bulkFill is the share of a page's room a bulk load fills.
const bulkFill = 0.9

// BulkLoad fills an empty store from next, which yields keys in strictly
// ascending order and returns ok=false at the end. It builds the tree
// bottom-up: leaves filled to about 90%, then each internal level, the
// last two pages of a level evened out so none is underfull. The pages are
// written without logging past the current page count and synced; one
// logged batch then points the meta page at the new root. Readers and
// writers wait while it runs. On error nothing changes.
func (db *DB) BulkLoad(next func() (key, value []byte, ok bool)) error {
	db.writeMu.Lock()
	defer db.writeMu.Unlock()
	if db.closed {
		return engine.ErrClosed
	}
	if err := db.poisoned(); err != nil {
		return err
	}
	db.treeMu.Lock()
	defer db.treeMu.Unlock()
	if db.meta.keys != 0 || db.meta.height != 0 {
		return fmt.Errorf("%w: the store holds %d keys; bulk load needs an empty one", ErrBulkLoad, db.meta.keys)
	}
	b := &bulk{db: db, next: db.meta.numPages, target: int(bulkFill * float64(db.lim.usable))}
	seps, err := b.leaves(next)
	if err != nil || len(seps) == 0 {
		return err
	}
	height := 0
	for len(seps) > 1 {
		height++
		if height > maxHeight {
			return fmt.Errorf("%w: tree taller than %d levels", ErrBulkLoad, maxHeight)
		}
		if seps, err = b.internalLevel(seps, height); err != nil {
			return err
		}
	}
	if err := db.pool.FlushAll(); err != nil {
		return db.poison(fmt.Errorf("btree: bulk load: %w", err))
	}
	w := db.w
	w.begin()
	old := db.meta.root
	db.meta.root, db.meta.height, db.meta.numPages, db.meta.keys = seps[0].id, height, b.next, b.keys
	if err := w.free(old); err != nil {
		w.rollback()
		return err
	}
	if _, err := w.commit(); err != nil {
		w.rollback()
		return db.poison(err)
	}
	if err := db.log.Sync(); err != nil {
		return db.poison(fmt.Errorf("btree: bulk load: sync log: %w", err))
	}
	return nil
}

type bulk struct {
	db     *DB
	next   page.ID // next page id to write
	target int
	keys   uint64
}

// sepEntry is a page of a finished level and the key that divides it from
// the page before it (nil for the first).
type sepEntry struct {
	key []byte
	id  page.ID
}

// writePage writes an unlogged page with the given cells.
func (b *bulk) writePage(typ page.Type, level int, aux page.ID, cells [][]byte) (page.ID, error) {
	id := b.next
	if id >= page.Nil-1 {
		return 0, fmt.Errorf("btree: bulk load: data file is full (%d pages)", id)
	}
	b.next++
	f, err := b.db.pool.NewPage(id, typ)
	if err != nil {
		return 0, b.db.pageErr(id, err)
	}
	f.Lock()
	p := f.Page()
	p.SetLevel(level)
	p.SetAux(aux)
	err = rebuild(p, cells)
	f.Unlock()
	b.db.pool.Unpin(f)
	return id, err
}

// overflow writes value to a chain of unlogged overflow pages.
func (b *bulk) overflow(value []byte) (page.ID, error) {
	first := b.next
	chunk := b.db.lim.chunk
	for off := 0; off < len(value); off += chunk {
		end := min(off+chunk, len(value))
		id := b.next
		f, err := b.db.pool.NewPage(id, page.TypeOverflow)
		if err != nil {
			return 0, b.db.pageErr(id, err)
		}
		b.next++
		f.Lock()
		p := f.Page()
		err = p.Insert(0, value[off:end])
		if end < len(value) {
			p.SetRight(id + 1)
		}
		f.Unlock()
		b.db.pool.Unpin(f)
		if err != nil {
			return 0, err
		}
	}
	return first, nil
}

// evenOut splits cells (of two pages) into halves of about equal size.
func (b *bulk) evenOut(cells [][]byte, skipMiddle bool) int {
	hi := len(cells) - 1
	if skipMiddle {
		hi--
	}
	return b.db.w.splitPoint(cells, 1, hi, skipMiddle)
}

// leaves writes the leaf level and returns its pages.
func (b *bulk) leaves(next func() (key, value []byte, ok bool)) ([]sepEntry, error) {
	db := b.db
	var seps []sepEntry
	var prev, cur [][]byte
	curSize := 0
	var lastKey []byte
	flush := func(cells [][]byte) error {
		first, _, _ := cellKey(cells[0])
		var sep []byte
		if len(seps) > 0 {
			sep = bytes.Clone(shortestSeparator(lastKey, first))
		}
		id, err := b.writePage(page.TypeLeaf, 0, page.Nil, cells)
		if err != nil {
			return err
		}
		seps = append(seps, sepEntry{sep, id})
		lastKey, _, _ = cellKey(cells[len(cells)-1])
		return nil
	}
	var prevKey []byte
	for {
		key, value, ok := next()
		if !ok {
			break
		}
		if len(key) > db.lim.maxKey {
			return nil, fmt.Errorf("btree: bulk load: key of %d bytes (max %d): %w", len(key), db.lim.maxKey, engine.ErrKeyTooLarge)
		}
		if len(value) > MaxValueSize {
			return nil, fmt.Errorf("btree: bulk load: value of %d bytes (max %d): %w", len(value), MaxValueSize, engine.ErrValueTooLarge)
		}
		if b.keys > 0 && bytes.Compare(prevKey, key) >= 0 {
			return nil, fmt.Errorf("%w: key %q does not follow %q", ErrBulkLoad, key, prevKey)
		}
		prevKey = append(prevKey[:0], key...)
		var cell []byte
		if inlineCellSize(key, value) <= db.lim.maxCell {
			cell = appendInlineCell(nil, key, value)
		} else {
			first, err := b.overflow(value)
			if err != nil {
				return nil, err
			}
			cell = appendOverflowCell(nil, key, len(value), first)
		}
		b.keys++
		if len(cur) > 0 && curSize+len(cell)+page.SlotSize > b.target {
			if prev != nil {
				if err := flush(prev); err != nil {
					return nil, err
				}
			}
			prev, cur, curSize = cur, nil, 0
		}
		cur = append(cur, cell)
		curSize += len(cell) + page.SlotSize
	}
	if prev != nil && curSize < db.lim.minFill {
		all := append(prev, cur...)
		k := b.evenOut(all, false)
		prev, cur = all[:k], all[k:]
	}
	for _, cells := range [][][]byte{prev, cur} {
		if len(cells) > 0 {
			if err := flush(cells); err != nil {
				return nil, err
			}
		}
	}
	return seps, nil
}

// internalLevel writes one internal level over the pages below and
// returns its own pages. A page over entries e0..ek keeps e0's child as
// its leftmost child and e1..ek as cells; e0's key divides it from the
// page before.
func (b *bulk) internalLevel(below []sepEntry, level int) ([]sepEntry, error) {
	// Group the entries into pages: [starts[i], starts[i+1]).
	var starts []int
	size := 0
	for i, e := range below {
		cell := len(e.key) + uvarintLen(len(e.key)) + 4 + page.SlotSize
		if i == 0 || (i-starts[len(starts)-1] >= 2 && size+cell > b.target) {
			starts = append(starts, i)
			size = 0
			continue // the first entry of a page is its leftmost child
		}
		size += cell
	}
	starts = append(starts, len(below))
	var out []sepEntry
	for g := 0; g+1 < len(starts); g++ {
		lo, hi := starts[g], starts[g+1]
		cells := make([][]byte, 0, hi-lo)
		for _, e := range below[lo+1 : hi] {
			cells = append(cells, appendInternalCell(nil, e.key, e.id))
		}
		aux := below[lo].id
		if g+2 == len(starts)-1 {
			// The last two pages: even them out so the last is not underfull.
			last := starts[g+2]
			all := cells
			all = append(all, appendInternalCell(nil, below[hi].key, below[hi].id))
			for _, e := range below[hi+1 : last] {
				all = append(all, appendInternalCell(nil, e.key, e.id))
			}
			if cellsSize(all) <= b.db.lim.usable || len(all) < 3 {
				id, err := b.writePage(page.TypeInternal, level, aux, all)
				if err != nil {
					return nil, err
				}
				return append(out, sepEntry{below[lo].key, id}), nil
			}
			m := b.evenOut(all, true)
			id, err := b.writePage(page.TypeInternal, level, aux, all[:m])
			if err != nil {
				return nil, err
			}
			out = append(out, sepEntry{below[lo].key, id})
			key, child, _ := decodeInternalCell(all[m])
			id, err = b.writePage(page.TypeInternal, level, child, all[m+1:])
			if err != nil {
				return nil, err
			}
			return append(out, sepEntry{key, id}), nil
		}
		id, err := b.writePage(page.TypeInternal, level, aux, cells)
		if err != nil {
			return nil, err
		}
		out = append(out, sepEntry{below[lo].key, id})
	}
	return out, nil
}
