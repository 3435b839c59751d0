package stream

import (
	"errors"
	"fmt"
)

var (
	// ErrUnknownChannel is returned for a channel that was never created.
	ErrUnknownChannel = errors.New("stream: unknown channel")
	// ErrChannelExists rejects creating a name twice.
	ErrChannelExists = errors.New("stream: channel already exists")
	// ErrInvalid marks bad input (a name, event type, retention, limit);
	// the message says which.
	ErrInvalid = errors.New("stream: invalid argument")
	// ErrTooLarge rejects an event over Options.MaxEventSize.
	ErrTooLarge = errors.New("stream: event too large")
	// ErrClosed is returned after Close, and ends subscriptions.
	ErrClosed = errors.New("stream: store closed")
	// ErrCorrupt marks a stored record that does not decode.
	ErrCorrupt = errors.New("stream: corrupt record")
)

// CorruptionError names the mvcc key whose record failed to decode.
type CorruptionError struct {
	Key    []byte
	Reason string
}

func (e *CorruptionError) Error() string {
	return fmt.Sprintf("stream: corrupt record at key %q: %s", e.Key, e.Reason)
}

// Unwrap makes errors.Is(err, ErrCorrupt) hold.
func (e *CorruptionError) Unwrap() error { return ErrCorrupt }

func invalid(format string, args ...any) error {
	return fmt.Errorf("stream: %s: %w", fmt.Sprintf(format, args...), ErrInvalid)
}
