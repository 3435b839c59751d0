package enginetest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aegisdb/aegis/engine"
)

// goroutineTB lets a goroutine other than the test's use Fatal: it reports
// the failure with Errorf and ends only that goroutine.
type goroutineTB struct{ testing.TB }

func (g goroutineTB) Fatal(args ...any) {
	g.TB.Helper()
	g.TB.Error(args...)
	runtime.Goexit()
}

func (g goroutineTB) Fatalf(format string, args ...any) {
	g.TB.Helper()
	g.TB.Errorf(format, args...)
	runtime.Goexit()
}

func (g goroutineTB) FailNow() {
	g.TB.Fail()
	runtime.Goexit()
}

// concurrentSteps is the number of operations per goroutine.
func concurrentSteps() int {
	if testing.Short() {
		return 200
	}
	return 1000
}

// testConcurrentDisjoint runs several workers at once, each writing only
// keys under its own prefix and keeping its own oracle. Since no one else
// writes there, every read a worker makes within its prefix must match its
// oracle exactly, concurrency or not; unbounded iterators, which see the
// others' writes, must still return keys in order without error.
func testConcurrentDisjoint(t testing.TB, h Harness) {
	e := h.open(t)
	base := seed(t)
	const workers = 4
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := goroutineTB{t}
			rng := newRand(base + uint64(w))
			prefix := fmt.Appendf(nil, "w%d/", w)
			end := fmt.Appendf(nil, "w%d0", w) // the first key after the prefix
			ks := newKeyspace(rng, h)
			scoped := func() []byte {
				k := append(bytes.Clone(prefix), ks.key()...)
				if h.MaxKeySize > 0 && len(k) > h.MaxKeySize {
					k = k[:h.MaxKeySize]
				}
				return k
			}
			o := newOracle()
			b := engine.NewBatch()
			for range concurrentSteps() {
				switch r := rng.IntN(10); {
				case r < 4:
					b.Reset()
					for range 1 + rng.IntN(8) {
						if k := scoped(); rng.IntN(3) == 0 {
							b.Delete(k)
						} else {
							b.Put(k, ks.value())
						}
					}
					apply(t, e, b, rng.IntN(20) == 0)
					o.apply(b)
				case r < 6:
					k := scoped()
					got, err := e.Get(k)
					if want, ok := o.get(k); ok != (err == nil) || !bytes.Equal(got, want) {
						t.Fatalf("worker %d: Get(%s) = %s, %v; want %s (present %v)", w, short(k), short(got), err, short(want), ok)
					}
				case r < 9:
					c := newIterChecker(t, e, o, engine.IterOptions{LowerBound: prefix, UpperBound: end})
					randomWalk(c, rng, 1+rng.IntN(20), scoped)
					c.close()
				default:
					checkOrdered(t, e, engine.IterOptions{}, rng.IntN(2) == 0)
				}
			}
			checkScans(t, e, o, engine.IterOptions{LowerBound: prefix, UpperBound: end})
		}()
	}
	wg.Wait()
}

// checkOrdered walks the whole range forward or backward and checks only
// what holds under concurrent writes: keys in strict order, within bounds,
// and no error.
func checkOrdered(t testing.TB, e engine.Engine, opts engine.IterOptions, forward bool) int {
	t.Helper()
	it := e.NewIterator(opts)
	defer it.Close()
	var prev []byte
	n := 0
	ok := it.First()
	if !forward {
		ok = it.Last()
	}
	for ; ok; n++ {
		k := it.Key()
		if opts.LowerBound != nil && bytes.Compare(k, opts.LowerBound) < 0 ||
			opts.UpperBound != nil && bytes.Compare(k, opts.UpperBound) >= 0 {
			t.Fatalf("iterator returned %s outside [%s, %s)", short(k), short(opts.LowerBound), short(opts.UpperBound))
		}
		if n > 0 && (forward && bytes.Compare(prev, k) >= 0 || !forward && bytes.Compare(prev, k) <= 0) {
			t.Fatalf("iterator (forward=%v) went from %s to %s", forward, short(prev), short(k))
		}
		prev = append(prev[:0], k...)
		if forward {
			ok = it.Next()
		} else {
			ok = it.Prev()
		}
	}
	if err := it.Err(); err != nil {
		t.Fatalf("iterator stopped with %v", err)
	}
	return n
}

// step moves it one key in its direction.
func step(it engine.Iterator, forward bool) bool {
	if forward {
		return it.Next()
	}
	return it.Prev()
}

