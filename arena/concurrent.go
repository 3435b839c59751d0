package arena

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// cacheLine is the padding that keeps fields written by every allocation
// away from fields only read, so that readers do not miss in cache each
// time another core allocates (false sharing).
const cacheLine = 64

// ConcurrentArena is an arena that many goroutines may allocate from at
// once without a lock: each allocation is one atomic add on the current
// slab's offset, plus one on a counter. Only the goroutine that finds the
// slab full takes a mutex, to install the next one.
//
// It has no Reset. It is made for a memtable, which allocates until it is
// flushed and is then dropped whole, arena and all; reuse would need to
// know that every reader is gone, which the arena cannot see.
type ConcurrentArena struct {
	slabSize int64
	cur      atomic.Pointer[slab] // read by every Alloc, written once per slab
	_        [cacheLine]byte
	allocs   atomic.Int64 // written by every Alloc
	_        [cacheLine]byte

	mu             sync.Mutex // guards the fields below and installing slabs
	slabs          int64      // standard slabs installed, cur included
	waste          int64      // unused tails of the slabs before cur
	oversizedSlabs int64      // dedicated slabs for allocations larger than slabSize
	oversizedBytes int64      // their bytes
}

// slab is a fixed buffer with an atomic bump offset. off may run past
// len(buf): every allocation that does not fit moves it further, and the
// goroutine that sees it is past the end installs the next slab.
type slab struct {
	buf []byte // never changes
	_   [cacheLine]byte
	off atomic.Int64
}

// NewConcurrent returns a ConcurrentArena that carves slabs of slabSize
// bytes; zero or less means DefaultSlabSize.
func NewConcurrent(slabSize int) *ConcurrentArena {
	if slabSize <= 0 {
		slabSize = DefaultSlabSize
	}
	return &ConcurrentArena{slabSize: int64(slabSize)}
}

// Alloc is Arena.Alloc, safe for concurrent use: n zeroed bytes with len and
// cap n, a dedicated slab when n exceeds the slab size, an empty non-nil
// slice for 0, and a panic for negative n.
func (a *ConcurrentArena) Alloc(n int) []byte {
	if n < 0 {
		panic(fmt.Sprintf("arena: Alloc(%d): negative size", n))
	}
	a.allocs.Add(1)
	size := int64(n)
	switch {
	case n == 0:
		return []byte{}
	case size > a.slabSize:
		a.mu.Lock()
		a.oversizedSlabs++
		a.oversizedBytes += size
		a.mu.Unlock()
		return make([]byte, n)
	}
	for {
		s := a.cur.Load()
		if s == nil {
			a.nextSlab(nil, 0)
			continue
		}
		end := s.off.Add(size)
		start := end - size
		if end <= int64(len(s.buf)) {
			return s.buf[start:end:end]
		}
		// Offsets only grow, so at most one allocation straddles the end
		// of the slab; it accounts for the unused tail. Allocations that
		// start past the end leave no trace.
		var waste int64
		if start < int64(len(s.buf)) {
			waste = int64(len(s.buf)) - start
		}
		a.nextSlab(s, waste)
	}
}

// Copy is Arena.Copy, safe for concurrent use.
func (a *ConcurrentArena) Copy(b []byte) []byte {
	dst := a.Alloc(len(b))
	copy(dst, b)
	return dst
}

// nextSlab records waste for full (the slab the caller found full, or nil
// at the start) and installs a new slab, unless another goroutine already
// replaced full.
func (a *ConcurrentArena) nextSlab(full *slab, waste int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.waste += waste
	if a.cur.Load() != full {
		return
	}
	a.slabs++
	a.cur.Store(&slab{buf: make([]byte, a.slabSize)})
}

// Stats returns the arena's counters. While allocations run, the fields
// are each nearly up to date but not taken at one instant; once they stop,
// Stats is exact.
//
// BytesAllocated is derived rather than counted, to keep a second shared
// counter off the allocation path: every byte of a standard slab is either
// handed out or part of its wasted tail, except in the current slab, whose
// offset says how far it is used.
func (a *ConcurrentArena) Stats() Stats {
	a.mu.Lock()
	defer a.mu.Unlock()
	var inCur int64
	if s := a.cur.Load(); s != nil {
		inCur = min(s.off.Load(), int64(len(s.buf)))
	}
	var retired int64
	if a.slabs > 0 {
		retired = a.slabs - 1
	}
	return Stats{
		Allocations:    a.allocs.Load(),
		BytesAllocated: retired*a.slabSize - a.waste + inCur + a.oversizedBytes,
		BytesReserved:  a.slabs*a.slabSize + a.oversizedBytes,
		Slabs:          int(a.slabs + a.oversizedSlabs),
		WasteBytes:     a.waste,
	}
}
