package btree

import (
	"github.com/aegisdb/aegis/page"
)

// A value too big to sit in its leaf goes to a chain of overflow pages,
// each holding one cell of up to page.MaxCell bytes and linking the next
// through its right pointer; the leaf cell keeps the length and the first
// page. The chain length follows from the value length, so a reader never
// follows more links than that.

// writeOverflow stores value in new overflow pages and returns the first.
func (w *writer) writeOverflow(value []byte) (page.ID, error) {
	first := page.Nil
	var prev page.Page
	for off := 0; off < len(value); off += w.lim.chunk {
		end := min(off+w.lim.chunk, len(value))
		p, id, err := w.alloc(page.TypeOverflow)
		if err != nil {
			return 0, err
		}
		if err := p.Insert(0, value[off:end]); err != nil {
			return 0, err
		}
		if prev == nil {
			first = id
		} else {
			prev.SetRight(id)
		}
		prev = p
	}
	return first, nil
}

// freeValue frees the overflow chain of leaf cell c, if it has one.
func (w *writer) freeValue(leafID page.ID, c []byte) error {
	lc, ok := decodeLeafCell(c)
	if !ok {
		return corruptPage(leafID, w.lim.pageSize, "leaf cell does not decode")
	}
	if !lc.overflow {
		return nil
	}
	id := lc.first
	for n := w.chunks(lc.vlen); n > 0; n-- {
		p, err := w.read(id)
		if err != nil {
			return err
		}
		if p.Type() != page.TypeOverflow {
			return corruptPage(id, w.lim.pageSize, "overflow chain reaches a %v page", p.Type())
		}
		next := p.Right()
		if err := w.free(id); err != nil {
			return err
		}
		id = next
	}
	return nil
}

func (w *writer) chunks(vlen int) int { return (vlen + w.lim.chunk - 1) / w.lim.chunk }

// readValue appends the value of leaf cell lc to dst, following its
// overflow chain through fetch (which must pin and release pages itself).
func (db *DB) readValue(dst []byte, leafID page.ID, lc leafCell) ([]byte, error) {
	if !lc.overflow {
		return append(dst, lc.value...), nil
	}
	if lc.vlen <= 0 || lc.vlen > MaxValueSize {
		return nil, corruptPage(leafID, db.lim.pageSize, "overflow value of %d bytes", lc.vlen)
	}
	id := lc.first
	remaining := lc.vlen
	for remaining > 0 {
		if id < firstPageID || id >= db.meta.numPages {
			return nil, corruptPage(leafID, db.lim.pageSize, "overflow link to page %d", id)
		}
		f, err := db.fetch(id)
		if err != nil {
			return nil, db.pageErr(id, err)
		}
		p := f.Page()
		if p.Type() != page.TypeOverflow || p.NumCells() != 1 {
			db.pool.Unpin(f)
			return nil, corruptPage(id, db.lim.pageSize, "overflow chain reaches a %v page with %d cells", p.Type(), p.NumCells())
		}
		c := p.Cell(0)
		want := min(remaining, db.lim.chunk)
		if len(c) != want {
			db.pool.Unpin(f)
			return nil, corruptPage(id, db.lim.pageSize, "overflow chunk of %d bytes, want %d", len(c), want)
		}
		dst = append(dst, c...)
		remaining -= len(c)
		id = p.Right()
		db.pool.Unpin(f)
	}
	return dst, nil
}
