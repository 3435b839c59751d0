package table

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/aegisdb/aegis/model/types"
)

// A row's value holds its non-NULL columns in column-ID order, each as a
// header and a payload:
//
//	| version:1 = 1 | header:uvarint | payload | header | payload | ...
//	header  = (column ID - previous column ID) << 2 | wire
//	wire 0: varint (zig-zag int64)    PhysInt
//	wire 1: 8 bytes little-endian     PhysFloat
//	wire 2: uvarint length | bytes    PhysBytes
//
// A missing column is NULL. Because each payload says its own size, a
// reader skips columns it does not know (dropped ones) and reads columns
// added after the row was written as NULL: ALTER TABLE ADD/DROP COLUMN
// rewrites no rows.
const rowVersion = 1

const (
	wireVarint = 0
	wireFixed  = 1
	wireBytes  = 2
)

func wireOf(p types.Physical) uint64 {
	switch p {
	case types.PhysFloat:
		return wireFixed
	case types.PhysBytes:
		return wireBytes
	}
	return wireVarint
}

// encodeRow appends the value encoding of row (a datum per column).
func encodeRow(dst []byte, d *Desc, row []types.Datum) []byte {
	dst = append(dst, rowVersion)
	var prev uint32
	for i := range d.Columns {
		v := row[i]
		if v.Null {
			continue
		}
		c := &d.Columns[i]
		phys := c.Type.Physical()
		dst = binary.AppendUvarint(dst, uint64(c.ID-prev)<<2|wireOf(phys))
		prev = c.ID
		switch phys {
		case types.PhysFloat:
			dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(v.F))
		case types.PhysBytes:
			dst = binary.AppendUvarint(dst, uint64(len(v.B)))
			dst = append(dst, v.B...)
		default:
			dst = binary.AppendVarint(dst, v.I)
		}
	}
	return dst
}

// rowDecoder decodes row values of one descriptor into the vectors of a
// batch. out[i] is the batch vector of column position i, or -1 when the
// column is not wanted.
type rowDecoder struct {
	d *Desc
	// cols is what the scan loop needs of each column position, packed
	// small: the descriptor's Column structs are wide, and walking them
	// per row cost cache lines.
	cols   []decodeCol
	wanted int // how many positions map to a vector
}

type decodeCol struct {
	id   uint32
	wire uint32 // the wire type the column must be stored as
	out  int    // the batch vector the column goes to, -1: not wanted
	// header is the one-byte header the column has when the column
	// stored before it is the previous position's (ID prev), as in a row
	// with no NULLs written by encodeRow; 0xff when it needs more bytes.
	header byte
	prev   uint32
}

func newRowDecoder(d *Desc, columns []int) *rowDecoder {
	cols := make([]decodeCol, len(d.Columns))
	var prev uint32
	for i, c := range d.Columns {
		wire := wireOf(c.Type.Physical())
		cols[i] = decodeCol{id: c.ID, wire: uint32(wire), out: -1, header: 0xff, prev: prev}
		if h := uint64(c.ID-prev)<<2 | wire; h < 0x80 {
			cols[i].header = byte(h)
		}
		prev = c.ID
	}
	for vi, pos := range columns {
		cols[pos].out = vi
	}
	return &rowDecoder{d: d, cols: cols, wanted: len(columns)}
}

// decodeInto appends one row, decoded from value, to the batch's vectors.
// Byte values alias value, so the caller keeps value alive. It is the scan
// loop's inner loop: values go straight into the vectors, and decoding
// stops once every wanted column has been seen.
func (rd *rowDecoder) decodeInto(key, value []byte, b *types.Batch) error {
	if err := rd.decodeFast(key, value, b); err != nil {
		// Leave the batch's vectors the same length: roll back this row.
		for _, vec := range b.Vecs {
			truncate(vec, b.Len)
		}
		return err
	}
	b.Len++
	return nil
}

