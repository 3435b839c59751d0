package timeseries

import (
	"errors"
	"fmt"
)

var (
	// ErrUnknownMetric is returned for a metric that was never registered.
	ErrUnknownMetric = errors.New("timeseries: unknown metric")
	// ErrMetricExists rejects registering a name twice.
	ErrMetricExists = errors.New("timeseries: metric already exists")
	// ErrInvalid marks bad input: a malformed name, tag, kind, function,
	// interval, matcher or time range. The message says which.
	ErrInvalid = errors.New("timeseries: invalid argument")
	// ErrOutOfOrder rejects a point not later than the last point of its
	// series: chunks are append-only.
	ErrOutOfOrder = errors.New("timeseries: point out of order")
	// ErrTooManyPoints stops a query that would return or hold more than
	// Options.MaxQueryPoints points.
	ErrTooManyPoints = errors.New("timeseries: query touches too many points")
	// ErrClosed is returned after Close.
	ErrClosed = errors.New("timeseries: store closed")
	// ErrCorrupt marks a stored record that does not decode.
	ErrCorrupt = errors.New("timeseries: corrupt record")
)

// CorruptionError names the mvcc key whose record failed to decode.
type CorruptionError struct {
	Key    []byte
	Reason string
	Err    error // the codec's error, if any
}

func (e *CorruptionError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("timeseries: corrupt record at key %q: %s: %v", e.Key, e.Reason, e.Err)
	}
	return fmt.Sprintf("timeseries: corrupt record at key %q: %s", e.Key, e.Reason)
}

// Unwrap makes errors.Is(err, ErrCorrupt) hold; the codec's error is
// reachable through errors.As.
func (e *CorruptionError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrCorrupt, e.Err}
	}
	return []error{ErrCorrupt}
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("timeseries: %s: %w", fmt.Sprintf(format, args...), ErrInvalid)
}
