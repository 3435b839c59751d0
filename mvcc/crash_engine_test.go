package mvcc

import (
	"bytes"
	"math/rand/v2"
	"sync"

	"github.com/aegisdb/aegis/engine"
	"github.com/aegisdb/aegis/engine/memory"
)

// crashEngine wraps a memory engine and remembers every applied batch and
// whether it was synced, so that a test can simulate a crash on a backend
// that has no disk: crash builds a fresh engine holding what a WAL-based
// backend would recover, every batch up to the last synced one (or the
// last Flush) plus a random number of the unsynced batches after it, each
// whole. It stands in for the vfs-based backends until they land.
type crashEngine struct {
	*memory.Engine
	mu      sync.Mutex
	batches [][]byte
	durable int // batches[:durable] survive any crash
}

func newCrashEngine() *crashEngine { return &crashEngine{Engine: memory.New()} }

func (c *crashEngine) Apply(b *engine.Batch, opts engine.WriteOptions) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.Engine.Apply(b, opts); err != nil {
		return err
	}
	c.batches = append(c.batches, bytes.Clone(b.Repr()))
	if opts.Sync {
		c.durable = len(c.batches)
	}
	return nil
}

func (c *crashEngine) Flush() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.durable = len(c.batches)
	return c.Engine.Flush()
}

// crash returns a new crashEngine holding what survives a crash now.
func (c *crashEngine) crash(rng *rand.Rand) (*crashEngine, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	keep := c.durable + rng.IntN(len(c.batches)-c.durable+1)
	after := newCrashEngine()
	for _, repr := range c.batches[:keep] {
		b, err := engine.DecodeBatch(repr)
		if err != nil {
			return nil, err
		}
		if err := after.Apply(b, engine.WriteOptions{Sync: true}); err != nil {
			return nil, err
		}
	}
	return after, nil
}
