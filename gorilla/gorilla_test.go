package gorilla

import (
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/aegisdb/aegis/internal/testutil"
)

func checkRoundTrip(t *testing.T, name string, ts []int64, vs []float64) (xorLen, sealLen int) {
	t.Helper()
	e := NewEncoder()
	for i := range ts {
		e.Append(ts[i], vs[i])
	}
	xor, err := e.Bytes()
	if err != nil {
		t.Fatalf("%s: Bytes: %v", name, err)
	}
	sealed, err := e.Seal()
	if err != nil {
		t.Fatalf("%s: Seal: %v", name, err)
	}
	if len(sealed) > len(xor) {
		t.Fatalf("%s: sealed chunk %d bytes, larger than XOR %d", name, len(sealed), len(xor))
	}
	for _, c := range []struct {
		kind  string
		chunk []byte
	}{{"xor", xor}, {"sealed", sealed}} {
		gt, gv, err := DecodeAll(c.chunk)
		if err != nil {
			t.Fatalf("%s/%s: decode: %v", name, c.kind, err)
		}
		if len(gt) != len(ts) {
			t.Fatalf("%s/%s: %d points back, want %d", name, c.kind, len(gt), len(ts))
		}
		for i := range ts {
			if gt[i] != ts[i] || math.Float64bits(gv[i]) != math.Float64bits(vs[i]) {
				t.Fatalf("%s/%s: point %d = (%d, %v), want (%d, %v)", name, c.kind, i, gt[i], gv[i], ts[i], vs[i])
			}
		}
	}
	return len(xor), len(sealed)
}

func TestRoundTripTable(t *testing.T) {
	regular := func(n int, step int64) []int64 {
		ts := make([]int64, n)
		for i := range ts {
			ts[i] = 1_700_000_000_000 + int64(i)*step
		}
		return ts
	}
	fill := func(n int, f func(i int) float64) []float64 {
		vs := make([]float64, n)
		for i := range vs {
			vs[i] = f(i)
		}
		return vs
	}
	cases := []struct {
		name      string
		ts        []int64
		vs        []float64
		wantCodec byte
		maxPerPt  float64 // bytes per point bound for the sealed chunk; 0 = none
	}{
		{name: "single", ts: []int64{42}, vs: []float64{1.5}},
		{name: "two", ts: []int64{-5, 7}, vs: []float64{1, 2}},
		{name: "constant", ts: regular(120, 10_000), vs: fill(120, func(int) float64 { return 3.25 }), wantCodec: CodecDecimal, maxPerPt: 0.3},
		{name: "monotonic counter", ts: regular(120, 10_000), vs: fill(120, func(i int) float64 { return float64(1000 + 7*i) }), wantCodec: CodecDecimal, maxPerPt: 0.3},
		{name: "two decimals", ts: regular(120, 15_000), vs: fill(120, func(i int) float64 { return float64(4000+(i*37)%200) / 100 }), wantCodec: CodecDecimal},
		{name: "NaN and Inf", ts: regular(6, 1), vs: []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1), math.Float64frombits(0x7ff8000000000001)}, wantCodec: CodecXOR},
		{name: "negative zero only", ts: regular(3, 1), vs: []float64{math.Copysign(0, -1), math.Copysign(0, -1), 1}, wantCodec: CodecXOR},
		{name: "extremes", ts: regular(4, 1), vs: []float64{math.MaxFloat64, math.SmallestNonzeroFloat64, -math.MaxFloat64, 1e300}, wantCodec: CodecXOR},
		{name: "large jumps", ts: []int64{0, 1, 1 << 40, 1<<40 + 1, -1 << 50, 3}, vs: []float64{1, 1e10, -1e-10, 5, 5, 6}},
		{name: "out-of-range deltas", ts: []int64{math.MinInt64, math.MaxInt64, math.MinInt64, 0, math.MaxInt64, math.MaxInt64}, vs: []float64{0, 1, 2, 3, 4, 5}},
		{name: "every dod bucket", ts: []int64{0, 10, 20, 30 + 255, 40, 50 + 8000, 60, 70 + 500_000, 80, 90 + 1<<40, 100}, vs: fill(11, func(i int) float64 { return float64(i) })},
		{name: "decreasing time", ts: []int64{100, 90, 80, 85, 10}, vs: []float64{1, 2, 3, 4, 5}},
		{name: "integers beyond 2^53", ts: regular(3, 1), vs: []float64{1 << 60, 1<<60 + 256, 3}, wantCodec: CodecXOR},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, sealLen := checkRoundTrip(t, c.name, c.ts, c.vs)
			if c.wantCodec != 0 || c.name == "NaN and Inf" {
				e := NewEncoder()
				for i := range c.ts {
					e.Append(c.ts[i], c.vs[i])
				}
				chunk, _ := e.Seal()
				it, err := Decode(chunk)
				if err != nil {
					t.Fatal(err)
				}
				if it.Codec() != c.wantCodec {
					t.Errorf("codec %d, want %d", it.Codec(), c.wantCodec)
				}
			}
			if c.maxPerPt > 0 {
				if per := float64(sealLen) / float64(len(c.ts)); per > c.maxPerPt {
					t.Errorf("%.2f bytes per point, want at most %.2f", per, c.maxPerPt)
				}
			}
		})
	}
}

