// Package kv is the key-value data model: get, set with an optional time to
// live, delete, and prefix listing, as thin mappings onto mvcc keys.
//
// Uses: mvcc. Used by: server (the /api/v1/kv routes).
//
//	s := kv.New(db, kv.Options{})            // db is an *mvcc.DB on any engine
//	e, err := s.Set(k, v, time.Minute)       // ttl 0: never expires
//	e, err = s.Get(k)                        // ErrNotFound once expired
//	es, err := s.List([]byte("user:"), 100)  // key order, at most 100
//	err = s.Delete(k)                        // ErrNotFound if absent
//
// # Layout
//
// The model owns one keyspace of the mvcc DB, so tables, documents and the
// server's own records can share the DB under other prefixes:
//
//	mvcc key:    | "kv" 0x00 | user key |
//	mvcc value:  | version:1 (=1) | expires:8 BE unix ns, 0 = never | value |
//
// A scan of user keys with prefix p is the mvcc range
// ["kv\x00"+p, prefixEnd("kv\x00"+p)).
//
// # Invariants
//
//   - An expired record is invisible: Get, List and Delete treat it as
//     absent from the instant now >= expires. The record itself stays in
//     mvcc until the sweeper (or CollectExpired) deletes it, and then mvcc's
//     GC drops its versions.
//   - Every write is one mvcc transaction, so its durability is the DB's
//     (mvcc.Options.SyncOnCommit). A write that meets a write-write
//     conflict on its key is retried with a fresh transaction (up to 16
//     times, then ErrBusy), so concurrent Sets of one key resolve to the
//     last committer rather than failing.
//   - Keys are 1..MaxKeySize bytes (1 KiB by default), values at most
//     MaxValueSize bytes (1 MiB); over the limit a call fails with
//     ErrKeyTooLarge or ErrValueTooLarge before touching storage, and the
//     server maps those to 413.
//
// # Simplifications
//
//   - The value is opaque bytes; the server stores the JSON text the client
//     sent. No typed values, no increments, no compare-and-set.
//   - The expiry sweeper scans the whole keyspace each cycle (bounded to
//     SweepBatch deletions per transaction): there is no expiry index, so
//     a sweep costs O(keys), not O(expired keys).
//   - Expiry uses the wall clock of the process (Options.Now); a clock
//     step backwards revives keys until it catches up.
//   - Delete reads before it writes, so it costs a read even for a key
//     that is there.
//
// # Tests
//
// Table tests for the record codec and limits, a model test of random
// operations against a map oracle with a fake clock (seed logged; replay
// with AEGIS_SEED=<n>, AEGIS_LONG=1 for 100,000 ops), and FuzzDecodeRecord
// with seeds in testdata/fuzz.
package kv
