// Package engine is the narrow interface between storage and everything
// above it: an ordered key-value store with point reads, atomic batches and
// bounded iterators.
//
// Uses: vfs. Used by: the backends (engine/memory, btree, lsm), mvcc, and
// through mvcc every data model.
//
// The interface is deliberately small enough to implement in a weekend:
// Get, Apply(Batch), NewIterator, Flush, Close and Metrics. Snapshots,
// transactions and conflict detection are not here; mvcc builds them from
// versioned keys, so a backend needs no snapshot machinery of its own.
//
// Backends register themselves by name (Register, usually from init) and
// are opened with Open; package engine/backends links every built-in one,
// and the config file chooses among them with [storage] backend.
//
// A Batch has one binary encoding, defined in batch.go, which backends log
// in their WAL and replication ships between nodes:
//
//	| count:uint32 LE | op... |
//	op = | kind:1 | keylen:uvarint | key | vallen:uvarint | value |   (put)
//	     | kind:1 | keylen:uvarint | key |                            (delete)
//
// Every backend runs the same conformance suite, engine/enginetest: a
// randomized model test against a map oracle, iterator bounds and batch
// atomicity, and for persistent backends crash tests on vfs.MemFS.
package engine
