package gorilla

import (
	"errors"
	"fmt"
)

var (
	// ErrCorrupt is the cause of every CorruptionError.
	ErrCorrupt = errors.New("gorilla: corrupt chunk")
	// ErrEmpty is returned by Seal and Bytes of an encoder with no points.
	ErrEmpty = errors.New("gorilla: empty chunk")
)

// CorruptionError says where a chunk stopped making sense: the point index
// being decoded (-1 for the header) and what was wrong.
type CorruptionError struct {
	Point  int
	Reason string
}

func (e *CorruptionError) Error() string {
	if e.Point < 0 {
		return fmt.Sprintf("gorilla: corrupt chunk header: %s", e.Reason)
	}
	return fmt.Sprintf("gorilla: corrupt chunk at point %d: %s", e.Point, e.Reason)
}

// Unwrap makes errors.Is(err, ErrCorrupt) hold.
func (e *CorruptionError) Unwrap() error { return ErrCorrupt }

func corrupt(point int, format string, args ...any) error {
	return &CorruptionError{Point: point, Reason: fmt.Sprintf(format, args...)}
}
