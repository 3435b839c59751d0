package keyenc

import (
	"bytes"
	"cmp"
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// item is one typed value for the tests, with its own comparison.
type item struct {
	kind Kind
	b    bool
	i    int64
	f    float64
	s    string
}

func (it item) append(dst []byte, dir Direction) []byte {
	switch it.kind {
	case KindNull:
		return AppendNull(dst, dir)
	case KindBool:
		return AppendBool(dst, it.b, dir)
	case KindInt:
		return AppendInt(dst, it.i, dir)
	case KindFloat:
		return AppendFloat(dst, it.f, dir)
	case KindString:
		return AppendString(dst, it.s, dir)
	default:
		return AppendBytes(dst, []byte(it.s), dir)
	}
}

// compareItems is the order the encoding must reproduce: by kind (NULL
// first), then by value; floats with NaN greatest and -0 == +0.
func compareItems(a, b item) int {
	if c := cmp.Compare(a.kind, b.kind); c != 0 {
		return c
	}
	switch a.kind {
	case KindBool:
		return cmp.Compare(boolInt(a.b), boolInt(b.b))
	case KindInt:
		return cmp.Compare(a.i, b.i)
	case KindFloat:
		an, bn := math.IsNaN(a.f), math.IsNaN(b.f)
		switch {
		case an && bn:
			return 0
		case an:
			return 1
		case bn:
			return -1
		}
		return cmp.Compare(a.f, b.f)
	case KindString, KindBytes:
		return cmp.Compare(a.s, b.s)
	}
	return 0
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

var edgeItems = []item{
	{kind: KindNull},
	{kind: KindBool, b: false}, {kind: KindBool, b: true},
	{kind: KindInt, i: math.MinInt64}, {kind: KindInt, i: -1}, {kind: KindInt, i: 0},
	{kind: KindInt, i: 1}, {kind: KindInt, i: 255}, {kind: KindInt, i: 256}, {kind: KindInt, i: math.MaxInt64},
	{kind: KindFloat, f: math.Inf(-1)}, {kind: KindFloat, f: -math.MaxFloat64}, {kind: KindFloat, f: -1.5},
	{kind: KindFloat, f: -math.SmallestNonzeroFloat64}, {kind: KindFloat, f: math.Copysign(0, -1)},
	{kind: KindFloat, f: 0}, {kind: KindFloat, f: math.SmallestNonzeroFloat64}, {kind: KindFloat, f: 1},
	{kind: KindFloat, f: math.MaxFloat64}, {kind: KindFloat, f: math.Inf(1)}, {kind: KindFloat, f: math.NaN()},
	{kind: KindString, s: ""}, {kind: KindString, s: "\x00"}, {kind: KindString, s: "\x00\x00"},
	{kind: KindString, s: "\x00\x01"}, {kind: KindString, s: "\x01"}, {kind: KindString, s: "a"},
	{kind: KindString, s: "a\x00"}, {kind: KindString, s: "a\x00b"}, {kind: KindString, s: "ab"},
	{kind: KindString, s: "b"}, {kind: KindString, s: "\xff"}, {kind: KindString, s: "\xff\xff"},
	{kind: KindBytes, s: ""}, {kind: KindBytes, s: "\x00"}, {kind: KindBytes, s: "\xff\x00"},
}

func TestSingleValueOrder(t *testing.T) {
	for _, dir := range []Direction{Ascending, Descending} {
		for _, a := range edgeItems {
			for _, b := range edgeItems {
				want := compareItems(a, b)
				if dir == Descending {
					want = -want
				}
				got := bytes.Compare(a.append(nil, dir), b.append(nil, dir))
				if got != want {
					t.Errorf("dir=%v: compare(%v, %v) encoded = %d, want %d", dir, a, b, got, want)
				}
			}
		}
	}
}

func TestRoundTrip(t *testing.T) {
	for _, dir := range []Direction{Ascending, Descending} {
		var key []byte
		for _, it := range edgeItems {
			key = it.append(key, dir)
		}
		d := NewDecoder(key)
		for _, it := range edgeItems {
			v, err := d.Next(dir)
			if err != nil {
				t.Fatalf("dir=%v: decoding %v: %v", dir, it, err)
			}
			if v.Kind != it.kind {
				t.Fatalf("dir=%v: kind %v, want %v", dir, v.Kind, it.kind)
			}
			got := item{kind: v.Kind, b: v.Bool, i: v.Int, f: v.Float, s: string(v.Str)}
			if compareItems(got, it) != 0 {
				t.Errorf("dir=%v: decoded %v, want %v", dir, v, it)
			}
			if it.kind == KindFloat && it.f == 0 && math.Signbit(v.Float) {
				t.Errorf("-0 must decode as +0")
			}
		}
		if !d.Done() {
			t.Fatalf("dir=%v: %d bytes left over", dir, len(d.Rest()))
		}
	}
}

// TestTupleOrder checks random tuples with mixed directions: the encoded
// order is the column-by-column order.
func TestTupleOrder(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 0))
	const cols = 3
	dirs := []Direction{Ascending, Descending, Ascending}
	randTuple := func() []item {
		tup := make([]item, cols)
		for i := range tup {
			tup[i] = edgeItems[r.IntN(len(edgeItems))]
			if r.IntN(3) == 0 {
				tup[i] = item{kind: KindInt, i: r.Int64N(7) - 3}
			}
		}
		return tup
	}
	for n := 0; n < 20000; n++ {
		a, b := randTuple(), randTuple()
		want := 0
		for i := 0; i < cols && want == 0; i++ {
			want = compareItems(a[i], b[i])
			if dirs[i] == Descending {
				want = -want
			}
		}
		var ka, kb []byte
		for i := 0; i < cols; i++ {
			ka = a[i].append(ka, dirs[i])
			kb = b[i].append(kb, dirs[i])
		}
		if got := bytes.Compare(ka, kb); got != want {
			t.Fatalf("tuples %v and %v: encoded compare %d, want %d", a, b, got, want)
		}
	}
}

