package vfs

import (
	"fmt"
	"io"
	"io/fs"
	"math/bits"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Op is a set of file-system operations, as bit flags, that a fault Rule
// watches.
type Op uint16

const (
	OpRead     Op = 1 << iota // File.ReadAt
	OpWrite                   // File.Write and File.WriteAt
	OpSync                    // File.Sync
	OpCreate                  // FS.Create and FS.MkdirAll
	OpOpen                    // FS.Open, FS.OpenReadWrite and FS.Lock
	OpRemove                  // FS.Remove
	OpRename                  // FS.Rename (matched against the old name)
	OpSyncDir                 // FS.SyncDir
	OpTruncate                // File.Truncate

	// OpAll watches every operation above. FS.List, FS.Stat, File.Size and
	// File.Close are never failed.
	OpAll = OpRead | OpWrite | OpSync | OpCreate | OpOpen | OpRemove | OpRename | OpSyncDir | OpTruncate
)

var opNames = [...]string{"read", "write", "sync", "create", "open", "remove", "rename", "syncdir", "truncate"}

func (o Op) String() string {
	if o == 0 {
		return "none"
	}
	var names []string
	for i, name := range opNames {
		if o&(1<<i) != 0 {
			names = append(names, name)
		}
	}
	if rest := o &^ OpAll; rest != 0 {
		names = append(names, fmt.Sprintf("%#x", uint16(rest)))
	}
	return strings.Join(names, "|")
}

// Rule says which calls a FaultFS fails. A call matches a rule when its
// operation is in Ops and the base name of its path matches PathPattern. A
// matching call fails if any of the triggers set (Nth, AfterNth,
// Probability) says so; a rule with no trigger set fails every matching
// call.
type Rule struct {
	Ops          Op      // which operations the rule watches
	PathPattern  string  // filepath.Match pattern against the base name; "" matches all
	Nth          int     // fail exactly the Nth matching call (1-based); 0 = not by count
	AfterNth     int     // fail every matching call after the first AfterNth; 0 = unused
	Probability  float64 // fail a matching call with this probability (drawn from the FaultFS seed)
	PartialWrite bool    // an injected write first writes a random strict prefix of its bytes
	Err          error   // the error to return; nil means ErrInjected
}

// FaultFS wraps an FS and fails the calls its rules pick. Files it returns
// are wrapped too. It is deterministic for a given seed and sequence of
// calls, and safe for concurrent use (concurrent calls are then ordered by
// whoever takes its mutex first).
//
// An injected failure does not reach the inner FS, except that a
// PartialWrite passes on the prefix it writes: a failed Sync leaves the data
// unsynced, a failed Rename renames nothing.
type FaultFS struct {
	inner FS

	mu       sync.Mutex
	rng      *rand.Rand
	rules    []*ruleState
	calls    [len(opNames)]int
	injected int
}

type ruleState struct {
	Rule
	matched int // matching calls seen so far
}

var _ FS = (*FaultFS)(nil)

// NewFaultFS wraps inner; seed drives Probability rules and partial writes.
func NewFaultFS(inner FS, seed uint64) *FaultFS {
	return &FaultFS{inner: inner, rng: rand.New(rand.NewPCG(seed, 0x5eed))}
}

// AddRule adds r after the existing rules; when several fire on one call,
// the first added decides the error. It panics on a malformed PathPattern,
// which would otherwise be a rule that silently never fires.
func (f *FaultFS) AddRule(r Rule) {
	if _, err := filepath.Match(r.PathPattern, ""); err != nil {
		panic(fmt.Sprintf("vfs: FaultFS rule pattern %q: %v", r.PathPattern, err))
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules = append(f.rules, &ruleState{Rule: r})
}

// ClearRules removes every rule; call counts are kept.
func (f *FaultFS) ClearRules() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules = nil
}

// Calls reports how many calls of the operations in op were seen, failed
// or not.
func (f *FaultFS) Calls(op Op) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	total := 0
	for i, n := range f.calls {
		if op&(1<<i) != 0 {
			total += n
		}
	}
	return total
}

// Injected reports how many faults were injected.
func (f *FaultFS) Injected() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.injected
}

// fault is the verdict on one call: err is nil if it goes through. For a
// write, prefix >= 0 is how many bytes to pass on before failing.
type fault struct {
	err    error
	prefix int
}

