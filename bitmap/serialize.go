package bitmap

import (
	"encoding/binary"
	"math/bits"
)

// formatVersion is the first byte of every serialized bitmap.
const formatVersion = 1

const (
	headerLen = 1 + 4 // version, chunk count
	descLen   = 2 + 1 + 2
)

// SerializedSize returns the length of MarshalBinary's output.
func (b *Bitmap) SerializedSize() int {
	n := headerLen + descLen*len(b.cons)
	for _, c := range b.cons {
		n += serializedSize(c.kind, c.card, len(c.runs))
	}
	return n
}

// MarshalBinary encodes the bitmap in a portable little-endian form:
//
//	| version:1 (=1) | chunks:4 |
//	| chunks × descriptor: key:2 | kind:1 (1 array, 2 bitset, 3 run) | n:2 |
//	| chunks × payload, in descriptor order:
//	|   array:  n+1 values × 2, strictly increasing      (n+1 = card <= 4096)
//	|   bitset: 1024 words × 8                           (n+1 = card  > 4096)
//	|   run:    n+1 runs × (start:2 | last:2), sorted, disjoint, non-adjacent
//
// Keys are strictly increasing and no chunk is empty, so every set has
// exactly one encoding per choice of run chunks (RunOptimize decides).
func (b *Bitmap) MarshalBinary() ([]byte, error) {
	out := make([]byte, headerLen, b.SerializedSize())
	out[0] = formatVersion
	binary.LittleEndian.PutUint32(out[1:], uint32(len(b.cons)))
	for i, c := range b.cons {
		n := c.card - 1
		if c.kind == kindRun {
			n = len(c.runs) - 1
		}
		out = binary.LittleEndian.AppendUint16(out, b.keys[i])
		out = append(out, byte(c.kind))
		out = binary.LittleEndian.AppendUint16(out, uint16(n))
	}
	for _, c := range b.cons {
		switch c.kind {
		case kindArray:
			for _, v := range c.arr {
				out = binary.LittleEndian.AppendUint16(out, v)
			}
		case kindBitset:
			for _, w := range c.bits {
				out = binary.LittleEndian.AppendUint64(out, w)
			}
		default:
			for _, r := range c.runs {
				out = binary.LittleEndian.AppendUint16(out, r.start)
				out = binary.LittleEndian.AppendUint16(out, r.last)
			}
		}
	}
	return out, nil
}

// UnmarshalBinary replaces the bitmap with the one encoded in data. It
// checks every invariant of the format and returns a *CorruptionError
// (errors.Is ErrCorrupt) naming the first violation; it never panics and
// never allocates more than the input can describe.
func (b *Bitmap) UnmarshalBinary(data []byte) error {
	if len(data) < headerLen {
		return corrupt(0, "%d bytes is shorter than the %d-byte header", len(data), headerLen)
	}
	if data[0] != formatVersion {
		return corrupt(0, "unknown format version %d (want %d)", data[0], formatVersion)
	}
	nc := int(binary.LittleEndian.Uint32(data[1:]))
	if nc > 1<<16 {
		return corrupt(1, "%d chunks, more than 65536", nc)
	}
	if len(data)-headerLen < nc*descLen {
		return corrupt(headerLen, "%d chunk descriptors need %d bytes, %d left", nc, nc*descLen, len(data)-headerLen)
	}
	keys := make([]uint16, nc)
	cons := make([]*container, nc)
	off := headerLen + nc*descLen
	for i := range nc {
		d := data[headerLen+i*descLen:]
		doff := headerLen + i*descLen
		keys[i] = binary.LittleEndian.Uint16(d)
		if i > 0 && keys[i] <= keys[i-1] {
			return corrupt(doff, "chunk key %d does not follow %d", keys[i], keys[i-1])
		}
		k, n := kind(d[2]), int(binary.LittleEndian.Uint16(d[3:]))+1
		var size int
		switch k {
		case kindArray:
			if n > arrayMax {
				return corrupt(doff, "array chunk of %d values, more than %d", n, arrayMax)
			}
			size = 2 * n
		case kindBitset:
			if n <= arrayMax {
				return corrupt(doff, "bitset chunk of %d values, at most %d belong in an array", n, arrayMax)
			}
			size = 8 * bitsetWords
		case kindRun:
			size = 4 * n
		default:
			return corrupt(doff+2, "unknown chunk kind %d", d[2])
		}
		if len(data)-off < size {
			return corrupt(off, "chunk %d (%s) needs %d bytes, %d left", keys[i], k, size, len(data)-off)
		}
		c, err := decodeContainer(k, n, data[off:off+size], off)
		if err != nil {
			return err
		}
		cons[i] = c
		off += size
	}
	if off != len(data) {
		return corrupt(off, "%d trailing bytes", len(data)-off)
	}
	b.keys, b.cons = keys, cons
	return nil
}

func decodeContainer(k kind, n int, p []byte, off int) (*container, error) {
	switch k {
	case kindArray:
		arr := make([]uint16, n)
		for i := range arr {
			arr[i] = binary.LittleEndian.Uint16(p[2*i:])
			if i > 0 && arr[i] <= arr[i-1] {
				return nil, corrupt(off+2*i, "array value %d does not follow %d", arr[i], arr[i-1])
			}
		}
		return newArray(arr), nil
	case kindBitset:
		w := make([]uint64, bitsetWords)
		card := 0
		for i := range w {
			w[i] = binary.LittleEndian.Uint64(p[8*i:])
			card += bits.OnesCount64(w[i])
		}
		if card != n {
			return nil, corrupt(off, "bitset holds %d values, descriptor says %d", card, n)
		}
		return newBitset(w, card), nil
	}
	runs := make([]interval, n)
	card := 0
	for i := range runs {
		r := interval{binary.LittleEndian.Uint16(p[4*i:]), binary.LittleEndian.Uint16(p[4*i+2:])}
		if r.last < r.start {
			return nil, corrupt(off+4*i, "run [%d,%d] ends before it starts", r.start, r.last)
		}
		if i > 0 && int(r.start) <= int(runs[i-1].last)+1 {
			return nil, corrupt(off+4*i, "run [%d,%d] overlaps or touches the run ending at %d", r.start, r.last, runs[i-1].last)
		}
		runs[i] = r
		card += int(r.last-r.start) + 1
	}
	return &container{kind: kindRun, card: card, runs: runs}, nil
}
