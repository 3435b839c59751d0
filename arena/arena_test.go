package arena

import (
	"bytes"
	"cmp"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"
)

// allocator is what Arena and ConcurrentArena share, so that the
// single-goroutine tests run against both.
type allocator interface {
	Alloc(n int) []byte
	Copy(b []byte) []byte
	Stats() Stats
}

var allocators = []struct {
	name string
	new  func(slabSize int) allocator
}{
	{"Arena", func(n int) allocator { return New(n) }},
	{"ConcurrentArena", func(n int) allocator { return NewConcurrent(n) }},
}

func TestAllocSequences(t *testing.T) {
	const slab = 64
	cases := []struct {
		name  string
		sizes []int
		want  Stats
	}{
		{"nothing", nil, Stats{}},
		{"zero-sizes-reserve-nothing", []int{0, 0}, Stats{Allocations: 2}},
		{"one-byte", []int{1}, Stats{Allocations: 1, BytesAllocated: 1, BytesReserved: slab, Slabs: 1}},
		{"fill-one-slab-exactly", []int{32, 32}, Stats{Allocations: 2, BytesAllocated: 64, BytesReserved: slab, Slabs: 1}},
		{"whole-slab", []int{slab}, Stats{Allocations: 1, BytesAllocated: slab, BytesReserved: slab, Slabs: 1}},
		{"spill-wastes-tail", []int{40, 40}, Stats{Allocations: 2, BytesAllocated: 80, BytesReserved: 2 * slab, Slabs: 2, WasteBytes: 24}},
		{"zero-after-full-slab", []int{slab, 0}, Stats{Allocations: 2, BytesAllocated: slab, BytesReserved: slab, Slabs: 1}},
		{"oversized-gets-own-slab", []int{slab + 1}, Stats{Allocations: 1, BytesAllocated: slab + 1, BytesReserved: slab + 1, Slabs: 1}},
		{"oversized-keeps-current-slab", []int{10, 1000, 10}, Stats{Allocations: 3, BytesAllocated: 1020, BytesReserved: slab + 1000, Slabs: 2}},
		{"many-small", slices.Repeat([]int{3}, 50), Stats{Allocations: 50, BytesAllocated: 150, BytesReserved: 3 * slab, Slabs: 3, WasteBytes: 2 * (slab % 3)}},
	}
	for _, al := range allocators {
		for _, tc := range cases {
			t.Run(al.name+"/"+tc.name, func(t *testing.T) {
				a := al.new(slab)
				for _, n := range tc.sizes {
					b := a.Alloc(n)
					if len(b) != n || cap(b) != n || b == nil {
						t.Fatalf("Alloc(%d) gave len %d cap %d (nil %v)", n, len(b), cap(b), b == nil)
					}
					if !isZero(b) {
						t.Fatalf("Alloc(%d) returned non-zero bytes", n)
					}
				}
				if got := a.Stats(); got != tc.want {
					t.Fatalf("Stats() = %+v\nwant      %+v", got, tc.want)
				}
			})
		}
	}
}

func TestAppendCannotOverwriteNeighbour(t *testing.T) {
	for _, al := range allocators {
		a := al.new(1024)
		first := a.Copy([]byte("left"))
		second := a.Copy([]byte("right"))
		grown := append(first, "-overflow"...)
		if string(second) != "right" || string(first) != "left" || string(grown) != "left-overflow" {
			t.Errorf("%s: after append: first %q, second %q, grown %q", al.name, first, second, grown)
		}
	}
}

func TestNegativeAllocPanics(t *testing.T) {
	for _, al := range allocators {
		a := al.new(64)
		func() {
			defer func() {
				msg := fmt.Sprint(recover())
				if !strings.Contains(msg, "arena: Alloc(-1): negative size") {
					t.Errorf("%s: Alloc(-1) recovered %q, want a panic naming the size", al.name, msg)
				}
			}()
			a.Alloc(-1)
		}()
	}
}

func TestDefaultSlabSize(t *testing.T) {
	for _, al := range allocators {
		for _, size := range []int{0, -5} {
			a := al.new(size)
			a.Alloc(1)
			if got := a.Stats().BytesReserved; got != DefaultSlabSize {
				t.Errorf("%s: New(%d) reserved %d bytes, want DefaultSlabSize", al.name, size, got)
			}
		}
	}
}

