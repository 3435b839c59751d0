package gorilla

import (
	"encoding/binary"
	"math"
	"math/bits"
	"slices"
)

// Chunk header byte: version in the high nibble, value codec in the low.
const (
	version = 1

	// CodecXOR is Gorilla's XOR float encoding (paper section 4.1.2).
	CodecXOR = 0
	// CodecDecimal is the decimal-aware codec of decimal.go.
	CodecDecimal = 1
)

// Delta-of-delta buckets for timestamps (paper section 4.1.1, widened for
// millisecond timestamps): dodBits[i] is the width of the signed value
// after i+1 one bits and a zero. The constants let the encoder's masks
// and shifts fold at compile time.
const dod1, dod2, dod3 = 9, 14, 20

var dodBits = [...]uint8{dod1, dod2, dod3}

// tsEncoder writes timestamps: t0 as a zigzag varint, the first delta as
// a sign bit and a varint, then delta-of-deltas in buckets.
type tsEncoder struct {
	n        int
	t, delta int64
}

func (e *tsEncoder) append(w *bitWriter, t int64) {
	switch e.n {
	case 0:
		w.writeUvarint(zigzag(t))
	case 1:
		e.delta = t - e.t
		w.writeBit(e.delta < 0)
		if e.delta < 0 {
			w.writeUvarint(uint64(-e.delta)) // wraps right for MinInt64
		} else {
			w.writeUvarint(uint64(e.delta))
		}
	default:
		d := t - e.t
		appendDod(w, d-e.delta)
		e.delta = d
	}
	e.t = t
	e.n++
}

// appendDod writes a delta-of-delta: control bits and value in one
// writeBits where they fit.
func appendDod(w *bitWriter, dod int64) {
	switch {
	case dod == 0:
		w.writeZeros(1)
	case fitsSigned(dod, dod1):
		w.writeBits(0b10<<dod1|uint64(dod)&(1<<dod1-1), 2+dod1)
	case fitsSigned(dod, dod2):
		w.writeBits(0b110<<dod2|uint64(dod)&(1<<dod2-1), 3+dod2)
	case fitsSigned(dod, dod3):
		w.writeBits(0b1110<<dod3|uint64(dod)&(1<<dod3-1), 4+dod3)
	default:
		w.writeBits(0b1111, 4)
		w.writeBits(uint64(dod), 64)
	}
}

// fitsSigned reports whether v is representable in n-bit two's
// complement: shifting the range [-2^(n-1), 2^(n-1)) to [0, 2^n) makes
// it one unsigned compare.
func fitsSigned(v int64, n uint8) bool {
	return uint64(v)+1<<(n-1) < 1<<n
}

// Encoder appends points to a chunk being built, timestamp then value,
// interleaved in one bit stream as Gorilla does. It is streaming: Bytes
// returns a valid chunk of the points so far at any time. An Encoder is
// not safe for concurrent use.
type Encoder struct {
	w          bitWriter
	ts         tsEncoder
	v          uint64 // bits of the last value
	lead, sig  uint8  // current XOR window
	window     uint64 // mask of the window's bits; 0: none yet
	decimalOff bool   // Seal never tries the decimal codec
}

// NewEncoder returns an empty encoder.
func NewEncoder() *Encoder { return &Encoder{} }

// Len returns the number of points appended.
func (e *Encoder) Len() int { return e.ts.n }

// Last returns the last timestamp and value appended (false when empty).
func (e *Encoder) Last() (int64, float64, bool) {
	return e.ts.t, math.Float64frombits(e.v), e.ts.n > 0
}

// Append adds a point. Timestamps may be any int64 sequence: differences
// are computed with wrapping arithmetic, so even out-of-order or
// overflowing steps round-trip (they just cost 68 bits).
//
// From the third point on, the timestamp's delta-of-delta is computed
// here rather than through tsEncoder, so that a point repeating the
// previous step and value (a scrape of an idle gauge) is one test and
// two zero bits, with no call.
func (e *Encoder) Append(t int64, v float64) {
	if e.ts.n < 2 {
		e.appendHead(t, v)
		return
	}
	d := t - e.ts.t
	dod := d - e.ts.delta
	e.ts.t, e.ts.delta = t, d
	e.ts.n++
	if cap(e.w.b)-len(e.w.b) < maxPointBytes {
		e.grow()
	}
	b := math.Float64bits(v)
	x := b ^ e.v
	e.v = b
	if dod == 0 && x == 0 {
		e.w.writeZeros(2)
		return
	}
	if dod == 0 {
		e.w.writeZeros(1)
	} else {
		appendDod(&e.w, dod)
	}
	if x == 0 {
		e.w.writeZeros(1)
		return
	}
	e.appendXOR(x)
}

// maxPointBytes bounds what one point can flush to the writer's buffer:
// 68 bits of timestamp and 77 of value fill at most three words.
const maxPointBytes = 24

// chunkPoints is the chunk length the buffer is sized for, Prometheus's
// and model/timeseries's default (rounded up).
const chunkPoints = 128

