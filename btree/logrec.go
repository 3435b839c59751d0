package btree

import (
	"encoding/binary"

	"github.com/aegisdb/aegis/page"
)

// A batch is logged as one or more WAL records; the first has a "first"
// flag, the last a "commit" flag (a one-record batch has both). Recovery
// applies a batch only when it reaches the commit record, so a batch cut
// short by a crash is dropped whole.
//
//	record = | flags:1 | count:uvarint | image... |
//	image  = | page id:u32 | 0 | head len:uvarint | head | tail len:uvarint | tail |   full image
//	       | | page id:u32 | 1 | runs:uvarint | { off:uvarint | len:uvarint | bytes }... |   delta
//
// A full image is the whole page but the free gap in its middle: head is
// the header and slot array, tail the cell area from the header's upper
// offset on. Before a full image is logged the writer zeroes the gap in
// the live page too, so the page recovery builds is byte for byte the
// live one. A delta lists the byte runs (past the checksum and LSN, at
// 8-byte granularity) where the page differs from its state before the
// batch; it is applied to the page as recovery rebuilt it so far.
//
// A page's first change after the newest checkpoint began is logged as a
// full image; later changes as deltas. Recovery starts at the redo LSN of
// the last completed checkpoint, so every delta it meets follows a full
// image of its page that it met first: a torn page is rewritten whole
// before any delta touches it. The page LSN inside an image is ignored;
// the page gets the LSN of the record that carried it.
const (
	flagFirst  = 1
	flagCommit = 2

	kindFull  = 0
	kindDelta = 1

	// recordTarget is the size past which a batch starts a new record.
	recordTarget = 1 << 20
	// deltaFrom skips the checksum and LSN, which recovery sets itself.
	deltaFrom = 16
	// pageUpperOffset is where the page header keeps the start of the cell
	// area (see the picture in package page).
	pageUpperOffset = 24
)

// gapBounds returns the free gap of p: [slots end, upper).
func gapBounds(p page.Page) (int, int) {
	return page.HeaderSize + page.SlotSize*p.NumCells(), int(binary.LittleEndian.Uint32(p[pageUpperOffset:]))
}

// appendFullImage zeroes p's free gap and appends its full image.
func appendFullImage(dst []byte, id page.ID, p page.Page) []byte {
	slotsEnd, upper := gapBounds(p)
	clear(p[slotsEnd:upper])
	dst = binary.LittleEndian.AppendUint32(dst, uint32(id))
	dst = append(dst, kindFull)
	dst = binary.AppendUvarint(dst, uint64(slotsEnd))
	dst = append(dst, p[:slotsEnd]...)
	dst = binary.AppendUvarint(dst, uint64(len(p)-upper))
	return append(dst, p[upper:]...)
}

// appendDelta appends the runs where after differs from before.
func appendDelta(dst []byte, id page.ID, before, after []byte, runs [][2]int) ([]byte, [][2]int) {
	runs = runs[:0]
	const gap = 16 // runs closer than this are joined
	for i := deltaFrom; i < len(after); i += 8 {
		if binary.LittleEndian.Uint64(before[i:]) == binary.LittleEndian.Uint64(after[i:]) {
			continue
		}
		if n := len(runs); n > 0 && i-runs[n-1][1] <= gap {
			runs[n-1][1] = i + 8
		} else {
			runs = append(runs, [2]int{i, i + 8})
		}
	}
	dst = binary.LittleEndian.AppendUint32(dst, uint32(id))
	dst = append(dst, kindDelta)
	dst = binary.AppendUvarint(dst, uint64(len(runs)))
	for _, r := range runs {
		dst = binary.AppendUvarint(dst, uint64(r[0]))
		dst = binary.AppendUvarint(dst, uint64(r[1]-r[0]))
		dst = append(dst, after[r[0]:r[1]]...)
	}
	return dst, runs
}

// image is one decoded page image: a full image (head, tail) or a delta
// (runs). The slices alias the record.
type image struct {
	id         page.ID
	full       bool
	head, tail []byte
	runs       []run
}

type run struct {
	off   int
	bytes []byte
}

