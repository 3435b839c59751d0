// Package wal is a segmented write-ahead log of checksummed records.
//
// Uses: vfs. Used by: btree (redo log), lsm (memtable log), replication
// (raft log store), and buffer through its one-method LogFlusher
// interface, which (*Log).FlushTo satisfies.
//
// # Invariant
//
// Once Commit (under SyncEveryCommit), SyncTo(n) or Sync returns nil,
// records 1..n survive a crash, in order, with their payloads; a record
// that was never appended never appears. LSNs are dense: the record after
// LSN n is n+1, across segments and across restarts.
//
// # On disk
//
// A log is a directory of segment files, each named by the LSN of its first
// record in 20 decimal digits, so that names sort in log order:
//
//	00000000000000000001.log  00000000000000052117.log  00000000000000104533.log
//	└──── sealed: synced ────┘└──── sealed: synced ────┘└─ active: appended to ─┘
//
// A segment is a sequence of frames with no header or padding:
//
//	+---------+---------+---------+-------------------+
//	| crc:4   | len:4   | lsn:8   | payload: len bytes |   little-endian
//	+---------+---------+---------+-------------------+
//	  crc = CRC32C (Castagnoli) of len, lsn and payload
//
// The LSN inside the checksum makes a frame self-identifying: stale bytes,
// a zeroed tail or a frame from another position can never pass for the
// record that belongs at that spot. A segment is sealed when the next
// record would take it past Options.SegmentSize; a record bigger than a
// whole segment gets a segment to itself, which simply grows past the
// limit. Payloads are limited to MaxRecordSize (64 MiB): Append refuses
// larger ones with ErrRecordTooLarge, and a length field above it is
// corruption, so a flipped bit cannot make a reader allocate gigabytes.
//
// # Writing: group commit
//
// Append frames the record into an in-memory buffer under a mutex and
// returns its LSN. Commit and SyncTo then wait: if no goroutine is doing
// I/O, the caller becomes the leader, takes the whole buffer, and with the
// mutex released writes it in one call and fsyncs once; meanwhile other
// writers append the next batch. When the leader finishes it wakes every
// waiter its sync covered, and one of the rest leads the next batch. So n
// concurrent committers pay about one fsync per batch, not n.
//
// Rolling to a new segment writes and syncs the old one first, then
// creates the new file and syncs the directory. A sealed segment is
// therefore always whole, and a crash can lose only the tail of the last
// segment.
//
// A failed write or fsync poisons the Log: every later call returns the
// error (wrapping ErrPoisoned). After a failed fsync Linux may have dropped
// the dirty pages and marked them clean, so retrying would report success
// for data that is gone (PostgreSQL's "fsyncgate", 2018). The owner must
// close the Log and reopen it, which recovers from what is really on disk.
//
// # Recovery
//
// Open reads every segment and checks every checksum. A frame in the last
// segment that does not decode (torn header or payload, checksum or LSN
// mismatch, zeroed bytes) is taken for a torn write: Open truncates the file
// there, syncs, and reports the cut in Recovery().Tail. Corruption in a
// sealed segment, or segments whose LSNs do not follow on, cannot come from
// a crash and make Open fail with a *CorruptionError. Nothing panics on any
// bytes; FuzzReader checks that.
//
// # Simplifications
//
//   - Open reads the whole log to verify it; keep it short with
//     TruncateBefore after checkpoints.
//   - Sealing a segment syncs it even under SyncNever, once per segment.
//   - Segment files are created and deleted, never recycled or preallocated.
//   - Under SyncInterval and SyncNever, Commit waits for the write to the OS
//     (so records survive a process crash) but not for fsync.
//   - The Log takes no directory lock; its owner does.
//   - A Reader sees the records appended before it was created. TruncateBefore
//     must not remove segments a live Reader has yet to read.
//   - One append buffer per Log; payloads are copied into it once.
//
// # Tests
//
// The crash test (crash_test.go) runs 1,000 randomized crash points on
// vfs.MemFS and vfs.FaultFS by default; AEGIS_CRASH_ITERATIONS=n runs n,
// and AEGIS_CRASH_SEED=s replays one seed. Benchmarks are in
// wal_bench_test.go.
package wal
