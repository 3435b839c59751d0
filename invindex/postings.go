package invindex

import (
	"encoding/binary"
	"fmt"
)

// posting is one document's occurrences of a term in a field.
type posting struct {
	doc    uint32   // document number
	length uint32   // the field's length in tokens in that document (for BM25)
	tf     uint32   // occurrences in the field
	pos    []uint32 // token positions, increasing (len tf when decoded)
}

// maxBlock is the number of postings after which a term starts a new
// block instead of rewriting its last one.
const maxBlock = 128

// encodeBlock lays out the postings of one block, whose key carries base
// (<= every doc in it):
//
//	| count:uvarint | count × ( doc-prev:uvarint | length:uvarint | tf:uvarint | tf × pos-prev:uvarint ) |
//
// prev starts at base for docs and at 0 for each document's positions.
func encodeBlock(base uint32, ps []posting) []byte {
	out := make([]byte, 0, 8+len(ps)*6)
	out = binary.AppendUvarint(out, uint64(len(ps)))
	return appendEncoded(out, base, ps)
}

// appendEncoded appends the entries of ps, deltas starting from prev.
func appendEncoded(out []byte, prev uint32, ps []posting) []byte {
	for _, p := range ps {
		out = binary.AppendUvarint(out, uint64(p.doc-prev))
		prev = p.doc
		out = binary.AppendUvarint(out, uint64(p.length))
		out = binary.AppendUvarint(out, uint64(len(p.pos))) // tf
		last := uint32(0)
		for _, x := range p.pos {
			out = binary.AppendUvarint(out, uint64(x-last))
			last = x
		}
	}
	return out
}

// extendBlock appends ps to an encoded block whose last document is
// lastDoc, without decoding it: only the count in front changes.
func extendBlock(block []byte, lastDoc uint32, ps []posting) ([]byte, error) {
	n, h := binary.Uvarint(block)
	if h <= 0 {
		return nil, fmt.Errorf("block count is not a varint")
	}
	out := make([]byte, 0, len(block)+8+len(ps)*6)
	out = binary.AppendUvarint(out, n+uint64(len(ps)))
	out = append(out, block[h:]...)
	return appendEncoded(out, lastDoc, ps), nil
}

// blockReader decodes a block lazily: positions are skipped unless asked.
type blockReader struct {
	data  []byte
	off   int
	left  int
	doc   uint32
	first bool
	err   error
}

func newBlockReader(base uint32, data []byte) blockReader {
	r := blockReader{data: data, doc: base, first: true}
	n, ok := r.uvarint()
	if ok && n > uint64(len(data)) {
		r.err = fmt.Errorf("block claims %d postings in %d bytes", n, len(data))
	}
	r.left = int(n)
	return r
}

func (r *blockReader) uvarint() (uint64, bool) {
	if r.err != nil {
		return 0, false
	}
	v, n := binary.Uvarint(r.data[r.off:])
	if n <= 0 {
		r.err = fmt.Errorf("bad varint at byte %d", r.off)
		return 0, false
	}
	r.off += n
	return v, true
}

// next decodes the next posting; positions are appended to pos when
// wantPos, else skipped. It returns false at the end or on error (r.err).
func (r *blockReader) next(p *posting, wantPos bool) bool {
	if r.left == 0 || r.err != nil {
		return false
	}
	r.left--
	d, _ := r.uvarint()
	l, _ := r.uvarint()
	tf, ok := r.uvarint()
	if !ok {
		return false
	}
	if d == 0 && !r.first || uint64(r.doc)+d > 1<<32-1 {
		r.err = fmt.Errorf("document numbers not increasing at byte %d", r.off)
		return false
	}
	if tf == 0 || tf > uint64(len(r.data)-r.off) {
		r.err = fmt.Errorf("term frequency %d at byte %d does not fit the block", tf, r.off)
		return false
	}
	r.first = false
	r.doc += uint32(d)
	p.doc, p.length = r.doc, uint32(l)
	p.pos = p.pos[:0]
	last := uint64(0)
	for i := uint64(0); i < tf; i++ {
		x, ok := r.uvarint()
		if !ok {
			return false
		}
		last += x
		if wantPos {
			if last > 1<<32-1 {
				r.err = fmt.Errorf("position overflows at byte %d", r.off)
				return false
			}
			p.pos = append(p.pos, uint32(last))
		}
	}
	p.tf = uint32(tf)
	return r.err == nil
}
