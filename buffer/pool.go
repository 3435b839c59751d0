package buffer

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"

	"github.com/aegisdb/aegis/page"
	"github.com/aegisdb/aegis/vfs"
)

// LogFlusher makes the write-ahead log durable up to an LSN. The pool calls
// it before writing a page whose page LSN is lsn, so that no page reaches
// the disk ahead of the log records that describe it. *wal.Log satisfies it.
type LogFlusher interface {
	FlushTo(lsn uint64) error
}

// DefaultFrames is the pool size when Options.Frames is 0.
const DefaultFrames = 1024

// Options configure a Pool.
type Options struct {
	// File is the page file. The pool owns it from now on and closes it in Close.
	File vfs.File
	// PageSize is the size of every page; 0 means page.DefaultSize.
	PageSize int
	// Frames is the number of pages held in memory; 0 means DefaultFrames.
	Frames int
	// Log is flushed before dirty pages are written; nil means the pages
	// are written without (a store with no WAL).
	Log LogFlusher
}

// Pool caches the pages of one file in a fixed set of frames.
type Pool struct {
	file     vfs.File
	pageSize int
	log      LogFlusher
	frames   []Frame

	mu       sync.Mutex
	table    pageTable // page id -> frame holding it
	free     []*Frame  // frames that never held a page
	hand     int       // clock hand: next frame to consider
	numPages page.ID   // next id Allocate hands out
	closed   bool

	writeMu   sync.Mutex // serialises writes: guards scratch and flushedTo
	scratch   []byte     // the sealed copy of a page being written
	flushedTo uint64     // the log is durable up to here (as far as we asked)
	counters  counters
}

// New makes a pool over opts.File. The file's length need not be a whole
// number of pages: a torn last page counts as a page and fails its checksum.
func New(opts Options) (*Pool, error) {
	if opts.PageSize == 0 {
		opts.PageSize = page.DefaultSize
	}
	if err := page.CheckSize(opts.PageSize); err != nil {
		return nil, fmt.Errorf("buffer: %w", err)
	}
	if opts.Frames == 0 {
		opts.Frames = DefaultFrames
	}
	if opts.Frames < 1 {
		return nil, fmt.Errorf("buffer: %d frames: need at least 1", opts.Frames)
	}
	size, err := opts.File.Size()
	if err != nil {
		return nil, fmt.Errorf("buffer: size of page file: %w", err)
	}
	p := &Pool{
		file:     opts.File,
		pageSize: opts.PageSize,
		log:      opts.Log,
		frames:   make([]Frame, opts.Frames),
		numPages: page.ID((size + int64(opts.PageSize) - 1) / int64(opts.PageSize)),
		scratch:  make([]byte, opts.PageSize),
	}
	// One allocation for every frame's page, so frames sit next to each other.
	mem := make([]byte, opts.Frames*opts.PageSize)
	p.free = make([]*Frame, opts.Frames)
	for i := range p.frames {
		f := &p.frames[i]
		f.buf = mem[i*opts.PageSize : (i+1)*opts.PageSize : (i+1)*opts.PageSize]
		p.free[opts.Frames-1-i] = f
	}
	return p, nil
}

// PageSize is the size of the pool's pages.
func (p *Pool) PageSize() int { return p.pageSize }

// NumPages is the number of pages in the file, counting pages allocated but
// not yet written. Allocate hands out this id next.
func (p *Pool) NumPages() page.ID {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.numPages
}

// Fetch returns the frame holding page id, pinned, reading the page if it
// is not cached. A page that fails its checksum or structure check, holds
// another page's id, or lies past the end of the file returns an error
// matching page.ErrCorrupt (a *page.CorruptionError); recovery can then
// take the frame with FetchForOverwrite and install a full page image.
func (p *Pool) Fetch(id page.ID) (*Frame, error) {
	return p.fetch(id, !fetchOverwrite)
}

// FetchForOverwrite returns page id pinned without reading the file if it
// is not cached: the frame then holds an empty free page with that id, and
// the caller is expected to overwrite all of it and call MarkDirty. Redo
// uses it to install a full page image over a torn page.
func (p *Pool) FetchForOverwrite(id page.ID) (*Frame, error) {
	if id == page.Nil {
		return nil, fmt.Errorf("buffer: fetch of the nil page id")
	}
	return p.fetch(id, fetchOverwrite)
}

