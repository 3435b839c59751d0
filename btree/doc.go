// Package btree is a disk B+tree storage backend, registered with engine
// as "btree": pages from package page, cached in a buffer.Pool, made
// durable by redo logging in a wal.Log.
//
// Uses: page, buffer, wal, vfs, engine. Used by: engine/backends (and so
// mvcc and everything above it).
//
// # Files
//
// A store is a directory:
//
//	db/LOCK       vfs lock, one process at a time
//	db/data       the page file
//	db/wal/       the redo log (wal segments)
//
// The page file is an array of pages of one size (8 KiB by default, from
// 2 KiB to 64 KiB, fixed when the store is created):
//
//	page 0   header: two 1 KiB slots, each a sealed page.Page with one cell
//	         | "AEGISBT1" | version:u32 | page size:u32 | seq:u64 | redo LSN:u64 |
//	         a checkpoint writes slot seq%2 and syncs; Open takes the valid
//	         slot with the highest seq, so a torn slot write is harmless
//	page 1   meta (logged like tree pages), one cell
//	         | root:u32 | height:u32 | pages:u32 | free head:u32 | free count:u32 | keys:u64 |
//	page 2.. leaf, internal, overflow and free pages
//
// Cells (see cells.go); a leaf keeps values up to a quarter page inline,
// larger ones (up to 1 MiB) in a chain of overflow pages:
//
//	leaf:      | klen:uvarint | key | 0 | vlen:uvarint | value |
//	           | klen:uvarint | key | 1 | vlen:u32 | first overflow page:u32 |
//	internal:  | klen:uvarint | key | child:u32 |     page aux = leftmost child
//	overflow:  one cell of value bytes, page right = next overflow page
//	free:      no cells, page right = next free page
//
// Child i+1 of an internal page holds the keys >= separator i (and below
// separator i+1); separators are the shortest byte strings that divide
// two leaves. A cell is at most a quarter of a page, so a split or a
// redistribution always leaves both halves non-empty and at least a
// quarter full, and keys are limited to min(1 KiB, a quarter page less
// 16 bytes): 1 KiB from 8 KiB pages on. A larger key fails with
// engine.ErrKeyTooLarge, a value over 1 MiB with engine.ErrValueTooLarge.
//
// # Invariants
//
//   - The tree: keys strictly ascending within a page and inside the range
//     the parent gives each child; every non-root leaf at least a quarter
//     full, every non-root internal page with at least two children; each
//     page in [2, pages) used exactly once, by the tree, an overflow chain
//     or the free list. (*DB).Check verifies all of it.
//   - No uncommitted change reaches the data file (no steal): a batch
//     pins and write-latches every page it changes until the batch is
//     logged.
//   - WAL before data: the buffer pool flushes the log up to a page's LSN
//     before writing the page.
//   - Every page written to the data file since the last completed
//     checkpoint has a full image in the log at or after the header's redo
//     LSN, followed by deltas for its later changes, so recovery rewrites
//     torn pages whole. The live page's free gap is zeroed when its full
//     image is logged, so what recovery rebuilds is the live page byte for
//     byte, which is what deltas need.
//
// # Logging: physical redo, full page images and byte deltas
//
// Apply runs under a single writer mutex. It applies the batch's ops to
// pages in the pool (splits, merges and redistribution included), then
// logs every page the batch changed, the meta page among them, as one or
// more WAL records (format in logrec.go): the first has a "first" flag,
// the last a "commit" flag. A page's first change after the newest
// checkpoint began is logged as a full image (the page without its free
// gap); later changes as a delta: the byte runs where the page differs
// from its copy taken before the batch. Each page's LSN becomes that of
// the record carrying it. Recovery reads the log from the redo LSN of the
// last completed checkpoint and applies the images of every batch that
// reached its commit record, in LSN order; a batch cut short by a crash is
// dropped whole. Every delta recovery meets follows a full image of its
// page in the same replay, so a page torn on disk is rewritten whole
// before any delta applies to it (a delta without one is reported as
// corruption).
//
// A synced Apply waits for the log (wal.SyncTo, group commit) after
// releasing the writer lock. Ops of a failing batch are undone in memory
// from before-images; an I/O failure (log or data file) poisons the store:
// later writes return ErrPoisoned and Close writes nothing more, so the
// next Open recovers from disk.
//
// # Checkpoints
//
// A checkpoint (checkpoint.go) is fuzzy: it notes the next LSN under the
// writer lock, then writes all dirty pages and syncs while writers go on,
// then writes the next header slot with that LSN as the redo point, then
// deletes the wal segments before it. A background goroutine runs one
// whenever Apply has logged Options.CheckpointBytes (64 MiB by default),
// which bounds recovery time; Flush and Close run one too.
//
// # Reads and iterators
//
// Readers (Get, iterator refills) hold the tree lock shared; the writer
// holds it exclusively while it applies and logs a batch, so readers see
// batches whole. Get binary-searches each page in its frame, pinned, and
// copies out only the value. An iterator holds no lock or pin between
// calls: a refill copies a run of entries (4 after a seek, doubling up to
// 256 while the walk goes on) into a buffer the iterator reuses. A seek
// descends from the root by key. A refill that goes on where the last one
// stopped inside a leaf starts at that cell again if the leaf's page LSN
// is unchanged: every change a batch makes gives the page a new LSN under
// the tree lock, so the same LSN means the same bytes. Otherwise, and past
// the end of a leaf, it descends again from the last key returned. So
// iterators are safe while writes go on, in both directions, and a scan
// pays one descent per leaf.
//
// # Bulk load
//
// BulkLoad builds a tree bottom-up from strictly ascending input into an
// empty store: leaves filled to about 90%, then each internal level. The
// pages are written without logging at ids past the meta page's page
// count, synced, and only then a logged batch points the meta page at the
// new root. A crash before that leaves the old empty tree; the unlogged
// pages lie past the page count, unused, and are overwritten by later
// allocations.
//
// # Metrics and tools
//
// Metrics (and Stats) report pages read and written, buffer hit ratio,
// WAL bytes and syncs, splits, merges, redistributions, height, pages,
// free pages, keys, checkpoints and batches replayed at open. Dump prints
// one line per level with pages, cells and fill factor; Check is the
// checker the crash tests run after every recovery.
//
// # Tests
//
// TestConformance and TestCrash run engine/enginetest's Run and RunCrash
// (AEGIS_SEED, AEGIS_LONG, AEGIS_CRASH_ITERATIONS as documented there).
// TestModel applies random batches on small pages against a map and runs
// Check after each; AEGIS_LONG=1 runs it longer. TestTornPages crashes a
// tree much bigger than its pool, keeping torn page writes, after a
// checkpoint (so deltas are in play). TestIteratorStepsBetweenBatches
// writes between every two steps of a walk, so resumed refills meet
// changed leaves. TestRedistribution, TestBulkLoad and
// TestIteratorDuringWrites cover the rest. FuzzOpen opens arbitrary bytes
// as a data file. Benchmarks beside bbolt are in bench/btreebench.
//
// # Simplifications
//
//   - One writer at a time, and readers wait while it applies a batch
//     (a tree-wide reader/writer lock, no latch coupling).
//   - Redo is physical (page images and byte deltas); there are no logical
//     records and no undo: uncommitted changes never reach the file.
//   - A batch must fit in the buffer pool: all its pages stay pinned until
//     it is logged. A batch too big fails and changes nothing.
//   - The free list is a chain through free pages, one page freed or taken
//     at a time; the file never shrinks, freed pages are reused.
//   - No right-sibling links between leaves: an iterator descends from the
//     root once per leaf (and after a write changed its leaf).
//   - A page read that fails with an I/O error is retried once.
//   - Options.DisableWAL of engine.Options is ignored: the log is always on.
//   - Merges and redistribution happen only between siblings under one
//     parent; internal pages are only kept non-empty, not a quarter full.
package btree
