package btree

import (
	"encoding/binary"
	"fmt"
	"io"

	"github.com/aegisdb/aegis/page"
	"github.com/aegisdb/aegis/vfs"
)

// The data file starts with a header page (page 0) that the buffer pool
// never touches. It holds two 1 KiB header slots; a checkpoint writes the
// slot its sequence number selects and syncs, so a torn slot write leaves
// the other, older slot intact. Each slot is a 1 KiB page.Page (so it has
// a checksum) with one cell:
//
//	| magic "AEGISBT1":8 | version:u32 | page size:u32 | seq:u64 | redo LSN:u64 |
//
// redo LSN is where recovery starts replaying the log: every page change
// logged before it is in the data file, synced.
const (
	headerSlotSize = page.MinSize
	headerMagic    = "AEGISBT1"
	headerVersion  = 1
	headerCellLen  = 8 + 4 + 4 + 8 + 8
)

// header is one header slot's contents.
type header struct {
	pageSize int
	seq      uint64
	redo     uint64
}

func encodeHeaderSlot(h header) []byte {
	buf := make([]byte, headerSlotSize)
	p := page.Init(buf, page.ID(h.seq%2), page.TypeMeta)
	cell := make([]byte, 0, headerCellLen)
	cell = append(cell, headerMagic...)
	cell = binary.LittleEndian.AppendUint32(cell, headerVersion)
	cell = binary.LittleEndian.AppendUint32(cell, uint32(h.pageSize))
	cell = binary.LittleEndian.AppendUint64(cell, h.seq)
	cell = binary.LittleEndian.AppendUint64(cell, h.redo)
	if err := p.Insert(0, cell); err != nil {
		panic("btree: header cell does not fit a 1 KiB page") // cannot happen: 32 bytes
	}
	p.Seal()
	return buf
}

// decodeHeaderSlot checks one slot; slot is 0 or 1.
func decodeHeaderSlot(buf []byte, slot int) (header, error) {
	p, err := page.Decode(buf)
	if err != nil {
		return header{}, fmt.Errorf("header slot %d: %w", slot, err)
	}
	if p.Type() != page.TypeMeta || p.NumCells() != 1 || len(p.Cell(0)) != headerCellLen {
		return header{}, corruptf(dataFile, "header slot %d: not a header (type %v, %d cells)", slot, p.Type(), p.NumCells())
	}
	c := p.Cell(0)
	if string(c[:8]) != headerMagic {
		return header{}, corruptf(dataFile, "header slot %d: bad magic %q", slot, c[:8])
	}
	if v := binary.LittleEndian.Uint32(c[8:]); v != headerVersion {
		return header{}, corruptf(dataFile, "header slot %d: version %d, want %d", slot, v, headerVersion)
	}
	h := header{
		pageSize: int(binary.LittleEndian.Uint32(c[12:])),
		seq:      binary.LittleEndian.Uint64(c[16:]),
		redo:     binary.LittleEndian.Uint64(c[24:]),
	}
	if !page.ValidSize(h.pageSize) || h.pageSize < minPageSize {
		return header{}, corruptf(dataFile, "header slot %d: page size %d", slot, h.pageSize)
	}
	if int(p.ID()) != slot || int(h.seq%2) != slot || h.redo == 0 {
		return header{}, corruptf(dataFile, "header slot %d: seq %d in slot id %d, redo LSN %d", slot, h.seq, p.ID(), h.redo)
	}
	return h, nil
}

// readHeader returns the newest valid header slot of f.
func readHeader(f vfs.File) (header, error) {
	buf := make([]byte, 2*headerSlotSize)
	n, err := f.ReadAt(buf, 0)
	if n < len(buf) && err != nil && err != io.EOF {
		return header{}, fmt.Errorf("btree: read header: %w", err)
	}
	var best header
	var errs [2]error
	for slot := range 2 {
		h, err := decodeHeaderSlot(buf[slot*headerSlotSize:(slot+1)*headerSlotSize], slot)
		if err != nil {
			errs[slot] = err
			continue
		}
		if h.seq > best.seq {
			best = h
		}
	}
	if best.seq == 0 {
		return header{}, corruptf(dataFile, "no valid header slot (%v; %v)", errs[0], errs[1])
	}
	return best, nil
}

