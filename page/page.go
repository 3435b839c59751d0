package page

import (
	"encoding/binary"
	"fmt"

	"github.com/cespare/xxhash/v2"
)

// Page sizes.
const (
	MinSize     = 1 << 10
	MaxSize     = 1 << 16
	DefaultSize = 8 << 10
)

// HeaderSize is the length of the page header; slots start here.
const HeaderSize = 40

// SlotSize is the length of one slot (offset:u16, length:u16).
const SlotSize = 4

// Header field offsets.
const (
	offChecksum = 0
	offLSN      = 8
	offID       = 16
	offType     = 20
	offLevel    = 21
	offCells    = 22
	offUpper    = 24
	offGarbage  = 28
	offRight    = 32
	offAux      = 36
)

// ID numbers a page: its byte offset in the file is ID*Size. Zero is a
// valid id (it is usually the meta page), so "no page" is spelled Nil.
type ID uint32

// Nil is the "no page" value of right and aux pointers.
const Nil ID = 0xFFFFFFFF

// Type says what a page holds.
type Type uint8

// The page types. Values are stored on disk: append, never renumber.
const (
	TypeFree     Type = 0
	TypeMeta     Type = 1
	TypeLeaf     Type = 2
	TypeInternal Type = 3
	TypeOverflow Type = 4
	TypeFreelist Type = 5
	numTypes          = 6
)

func (t Type) String() string {
	switch t {
	case TypeFree:
		return "free"
	case TypeMeta:
		return "meta"
	case TypeLeaf:
		return "leaf"
	case TypeInternal:
		return "internal"
	case TypeOverflow:
		return "overflow"
	case TypeFreelist:
		return "freelist"
	}
	return fmt.Sprintf("Type(%d)", uint8(t))
}

// ValidSize reports whether n is a power of two in [MinSize, MaxSize].
func ValidSize(n int) bool {
	return n >= MinSize && n <= MaxSize && n&(n-1) == 0
}

// CheckSize returns ErrBadSize, wrapped with n, unless ValidSize(n).
func CheckSize(n int) error {
	if !ValidSize(n) {
		return fmt.Errorf("page: size %d is not a power of two in [%d, %d]: %w", n, MinSize, MaxSize, ErrBadSize)
	}
	return nil
}

// MaxCell is the largest cell a page of the given size can hold alone.
func MaxCell(size int) int { return size - HeaderSize - SlotSize }

// Page is a page's bytes with methods to read and change them. The methods
// assume a structurally valid page (one made by Init or accepted by Decode
// or CheckStructure); on such a page none of them panics for an index in
// [0, NumCells()).
type Page []byte

// Init formats buf as an empty page of the given id and type and returns it.
// len(buf) must be a valid size.
func Init(buf []byte, id ID, typ Type) Page {
	clear(buf[:HeaderSize])
	p := Page(buf)
	p.SetID(id)
	p.SetType(typ)
	p.setUpper(len(buf))
	p.SetRight(Nil)
	p.SetAux(Nil)
	return p
}

func (p Page) u16(off int) int         { return int(binary.LittleEndian.Uint16(p[off:])) }
func (p Page) u32(off int) uint32      { return binary.LittleEndian.Uint32(p[off:]) }
func (p Page) put16(off, v int)        { binary.LittleEndian.PutUint16(p[off:], uint16(v)) }
func (p Page) put32(off int, v uint32) { binary.LittleEndian.PutUint32(p[off:], v) }

// Size is the page's length in bytes.
func (p Page) Size() int { return len(p) }

// Checksum is the stored checksum (see Seal).
func (p Page) Checksum() uint64 { return binary.LittleEndian.Uint64(p[offChecksum:]) }

// LSN is the log position of the last change to the page.
func (p Page) LSN() uint64 { return binary.LittleEndian.Uint64(p[offLSN:]) }

// SetLSN records the log position of a change to the page.
func (p Page) SetLSN(lsn uint64) { binary.LittleEndian.PutUint64(p[offLSN:], lsn) }

// ID is the page's own number.
func (p Page) ID() ID { return ID(p.u32(offID)) }

// SetID sets the page's number.
func (p Page) SetID(id ID) { p.put32(offID, uint32(id)) }

// Type is what the page holds.
func (p Page) Type() Type { return Type(p[offType]) }

// SetType changes the page's type.
func (p Page) SetType(t Type) { p[offType] = byte(t) }

// Level is the height above the leaves for B+tree pages (0 = leaf).
func (p Page) Level() int { return int(p[offLevel]) }

// SetLevel sets Level.
func (p Page) SetLevel(l int) { p[offLevel] = byte(l) }

// NumCells is the number of slots.
func (p Page) NumCells() int { return p.u16(offCells) }

func (p Page) setNumCells(n int) { p.put16(offCells, n) }

func (p Page) upper() int        { return int(p.u32(offUpper)) }
func (p Page) setUpper(v int)    { p.put32(offUpper, uint32(v)) }
func (p Page) garbage() int      { return int(p.u32(offGarbage)) }
func (p Page) setGarbage(v int)  { p.put32(offGarbage, uint32(v)) }
func (p Page) slotsEnd() int     { return HeaderSize + SlotSize*p.NumCells() }
func (p Page) slotOff(i int) int { return HeaderSize + SlotSize*i }

// Right is the right-sibling / next pointer, or Nil.
func (p Page) Right() ID { return ID(p.u32(offRight)) }

// SetRight sets Right.
func (p Page) SetRight(id ID) { p.put32(offRight, uint32(id)) }

// Aux is the auxiliary pointer (the leftmost child of an internal node), or Nil.
func (p Page) Aux() ID { return ID(p.u32(offAux)) }

// SetAux sets Aux.
func (p Page) SetAux(id ID) { p.put32(offAux, uint32(id)) }

// computeChecksum hashes the page as if its checksum field were zero.
func (p Page) computeChecksum() uint64 {
	var zero [8]byte
	var d xxhash.Digest
	d.Reset()
	_, _ = d.Write(zero[:])
	_, _ = d.Write(p[8:])
	return d.Sum64()
}

// Seal stores the page's checksum. Call it on the bytes about to be written.
func (p Page) Seal() {
	binary.LittleEndian.PutUint64(p[offChecksum:], p.computeChecksum())
}

// ChecksumOK reports whether the stored checksum matches the contents.
func (p Page) ChecksumOK() bool { return p.Checksum() == p.computeChecksum() }
