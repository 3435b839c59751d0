package enginetest

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/aegisdb/aegis/engine"
)

// keyspace generates the keys and values of the randomized tests. Keys come
// mostly from a fixed pool, so puts overwrite and deletes hit, and the pool
// mixes the shapes that break ordered stores: shared prefixes (a key that is
// a prefix of another), the empty key, 0x00 and 0xff bytes, long keys.
type keyspace struct {
	rng          *rand.Rand
	pool         [][]byte
	maxKey       int
	maxValue     int
	longKeyLen   int
	longValueLen int
}

func newKeyspace(rng *rand.Rand, h Harness) *keyspace {
	ks := &keyspace{rng: rng, maxKey: h.MaxKeySize, maxValue: h.MaxValueSize, longKeyLen: 1000, longValueLen: 64 << 10}
	if ks.maxKey > 0 {
		ks.longKeyLen = min(ks.longKeyLen, ks.maxKey)
	}
	if ks.maxValue > 0 {
		ks.longValueLen = min(ks.longValueLen, ks.maxValue)
	}
	seen := map[string]bool{}
	add := func(k []byte) {
		if !seen[string(k)] && (ks.maxKey == 0 || len(k) <= ks.maxKey) {
			seen[string(k)] = true
			ks.pool = append(ks.pool, k)
		}
	}
	add([]byte{})
	for _, k := range []string{"\x00", "\x00\x00", "\xff", "\xff\xff", "a", "a\x00", "a\xff", "ab", "abc", "abd", "b"} {
		add([]byte(k))
	}
	for range 300 {
		add(ks.randomKey())
	}
	return ks
}

// randomKey builds a key of random shape.
func (ks *keyspace) randomKey() []byte {
	r := ks.rng
	prefixes := []string{"", "a", "ab", "user/", "user/1", "user/10", "\x00", "\xff", "z\x00\xff"}
	k := []byte(prefixes[r.IntN(len(prefixes))])
	switch r.IntN(10) {
	case 0: // binary, heavy in 0x00 and 0xff
		for range r.IntN(6) {
			k = append(k, []byte{0, 0xff, 1, 0xfe, byte(r.Uint32())}[r.IntN(5)])
		}
	case 1: // long, sharing a long prefix with its neighbours
		n := ks.longKeyLen/2 + r.IntN(ks.longKeyLen/2+1)
		k = append(k, bytes.Repeat([]byte{'L'}, n)...)
		k = append(k, byte('0'+r.IntN(4)))
	default: // short printable, from a small alphabet so prefixes repeat
		for range r.IntN(5) {
			k = append(k, "abc0"[r.IntN(4)])
		}
	}
	if ks.maxKey > 0 && len(k) > ks.maxKey {
		k = k[:ks.maxKey]
	}
	return k
}

// key returns a pool key most of the time, else a fresh random key.
func (ks *keyspace) key() []byte {
	if ks.rng.IntN(10) == 0 {
		return ks.randomKey()
	}
	return ks.pool[ks.rng.IntN(len(ks.pool))]
}

// seekKey is key, but sometimes nil, which must act as the empty key.
func (ks *keyspace) seekKey() []byte {
	if ks.rng.IntN(30) == 0 {
		return nil
	}
	return ks.key()
}

// value returns a value that is empty, short, or long.
func (ks *keyspace) value() []byte {
	r := ks.rng
	var n int
	switch x := r.IntN(50); {
	case x < 5:
		n = 0
	case x < 6:
		n = ks.longValueLen/2 + r.IntN(ks.longValueLen/2+1)
	default:
		n = 1 + r.IntN(100)
	}
	v := make([]byte, n)
	for i := range v {
		v[i] = byte(r.Uint32())
	}
	return v
}

// bounds returns random iterator bounds, each nil a third of the time.
func (ks *keyspace) bounds() engine.IterOptions {
	var o engine.IterOptions
	if ks.rng.IntN(3) > 0 {
		o.LowerBound = ks.key()
	}
	if ks.rng.IntN(3) > 0 {
		o.UpperBound = ks.key()
	}
	return o
}

// modelSteps is how many operations testModel makes; AEGIS_LONG=1 makes
// it ten times as many.
func modelSteps() int {
	if os.Getenv("AEGIS_LONG") != "" {
		return 50000
	}
	return 5000
}

// testModel runs random operations against the engine and the oracle and
// checks every read against the oracle.
func testModel(t testing.TB, h Harness) {
	rng := newRand(seed(t))
	ks := newKeyspace(rng, h)
	e := h.open(t)
	o := newOracle()
	b := engine.NewBatch()
	steps := modelSteps()
	for step := range steps {
		switch r := rng.IntN(100); {
		case r < 40: // a batch of mixed puts and deletes, keys repeating
			b.Reset()
			n := 1 + rng.IntN(20)
			var recent [][]byte
			for range n {
				k := ks.key()
				if len(recent) > 0 && rng.IntN(4) == 0 {
					k = recent[rng.IntN(len(recent))]
				}
				recent = append(recent, k)
				if rng.IntN(3) == 0 {
					b.Delete(k)
				} else {
					b.Put(k, ks.value())
				}
			}
			apply(t, e, b, rng.IntN(10) == 0)
			o.apply(b)
		case r < 65: // a point read
			k := ks.key()
			got, err := e.Get(k)
			want, ok := o.get(k)
			switch {
			case ok && err != nil:
				t.Fatalf("step %d: Get(%s): %v, want %s", step, short(k), err, short(want))
			case ok && !bytes.Equal(got, want):
				t.Fatalf("step %d: Get(%s) = %s, want %s", step, short(k), short(got), short(want))
			case !ok && !errors.Is(err, engine.ErrNotFound):
				t.Fatalf("step %d: Get(%s) = %s, %v; want engine.ErrNotFound", step, short(k), short(got), err)
			}
		case r < 95: // an iterator with random bounds and a random walk
			c := newIterChecker(t, e, o, ks.bounds())
			randomWalk(c, rng, 1+rng.IntN(40), ks.seekKey)
			c.close()
		case r < 97: // full scans
			checkScans(t, e, o, ks.bounds())
		case r < 98:
			if err := e.Flush(); err != nil {
				t.Fatalf("step %d: Flush: %v", step, err)
			}
		default:
			if h.Reopen != nil {
				h.reopen(t, e)
			}
		}
	}
	checkScans(t, e, o, engine.IterOptions{})
	if h.Reopen != nil {
		h.reopen(t, e)
		checkScans(t, e, o, engine.IterOptions{})
	}
}
