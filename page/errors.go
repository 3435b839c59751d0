package page

import (
	"errors"
	"fmt"
)

var (
	// ErrPageFull means a cell does not fit in the page, even compacted.
	ErrPageFull = errors.New("page: no room for cell")
	// ErrCorrupt marks bytes that are not a valid page; the details are in a
	// *CorruptionError.
	ErrCorrupt = errors.New("page: corrupt")
	// ErrBadSize is returned for a page size that is not a power of two
	// between MinSize and MaxSize.
	ErrBadSize = errors.New("page: bad page size")
)

// CorruptionError says which page failed a check and why.
type CorruptionError struct {
	ID     ID     // the page id the caller expected, or the one in the header
	Reason string // what was expected and what was found
	Err    error  // an underlying cause, may be nil
}

func (e *CorruptionError) Error() string {
	msg := fmt.Sprintf("page: corrupt page %d: %s", e.ID, e.Reason)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap lets errors.Is match ErrCorrupt and the cause.
func (e *CorruptionError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrCorrupt}
	}
	return []error{ErrCorrupt, e.Err}
}

func corrupt(id ID, format string, args ...any) error {
	return &CorruptionError{ID: id, Reason: fmt.Sprintf(format, args...)}
}
