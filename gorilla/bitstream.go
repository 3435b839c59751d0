package gorilla

// bitWriter appends bits, most significant first. Whole bytes go to b;
// the last n < 64 bits wait in the low bits of acc.
type bitWriter struct {
	b   []byte
	acc uint64
	n   uint8
}

// writeBit appends one bit.
func (w *bitWriter) writeBit(bit bool) {
	if w.n == 64 {
		w.flush()
	}
	w.acc <<= 1
	if bit {
		w.acc |= 1
	}
	w.n++
}

// writeBits appends the low k bits of v (k <= 64), high bit first.
func (w *bitWriter) writeBits(v uint64, k uint8) {
	if k > 32 {
		w.writeBits(v>>32, k-32)
		k = 32
	}
	if w.n+k > 64 {
		w.flush()
	}
	w.acc = w.acc<<k | v&(1<<k-1)
	w.n += k
}

// flush moves the whole bytes of acc to b, leaving fewer than 8 bits.
func (w *bitWriter) flush() {
	for w.n >= 8 {
		w.b = append(w.b, byte(w.acc>>(w.n-8)))
		w.n -= 8
	}
}

// bitLen returns the number of bits written.
func (w *bitWriter) bitLen() int { return len(w.b)*8 + int(w.n) }

// appendTo appends the bits written so far to dst, the last byte padded
// with zero bits. The writer is not changed, so it can go on.
func (w *bitWriter) appendTo(dst []byte) []byte {
	dst = append(dst, w.b...)
	acc, n := w.acc, w.n
	for n >= 8 {
		dst = append(dst, byte(acc>>(n-8)))
		n -= 8
	}
	if n > 0 {
		dst = append(dst, byte(acc<<(8-n)))
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

func (r *bitReader) refill() {
	for r.n <= 56 && r.i < len(r.b) {
		r.buf |= uint64(r.b[r.i]) << (56 - r.n)
		r.n += 8
		r.i++
	}
}

// readBit returns the next bit.
func (r *bitReader) readBit() bool {
	if r.n == 0 {
		r.refill()
		if r.n == 0 {
			r.eof = true
			return false
		}
	}
	bit := r.buf>>63 == 1
	r.buf <<= 1
	r.n--
	return bit
}

// readBits returns the next k bits (k <= 64) as the low bits of a uint64.
func (r *bitReader) readBits(k uint8) uint64 {
	if k == 0 {
		return 0
	}
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
