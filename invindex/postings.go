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

// maxBlock is the most postings one block holds: a query skips or
// decodes a block whole, so smaller blocks skip finer and larger ones
// cost fewer keys.
const maxBlock = 256

// A block keeps three sections: document numbers, then each posting's
// field length and term frequency, then positions. A conjunction reads
// the document numbers of a common term and decodes the other two only
// for the documents it keeps (stepping over the rest byte by byte); term
// queries never touch positions; phrase queries read positions only of
// the documents that survived the document intersection. The header's
// span lets a query skip a block that cannot hold any candidate without
// decoding it:
//
//	| count:uv | span:uv | docs-len:uv | freqs-len:uv |
//	| docs: count × doc-prev:uv |                  docs-len bytes
//	| freqs: count × ( length:uv | tf:uv ) |        freqs-len bytes
//	| positions: count × tf × pos-prev:uv |
//
// The key carries base (<= every doc in it); prev starts at base for
// docs and at 0 for each posting's positions; span = last doc - base.
type blockWriter struct {
	base, last       uint32
	count            int
	docs, freqs, pos []byte
}

// start empties w for a block whose key will carry base.
func (w *blockWriter) start(base uint32) {
	w.base, w.last, w.count = base, base, 0
	w.docs, w.freqs, w.pos = w.docs[:0], w.freqs[:0], w.pos[:0]
}

// add appends a posting; docs must increase (the first may equal base).
func (w *blockWriter) add(doc, length uint32, positions []uint32) {
	w.docs = binary.AppendUvarint(w.docs, uint64(doc-w.last))
	w.freqs = binary.AppendUvarint(w.freqs, uint64(length))
	w.freqs = binary.AppendUvarint(w.freqs, uint64(len(positions)))
	prev := uint32(0)
	for _, p := range positions {
		w.pos = binary.AppendUvarint(w.pos, uint64(p-prev))
		prev = p
	}
	w.last = doc
	w.count++
}

// bytes returns the encoded block in a new slice.
func (w *blockWriter) bytes() []byte {
	return w.appendTo(make([]byte, 0, 4*binary.MaxVarintLen32+len(w.docs)+len(w.freqs)+len(w.pos)))
}

// appendTo appends the encoded block to out.
func (w *blockWriter) appendTo(out []byte) []byte {
	out = binary.AppendUvarint(out, uint64(w.count))
	out = binary.AppendUvarint(out, uint64(w.last-w.base))
	out = binary.AppendUvarint(out, uint64(len(w.docs)))
	out = binary.AppendUvarint(out, uint64(len(w.freqs)))
	return append(append(append(out, w.docs...), w.freqs...), w.pos...)
}

// encodeBlock lays out ps (docs increasing, all >= base) as one block.
func encodeBlock(base uint32, ps []posting) []byte {
	var w blockWriter
	w.start(base)
	for _, p := range ps {
		w.add(p.doc, p.length, p.pos)
	}
	return w.bytes()
}

// spliceBlocks appends the postings of add (all above a's last document)
// to block a section by section, without decoding them: only add's
// first document delta changes, from its own base to a's last document.
func spliceBlocks(a block, add sealed) ([]byte, error) {
	b, err := parseBlock(add.base, add.value)
	if err != nil {
		return nil, err
	}
	d0, off := uvarint(b.docs, 0)
	if off < 0 || uint64(b.base)+d0 <= uint64(a.last) {
		return nil, fmt.Errorf("appended postings do not start after document %d", a.last)
	}
	first := binary.AppendUvarint(nil, uint64(b.base)+d0-uint64(a.last))
	docsLen := len(a.docs) + len(first) + len(b.docs) - off
	out := make([]byte, 0, 4*binary.MaxVarintLen32+docsLen+len(a.freqs)+len(b.freqs)+len(a.pos)+len(b.pos))
	out = binary.AppendUvarint(out, uint64(a.count+b.count))
	out = binary.AppendUvarint(out, uint64(b.last-a.base))
	out = binary.AppendUvarint(out, uint64(docsLen))
	out = binary.AppendUvarint(out, uint64(len(a.freqs)+len(b.freqs)))
	out = append(append(append(out, a.docs...), first...), b.docs[off:]...)
	out = append(append(out, a.freqs...), b.freqs...)
	return append(append(out, a.pos...), b.pos...), nil
}

