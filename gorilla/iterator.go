package gorilla

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Iterator decodes a chunk lazily, one point per Next. It never panics on
// corrupt bytes: Next returns false and Err says what was wrong.
type Iterator struct {
	r         bitReader // XOR: the whole stream; decimal: the timestamps
	dec       decimalReader
	codec     byte
	count, i  int
	t, delta  int64
	v         uint64
	lead, sig uint8
	err       error
}

// Decode checks a chunk's header and returns an iterator over its points.
func Decode(chunk []byte) (*Iterator, error) {
	it := &Iterator{}
	if err := it.Reset(chunk); err != nil {
		return nil, err
	}
	return it, nil
}

// Reset points the iterator at another chunk, reusing it.
func (it *Iterator) Reset(chunk []byte) error {
	*it = Iterator{}
	if len(chunk) == 0 {
		return corrupt(-1, "empty")
	}
	if chunk[0]>>4 != version {
		return corrupt(-1, "version %d, want %d", chunk[0]>>4, version)
	}
	it.codec = chunk[0] & 0xf
	if it.codec != CodecXOR && it.codec != CodecDecimal {
		return corrupt(-1, "unknown value codec %d", it.codec)
	}
	rest := chunk[1:]
	count, n := binary.Uvarint(rest)
	if n <= 0 || count == 0 || count > math.MaxInt32 {
		return corrupt(-1, "bad point count")
	}
	rest = rest[n:]
	tsStream := rest
	if it.codec == CodecDecimal {
		tsLen, n := binary.Uvarint(rest)
		if n <= 0 || tsLen > uint64(len(rest)-n) {
			return corrupt(-1, "bad timestamp stream length")
		}
		tsStream = rest[n : n+int(tsLen)]
		it.dec.r = newBitReader(rest[n+int(tsLen):])
	}
	// Every point after the first two costs at least one timestamp bit,
	// which bounds what a corrupt count can make a caller allocate.
	if count > 2+8*uint64(len(tsStream)) {
		return corrupt(-1, "%d points cannot fit %d bytes of timestamps", count, len(tsStream))
	}
	it.count = int(count)
	it.r = newBitReader(tsStream)
	return nil
}

// Len returns the number of points the header announces.
func (it *Iterator) Len() int { return it.count }

// Codec returns the chunk's value codec (CodecXOR or CodecDecimal).
func (it *Iterator) Codec() byte { return it.codec }

// Next decodes the next point; false at the end or on error.
func (it *Iterator) Next() bool {
	if it.err != nil || it.i >= it.count {
		return false
	}
	if err := it.nextTime(); err != nil {
		it.err = err
		return false
	}
	if err := it.nextValue(); err != nil {
		it.err = err
		return false
	}
	it.i++
	return true
}

func (it *Iterator) nextTime() error {
	switch it.i {
	case 0:
		u, ok := it.r.readUvarint()
		if !ok {
			return corrupt(it.i, "bad first timestamp")
		}
		it.t = unzigzag(u)
		return nil
	case 1:
		neg := it.r.readBit()
		u, ok := it.r.readUvarint()
		if !ok {
			return corrupt(it.i, "bad first delta")
		}
		it.delta = int64(u)
		if neg {
			it.delta = -it.delta
		}
	default:
		r := &it.r
		if r.n < 24 {
			r.refill()
		}
		var dod int64
		if r.n >= 24 {
			// Fast path: control bits and value are in buf; decode them in
			// place (int64(x) >> k sign-extends the top 64-k bits).
			top := r.buf
			switch {
			case top>>63 == 0:
				r.buf <<= 1
				r.n--
			case top>>62 == 0b10:
				dod = int64(top<<2) >> (64 - 9)
				r.buf <<= 2 + 9
				r.n -= 2 + 9
			case top>>61 == 0b110:
				dod = int64(top<<3) >> (64 - 14)
				r.buf <<= 3 + 14
				r.n -= 3 + 14
			case top>>60 == 0b1110:
				dod = int64(top<<4) >> (64 - 20)
				r.buf <<= 4 + 20
				r.n -= 4 + 20
			default:
				r.buf <<= 4
				r.n -= 4
				dod = int64(r.readBits(64))
			}
		} else {
			ones := 0
			for ones < 4 && r.readBit() {
				ones++
			}
			if ones == 4 {
				dod = int64(r.readBits(64))
			} else if ones > 0 {
				nb := dodBits[ones-1]
				u := r.readBits(nb)
				dod = int64(u<<(64-nb)) >> (64 - nb) // sign-extend
			}
		}
		if r.eof {
			return corrupt(it.i, "timestamp stream truncated")
		}
		it.delta += dod
	}
	it.t += it.delta
	return nil
}

func (it *Iterator) nextValue() error {
	if it.codec == CodecDecimal {
		v, err := it.dec.next(it.i)
		it.v = math.Float64bits(v)
		return err
	}
	r := &it.r
	if it.i == 0 {
		it.v = r.readBits(64)
		if r.eof {
			return corrupt(it.i, "value stream truncated")
		}
		return nil
	}
	if r.n < 13 {
		r.refill()
	}
	var newWindow bool
	if r.n >= 13 { // fast path: the control bits and window header are in buf
		top := r.buf
		if top>>63 == 0 {
			r.buf <<= 1
			r.n--
			return nil
		}
		newWindow = top>>62 == 0b11
		if !newWindow {
			r.buf <<= 2
			r.n -= 2
		}
	} else {
		if !r.readBit() {
			if r.eof {
				return corrupt(it.i, "value stream truncated")
			}
			return nil
		}
		newWindow = r.readBit()
		if newWindow {
			// Put the two control bits back in front of the header so
			// both paths read '11' + 11 bits below.
			w := r.readBits(11)
			if r.eof {
				return corrupt(it.i, "value stream truncated")
			}
			r.buf = r.buf>>13 | (0b11<<11|w)<<51
			r.n += 13
			r.buf &^= 1<<(64-r.n) - 1 // nothing but valid bits (refill ORs after them)
		}
	}
	if newWindow {
		w := r.buf >> 51 & 0x7ff
		r.buf <<= 13
		r.n -= 13
		lead, sig := uint8(w>>6), uint8(w&63)
		if sig == 0 {
			sig = 64
		}
		if r.eof {
			return corrupt(it.i, "value stream truncated")
		}
		if lead+sig > 64 {
			return corrupt(it.i, "XOR window of %d leading and %d meaningful bits", lead, sig)
		}
		it.lead, it.sig = lead, sig
	} else if it.sig == 0 {
		return corrupt(it.i, "XOR window reused before any was set")
	}
	x := r.readBits(it.sig)
	if r.eof {
		return corrupt(it.i, "value stream truncated")
	}
	it.v ^= x << (64 - it.lead - it.sig)
	return nil
}

// At returns the current point.
func (it *Iterator) At() (int64, float64) { return it.t, math.Float64frombits(it.v) }

// Err returns the error that stopped Next, if any.
func (it *Iterator) Err() error { return it.err }

// String describes the iterator's position, for debugging.
func (it *Iterator) String() string {
	return fmt.Sprintf("gorilla.Iterator{codec: %d, point %d of %d}", it.codec, it.i, it.count)
}

// DecodeAll returns every point of a chunk.
func DecodeAll(chunk []byte) ([]int64, []float64, error) {
	it, err := Decode(chunk)
	if err != nil {
		return nil, nil, err
	}
	ts := make([]int64, 0, it.count)
	vs := make([]float64, 0, it.count)
	for it.Next() {
		t, v := it.At()
		ts = append(ts, t)
		vs = append(vs, v)
	}
	return ts, vs, it.Err()
}
