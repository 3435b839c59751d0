package gorilla

import (
	"encoding/binary"
	"math"
	"math/bits"
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
// after i+1 one bits and a zero.
var dodBits = [...]uint8{9, 14, 20}

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

func appendDod(w *bitWriter, dod int64) {
	// Control bits and value go out in one writeBits where they fit.
	switch {
	case dod == 0:
		w.writeBit(false)
	case fitsSigned(dod, dodBits[0]):
		w.writeBits(0b10<<dodBits[0]|uint64(dod)&(1<<dodBits[0]-1), 2+dodBits[0])
	case fitsSigned(dod, dodBits[1]):
		w.writeBits(0b110<<dodBits[1]|uint64(dod)&(1<<dodBits[1]-1), 3+dodBits[1])
	case fitsSigned(dod, dodBits[2]):
		w.writeBits(0b1110<<dodBits[2]|uint64(dod)&(1<<dodBits[2]-1), 4+dodBits[2])
	default:
		w.writeBits(0b1111, 4)
		w.writeBits(uint64(dod), 64)
	}
}

// fitsSigned reports whether v is representable in n-bit two's complement.
func fitsSigned(v int64, n uint8) bool {
	lim := int64(1) << (n - 1)
	return v >= -lim && v < lim
}

// Encoder appends points to a chunk being built, timestamp then value,
// interleaved in one bit stream as Gorilla does. It is streaming: Bytes
// returns a valid chunk of the points so far at any time. An Encoder is
// not safe for concurrent use.
type Encoder struct {
	w          bitWriter
	ts         tsEncoder
	v          uint64 // bits of the last value
	lead, sig  uint8  // current XOR window; sig == 0: none yet
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
func (e *Encoder) Append(t int64, v float64) {
	first := e.ts.n == 0
	if first && e.w.b == nil {
		e.w.b = make([]byte, 0, 256) // a 120-point chunk rarely needs more
	}
	e.ts.append(&e.w, t)
	if first {
		e.v = math.Float64bits(v)
		e.w.writeBits(e.v, 64)
		return
	}
	e.appendValue(v)
}

// appendValue writes v XORed with the previous value: '0' when equal,
// '10' + meaningful bits when they fit the current window, else '11' +
// 5 bits of leading zeros + 6 bits of length + meaningful bits. Unlike the
// paper, a new window is opened whenever it is cheaper than reusing the
// old one, so a value after an outlier does not pay for the outlier's
// wide window.
func (e *Encoder) appendValue(v float64) {
	b := math.Float64bits(v)
	x := b ^ e.v
	e.v = b
	if x == 0 {
		e.w.writeBit(false)
		return
	}
	lead := uint8(bits.LeadingZeros64(x))
	trail := uint8(bits.TrailingZeros64(x))
	if lead > 31 {
		lead = 31
	}
	sig := 64 - lead - trail
	if e.sig != 0 && lead >= e.lead && trail >= 64-e.lead-e.sig &&
		int(e.sig) <= int(sig)+11 {
		e.w.writeBits(0b10, 2)
		e.w.writeBits(x>>(64-e.lead-e.sig), e.sig)
		return
	}
	e.lead, e.sig = lead, sig
	// '11', 5 bits of leading zeros, 6 bits of length (64 stored as 0).
	e.w.writeBits(0b11<<11|uint64(lead)<<6|uint64(sig&63), 13)
	e.w.writeBits(x>>trail, sig)
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