// check counts a call of op on name and decides whether it fails. Every
// matching rule counts the call, whether or not an earlier rule fires, so
// that a rule's Nth does not depend on the rules before it. writeLen is the
// length of a write, for PartialWrite.
func (f *FaultFS) check(op Op, name string, writeLen int) fault {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[bits.TrailingZeros16(uint16(op))]++
	base := filepath.Base(name)
	var fired *ruleState
	for _, r := range f.rules {
		if r.Ops&op == 0 {
			continue
		}
		if r.PathPattern != "" {
			if ok, _ := filepath.Match(r.PathPattern, base); !ok {
				continue
			}
		}
		r.matched++
		fires := r.Nth == 0 && r.AfterNth == 0 && r.Probability == 0
		fires = fires || (r.Nth > 0 && r.matched == r.Nth)
		fires = fires || (r.AfterNth > 0 && r.matched > r.AfterNth)
		// Draw only for rules with a probability, so that adding a count
		// rule does not shift the random sequence of the others.
		if r.Probability > 0 && f.rng.Float64() < r.Probability {
			fires = true
		}
		if fires && fired == nil {
			fired = r
		}
	}
	if fired == nil {
		return fault{prefix: -1}
	}
	f.injected++
	v := fault{err: fired.Err, prefix: -1}
	if v.err == nil {
		v.err = ErrInjected
	}
	if fired.PartialWrite && op == OpWrite && writeLen > 0 {
		v.prefix = f.rng.IntN(writeLen)
	}
	return v
}

func pathErr(op, name string, err error) error {
	return &fs.PathError{Op: op, Path: name, Err: err}
}

func (f *FaultFS) Create(name string) (File, error) {
	if v := f.check(OpCreate, name, 0); v.err != nil {
		return nil, pathErr("open", name, v.err)
	}
	file, err := f.inner.Create(name)
	return f.wrapFile(name, file, err)
}

func (f *FaultFS) Open(name string) (File, error) {
	if v := f.check(OpOpen, name, 0); v.err != nil {
		return nil, pathErr("open", name, v.err)
	}
	file, err := f.inner.Open(name)
	return f.wrapFile(name, file, err)
}

func (f *FaultFS) OpenReadWrite(name string) (File, error) {
	if v := f.check(OpOpen, name, 0); v.err != nil {
		return nil, pathErr("open", name, v.err)
	}
	file, err := f.inner.OpenReadWrite(name)
	return f.wrapFile(name, file, err)
}

func (f *FaultFS) wrapFile(name string, file File, err error) (File, error) {
	if err != nil {
		return nil, err
	}
	return &faultFile{fs: f, inner: file, name: name}, nil
}

func (f *FaultFS) Remove(name string) error {
	if v := f.check(OpRemove, name, 0); v.err != nil {
		return pathErr("remove", name, v.err)
	}
	return f.inner.Remove(name)
}

func (f *FaultFS) Rename(oldname, newname string) error {
	if v := f.check(OpRename, oldname, 0); v.err != nil {
		return &os.LinkError{Op: "rename", Old: oldname, New: newname, Err: v.err}
	}
	return f.inner.Rename(oldname, newname)
}

func (f *FaultFS) MkdirAll(dir string) error {
	if v := f.check(OpCreate, dir, 0); v.err != nil {
		return pathErr("mkdir", dir, v.err)
	}
	return f.inner.MkdirAll(dir)
}

func (f *FaultFS) List(dir string) ([]string, error)     { return f.inner.List(dir) }
func (f *FaultFS) Stat(name string) (fs.FileInfo, error) { return f.inner.Stat(name) }

func (f *FaultFS) SyncDir(dir string) error {
	if v := f.check(OpSyncDir, dir, 0); v.err != nil {
		return pathErr("sync", dir, v.err)
	}
	return f.inner.SyncDir(dir)
}

func (f *FaultFS) Lock(name string) (io.Closer, error) {
	if v := f.check(OpOpen, name, 0); v.err != nil {
		return nil, pathErr("lock", name, v.err)
	}
	return f.inner.Lock(name)
}

// faultFile passes each call to the inner file unless a rule fails it.
type faultFile struct {
	fs    *FaultFS
	inner File
	name  string
}

func (f *faultFile) ReadAt(p []byte, off int64) (int, error) {
	if v := f.fs.check(OpRead, f.name, 0); v.err != nil {
		return 0, pathErr("read", f.name, v.err)
	}
	return f.inner.ReadAt(p, off)
}

func (f *faultFile) Write(p []byte) (int, error) {
	v := f.fs.check(OpWrite, f.name, len(p))
	if v.err == nil {
		return f.inner.Write(p)
	}
	n := 0
	if v.prefix > 0 {
		n, _ = f.inner.Write(p[:v.prefix])
	}
	return n, pathErr("write", f.name, v.err)
}

func (f *faultFile) WriteAt(p []byte, off int64) (int, error) {
	v := f.fs.check(OpWrite, f.name, len(p))
	if v.err == nil {
		return f.inner.WriteAt(p, off)
	}
	n := 0
	if v.prefix > 0 {
		n, _ = f.inner.WriteAt(p[:v.prefix], off)
	}
	return n, pathErr("write", f.name, v.err)
}

func (f *faultFile) Sync() error {
	if v := f.fs.check(OpSync, f.name, 0); v.err != nil {
		return pathErr("sync", f.name, v.err)
	}
	return f.inner.Sync()
}

func (f *faultFile) Truncate(size int64) error {
	if v := f.fs.check(OpTruncate, f.name, 0); v.err != nil {
		return pathErr("truncate", f.name, v.err)
	}
	return f.inner.Truncate(size)
}

func (f *faultFile) Size() (int64, error) { return f.inner.Size() }
func (f *faultFile) Close() error         { return f.inner.Close() }