// TestRoundTripRandom is the property test: random series of every shape
// decode to exactly what was appended, through both codecs.
func TestRoundTripRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(testutil.Seed(t), 1))
	iters := 400
	if testutil.Long() {
		iters = 40_000
	}
	for it := 0; it < iters; it++ {
		n := 1 + rng.IntN(300)
		ts := make([]int64, n)
		vs := make([]float64, n)
		tsKind, vKind := rng.IntN(4), rng.IntN(7)
		t0 := rng.Int64() >> uint(rng.IntN(64))
		step := rng.Int64N(100_000)
		walk := float64(rng.IntN(10000)) / 100
		for i := range n {
			switch tsKind {
			case 0: // regular
				ts[i] = t0 + int64(i)*step
			case 1: // jitter
				ts[i] = t0 + int64(i)*step + rng.Int64N(2001) - 1000
			case 2: // arbitrary
				ts[i] = int64(rng.Uint64())
			default: // monotonic with occasional huge gaps
				if i > 0 {
					ts[i] = ts[i-1] + rng.Int64N(10)
					if rng.IntN(20) == 0 {
						ts[i] += rng.Int64() >> 8
					}
				} else {
					ts[i] = t0
				}
			}
			switch vKind {
			case 0:
				vs[i] = math.Float64frombits(rng.Uint64())
			case 1:
				vs[i] = rng.NormFloat64() * 1e6
			case 2: // two-decimal random walk
				walk = math.Round(walk*100+float64(rng.IntN(101)-50)) / 100
				vs[i] = walk
			case 3: // counter
				vs[i] = float64(i * rng.IntN(5))
			case 4: // constant
				vs[i] = 7
			case 5: // specials mixed in
				sp := []float64{math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1), 0, 1.5}
				vs[i] = sp[rng.IntN(len(sp))]
			default: // decimals of random scale with an occasional non-decimal
				s := rng.IntN(8)
				vs[i] = float64(rng.Int64N(1e9)-5e8) / pow10[s]
				if rng.IntN(100) == 0 {
					vs[i] = math.Pi
				}
			}
		}
		checkRoundTrip(t, "random "+strconv.Itoa(it), ts, vs)
	}
}

// TestStreaming checks that Bytes is valid after every Append and that
// Resume continues a chunk exactly.
func TestStreaming(t *testing.T) {
	rng := rand.New(rand.NewPCG(testutil.Seed(t), 2))
	e := NewEncoder()
	var ts []int64
	var vs []float64
	for i := range 200 {
		tt, v := int64(i)*1000+rng.Int64N(50), float64(rng.IntN(1000))/10
		e.Append(tt, v)
		ts, vs = append(ts, tt), append(vs, v)
		chunk, err := e.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		gt, gv, err := DecodeAll(chunk)
		if err != nil || len(gt) != len(ts) || gt[i] != tt || gv[i] != v {
			t.Fatalf("after %d appends: %d points, err %v", i+1, len(gt), err)
		}
		if i == 100 {
			r, err := Resume(chunk)
			if err != nil {
				t.Fatal(err)
			}
			e = r
		}
	}
	if _, err := NewEncoder().Bytes(); !errors.Is(err, ErrEmpty) {
		t.Fatalf("empty Bytes: %v, want ErrEmpty", err)
	}
}

func TestCorruptChunks(t *testing.T) {
	e := NewEncoder()
	for i := range 50 {
		e.Append(int64(i)*10, float64(i)*1.1)
	}
	good, _ := e.Bytes()
	cases := []struct {
		name  string
		chunk []byte
	}{
		{"empty", nil},
		{"bad version", append([]byte{0x20}, good[1:]...)},
		{"bad codec", append([]byte{0x17}, good[1:]...)},
		{"zero count", []byte{0x10, 0, 0}},
		{"count too large for stream", []byte{0x10, 0xff, 0xff, 0x03, 1, 0}},
		{"ts length past end", []byte{0x10, 2, 0x7f, 0}},
		{"truncated", good[:len(good)/2]},
		{"truncated header", good[:2]},
		{"reuse before window", []byte{0x10, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x40}},
		{"decimal bad scale", []byte{0x11, 1, 1, 0, 0xff}},
		{"decimal truncated", []byte{0x11, 3, 1, 0, 0x02}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := DecodeAll(c.chunk)
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("err = %v, want ErrCorrupt", err)
			}
		})
	}
}

// FuzzDecode feeds arbitrary bytes to the decoder: it must return an
// error or points, never panic. Run: go test ./gorilla -fuzz FuzzDecode
func FuzzDecode(f *testing.F) {
	e := NewEncoder()
	for i := range 30 {
		e.Append(int64(i)*10_000+int64(i%3), float64(i%7)/4)
	}
	x, _ := e.Bytes()
	d, _ := e.Seal()
	f.Add(x)
	f.Add(d)
	f.Fuzz(func(t *testing.T, chunk []byte) {
		it, err := Decode(chunk)
		if err != nil {
			return
		}
		n := 0
		for it.Next() {
			n++
		}
		if it.Err() == nil && n != it.Len() {
			t.Fatalf("%d points without error, header says %d", n, it.Len())
		}
	})
}

// FuzzRoundTrip encodes points made from arbitrary bytes and checks they
// come back exactly. Run: go test ./gorilla -fuzz FuzzRoundTrip
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte("0123456789abcdef0123456789abcdef"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		var ts []int64
		var vs []float64
		for len(raw) >= 16 {
			ts = append(ts, int64(leUint64(raw)))
			v := math.Float64frombits(leUint64(raw[8:]))
			if raw[15]&1 == 0 { // bias towards short decimals
				v = float64(int64(leUint64(raw[8:]))%100000) / 100
			}
			vs = append(vs, v)
			raw = raw[16:]
		}
		if len(ts) == 0 {
			return
		}
		checkRoundTrip(t, "fuzz", ts, vs)
	})
}

func leUint64(b []byte) uint64 {
	var v uint64
	for i := 7; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}
