package vfs

import "errors"

var (
	// ErrReadOnly is returned by a write or truncate on a MemFS file opened
	// with Open.
	ErrReadOnly = errors.New("vfs: file opened read-only")
	// ErrLocked is returned by MemFS.Lock when the name is already locked.
	ErrLocked = errors.New("vfs: already locked")
	// ErrInjected is the error a FaultFS rule returns unless it names another.
	ErrInjected = errors.New("vfs: injected fault")
)