func TestPrefixScanCoversExtensions(t *testing.T) {
	prefix := AppendString(AppendInt(nil, 7, Ascending), "x", Ascending)
	end := PrefixEnd(prefix)
	inside := AppendInt(bytes.Clone(prefix), math.MaxInt64, Ascending)
	if bytes.Compare(inside, prefix) < 0 || bytes.Compare(inside, end) >= 0 {
		t.Fatalf("extension %x outside [%x, %x)", inside, prefix, end)
	}
	next := AppendString(AppendInt(nil, 7, Ascending), "x\x00", Ascending)
	if bytes.Compare(next, end) < 0 {
		t.Fatalf("the next string %x falls inside the prefix range ending %x", next, end)
	}
	if PrefixEnd([]byte{0xff, 0xff}) != nil || PrefixEnd(nil) != nil {
		t.Fatal("PrefixEnd of an all-0xff prefix must be nil")
	}
	if got := PrefixEnd([]byte{1, 0xff}); !bytes.Equal(got, []byte{2}) {
		t.Fatalf("PrefixEnd(01 ff) = %x, want 02", got)
	}
}

func TestCorruptKeys(t *testing.T) {
	cases := []struct {
		name string
		key  []byte
		dir  Direction
	}{
		{"empty", nil, Ascending},
		{"unknown tag", []byte{0x99}, Ascending},
		{"short int", []byte{tagInt, 1, 2}, Ascending},
		{"short float", []byte{tagFloat}, Ascending},
		{"unterminated string", []byte{tagString, 'a', 'b'}, Ascending},
		{"string ends in escape", []byte{tagString, 'a', 0}, Ascending},
		{"bad escape", []byte{tagString, 0, 7}, Ascending},
		{"ascending key read descending", AppendInt(nil, 1, Ascending), Descending},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := NewDecoder(c.key)
			_, err := d.Next(c.dir)
			var de *DecodeError
			if !errors.Is(err, ErrCorrupt) || !errors.As(err, &de) {
				t.Fatalf("err = %v, want a *DecodeError matching ErrCorrupt", err)
			}
			if d.Offset() != 0 {
				t.Fatalf("a failed read moved the decoder to %d", d.Offset())
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	var all []byte
	for _, it := range edgeItems {
		all = it.append(all, Ascending)
	}
	f.Add(all, false)
	f.Add(AppendString(nil, "a\x00b", Descending), true)
	f.Add([]byte{tagString, 0}, false)
	f.Fuzz(func(t *testing.T, key []byte, desc bool) {
		dir := Direction(desc)
		d := NewDecoder(key)
		var vals []Value
		for !d.Done() {
			v, err := d.Next(dir)
			if err != nil {
				if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("error %v does not match ErrCorrupt", err)
				}
				return
			}
			vals = append(vals, v)
		}
		// Whatever decodes re-encodes to a key that decodes to equal values
		// (not always the same bits: arbitrary bytes can hold -0 or another
		// NaN, which the encoder never writes).
		var again []byte
		for _, v := range vals {
			again = appendValue(again, v, dir)
		}
		d2 := NewDecoder(again)
		for i, v := range vals {
			w, err := d2.Next(dir)
			if err != nil || w.Kind != v.Kind || w.Int != v.Int || w.Bool != v.Bool ||
				!bytes.Equal(w.Str, v.Str) || w.Float != v.Float && !(math.IsNaN(w.Float) && math.IsNaN(v.Float)) {
				t.Fatalf("value %d: %v re-decoded as %v (err %v)", i, v, w, err)
			}
		}
	})
}

func appendValue(dst []byte, v Value, dir Direction) []byte {
	switch v.Kind {
	case KindNull:
		return AppendNull(dst, dir)
	case KindBool:
		return AppendBool(dst, v.Bool, dir)
	case KindInt:
		return AppendInt(dst, v.Int, dir)
	case KindFloat:
		return AppendFloat(dst, v.Float, dir)
	case KindString:
		return AppendString(dst, string(v.Str), dir)
	}
	return AppendBytes(dst, v.Str, dir)
}

func BenchmarkAppendTuple(b *testing.B) {
	b.ReportAllocs()
	buf := make([]byte, 0, 64)
	for i := 0; i < b.N; i++ {
		buf = AppendInt(buf[:0], int64(i), Ascending)
		buf = AppendString(buf, "customer-name", Ascending)
		buf = AppendFloat(buf, float64(i)*1.5, Descending)
	}
}

func BenchmarkDecodeTuple(b *testing.B) {
	b.ReportAllocs()
	key := AppendFloat(AppendString(AppendInt(nil, 42, Ascending), "customer-name", Ascending), 3.5, Descending)
	for i := 0; i < b.N; i++ {
		d := NewDecoder(key)
		_, _ = d.Next(Ascending)
		_, _ = d.Next(Ascending)
		_, _ = d.Next(Descending)
	}
}