// testConcurrentAtomicity has one writer apply batches that each write the
// same generation number to every key of a group (plus churn elsewhere),
// while readers check what the contract promises:
//
//   - A Get that starts after Apply returned sees that batch (or a later
//     one): every group value read is >= the generation published before
//     the read.
//   - Batches are atomic and point reads linearizable, so within one
//     reader, a group value read later is never older than one read
//     earlier: seeing generation g anywhere means all of g is applied.
//   - An iterator sees every batch applied before it was opened, and keys
//     in order within its bounds. It may or may not see batches applied
//     while it is open, so its group values are only bounded, not equal.
func testConcurrentAtomicity(t testing.TB, h Harness) {
	e := h.open(t)
	rng := newRand(seed(t))
	const groupSize = 16
	group := make([][]byte, groupSize)
	for i := range group {
		group[i] = fmt.Appendf(nil, "g/%02d", i)
	}
	groupBounds := engine.IterOptions{LowerBound: []byte("g/"), UpperBound: []byte("g0")}
	encode := func(gen uint64) []byte { return binary.BigEndian.AppendUint64(nil, gen) }
	decode := func(t testing.TB, k, v []byte) uint64 {
		if len(v) != 8 {
			t.Fatalf("group key %s holds %d bytes, want 8", short(k), len(v))
		}
		return binary.BigEndian.Uint64(v)
	}

	var published atomic.Uint64 // the last generation whose Apply returned
	b := engine.NewBatch()
	for _, k := range group {
		b.Put(k, encode(0))
	}
	apply(t, e, b, false)

	var done atomic.Bool
	var wg sync.WaitGroup
	getReader := func(id uint64) {
		defer wg.Done()
		t := goroutineTB{t}
		rng := newRand(id)
		for !done.Load() {
			floor := published.Load()
			last := floor
			for _, i := range rng.Perm(groupSize) {
				v, err := e.Get(group[i])
				if err != nil {
					t.Fatalf("Get(%s): %v", group[i], err)
				}
				gen := decode(t, group[i], v)
				if gen < last {
					t.Fatalf("Get(%s) = generation %d after reading generation %d (published before the reads: %d): a batch was seen half applied",
						group[i], gen, last, floor)
				}
				if ceiling := published.Load() + 1; gen > ceiling {
					t.Fatalf("Get(%s) = generation %d, but only %d batches were applied", group[i], gen, ceiling)
				}
				last = gen
			}
		}
	}
	iterReader := func(id uint64) {
		defer wg.Done()
		t := goroutineTB{t}
		rng := newRand(id)
		for !done.Load() {
			floor := published.Load()
			forward := rng.IntN(2) == 0
			it := e.NewIterator(groupBounds)
			n := 0
			ok := it.First()
			if !forward {
				ok = it.Last()
			}
			var prev []byte
			for ; ok; ok = step(it, forward) {
				k := it.Key()
				if prev != nil && (forward && bytes.Compare(prev, k) >= 0 || !forward && bytes.Compare(prev, k) <= 0) {
					t.Fatalf("group iterator (forward=%v) went from %s to %s", forward, short(prev), short(k))
				}
				prev = append(prev[:0], k...)
				if len(k) != len(group[0]) {
					continue // a churn key between the group keys
				}
				if n >= groupSize {
					t.Fatalf("group iterator saw more than %d group keys", groupSize)
				}
				want := group[n]
				if !forward {
					want = group[groupSize-1-n]
				}
				n++
				if !bytes.Equal(k, want) {
					t.Fatalf("group iterator (forward=%v) saw %s, want %s", forward, short(k), want)
				}
				gen := decode(t, k, it.Value())
				if gen < floor {
					t.Fatalf("iterator saw %s at generation %d, older than generation %d applied before it opened", want, gen, floor)
				}
				if ceiling := published.Load() + 1; gen > ceiling {
					t.Fatalf("iterator saw %s at generation %d, but only %d batches were applied", want, gen, ceiling)
				}
			}
			if err := it.Err(); err != nil {
				t.Fatalf("group iterator: %v", err)
			}
			if n != groupSize {
				t.Fatalf("group iterator saw %d keys, want %d", n, groupSize)
			}
			it.Close()
			checkOrdered(t, e, engine.IterOptions{}, forward)
		}
	}
	wg.Add(4)
	go getReader(1)
	go getReader(2)
	go iterReader(3)
	go iterReader(4)

	for gen := uint64(1); gen <= uint64(concurrentSteps()); gen++ {
		b.Reset()
		for i, k := range group {
			b.Put(k, encode(gen))
			// Churn between and around the group keys, so the structure
			// under the readers changes shape.
			if i%4 == 0 {
				churn := fmt.Appendf(nil, "c/%d", rng.IntN(200))
				if rng.IntN(2) == 0 {
					b.Delete(churn)
				} else {
					b.Put(churn, churn)
				}
				b.Put(fmt.Appendf(nil, "g/%02d/%d", i, gen%50), []byte("x"))
				b.Delete(fmt.Appendf(nil, "g/%02d/%d", i, (gen+25)%50))
			}
		}
		if err := e.Apply(b, engine.WriteOptions{Sync: gen%100 == 0}); err != nil {
			t.Errorf("writer: Apply of generation %d: %v", gen, err)
			break
		}
		published.Store(gen)
	}
	done.Store(true)
	wg.Wait()
}
