package gorilla

// Varints inside bit streams: the usual 7-bits-per-group little-endian
// encoding, each group written as 8 bits (continuation bit first).

func zigzag(v int64) uint64   { return uint64(v<<1) ^ uint64(v>>63) }
func unzigzag(u uint64) int64 { return int64(u>>1) ^ -int64(u&1) }

func (w *bitWriter) writeUvarint(u uint64) {
	for u >= 0x80 {
		w.writeBits(u&0x7f|0x80, 8)
		u >>= 7
	}
	w.writeBits(u, 8)
}

// readUvarint reads a varint; ok is false on a truncated or overlong one.
func (r *bitReader) readUvarint() (uint64, bool) {
	var u uint64
	for shift := uint(0); shift < 64; shift += 7 {
		g := r.readBits(8)
		if r.eof {
			return 0, false
		}
		if shift == 63 && g > 1 {
			return 0, false
		}
		u |= (g & 0x7f) << shift
		if g < 0x80 {
			return u, true
		}
	}
	return 0, false
}
