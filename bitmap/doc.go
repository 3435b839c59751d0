// Package bitmap is a compressed set of uint32 values in the Roaring style:
// the 32-bit space is cut into 2^16 chunks by the high 16 bits, and each
// non-empty chunk keeps its low 16 bits in whichever container suits it.
//
// Uses: nothing but the standard library. Used by: invindex (its set of
// live documents, for NOT queries) and model/table's bitmap indexes
// (CREATE INDEX ... USING bitmap), which store one serialized bitmap per
// value and 4,096 row numbers under an mvcc key and unite them with
// FastOr, and vexec, which intersects and unites them for a bitmap scan.
//
//	b := bitmap.Of(1, 2, 70000)
//	b.Add(5); b.Remove(2); b.Contains(5)          // true
//	c := bitmap.And(b, other)                     // also Or, Xor, AndNot
//	b.Rank(70000); v, ok := b.Select(0)           // 3; 1 true
//	for it := b.Iterator(); it.Next(); { it.Value() }
//	data, _ := b.MarshalBinary(); err := b.UnmarshalBinary(data)
//
// # Containers
//
//	array   sorted []uint16        card <= 4096   2 bytes per value
//	bitset  1024 × uint64          card  > 4096   8 KiB flat
//	run     [start,last] pairs     after RunOptimize, when smaller
//
// Invariants, checked by the tests after every step: chunk keys strictly
// increase, no container is empty, card is exact, an array holds at most
// 4096 values and a bitset more than 4096 (Add and Remove switch between
// them at the threshold), runs are sorted, disjoint and non-adjacent.
//
// # Serialized form (portable, little-endian)
//
//	| version:1 (=1) | chunks:4 |
//	| chunks × descriptor: key:2 | kind:1 (1 array, 2 bitset, 3 run) | n:2 |
//	| chunks × payload, in descriptor order:
//	|   array:  n+1 values × 2, strictly increasing      (n+1 = card <= 4096)
//	|   bitset: 1024 words × 8                           (n+1 = card  > 4096)
//	|   run:    n+1 runs × (start:2 | last:2), sorted, disjoint, non-adjacent
//
// UnmarshalBinary checks every rule above and returns a *CorruptionError
// (errors.Is ErrCorrupt) with the byte offset of the first violation; it
// never panics and allocates only what the input length can back. Decoding
// then encoding gives back the same bytes.
//
// # Simplifications
//
//   - Run containers are made only by RunOptimize and AddRange (and by
//     decoding). Add or Remove on a run chunk first turns it back into an
//     array or bitset; call RunOptimize again to re-compress.
//   - Binary operations expand a run operand to a bitset (or probe it from
//     an array); there are no run-specific merge loops, so operations on
//     run-heavy bitmaps cost about as much as on bitsets.
//   - The format is our own, not the Roaring portable format: bitmaps
//     cannot be exchanged with other Roaring implementations.
//   - No 64-bit variant, no copy-on-write sharing of containers between
//     bitmaps, no SIMD.
//
// # Tests
//
// Table tests for container transitions and corrupt inputs; model tests
// against a map[uint32]bool oracle (random Add/Remove/AddRange/RunOptimize
// crossing the array/bitset threshold, set operations, Rank/Select,
// AdvanceTo, marshal round trips) with the seed logged (replay with
// AEGIS_SEED=<n>; AEGIS_LONG=1 runs 100,000 steps); FuzzUnmarshal with
// seeds in testdata/fuzz. Benchmarks against RoaringBitmap/roaring are in
// bench/searchbench.
package bitmap
