package arena

import (
	"math/rand/v2"
	"sync"
	"testing"
)

// TestConcurrentAllocations has several goroutines allocate at once, with
// slabs small enough that they race to install new ones. Run it with -race.
func TestConcurrentAllocations(t *testing.T) {
	const (
		goroutines = 8
		perG       = 2000
		slab       = 4096
	)
	a := NewConcurrent(slab)
	results := make([][][]byte, goroutines)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 1))
			for i := range perG {
				var b []byte
				if n := rng.IntN(300); i%500 == 0 {
					b = a.Alloc(slab + n) // now and then a dedicated slab
				} else if i%2 == 0 {
					b = a.Alloc(n)
				} else {
					src := make([]byte, n)
					fill(src, g*perG+i)
					b = a.Copy(src)
				}
				if len(b) != cap(b) {
					t.Errorf("goroutine %d: allocation with len %d, cap %d", g, len(b), cap(b))
					return
				}
				fill(b, g*perG+i)
				results[g] = append(results[g], b)
			}
		})
	}
	wg.Wait()

	var live [][]byte
	var bytes int64
	for _, r := range results {
		live = append(live, r...)
		for _, b := range r {
			bytes += int64(len(b))
		}
	}
	checkLive(t, live)
	s := a.Stats()
	if s.Allocations != goroutines*perG || s.BytesAllocated != bytes {
		t.Errorf("Stats() = %+v, want %d allocations of %d bytes in all", s, goroutines*perG, bytes)
	}
	if s.BytesAllocated+s.WasteBytes > s.BytesReserved {
		t.Errorf("allocated %d + waste %d exceed reserved %d", s.BytesAllocated, s.WasteBytes, s.BytesReserved)
	}
	// Every standard slab is used up to its last byte or wasted, except
	// possibly the current one: so at most one slab's worth is unaccounted.
	if slack := s.BytesReserved - s.BytesAllocated - s.WasteBytes; slack >= slab {
		t.Errorf("%d reserved bytes neither allocated nor wasted; a slab was installed twice?", slack)
	}
}
