package bitmap

import (
	"errors"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	"github.com/aegisdb/aegis/internal/testutil"
)

func seed(t testing.TB) uint64 { return testutil.Seed(t) }

// check verifies the structural invariants of b.
func check(t testing.TB, b *Bitmap) {
	t.Helper()
	if len(b.keys) != len(b.cons) {
		t.Fatalf("%d keys, %d containers", len(b.keys), len(b.cons))
	}
	for i, c := range b.cons {
		if i > 0 && b.keys[i] <= b.keys[i-1] {
			t.Fatalf("keys not increasing at %d: %v", i, b.keys)
		}
		if c.card == 0 {
			t.Fatalf("empty container at key %d", b.keys[i])
		}
		switch c.kind {
		case kindArray:
			if c.card > arrayMax || len(c.arr) != c.card || !slices.IsSorted(c.arr) || len(slices.Compact(slices.Clone(c.arr))) != c.card {
				t.Fatalf("bad array container at key %d: card %d len %d", b.keys[i], c.card, len(c.arr))
			}
		case kindBitset:
			if c.card <= arrayMax || len(c.bits) != bitsetWords || popcount(c.bits) != c.card {
				t.Fatalf("bad bitset container at key %d: card %d popcount %d", b.keys[i], c.card, popcount(c.bits))
			}
		case kindRun:
			n := 0
			for j, r := range c.runs {
				if r.last < r.start || (j > 0 && int(r.start) <= int(c.runs[j-1].last)+1) {
					t.Fatalf("bad runs at key %d: %v", b.keys[i], c.runs)
				}
				n += int(r.last-r.start) + 1
			}
			if n != c.card {
				t.Fatalf("run container card %d, runs hold %d", c.card, n)
			}
		default:
			t.Fatalf("unknown kind %d", c.kind)
		}
	}
}

// same checks b holds exactly the oracle's values, through every reader.
func same(t testing.TB, b *Bitmap, oracle map[uint32]bool) {
	t.Helper()
	check(t, b)
	want := make([]uint32, 0, len(oracle))
	for v := range oracle {
		want = append(want, v)
	}
	slices.Sort(want)
	if got := b.ToArray(); !slices.Equal(got, want) {
		t.Fatalf("values differ: got %d values, want %d (bitmap %v)", len(got), len(want), b)
	}
	if b.Cardinality() != uint64(len(want)) {
		t.Fatalf("Cardinality %d, want %d", b.Cardinality(), len(want))
	}
	var it []uint32
	for i := b.Iterator(); i.Next(); {
		it = append(it, i.Value())
	}
	if !slices.Equal(it, want) && !(len(it) == 0 && len(want) == 0) {
		t.Fatalf("Iterator gives %d values, want %d", len(it), len(want))
	}
}

// randomSet makes a set over a few chunks with a density that may put a
// chunk on either side of the array/bitset threshold, with some runs.
func randomSet(r *rand.Rand) map[uint32]bool {
	m := map[uint32]bool{}
	for range r.IntN(4) {
		chunk := uint32(r.IntN(4)) << 16
		switch r.IntN(3) {
		case 0: // sparse
			for range r.IntN(200) {
				m[chunk|uint32(r.IntN(1<<16))] = true
			}
		case 1: // around the threshold
			for range arrayMax - 300 + r.IntN(600) {
				m[chunk|uint32(r.IntN(1<<16))] = true
			}
		default: // runs
			for range 1 + r.IntN(20) {
				s := r.IntN(1 << 16)
				for v := s; v < min(s+r.IntN(3000), 1<<16); v++ {
					m[chunk|uint32(v)] = true
				}
			}
		}
	}
	return m
}

func fromMap(m map[uint32]bool, r *rand.Rand) *Bitmap {
	b := New()
	vals := make([]uint32, 0, len(m))
	for v := range m {
		vals = append(vals, v)
	}
	if r.IntN(2) == 0 {
		slices.Sort(vals)
		b.AddMany(vals)
	} else {
		for _, v := range vals {
			b.Add(v)
		}
	}
	if r.IntN(2) == 0 {
		b.RunOptimize()
	}
	return b
}

