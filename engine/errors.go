package engine

import (
	"errors"
	"fmt"
)

var (
	// ErrNotFound is returned by Get for a key that is not stored.
	ErrNotFound = errors.New("engine: key not found")
	// ErrClosed is returned by every call on a closed engine.
	ErrClosed = errors.New("engine: closed")
	// ErrUnknownBackend is returned by Open for a name nobody registered.
	ErrUnknownBackend = errors.New("engine: unknown backend")
	// ErrKeyTooLarge and ErrValueTooLarge reject a batch whose key or value
	// exceeds what the backend stores; nothing of the batch is applied.
	ErrKeyTooLarge   = errors.New("engine: key too large")
	ErrValueTooLarge = errors.New("engine: value too large")
	// ErrCorruptBatch is returned when a batch encoding does not parse.
	ErrCorruptBatch = errors.New("engine: corrupt batch")
	// ErrCorruption marks stored data that failed a check; match it with
	// errors.Is and read the location from a *CorruptionError.
	ErrCorruption = errors.New("engine: corruption")
)

// CorruptionError says where stored data failed a check.
type CorruptionError struct {
	File   string // the file, if any
	Offset int64  // the byte offset in File, or -1
	Reason string
	Err    error // the underlying cause, may be nil
}

func (e *CorruptionError) Error() string {
	msg := "engine: corruption"
	if e.File != "" {
		msg += fmt.Sprintf(" in %s", e.File)
		if e.Offset >= 0 {
			msg += fmt.Sprintf(" at offset %d", e.Offset)
		}
	}
	msg += ": " + e.Reason
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *CorruptionError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrCorruption}
	}
	return []error{ErrCorruption, e.Err}
}
