// Package lsm is a log-structured merge-tree storage backend, registered
// with the engine registry as "lsm".
//
// Uses: vfs (every file), wal (the memtable log), arena (memtable keys
// and values), compress (per-block compression), engine (the interface it
// implements), github.com/cespare/xxhash/v2 (bloom hashing).
// Used by: engine/backends, and through it mvcc and everything above.
//
// # The life of a write
//
//	Apply ─► WAL record | seq:8 LE | engine batch |  (wal/, one log, segments ≈ memtable size)
//	      └► memtable (skiplist, keys+values in an arena.ConcurrentArena)
//	           full ─► frozen (up to MaxImmutableMemtables) ─► flush goroutine ─► L0 table
//	                                                                 │
//	   compaction goroutine: L0 ─► base level ─► ... ─► L6 ◄─────────┘
//
// Every operation gets its own sequence number; an internal key is the
// user key plus an 8-byte trailer seq<<8|kind (kind 1 = put, 0 =
// delete), ordered by user key ascending and trailer descending, so the
// newest version of a key comes first. A batch is visible to readers only
// once all of it is in the memtable (visibleSeq), which makes batches
// atomic for Get and iterators alike.
//
// # Invariants
//
//   - Durability is a prefix: the WAL is a single ordered log; a memtable
//     is frozen at a batch boundary; frozen memtables are flushed oldest
//     first, and the manifest edit that installs a flushed table records
//     the last WAL record it covers (logLSN), synced in the WAL before the
//     edit is written. Recovery replays the WAL after logLSN.
//   - A table exists on disk (file synced, directory synced) before a
//     manifest edit names it; an edit is synced before the version it
//     describes is used; a file is deleted only once no version (the
//     current one or one pinned by a read) names it. Unreferenced tables
//     and old manifests are removed at Open, and the removal is synced.
//   - Within L1..L6 tables do not overlap and every level holds only
//     versions older than the levels above it: L0 compacts into the base
//     level, which is never below a non-empty level, and level l compacts
//     only into l+1.
//   - Compactions and flushes keep only the newest version of each user
//     key (the engine has no snapshots; an open iterator pins the tables
//     it reads). A tombstone is dropped when no level below the output
//     holds the key.
//   - Readers take the version and memtables first and the visible
//     seqnum after; every entry in a version is then visible to them, so a
//     compaction that dropped an older version can never leave a reader
//     with only a version too new for it.
//
// # On disk
//
//	db/
//	  CURRENT            "MANIFEST-000012\n", replaced atomically
//	  MANIFEST-000012    | crc32c:4 | len:4 | version edit |...  (first record: snapshot)
//	  000007.sst ...     tables
//	  wal/               wal segments (see package wal)
//	  LOCK
//
// A table (table.go has the full picture):
//
//	| data block | trailer | ... | filter | trailer | properties | trailer | index | trailer | footer:64 |
//	trailer = | codec id:1 | crc32c:4 |     footer ends with | version:4 | crc32c:4 | magic:8 |
//
// Data and index blocks hold prefix-compressed keys with restart points
// (block.go); the index maps the last key of each data block to its
// handle; the filter is one bloom filter per table over its user keys
// (bloom.go, xxhash with double hashing, BloomBitsPerKey default 10); the
// properties block names entry counts, seqnum range and codec. Each data
// and index block is compressed with the configured codec (none, snappy,
// lz4, zstd) when that saves at least an eighth, and every block carries
// a CRC32C over its stored bytes.
//
// A version edit (version.go) is a list of tagged fields: logLSN,
// nextFile, lastSeq, deleted (level, file), added (level, file, size,
// smallest and largest internal keys). Reading a manifest stops at a torn
// last record (cut short, or garbled with nothing but zeros after it);
// a garbled record with data after it is a CorruptionError, since
// skipping the edits after it would make Open delete live tables as
// orphans.
//
// # Compaction
//
// Leveled, with dynamic level targets: the last level holds what it
// holds, each level above it a LevelMultiplier-th of the one below, and
// the base level (where L0 goes) is the highest level whose target stays
// near LevelBaseSize. With most data in the last level, space
// amplification stays near 1 + 1/multiplier. L0 compacts (all its files
// at once) when it has L0CompactionTrigger files; a level compacts one
// file (round robin over the key space) into the next when it is over its
// target. A lone file with nothing to merge moves down without a rewrite.
// Writers stall only when MaxImmutableMemtables memtables wait for a
// flush or L0 reaches L0StopWritesTrigger files.
//
// # Reads
//
// Get hashes the key once (xxhash) and uses that hash for every filter on
// its way: the memtable, the frozen memtables, L0 newest first, then one
// table per level, skipping tables by key range and bloom filter.
//
//   - Each memtable has a bloom filter of its own (register-blocked: one
//     64-bit word per key, 5 bits set, sized at one bit per 8 bytes of
//     MemtableSize), so a Get of a key not in a memtable, most Gets once
//     the data outgrows it, costs one word instead of a skiplist search.
//   - Skiplist nodes carry the first 8 key bytes as a big-endian number
//     (keyPrefix), which settles most comparisons without touching the
//     key in the arena, and their tower is allocated with the node.
//   - A table's index is decoded at open into fences: the blocks' key
//     prefixes in one dense array, their handles, and the full last keys
//     for ties; a point read binary-searches the prefixes. Within a data
//     block the restart points are binary-searched with keys compared in
//     place, then entries are decoded from the restart point.
//
// Iterators merge (heap-based, forward and reverse) the memtables, each
// L0 table and one concatenating iterator per level; a direction change
// re-seeks. Data blocks go through a sharded block cache bounded by
// CacheSize with CLOCK replacement (a hit sets a flag; the hand clears
// flags and evicts the first unflagged block). Compactions read their
// inputs around the cache, neither filling it nor evicting for it.
//
// # Metrics and tools
//
// Metrics() reports write amplification (table bytes written per byte
// flushed), read amplification (sorted runs, and tables probed per Get),
// bytes and files per level, flushes, compactions, stalls and stall
// time, bloom filter useful and false-positive counts, and block cache
// hits, misses and hit ratio. DumpTable and DumpLayout print a table
// block by block and the level layout; cmd/lsmdump wraps them. Check
// verifies a closed store (used by the crash tests).
//
// # Tests
//
// engine_test.go runs engine/enginetest Run and RunCrash with tiny
// memtables, blocks and tables, so crashes land during flushes,
// compactions and manifest writes. crash_test.go fails the Nth
// file-system call of a flushing and compacting workload for N = 1, 2,
// ... (every third N by default, all with AEGIS_LONG=1), crashes, and
// checks that the recovered store is exactly the last acknowledged state
// (or that plus the failed batch, whole) and that Check passes (no
// orphan table, no stale manifest). fuzz_test.go fuzzes block decoding,
// table opening and version edits (seeds in testdata/fuzz).
// table_test.go checks point reads through the fences (keys sharing a
// prefix across many blocks, several versions per key), memtable_test.go
// the skiplist order, the key-prefix comparison and the memtable filter,
// cache_test.go the cache budget and CLOCK eviction, manifest_test.go
// torn tails against damage. bloom_test.go
// measures the false-positive rate against theory. space_test.go measures
// space amplification after overwrites: small by default,
// AEGIS_LSM_SPACE=1 runs the 1,000,000-key, five-overwrite case on the OS
// file system. AEGIS_SEED, AEGIS_LONG and AEGIS_CRASH_ITERATIONS work as in
// enginetest.
//
// # Simplifications
//
//   - Skiplist nodes are Go objects (their towers hold pointers, which
//     arena slabs may not); only keys and values live in the arena. The
//     garbage collector scans every node, and the memtable filter's size
//     is fixed by MemtableSize, not by the number of keys.
//   - The block cache charges a block its decoded length plus 96 bytes;
//     the Go allocator rounds a 4 KiB block (with its 5-byte trailer) up
//     to a 4864-byte size class, so the heap the cache holds is up to
//     about 15% over CacheSize, and the garbage collector's headroom
//     comes on top of that.
//   - One flush goroutine and one compaction goroutine; compactions never
//     run in parallel, and an L0 compaction takes every L0 file.
//   - No snapshots, so compactions keep one version per key; no range
//     deletions, no merge operator, no key-prefix bloom filters.
//   - Index keys are the full last key of a block, not a shortened
//     separator; the table cache keeps every live table open.
//   - A new manifest is started only at Open; a long-running process
//     appends every edit to one manifest.
//   - With a WAL, Close syncs the log and leaves the memtables to be
//     replayed at the next Open, rather than flushing them.
//   - A failed read of a block or table open is retried once (reads have
//     no side effects); a failed write, sync or manifest append stops all
//     background work and every later write returns ErrBackground until
//     the store is reopened.
//   - Switching DisableWAL between opens of one store is not supported:
//     records of a WAL left by an earlier run are not replayed with it on.
package lsm
