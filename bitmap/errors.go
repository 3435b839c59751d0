package bitmap

import (
	"errors"
	"fmt"
)

var (
	// ErrCorrupt marks serialized bytes that do not decode as a bitmap;
	// read the offset and reason from a *CorruptionError.
	ErrCorrupt = errors.New("bitmap: corrupt serialized bitmap")
)

// CorruptionError says where a serialized bitmap failed to decode and why.
type CorruptionError struct {
	Offset int // byte offset into the input where the problem was found
	Reason string
}

func (e *CorruptionError) Error() string {
	return fmt.Sprintf("bitmap: corrupt serialized bitmap at byte %d: %s", e.Offset, e.Reason)
}

func (e *CorruptionError) Unwrap() error { return ErrCorrupt }

func corrupt(off int, format string, args ...any) error {
	return &CorruptionError{Offset: off, Reason: fmt.Sprintf(format, args...)}
}
