package mvcc

import (
	"errors"
	"fmt"
)

var (
	// ErrNotFound is returned by Get for a key with no visible version.
	ErrNotFound = errors.New("mvcc: key not found")
	// ErrConflict marks a commit rejected by concurrency control. It is
	// retryable: begin a new transaction and run it again. Read the key and
	// the kind of conflict from a *ConflictError.
	ErrConflict = errors.New("mvcc: transaction conflict")
	// ErrTxnDone is returned by any call on a committed or rolled-back
	// transaction.
	ErrTxnDone = errors.New("mvcc: transaction already finished")
	// ErrReadOnly is returned by Put and Delete on a read-only transaction
	// (including every time-travel transaction).
	ErrReadOnly = errors.New("mvcc: write in a read-only transaction")
	// ErrSnapshotTooOld is returned by Begin when the requested AsOf
	// timestamp is below the garbage collector's horizon, so versions it
	// would read may be gone.
	ErrSnapshotTooOld = errors.New("mvcc: snapshot too old")
	// ErrFutureTimestamp is returned by Begin for an AsOf timestamp that
	// has not been committed yet: reading it would not be repeatable.
	ErrFutureTimestamp = errors.New("mvcc: read timestamp in the future")
	// ErrClosed is returned by every call on a closed DB.
	ErrClosed = errors.New("mvcc: closed")
	// ErrFailed is returned by every commit after an engine write failed.
	// The outcome of the failed batch is unknown (it may or may not be
	// durable), so the DB stops accepting commits rather than guess; close
	// it and open it again to recover the clock from the engine.
	ErrFailed = errors.New("mvcc: an earlier commit failed in the engine; reopen the DB")
	// ErrCorrupt marks an engine key or value that does not decode as an
	// mvcc version; match it with errors.Is and read a *CorruptionError.
	ErrCorrupt = errors.New("mvcc: corrupt version")
)

// ConflictKind says which rule rejected a commit.
type ConflictKind uint8

const (
	// WriteWrite: another transaction committed a write to a key this one
	// writes after this one's read timestamp (first committer wins).
	WriteWrite ConflictKind = iota + 1
	// ReadWrite: under Serializable, another transaction committed a write
	// to a key this one read (or to a range it scanned) after this one's
	// read timestamp.
	ReadWrite
)

func (k ConflictKind) String() string {
	switch k {
	case WriteWrite:
		return "write-write"
	case ReadWrite:
		return "read-write"
	}
	return fmt.Sprintf("ConflictKind(%d)", uint8(k))
}

// ConflictError says which key made a commit fail. It matches ErrConflict.
type ConflictError struct {
	Kind ConflictKind
	Key  []byte // the user key that conflicted
	// ReadTS is the losing transaction's read timestamp; CommitTS is the
	// timestamp of the winning write, which is newer than ReadTS.
	ReadTS, CommitTS uint64
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("mvcc: %s conflict on key %q: written at ts %d after read ts %d (retry the transaction)",
		e.Kind, e.Key, e.CommitTS, e.ReadTS)
}

func (e *ConflictError) Unwrap() error { return ErrConflict }

// CorruptionError says which engine key failed to decode and why.
type CorruptionError struct {
	Key    []byte // the raw engine key
	Reason string
}

func (e *CorruptionError) Error() string {
	return fmt.Sprintf("mvcc: corrupt version at engine key %x: %s", e.Key, e.Reason)
}

func (e *CorruptionError) Unwrap() error { return ErrCorrupt }
