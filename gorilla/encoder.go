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
// millisecond timestamps): control bits, then a signed value of that many
// bits. dodBits[i] is the width after i leading one bits and a zero.
var dodBits = [...]uint8{9, 14, 20}

// Encoder appends points to a chunk being built: timestamps as
// delta-of-deltas in one bit stream, values XORed in another. It is
// streaming: Bytes returns a valid chunk of the points so far at any time.
// An Encoder is not safe for concurrent use.
type Encoder struct {
	ts, vals   bitWriter
	n          int
	t, delta   int64
	v          uint64 // bits of the last value
	lead, sig  uint8  // current XOR window; sig == 0: none yet
	decimalOff bool   // Seal never tries the decimal codec
}

// NewEncoder returns an empty encoder.
func NewEncoder() *Encoder { return &Encoder{} }

// Len returns the number of points appended.
func (e *Encoder) Len() int { return e.n }

// Last returns the last timestamp and value appended (false when empty).
func (e *Encoder) Last() (int64, float64, bool) {
	return e.t, math.Float64frombits(e.v), e.n > 0
}

// Append adds a point. Timestamps may be any int64 sequence: differences
// are computed with wrapping arithmetic, so even out-of-order or
// overflowing steps round-trip (they just cost 68 bits).
func (e *Encoder) Append(t int64, v float64) {
	switch e.n {
	case 0:
		e.ts.writeUvarint(zigzag(t))
		e.vals.writeBits(math.Float64bits(v), 64)
		e.v = math.Float64bits(v)
	case 1:
		e.delta = t - e.t
		e.ts.writeUvarint(zigzag(e.delta))
		e.appendValue(v)
	default:
		d := t - e.t
		e.appendDod(d - e.delta)
		e.delta = d
		e.appendValue(v)
	}
	e.t = t
	e.n++
}

func (e *Encoder) appendDod(dod int64) {
	if dod == 0 {
		e.ts.writeBit(false)
		return
	}
	for i, nb := range dodBits {
		if fitsSigned(dod, nb) {
			// i+1 one bits then a zero: 0b10, 0b110, 0b1110.
			e.ts.writeBits(1<<(i+2)-2, uint8(i)+2)
			e.ts.writeBits(uint64(dod), nb)
			return
		}
	}
	e.ts.writeBits(0b1111, 4)
	e.ts.writeBits(uint64(dod), 64)
}

// fitsSigned reports whether v is representable in n-bit two's complement.
func fitsSigned(v int64, n uint8) bool {
	lim := int64(1) << (n - 1)
	return v >= -lim && v < lim
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
		e.vals.writeBit(false)
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
		e.vals.writeBits(0b10, 2)
		e.vals.writeBits(x>>(64-e.lead-e.sig), e.sig)
		return
	}
	e.lead, e.sig = lead, sig
	e.vals.writeBits(0b11, 2)
	e.vals.writeBits(uint64(lead), 5)
	e.vals.writeBits(uint64(sig&63), 6) // 64 is stored as 0
	e.vals.writeBits(x>>trail, sig)
}

// Bytes returns a chunk with the points so far, values XOR-encoded.
func (e *Encoder) Bytes() ([]byte, error) {
	if e.n == 0 {
		return nil, ErrEmpty
	}
	return e.assemble(CodecXOR, &e.vals), nil
}

// Seal returns the smaller of the XOR chunk and the decimal chunk (when
// every value is a short decimal, see decimal.go). The encoder may go on
// after Seal, but the model seals a chunk only when it is full.
func (e *Encoder) Seal() ([]byte, error) {
	xor, err := e.Bytes()
	if err != nil || e.decimalOff {
		return xor, err
	}
	vals := make([]float64, 0, e.n)
	it, err := Decode(xor)
	if err != nil {
		return nil, err
	}
	for it.Next() {
		_, v := it.At()
		vals = append(vals, v)
	}
	if it.Err() != nil {
		return nil, it.Err()
	}
	dw, ok := encodeDecimal(vals, e.vals.bitLen())
	if !ok {
		return xor, nil
	}
	if dec := e.assemble(CodecDecimal, dw); len(dec) < len(xor) {
		return dec, nil
	}
	return xor, nil
}

// DisableDecimal makes Seal return plain Gorilla chunks.
func (e *Encoder) DisableDecimal() { e.decimalOff = true }

// assemble lays a chunk out:
//
//	| version<<4|codec :1 | count: uvarint | tsLen: uvarint | ts stream: tsLen bytes | value stream |
func (e *Encoder) assemble(codec byte, vals *bitWriter) []byte {
	tsLen := (e.ts.bitLen() + 7) / 8
	out := make([]byte, 0, 1+2*binary.MaxVarintLen32+tsLen+(vals.bitLen()+7)/8)
	out = append(out, version<<4|codec)
	out = binary.AppendUvarint(out, uint64(e.n))
	out = binary.AppendUvarint(out, uint64(tsLen))
	out = e.ts.appendTo(out)
	return vals.appendTo(out)
}

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
