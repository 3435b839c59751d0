// Package memory is the in-memory storage backend, registered as "memory":
// a github.com/google/btree of pages behind a read-write mutex, where a
// page is an immutable sorted run of up to 64 key/value pairs.
//
// Uses: engine. Used by: tests, the SQL benchmarks, and servers that need
// no persistence.
//
// Nothing is durable: Flush and synced batches return at once, and Close
// drops everything. A batch is applied under the write lock, so readers
// see all of it or none of it.
//
// Why pages rather than one tree item per key: google/btree has no
// cursors, only callbacks, and walking it item by item costs a closure
// call and a recursive step per key, plus a binary search per node each
// time a walk resumes. That made full scans cost several times what the
// SQL executor spends on a row. With pages, the tree is searched once per
// page, and a scan steps through a page by incrementing an index, checking
// the iterator's bounds only on the page that straddles one.
//
// Writes are copy-on-write per page: Apply sorts the batch, keeps the last
// operation per key, and rebuilds each touched page once (merge of old
// entries and new operations), splitting a page that grows past 64 entries
// in halves and merging one that shrinks below 16 into its successor. The
// old page is never modified, so an iterator — which works on a Clone of
// the tree taken when it is created (O(1); writers then copy the tree
// nodes they change) — keeps a stable view: it sees the engine as of its
// creation, which the engine interface allows, and the keys and values it
// returns stay valid for as long as the caller holds them.
//
// The price is paid by random single-key writes, which copy a page of up
// to 64 slice headers (3 KiB) each; batched and sequential writes touch
// each page once per batch.
package memory
