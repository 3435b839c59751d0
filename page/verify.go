package page

import (
	"cmp"
	"encoding/binary"
	"slices"
)

// Decode checks that buf is a whole, valid page (see Verify) and returns it.
// The page aliases buf.
func Decode(buf []byte) (Page, error) {
	if err := Verify(buf); err != nil {
		return nil, err
	}
	return Page(buf), nil
}

// Verify checks buf's size, checksum and structure. It accepts any bytes and
// never panics; a failure is a *CorruptionError matching ErrCorrupt.
func Verify(buf []byte) error {
	if err := checkLength(buf); err != nil {
		return err
	}
	p := Page(buf)
	if stored, actual := p.Checksum(), p.computeChecksum(); stored != actual {
		return corrupt(p.ID(), "checksum %#016x, computed %#016x (torn or damaged write)", stored, actual)
	}
	return CheckStructure(buf)
}

func checkLength(buf []byte) error {
	if !ValidSize(len(buf)) {
		id := Nil
		if len(buf) >= HeaderSize {
			id = ID(binary.LittleEndian.Uint32(buf[offID:]))
		}
		return corrupt(id, "length %d is not a power of two in [%d, %d]", len(buf), MinSize, MaxSize)
	}
	return nil
}

// CheckStructure checks everything but the checksum: the type is known, the
// slot array and cell area fit, every cell lies inside the cell area, no two
// cells overlap, and the garbage count adds up. A page that passes can be
// used through every method without panicking. Like Verify, it never panics.
func CheckStructure(buf []byte) error {
	if err := checkLength(buf); err != nil {
		return err
	}
	p := Page(buf)
	id, size := p.ID(), len(p)
	if p.Type() >= numTypes {
		return corrupt(id, "unknown page type %d", p.Type())
	}
	upper, garbage := p.upper(), p.garbage()
	if p.slotsEnd() > upper || upper > size {
		return corrupt(id, "%d slots end at %d but cell area starts at %d (page size %d)", p.NumCells(), p.slotsEnd(), upper, size)
	}
	if garbage > size-upper {
		return corrupt(id, "garbage %d exceeds the %d-byte cell area", garbage, size-upper)
	}
	type span struct{ off, end, slot int }
	spans := make([]span, 0, p.NumCells())
	live := 0
	for i := 0; i < p.NumCells(); i++ {
		off, n := p.slot(i)
		if n == 0 {
			if off > size {
				return corrupt(id, "empty cell %d at offset %d is past the page end %d", i, off, size)
			}
			continue
		}
		if off < upper || off+n > size {
			return corrupt(id, "cell %d at [%d, %d) is outside the cell area [%d, %d)", i, off, off+n, upper, size)
		}
		spans = append(spans, span{off, off + n, i})
		live += n
	}
	if live+garbage != size-upper {
		return corrupt(id, "cells (%d bytes) plus garbage (%d) do not fill the %d-byte cell area", live, garbage, size-upper)
	}
	slices.SortFunc(spans, func(a, b span) int { return cmp.Compare(a.off, b.off) })
	for k := 1; k < len(spans); k++ {
		if spans[k].off < spans[k-1].end {
			return corrupt(id, "cell %d at [%d, %d) overlaps cell %d at [%d, %d)",
				spans[k].slot, spans[k].off, spans[k].end, spans[k-1].slot, spans[k-1].off, spans[k-1].end)
		}
	}
	return nil
}
