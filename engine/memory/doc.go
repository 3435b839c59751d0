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
// the iterator's bounds only on the page that straddles one. Crossing to
// the next page is a slice pop too: a forward walk fetches the following
// 32 pages in one descent of the tree.
//
// A page is packed and holds no pointers: one byte slice with each
// entry's key and value back to back, and a slice of offsets. The garbage
// collector never scans the data, a scan reads it in memory order, and
// the keys and values handed out are capped sub-slices of it. A page
// holds at most 64 entries or 16 KiB (one larger entry gets a page of its
// own).
//
// Writes are copy-on-write per page: Apply sorts the batch, keeps the last
// operation per key, and rebuilds each touched page once, splitting a page
// that outgrows the bounds into near-equal pieces and merging one that
// shrinks below 16 entries into its successor. A page that takes a single
// operation and stays within bounds is patched instead: the bytes on either
// side of the change are copied with one memmove each. The old page is
// never modified, and neither is a tree an iterator holds: an iterator
// takes the current tree and marks it shared, and the next write clones
// it first (google/btree's Clone is O(1); the writer then copies the tree
// nodes it changes). So an iterator keeps a stable view — it sees the
// engine as of its creation, which the engine interface allows — and the
// keys and values it returns stay valid for as long as the caller holds
// them. Iterators opened between two writes share one tree, so MVCC's
// point reads (an iterator each) cost a read lock, not a clone apiece.
//
// The price is paid by random single-key writes, which copy a page (up to
// 16 KiB) each: about 1.4x the cost of the earlier pointer-per-entry
// pages, against scans 2.5x (full) to 5x (100 keys) cheaper. Batched and
// sequential writes touch each page once per batch.
package memory
