// Package page is the fixed-size slotted page every paged structure is made
// of: a header, a slot array growing up from the header, and variable-length
// cells growing down from the end of the page.
//
// Uses: nothing but xxhash. Used by: buffer, btree.
//
// A page is a plain []byte of Size bytes (a power of two, 1 KiB to 64 KiB,
// 8 KiB by default); Page is that slice with methods, so the buffer pool can
// hand out its frame memory without copying or allocating. All integers are
// little-endian.
//
//	0               8              16       20   21    22     24
//	+---------------+---------------+--------+----+-----+------+
//	| checksum:u64  | page LSN:u64  | id:u32 |type|level|cells |
//	+---------------+---------------+--------+----+-----+------+
//	24        28             32         36        40
//	+---------+--------------+----------+---------+
//	|upper:u32| garbage:u32  | right:u32| aux:u32 |   header = 40 bytes
//	+---------+--------------+----------+---------+
//	40
//	+--------+--------+-----      -----+-------+-------+--------+
//	| slot 0 | slot 1 | ... free space | cell1 | dead  | cell 0 |
//	+--------+--------+-----      -----+-------+-------+--------+
//	slot = | offset:u16 | length:u16 |  ^upper                 ^Size
//
// The header fields:
//
//   - checksum: xxhash64 of the whole page with these 8 bytes zeroed. It is
//     written by Seal just before the page goes to disk and checked by
//     Verify/Decode when it comes back, so a torn or flipped page is caught.
//   - page LSN: the log position of the last change to the page; the buffer
//     pool flushes the WAL up to it before writing the page (WAL before data).
//   - id: the page's own number, so a misdirected write is caught.
//   - type: free, meta, leaf, internal, overflow, freelist (room for 256).
//   - level: height above the leaves for B+tree pages (0 = leaf); free use
//     for other types.
//   - cells: the number of slots. Slots are kept in logical order (a B+tree
//     keeps them sorted by key); cells lie anywhere in [upper, Size).
//   - upper: start of the cell area. Free contiguous space is
//     [40+4*cells, upper).
//   - garbage: bytes in the cell area no slot points at (deleted or shrunk
//     cells). Invariant: Size-upper == garbage + sum of cell lengths.
//   - right: right-sibling leaf, next overflow page, next freelist page.
//   - aux: a second pointer, e.g. the leftmost child of an internal node.
//
// Inserting a cell that does not fit in the contiguous gap but fits in the
// gap plus the garbage first compacts the page (slides live cells to the
// end); a cell that does not fit even then returns ErrPageFull.
//
// Decode and Verify accept arbitrary bytes and never panic: a bad checksum,
// size, type, slot or overlap returns a *CorruptionError that names the page
// and the reason, and matches ErrCorrupt with errors.Is.
//
// Simplifications: cells are opaque bytes (the B+tree defines their format);
// slot offsets are 16 bits, which is why pages stop at 64 KiB; compaction
// copies through a scratch page rather than moving cells in place.
package page