// NewPage returns page id pinned, formatted as an empty page of type typ and
// marked dirty, whatever the file held there. It is how a B+tree reuses a
// page from its free list. The caller must hold no other pin on id.
func (p *Pool) NewPage(id page.ID, typ page.Type) (*Frame, error) {
	if id == page.Nil {
		return nil, fmt.Errorf("buffer: new page with the nil page id")
	}
	return p.newPage(id, typ)
}

func (p *Pool) newPage(id page.ID, typ page.Type) (*Frame, error) {
	f, err := p.fetch(id, fetchOverwrite)
	if err != nil {
		return nil, err
	}
	id = f.id
	f.Lock()
	page.Init(f.buf, id, typ)
	f.MarkDirty()
	f.Unlock()
	return f, nil
}

// Allocate appends a new page of type typ at the end of the file and
// returns it pinned and dirty. The file grows when the page is written.
func (p *Pool) Allocate(typ page.Type) (*Frame, error) {
	return p.newPage(page.Nil, typ)
}

// fetchOverwrite is the second argument of fetch for FetchForOverwrite.
const fetchOverwrite = true

// fetch pins page id; with overwrite it does not read the file, and with
// id == page.Nil it takes the next id at the end of the file.
func (p *Pool) fetch(id page.ID, overwrite bool) (*Frame, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, ErrClosed
	}
	if id == page.Nil {
		if !overwrite {
			return nil, fmt.Errorf("buffer: fetch of the nil page id")
		}
		id = p.numPages
	}
	if f := p.table.get(id); f != nil {
		f.pins.Add(1)
		if !f.ref {
			// Only when unset: storing into a hot frame on every hit
			// would dirty its cache line for nothing.
			f.ref = true
		}
		p.counters.hits.Add(1)
		return f, nil
	}
	p.counters.misses.Add(1)
	f, err := p.victimLocked()
	if err != nil {
		return nil, err
	}
	if overwrite {
		page.Init(f.buf, id, page.TypeFree)
		if id >= p.numPages {
			p.numPages = id + 1
		}
	} else if err := p.readLocked(id, f.buf); err != nil {
		p.free = append(p.free, f)
		return nil, err
	}
	f.id, f.ref, f.inUse = id, true, true
	f.pins.Store(1)
	f.dirty.Store(false)
	p.table.set(id, f)
	return f, nil
}

// readLocked reads and checks page id into buf.
func (p *Pool) readLocked(id page.ID, buf []byte) error {
	if id >= p.numPages {
		return &page.CorruptionError{ID: id, Reason: fmt.Sprintf("past the end of the file (%d pages)", p.numPages)}
	}
	p.counters.reads.Add(1)
	n, err := p.file.ReadAt(buf, int64(id)*int64(p.pageSize))
	if n < len(buf) {
		if err == nil || errors.Is(err, io.EOF) {
			return &page.CorruptionError{ID: id, Reason: fmt.Sprintf("short page: %d of %d bytes", n, len(buf))}
		}
		return fmt.Errorf("buffer: read page %d: %w", id, err)
	}
	pg, err := page.Decode(buf)
	if err != nil {
		return err
	}
	if pg.ID() != id {
		return &page.CorruptionError{ID: id, Reason: fmt.Sprintf("holds page %d (misdirected write)", pg.ID())}
	}
	return nil
}

// victimLocked returns a frame to reuse, writing it out first if dirty and
// dropping it from the page table. It runs the clock: a frame whose
// second-chance bit is set gets the bit cleared and is passed over once.
func (p *Pool) victimLocked() (*Frame, error) {
	if n := len(p.free); n > 0 {
		f := p.free[n-1]
		p.free = p.free[:n-1]
		return f, nil
	}
	for range 2 * len(p.frames) {
		f := &p.frames[p.hand]
		p.hand = (p.hand + 1) % len(p.frames)
		if f.pins.Load() > 0 {
			continue
		}
		if f.ref {
			f.ref = false
			continue
		}
		if f.dirty.Load() {
			// Unpinned, so nobody holds the latch: the bytes are stable.
			if err := p.write(f.id, f.buf); err != nil {
				return nil, err
			}
			f.dirty.Store(false)
		}
		p.table.delete(f.id)
		f.inUse = false
		p.counters.evictions.Add(1)
		return f, nil
	}
	return nil, fmt.Errorf("buffer: %d frames: %w", len(p.frames), ErrNoFreeFrames)
}

