package memory

import (
	"bytes"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/google/btree"

	"github.com/aegisdb/aegis/engine"
)

func init() {
	engine.Register("memory", func(engine.Options) (engine.Engine, error) { return New(), nil })
}

const (
	// degree is the google/btree node degree over pages.
	degree = 32
	// maxPageEntries bounds a page: a write that grows one past it splits
	// it in halves. Small enough that copying a page on write stays cheap
	// (64 entries are 3 KiB of slice headers), large enough that a scan
	// meets the tree once per few dozen keys.
	maxPageEntries = 64
	// minPageEntries: a page that shrinks below it after deletes is merged
	// into its successor when both fit in one page.
	minPageEntries = maxPageEntries / 4
)

type entry struct {
	key, value []byte
}

// pageRef is an item of the tree: a non-empty sorted run of entries and
// its first key, by which pages are ordered. The entries slice is never
// changed once the page is in the tree; a writer builds a new one and
// swaps the item, so an iterator's clone of the tree keeps seeing the
// page it had.
type pageRef struct {
	first   []byte
	entries []entry
}

func lessPage(a, b pageRef) bool { return bytes.Compare(a.first, b.first) < 0 }

// Engine is the in-memory backend. Writers hold mu exclusively; readers
// share it. Iterators read a copy-on-write clone of the tree, so they never
// hold the lock while the caller walks.
type Engine struct {
	mu     sync.RWMutex
	tree   *btree.BTreeG[pageRef]
	keys   int // entries over all pages; guarded by mu
	closed bool

	gets, batches, synced, puts, deletes, bytesWritten, iterators atomic.Uint64
	liveBytes                                                     atomic.Int64
}

var _ engine.Engine = (*Engine)(nil)

// New returns an empty in-memory engine.
func New() *Engine {
	return &Engine{tree: btree.NewG(degree, lessPage)}
}

// pageFor returns the page that holds key, or would: the page with the
// greatest first key <= key, else (key sorts before every page) the first
// page. ok is false only when the tree is empty.
func pageFor(t *btree.BTreeG[pageRef], key []byte) (r pageRef, ok bool) {
	t.DescendLessOrEqual(pageRef{first: key}, func(x pageRef) bool {
		r, ok = x, true
		return false
	})
	if !ok {
		r, ok = t.Min()
	}
	return r, ok
}

// pageAfter returns the page that follows the one whose first key is
// first.
func pageAfter(t *btree.BTreeG[pageRef], first []byte) (pageRef, bool) {
	return neighbour(t.AscendGreaterOrEqual, first)
}

// pageBefore returns the page that precedes the one whose first key is
// first.
func pageBefore(t *btree.BTreeG[pageRef], first []byte) (pageRef, bool) {
	return neighbour(t.DescendLessOrEqual, first)
}

// neighbour walks from the page keyed first (walk includes it) and returns
// the next page met.
func neighbour(walk func(pageRef, btree.ItemIteratorG[pageRef]), first []byte) (r pageRef, ok bool) {
	walk(pageRef{first: first}, func(x pageRef) bool {
		if bytes.Equal(x.first, first) {
			return true
		}
		r, ok = x, true
		return false
	})
	return r, ok
}

// search returns the index of the first entry with a key >= key.
func search(entries []entry, key []byte) int {
	i, _ := slices.BinarySearchFunc(entries, key, func(e entry, k []byte) int { return bytes.Compare(e.key, k) })
	return i
}

// Get implements engine.Engine.
func (e *Engine) Get(key []byte) ([]byte, error) {
	e.gets.Add(1)
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.closed {
		return nil, engine.ErrClosed
	}
	r, ok := pageFor(e.tree, key)
	if !ok {
		return nil, engine.ErrNotFound
	}
	i := search(r.entries, key)
	if i == len(r.entries) || !bytes.Equal(r.entries[i].key, key) {
		return nil, engine.ErrNotFound
	}
	return bytes.Clone(r.entries[i].value), nil
}

type op struct {
	kind       engine.OpKind
	key, value []byte
}

// Apply implements engine.Engine. The batch is decoded, sorted and reduced
// to the last operation per key before the lock is taken, so a malformed
// batch changes nothing and each touched page is rebuilt once.
func (e *Engine) Apply(b *engine.Batch, opts engine.WriteOptions) error {
	ops := make([]op, 0, b.Count())
	var written, puts, deletes uint64
	err := b.ForEach(func(kind engine.OpKind, key, value []byte) error {
		// One allocation holds both copies, halving allocations per put.
		buf := make([]byte, len(key)+len(value))
		k := buf[:len(key):len(key)]
		copy(k, key)
		var v []byte
		if kind == engine.OpPut {
			v = buf[len(key):]
			copy(v, value)
			puts++
		} else {
			deletes++
		}
		ops = append(ops, op{kind, k, v})
		written += uint64(len(key) + len(value))
		return nil
	})
	if err != nil {
		return err
	}
	slices.SortStableFunc(ops, func(a, b op) int { return bytes.Compare(a.key, b.key) })
	last := ops[:0]
	for i, o := range ops {
		if i+1 < len(ops) && bytes.Equal(o.key, ops[i+1].key) {
			continue // a later operation on the same key wins
		}
		last = append(last, o)
	}
	ops = last

	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return engine.ErrClosed
	}
	var delta int64
	for len(ops) > 0 {
		n, d := e.applyToPage(ops)
		ops = ops[n:]
		delta += d
	}
	e.batches.Add(1)
	if opts.Sync {
		e.synced.Add(1)
	}
	e.puts.Add(puts)
	e.deletes.Add(deletes)
	e.bytesWritten.Add(written)
	e.liveBytes.Add(delta)
	return nil
}

