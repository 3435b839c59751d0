package gorilla

import "encoding/binary"

// bitWriter appends bits, most significant first. Whole 64-bit words go
// to b; the last n < 64 bits wait, left-aligned, in acc.
type bitWriter struct {
	b   []byte
	acc uint64
	n   uint8
}

// writeBit appends one bit.
func (w *bitWriter) writeBit(bit bool) {
	if bit {
		w.acc |= 1 << (63 - w.n)
	}
	if w.n++; w.n == 64 {
		w.flush()
	}
}

// writeZeros appends k <= 64 zero bits. acc is zero past its n valid
// bits, so this only moves n: the identical-point fast path of the
// encoder is two zero bits.
func (w *bitWriter) writeZeros(k uint8) {
	if w.n += k; w.n >= 64 {
		w.n -= 64
		w.flush()
	}
}

// flush moves the full word in acc to b.
func (w *bitWriter) flush() {
	w.b = binary.BigEndian.AppendUint64(w.b, w.acc)
	w.acc = 0
}

// writeBits appends the low k bits of v (k <= 64), high bit first. Bits
// of v above k must be zero, which every caller guarantees by
// construction; not masking keeps this small enough to inline, so the
// common case (the bits fit in acc) costs a shift, an OR and an add.
func (w *bitWriter) writeBits(v uint64, k uint8) {
	if free := 64 - w.n; k < free {
		w.acc |= v << (free - k)
		w.n += k
		return
	}
	w.writeBitsSpill(v, k)
}

// writeBitsSpill is writeBits when the bits fill acc: the high part
// completes the word, the rest starts the next one.
func (w *bitWriter) writeBitsSpill(v uint64, k uint8) {
	rest := k - (64 - w.n) // bits left for the next word, 0..63
	w.acc |= v >> rest
	w.b = binary.BigEndian.AppendUint64(w.b, w.acc)
	w.n = rest
	w.acc = v << (64 - rest) // Go defines v << 64 as 0: right for rest == 0

}

// bitLen returns the number of bits written.
func (w *bitWriter) bitLen() int { return len(w.b)*8 + int(w.n) }

// appendTo appends the bits written so far to dst, the last byte padded
// with zero bits. The writer is not changed, so it can go on.
func (w *bitWriter) appendTo(dst []byte) []byte {
	dst = append(dst, w.b...)
	for i := uint8(0); i < w.n; i += 8 {
		dst = append(dst, byte(w.acc>>(56-i)))
	}
	return dst
}

// bitReader reads bits written by bitWriter through a 64-bit buffer.
// Reading past the end sets eof and returns zeros, so decoders check eof
// once per value, not per bit.
type bitReader struct {
	b   []byte
	i   int    // next byte of b to load
	buf uint64 // unread bits, left-aligned
	n   uint8  // valid bits in buf
	eof bool
}

func newBitReader(b []byte) bitReader { return bitReader{b: b} }

// refill tops buf up. Past the valid bits, buf may hold further bits of
// the stream (a whole word is loaded at once); they are the true bits, so
// OR-ing them again later changes nothing.
func (r *bitReader) refill() {
	if r.i+8 <= len(r.b) {
		take := (64 - r.n) >> 3
		r.buf |= binary.BigEndian.Uint64(r.b[r.i:]) >> r.n
		r.i += int(take)
		r.n += take * 8
		return
	}
	r.refillTail()
}

// refillTail is refill within the last 8 bytes, byte by byte; apart so
// that refill inlines into the decoder's loop.
func (r *bitReader) refillTail() {
	for r.n <= 56 && r.i < len(r.b) {
		r.buf |= uint64(r.b[r.i]) << (56 - r.n)
		r.n += 8
		r.i++
	}
}

// readBit returns the next bit.
func (r *bitReader) readBit() bool {
	if r.n == 0 {
		return r.readBitSlow()
	}
	bit := int64(r.buf) < 0
	r.buf <<= 1
	r.n--
	return bit
}

// readBitSlow is readBit after a refill; false (and eof) at the end.
func (r *bitReader) readBitSlow() bool {
	r.refill()
	if r.n == 0 {
		r.eof = true
		return false
	}
	return r.readBit()
}

// readBits returns the next k bits (1 <= k <= 64) as the low bits of a
// uint64.
func (r *bitReader) readBits(k uint8) uint64 {
	if k >= r.n {
		return r.readBitsSlow(k)
	}
	v := r.buf >> ((64 - k) & 63)
	r.buf <<= k & 63
	r.n -= k
	return v
}

// readBitsSlow is readBits across a refill, kept apart so readBits inlines.
func (r *bitReader) readBitsSlow(k uint8) uint64 {
	r.refill()
	if k <= r.n {
		v := r.buf >> (64 - k)
		r.buf <<= k
		r.n -= k
		return v
	}
	hi := r.n
	var v uint64
	if hi > 0 {
		v = r.buf >> (64 - hi)
	}
	r.buf, r.n = 0, 0
	r.refill()
	lo := k - hi
	if r.n < lo {
		r.eof = true
		r.n = 0
		return 0
	}
	v = v<<lo | r.buf>>(64-lo)
	r.buf <<= lo
	r.n -= lo
	return v
}

// remaining returns the number of unread bits.
func (r *bitReader) remaining() int { return int(r.n) + (len(r.b)-r.i)*8 }
