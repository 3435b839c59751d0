package btree

import (
	"encoding/binary"

	"github.com/aegisdb/aegis/page"
)

// A batch is logged as one or more WAL records of page after-images; the
// first record has flagFirst, the last flagCommit (a one-record batch has
// both). Recovery installs a batch's images only when it reaches the
// commit record, so a batch cut short by a crash is dropped whole.
//
//	record = | flags:1 | count:uvarint | image... |
//	image  = | page id:u32 | head len:uvarint | head | tail len:uvarint | tail |
//
// An image leaves out the free gap in the middle of the page: head is the
// page header and slot array, tail the cell area. Installing one zeroes
// the gap. The page LSN inside the image is ignored; the installed page
// gets the LSN of the record that carried it.
const (
	flagFirst  = 1
	flagCommit = 2

	// recordTarget is the size past which a batch starts a new record.
	recordTarget = 1 << 20
)

// pageUpperOffset is where the page header keeps the start of the cell
// area (see the picture in package page).
const pageUpperOffset = 24

// pageImageParts returns the parts of p an image keeps.
func pageImageParts(p page.Page) (head, tail []byte) {
	slotsEnd := page.HeaderSize + page.SlotSize*p.NumCells()
	upper := int(binary.LittleEndian.Uint32(p[pageUpperOffset:]))
	return p[:slotsEnd], p[upper:]
}

func appendImage(dst []byte, id page.ID, p page.Page) []byte {
	head, tail := pageImageParts(p)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(id))
	dst = binary.AppendUvarint(dst, uint64(len(head)))
	dst = append(dst, head...)
	dst = binary.AppendUvarint(dst, uint64(len(tail)))
	return append(dst, tail...)
}

// image is one decoded page image; the slices alias the record.
type image struct {
	id         page.ID
	head, tail []byte
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
	data := rec[1+w:]
	for i := uint64(0); i < count; i++ {
		if len(data) < 4 {
			return 0, nil, corruptf("wal", "image %d: truncated id", i)
		}
		img := image{id: page.ID(binary.LittleEndian.Uint32(data))}
		data = data[4:]
		var parts [2][]byte
		for j := range parts {
			n, w := binary.Uvarint(data)
			if w <= 0 || n > uint64(len(data)-w) {
				return 0, nil, corruptf("wal", "image %d of page %d: bad length", i, img.id)
			}
			parts[j] = data[w : w+int(n)]
			data = data[w+int(n):]
		}
		img.head, img.tail = parts[0], parts[1]
		if img.id < metaPageID || img.id == page.Nil || len(img.head) < page.HeaderSize || len(img.head)+len(img.tail) > pageSize {
			return 0, nil, corruptf("wal", "image %d of page %d: %d+%d bytes for a %d-byte page", i, img.id, len(img.head), len(img.tail), pageSize)
		}
		imgs = append(imgs, img)
	}
	if len(data) != 0 {
		return 0, nil, corruptf("wal", "%d bytes after the last image", len(data))
	}
	return flags, imgs, nil
}

// installImage writes img into buf (a whole page) and checks the result.
func installImage(buf []byte, img image, lsn uint64) error {
	clear(buf)
	copy(buf, img.head)
	copy(buf[len(buf)-len(img.tail):], img.tail)
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