// grow makes room for the rest of a chunk at once, at the bytes per
// point seen so far (or doubles past chunkPoints), so that a chunk of
// random floats costs one reallocation rather than append's four.
func (e *Encoder) grow() {
	perPoint := len(e.w.b)/e.ts.n + 1
	want := max(2*cap(e.w.b), perPoint*chunkPoints+maxPointBytes)
	e.w.b = slices.Grow(e.w.b, want-len(e.w.b))
}

// appendHead writes the first two points, whose timestamps are varints.
func (e *Encoder) appendHead(t int64, v float64) {
	if e.ts.n == 0 && e.w.b == nil {
		e.w.b = make([]byte, 0, 64) // enough for a constant chunk; grow sizes the rest
	}
	first := e.ts.n == 0
	e.ts.append(&e.w, t)
	b := math.Float64bits(v)
	if first {
		e.v = b
		e.w.writeBits(b, 64)
		return
	}
	x := b ^ e.v
	e.v = b
	if x == 0 {
		e.w.writeZeros(1)
		return
	}
	e.appendXOR(x)
}

// appendXOR writes a non-zero x = bits(v) ^ bits(prev): '10' +
// meaningful bits when they fit the current window, else '11' + 5 bits
// of leading zeros + 6 bits of length + meaningful bits. Unlike the
// paper, a new window is opened whenever it is cheaper than reusing the
// old one, so a value after an outlier does not pay for the outlier's
// wide window. Control bits and payload go out in one writeBits when
// they fit 64 bits.
func (e *Encoder) appendXOR(x uint64) {
	lead := uint8(bits.LeadingZeros64(x))
	trail := uint8(bits.TrailingZeros64(x))
	if lead > 31 {
		lead = 31
	}
	sig := 64 - lead - trail
	// x fits the window iff it has no bit outside it; the window is
	// only reused if that wastes at most the 11 bits a new header costs.
	if x&^e.window == 0 && e.sig <= sig+11 {
		p := x >> (64 - e.lead - e.sig)
		if e.sig <= 62 {
			e.w.writeBits(0b10<<e.sig|p, 2+e.sig)
		} else {
			e.w.writeBits(0b10, 2)
			e.w.writeBits(p, e.sig)
		}
		return
	}
	e.lead, e.sig = lead, sig
	e.window = (^uint64(0) >> lead) &^ (1<<trail - 1)
	// 64 meaningful bits are stored as length 0.
	hdr := 0b11<<11 | uint64(lead)<<6 | uint64(sig&63)
	if sig <= 64-13 {
		e.w.writeBits(hdr<<sig|x>>trail, 13+sig)
	} else {
		e.w.writeBits(hdr, 13)
		e.w.writeBits(x>>trail, sig)
	}
}

// Bytes returns a chunk with the points so far, values XOR-encoded:
//
//	| version<<4|CodecXOR :1 | count: uvarint | t0 v0 t1 v1 ... (bits) |
func (e *Encoder) Bytes() ([]byte, error) {
	if e.ts.n == 0 {
		return nil, ErrEmpty
	}
	out := make([]byte, 0, 1+binary.MaxVarintLen32+(e.w.bitLen()+7)/8)
	out = append(out, version<<4|CodecXOR)
	out = binary.AppendUvarint(out, uint64(e.ts.n))
	return e.w.appendTo(out), nil
}

// Seal returns the smaller of the XOR chunk and the decimal chunk (when
// every value is a short decimal, see decimal.go):
//
//	| version<<4|CodecDecimal :1 | count: uvarint | tsLen: uvarint |
//	| timestamp stream: tsLen bytes | decimal value stream |
func (e *Encoder) Seal() ([]byte, error) {
	xor, err := e.Bytes()
	if err != nil || e.decimalOff {
		return xor, err
	}
	ts, vals, err := DecodeAll(xor)
	if err != nil {
		return nil, err
	}
	dw, ok := encodeDecimal(vals, e.w.bitLen())
	if !ok {
		return xor, nil
	}
	var tw bitWriter
	var te tsEncoder
	for _, t := range ts {
		te.append(&tw, t)
	}
	tsLen := (tw.bitLen() + 7) / 8
	out := make([]byte, 0, 1+2*binary.MaxVarintLen32+tsLen+(dw.bitLen()+7)/8)
	out = append(out, version<<4|CodecDecimal)
	out = binary.AppendUvarint(out, uint64(len(ts)))
	out = binary.AppendUvarint(out, uint64(tsLen))
	out = tw.appendTo(out)
	if out = dw.appendTo(out); len(out) < len(xor) {
		return out, nil
	}
	return xor, nil
}

// DisableDecimal makes Seal return plain Gorilla chunks.
func (e *Encoder) DisableDecimal() { e.decimalOff = true }

// Resume returns an encoder holding the points of chunk, ready for more
// (how a head chunk is reopened after a restart).
func Resume(chunk []byte) (*Encoder, error) {
	it, err := Decode(chunk)
	if err != nil {
		return nil, err
	}
	e := NewEncoder()
	for it.Next() {
		e.Append(it.At())
	}
	if err := it.Err(); err != nil {
		return nil, err
	}
	return e, nil
}
