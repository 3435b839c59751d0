package enginetest

import (
	"runtime"
	"testing"

	"github.com/aegisdb/aegis/engine"
	"github.com/aegisdb/aegis/engine/memory"
	"github.com/aegisdb/aegis/vfs"
)

// refHarness runs the suite on a refEngine in a temporary directory of the
// operating system's file system, with reopen.
func refHarness(flaws refFlaws) Harness {
	open := func(t testing.TB, dir string) engine.Engine {
		e, err := openRef(vfs.Default, dir, flaws)
		if err != nil {
			t.Fatalf("open reflog in %s: %v", dir, err)
		}
		return e
	}
	return Harness{
		Open: func(t testing.TB) engine.Engine { return open(t, t.TempDir()) },
		Reopen: func(t testing.TB, e engine.Engine) engine.Engine {
			if err := e.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			return open(t, e.(*refEngine).dir)
		},
	}
}

func TestRunOnReferenceEngine(t *testing.T) {
	Run(t, refHarness(refFlaws{}))
}

// sizeLimited is a memory engine that rejects keys and values above a
// limit, to run the SizeLimits test on something.
type sizeLimited struct {
	*memory.Engine
	maxKey, maxValue int
}

func (s sizeLimited) Apply(b *engine.Batch, opts engine.WriteOptions) error {
	err := b.ForEach(func(kind engine.OpKind, key, value []byte) error {
		if len(key) > s.maxKey {
			return engine.ErrKeyTooLarge
		}
		if len(value) > s.maxValue {
			return engine.ErrValueTooLarge
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.Engine.Apply(b, opts)
}

func TestRunWithSizeLimits(t *testing.T) {
	Run(t, Harness{
		Open:         func(testing.TB) engine.Engine { return sizeLimited{memory.New(), 100, 1000} },
		MaxKeySize:   100,
		MaxValueSize: 1000,
	})
}

// broken wraps a memory engine with one bug, chosen by its fields.
type broken struct {
	*memory.Engine
	splitBatches   bool // Apply applies op by op, so readers can see half a batch
	firstOpWins    bool // within a batch, the first op on a key wins
	ignoreLower    bool // iterators ignore their lower bound
	aliasGet       bool // Get returns the same buffer every time for a key
	aliased        map[string][]byte
	reenterAtEnd   bool // Next after running off the end starts again at First
	lenientClosed  bool // calls after Close succeed
	countGetsTwice bool // Metrics().Gets counts each Get twice
}

func (b *broken) Get(key []byte) ([]byte, error) {
	if b.countGetsTwice {
		b.Engine.Get(key)
	}
	if b.aliasGet {
		if v, ok := b.aliased[string(key)]; ok {
			return v, nil // the "stored" buffer itself
		}
	}
	v, err := b.Engine.Get(key)
	if b.aliasGet && err == nil {
		b.aliased[string(key)] = v
	}
	if b.lenientClosed && err == engine.ErrClosed {
		return nil, engine.ErrNotFound
	}
	return v, err
}

func (b *broken) Apply(batch *engine.Batch, opts engine.WriteOptions) error {
	if b.aliasGet {
		clear(b.aliased)
	}
	if !b.splitBatches && !b.firstOpWins {
		return b.Engine.Apply(batch, opts)
	}
	seen := map[string]bool{}
	return batch.ForEach(func(kind engine.OpKind, key, value []byte) error {
		if b.firstOpWins {
			if seen[string(key)] {
				return nil
			}
			seen[string(key)] = true
		}
		one := engine.NewBatch()
		if kind == engine.OpPut {
			one.Put(key, value)
		} else {
			one.Delete(key)
		}
		runtime.Gosched() // widen the window in which a reader sees half a batch
		return b.Engine.Apply(one, opts)
	})
}

func (b *broken) NewIterator(opts engine.IterOptions) engine.Iterator {
	if b.ignoreLower {
		opts.LowerBound = nil
	}
	it := b.Engine.NewIterator(opts)
	if b.reenterAtEnd {
		return &reenteringIter{Iterator: it}
	}
	return it
}

type reenteringIter struct {
	engine.Iterator
}

func (r *reenteringIter) Next() bool {
	if r.Iterator.Next() {
		return true
	}
	return r.Iterator.First()
}

func (b *broken) Close() error {
	err := b.Engine.Close()
	if b.lenientClosed {
		return nil
	}
	return err
}

func brokenHarness(mk func() *broken) Harness {
	return Harness{Open: func(testing.TB) engine.Engine {
		b := mk()
		b.Engine = memory.New()
		b.aliased = map[string][]byte{}
		return b
	}}
}

// TestSuiteCatchesBrokenEngines checks that each conformance test fails on
// an engine with the bug it is there to catch.
func TestSuiteCatchesBrokenEngines(t *testing.T) {
	cases := []struct {
		name string
		test func(testing.TB, Harness)
		flaw func() *broken
	}{
		{"half-applied batches/ConcurrentAtomicity", testConcurrentAtomicity, func() *broken { return &broken{splitBatches: true} }},
		{"first op wins/BatchLaterOpWins", testBatchLaterOpWins, func() *broken { return &broken{firstOpWins: true} }},
		{"first op wins/Model", testModel, func() *broken { return &broken{firstOpWins: true} }},
		{"lower bound ignored/IterBounds", testIterBounds, func() *broken { return &broken{ignoreLower: true} }},
		{"lower bound ignored/IterSeekClamps", testIterSeekClamps, func() *broken { return &broken{ignoreLower: true} }},
		{"lower bound ignored/Model", testModel, func() *broken { return &broken{ignoreLower: true} }},
		{"Get aliases/GetReturnsCopy", testGetReturnsCopy, func() *broken { return &broken{aliasGet: true} }},
		{"Next re-enters/IterRunOffEnds", testIterRunOffEnds, func() *broken { return &broken{reenterAtEnd: true} }},
		{"Next re-enters/Model", testModel, func() *broken { return &broken{reenterAtEnd: true} }},
		{"works after Close/Closed", testClosed, func() *broken { return &broken{lenientClosed: true} }},
		{"Gets miscounted/Metrics", testMetrics, func() *broken { return &broken{countGetsTwice: true} }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mustFail(t, c.name, func(tb testing.TB) { c.test(tb, brokenHarness(c.flaw)) })
		})
	}
}
