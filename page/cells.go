package page

import "fmt"

// slot returns the offset and length of cell i.
func (p Page) slot(i int) (off, n int) {
	s := p.slotOff(i)
	return p.u16(s), p.u16(s + 2)
}

func (p Page) setSlot(i, off, n int) {
	s := p.slotOff(i)
	p.put16(s, off)
	p.put16(s+2, n)
}

// Cell returns cell i. The slice aliases the page: it is valid until the
// page changes.
func (p Page) Cell(i int) []byte {
	off, n := p.slot(i)
	return p[off : off+n : off+n]
}

// FreeSpace is the room for new cells including their slots, counting the
// garbage a compaction would reclaim.
func (p Page) FreeSpace() int { return p.contiguous() + p.garbage() }

// contiguous is the gap between the slot array and the cell area.
func (p Page) contiguous() int { return p.upper() - p.slotsEnd() }

// Fits reports whether a cell of n bytes could be inserted.
func (p Page) Fits(n int) bool { return SlotSize+n <= p.FreeSpace() }

// UsedSpace is the bytes taken by the header, slots and live cells.
func (p Page) UsedSpace() int { return len(p) - p.FreeSpace() }

// Insert puts cell at index i (0 <= i <= NumCells), shifting later slots
// up by one. It compacts the page if the cell fits only that way, and
// returns ErrPageFull if it does not fit at all.
func (p Page) Insert(i int, cell []byte) error {
	n := p.NumCells()
	if i < 0 || i > n {
		return fmt.Errorf("page: insert at %d of %d cells: index out of range", i, n)
	}
	if len(cell) > MaxCell(len(p)) || !p.Fits(len(cell)) {
		return fmt.Errorf("page %d: insert of %d-byte cell with %d bytes free: %w", p.ID(), len(cell), p.FreeSpace(), ErrPageFull)
	}
	if p.contiguous() < SlotSize+len(cell) {
		p.Compact()
	}
	off := p.upper() - len(cell)
	copy(p[off:], cell)
	p.setUpper(off)
	if len(cell) == 0 {
		off = 0 // an empty cell has no body; keep its offset inside 16 bits
	}
	// Open a hole in the slot array at i.
	copy(p[p.slotOff(i+1):p.slotOff(n+1)], p[p.slotOff(i):p.slotOff(n)])
	p.setNumCells(n + 1)
	p.setSlot(i, off, len(cell))
	return nil
}

// Delete removes cell i, shifting later slots down. Its bytes become garbage.
func (p Page) Delete(i int) {
	n := p.NumCells()
	_, size := p.slot(i)
	copy(p[p.slotOff(i):p.slotOff(n-1)], p[p.slotOff(i+1):p.slotOff(n)])
	p.setNumCells(n - 1)
	p.addGarbage(size)
}

// addGarbage counts size more dead bytes, and resets an empty page's cell
// area so that the space is contiguous again at no cost.
func (p Page) addGarbage(size int) {
	if p.NumCells() == 0 {
		p.setUpper(len(p))
		p.setGarbage(0)
		return
	}
	p.setGarbage(p.garbage() + size)
}

// Replace overwrites cell i with cell. A cell no longer than the old one is
// written in place; a longer one moves, compacting if needed. It returns
// ErrPageFull (leaving the page unchanged) if the new cell does not fit.
func (p Page) Replace(i int, cell []byte) error {
	off, old := p.slot(i)
	if len(cell) <= old {
		copy(p[off:], cell)
		p.setSlot(i, off, len(cell))
		p.setGarbage(p.garbage() + old - len(cell))
		return nil
	}
	if len(cell) > p.FreeSpace()+old {
		return fmt.Errorf("page %d: replace %d-byte cell by %d bytes with %d bytes free: %w", p.ID(), old, len(cell), p.FreeSpace(), ErrPageFull)
	}
	if p.contiguous() < len(cell) {
		// Drop the old body first so compaction reclaims it too.
		p.setSlot(i, off, 0)
		p.setGarbage(p.garbage() + old)
		p.Compact()
	} else {
		p.setGarbage(p.garbage() + old)
	}
	newOff := p.upper() - len(cell) // len(cell) > old >= 0, so newOff < 64 KiB
	copy(p[newOff:], cell)
	p.setUpper(newOff)
	p.setSlot(i, newOff, len(cell))
	return nil
}

// Truncate deletes cells [i, NumCells()), e.g. the half moved out by a split.
func (p Page) Truncate(i int) {
	dead := 0
	for j := i; j < p.NumCells(); j++ {
		_, n := p.slot(j)
		dead += n
	}
	p.setNumCells(i)
	p.addGarbage(dead)
}

// Compact slides every live cell to the end of the page, in slot order, so
// that all free space is one contiguous gap. Slot order and contents are
// unchanged; only offsets move.
func (p Page) Compact() {
	if p.garbage() == 0 {
		return
	}
	scratch := make([]byte, len(p)-p.upper())
	copy(scratch, p[p.upper():])
	base := p.upper()
	upper := len(p)
	for i := 0; i < p.NumCells(); i++ {
		off, n := p.slot(i)
		if n == 0 {
			p.setSlot(i, 0, 0) // an empty cell has no body to move
			continue
		}
		upper -= n
		copy(p[upper:upper+n], scratch[off-base:off-base+n])
		p.setSlot(i, upper, n)
	}
	p.setUpper(upper)
	p.setGarbage(0)
}

// Reset removes every cell, keeping the header's id, type, LSN and pointers.
func (p Page) Reset() {
	p.setNumCells(0)
	p.setUpper(len(p))
	p.setGarbage(0)
}