func TestModelAgainstMap(t *testing.T) {
	r := rand.New(rand.NewPCG(seed(t), 1))
	steps := 3000
	if testutil.Long() {
		steps = 100000
	}
	b, oracle := New(), map[uint32]bool{}
	kinds := map[kind]bool{}
	for step := range steps {
		// values in 3 chunks, clustered so chunks cross the threshold
		v := uint32(r.IntN(3))<<16 | uint32(r.IntN(12000))
		switch x := r.IntN(100); {
		case x < 55:
			if got, want := b.Add(v), !oracle[v]; got != want {
				t.Fatalf("step %d: Add(%d) = %v, want %v", step, v, got, want)
			}
			oracle[v] = true
		case x < 85:
			if got, want := b.Remove(v), oracle[v]; got != want {
				t.Fatalf("step %d: Remove(%d) = %v, want %v", step, v, got, want)
			}
			delete(oracle, v)
		case x < 88:
			n := uint32(r.IntN(5000))
			b.AddRange(v, v+n)
			for u := v; u <= v+n; u++ {
				oracle[u] = true
			}
		case x < 91:
			b.RunOptimize()
		case x < 94: // bulk removal pushes bitsets back below the threshold
			for u := range oracle {
				if r.IntN(3) == 0 {
					b.Remove(u)
					delete(oracle, u)
				}
			}
		default:
			if b.Contains(v) != oracle[v] {
				t.Fatalf("step %d: Contains(%d) = %v", step, v, !oracle[v])
			}
		}
		for _, c := range b.cons {
			kinds[c.kind] = true
		}
		if step%50 == 0 {
			same(t, b, oracle)
		}
	}
	same(t, b, oracle)
	for _, k := range []kind{kindArray, kindBitset, kindRun} {
		if !kinds[k] {
			t.Errorf("the run never used a %s container", k)
		}
	}
}

func TestSetOpsAgainstMap(t *testing.T) {
	r := rand.New(rand.NewPCG(seed(t), 2))
	for range 150 {
		ma, mb := randomSet(r), randomSet(r)
		a, b := fromMap(ma, r), fromMap(mb, r)
		want := map[string]map[uint32]bool{"and": {}, "or": {}, "xor": {}, "andnot": {}}
		for v := range ma {
			want["or"][v] = true
			if mb[v] {
				want["and"][v] = true
			} else {
				want["xor"][v] = true
				want["andnot"][v] = true
			}
		}
		for v := range mb {
			want["or"][v] = true
			if !ma[v] {
				want["xor"][v] = true
			}
		}
		same(t, And(a, b), want["and"])
		same(t, Or(a, b), want["or"])
		same(t, Xor(a, b), want["xor"])
		same(t, AndNot(a, b), want["andnot"])
		if got := AndCardinality(a, b); got != uint64(len(want["and"])) {
			t.Fatalf("AndCardinality %d, want %d", got, len(want["and"]))
		}
		// the inputs are untouched
		same(t, a, ma)
		same(t, b, mb)
		if !Or(a, b).Equals(Or(b, a)) || And(a, b).Equals(Or(a, b)) != (len(want["and"]) == len(want["or"])) {
			t.Fatalf("Equals disagrees")
		}
	}
}

// TestFastOrAgainstMap unites several random bitmaps (arrays, bitsets
// and runs, some chunk keys shared) and checks the union and its
// invariants.
func TestFastOrAgainstMap(t *testing.T) {
	r := rand.New(rand.NewPCG(seed(t), 6))
	for range 60 {
		n := r.IntN(6)
		want := map[uint32]bool{}
		var bms []*Bitmap
		for range n {
			m := randomSet(r)
			for v := range m {
				want[v] = true
			}
			bms = append(bms, fromMap(m, r))
		}
		got := FastOr(bms...)
		check(t, got)
		same(t, got, want)
	}
}

func TestRankSelectAgainstMap(t *testing.T) {
	r := rand.New(rand.NewPCG(seed(t), 3))
	for range 40 {
		m := randomSet(r)
		b := fromMap(m, r)
		vals := b.ToArray()
		for i, v := range vals {
			if got, ok := b.Select(uint64(i)); !ok || got != v {
				t.Fatalf("Select(%d) = %d %v, want %d (%v)", i, got, ok, v, b)
			}
			if got := b.Rank(v); got != uint64(i+1) {
				t.Fatalf("Rank(%d) = %d, want %d (%v)", v, got, i+1, b)
			}
		}
		if _, ok := b.Select(uint64(len(vals))); ok {
			t.Fatalf("Select past the end succeeded")
		}
		for range 200 {
			v := uint32(r.IntN(5 << 16))
			want := uint64(sort.Search(len(vals), func(i int) bool { return vals[i] > v }))
			if got := b.Rank(v); got != want {
				t.Fatalf("Rank(%d) = %d, want %d", v, got, want)
			}
			it := b.Iterator()
			ok := it.AdvanceTo(v)
			first := sort.Search(len(vals), func(i int) bool { return vals[i] >= v })
			if ok != (first < len(vals)) || (ok && it.Value() != vals[first]) {
				t.Fatalf("AdvanceTo(%d) = %d %v, want index %d of %d", v, it.Value(), ok, first, len(vals))
			}
			if ok && first+1 < len(vals) && (!it.Next() || it.Value() != vals[first+1]) {
				t.Fatalf("Next after AdvanceTo(%d) = %d, want %d", v, it.Value(), vals[first+1])
			}
		}
		if len(vals) > 0 {
			lo, _ := b.Minimum()
			hi, _ := b.Maximum()
			if lo != vals[0] || hi != vals[len(vals)-1] {
				t.Fatalf("Minimum/Maximum %d %d, want %d %d", lo, hi, vals[0], vals[len(vals)-1])
			}
		}
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(seed(t), 4))
	for range 60 {
		m := randomSet(r)
		b := fromMap(m, r)
		data, err := b.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if len(data) != b.SerializedSize() {
			t.Fatalf("SerializedSize %d, MarshalBinary wrote %d", b.SerializedSize(), len(data))
		}
		var c Bitmap
		if err := c.UnmarshalBinary(data); err != nil {
			t.Fatalf("unmarshal: %v (%v)", err, b)
		}
		same(t, &c, m)
		if c.String() != b.String() {
			t.Fatalf("layout changed: %v -> %v", b, &c)
		}
	}
}

