// Package mvcc runs multi-version transactions over any engine.Engine:
// snapshot isolation and serializable, with garbage collection of versions
// no snapshot can see.
//
// Uses: engine. Used by: the data models (model/...), sql, replication.
//
//	db, err := mvcc.Open(eng, mvcc.Options{SyncOnCommit: true})
//	txn, err := db.Begin(mvcc.TxnOptions{Isolation: mvcc.Serializable})
//	v, err := txn.Get(k)                  // ErrNotFound
//	err = txn.Put(k, v); err = txn.Delete(k)
//	it := txn.Scan(lower, upper)          // or ScanReverse; for it.Next() { it.Key(), it.Value() }
//	err = txn.Commit()                    // errors.Is(err, mvcc.ErrConflict): retry
//	txn.Rollback()
//	m := db.Metrics()                     // commits, aborts by reason, GC
//
// # Key layout
//
// Every committed write becomes a new engine key; nothing is updated in
// place. A user key k written at commit timestamp ts is stored as
//
//	engine key:   | escape(k)            | 0x00 0x01  | ^ts                 |
//	              | 0x00 -> 0x00 0xff    | terminator | 8 bytes big-endian  |
//	engine value: | kind:1 (1 value, 2 tombstone) | user value (puts only) |
//
// The escaping keeps the encoding order-preserving and self-delimiting,
// so user keys sort as they would bare (a < a\x00 < ab), and inverting ts
// sorts the versions of one key newest first:
//
//	"a"@7   61 0001 fffffffffffffff8   -> 1 "seven"
//	"a"@3   61 0001 fffffffffffffffc   -> 2            (tombstone)
//	"a"@1   61 0001 fffffffffffffffe   -> 1 "one"
//	"a\0"@5 61 00ff 0001 fffffffffffffffa -> 1 "x"
//	"b"@2   62 0001 fffffffffffffffd   -> 1 "bee"
//
// A read at timestamp r of key k seeks to escape(k)|0x00 0x01|^r and takes
// the first key if it still belongs to k: that is the newest version <= r.
// Metadata lives under 0x00 0x00, which no escaped user key starts with and
// which sorts before all of them:
//
//	0x00 0x00 "clock"       last committed ts (8 bytes BE), in every commit batch
//	0x00 0x00 "gc-horizon"  no time travel below this (8 bytes BE), in every GC batch
//
// # Transactions
//
// A transaction reads the snapshot at its read timestamp (the last commit
// when it began, or TxnOptions.AsOf for time travel) and buffers its writes
// in memory, where its own reads and scans see them. Commit, under one
// commit mutex, checks for conflicts, takes the next timestamp and applies
// every version plus the new clock value as one engine batch (synced when
// Options.SyncOnCommit), so a commit is atomic on every backend and the
// clock recovers with the data. Timestamps are handed out in apply order,
// and lastCommitted advances only after Apply returns, so every version a
// snapshot can see is fully in the engine.
//
//   - SnapshotIsolation: first committer wins. A commit fails with a
//     *ConflictError (errors.Is ErrConflict, retryable) if a key it writes
//     was committed after its read timestamp. The check reads an
//     in-memory table of recently written keys (recentWrites: key -> last
//     commit ts), swept at the low watermark, rather than seeking in the
//     engine: on the memory backend that halved commit cost.
//   - Serializable: in addition, the keys read with Get and the ranges
//     passed to Scan form a read set, and a commit fails if a transaction
//     that committed after its read timestamp wrote into it. Those recent
//     write sets are kept in memory (commitLog) while a serializable
//     read-write transaction is active, pruned at the low watermark. This
//     is backward validation: each serializable commit is equivalent to
//     running the whole transaction at its commit timestamp, which rejects
//     write skew. A transaction that wrote nothing commits without checks:
//     it read one consistent snapshot.
//
// # Garbage collection
//
// The low watermark is the oldest read timestamp of an active transaction
// (or the last commit when none is active). GC deletes, for each key, every
// version older than the one visible at the watermark, and that one too if
// it is a tombstone. It walks the keyspace in passes of at most
// Options.GCBatchLimit versions, resuming where the last pass stopped, in a
// background goroutine every Options.GCInterval (DB.GC and DB.GCCycle run
// it by hand). Before deleting, GC raises the horizon below which Begin
// refuses AsOf (ErrSnapshotTooOld). A tombstone is deleted only in the
// batch that deletes the last versions under it, or after them: if a pass
// ends inside its key, the tombstone waits in the cursor for a later pass,
// and the engine is flushed first so no crash can keep the tombstone's
// delete but lose the earlier ones.
//
// # Simplifications
//
//   - One commit mutex: commits are serialized, including the conflict
//     check and the engine Apply (and its fsync when syncing). There is no
//     group commit at this layer; a backend with a group-committing WAL
//     cannot batch concurrent commits either.
//   - The recent-writes table holds every key written since the oldest
//     active snapshot, so a long-running transaction makes it grow (as it
//     makes versions pile up for GC).
//   - Serializable validation is conservative: a scanned range counts as
//     read in full even if the caller stopped early, and it checks keys,
//     not values, so a write that changed nothing still conflicts.
//   - Iterators see the transaction's own writes as they were when Scan
//     was called. Reverse scans cost two seeks per key returned.
//   - After an engine Apply fails, the DB refuses further commits
//     (ErrFailed): the batch's fate is unknown, so reusing its timestamp
//     would be unsafe. Reopen to recover.
//   - Transactions must be ended: an abandoned one pins the watermark.
//   - Close does not close the engine; the caller owns it.
//
// # Tests
//
// The conformance, model, bank, history (porcupine) and golden-session
// (testdata/sessions) tests run on every backend in engine.Backends()
// (importing engine/backends). The bank test's crash check (bankCrash)
// takes an open function and a crash function: TestBankCrashBackends runs
// it on every registered backend but memory, on vfs.MemFS crashed with
// CrashDropUnsynced and CrashTornTail, and skips with a message while no
// such backend is registered; TestBankCrashSimulated runs it today on a
// memory wrapper that forgets unsynced batches. AEGIS_LONG=1 makes the
// model, bank and history tests run far longer (about 80 s with -race);
// AEGIS_SEED=<n> replays a model-test seed.
package mvcc