// block is a block's parsed header with its three sections.
type block struct {
	base, last       uint32
	count            int
	docs, freqs, pos []byte
}

// parseBlock reads the header of the block stored under base.
func parseBlock(base uint32, data []byte) (block, error) {
	d := decoder{data: data}
	count, span, docsLen, freqsLen := d.uvarint(), d.uvarint(), d.uvarint(), d.uvarint()
	switch {
	case d.err != nil:
		return block{}, d.err
	case count == 0 || count > uint64(len(data)):
		return block{}, fmt.Errorf("block claims %d postings in %d bytes", count, len(data))
	case uint64(base)+span > 1<<32-1:
		return block{}, fmt.Errorf("block span %d overflows base %d", span, base)
	case docsLen+freqsLen > uint64(len(data)-d.off):
		return block{}, fmt.Errorf("sections of %d and %d bytes overrun the %d-byte block", docsLen, freqsLen, len(data))
	}
	f := d.off + int(docsLen)
	p := f + int(freqsLen)
	return block{base: base, last: base + uint32(span), count: int(count), docs: data[d.off:f], freqs: data[f:p], pos: data[p:]}, nil
}

// uvarint decodes the varint at b[off:], returning the offset after it,
// or -1 if there is none. One-byte values, the common case in postings,
// take the inlined fast path.
func uvarint(b []byte, off int) (uint64, int) {
	if uint(off) < uint(len(b)) {
		if c := b[off]; c < 0x80 {
			return uint64(c), off + 1
		}
	}
	return uvarintSlow(b, off)
}

func uvarintSlow(b []byte, off int) (uint64, int) {
	if off >= len(b) {
		return 0, -1
	}
	v, n := binary.Uvarint(b[off:])
	if n <= 0 {
		return 0, -1
	}
	return v, off + n
}

// skipVarints steps over n varints from off without decoding them (a
// varint ends at its first byte below 0x80); -1 if b ends first.
func skipVarints(b []byte, off int, n int) int {
	for ; n > 0; n-- {
		for {
			if off >= len(b) {
				return -1
			}
			off++
			if b[off-1] < 0x80 {
				break
			}
		}
	}
	return off
}

// docReader walks a block's postings: nextDoc decodes only document
// numbers, freq the current posting's length and tf (stepping over the
// frequencies of postings passed without asking).
type docReader struct {
	b          block
	off        int // into docs
	foff, fidx int // into freqs: the frequencies of posting fidx start at foff
	idx        int // postings decoded so far (the current is idx-1)
	doc        uint32
	err        error
}

func newDocReader(b block) docReader { return docReader{b: b, doc: b.base} }

// nextDoc moves to the next posting. It returns false at the end or on
// error (r.err), and checks at the end that the document section held
// exactly what the header says.
func (r *docReader) nextDoc() bool {
	if r.err != nil {
		return false
	}
	if r.idx == r.b.count {
		if r.off != len(r.b.docs) {
			r.err = fmt.Errorf("%d trailing bytes in the document section", len(r.b.docs)-r.off)
		} else if r.doc != r.b.last {
			r.err = fmt.Errorf("last document %d, header says %d", r.doc, r.b.last)
		}
		return false
	}
	var d uint64
	off := r.off
	if off < len(r.b.docs) && r.b.docs[off] < 0x80 { // uvarint's fast path, inlined by hand
		d, off = uint64(r.b.docs[off]), off+1
	} else {
		d, off = uvarintSlow(r.b.docs, off)
	}
	if off < 0 {
		r.err = fmt.Errorf("bad varint at byte %d of the document section", r.off)
		return false
	}
	if d == 0 && r.idx > 0 || uint64(r.doc)+d > uint64(r.b.last) {
		r.err = fmt.Errorf("document numbers not increasing within the span at byte %d", r.off)
		return false
	}
	r.off = off
	r.doc += uint32(d)
	r.idx++
	return true
}

