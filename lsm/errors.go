package lsm

import (
	"errors"
	"fmt"

	"github.com/aegisdb/aegis/engine"
)

var (
	// ErrCorrupt marks stored bytes (a block, a table, the manifest) that
	// failed a check. Every *CorruptionError matches it, and also
	// engine.ErrCorruption.
	ErrCorrupt = errors.New("lsm: corrupt data")
	// ErrClosed is returned by calls on a closed DB; it matches
	// engine.ErrClosed as well.
	ErrClosed = fmt.Errorf("lsm: %w", engine.ErrClosed)
	// ErrBadOptions rejects options that cannot work.
	ErrBadOptions = errors.New("lsm: bad options")
	// ErrBackground is wrapped around a flush or compaction failure; after
	// one the DB refuses writes until it is reopened.
	ErrBackground = errors.New("lsm: background work failed")
)

// CorruptionError says which file and offset failed which check.
type CorruptionError struct {
	File   string // file name, may be empty for in-memory bytes
	Offset int64  // byte offset, -1 when unknown
	Reason string
}

func (e *CorruptionError) Error() string {
	loc := e.File
	if loc == "" {
		loc = "block"
	}
	if e.Offset >= 0 {
		return fmt.Sprintf("lsm: corrupt %s at offset %d: %s", loc, e.Offset, e.Reason)
	}
	return fmt.Sprintf("lsm: corrupt %s: %s", loc, e.Reason)
}

func (e *CorruptionError) Unwrap() []error { return []error{ErrCorrupt, engine.ErrCorruption} }

func corruptf(file string, off int64, format string, args ...any) error {
	return &CorruptionError{File: file, Offset: off, Reason: fmt.Sprintf(format, args...)}
}
