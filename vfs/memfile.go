package vfs

import (
	"errors"
	"io"
	"io/fs"
	"slices"
	"sort"
	"time"
)

var errNegativeOffset = errors.New("negative offset")

// memFile is an open handle on a MemFS inode. The inode outlives its name:
// a handle on a removed or replaced file keeps working, as on POSIX.
type memFile struct {
	fs       *MemFS
	node     *memNode
	name     string
	readOnly bool
	pos      int64 // write position for Write; guarded by fs.mu
	closed   bool  // guarded by fs.mu
}

func (f *memFile) err(op string, err error) error {
	return &fs.PathError{Op: op, Path: f.name, Err: err}
}

// ReadAt reads like os.File.ReadAt: a short read returns io.EOF.
func (f *memFile) ReadAt(p []byte, off int64) (int, error) {
	f.fs.mu.RLock()
	defer f.fs.mu.RUnlock()
	if f.closed {
		return 0, f.err("read", fs.ErrClosed)
	}
	if off < 0 {
		return 0, f.err("readat", errNegativeOffset)
	}
	if off >= int64(len(f.node.data)) {
		return 0, io.EOF
	}
	n := copy(p, f.node.data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// Write writes p at the write position and advances it.
func (f *memFile) Write(p []byte) (int, error) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.checkWritable("write"); err != nil {
		return 0, err
	}
	f.node.change(memChange{off: f.pos, data: slices.Clone(p)})
	f.pos += int64(len(p))
	return len(p), nil
}

// WriteAt writes p at off without moving the write position.
func (f *memFile) WriteAt(p []byte, off int64) (int, error) {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.checkWritable("write"); err != nil {
		return 0, err
	}
	if off < 0 {
		return 0, f.err("writeat", errNegativeOffset)
	}
	f.node.change(memChange{off: off, data: slices.Clone(p)})
	return len(p), nil
}

// Truncate sets the file's size, cutting or zero-extending it.
func (f *memFile) Truncate(size int64) error {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if err := f.checkWritable("truncate"); err != nil {
		return err
	}
	if size < 0 {
		return f.err("truncate", errNegativeOffset)
	}
	f.node.change(memChange{truncate: true, off: size})
	return nil
}

func (f *memFile) checkWritable(op string) error {
	if f.closed {
		return f.err(op, fs.ErrClosed)
	}
	if f.readOnly {
		return f.err(op, ErrReadOnly)
	}
	return nil
}

// Sync makes the inode's current contents durable. It is allowed on a
// read-only handle, as fsync is.
func (f *memFile) Sync() error {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if f.closed {
		return f.err("sync", fs.ErrClosed)
	}
	f.node.sync()
	return nil
}

func (f *memFile) Size() (int64, error) {
	f.fs.mu.RLock()
	defer f.fs.mu.RUnlock()
	if f.closed {
		return 0, f.err("stat", fs.ErrClosed)
	}
	return int64(len(f.node.data)), nil
}

func (f *memFile) Close() error {
	f.fs.mu.Lock()
	defer f.fs.mu.Unlock()
	if f.closed {
		return f.err("close", fs.ErrClosed)
	}
	f.closed = true
	return nil
}

// change applies c to the file's current contents and remembers it as
// unsynced. c.data must not be shared with the caller.
func (n *memNode) change(c memChange) {
	n.data = applyChange(n.data, c)
	n.pending = append(n.pending, c)
	n.modTime = time.Now()
}

// sync folds the pending changes into the durable contents. Replaying them
// costs what they wrote, not the size of the file.
func (n *memNode) sync() {
	for _, c := range n.pending {
		n.synced = applyChange(n.synced, c)
	}
	n.pending = nil
}

// applyChange returns data with c applied; it may reuse data's array.
func applyChange(data []byte, c memChange) []byte {
	if c.truncate {
		return resize(data, c.off)
	}
	end := c.off + int64(len(c.data))
	if end > int64(len(data)) {
		data = resize(data, end)
	}
	copy(data[c.off:], c.data)
	return data
}

// resize cuts data to size or extends it with zeros. Bytes past len(data)
// in the array may be stale from an earlier cut, so extension clears them.
func resize(data []byte, size int64) []byte {
	old := int64(len(data))
	if size <= old {
		return data[:size]
	}
	if size > int64(cap(data)) {
		// Double, rather than append's gentler growth for large slices, so
		// that a log appended in small writes is copied about once.
		grown := make([]byte, old, max(size, 2*int64(cap(data))))
		copy(grown, data)
		data = grown
	}
	data = data[:size]
	clear(data[old:])
	return data
}

func sortedNames(entries map[string]*memNode) []string {
	names := make([]string, 0, len(entries))
	for name := range entries {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
