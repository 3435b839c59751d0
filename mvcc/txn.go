package mvcc

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/google/btree"

	"github.com/aegisdb/aegis/engine"
)

// write is one buffered write of a transaction.
type write struct {
	key, value []byte
	tombstone  bool
}

func lessWrite(a, b write) bool { return bytes.Compare(a.key, b.key) < 0 }

// Txn is a transaction: it reads the snapshot at its read timestamp and
// buffers its writes until Commit. A Txn is not safe for concurrent use.
type Txn struct {
	db       *DB
	readTS   uint64
	commitTS uint64
	readOnly bool
	iso      Isolation
	done     bool

	writes *btree.BTreeG[write] // nil until the first write

	// The read set, kept only when validatesReads: user keys read with Get
	// and user-key ranges scanned.
	reads  map[string]struct{}
	ranges []keyRange
}

// validatesReads reports whether Commit must check the read set.
func (t *Txn) validatesReads() bool { return t.iso == Serializable && !t.readOnly }

// ReadTS is the timestamp of the snapshot the transaction reads.
func (t *Txn) ReadTS() uint64 { return t.readTS }

// CommitTS is the transaction's commit timestamp once Commit has returned
// nil after writing something; 0 before, and for a commit with no writes.
func (t *Txn) CommitTS() uint64 { return t.commitTS }

func (t *Txn) String() string {
	n := 0
	if t.writes != nil {
		n = t.writes.Len()
	}
	return fmt.Sprintf("txn(read ts %d, %s, read-only %t, %d writes, done %t)", t.readTS, t.iso, t.readOnly, n, t.done)
}

// Get returns the value of key in the transaction's snapshot, with its own
// writes applied, or ErrNotFound. The returned slice is the caller's.
func (t *Txn) Get(key []byte) ([]byte, error) {
	if t.done {
		return nil, ErrTxnDone
	}
	if t.writes != nil {
		if w, ok := t.writes.Get(write{key: key}); ok {
			if w.tombstone {
				return nil, ErrNotFound
			}
			return bytes.Clone(w.value), nil
		}
	}
	if t.reads != nil {
		t.reads[string(key)] = struct{}{}
	}
	value, err := t.db.readVersion(key, t.readTS)
	if err != nil {
		return nil, err
	}
	return value, nil
}

// readVersion returns the newest version of key at or below ts.
func (db *DB) readVersion(key []byte, ts uint64) ([]byte, error) {
	lower := appendVersionKey(nil, key, ts)
	upper := prefixEnd(lower[:len(lower)-tsLen])
	it := db.eng.NewIterator(engine.IterOptions{LowerBound: lower, UpperBound: upper})
	defer it.Close()
	if !it.First() {
		if err := it.Err(); err != nil {
			return nil, fmt.Errorf("mvcc: get %q at ts %d: %w", key, ts, err)
		}
		return nil, ErrNotFound
	}
	value, tombstone, err := decodeValue(it.Key(), it.Value())
	if err != nil {
		return nil, err
	}
	if tombstone {
		return nil, ErrNotFound
	}
	return bytes.Clone(value), nil
}

// Put buffers key = value. Both are copied.
func (t *Txn) Put(key, value []byte) error {
	return t.buffer(write{key: bytes.Clone(key), value: append([]byte{}, value...)})
}

// Delete buffers a delete of key, written as a tombstone version at commit.
// Deleting a missing key is not an error.
func (t *Txn) Delete(key []byte) error {
	return t.buffer(write{key: bytes.Clone(key), tombstone: true})
}

func (t *Txn) buffer(w write) error {
	if t.done {
		return ErrTxnDone
	}
	if t.readOnly {
		return ErrReadOnly
	}
	if w.key == nil {
		w.key = []byte{}
	}
	if t.writes == nil {
		t.writes = btree.NewG(16, lessWrite)
	}
	t.writes.ReplaceOrInsert(w)
	return nil
}

// Rollback discards the transaction. It is a no-op on a finished one.
func (t *Txn) Rollback() {
	if t.done {
		return
	}
	t.done = true
	t.db.m.abortRollback.Add(1)
	t.db.release(t)
}

// Commit writes the buffered writes as one engine batch stamped with a new
// commit timestamp, or returns an error matching ErrConflict (retryable)
// and writes nothing. If the engine fails the batch, Commit returns its
// error and, unless the engine rejected the batch whole (key or value too
// large), every later commit fails with ErrFailed. Either way the
// transaction is finished.
func (t *Txn) Commit() error {
	if t.done {
		return ErrTxnDone
	}
	t.done = true
	db := t.db
	defer db.release(t)
	if t.writes == nil || t.writes.Len() == 0 {
		// Nothing to write: the transaction is serializable at its read
		// timestamp, since all it did was read one consistent snapshot.
		db.m.readOnlyCommits.Add(1)
		return nil
	}

	db.commitMu.Lock()
	defer db.commitMu.Unlock()
	if db.isClosed() {
		db.m.abortErr.Add(1)
		return ErrClosed
	}
	if db.failed != nil {
		db.m.abortErr.Add(1)
		return fmt.Errorf("%w (%w)", ErrFailed, db.failed)
	}
	if err := db.checkWriteWrite(t); err != nil {
		db.m.abortWriteWrite.Add(1)
		return err
	}
	if t.validatesReads() {
		if err := db.log.validate(t); err != nil {
			db.m.abortReadWrite.Add(1)
			return err
		}
	}

	ts := db.lastCommitted.Load() + 1
	b := engine.NewBatch()
	var keyBuf []byte
	t.writes.Ascend(func(w write) bool {
		keyBuf = appendVersionKey(keyBuf[:0], w.key, ts)
		b.Put(keyBuf, encodeValue(w.value, w.tombstone))
		return true
	})
	b.Put(clockKey, encodeUint64(ts))
	if err := db.eng.Apply(b, engine.WriteOptions{Sync: db.opts.SyncOnCommit}); err != nil {
		db.m.abortErr.Add(1)
		if errors.Is(err, engine.ErrKeyTooLarge) || errors.Is(err, engine.ErrValueTooLarge) {
			// The engine rejected the batch before applying any of it.
			return fmt.Errorf("mvcc: commit: %w", err)
		}
		// The batch may or may not have reached the engine; reusing ts
		// could overwrite it, so stop committing until a reopen.
		db.failed = err
		return fmt.Errorf("mvcc: commit at ts %d: %w", ts, err)
	}
	db.lastCommitted.Store(ts)
	t.commitTS = ts
	db.m.commits.Add(1)

	// Decide whether serializable transactions need this write set only
	// now that lastCommitted is ts: one that begins after this check reads
	// at ts or later, so it cannot miss the write.
	db.activeMu.Lock()
	needed, wm := db.activeSerial > 0, db.watermarkLocked()
	db.activeMu.Unlock()
	db.log.add(t, ts, needed, wm)
	db.recent.add(t, ts, wm)
	return nil
}

// checkWriteWrite enforces first-committer-wins: it fails if any key t
// writes was committed by another transaction after t's read timestamp.
// Called under commitMu, so nothing can commit between the check and t's
// own Apply.
func (db *DB) checkWriteWrite(t *Txn) error {
	var err error
	t.writes.Ascend(func(w write) bool {
		if ts, ok := db.recent.lastWrite(w.key); ok && ts > t.readTS {
			err = &ConflictError{Kind: WriteWrite, Key: bytes.Clone(w.key), ReadTS: t.readTS, CommitTS: ts}
			return false
		}
		return true
	})
	return err
}