// freq returns the current posting's field length and term frequency.
func (r *docReader) freq() (length, tf uint32, ok bool) {
	if r.err != nil || r.idx == 0 {
		return 0, 0, false
	}
	off := r.foff
	if r.fidx < r.idx-1 {
		off = skipVarints(r.b.freqs, off, 2*(r.idx-1-r.fidx))
	}
	var l, t uint64
	if f := r.b.freqs; off >= 0 && off+1 < len(f) && f[off] < 0x80 && f[off+1] < 0x80 {
		l, t, off = uint64(f[off]), uint64(f[off+1]), off+2 // both one byte: the common case
	} else {
		if off >= 0 {
			l, off = uvarint(f, off)
		}
		if off >= 0 {
			t, off = uvarint(f, off)
		}
	}
	switch {
	case off < 0:
		r.err = fmt.Errorf("frequency section ends before posting %d", r.idx-1)
	case t == 0 || t > uint64(len(r.b.pos)):
		r.err = fmt.Errorf("term frequency %d of posting %d does not fit the block", t, r.idx-1)
	case l > 1<<32-1:
		r.err = fmt.Errorf("field length %d of posting %d overflows", l, r.idx-1)
	}
	if r.err != nil {
		return 0, 0, false
	}
	r.foff, r.fidx = off, r.idx
	return uint32(l), uint32(t), true
}

// next decodes the next posting's document, length and tf into p.
func (r *docReader) next(p *posting) bool {
	if !r.nextDoc() {
		return false
	}
	l, tf, ok := r.freq()
	p.doc, p.length, p.tf = r.doc, l, tf
	return ok
}

// posReader walks a block's position section in step with a docReader.
type posReader struct {
	data []byte
	off  int
	err  error
}

// skip passes over n positions without decoding them.
func (r *posReader) skip(n uint32) {
	if r.off = skipVarints(r.data, r.off, int(n)); r.off < 0 {
		r.err = fmt.Errorf("position section ends inside a posting")
	}
}

// read appends n decoded positions to dst.
func (r *posReader) read(dst []uint32, n uint32) []uint32 {
	last := uint64(0)
	for ; n > 0; n-- {
		v, off := uvarint(r.data, r.off)
		if off < 0 {
			r.err = fmt.Errorf("bad position varint at byte %d", r.off)
			return dst
		}
		r.off = off
		last += v
		if last > 1<<32-1 {
			r.err = fmt.Errorf("position overflows at byte %d", r.off)
			return dst
		}
		dst = append(dst, uint32(last))
	}
	return dst
}

// decodeBlock decodes a whole block with positions, checking every byte.
func decodeBlock(base uint32, data []byte) ([]posting, error) {
	b, err := parseBlock(base, data)
	if err != nil {
		return nil, err
	}
	out := make([]posting, 0, b.count)
	dr, pr := newDocReader(b), posReader{data: b.pos}
	var p posting
	for dr.next(&p) {
		p.pos = pr.read(nil, p.tf)
		if pr.err != nil {
			return nil, pr.err
		}
		out = append(out, p)
	}
	switch {
	case dr.err != nil:
		return nil, dr.err
	case dr.foff != len(b.freqs):
		return nil, fmt.Errorf("%d trailing bytes in the frequency section", len(b.freqs)-dr.foff)
	case pr.off != len(pr.data):
		return nil, fmt.Errorf("%d trailing bytes in the position section", len(pr.data)-pr.off)
	}
	return out, nil
}
