package engine

import (
	"github.com/aegisdb/aegis/vfs"
)

// Engine is an ordered key-value store: the one interface every storage
// backend implements and everything above storage uses.
//
// An Engine is safe for concurrent use. Keys and values are arbitrary byte
// strings (the empty key is a valid key); keys are ordered by bytes.Compare.
// The engine keeps no snapshots: an iterator may or may not see writes that
// happen while it is open, but it always sees a batch whole or not at all
// at the moment it reads each key. Consistent snapshots are mvcc's job.
type Engine interface {
	// Get returns a copy of the value stored under key, or ErrNotFound.
	Get(key []byte) ([]byte, error)
	// Apply writes every operation of b atomically: after a crash either
	// all of them are there or none is. With opts.Sync the batch is durable
	// when Apply returns; without it a crash may lose it (whole).
	// Apply does not retain b; the caller may reuse it.
	//
	// Durability is ordered: after a crash the engine holds a prefix of
	// the batches it applied, all of them up to some point and none after,
	// and that prefix includes every batch up to the last one whose synced
	// Apply (or Flush) returned nil. A synced batch thus makes every
	// earlier batch durable too. A batch whose Apply returned an error may
	// be there or not, but whole or not at all.
	Apply(b *Batch, opts WriteOptions) error
	// NewIterator returns an iterator over the keys in
	// [opts.LowerBound, opts.UpperBound). It starts unpositioned; call a
	// positioning method (First, Last, SeekGE, SeekLT) before reading.
	NewIterator(opts IterOptions) Iterator
	// Flush makes every applied batch durable (memtables, dirty pages, WAL).
	Flush() error
	// Close flushes and releases the engine. Later calls return ErrClosed.
	Close() error
	// Metrics returns the engine's counters.
	Metrics() Metrics
}

// WriteOptions control one Apply.
type WriteOptions struct {
	// Sync makes Apply return only once the batch is durable.
	Sync bool
}

// IterOptions bound an iterator. A nil bound is unbounded.
type IterOptions struct {
	LowerBound []byte // inclusive
	UpperBound []byte // exclusive
}

// Iterator walks keys in order within its bounds.
//
// The positioning methods (First, Last, SeekGE, SeekLT, Next, Prev) report
// whether the iterator is now at a key. Once an iterator has run off either
// end, Next and Prev return false until it is positioned again. Key and
// Value are valid only until the next positioning call; copy them to keep
// them. After a positioning method returns false, Err tells whether the end
// was reached (nil) or an error stopped the walk.
type Iterator interface {
	First() bool
	Last() bool
	// SeekGE moves to the first key >= key (clamped to the lower bound).
	SeekGE(key []byte) bool
	// SeekLT moves to the last key < key (clamped to the upper bound).
	SeekLT(key []byte) bool
	Next() bool
	Prev() bool
	Valid() bool
	Key() []byte
	Value() []byte
	Err() error
	Close() error
}

// Options configure a backend when it is opened. Backends ignore what does
// not apply to them (the memory backend has no directory).
type Options struct {
	// FS is the file system; nil means vfs.Default.
	FS vfs.FS
	// Dir is the directory holding the backend's files.
	Dir string
	// Compression names a compress codec: "none", "snappy", "lz4", "zstd".
	Compression string
	// CacheSize is the memory in bytes for the buffer pool or block cache;
	// 0 means the backend's default.
	CacheSize int64
	// PageSize is the page size in bytes for paged backends; 0 means default.
	PageSize int
	// DisableWAL turns off the write-ahead log: faster, and a crash loses
	// everything since the last Flush.
	DisableWAL bool
}

// FileSystem returns opts.FS, or vfs.Default when it is nil.
func (o Options) FileSystem() vfs.FS {
	if o.FS == nil {
		return vfs.Default
	}
	return o.FS
}

// Metrics are an engine's counters. The common fields are kept by every
// backend; Details carries the counters only one backend has (WAL syncs,
// buffer pool hits, compactions...), named in Prometheus style.
//
// The batch counters count what was handed to Apply, not its effect: a put
// over an existing key, a delete of a missing key and a repeated key within
// one batch each count once.
type Metrics struct {
	Backend         string
	Gets            uint64
	BatchesApplied  uint64
	SyncedBatches   uint64
	KeysPut         uint64
	KeysDeleted     uint64
	BytesWritten    uint64 // key and value bytes handed to Apply
	IteratorsOpened uint64
	Details         []Counter
}

// Counter is one backend-specific metric.
type Counter struct {
	Name  string // e.g. "wal_syncs_total"
	Help  string
	Value float64
}

// Detail returns the value of the named backend-specific counter, and
// whether the backend reports it.
func (m Metrics) Detail(name string) (float64, bool) {
	for _, c := range m.Details {
		if c.Name == name {
			return c.Value, true
		}
	}
	return 0, false
}