func TestResetReusesClearedSlabs(t *testing.T) {
	const slab = 64
	a := New(slab)
	starts := map[*byte]bool{}
	for range 3 {
		b := a.Alloc(slab)
		for i := range b {
			b[i] = 0xff
		}
		starts[unsafe.SliceData(b)] = true
	}
	a.Alloc(slab + 1)
	a.Reset()
	if got, want := a.Stats(), (Stats{BytesReserved: 3 * slab, Slabs: 3}); got != want {
		t.Fatalf("after Reset: Stats() = %+v, want %+v", got, want)
	}
	for range 3 {
		b := a.Alloc(slab)
		if !starts[unsafe.SliceData(b)] {
			t.Errorf("Alloc after Reset did not reuse a kept slab")
		}
		if !isZero(b) {
			t.Errorf("Alloc after Reset returned old bytes")
		}
	}
	if got := a.Stats().Slabs; got != 3 {
		t.Errorf("after reusing 3 kept slabs: %d slabs, want 3", got)
	}
}

func TestResetKeepsABoundedNumberOfSlabs(t *testing.T) {
	a := New(64)
	for range 10 {
		a.Alloc(64)
	}
	for range 3 { // repeated Resets must not pile up slabs either
		a.Reset()
		if got := a.Stats(); got.Slabs != keptSlabs || got.BytesReserved != keptSlabs*64 {
			t.Fatalf("after Reset: %+v, want %d slabs kept", got, keptSlabs)
		}
	}
}

// TestModel runs random allocations, copies and resets against a list of
// what was handed out, checking after each step that live allocations never
// overlap and still hold what was written into them. Set
// AEGIS_ARENA_SEED to replay a run.
func TestModel(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("AEGIS_ARENA_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("AEGIS_ARENA_SEED: %v", err)
		}
	}
	t.Logf("seed %d (AEGIS_ARENA_SEED=%d to replay)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, seed))

	const slab = 256
	a := New(slab)
	var live [][]byte
	var want Stats
	for step := range 5000 {
		switch op := rng.IntN(100); {
		case op < 2:
			a.Reset()
			live, want = nil, Stats{}
		case op < 50:
			n := rng.IntN(slab + slab/2) // some oversized
			b := a.Alloc(n)
			if !isZero(b) {
				t.Fatalf("step %d: Alloc(%d) returned non-zero bytes", step, n)
			}
			fill(b, step)
			live = append(live, b)
			want.Allocations++
			want.BytesAllocated += int64(n)
		default:
			src := make([]byte, rng.IntN(slab/4))
			fill(src, step)
			b := a.Copy(src)
			if !bytes.Equal(b, src) || cap(b) != len(src) {
				t.Fatalf("step %d: Copy of %d bytes gave %d bytes, cap %d", step, len(src), len(b), cap(b))
			}
			live = append(live, b)
			want.Allocations++
			want.BytesAllocated += int64(len(src))
		}
		got := a.Stats()
		if got.Allocations != want.Allocations || got.BytesAllocated != want.BytesAllocated {
			t.Fatalf("step %d: Stats() = %+v, want allocations %d, bytes %d", step, got, want.Allocations, want.BytesAllocated)
		}
		if got.BytesAllocated+got.WasteBytes > got.BytesReserved {
			t.Fatalf("step %d: allocated %d + waste %d exceed reserved %d", step, got.BytesAllocated, got.WasteBytes, got.BytesReserved)
		}
		if step%50 == 0 {
			checkLive(t, live)
		}
	}
	checkLive(t, live)
}

// fill writes a pattern that identifies tag and each byte's position.
func fill(b []byte, tag int) {
	for i := range b {
		b[i] = byte(tag*31 + i)
	}
}

// checkLive fails if any two allocations share a byte or if one no longer
// holds the pattern fill wrote, whatever tag it used: it recovers the tag
// from the first byte.
func checkLive(t *testing.T, live [][]byte) {
	t.Helper()
	type span struct{ start, end uintptr }
	var spans []span
	for i, b := range live {
		if len(b) == 0 {
			continue
		}
		for j := range b {
			if b[j] != b[0]+byte(j) {
				t.Fatalf("allocation %d of %d bytes was overwritten at byte %d", i, len(b), j)
			}
		}
		start := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
		spans = append(spans, span{start, start + uintptr(len(b))})
	}
	slices.SortFunc(spans, func(x, y span) int { return cmp.Compare(x.start, y.start) })
	for i := 1; i < len(spans); i++ {
		if spans[i].start < spans[i-1].end {
			t.Fatalf("allocations overlap: [%#x, %#x) and [%#x, %#x)", spans[i-1].start, spans[i-1].end, spans[i].start, spans[i].end)
		}
	}
}

func isZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
