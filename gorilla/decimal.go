package gorilla

import (
	"math"
	"math/bits"
)

// The decimal-aware value codec, in the spirit of ALP (Afroozeh et al.,
// SIGMOD 2024) and Elf (Li et al., VLDB 2023): a gauge read from a sensor or
// a percentage with two decimals is, as a float64, a short decimal whose
// binary mantissa looks random to XOR. Scaled by 10^scale it is an exact
// integer, and consecutive integers differ by little, so the codec stores
//
//	value stream: | scale: 8 bits | n0: zigzag varint |
//	              then per block of up to 64 points:
//	              | min delta: zigzag varint | width: 7 bits | (delta-min): width bits each |
//
// where n_i = round(v_i * 10^scale) and delta_i = n_i - n_(i-1). Decoding
// is v_i = float64(n_i) / 10^scale, a correctly rounded division, so a
// chunk is written in this codec only if that gives back every value bit
// for bit (no NaN, no infinity, no -0, |n| < 2^53); otherwise the chunk
// stays XOR. The block's frame of reference (min) plus bit-packing is the
// "delta + bit-packing" of the issue; blocks keep one outlier from
// widening the whole chunk.

const (
	// maxScale is the largest decimal scale tried: beyond it the scaled
	// integers no longer beat XOR.
	maxScale  = 15
	blockSize = 64
	maxExact  = 1 << 53
)

var pow10 = func() (p [maxScale + 1]float64) {
	p[0] = 1
	for i := 1; i <= maxScale; i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// scaled returns round(v*10^s) if dividing it by 10^s gives v back exactly.
func scaled(v float64, s int) (int64, bool) {
	f := math.Round(v * pow10[s])
	if !(f > -maxExact && f < maxExact) { // also false for NaN
		return 0, false
	}
	n := int64(f)
	back := float64(n) / pow10[s]
	return n, math.Float64bits(back) == math.Float64bits(v)
}

// decimalScale returns the smallest scale at which every value is exact.
func decimalScale(vals []float64) (int, bool) {
	s := 0
	for _, v := range vals {
		for {
			if _, ok := scaled(v, s); ok {
				break
			}
			if s++; s > maxScale {
				return 0, false
			}
		}
	}
	return s, true
}

// encodeDecimal encodes vals in the decimal codec. It gives up (false) when
// the values are not short decimals or the stream grows past limitBits,
// the size of the XOR stream it competes with.
func encodeDecimal(vals []float64, limitBits int) (*bitWriter, bool) {
	s, ok := decimalScale(vals)
	if !ok {
		return nil, false
	}
	ns := make([]int64, len(vals))
	for i, v := range vals {
		n, ok := scaled(v, s) // a larger scale than a value needed may still fail
		if !ok {
			return nil, false
		}
		ns[i] = n
	}
	w := &bitWriter{}
	w.writeBits(uint64(s), 8)
	w.writeUvarint(zigzag(ns[0]))
	var deltas [blockSize]int64
	for start := 1; start < len(ns); start += blockSize {
		k := min(blockSize, len(ns)-start)
		lo := int64(math.MaxInt64)
		for j := 0; j < k; j++ {
			deltas[j] = ns[start+j] - ns[start+j-1]
			lo = min(lo, deltas[j])
		}
		var or uint64
		for j := 0; j < k; j++ {
			or |= uint64(deltas[j] - lo)
		}
		width := uint8(64 - bits.LeadingZeros64(or))
		w.writeUvarint(zigzag(lo))
		w.writeBits(uint64(width), 7)
		for j := 0; j < k; j++ {
			w.writeBits(uint64(deltas[j]-lo), width)
		}
		if w.bitLen() >= limitBits {
			return nil, false
		}
	}
	return w, true
}

// decimalReader decodes a decimal value stream lazily, block by block.
type decimalReader struct {
	r       bitReader
	scale   float64
	n       int64
	left    int // points left in the current block
	lo      int64
	width   uint8
	started bool
}

// next returns the next value; i is the point index, for errors.
func (d *decimalReader) next(i int) (float64, error) {
	if !d.started {
		s := d.r.readBits(8)
		if d.r.eof {
			return 0, corrupt(i, "decimal stream: truncated scale")
		}
		if s > maxScale {
			return 0, corrupt(i, "decimal stream: scale %d above %d", s, maxScale)
		}
		d.scale = pow10[s]
		u, ok := d.r.readUvarint()
		if !ok {
			return 0, corrupt(i, "decimal stream: bad first value")
		}
		d.n = unzigzag(u)
		d.started = true
		return float64(d.n) / d.scale, nil
	}
	if d.left == 0 {
		u, ok := d.r.readUvarint()
		if !ok {
			return 0, corrupt(i, "decimal stream: bad block minimum")
		}
		d.lo = unzigzag(u)
		d.width = uint8(d.r.readBits(7))
		if d.r.eof {
			return 0, corrupt(i, "decimal stream: truncated block header")
		}
		if d.width > 64 {
			return 0, corrupt(i, "decimal stream: block width %d above 64", d.width)
		}
		d.left = blockSize
	}
	delta := d.lo
	if d.width > 0 {
		delta += int64(d.r.readBits(d.width))
	}
	if d.r.eof {
		return 0, corrupt(i, "decimal stream: truncated delta")
	}
	d.left--
	d.n += delta
	return float64(d.n) / d.scale, nil
}