// writeHeader writes h into its slot and syncs the file.
func writeHeader(f vfs.File, h header) error {
	slot := int(h.seq % 2)
	if _, err := f.WriteAt(encodeHeaderSlot(h), int64(slot*headerSlotSize)); err != nil {
		return fmt.Errorf("btree: write header slot %d: %w", slot, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("btree: sync header slot %d: %w", slot, err)
	}
	return nil
}

// The meta page (page 1) is a logged page like any tree page: it changes
// in every batch that changes the tree, so its image rides in the batch's
// log record. One cell:
//
//	| root:u32 | height:u32 | pages:u32 | free head:u32 | free count:u32 | keys:u64 |
const (
	metaPageID  page.ID = 1
	firstPageID page.ID = 2 // first tree page; 0 is the header, 1 the meta page
	metaCellLen         = 5*4 + 8
	maxHeight           = 40
)

// meta is the tree's root state.
type meta struct {
	root      page.ID
	height    int     // level of the root; 0 when the root is a leaf
	numPages  page.ID // pages in use or free: ids [0, numPages)
	freeHead  page.ID // first page of the free list, or page.Nil
	freeCount int
	keys      uint64
}

func (m meta) encode(p page.Page) {
	cell := make([]byte, 0, metaCellLen)
	cell = binary.LittleEndian.AppendUint32(cell, uint32(m.root))
	cell = binary.LittleEndian.AppendUint32(cell, uint32(m.height))
	cell = binary.LittleEndian.AppendUint32(cell, uint32(m.numPages))
	cell = binary.LittleEndian.AppendUint32(cell, uint32(m.freeHead))
	cell = binary.LittleEndian.AppendUint32(cell, uint32(m.freeCount))
	cell = binary.LittleEndian.AppendUint64(cell, m.keys)
	lsn := p.LSN()
	page.Init(p, metaPageID, page.TypeMeta)
	p.SetLSN(lsn)
	_ = p.Insert(0, cell) // 28 bytes always fit an empty page
}

func decodeMeta(p page.Page, pageSize int) (meta, error) {
	if p.Type() != page.TypeMeta || p.NumCells() != 1 || len(p.Cell(0)) != metaCellLen {
		return meta{}, corruptPage(metaPageID, pageSize, "not a meta page (type %v, %d cells)", p.Type(), p.NumCells())
	}
	c := p.Cell(0)
	m := meta{
		root:      page.ID(binary.LittleEndian.Uint32(c[0:])),
		height:    int(binary.LittleEndian.Uint32(c[4:])),
		numPages:  page.ID(binary.LittleEndian.Uint32(c[8:])),
		freeHead:  page.ID(binary.LittleEndian.Uint32(c[12:])),
		freeCount: int(binary.LittleEndian.Uint32(c[16:])),
		keys:      binary.LittleEndian.Uint64(c[20:]),
	}
	switch {
	case m.numPages < firstPageID+1 || m.numPages >= page.Nil:
		return meta{}, corruptPage(metaPageID, pageSize, "meta says %d pages", m.numPages)
	case m.root < firstPageID || m.root >= m.numPages:
		return meta{}, corruptPage(metaPageID, pageSize, "root %d outside [%d, %d)", m.root, firstPageID, m.numPages)
	case m.height < 0 || m.height > maxHeight:
		return meta{}, corruptPage(metaPageID, pageSize, "height %d", m.height)
	case m.freeHead != page.Nil && (m.freeHead < firstPageID || m.freeHead >= m.numPages):
		return meta{}, corruptPage(metaPageID, pageSize, "free list head %d outside [%d, %d)", m.freeHead, firstPageID, m.numPages)
	case m.freeCount < 0 || m.freeCount > int(m.numPages):
		return meta{}, corruptPage(metaPageID, pageSize, "free count %d of %d pages", m.freeCount, m.numPages)
	}
	return m, nil
}
