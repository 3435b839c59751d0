package invindex

import (
	"errors"
	"fmt"
)

var (
	// ErrBadName rejects an index or field name that is empty or holds a
	// 0x00 byte (the key separator).
	ErrBadName = errors.New("invindex: bad name")
	// ErrBadQuery marks a query string or Query value that cannot run;
	// the message says what and where.
	ErrBadQuery = errors.New("invindex: bad query")
	// ErrBusy is returned when a write kept conflicting with concurrent
	// writers after every retry.
	ErrBusy = errors.New("invindex: too many concurrent writers")
	// ErrCorrupt marks a stored key or value that does not decode; read
	// the key from a *CorruptionError.
	ErrCorrupt = errors.New("invindex: corrupt index record")
)

// CorruptionError says which stored record failed to decode and why.
type CorruptionError struct {
	Key    []byte
	Reason string
}

func (e *CorruptionError) Error() string {
	return fmt.Sprintf("invindex: corrupt record %q: %s", e.Key, e.Reason)
}

func (e *CorruptionError) Unwrap() error { return ErrCorrupt }

// queryError builds an ErrBadQuery with a position into the query string.
func queryError(pos int, format string, args ...any) error {
	return fmt.Errorf("invindex: query at %d: %s: %w", pos, fmt.Sprintf(format, args...), ErrBadQuery)
}
