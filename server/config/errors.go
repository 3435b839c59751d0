package config

import "errors"

var (
	// ErrUnknownKey is returned for a key no section has, in the file, an
	// AEGIS_* variable or a --set flag.
	ErrUnknownKey = errors.New("config: unknown key")
	// ErrBadValue is returned for a value of the wrong type or outside the
	// allowed set; the message names the key and what is allowed.
	ErrBadValue = errors.New("config: bad value")
	// ErrFile is returned when the config file cannot be read or parsed.
	ErrFile = errors.New("config: cannot read the config file")
)
