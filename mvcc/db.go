package mvcc

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aegisdb/aegis/engine"
)

// Default GC settings, used when Options leaves them zero.
const (
	DefaultGCInterval   = 5 * time.Second
	DefaultGCBatchLimit = 1000
)

// Options configure a DB.
type Options struct {
	// SyncOnCommit makes Commit return only once the commit is durable
	// (engine.WriteOptions{Sync: true}). Without it a crash may lose the
	// latest commits, each whole.
	SyncOnCommit bool
	// GCInterval is how often the background collector runs a cycle over
	// the keyspace. 0 means DefaultGCInterval; a negative value turns the
	// background collector off (DB.GC still works).
	GCInterval time.Duration
	// GCBatchLimit bounds the versions one GC pass examines, and so the
	// size of its delete batch. 0 means DefaultGCBatchLimit.
	GCBatchLimit int
}

// Isolation is a transaction's isolation level.
type Isolation uint8

const (
	// SnapshotIsolation: reads see the snapshot at Begin; a commit fails if
	// another transaction committed a write to one of its keys since.
	SnapshotIsolation Isolation = iota
	// Serializable adds read-set validation: a commit also fails if another
	// transaction committed a write to a key it read or a range it scanned
	// since Begin. This rejects write skew.
	Serializable
)

func (i Isolation) String() string {
	switch i {
	case SnapshotIsolation:
		return "snapshot"
	case Serializable:
		return "serializable"
	}
	return fmt.Sprintf("Isolation(%d)", uint8(i))
}

// TxnOptions configure one transaction.
type TxnOptions struct {
	ReadOnly  bool
	Isolation Isolation
	// AsOf, when nonzero, reads the database as it was right after the
	// commit with that timestamp (time travel). Such a transaction is
	// read-only. Begin fails with ErrSnapshotTooOld if the garbage
	// collector may already have dropped versions it needs; to keep a
	// timestamp readable, keep a transaction at or below it open.
	AsOf uint64
}

// DB runs transactions over an engine. It is safe for concurrent use; a
// single Txn is not.
//
// Lock order: commitMu, then activeMu. gcMu, then activeMu.
type DB struct {
	eng  engine.Engine
	opts Options

	// commitMu serializes conflict checks, timestamp assignment and the
	// engine Apply, so timestamps are handed out in apply order.
	commitMu      sync.Mutex
	failed        error        // set when an Apply failed; under commitMu
	log           commitLog    // write sets for serializable validation; under commitMu
	recent        recentWrites // last commit ts of recently written keys; under commitMu
	lastCommitted atomic.Uint64

	// activeMu guards the set of active read timestamps, the GC horizon
	// and closed. Begin reads lastCommitted under it, so a GC that computed
	// a watermark under it never sees a later Begin with an older snapshot.
	activeMu     sync.Mutex
	active       map[uint64]int // read ts -> number of active txns
	activeSerial int            // active serializable read-write txns
	horizon      uint64         // no snapshot below this may begin
	closed       bool

	gcMu    sync.Mutex
	gcState gcCursor
	stopGC  chan struct{}
	gcDone  chan struct{}

	m counters
}

type counters struct {
	commits, readOnlyCommits                                 atomic.Uint64
	abortWriteWrite, abortReadWrite, abortRollback, abortErr atomic.Uint64
	gcPasses, gcCycles, gcErrors, versionsCollected          atomic.Uint64
}

// Open starts a DB on e, restoring the clock and the GC horizon from the
// metadata the engine holds. The DB does not own e: close the DB first,
// then the engine.
func Open(e engine.Engine, opts Options) (*DB, error) {
	if opts.GCInterval == 0 {
		opts.GCInterval = DefaultGCInterval
	}
	if opts.GCBatchLimit <= 0 {
		opts.GCBatchLimit = DefaultGCBatchLimit
	}
	db := &DB{eng: e, opts: opts, active: map[uint64]int{}}
	clock, err := readMeta(e, clockKey)
	if err != nil {
		return nil, fmt.Errorf("mvcc: open: reading the clock: %w", err)
	}
	db.lastCommitted.Store(clock)
	if db.horizon, err = readMeta(e, horizonKey); err != nil {
		return nil, fmt.Errorf("mvcc: open: reading the GC horizon: %w", err)
	}
	if opts.GCInterval > 0 {
		db.stopGC = make(chan struct{})
		db.gcDone = make(chan struct{})
		go db.runGC()
	}
	return db, nil
}

