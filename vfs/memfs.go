package vfs

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// MemFS is a file system in memory that knows which of its state is durable,
// so that CrashClone can show what a crash at this instant would leave.
//
// It is built from inodes. A directory maps names to inodes twice: the
// entries as they are now, and the entries as of its last SyncDir. A file
// holds its bytes as they are now, its bytes as of its last Sync, and the
// changes (writes and truncations) made since, in order, so that a crash can
// replay some of them on top of the durable bytes.
//
// MemFS is safe for concurrent use. One mutex guards everything; reads take
// it shared.
type MemFS struct {
	mu    sync.RWMutex
	root  *memNode
	locks map[string]bool // cleaned paths currently locked
}

// memNode is an inode: a directory or a file.
type memNode struct {
	dir     bool
	modTime time.Time

	// Directories.
	entries        map[string]*memNode // now
	durableEntries map[string]*memNode // as of the last SyncDir

	// Files.
	data    []byte      // contents now
	synced  []byte      // contents as of the last Sync; never aliases data
	pending []memChange // changes since the last Sync, oldest first
}

// memChange is one unsynced change to a file: a write of data at off, or,
// when truncate is set, a truncation (or extension) to size.
type memChange struct {
	truncate bool
	off      int64 // write offset, or new size for a truncation
	data     []byte
}

var _ FS = (*MemFS)(nil)

// NewMem returns an empty MemFS holding only its root directory "/".
// Relative names are taken from the root, so "db/000001.log" and
// "/db/000001.log" are the same file.
func NewMem() *MemFS {
	return &MemFS{root: newDir(), locks: make(map[string]bool)}
}

func newDir() *memNode {
	return &memNode{
		dir:            true,
		modTime:        time.Now(),
		entries:        make(map[string]*memNode),
		durableEntries: make(map[string]*memNode),
	}
}

// splitPath cleans name and returns its components below the root.
func splitPath(name string) []string {
	p := filepath.ToSlash(filepath.Clean(name))
	p = strings.TrimLeft(p, "/")
	if p == "" || p == "." {
		return nil
	}
	return strings.Split(p, "/")
}

// cleanKey is the canonical form of name, used to key locks.
func cleanKey(name string) string { return "/" + strings.Join(splitPath(name), "/") }

// walk returns the inode at parts. It must be called with m.mu held.
func (m *MemFS) walk(parts []string) (*memNode, error) {
	n := m.root
	for _, p := range parts {
		if !n.dir {
			return nil, syscall.ENOTDIR
		}
		child, ok := n.entries[p]
		if !ok {
			return nil, fs.ErrNotExist
		}
		n = child
	}
	return n, nil
}

// parent returns the directory that holds name, and name's base. Naming the
// root itself is an error: it has no parent.
func (m *MemFS) parent(name string) (*memNode, string, error) {
	parts := splitPath(name)
	if len(parts) == 0 {
		return nil, "", syscall.EINVAL
	}
	dir, err := m.walk(parts[:len(parts)-1])
	if err != nil {
		return nil, "", err
	}
	if !dir.dir {
		return nil, "", syscall.ENOTDIR
	}
	return dir, parts[len(parts)-1], nil
}

// Create creates name, or truncates it if it exists, and opens it for
// reading and writing. Like O_TRUNC, truncating an existing file changes
// that same inode (a change that is durable only after Sync); a new file's
// name is durable only after SyncDir on its directory.
func (m *MemFS) Create(name string) (File, error) {
	return m.openWritable(name, true)
}

// OpenReadWrite opens name for reading and writing, creating it if needed;
// the write position is the end of the file.
func (m *MemFS) OpenReadWrite(name string) (File, error) {
	return m.openWritable(name, false)
}

func (m *MemFS) openWritable(name string, truncate bool) (File, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, err := m.createLocked(name)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	if truncate && len(n.data) > 0 {
		n.change(memChange{truncate: true, off: 0})
	}
	return &memFile{fs: m, node: n, name: name, pos: int64(len(n.data))}, nil
}

// createLocked returns the file at name, creating it if it does not exist.
func (m *MemFS) createLocked(name string) (*memNode, error) {
	dir, base, err := m.parent(name)
	if err != nil {
		return nil, err
	}
	if n, ok := dir.entries[base]; ok {
		if n.dir {
			return nil, syscall.EISDIR
		}
		return n, nil
	}
	n := &memNode{modTime: time.Now()}
	dir.entries[base] = n
	dir.modTime = n.modTime
	return n, nil
}

