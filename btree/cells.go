package btree

import (
	"bytes"
	"encoding/binary"

	"github.com/aegisdb/aegis/page"
)

// Cell formats. Both kinds start with the key, so one search serves both.
//
//	leaf, inline value:    | klen:uvarint | key | 0 | vlen:uvarint | value |
//	leaf, overflow value:  | klen:uvarint | key | 1 | vlen:u32 | first page:u32 |
//	internal:              | klen:uvarint | key | child:u32 |
const (
	valInline   = 0
	valOverflow = 1
)

// cellKey returns the key a cell starts with and the bytes after it.
func cellKey(c []byte) (key, rest []byte, ok bool) {
	var n uint64
	var w int
	if len(c) > 0 && c[0] < 0x80 {
		n, w = uint64(c[0]), 1
	} else {
		n, w = binary.Uvarint(c)
		if w <= 0 {
			return nil, nil, false
		}
	}
	if n > uint64(len(c)-w) {
		return nil, nil, false
	}
	end := w + int(n)
	return c[w:end:end], c[end:], true
}

// leafCell is a decoded leaf cell.
type leafCell struct {
	key      []byte
	overflow bool
	value    []byte  // inline value
	vlen     int     // overflow value length
	first    page.ID // first overflow page
}

func decodeLeafCell(c []byte) (leafCell, bool) {
	key, rest, ok := cellKey(c)
	if !ok || len(rest) < 1 {
		return leafCell{}, false
	}
	lc := leafCell{key: key}
	switch rest[0] {
	case valInline:
		n, w := binary.Uvarint(rest[1:])
		if w <= 0 || n != uint64(len(rest)-1-w) {
			return leafCell{}, false
		}
		lc.value = rest[1+w:]
	case valOverflow:
		if len(rest) != 9 {
			return leafCell{}, false
		}
		lc.overflow = true
		lc.vlen = int(binary.LittleEndian.Uint32(rest[1:]))
		lc.first = page.ID(binary.LittleEndian.Uint32(rest[5:]))
	default:
		return leafCell{}, false
	}
	return lc, true
}

func appendKey(dst, key []byte) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(key)))
	return append(dst, key...)
}

func appendInlineCell(dst, key, value []byte) []byte {
	dst = appendKey(dst, key)
	dst = append(dst, valInline)
	dst = binary.AppendUvarint(dst, uint64(len(value)))
	return append(dst, value...)
}

func appendOverflowCell(dst, key []byte, vlen int, first page.ID) []byte {
	dst = appendKey(dst, key)
	dst = append(dst, valOverflow)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(vlen))
	return binary.LittleEndian.AppendUint32(dst, uint32(first))
}

func uvarintLen(n int) int {
	l := 1
	for n >= 0x80 {
		n >>= 7
		l++
	}
	return l
}

// inlineCellSize is the size of a leaf cell holding value inline.
func inlineCellSize(key, value []byte) int {
	return uvarintLen(len(key)) + len(key) + 1 + uvarintLen(len(value)) + len(value)
}

func appendInternalCell(dst, key []byte, child page.ID) []byte {
	dst = appendKey(dst, key)
	return binary.LittleEndian.AppendUint32(dst, uint32(child))
}

// decodeInternalCell returns an internal cell's separator and child.
func decodeInternalCell(c []byte) (key []byte, child page.ID, ok bool) {
	key, rest, ok := cellKey(c)
	if !ok || len(rest) != 4 {
		return nil, 0, false
	}
	return key, page.ID(binary.LittleEndian.Uint32(rest)), true
}

// searchPage returns the first index whose key is >= key, and whether that
// key equals key. ok is false if a cell does not decode.
func searchPage(p page.Page, key []byte) (idx int, found, ok bool) {
	lo, hi := 0, p.NumCells()
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		k, _, good := cellKey(p.Cell(mid))
		if !good {
			return 0, false, false
		}
		c := bytes.Compare(k, key)
		if c == 0 {
			return mid, true, true
		}
		if c < 0 {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo, false, true
}

// childIndex returns which child of internal page p covers key: 0 for the
// leftmost (Aux), i+1 for cell i. Child i+1 holds keys >= separator i.
func childIndex(p page.Page, key []byte) (int, bool) {
	idx, found, ok := searchPage(p, key)
	if !ok {
		return 0, false
	}
	if found {
		return idx + 1, true
	}
	return idx, true
}

// childAt returns child i of internal page p.
func childAt(p page.Page, i int) (page.ID, bool) {
	if i == 0 {
		return p.Aux(), true
	}
	_, child, ok := decodeInternalCell(p.Cell(i - 1))
	return child, ok
}

// shortestSeparator returns the shortest s with a < s <= b (a < b): a
// prefix of b one byte longer than the prefix a and b share.
func shortestSeparator(a, b []byte) []byte {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	if n < len(b) {
		return b[:n+1]
	}
	return b
}
