package btree

import (
	"errors"
	"fmt"

	"github.com/aegisdb/aegis/engine"
	"github.com/aegisdb/aegis/page"
)

var (
	// ErrCorrupt marks a data file or log record that failed a check. Every
	// corruption error is an *engine.CorruptionError that matches both
	// ErrCorrupt and engine.ErrCorruption.
	ErrCorrupt = errors.New("btree: corrupt")
	// ErrPoisoned wraps the first I/O failure that left the in-memory tree
	// ahead of what can be made durable. After it every write fails; close
	// and reopen to recover from what is on disk.
	ErrPoisoned = errors.New("btree: an earlier write or sync failed")
	// ErrBulkLoad rejects a bulk load into a tree that is not empty or
	// input that is not strictly ascending.
	ErrBulkLoad = errors.New("btree: bulk load")
)

// dataFile is the name of the page file inside the store's directory.
const dataFile = "data"

// corruptPage returns a corruption error located at page id.
func corruptPage(id page.ID, pageSize int, format string, args ...any) error {
	off := int64(-1)
	if id != page.Nil {
		off = int64(id) * int64(pageSize)
	}
	return &engine.CorruptionError{File: dataFile, Offset: off,
		Reason: fmt.Sprintf("page %d: ", id) + fmt.Sprintf(format, args...), Err: ErrCorrupt}
}

// corruptf returns a corruption error with no page location (log records,
// header slots).
func corruptf(file string, format string, args ...any) error {
	return &engine.CorruptionError{File: file, Offset: -1, Reason: fmt.Sprintf(format, args...), Err: ErrCorrupt}
}