// Open opens an existing file read-only.
func (m *MemFS) Open(name string) (File, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	n, err := m.walk(splitPath(name))
	if err == nil && n.dir {
		err = syscall.EISDIR
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return &memFile{fs: m, node: n, name: name, readOnly: true}, nil
}

// Remove removes a file or an empty directory. The removal is durable only
// after SyncDir on the parent; until then a crash brings the entry back.
func (m *MemFS) Remove(name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	dir, base, err := m.parent(name)
	if err == nil {
		n, ok := dir.entries[base]
		switch {
		case !ok:
			err = fs.ErrNotExist
		case n.dir && len(n.entries) > 0:
			err = syscall.ENOTEMPTY
		default:
			delete(dir.entries, base)
			dir.modTime = time.Now()
		}
	}
	if err != nil {
		return &fs.PathError{Op: "remove", Path: name, Err: err}
	}
	return nil
}

// Rename moves oldname to newname, replacing a file at newname. Like
// os.Rename it refuses to replace a directory. The move is durable only
// after SyncDir on both parents (on one, if they are the same).
func (m *MemFS) Rename(oldname, newname string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.renameLocked(oldname, newname); err != nil {
		return &os.LinkError{Op: "rename", Old: oldname, New: newname, Err: err}
	}
	return nil
}

func (m *MemFS) renameLocked(oldname, newname string) error {
	oldDir, oldBase, err := m.parent(oldname)
	if err != nil {
		return err
	}
	n, ok := oldDir.entries[oldBase]
	if !ok {
		return fs.ErrNotExist
	}
	newDir, newBase, err := m.parent(newname)
	if err != nil {
		return err
	}
	if oldDir == newDir && oldBase == newBase {
		return nil
	}
	if target, ok := newDir.entries[newBase]; ok {
		if target.dir {
			return syscall.EEXIST
		}
		if n.dir {
			return syscall.ENOTDIR
		}
	}
	if n.dir && isUnder(splitPath(newname), splitPath(oldname)) {
		return syscall.EINVAL // a directory cannot move into itself
	}
	delete(oldDir.entries, oldBase)
	newDir.entries[newBase] = n
	now := time.Now()
	oldDir.modTime, newDir.modTime = now, now
	return nil
}

// isUnder reports whether path lies strictly below dir.
func isUnder(path, dir []string) bool {
	if len(path) <= len(dir) {
		return false
	}
	for i := range dir {
		if path[i] != dir[i] {
			return false
		}
	}
	return true
}

// MkdirAll creates dir and any missing parents. Directories are durable as
// soon as they are made (a simplification: see the package doc).
func (m *MemFS) MkdirAll(dir string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := m.root
	for _, p := range splitPath(dir) {
		child, ok := n.entries[p]
		if !ok {
			child = newDir()
			n.entries[p] = child
			n.durableEntries[p] = child
			n.modTime = child.modTime
		} else if !child.dir {
			return &fs.PathError{Op: "mkdir", Path: dir, Err: syscall.ENOTDIR}
		}
		n = child
	}
	return nil
}

// List returns the sorted names of the entries of dir.
func (m *MemFS) List(dir string) ([]string, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	n, err := m.walk(splitPath(dir))
	if err == nil && !n.dir {
		err = syscall.ENOTDIR
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: dir, Err: err}
	}
	return sortedNames(n.entries), nil
}

// Stat describes name.
func (m *MemFS) Stat(name string) (fs.FileInfo, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	parts := splitPath(name)
	n, err := m.walk(parts)
	if err != nil {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: err}
	}
	base := "/"
	if len(parts) > 0 {
		base = parts[len(parts)-1]
	}
	return memFileInfo{name: base, size: int64(len(n.data)), dir: n.dir, modTime: n.modTime}, nil
}

// SyncDir makes the current entries of dir its durable entries. Unlike the
// OS, it refuses a path that names a file.
func (m *MemFS) SyncDir(dir string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, err := m.walk(splitPath(dir))
	if err == nil && !n.dir {
		err = syscall.ENOTDIR
	}
	if err != nil {
		return &fs.PathError{Op: "sync", Path: dir, Err: err}
	}
	clear(n.durableEntries)
	for name, child := range n.entries {
		n.durableEntries[name] = child
	}
	return nil
}

// Lock creates name if needed and locks it within this MemFS. A second Lock
// of the same name fails with ErrLocked until the first is closed.
func (m *MemFS) Lock(name string) (io.Closer, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	key := cleanKey(name)
	if m.locks[key] {
		return nil, &fs.PathError{Op: "lock", Path: name, Err: ErrLocked}
	}
	if _, err := m.createLocked(name); err != nil {
		return nil, &fs.PathError{Op: "lock", Path: name, Err: err}
	}
	m.locks[key] = true
	return &memLock{fs: m, key: key, name: name}, nil
}

type memLock struct {
	fs       *MemFS
	key      string
	name     string
	released bool
}

func (l *memLock) Close() error {
	l.fs.mu.Lock()
	defer l.fs.mu.Unlock()
	if l.released {
		return &fs.PathError{Op: "close", Path: l.name, Err: fs.ErrClosed}
	}
	l.released = true
	delete(l.fs.locks, l.key)
	return nil
}

type memFileInfo struct {
	name    string
	size    int64
	dir     bool
	modTime time.Time
}

func (fi memFileInfo) Name() string       { return fi.name }
func (fi memFileInfo) Size() int64        { return fi.size }
func (fi memFileInfo) ModTime() time.Time { return fi.modTime }
func (fi memFileInfo) IsDir() bool        { return fi.dir }
func (fi memFileInfo) Sys() any           { return nil }
func (fi memFileInfo) Mode() fs.FileMode {
	if fi.dir {
		return fs.ModeDir | 0o755
	}
	return 0o644
}
