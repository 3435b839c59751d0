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
	// A write that grows a page past maxPageEntries entries or
	// maxPageBytes bytes splits it into near-equal pieces. Small enough
	// that rebuilding a page on write stays cheap (a few KiB of memmove),
	// large enough that a scan meets the tree once per few dozen keys. A
	// single entry larger than maxPageBytes gets a page of its own.
	maxPageEntries = 64
	maxPageBytes   = 16 << 10
	// minPageEntries: a page that shrinks below it after deletes is merged
	// into its successor when both fit in one page.
	minPageEntries = maxPageEntries / 4
)

// pageRef is an item of the tree: a non-empty sorted run of entries,
// ordered by its first key. The entries are packed with no pointers, so
// the garbage collector never scans them and a scan reads them in memory
// order: data holds each entry's key then its value back to back, and
// entry i's key is data[offs[2i]:offs[2i+1]], its value
// data[offs[2i+1]:offs[2i+2]]. A page never changes once it is in the
// tree; a writer packs a new one and swaps the item, so an iterator's
// clone of the tree keeps seeing the page it had.
type pageRef struct {
	first []byte // the first key, aliasing data
	data  []byte
	offs  []uint32
}

func lessPage(a, b pageRef) bool { return bytes.Compare(a.first, b.first) < 0 }

func (r pageRef) len() int { return len(r.offs) / 2 }

// key and value are capped slices of data, so a caller's append cannot
// write over the next entry.
func (r pageRef) key(i int) []byte {
	lo, hi := r.offs[2*i], r.offs[2*i+1]
	return r.data[lo:hi:hi]
}

func (r pageRef) value(i int) []byte {
	lo, hi := r.offs[2*i+1], r.offs[2*i+2]
	return r.data[lo:hi:hi]
}

