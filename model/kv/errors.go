package kv

import (
	"errors"
	"fmt"
)

var (
	// ErrNotFound is returned for a key that is not stored or has expired.
	ErrNotFound = errors.New("kv: key not found")
	// ErrEmptyKey rejects the empty key.
	ErrEmptyKey = errors.New("kv: empty key")
	// ErrKeyTooLarge rejects a key longer than Options.MaxKeySize.
	ErrKeyTooLarge = errors.New("kv: key too large")
	// ErrValueTooLarge rejects a value longer than Options.MaxValueSize.
	ErrValueTooLarge = errors.New("kv: value too large")
	// ErrBadTTL rejects a negative time to live.
	ErrBadTTL = errors.New("kv: negative ttl")
	// ErrBusy is returned when a write kept conflicting with concurrent
	// writers of the same key after every retry.
	ErrBusy = errors.New("kv: too many concurrent writers of one key")
	// ErrCorrupt marks a stored record that does not decode; read the key
	// from a *CorruptionError.
	ErrCorrupt = errors.New("kv: corrupt record")
)

// CorruptionError says which key's record failed to decode and why.
type CorruptionError struct {
	Key    []byte // the user key
	Reason string
}

func (e *CorruptionError) Error() string {
	return fmt.Sprintf("kv: corrupt record for key %q: %s", e.Key, e.Reason)
}

func (e *CorruptionError) Unwrap() error { return ErrCorrupt }