func (rd *rowDecoder) decodeFast(key, value []byte, b *types.Batch) error {
	cols := rd.cols
	if len(value) == 0 || value[0] != rowVersion {
		return &CorruptError{Key: key, Reason: "row value has no version byte 1"}
	}
	off, pos, remaining := 1, 0, rd.wanted
	var id uint32
	for off < len(value) && remaining > 0 {
		var wire uint64
		vi := -1
		if pos < len(cols) && value[off] == cols[pos].header && id == cols[pos].prev {
			// The column expected next, as a row without NULLs has it:
			// its ID and wire type are known, so there is nothing to check.
			c := &cols[pos]
			off++
			id, wire, vi = c.id, uint64(c.wire), c.out
			pos++
		} else {
			var err error
			if wire, vi, err = rd.header(key, value, &off, &id, &pos, &remaining, b); err != nil {
				return err
			}
		}
		var vec *types.Vector
		if vi >= 0 {
			vec = b.Vecs[vi]
			remaining--
			if vec.Nulls != nil {
				vec.Nulls = append(vec.Nulls, false)
			}
		}
		switch wire {
		case wireVarint:
			if vec == nil { // not wanted: find its last byte, decode nothing
				end := off
				for end < len(value) && end-off < binary.MaxVarintLen64 && value[end] >= 0x80 {
					end++
				}
				if end == len(value) || value[end] >= 0x80 {
					return &CorruptError{Key: key, Reason: fmt.Sprintf("bad varint at byte %d", off)}
				}
				off = end + 1
				continue
			}
			var x int64
			// Zigzag varints of one or two bytes (|x| < 8192) are decoded
			// inline; binary.Varint is a call the compiler does not inline.
			if off < len(value) && value[off] < 0x80 {
				c := value[off]
				x, off = int64(c>>1)^-int64(c&1), off+1
			} else if off+1 < len(value) && value[off+1] < 0x80 {
				u := uint64(value[off]&0x7f) | uint64(value[off+1])<<7
				x, off = int64(u>>1)^-int64(u&1), off+2
			} else {
				v, n := binary.Varint(value[off:])
				if n <= 0 {
					return &CorruptError{Key: key, Reason: fmt.Sprintf("bad varint at byte %d", off)}
				}
				x, off = v, off+n
			}
			vec.Ints = append(vec.Ints, x)
		case wireFixed:
			if len(value)-off < 8 {
				return &CorruptError{Key: key, Reason: fmt.Sprintf("float cut short at byte %d", off)}
			}
			if vec != nil {
				vec.Floats = append(vec.Floats, math.Float64frombits(binary.LittleEndian.Uint64(value[off:])))
			}
			off += 8
		case wireBytes:
			l, n := binary.Uvarint(value[off:])
			if n <= 0 || l > uint64(len(value)-off-n) {
				return &CorruptError{Key: key, Reason: fmt.Sprintf("bad length at byte %d", off)}
			}
			off += n
			if vec != nil {
				vec.Bytes = append(vec.Bytes, value[off:off+int(l):off+int(l)])
			}
			off += int(l)
		default:
			return &CorruptError{Key: key, Reason: fmt.Sprintf("unknown wire type %d at byte %d", wire, off)}
		}
	}
	for ; pos < len(cols) && remaining > 0; pos++ {
		if vi := cols[pos].out; vi >= 0 {
			b.Vecs[vi].AppendNull()
			remaining--
		}
	}
	return nil
}

