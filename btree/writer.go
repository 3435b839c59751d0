package btree

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/aegisdb/aegis/buffer"
	"github.com/aegisdb/aegis/page"
)

// writer is the state of the one batch being applied. Every page the batch
// changes is fetched once, pinned and write-latched until the batch is
// logged (or rolled back), with a copy of its bytes from before the batch:
//
//   - pinned, so the pool cannot evict (and write) a page holding changes
//     that are not yet in the log: the log has after-images only, so no
//     uncommitted change may ever reach the data file;
//   - latched, so a concurrent checkpoint (buffer.Pool.FlushAll takes each
//     frame's read latch) waits for the batch rather than write half of it;
//   - copied, so a batch that fails part way (a full pool, an I/O error)
//     is undone in memory and leaves the tree as it was.
//
// Pages the batch only reads are pinned until the end of the current
// operation (a put or delete), so their bytes stay put while in use.
type writer struct {
	db      *DB
	lim     limits
	touched map[page.ID]*touched
	pins    []*buffer.Frame // read pins of the current operation
	saved   meta
	spare   [][]byte // before-image buffers to reuse
	scratch []byte   // cells copied out of pages for splits and merges
	rec     []byte   // the log record being built
	runs    [][2]int // delta runs, reused
	cell    []byte   // the leaf cell being inserted, reused

	// Counters, read by Metrics under the tree lock.
	splits, merges, redistributions uint64
}

type touched struct {
	f      *buffer.Frame
	before []byte
}

func newWriter(db *DB) *writer {
	return &writer{db: db, lim: db.lim, touched: map[page.ID]*touched{}}
}

// begin starts a batch.
func (w *writer) begin() { w.saved = w.db.meta }

// read returns page id for reading, pinned until endOp.
func (w *writer) read(id page.ID) (page.Page, error) {
	if t, ok := w.touched[id]; ok {
		return t.f.Page(), nil
	}
	if id < firstPageID || id >= w.db.meta.numPages {
		return nil, corruptPage(id, w.lim.pageSize, "reference outside the tree's pages [%d, %d)", firstPageID, w.db.meta.numPages)
	}
	f, err := w.db.fetch(id)
	if err != nil {
		return nil, w.db.pageErr(id, err)
	}
	w.pins = append(w.pins, f)
	return f.Page(), nil
}

// endOp drops the read pins of one operation.
func (w *writer) endOp() {
	for _, f := range w.pins {
		w.db.pool.Unpin(f)
	}
	w.pins = w.pins[:0]
}

// writable returns page id for changing, part of the batch from now on.
func (w *writer) writable(id page.ID) (page.Page, error) {
	if t, ok := w.touched[id]; ok {
		return t.f.Page(), nil
	}
	if id != metaPageID && (id < firstPageID || id >= w.db.meta.numPages) {
		return nil, corruptPage(id, w.lim.pageSize, "reference outside the tree's pages [%d, %d)", firstPageID, w.db.meta.numPages)
	}
	f, err := w.db.fetch(id)
	if err != nil {
		return nil, w.db.pageErr(id, err)
	}
	w.track(id, f)
	return f.Page(), nil
}

func (w *writer) track(id page.ID, f *buffer.Frame) {
	f.Lock()
	var before []byte
	if n := len(w.spare); n > 0 {
		before, w.spare = w.spare[n-1], w.spare[:n-1]
	} else {
		before = make([]byte, w.lim.pageSize)
	}
	copy(before, f.Page())
	w.touched[id] = &touched{f: f, before: before}
}

// alloc returns a fresh page of type typ: the head of the free list, or a
// new page at the end of the file.
func (w *writer) alloc(typ page.Type) (page.Page, page.ID, error) {
	m := &w.db.meta
	if id := m.freeHead; id != page.Nil {
		p, err := w.writable(id)
		if err != nil {
			return nil, 0, err
		}
		if p.Type() != page.TypeFree {
			return nil, 0, corruptPage(id, w.lim.pageSize, "free list holds a %v page", p.Type())
		}
		next := p.Right()
		if next != page.Nil && (next < firstPageID || next >= m.numPages) {
			return nil, 0, corruptPage(id, w.lim.pageSize, "free list link to page %d", next)
		}
		page.Init(p, id, typ)
		m.freeHead = next
		m.freeCount--
		return p, id, nil
	}
	id := m.numPages
	if id >= page.Nil-1 {
		return nil, 0, fmt.Errorf("btree: data file is full (%d pages)", id)
	}
	f, err := w.db.pool.NewPage(id, typ)
	if err != nil {
		return nil, 0, w.db.pageErr(id, err)
	}
	w.track(id, f)
	m.numPages++
	return f.Page(), id, nil
}

// free puts page id on the free list.
func (w *writer) free(id page.ID) error {
	p, err := w.writable(id)
	if err != nil {
		return err
	}
	m := &w.db.meta
	page.Init(p, id, page.TypeFree)
	p.SetRight(m.freeHead)
	m.freeHead = id
	m.freeCount++
	return nil
}

// changed reports whether the batch changed any page.
func (w *writer) changed() bool { return len(w.touched) > 0 }

// commit logs the after-image of every page the batch changed, the meta
// page among them, then releases them. It returns the last LSN written.
// On error the caller must call rollback.
func (w *writer) commit() (uint64, error) {
	mp, err := w.writable(metaPageID)
	if err != nil {
		return 0, err
	}
	w.db.meta.encode(mp)
	ids := make([]page.ID, 0, len(w.touched))
	for id := range w.touched {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var lsn uint64
	flags := byte(flagFirst)
	for start := 0; start < len(ids); {
		end := start
		size := 0
		for end < len(ids) && (end == start || size < recordTarget) {
			size += w.lim.pageSize
			end++
		}
		// Count the images that fit the target; the first always goes in.
		w.rec = w.rec[:0]
		if end == len(ids) {
			flags |= flagCommit
		}
		w.rec = append(w.rec, flags)
		w.rec = binary.AppendUvarint(w.rec, uint64(end-start))
		for _, id := range ids[start:end] {
			t := w.touched[id]
			p := t.f.Page()
			if page.Page(t.before).LSN() < w.db.fullFrom || p.LSN() != page.Page(t.before).LSN() {
				w.rec = appendFullImage(w.rec, id, p)
			} else {
				w.rec, w.runs = appendDelta(w.rec, id, t.before, p, w.runs)
			}
		}
		l, err := w.db.log.Append(w.rec)
		if err != nil {
			return 0, fmt.Errorf("btree: log batch: %w", err)
		}
		lsn = uint64(l)
		for _, id := range ids[start:end] {
			w.touched[id].f.Page().SetLSN(lsn)
		}
		w.db.walSince.Add(int64(len(w.rec)))
		flags = 0
		start = end
	}
	w.release(false)
	return lsn, nil
}

// rollback undoes the batch in memory.
func (w *writer) rollback() {
	w.endOp()
	w.db.meta = w.saved
	w.release(true)
}

// release unlatches and unpins the batch's pages, restoring their bytes
// from before the batch if undo is set, else marking them dirty.
func (w *writer) release(undo bool) {
	for id, t := range w.touched {
		if undo {
			copy(t.f.Page(), t.before)
		} else {
			t.f.MarkDirty()
		}
		t.f.Unlock()
		w.db.pool.Unpin(t.f)
		w.spare = append(w.spare, t.before)
		delete(w.touched, id)
	}
	if len(w.spare) > 4096 {
		w.spare = w.spare[:4096]
	}
}