// decodeRecord parses a log record. It never panics on bad bytes.
func decodeRecord(rec []byte, pageSize int) (flags byte, imgs []image, err error) {
	if len(rec) < 2 {
		return 0, nil, corruptf("wal", "record of %d bytes", len(rec))
	}
	flags = rec[0]
	if flags&^(flagFirst|flagCommit) != 0 {
		return 0, nil, corruptf("wal", "record flags %#x", flags)
	}
	count, w := binary.Uvarint(rec[1:])
	if w <= 0 || count > uint64(len(rec)) {
		return 0, nil, corruptf("wal", "record image count")
	}
	d := &decoder{data: rec[1+w:]}
	for i := uint64(0); i < count && d.err == nil; i++ {
		img := image{id: page.ID(d.u32())}
		kind := d.byte()
		switch kind {
		case kindFull:
			img.full = true
			img.head = d.bytes(d.uvarint())
			img.tail = d.bytes(d.uvarint())
			if d.err == nil && (len(img.head) < page.HeaderSize || len(img.head)+len(img.tail) > pageSize) {
				d.fail("full image of page %d: %d+%d bytes for a %d-byte page", img.id, len(img.head), len(img.tail), pageSize)
			}
		case kindDelta:
			n := d.uvarint()
			for j := 0; j < n && d.err == nil; j++ {
				off := d.uvarint()
				b := d.bytes(d.uvarint())
				if d.err == nil && (off < deltaFrom || off+len(b) > pageSize) {
					d.fail("delta of page %d: run [%d, %d) outside the page", img.id, off, off+len(b))
				}
				img.runs = append(img.runs, run{off, b})
			}
		default:
			d.fail("image %d: kind %d", i, kind)
		}
		if d.err == nil && (img.id < metaPageID || img.id == page.Nil) {
			d.fail("image of page %d", img.id)
		}
		imgs = append(imgs, img)
	}
	if d.err != nil {
		return 0, nil, d.err
	}
	if len(d.data) != 0 {
		return 0, nil, corruptf("wal", "%d bytes after the last image", len(d.data))
	}
	return flags, imgs, nil
}

// decoder reads a record; the first failure sticks and later reads
// return zero values.
type decoder struct {
	data []byte
	err  error
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = corruptf("wal", format, args...)
	}
}

func (d *decoder) u32() uint32 {
	if d.err != nil || len(d.data) < 4 {
		d.fail("truncated page id")
		return 0
	}
	v := binary.LittleEndian.Uint32(d.data)
	d.data = d.data[4:]
	return v
}

func (d *decoder) byte() byte {
	if d.err != nil || len(d.data) < 1 {
		d.fail("truncated image kind")
		return 0
	}
	v := d.data[0]
	d.data = d.data[1:]
	return v
}

func (d *decoder) uvarint() int {
	if d.err != nil {
		return 0
	}
	v, w := binary.Uvarint(d.data)
	// Every number in an image (a length, an offset, a run count) is
	// below the largest page size.
	if w <= 0 || v > page.MaxSize {
		d.fail("bad number in an image")
		return 0
	}
	d.data = d.data[w:]
	return int(v)
}

func (d *decoder) bytes(n int) []byte {
	if d.err != nil || n > len(d.data) {
		d.fail("length %d past the record end", n)
		return nil
	}
	b := d.data[:n:n]
	d.data = d.data[n:]
	return b
}

// clone copies the image's bytes out of the record, which the WAL reader
// reuses.
func (img image) clone() image {
	img.head = append([]byte(nil), img.head...)
	img.tail = append([]byte(nil), img.tail...)
	runs := make([]run, len(img.runs))
	for i, r := range img.runs {
		runs[i] = run{r.off, append([]byte(nil), r.bytes...)}
	}
	img.runs = runs
	return img
}

// applyImage writes img into buf (a whole page) and checks the result.
func applyImage(buf []byte, img image, lsn uint64) error {
	if img.full {
		clear(buf)
		copy(buf, img.head)
		copy(buf[len(buf)-len(img.tail):], img.tail)
	} else {
		for _, r := range img.runs {
			copy(buf[r.off:], r.bytes)
		}
	}
	p := page.Page(buf)
	if err := page.CheckStructure(buf); err != nil {
		return corruptf("wal", "image of page %d at LSN %d: %v", img.id, lsn, err)
	}
	if p.ID() != img.id {
		return corruptf("wal", "image of page %d at LSN %d holds page %d", img.id, lsn, p.ID())
	}
	p.SetLSN(lsn)
	return nil
}