func readMeta(e engine.Engine, key []byte) (uint64, error) {
	v, err := e.Get(key)
	if errors.Is(err, engine.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return decodeUint64(key, v)
}

// Close stops the background collector and makes later calls fail with
// ErrClosed: Begin, GC, and the Commit of a transaction still open (which
// writes nothing). Reads of open transactions keep working as long as the
// engine is open; Close does not close the engine.
func (db *DB) Close() error {
	db.activeMu.Lock()
	if db.closed {
		db.activeMu.Unlock()
		return ErrClosed
	}
	db.closed = true
	db.activeMu.Unlock()
	if db.stopGC != nil {
		close(db.stopGC)
		<-db.gcDone
	}
	return nil
}

// Begin starts a transaction. Every transaction must end with Commit or
// Rollback: an abandoned one holds back garbage collection forever.
func (db *DB) Begin(opts TxnOptions) (*Txn, error) {
	t := &Txn{db: db, readOnly: opts.ReadOnly || opts.AsOf != 0, iso: opts.Isolation}
	db.activeMu.Lock()
	defer db.activeMu.Unlock()
	if db.closed {
		return nil, ErrClosed
	}
	last := db.lastCommitted.Load()
	t.readTS = last
	if opts.AsOf != 0 {
		if opts.AsOf > last {
			return nil, fmt.Errorf("mvcc: begin as of ts %d, last committed is %d: %w", opts.AsOf, last, ErrFutureTimestamp)
		}
		if opts.AsOf < db.horizon {
			return nil, fmt.Errorf("mvcc: begin as of ts %d, GC horizon is %d: %w", opts.AsOf, db.horizon, ErrSnapshotTooOld)
		}
		t.readTS = opts.AsOf
	}
	db.active[t.readTS]++
	if t.validatesReads() {
		db.activeSerial++
		t.reads = map[string]struct{}{}
	}
	return t, nil
}

func (db *DB) isClosed() bool {
	db.activeMu.Lock()
	defer db.activeMu.Unlock()
	return db.closed
}

// release removes a finished transaction from the active set.
func (db *DB) release(t *Txn) {
	db.activeMu.Lock()
	defer db.activeMu.Unlock()
	if n := db.active[t.readTS]; n <= 1 {
		delete(db.active, t.readTS)
	} else {
		db.active[t.readTS] = n - 1
	}
	if t.validatesReads() {
		db.activeSerial--
	}
}

// watermarkLocked is the low watermark: the oldest read timestamp any
// active transaction uses, or the last commit when none is active. No
// snapshot now or later reads below it. Call with activeMu held.
func (db *DB) watermarkLocked() uint64 {
	wm := db.lastCommitted.Load()
	for ts := range db.active {
		wm = min(wm, ts)
	}
	return wm
}

// LastCommitted returns the timestamp of the latest commit, the read
// timestamp a transaction begun now gets.
func (db *DB) LastCommitted() uint64 { return db.lastCommitted.Load() }

// Metrics are the DB's counters; the cumulative ones can be diffed.
type Metrics struct {
	Commits         uint64 // read-write transactions committed
	ReadOnlyCommits uint64 // transactions committed with nothing to write
	Aborts          AbortMetrics
	ActiveTxns      int
	LastCommitted   uint64 // the clock
	Watermark       uint64 // the oldest snapshot an active transaction reads
	GCHorizon       uint64 // no time travel below this
	GCPasses        uint64 // bounded GC passes run
	GCCycles        uint64 // passes that reached the end of the keyspace
	GCErrors        uint64
	// VersionsCollected counts versions (and tombstones) deleted by GC.
	VersionsCollected uint64
	CommitLogEntries  int // recent write sets kept for serializable validation
	RecentWrites      int // keys in the write-write conflict table
}

// AbortMetrics count transactions that ended without committing, by reason.
type AbortMetrics struct {
	WriteWrite  uint64 // first committer won
	ReadWrite   uint64 // serializable read-set validation failed
	Rollback    uint64 // the caller rolled back
	EngineError uint64 // the engine failed the commit batch
}

// Total is the number of aborts for any reason.
func (a AbortMetrics) Total() uint64 { return a.WriteWrite + a.ReadWrite + a.Rollback + a.EngineError }

// Metrics returns the DB's counters.
func (db *DB) Metrics() Metrics {
	db.commitMu.Lock()
	logEntries, recent := len(db.log.entries), len(db.recent.last)
	db.commitMu.Unlock()
	db.activeMu.Lock()
	active := 0
	for _, n := range db.active {
		active += n
	}
	wm, horizon := db.watermarkLocked(), db.horizon
	db.activeMu.Unlock()
	return Metrics{
		Commits:         db.m.commits.Load(),
		ReadOnlyCommits: db.m.readOnlyCommits.Load(),
		Aborts: AbortMetrics{
			WriteWrite:  db.m.abortWriteWrite.Load(),
			ReadWrite:   db.m.abortReadWrite.Load(),
			Rollback:    db.m.abortRollback.Load(),
			EngineError: db.m.abortErr.Load(),
		},
		ActiveTxns:        active,
		LastCommitted:     db.lastCommitted.Load(),
		Watermark:         wm,
		GCHorizon:         horizon,
		GCPasses:          db.m.gcPasses.Load(),
		GCCycles:          db.m.gcCycles.Load(),
		GCErrors:          db.m.gcErrors.Load(),
		VersionsCollected: db.m.versionsCollected.Load(),
		CommitLogEntries:  logEntries,
		RecentWrites:      recent,
	}
}
