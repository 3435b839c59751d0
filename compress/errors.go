package compress

import (
	"errors"
	"fmt"
)

var (
	// ErrUnknownCodec is returned by Lookup and ByID for a name or id that no
	// codec has. The wrapping message lists the allowed values.
	ErrUnknownCodec = errors.New("compress: unknown codec")
	// ErrCorrupt marks a block its codec cannot decode. Match it with
	// errors.Is and read the details from a *CorruptError.
	ErrCorrupt = errors.New("compress: corrupt block")
	// ErrTooLarge is returned by Decode when the block would decompress to
	// more than maxLen bytes. It is checked before the output is allocated,
	// so a lying header cannot make Decode allocate more than maxLen.
	ErrTooLarge = errors.New("compress: decompressed block exceeds limit")
)

// CorruptError says which codec refused a block, where and why.
type CorruptError struct {
	Codec  string // the codec's name
	Offset int    // byte offset in the compressed block where decoding failed, or -1 if the library did not say
	Reason string // what was expected
	Err    error  // the library's error, may be nil
}

func (e *CorruptError) Error() string {
	msg := "compress: " + e.Codec + ": corrupt block"
	if e.Offset >= 0 {
		msg += fmt.Sprintf(" at offset %d", e.Offset)
	}
	msg += ": " + e.Reason
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap lets errors.Is match both ErrCorrupt and the library's error.
func (e *CorruptError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrCorrupt}
	}
	return []error{ErrCorrupt, e.Err}
}

func corrupt(codec string, offset int, err error, format string, args ...any) error {
	return &CorruptError{Codec: codec, Offset: offset, Reason: fmt.Sprintf(format, args...), Err: err}
}

func tooLarge(codec string, declared uint64, maxLen int) error {
	return fmt.Errorf("compress: %s: block declares %d decompressed bytes, over the limit of %d: %w", codec, declared, maxLen, ErrTooLarge)
}