func TestRunOptimizeShrinks(t *testing.T) {
	b := New()
	b.AddRange(10, 200000)
	before := b.Stats()
	b.RunOptimize()
	if s := b.Stats(); s.Runs != 4 || b.SerializedSize() > 100 {
		t.Fatalf("after RunOptimize: %+v, %d bytes (before %+v)", s, b.SerializedSize(), before)
	}
	b.Add(300000) // a single value stays an array
	b.RunOptimize()
	if s := b.Stats(); s.Runs != 4 || s.Arrays != 1 {
		t.Fatalf("%+v", s)
	}
}

func TestUnmarshalRejects(t *testing.T) {
	valid, _ := Of(1, 2, 3).MarshalBinary()
	cases := map[string][]byte{
		"empty":           nil,
		"short header":    {1, 0},
		"bad version":     {2, 0, 0, 0, 0},
		"too many chunks": {1, 0, 0, 2, 0},
		"missing desc":    {1, 1, 0, 0, 0},
		"bad kind":        {1, 1, 0, 0, 0, 0, 9, 0, 0},
		"short payload":   valid[:len(valid)-1],
		"trailing":        append(append([]byte{}, valid...), 0),
		"unsorted array":  {1, 1, 0, 0, 0, 0, 0, 1, 1, 0, 5, 0, 4, 0},
		"dup keys":        {1, 2, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 1, 0, 2, 0},
		"small bitset":    {1, 1, 0, 0, 0, 0, 0, 2, 0, 0},
		"run backwards":   {1, 1, 0, 0, 0, 0, 0, 3, 0, 0, 5, 0, 4, 0},
		"runs touching":   {1, 1, 0, 0, 0, 0, 0, 3, 1, 0, 1, 0, 4, 0, 5, 0, 6, 0},
	}
	for name, data := range cases {
		var b Bitmap
		if err := b.UnmarshalBinary(data); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: %v, want ErrCorrupt", name, err)
		}
	}
}

func TestContainerTransitions(t *testing.T) {
	cases := []struct {
		name  string
		build func() *Bitmap
		want  string
	}{
		{"empty", New, "{}"},
		{"small array", func() *Bitmap { return Of(1, 70000) }, "{0:array(1) 1:array(1)}"},
		{"array to bitset", func() *Bitmap {
			b := New()
			for v := range uint32(arrayMax + 1) {
				b.Add(v * 2)
			}
			return b
		}, "{0:bitset(4097)}"},
		{"bitset back to array", func() *Bitmap {
			b := New()
			for v := range uint32(arrayMax + 1) {
				b.Add(v * 2)
			}
			b.Remove(0)
			return b
		}, "{0:array(4096)}"},
		{"range is runs", func() *Bitmap { b := New(); b.AddRange(5, 9000); return b }, "{0:run(8996)}"},
		{"add to runs", func() *Bitmap { b := New(); b.AddRange(5, 9000); b.Add(20000); return b }, "{0:bitset(8997)}"},
		{"remove last", func() *Bitmap { b := Of(7); b.Remove(7); return b }, "{}"},
		{"and of disjoint", func() *Bitmap { return And(Of(1, 2), Of(3, 4)) }, "{}"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := c.build()
			check(t, b)
			if got := b.String(); got != c.want {
				t.Fatalf("got %s, want %s", got, c.want)
			}
		})
	}
}

func FuzzUnmarshal(f *testing.F) {
	for _, b := range []*Bitmap{New(), Of(1, 2, 3, 1<<20)} {
		data, _ := b.MarshalBinary()
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var b Bitmap
		if err := b.UnmarshalBinary(data); err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v is not ErrCorrupt", err)
			}
			return
		}
		check(t, &b)
		again, err := b.MarshalBinary()
		if err != nil || string(again) != string(data) {
			t.Fatalf("re-encode differs: %x vs %x (%v)", again, data, err)
		}
		_ = b.Cardinality()
		if n := b.Cardinality(); n > 0 {
			v, _ := b.Select(n - 1)
			if b.Rank(v) != n {
				t.Fatalf("Rank(Select(n-1)) != n")
			}
		}
	})
}
