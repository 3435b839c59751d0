// Package memory is the in-memory storage backend, registered as "memory":
// a github.com/google/btree of key/value pairs behind a read-write mutex.
//
// Uses: engine. Used by: tests, and servers that need no persistence.
//
// Nothing is durable: Flush and synced batches return at once, and Close
// drops everything. A batch is applied under the write lock, so readers
// see all of it or none of it.
//
// google/btree has no cursors, only callbacks, so an iterator works on a
// copy-on-write Clone of the tree taken when it is created (O(1); writers
// then copy the nodes they change) and copies out runs of items (4 after a
// seek, doubling to 64 as a scan goes on) per
// descent. An iterator therefore sees the engine as of its creation, which
// the engine interface allows.
package memory
