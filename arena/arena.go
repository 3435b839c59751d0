package arena

import "fmt"

// DefaultSlabSize is the slab size New uses when given zero or less.
const DefaultSlabSize = 1 << 20

// keptSlabs is how many slabs Reset keeps for reuse. It bounds the memory an
// idle arena holds on to after one unusually large burst.
const keptSlabs = 4

// Arena hands out byte slices from large slabs. It is for one goroutine at
// a time: calls must not run concurrently (use ConcurrentArena for that).
// The zero value is not usable; call New.
type Arena struct {
	slabSize int
	// cur is the slab being filled: len is the bytes handed out, cap the
	// slab's size. nil before the first allocation and after Reset.
	cur []byte
	// full are the slabs filled before cur, each sliced to the bytes handed
	// out from it, so that Reset clears only those.
	full [][]byte
	// free are cleared slabs kept by Reset, all of length 0.
	free [][]byte
	// Dedicated slabs for allocations larger than slabSize are handed out
	// whole and forgotten at Reset, so only their number and size are kept.
	oversizedSlabs int
	oversizedBytes int64
	stats          Stats
}

// Stats describes an arena. All fields but BytesReserved and Slabs count
// since New or the last Reset. Two Stats can be subtracted field by field.
type Stats struct {
	Allocations    int64 // calls to Alloc and Copy
	BytesAllocated int64 // bytes handed out by them
	BytesReserved  int64 // bytes in the arena's slabs: in use, kept for reuse, and dedicated to large allocations
	Slabs          int   // number of those slabs
	WasteBytes     int64 // bytes left unused at the end of slabs when an allocation did not fit
}

// New returns an arena that carves slabs of slabSize bytes; zero or less
// means DefaultSlabSize. No memory is reserved until the first Alloc.
func New(slabSize int) *Arena {
	if slabSize <= 0 {
		slabSize = DefaultSlabSize
	}
	return &Arena{slabSize: slabSize}
}

// Alloc returns n zeroed bytes with len and cap n, so appending to the
// slice moves it instead of overwriting its neighbours. The bytes stay
// valid until Reset. A request larger than the slab size gets a slab of
// its own. Alloc(0) returns an empty, non-nil slice. Alloc panics if n is
// negative, as make does: that is a bug in the caller, not a condition to
// handle.
func (a *Arena) Alloc(n int) []byte {
	if n < 0 {
		panic(fmt.Sprintf("arena: Alloc(%d): negative size", n))
	}
	a.stats.Allocations++
	a.stats.BytesAllocated += int64(n)
	switch {
	case n == 0:
		return []byte{}
	case n > a.slabSize:
		a.oversizedSlabs++
		a.oversizedBytes += int64(n)
		return make([]byte, n)
	case n > cap(a.cur)-len(a.cur):
		a.nextSlab()
	}
	start := len(a.cur)
	a.cur = a.cur[:start+n]
	return a.cur[start : start+n : start+n]
}

// Copy returns a copy of b in the arena, with len and cap len(b).
func (a *Arena) Copy(b []byte) []byte {
	dst := a.Alloc(len(b))
	copy(dst, b)
	return dst
}

// nextSlab retires the current slab and starts a kept or a new one.
func (a *Arena) nextSlab() {
	if a.cur != nil {
		a.stats.WasteBytes += int64(cap(a.cur) - len(a.cur))
		a.full = append(a.full, a.cur)
	}
	if n := len(a.free); n > 0 {
		a.cur, a.free = a.free[n-1], a.free[:n-1]
	} else {
		a.cur = make([]byte, 0, a.slabSize)
	}
}

// Reset makes all memory handed out so far free for reuse: slices from
// before Reset must no longer be used, because later allocations will
// overwrite them. Up to four slabs are cleared and kept; the rest, and
// every dedicated slab, are left to the garbage collector. Counters in
// Stats start again from zero.
func (a *Arena) Reset() {
	if a.cur != nil {
		a.full = append(a.full, a.cur)
	}
	for _, s := range a.full {
		if len(a.free) == keptSlabs {
			break
		}
		clear(s) // s is sliced to the bytes handed out: clear only those
		a.free = append(a.free, s[:0])
	}
	clear(a.full) // drop the references to slabs not kept
	a.full = a.full[:0]
	a.cur = nil
	a.oversizedSlabs, a.oversizedBytes = 0, 0
	a.stats = Stats{}
}

// Stats returns the arena's counters.
func (a *Arena) Stats() Stats {
	s := a.stats
	standard := len(a.full) + len(a.free)
	if a.cur != nil {
		standard++
	}
	s.Slabs = standard + a.oversizedSlabs
	s.BytesReserved = int64(standard)*int64(a.slabSize) + a.oversizedBytes
	return s
}
