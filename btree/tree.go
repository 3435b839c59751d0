package btree

import (
	"bytes"

	"github.com/aegisdb/aegis/page"
)

// pathElem is one step of a descent: a page and the index taken in it
// (the child index in an internal page, the cell position in a leaf).
type pathElem struct {
	id  page.ID
	idx int
}

// descend walks from the root to the leaf that holds or would hold key.
// The last element's idx is the first cell >= key; found says it equals key.
func (w *writer) descend(key []byte) (path []pathElem, found bool, err error) {
	m := w.db.meta
	id, level := m.root, m.height
	path = make([]pathElem, 0, m.height+1)
	for {
		p, err := w.read(id)
		if err != nil {
			return nil, false, err
		}
		if err := w.db.checkNode(id, p, level); err != nil {
			return nil, false, err
		}
		if level == 0 {
			idx, found, ok := searchPage(p, key)
			if !ok {
				return nil, false, corruptPage(id, w.lim.pageSize, "leaf cell does not decode")
			}
			return append(path, pathElem{id, idx}), found, nil
		}
		ci, ok := childIndex(p, key)
		child, ok2 := childAt(p, ci)
		if !ok || !ok2 {
			return nil, false, corruptPage(id, w.lim.pageSize, "internal cell does not decode")
		}
		path = append(path, pathElem{id, ci})
		id, level = child, level-1
	}
}

// put inserts or replaces key.
func (w *writer) put(key, value []byte) error {
	defer w.endOp()
	path, found, err := w.descend(key)
	if err != nil {
		return err
	}
	cell, err := w.leafCell(key, value)
	if err != nil {
		return err
	}
	d := len(path) - 1
	leaf := path[d]
	if !found {
		w.db.meta.keys++
		return w.insertAt(path, d, leaf.idx, cell)
	}
	p, err := w.writable(leaf.id)
	if err != nil {
		return err
	}
	if err := w.freeValue(leaf.id, p.Cell(leaf.idx)); err != nil {
		return err
	}
	if err := p.Replace(leaf.idx, cell); err == nil {
		return w.rebalance(path, d)
	}
	p.Delete(leaf.idx)
	return w.insertAt(path, d, leaf.idx, cell)
}

// del removes key if present.
func (w *writer) del(key []byte) error {
	defer w.endOp()
	path, found, err := w.descend(key)
	if err != nil || !found {
		return err
	}
	d := len(path) - 1
	p, err := w.writable(path[d].id)
	if err != nil {
		return err
	}
	if err := w.freeValue(path[d].id, p.Cell(path[d].idx)); err != nil {
		return err
	}
	p.Delete(path[d].idx)
	w.db.meta.keys--
	return w.rebalance(path, d)
}

// leafCell builds the leaf cell for key = value, writing the value to
// overflow pages if it does not fit inline.
func (w *writer) leafCell(key, value []byte) ([]byte, error) {
	if inlineCellSize(key, value) <= w.lim.maxCell {
		// The cell is copied into a page before the next op: reuse it.
		w.cell = appendInlineCell(w.cell[:0], key, value)
		return w.cell, nil
	}
	first, err := w.writeOverflow(value)
	if err != nil {
		return nil, err
	}
	return appendOverflowCell(nil, key, len(value), first), nil
}

// insertAt inserts cell at position pos of the page at path[d], splitting
// it (and its ancestors, as needed) if it does not fit.
func (w *writer) insertAt(path []pathElem, d, pos int, cell []byte) error {
	p, err := w.writable(path[d].id)
	if err != nil {
		return err
	}
	if p.Fits(len(cell)) {
		return p.Insert(pos, cell)
	}
	return w.split(path, d, pos, cell)
}

// copyCells copies the cells of p out of the page into w.scratch.
func (w *writer) copyCells(dst [][]byte, p page.Page) [][]byte {
	for i := 0; i < p.NumCells(); i++ {
		dst = append(dst, w.keep(p.Cell(i)))
	}
	return dst
}

// keep copies b into the scratch arena. The arena is reset per batch op
// by split and rebalance, which copy before they rewrite pages.
func (w *writer) keep(b []byte) []byte {
	start := len(w.scratch)
	w.scratch = append(w.scratch, b...)
	return w.scratch[start:len(w.scratch):len(w.scratch)]
}

