// Package buffer is the buffer pool: a fixed set of in-memory frames
// caching the pages of one page file, with pinning, latches, clock
// eviction and write-ahead-log ordering.
//
// Uses: page, vfs. Used by: btree.
//
//	      page table (indexed by id -> frame)
//	id 7 ─────┐      id 3 ──┐
//	          v             v
//	frames: [ f0 | f1 | f2 | f3 | ... | fN-1 ]   one []byte of N*PageSize
//	            ^ clock hand sweeps here, skipping pinned frames and
//	              giving frames with the ref bit set a second chance
//
//	page file:  | page 0 | page 1 | page 2 | ...   page id i at i*PageSize
//
// A caller Fetches a page (the frame comes back pinned), takes the frame's
// latch (RLock to read, Lock to change), and Unpins when done. A pinned frame
// is never evicted; a frame whose pins reach zero may be reused. The latch
// belongs to the caller: the pool takes it only to copy a dirty page out in
// FlushAll. So a B+tree can latch-couple (crab) down the tree: latch the
// child, then release the parent.
//
// Invariants:
//   - WAL before data: a dirty page with page LSN L is written only after
//     LogFlusher.FlushTo(L) returned nil. The pool declares the one-method
//     LogFlusher interface rather than importing wal.
//   - Every page leaves the pool sealed (page.Seal) and every page read is
//     verified (page.Decode plus an id check), so a torn or misdirected
//     write is reported as a *page.CorruptionError, never handed out. Redo
//     takes such a page with FetchForOverwrite and installs a full image.
//   - FlushAll returns nil only when every page dirty at its start is
//     written and the file synced; eviction writes are not synced (the WAL
//     covers them until the next checkpoint).
//
// Eviction is clock (second chance) rather than LRU-K: a hit only sets a
// bit, with no list to reorder under the lock, and it approximates LRU well
// for B+tree access where the upper levels stay hot. LRU-K resists long
// scans better; a scan here can push out leaves, not the inner nodes,
// which are touched on every descent and keep their bit set.
//
// When every frame is pinned, a miss returns ErrNoFreeFrames at once rather
// than waiting, so a caller that pins too much sees an error, not a deadlock.
//
// The page table is indexed by page id (chunks of 4096 entries made on
// first use) rather than hashed: page ids are dense, and a B+tree descent
// looks a page up per level, where a hash map's probe into a table of
// 100k frames misses the CPU cache. Pin counts are atomic: they grow only
// under the pool mutex, where eviction reads them, so Unpin needs no lock.
//
// Simplifications: one mutex guards the page table, and a miss does its I/O
// (write-back of a dirty victim, including the WAL flush, and the read)
// while holding it, so misses are serialised and a hit waits behind a miss
// in progress. Hits take the mutex only to pin. The file never shrinks;
// the free list of unused pages is the B+tree's.
package buffer
