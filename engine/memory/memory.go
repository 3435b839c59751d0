package memory

import (
	"bytes"
	"sync"
	"sync/atomic"

	"github.com/google/btree"

	"github.com/aegisdb/aegis/engine"
)

func init() {
	engine.Register("memory", func(engine.Options) (engine.Engine, error) { return New(), nil })
}

// degree is the google/btree node degree: 32 keeps nodes near a few cache
// lines of pointers, the library's own recommendation for byte-slice items.
const degree = 32

type item struct {
	key, value []byte
}

func lessItem(a, b item) bool { return bytes.Compare(a.key, b.key) < 0 }

// Engine is the in-memory backend. Writers hold mu exclusively; readers
// share it. Iterators read a copy-on-write clone of the tree, so they never
// hold the lock while the caller walks.
type Engine struct {
	mu     sync.RWMutex
	tree   *btree.BTreeG[item]
	closed bool

	gets, batches, synced, puts, deletes, bytesWritten, iterators atomic.Uint64
	liveBytes                                                     atomic.Int64
}

var _ engine.Engine = (*Engine)(nil)

// New returns an empty in-memory engine.
func New() *Engine {
	return &Engine{tree: btree.NewG(degree, lessItem)}
}

// Get implements engine.Engine.
func (e *Engine) Get(key []byte) ([]byte, error) {
	e.gets.Add(1)
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.closed {
		return nil, engine.ErrClosed
	}
	it, ok := e.tree.Get(item{key: key})
	if !ok {
		return nil, engine.ErrNotFound
	}
	return bytes.Clone(it.value), nil
}

// Apply implements engine.Engine. The batch is decoded before the lock is
// taken, so a malformed batch changes nothing.
func (e *Engine) Apply(b *engine.Batch, opts engine.WriteOptions) error {
	type op struct {
		kind       engine.OpKind
		key, value []byte
	}
	ops := make([]op, 0, b.Count())
	var written uint64
	err := b.ForEach(func(kind engine.OpKind, key, value []byte) error {
		// One allocation holds both copies, halving allocations per put.
		buf := make([]byte, len(key)+len(value))
		k := buf[:len(key):len(key)]
		copy(k, key)
		var v []byte
		if kind == engine.OpPut {
			v = buf[len(key):]
			copy(v, value)
		}
		ops = append(ops, op{kind, k, v})
		written += uint64(len(key) + len(value))
		return nil
	})
	if err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return engine.ErrClosed
	}
	var puts, deletes uint64
	var delta int64
	for _, o := range ops {
		if o.kind == engine.OpPut {
			puts++
			delta += int64(len(o.key) + len(o.value))
			if old, replaced := e.tree.ReplaceOrInsert(item{o.key, o.value}); replaced {
				delta -= int64(len(old.key) + len(old.value))
			}
		} else {
			deletes++
			if old, removed := e.tree.Delete(item{key: o.key}); removed {
				delta -= int64(len(old.key) + len(old.value))
			}
		}
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
	e.tree = btree.NewG(degree, lessItem)
	return nil
}

// Metrics implements engine.Engine.
func (e *Engine) Metrics() engine.Metrics {
	e.mu.RLock()
	keys := e.tree.Len()
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
			{Name: "memory_live_bytes", Help: "Key and value bytes stored.", Value: float64(e.liveBytes.Load())},
		},
	}
}
