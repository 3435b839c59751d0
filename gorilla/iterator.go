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
	end       int // count, or 0 once an error stops the iterator
	t, delta  int64
	v         uint64
	lead, sig uint8
	shift     uint8 // 64 - lead - sig: where meaningful bits go
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
	it.count, it.end = int(count), int(count)
	it.r = newBitReader(tsStream)
	return nil
}

// Len returns the number of points the header announces.
func (it *Iterator) Len() int { return it.count }

// Codec returns the chunk's value codec (CodecXOR or CodecDecimal).
func (it *Iterator) Codec() byte { return it.codec }

// Next decodes the next point; false at the end or on error.
//
// The body is the common case of an XOR chunk, decoded in one pass over
// the bit buffer with control bits read in place (int64(x) >> k
// sign-extends the top 64-k bits): the buffer holds fastBits, enough for
// the widest bucketed delta-of-delta and a value header, so only the
// meaningful value bits may need a refill. The first two points, the
// 64-bit timestamp escape, a chunk's last few bytes and decimal chunks
// go through nextSlow.
func (it *Iterator) Next() bool {
	if it.i >= it.end {
		return false
	}
	r := &it.r
	if it.i < 2 || it.codec != CodecXOR {
		return it.nextSlow()
	}
	top := r.buf
	// A point repeating the previous step and value is two zero bits
	// (see Encoder.Append): no refill, no decoding.
	if r.n >= 2 && top>>62 == 0 {
		r.buf <<= 2
		r.n -= 2
		it.t += it.delta
		it.i++
		return true
	}
	if r.n < fastBits {
		r.refill()
		if r.n < fastBits {
			return it.nextSlow()
		}
		top = r.buf
	}
	var dod int64
	var tb uint8 // timestamp bits
	switch {
	case top>>63 == 0:
		tb = 1
	case top>>62 == 0b10:
		dod, tb = int64(top<<2)>>(64-dod1), 2+dod1
	case top>>61 == 0b110:
		dod, tb = int64(top<<3)>>(64-dod2), 3+dod2
	case top>>60 == 0b1110:
		dod, tb = int64(top<<4)>>(64-dod3), 4+dod3
	default:
		return it.nextSlow()
	}
	it.delta += dod
	it.t += it.delta
	v := top << tb
	switch {
	case v>>63 == 0: // same value
		r.buf <<= tb + 1
		r.n -= tb + 1
		it.i++
		return true
	case v>>62 == 0b10:
		if it.sig == 0 {
			return it.fail(errWindowUnset(it.i))
		}
		r.buf <<= tb + 2
		r.n -= tb + 2
	default:
		w := v >> 51 & 0x7ff
		r.buf <<= tb + 13
		r.n -= tb + 13
		if err := it.setWindow(uint8(w>>6), uint8(w&63)); err != nil {
			return it.fail(err)
		}
	}
	x := r.readBits(it.sig)
	if r.eof {
		return it.fail(errValueTruncated(it.i))
	}
	it.v ^= x << it.shift
	it.i++
	return true
}

// fastBits is what Next's fast path needs in the bit buffer: the widest
// bucketed delta-of-delta (4+20 bits) and a value's control bits and
// window header (13).
const fastBits = 4 + dod3 + 13

// nextSlow decodes a point through nextTime and nextValue, which handle
// every case bit by bit where the buffer runs short.
func (it *Iterator) nextSlow() bool {
	if err := it.nextTime(); err != nil {
		return it.fail(err)
	}
	if err := it.nextValue(); err != nil {
		return it.fail(err)
	}
	it.i++
	return true
}

// setWindow installs a new XOR window read from a chunk (64 meaningful
// bits are stored as 0).
func (it *Iterator) setWindow(lead, sig uint8) error {
	if sig == 0 {
		sig = 64
	}
	if lead+sig > 64 {
		return corrupt(it.i, "XOR window of %d leading and %d meaningful bits", lead, sig)
	}
	it.lead, it.sig, it.shift = lead, sig, 64-lead-sig
	return nil
}

func errWindowUnset(i int) error    { return corrupt(i, "XOR window reused before any was set") }
func errValueTruncated(i int) error { return corrupt(i, "value stream truncated") }

// fail stops the iterator at err.
func (it *Iterator) fail(err error) bool {
	it.err, it.end = err, 0
	return false
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
		// Bit by bit: Next decodes in place whenever the buffer holds
		// a whole timestamp, so this runs only near a chunk's end and for
		// the 64-bit escape.
		r := &it.r
		var dod int64
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
			return errValueTruncated(it.i)
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
				return errValueTruncated(it.i)
			}
			return nil
		}
		newWindow = r.readBit()
		if newWindow {
			// Put the two control bits back in front of the header so
			// both paths read '11' + 11 bits below.
			w := r.readBits(11)
			if r.eof {
				return errValueTruncated(it.i)
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
		if r.eof {
			return errValueTruncated(it.i)
		}
		if err := it.setWindow(uint8(w>>6), uint8(w&63)); err != nil {
			return err
		}
	} else if it.sig == 0 {
		return errWindowUnset(it.i)
	}
	x := r.readBits(it.sig)
	if r.eof {
		return errValueTruncated(it.i)
	}
	it.v ^= x << it.shift
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