// write seals a copy of buf and writes it as page id, flushing the log up
// to the page's LSN first.
func (p *Pool) write(id page.ID, buf []byte) error {
	p.writeMu.Lock()
	defer p.writeMu.Unlock()
	copy(p.scratch, buf)
	pg := page.Page(p.scratch)
	if lsn := pg.LSN(); p.log != nil && lsn > p.flushedTo {
		p.counters.walFlushes.Add(1)
		if err := p.log.FlushTo(lsn); err != nil {
			return fmt.Errorf("buffer: flush log to %d before writing page %d: %w", lsn, id, err)
		}
		p.flushedTo = lsn
	}
	pg.Seal()
	if _, err := p.file.WriteAt(p.scratch, int64(id)*int64(p.pageSize)); err != nil {
		return fmt.Errorf("buffer: write page %d: %w", id, err)
	}
	p.counters.dirtyWrites.Add(1)
	return nil
}

// Unpin gives back one pin on f. The frame may be evicted once no pins remain.
//
// It takes no lock: pins only grow under Pool.mu, where eviction also
// checks them, so once an eviction has seen zero pins nobody can pin the
// frame before it is reused, and a reader's last access to the page
// happens before the atomic decrement the evictor observes.
func (p *Pool) Unpin(f *Frame) {
	if f.pins.Add(-1) < 0 {
		f.pins.Add(1)
		panic(fmt.Sprintf("buffer: unpin of page %d with no pins", f.ID()))
	}
}

// FlushAll writes every dirty page and syncs the file; when it returns nil,
// every change made before the call is durable in the page file. It takes
// each dirty frame's read latch while copying it, so it can run alongside
// readers and waits for a writer only on the page that writer holds. It is
// the heart of a checkpoint.
func (p *Pool) FlushAll() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return ErrClosed
	}
	// Note the dirty pages, then pin and write them one at a time: pinning
	// them all at once would leave concurrent fetches without a free frame.
	// A page evicted in between was written by the eviction, and the Sync
	// below makes that write durable too.
	var dirty []page.ID
	for i := range p.frames {
		f := &p.frames[i]
		if f.inUse && f.dirty.Load() {
			dirty = append(dirty, f.id)
		}
	}
	p.mu.Unlock()
	// In file order: sequential writes, and one log flush to the highest
	// LSN often covers the rest.
	slices.Sort(dirty)

	var firstErr error
	for _, id := range dirty {
		p.mu.Lock()
		f := p.table.get(id)
		if f != nil {
			f.pins.Add(1)
		}
		p.mu.Unlock()
		if f == nil {
			continue
		}
		if firstErr == nil {
			firstErr = p.flushFrame(f)
		}
		p.Unpin(f)
	}
	if firstErr != nil {
		return firstErr
	}
	if err := p.file.Sync(); err != nil {
		return fmt.Errorf("buffer: sync page file: %w", err)
	}
	return nil
}

func (p *Pool) flushFrame(f *Frame) error {
	f.RLock()
	defer f.RUnlock()
	if !f.dirty.Load() {
		return nil
	}
	if err := p.write(f.id, f.buf); err != nil {
		return err
	}
	f.dirty.Store(false)
	return nil
}

// Close flushes every dirty page, syncs and closes the file. Pins still
// held are a caller bug but do not stop Close.
func (p *Pool) Close() error {
	flushErr := p.FlushAll()
	if errors.Is(flushErr, ErrClosed) {
		return ErrClosed
	}
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	if err := p.file.Close(); err != nil && flushErr == nil {
		flushErr = fmt.Errorf("buffer: close page file: %w", err)
	}
	return flushErr
}

// Metrics returns the pool's counters.
func (p *Pool) Metrics() Metrics {
	p.mu.Lock()
	pages := int(p.numPages)
	p.mu.Unlock()
	return Metrics{
		Hits:        p.counters.hits.Load(),
		Misses:      p.counters.misses.Load(),
		Reads:       p.counters.reads.Load(),
		Evictions:   p.counters.evictions.Load(),
		DirtyWrites: p.counters.dirtyWrites.Load(),
		WALFlushes:  p.counters.walFlushes.Load(),
		Frames:      len(p.frames),
		Pages:       pages,
	}
}
