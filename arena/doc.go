// Package arena is a bump allocator: it hands out byte slices carved from
// large slabs, for LSM memtables and per-query scratch space.
//
// Uses: nothing. Used by: lsm (memtable keys and values), page, and query
// execution for scratch buffers.
//
// Why: a memtable holding a million small entries as a million make([]byte)
// calls gives the garbage collector a million objects to track. Carved from
// 1 MiB slabs they are a handful of pointer-free objects that the collector
// never scans inside, and allocation is a bounds check and an addition.
//
//	slab (slabSize bytes, one make)
//	+-------+---------+----+----------------------+
//	| key a | value a | .. |   free                |
//	+-------+---------+----+----------------------+
//	                        ^ offset: next allocation starts here
//
// An allocation that does not fit in the rest of the slab starts a new slab;
// the unused tail is counted as WasteBytes. An allocation larger than the
// slab size gets a dedicated slab of exactly its size.
//
// # Invariants
//
//   - Allocations never overlap, and each has cap equal to len (a 3-index
//     slice), so append on one of them copies it elsewhere instead of
//     writing over its neighbour.
//   - Bytes handed out are zeroed, as with make, and keep their contents
//     until Reset; they keep their whole slab reachable.
//   - Bytes of a slab past its offset are always zero: a fresh slab comes
//     zeroed from make, and Reset clears the used part of every slab it
//     keeps. So no allocation needs clearing.
//
// # Two arenas, two concurrency contracts
//
// Arena is for one goroutine at a time (per-query scratch, or a memtable
// whose writes are already serialized). It is the fastest: no atomics.
// Reset makes its slabs reusable; every slice handed out before Reset is
// then invalid, and the caller must know that nothing still reads them.
//
// ConcurrentArena may be shared by any number of goroutines: an allocation
// is an atomic add on the current slab's offset. A goroutine whose add runs
// past the end of the slab takes a mutex and installs the next slab (unless
// another goroutine did so first) and retries. Offsets only grow, so at
// most one allocation straddles a slab's end, and that one records the
// waste. It has no
// Reset: a memtable allocates until it is flushed and is then dropped whole.
//
// # Simplifications
//
//   - No alignment: slices are for bytes. Callers that decode integers use
//     encoding/binary, which needs none.
//   - No per-allocation free. Memory comes back all at once, by Reset or by
//     dropping the arena.
//   - Reset keeps at most four slabs (plain Arena); the rest go to the
//     garbage collector. The bound is a constant, not an option.
//   - A negative size panics, as make does, with a message naming the size:
//     it is a bug in the caller, not an input to handle.
//   - ConcurrentArena's Stats are exact only while no allocation runs.
//   - Stats.BytesReserved counts dedicated slabs until Reset even if the
//     caller has dropped them; the arena does not track them.
package arena
