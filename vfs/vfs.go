package vfs

import (
	"io"
	"io/fs"
)

// File is an open file. Every persistent component reads and writes through
// this interface so tests can swap in a file system that loses unsynced data.
//
// Write appends at the file's write position: 0 after Create, the end of the
// file after OpenReadWrite. WriteAt writes at an absolute offset and does not
// move the write position. Nothing written is durable until Sync returns nil.
type File interface {
	io.ReaderAt
	io.WriterAt
	io.Writer
	io.Closer
	// Sync makes every byte written so far durable.
	Sync() error
	// Size reports the current length of the file, synced or not.
	Size() (int64, error)
	// Truncate changes the size of the file. Like a write, it is durable
	// only after Sync.
	Truncate(size int64) error
}

// FS is the file system. Names are slash- or OS-separated paths; the
// implementations treat them with path/filepath.
//
// Crash semantics (which MemFS simulates exactly): file contents become
// durable with File.Sync; creating, removing and renaming a file become
// durable with SyncDir on its parent directory.
type FS interface {
	// Create creates a file for reading and writing, truncating it if it exists.
	Create(name string) (File, error)
	// Open opens an existing file read-only.
	Open(name string) (File, error)
	// OpenReadWrite opens a file for reading and writing, creating it if it
	// does not exist; its write position is the end of the file.
	OpenReadWrite(name string) (File, error)
	// Remove removes a file or an empty directory.
	Remove(name string) error
	// Rename atomically replaces newname with oldname.
	Rename(oldname, newname string) error
	// MkdirAll creates a directory and any missing parents.
	MkdirAll(dir string) error
	// List returns the names (not paths) of the entries of dir, sorted.
	List(dir string) ([]string, error)
	// Stat describes a file; a missing file gives an error matching fs.ErrNotExist.
	Stat(name string) (fs.FileInfo, error)
	// SyncDir makes the creations, removals and renames in dir durable.
	SyncDir(dir string) error
	// Lock takes an exclusive lock on name (creating it), so that two
	// processes never open the same store. Close releases it.
	Lock(name string) (io.Closer, error)
}

// Exists reports whether name exists in fsys.
func Exists(fsys FS, name string) bool {
	_, err := fsys.Stat(name)
	return err == nil
}

// ReadFile reads a whole file.
func ReadFile(fsys FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size, err := f.Size()
	if err != nil {
		return nil, err
	}
	buf := make([]byte, size)
	n, err := f.ReadAt(buf, 0)
	if err != nil && !(err == io.EOF && int64(n) == size) {
		return nil, err
	}
	return buf[:n], nil
}

// WriteFileAtomic writes data to name so that after a crash the file holds
// either its old contents or all of data: it writes a temporary file, syncs
// it, renames it over name and syncs the directory.
func WriteFileAtomic(fsys FS, dir, name string, data []byte) error {
	tmp := name + ".tmp"
	f, err := fsys.Create(tmp)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := fsys.Rename(tmp, name); err != nil {
		return err
	}
	return fsys.SyncDir(dir)
}
