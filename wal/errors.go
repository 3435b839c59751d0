package wal

import (
	"errors"
	"fmt"
)

var (
	// ErrClosed is returned by every call on a closed Log.
	ErrClosed = errors.New("wal: log is closed")
	// ErrRecordTooLarge is returned by Append for a payload over MaxRecordSize.
	ErrRecordTooLarge = errors.New("wal: record too large")
	// ErrCorrupt is what every *CorruptionError unwraps to.
	ErrCorrupt = errors.New("wal: corrupt log")
	// ErrPoisoned wraps the first write or sync failure. After it the Log
	// refuses all work: a failed fsync may have dropped dirty pages the
	// kernel will never write again, so nothing written since the last good
	// sync can be trusted (the lesson of PostgreSQL's "fsyncgate").
	ErrPoisoned = errors.New("wal: log failed an earlier write or sync")
	// ErrTruncated is returned by NewReader for an LSN that TruncateBefore
	// already removed.
	ErrTruncated = errors.New("wal: LSN is before the oldest segment")
	// ErrBeyondLast is returned by SyncTo for an LSN that was never appended.
	ErrBeyondLast = errors.New("wal: LSN beyond the last appended record")
)

// CorruptionError says where a segment stopped making sense. Open cuts such
// a tail off the last segment (a torn write); anywhere else it is returned.
type CorruptionError struct {
	Segment string // file name, e.g. 00000000000000000001.log
	Offset  int64  // byte offset of the frame that failed to decode
	LSN     LSN    // the LSN the frame should have carried
	Reason  string // what was expected and what was found
}

func (e *CorruptionError) Error() string {
	return fmt.Sprintf("wal: segment %s offset %d (want LSN %d): %s", e.Segment, e.Offset, e.LSN, e.Reason)
}

// Unwrap lets callers test errors.Is(err, ErrCorrupt).
func (e *CorruptionError) Unwrap() error { return ErrCorrupt }

// poisonError is the sticky error of a Log whose write or sync failed.
type poisonError struct {
	op  string // "write" or "sync" and where
	err error
}

func (e *poisonError) Error() string {
	return fmt.Sprintf("%v: %s: %v", ErrPoisoned, e.op, e.err)
}

func (e *poisonError) Unwrap() []error { return []error{ErrPoisoned, e.err} }