// rebuild replaces the cells of p with cells.
func rebuild(p page.Page, cells [][]byte) error {
	p.Reset()
	for i, c := range cells {
		if err := p.Insert(i, c); err != nil {
			return err
		}
	}
	return nil
}

// cellsSize is the room cells take in a page, slots included.
func cellsSize(cells [][]byte) int {
	n := 0
	for _, c := range cells {
		n += len(c) + page.SlotSize
	}
	return n
}

// splitPoint returns k in [lo, hi] so that cells[:k] and cells[k:] (less
// the cell at k when skipMiddle) are as close in size as possible while
// each fits in a page.
func (w *writer) splitPoint(cells [][]byte, lo, hi int, skipMiddle bool) int {
	total := cellsSize(cells)
	best, bestDiff := lo, -1
	left := cellsSize(cells[:lo])
	for k := lo; k <= hi; k++ {
		right := total - left
		if skipMiddle {
			right -= len(cells[k]) + page.SlotSize
		}
		if left <= w.lim.usable && right <= w.lim.usable {
			diff := left - right
			if diff < 0 {
				diff = -diff
			}
			if bestDiff < 0 || diff < bestDiff {
				best, bestDiff = k, diff
			}
		}
		left += len(cells[k]) + page.SlotSize
	}
	return best
}

// appendSplitPoint returns the largest k >= even whose right part
// cells[k:] still meets the minimum fill and whose left part fits.
func (w *writer) appendSplitPoint(cells [][]byte, even int) int {
	right := 0
	for k := len(cells) - 1; k > even; k-- {
		right += len(cells[k]) + page.SlotSize
		if right >= w.lim.minFill {
			if cellsSize(cells[:k]) <= w.lim.usable {
				return k
			}
			break
		}
	}
	return even
}

// split splits the page at path[d] while inserting cell at pos, and
// inserts the separator for the new right page into the parent.
func (w *writer) split(path []pathElem, d, pos int, cell []byte) error {
	w.scratch = w.scratch[:0]
	id := path[d].id
	p, err := w.writable(id)
	if err != nil {
		return err
	}
	cells := w.copyCells(make([][]byte, 0, p.NumCells()+1), p)
	cells = append(cells, nil)
	copy(cells[pos+1:], cells[pos:])
	cells[pos] = cell
	if len(cells) < 3 {
		return corruptPage(id, w.lim.pageSize, "split of a page with %d cells", len(cells))
	}
	var sep []byte
	var rightID page.ID
	if p.Type() == page.TypeLeaf {
		k := w.splitPoint(cells, 1, len(cells)-1, false)
		if pos == len(cells)-1 {
			// Appending past the last key, as a sequential load does:
			// leave the left page full and start the right one with just
			// enough to meet the minimum fill.
			k = w.appendSplitPoint(cells, k)
		}
		right, rid, err := w.alloc(page.TypeLeaf)
		if err != nil {
			return err
		}
		lastLeft, _, _ := cellKey(cells[k-1])
		firstRight, _, _ := cellKey(cells[k])
		sep = w.keep(shortestSeparator(lastLeft, firstRight))
		if err := rebuild(p, cells[:k]); err != nil {
			return err
		}
		if err := rebuild(right, cells[k:]); err != nil {
			return err
		}
		rightID = rid
	} else {
		m := w.splitPoint(cells, 1, len(cells)-2, true)
		right, rid, err := w.alloc(page.TypeInternal)
		if err != nil {
			return err
		}
		key, child, ok := decodeInternalCell(cells[m])
		if !ok {
			return corruptPage(id, w.lim.pageSize, "internal cell does not decode")
		}
		right.SetLevel(p.Level())
		right.SetAux(child)
		sep = key
		if err := rebuild(p, cells[:m]); err != nil {
			return err
		}
		if err := rebuild(right, cells[m+1:]); err != nil {
			return err
		}
		rightID = rid
	}
	w.splits++
	sepCell := appendInternalCell(nil, sep, rightID)
	if d > 0 {
		return w.insertAt(path, d-1, path[d-1].idx, sepCell)
	}
	// The root split: a new root above it.
	root, rootID, err := w.alloc(page.TypeInternal)
	if err != nil {
		return err
	}
	root.SetLevel(p.Level() + 1)
	root.SetAux(id)
	if err := root.Insert(0, sepCell); err != nil {
		return err
	}
	w.db.meta.root = rootID
	w.db.meta.height++
	return nil
}