// applyToPage applies the leading ops that fall in the page holding
// ops[0] (those below the next page's first key), replacing that page with
// a rebuilt one, split in halves if it outgrew maxPageEntries or merged
// with its successor if it shrank below minPageEntries. It returns how
// many ops it used and the change in live bytes.
func (e *Engine) applyToPage(ops []op) (used int, delta int64) {
	old, hasOld := pageFor(e.tree, ops[0].key)
	next, hasNext := pageRef{}, false
	if hasOld {
		next, hasNext = pageAfter(e.tree, old.first)
	}
	used = len(ops)
	if hasNext {
		used = opsBelow(ops, next.first)
	}
	entries, dKeys, delta := merge(old.entries, ops[:used])
	e.keys += dKeys
	if hasOld {
		e.tree.Delete(old)
	}
	if hasNext && len(entries) < minPageEntries && len(entries)+len(next.entries) <= maxPageEntries {
		e.tree.Delete(next)
		entries = append(entries, next.entries...)
	}
	e.insertPages(entries)
	return used, delta
}

// opsBelow returns the number of ops with a key below limit.
func opsBelow(ops []op, limit []byte) int {
	i, _ := slices.BinarySearchFunc(ops, limit, func(o op, k []byte) int { return bytes.Compare(o.key, k) })
	return i
}

// insertPages puts entries into the tree as one page, or as near-equal
// pieces of at most maxPageEntries.
func (e *Engine) insertPages(entries []entry) {
	if len(entries) == 0 {
		return
	}
	pieces := (len(entries) + maxPageEntries - 1) / maxPageEntries
	if len(entries) > maxPageEntries {
		pieces = max(pieces, 2)
	}
	for p := 0; p < pieces; p++ {
		lo, hi := p*len(entries)/pieces, (p+1)*len(entries)/pieces
		piece := entries[lo:hi:hi]
		e.tree.ReplaceOrInsert(pageRef{first: piece[0].key, entries: piece})
	}
}

// merge returns a new sorted entry slice: old with the sorted, distinct
// ops applied, and the change in key count and live bytes.
func merge(old []entry, ops []op) (out []entry, dKeys int, dBytes int64) {
	out = make([]entry, 0, len(old)+len(ops))
	i := 0
	for _, o := range ops {
		// Copy the run of old entries below the op in one append: a
		// per-entry loop with a comparison each made a single put cost a
		// page's worth of key comparisons.
		j := i + search(old[i:], o.key)
		out = append(out, old[i:j]...)
		i = j
		if i < len(old) && bytes.Equal(old[i].key, o.key) {
			dKeys--
			dBytes -= int64(len(old[i].key) + len(old[i].value))
			i++
		}
		if o.kind == engine.OpPut {
			out = append(out, entry{o.key, o.value})
			dKeys++
			dBytes += int64(len(o.key) + len(o.value))
		}
	}
	return append(out, old[i:]...), dKeys, dBytes
}

// NewIterator implements engine.Engine.
func (e *Engine) NewIterator(opts engine.IterOptions) engine.Iterator {
	e.iterators.Add(1)
	e.mu.Lock() // Clone mutates copy-on-write state shared with the original.
	defer e.mu.Unlock()
	if e.closed {
		return &iterator{err: engine.ErrClosed}
	}
	return &iterator{
		tree:  e.tree.Clone(),
		lower: bytes.Clone(opts.LowerBound),
		upper: bytes.Clone(opts.UpperBound),
	}
}

// Flush implements engine.Engine; memory has nothing to make durable.
func (e *Engine) Flush() error {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.closed {
		return engine.ErrClosed
	}
	return nil
}

// Close implements engine.Engine.
func (e *Engine) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return engine.ErrClosed
	}
	e.closed = true
	e.tree = btree.NewG(degree, lessPage)
	e.keys = 0
	return nil
}

// Metrics implements engine.Engine.
func (e *Engine) Metrics() engine.Metrics {
	e.mu.RLock()
	keys, pages := e.keys, e.tree.Len()
	e.mu.RUnlock()
	return engine.Metrics{
		Backend:         "memory",
		Gets:            e.gets.Load(),
		BatchesApplied:  e.batches.Load(),
		SyncedBatches:   e.synced.Load(),
		KeysPut:         e.puts.Load(),
		KeysDeleted:     e.deletes.Load(),
		BytesWritten:    e.bytesWritten.Load(),
		IteratorsOpened: e.iterators.Load(),
		Details: []engine.Counter{
			{Name: "memory_keys", Help: "Keys stored.", Value: float64(keys)},
			{Name: "memory_pages", Help: "Pages (sorted runs of keys) in the tree.", Value: float64(pages)},
			{Name: "memory_live_bytes", Help: "Key and value bytes stored.", Value: float64(e.liveBytes.Load())},
		},
	}
}
