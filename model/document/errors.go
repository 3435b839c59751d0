package document

import (
	"errors"
	"fmt"
)

var (
	// ErrNotFound: no such collection or document.
	ErrNotFound = errors.New("document: not found")
	// ErrExists: a collection or document id is already taken.
	ErrExists = errors.New("document: already exists")
	// ErrBadName rejects a collection name, document id or field path.
	ErrBadName = errors.New("document: bad name")
	// ErrBadFilter marks a filter, sort or projection that cannot run; the
	// message names the operator and path.
	ErrBadFilter = errors.New("document: bad filter")
	// ErrBadSchema rejects a validation schema that uses an unknown
	// keyword or a wrong operand.
	ErrBadSchema = errors.New("document: bad schema")
	// ErrBadDocument rejects a document that is not a JSON object or is too
	// large.
	ErrBadDocument = errors.New("document: bad document")
	// ErrValidation marks a document rejected by its collection's schema;
	// read the path and rule from a *ValidationError.
	ErrValidation = errors.New("document: validation failed")
	// ErrNoTextIndex: full-text search on a collection without one.
	ErrNoTextIndex = errors.New("document: collection has no full-text index")
	// ErrBusy is returned when a write kept conflicting after every retry.
	ErrBusy = errors.New("document: too many concurrent writers")
	// ErrCorrupt marks a stored record that does not decode.
	ErrCorrupt = errors.New("document: corrupt record")
)

// ValidationError says which value broke which schema rule.
type ValidationError struct {
	Path string // dot path of the value, "" for the document itself
	Rule string
}

func (e *ValidationError) Error() string {
	p := e.Path
	if p == "" {
		p = "document"
	}
	return fmt.Sprintf("document: validation failed at %s: %s", p, e.Rule)
}

func (e *ValidationError) Unwrap() error { return ErrValidation }

// CorruptionError names the stored key that failed to decode.
type CorruptionError struct {
	Key    []byte
	Reason string
}

func (e *CorruptionError) Error() string {
	return fmt.Sprintf("document: corrupt record %q: %s", e.Key, e.Reason)
}

func (e *CorruptionError) Unwrap() error { return ErrCorrupt }

func badFilter(format string, args ...any) error {
	return fmt.Errorf("document: %s: %w", fmt.Sprintf(format, args...), ErrBadFilter)
}