// search returns the index of the first entry with a key >= key.
func (r pageRef) search(key []byte) int {
	lo, hi := 0, r.len()
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if bytes.Compare(r.key(m), key) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// kv is an entry on its way into a page: views of a batch or of an old
// page, copied when the page is packed.
type kv struct {
	key, value []byte
}

// appendEntries appends views of r's entries [from, to) to dst.
func (r pageRef) appendEntries(dst []kv, from, to int) []kv {
	for i := from; i < to; i++ {
		dst = append(dst, kv{r.key(i), r.value(i)})
	}
	return dst
}

// pack copies entries into one page.
func pack(entries []kv) pageRef {
	size := 0
	for _, e := range entries {
		size += len(e.key) + len(e.value)
	}
	data := make([]byte, 0, size)
	offs := make([]uint32, 0, 2*len(entries)+1)
	for _, e := range entries {
		offs = append(offs, uint32(len(data)))
		data = append(data, e.key...)
		offs = append(offs, uint32(len(data)))
		data = append(data, e.value...)
	}
	offs = append(offs, uint32(len(data)))
	r := pageRef{data: data, offs: offs}
	r.first = r.key(0)
	return r
}

// Engine is the in-memory backend. Writers hold mu exclusively; readers
// share it. Iterators read a tree no writer changes, so they never hold
// the lock while the caller walks: an iterator takes the current tree and
// marks it shared, and the next writer clones it (copy-on-write) and
// changes the clone. Iterators opened between two writes share one tree,
// and a lone Get (MVCC reads a version through an iterator) costs a read
// lock, not a clone and the node copies it forces on the next write.
type Engine struct {
	mu     sync.RWMutex
	tree   *btree.BTreeG[pageRef]
	shared atomic.Bool // an iterator holds tree; set under the read lock
	keys   int         // entries over all pages; guarded by mu
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
	i := r.search(key)
	if i == r.len() || !bytes.Equal(r.key(i), key) {
		return nil, engine.ErrNotFound
	}
	return bytes.Clone(r.value(i)), nil
}

type op struct {
	kind       engine.OpKind
	key, value []byte // views of the batch, copied when pages are packed
}

// Apply implements engine.Engine. The batch is decoded, sorted and reduced
// to the last operation per key before the lock is taken, so a malformed
// batch changes nothing and each touched page is rebuilt once.
func (e *Engine) Apply(b *engine.Batch, opts engine.WriteOptions) error {
	ops := make([]op, 0, b.Count())
	var written, puts, deletes uint64
	err := b.ForEach(func(kind engine.OpKind, key, value []byte) error {
		if kind == engine.OpPut {
			puts++
		} else {
			deletes++
			value = nil
		}
		ops = append(ops, op{kind, key, value})
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
	if e.shared.Load() {
		e.tree = e.tree.Clone()
		e.shared.Store(false)
	}
	var delta int64
	var scratch []kv
	for len(ops) > 0 {
		var n int
		var d int64
		n, d, scratch = e.applyToPage(ops, scratch[:0])
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
// a rebuilt one, split if it outgrew the page bounds or merged with its
// successor if it shrank below minPageEntries. It returns how many ops it
// used, the change in live bytes, and scratch for reuse.
func (e *Engine) applyToPage(ops []op, scratch []kv) (used int, delta int64, _ []kv) {
	old, hasOld := pageFor(e.tree, ops[0].key)
	// The successor bounds the ops this page takes; a lone op needs no
	// bound, so a single put costs two tree searches, not four.
	used = len(ops)
	var next pageRef
	hasNext, lookedNext := false, false
	lookNext := func() {
		if hasOld && !lookedNext {
			next, hasNext = pageAfter(e.tree, old.first)
			lookedNext = true
		}
	}
	if len(ops) > 1 {
		lookNext()
		if hasNext {
			used = opsBelow(ops, next.first)
		}
	}
	if hasOld && used == 1 {
		if d, ok := e.patchPage(old, ops[0]); ok {
			return 1, d, scratch
		}
	}
	entries, dKeys, delta := merge(scratch, old, ops[:used])
	e.keys += dKeys
	if len(entries) < minPageEntries {
		lookNext()
		if hasNext && len(entries)+next.len() <= maxPageEntries && len(entries) > 0 {
			e.tree.Delete(next)
			entries = next.appendEntries(entries, 0, next.len())
		}
	}
	// A page that keeps its first key is replaced in place by insertPages.
	if hasOld && (len(entries) == 0 || !bytes.Equal(entries[0].key, old.first)) {
		e.tree.Delete(old)
	}
	e.insertPages(entries)
	return used, delta, entries
}

// patchPage applies a lone op to page old when the result needs no split
// or merge, which is the common case of a point write. It copies the runs
// of entries on either side of the op with one memmove each and shifts
// their offsets, rather than rebuilding the page entry by entry. ok is
// false when the op must take the general path.
func (e *Engine) patchPage(old pageRef, o op) (delta int64, ok bool) {
	n := old.len()
	j := old.search(o.key)
	exists := j < n && bytes.Equal(old.key(j), o.key)
	if o.kind != engine.OpPut && !exists {
		return 0, true // deleting an absent key changes nothing
	}
	start, end := old.offs[2*j], old.offs[2*j] // the bytes the op replaces
	count := n
	if exists {
		end = old.offs[2*j+2]
		count--
	}
	var insert uint32
	if o.kind == engine.OpPut {
		insert = uint32(len(o.key) + len(o.value))
		count++
	}
	size := len(old.data) - int(end-start) + int(insert)
	if count < minPageEntries || count > maxPageEntries || size > maxPageBytes {
		return 0, false
	}
	data := make([]byte, size)
	at := copy(data, old.data[:start])
	offs := make([]uint32, 0, 2*count+1)
	offs = append(offs, old.offs[:2*j]...)
	if o.kind == engine.OpPut {
		offs = append(offs, uint32(at))
		at += copy(data[at:], o.key)
		offs = append(offs, uint32(at))
		at += copy(data[at:], o.value)
	}
	copy(data[at:], old.data[end:])
	rest := 2 * j
	if exists {
		rest += 2
	}
	shift := insert - (end - start) // wraps when the page shrinks; the sum is still right
	for _, off := range old.offs[rest:] {
		offs = append(offs, off+shift)
	}
	r := pageRef{data: data, offs: offs}
	r.first = r.key(0)
	if !bytes.Equal(r.first, old.first) {
		e.tree.Delete(old)
	}
	e.tree.ReplaceOrInsert(r)
	if exists {
		e.keys--
		delta -= int64(end - start)
	}
	if o.kind == engine.OpPut {
		e.keys++
		delta += int64(insert)
	}
	return delta, true
}

// opsBelow returns the number of ops with a key below limit.
func opsBelow(ops []op, limit []byte) int {
	i, _ := slices.BinarySearchFunc(ops, limit, func(o op, k []byte) int { return bytes.Compare(o.key, k) })
	return i
}

// insertPages packs entries into the tree as one page, or as near-equal
// pieces when they exceed a page's bounds.
func (e *Engine) insertPages(entries []kv) {
	if len(entries) == 0 {
		return
	}
	size := 0
	for _, en := range entries {
		size += len(en.key) + len(en.value)
	}
	pieces := max((len(entries)+maxPageEntries-1)/maxPageEntries, (size+maxPageBytes-1)/maxPageBytes)
	pieces = min(pieces, len(entries))
	for p := 0; p < pieces; p++ {
		lo, hi := p*len(entries)/pieces, (p+1)*len(entries)/pieces
		e.tree.ReplaceOrInsert(pack(entries[lo:hi]))
	}
}

// merge appends to dst views of the old page's entries with the sorted,
// distinct ops applied, and returns the change in key count and live
// bytes.
func merge(dst []kv, old pageRef, ops []op) (out []kv, dKeys int, dBytes int64) {
	out = dst
	i, n := 0, 0
	if old.data != nil {
		n = old.len()
	}
	for _, o := range ops {
		// Take the run of old entries below the op in one go: comparing
		// entry by entry made a single put cost a page of comparisons.
		j := i
		if i < n {
			j = i + pageRef{data: old.data, offs: old.offs[2*i:]}.search(o.key)
		}
		out = old.appendEntries(out, i, j)
		i = j
		if i < n && bytes.Equal(old.key(i), o.key) {
			dKeys--
			dBytes -= int64(len(old.key(i)) + len(old.value(i)))
			i++
		}
		if o.kind == engine.OpPut {
			out = append(out, kv{o.key, o.value})
			dKeys++
			dBytes += int64(len(o.key) + len(o.value))
		}
	}
	return old.appendEntries(out, i, n), dKeys, dBytes
}

// NewIterator implements engine.Engine.
func (e *Engine) NewIterator(opts engine.IterOptions) engine.Iterator {
	e.iterators.Add(1)
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.closed {
		return &iterator{err: engine.ErrClosed}
	}
	e.shared.Store(true)
	return &iterator{
		tree:  e.tree,
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