// underfull reports whether a non-root page needs merging or redistribution.
func (w *writer) underfull(p page.Page) bool {
	if p.Type() == page.TypeInternal && p.NumCells() == 0 {
		return true
	}
	return p.UsedSpace()-page.HeaderSize < w.lim.minFill
}

// rebalance fixes an underfull page at path[d] after a removal or a
// shrink: merge it with a sibling if the two fit in one page, else share
// their cells evenly. A merge removes a separator from the parent, which
// may underflow in turn; the root collapses when it has one child left.
func (w *writer) rebalance(path []pathElem, d int) error {
	for ; d > 0; d-- {
		p, err := w.read(path[d].id)
		if err != nil {
			return err
		}
		if !w.underfull(p) {
			return nil
		}
		done, err := w.fixUnderflow(path, d)
		if err != nil || done {
			return err
		}
	}
	root, err := w.read(path[0].id)
	if err != nil {
		return err
	}
	if root.Type() == page.TypeInternal && root.NumCells() == 0 {
		w.db.meta.root = root.Aux()
		w.db.meta.height--
		return w.free(path[0].id)
	}
	return nil
}

// fixUnderflow merges or redistributes the page at path[d] with a sibling.
// done is true when the parent cannot have underflowed (redistribution).
func (w *writer) fixUnderflow(path []pathElem, d int) (done bool, err error) {
	w.scratch = w.scratch[:0]
	parentID := path[d-1].id
	parent, err := w.writable(parentID)
	if err != nil {
		return false, err
	}
	li := path[d-1].idx // left child index; the separator is cell li
	if li == parent.NumCells() {
		li--
	}
	if li < 0 {
		return false, corruptPage(parentID, w.lim.pageSize, "internal page without separators")
	}
	leftID, ok1 := childAt(parent, li)
	rightID, ok2 := childAt(parent, li+1)
	sepKey, _, ok3 := decodeInternalCell(parent.Cell(li))
	if !ok1 || !ok2 || !ok3 {
		return false, corruptPage(parentID, w.lim.pageSize, "internal cell does not decode")
	}
	left, err := w.writable(leftID)
	if err != nil {
		return false, err
	}
	right, err := w.writable(rightID)
	if err != nil {
		return false, err
	}
	if left.Type() != right.Type() || left.Level() != right.Level() {
		return false, corruptPage(rightID, w.lim.pageSize, "sibling of page %d is a %v at level %d", leftID, right.Type(), right.Level())
	}
	leaf := left.Type() == page.TypeLeaf
	cells := w.copyCells(nil, left)
	if !leaf {
		cells = append(cells, appendInternalCell(nil, sepKey, right.Aux()))
	}
	cells = w.copyCells(cells, right)
	if cellsSize(cells) <= w.lim.usable {
		if err := rebuild(left, cells); err != nil {
			return false, err
		}
		if err := w.free(rightID); err != nil {
			return false, err
		}
		parent.Delete(li)
		w.merges++
		return false, nil
	}
	var newSep []byte
	if leaf {
		k := w.splitPoint(cells, 1, len(cells)-1, false)
		a, _, _ := cellKey(cells[k-1])
		b, _, _ := cellKey(cells[k])
		newSep = shortestSeparator(a, b)
		if err := rebuild(left, cells[:k]); err != nil {
			return false, err
		}
		if err := rebuild(right, cells[k:]); err != nil {
			return false, err
		}
	} else {
		m := w.splitPoint(cells, 1, len(cells)-2, true)
		key, child, ok := decodeInternalCell(cells[m])
		if !ok {
			return false, corruptPage(leftID, w.lim.pageSize, "internal cell does not decode")
		}
		newSep = key
		if err := rebuild(left, cells[:m]); err != nil {
			return false, err
		}
		right.SetAux(child)
		if err := rebuild(right, cells[m+1:]); err != nil {
			return false, err
		}
	}
	w.redistributions++
	sepCell := appendInternalCell(nil, newSep, rightID)
	if bytes.Equal(newSep, sepKey) {
		return true, nil
	}
	if err := parent.Replace(li, sepCell); err == nil {
		// A shorter separator may leave the parent underfull: go on up.
		return false, nil
	}
	parent.Delete(li)
	return true, w.insertAt(path, d-1, li, sepCell)
}