// header reads a column header the general way: any ID gap (the columns
// between are NULL; those wanted get a NULL appended), columns the
// descriptor no longer has (their payload is skipped: vi is -1), and
// corrupt headers. It advances off, id, pos and remaining.
func (rd *rowDecoder) header(key, value []byte, off *int, id *uint32, pos, remaining *int, b *types.Batch) (wire uint64, vi int, err error) {
	cols := rd.cols
	var h uint64
	if c := value[*off]; c < 0x80 {
		h = uint64(c)
		*off++
	} else {
		x, n := binary.Uvarint(value[*off:])
		if n <= 0 {
			return 0, 0, &CorruptError{Key: key, Reason: fmt.Sprintf("bad column header at byte %d", *off)}
		}
		h = x
		*off += n
	}
	if h>>2 == 0 || h>>2 > math.MaxUint32-uint64(*id) {
		return 0, 0, &CorruptError{Key: key, Reason: fmt.Sprintf("bad column header at byte %d", *off)}
	}
	*id += uint32(h >> 2)
	wire = h & 3
	for *pos < len(cols) && cols[*pos].id < *id {
		if out := cols[*pos].out; out >= 0 {
			b.Vecs[out].AppendNull()
			*remaining--
		}
		*pos++
	}
	vi = -1
	if *pos < len(cols) && cols[*pos].id == *id {
		if wire != uint64(cols[*pos].wire) {
			return 0, 0, &CorruptError{Key: key, Reason: fmt.Sprintf("column %q stored as wire type %d", rd.d.Columns[*pos].Name, wire)}
		}
		vi = cols[*pos].out
		*pos++
	}
	return wire, vi, nil
}

// decodeDatums decodes value into a datum per column position.
func (rd *rowDecoder) decodeDatums(key, value []byte) ([]types.Datum, error) {
	row := make([]types.Datum, len(rd.d.Columns))
	err := rd.walk(key, value, func(pos int, v types.Datum) { row[pos] = v })
	return row, err
}

// walk calls emit for every column position in order, with NULL for the
// columns the value lacks.
func (rd *rowDecoder) walk(key, value []byte, emit func(pos int, v types.Datum)) error {
	cols := rd.d.Columns
	if len(value) == 0 || value[0] != rowVersion {
		return &CorruptError{Key: key, Reason: "row value has no version byte 1"}
	}
	off := 1
	var id uint32
	pos := 0
	for off < len(value) {
		h, n := binary.Uvarint(value[off:])
		if n <= 0 || h>>2 == 0 || h>>2 > math.MaxUint32-uint64(id) {
			return &CorruptError{Key: key, Reason: fmt.Sprintf("bad column header at byte %d", off)}
		}
		off += n
		id += uint32(h >> 2)
		wire := h & 3
		for pos < len(cols) && cols[pos].ID < id {
			emit(pos, types.NullDatum(cols[pos].Type))
			pos++
		}
		known := pos < len(cols) && cols[pos].ID == id
		v := types.Datum{}
		if known {
			v.Type = cols[pos].Type
			if wire != wireOf(v.Type.Physical()) {
				return &CorruptError{Key: key, Reason: fmt.Sprintf("column %q stored as wire type %d", cols[pos].Name, wire)}
			}
		}
		switch wire {
		case wireVarint:
			x, n := binary.Varint(value[off:])
			if n <= 0 {
				return &CorruptError{Key: key, Reason: fmt.Sprintf("bad varint at byte %d", off)}
			}
			off += n
			v.I = x
		case wireFixed:
			if len(value)-off < 8 {
				return &CorruptError{Key: key, Reason: fmt.Sprintf("float cut short at byte %d", off)}
			}
			v.F = math.Float64frombits(binary.LittleEndian.Uint64(value[off:]))
			off += 8
		case wireBytes:
			l, n := binary.Uvarint(value[off:])
			if n <= 0 || l > uint64(len(value)-off-n) {
				return &CorruptError{Key: key, Reason: fmt.Sprintf("bad length at byte %d", off)}
			}
			off += n
			v.B = value[off : off+int(l) : off+int(l)]
			off += int(l)
		default:
			return &CorruptError{Key: key, Reason: fmt.Sprintf("unknown wire type %d at byte %d", wire, off)}
		}
		if known {
			emit(pos, v)
			pos++
		}
	}
	for ; pos < len(cols); pos++ {
		emit(pos, types.NullDatum(cols[pos].Type))
	}
	return nil
}

func truncate(v *types.Vector, n int) {
	switch {
	case len(v.Ints) > n:
		v.Ints = v.Ints[:n]
	case len(v.Floats) > n:
		v.Floats = v.Floats[:n]
	case len(v.Bytes) > n:
		v.Bytes = v.Bytes[:n]
	}
	if len(v.Nulls) > n {
		v.Nulls = v.Nulls[:n]
	}
}
