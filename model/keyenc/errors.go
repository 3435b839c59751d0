package keyenc

import (
	"errors"
	"fmt"
)

// ErrCorrupt is matched (errors.Is) by every decoding error.
var ErrCorrupt = errors.New("keyenc: corrupt key")

// DecodeError says where and why a key did not decode.
type DecodeError struct {
	Offset int    // byte offset in the key where the bad value starts
	Reason string // what was wrong
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("keyenc: corrupt key at byte %d: %s", e.Offset, e.Reason)
}

// Unwrap lets errors.Is(err, ErrCorrupt) match.
func (e *DecodeError) Unwrap() error { return ErrCorrupt }
