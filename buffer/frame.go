package buffer

import (
	"sync"
	"sync/atomic"

	"github.com/aegisdb/aegis/page"
)

// Frame is one slot of the pool holding one page. A caller gets a pinned
// frame from Fetch, NewPage or Allocate, latches it (RLock to read, Lock to
// change), and gives it back with Pool.Unpin. The latch is the caller's
// business: the pool never takes it except to copy a dirty page out in
// FlushAll, so a B+tree can crab latches down the tree as it likes.
type Frame struct {
	latch sync.RWMutex
	buf   []byte
	dirty atomic.Bool // set by MarkDirty under the write latch
	// pins grows only under Pool.mu; Unpin drops it without the lock.
	pins atomic.Int32

	// Guarded by Pool.mu.
	id    page.ID
	ref   bool // clock's second-chance bit
	inUse bool // holds a page (is in the page table)
}

// ID is the page the frame holds. It does not change while the frame is pinned.
func (f *Frame) ID() page.ID { return f.id }

// Page is the frame's page. Read it under RLock, change it under Lock.
func (f *Frame) Page() page.Page { return page.Page(f.buf) }

// MarkDirty records that the page changed and must be written before the
// frame is reused. Call it under the write latch, after setting the page's
// LSN to the log record describing the change.
func (f *Frame) MarkDirty() { f.dirty.Store(true) }

// Dirty reports whether the page has changes not yet written.
func (f *Frame) Dirty() bool { return f.dirty.Load() }

// RLock takes the frame's latch for reading.
func (f *Frame) RLock() { f.latch.RLock() }

// RUnlock releases a read latch.
func (f *Frame) RUnlock() { f.latch.RUnlock() }

// Lock takes the frame's latch for writing.
func (f *Frame) Lock() { f.latch.Lock() }

// Unlock releases the write latch.
func (f *Frame) Unlock() { f.latch.Unlock() }
