package btree_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/aegisdb/aegis/engine"
	"github.com/aegisdb/aegis/vfs"
)

// TestIteratorStepsBetweenBatches applies a batch after every step of a
// walk, so refills that go on in the leaf where the last one stopped meet
// leaves changed in between (churn keys put and deleted around the
// position, shifting cells, splitting and merging pages) as well as leaves
// left alone. A refill that trusted a stale cell index would skip or
// repeat stable keys or return bytes no put wrote. Seeks past the current
// key now and then restart the short runs, so refills happen often.
func TestIteratorStepsBetweenBatches(t *testing.T) {
	for _, forward := range []bool{true, false} {
		t.Run(fmt.Sprintf("forward=%v", forward), func(t *testing.T) {
			db := openSmall(t, vfs.NewMem())
			defer db.Close()
			const stable = 600
			b := engine.NewBatch()
			for i := range stable {
				b.Put(fmt.Appendf(nil, "stable/%05d", i), fmt.Appendf(nil, "s%05d", i))
			}
			if err := db.Apply(b, engine.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(5, 6))
			it := db.NewIterator(engine.IterOptions{LowerBound: []byte("stable/"), UpperBound: []byte("stable0")})
			defer it.Close()
			ok := it.First()
			if !forward {
				ok = it.Last()
			}
			stableSeen := 0
			var prev []byte
			for ; ok; ok = walkStep(it, rng, prev, forward) {
				k := bytes.Clone(it.Key())
				if prev != nil && (bytes.Compare(prev, k) < 0) != forward {
					t.Fatalf("%q after %q", k, prev)
				}
				prev = k
				var idx, n int
				if _, err := fmt.Sscanf(string(k), "stable/%05d/churn%d", &idx, &n); err == nil {
					if !isChurnValue(k, it.Value()) {
						t.Fatalf("%q = %q: no put wrote that", k, it.Value())
					}
				} else {
					if want := fmt.Appendf(nil, "s%s", k[len("stable/"):]); !bytes.Equal(it.Value(), want) {
						t.Fatalf("%q = %q, want %q", k, it.Value(), want)
					}
					stableSeen++
				}
				applyChurn(t, db, rng, idx, stable)
			}
			if it.Err() != nil || stableSeen != stable {
				t.Fatalf("saw %d of %d stable keys, err %v", stableSeen, stable, it.Err())
			}
		})
	}
}

func churnKey(i, n int) []byte { return fmt.Appendf(nil, "stable/%05d/churn%d", i, n) }

// A churn value is "c", the key, then 0 to 299 'x' (so pages split and merge).
func churnValue(k []byte, pad int) []byte {
	return append(append([]byte("c"), k...), bytes.Repeat([]byte("x"), pad)...)
}

func isChurnValue(k, v []byte) bool {
	rest, ok := bytes.CutPrefix(v, append([]byte("c"), k...))
	return ok && len(bytes.Trim(rest, "x")) == 0
}

// applyChurn puts and deletes churn keys near stable key idx and at random.
func applyChurn(t *testing.T, db engine.Engine, rng *rand.Rand, idx, stable int) {
	t.Helper()
	b := engine.NewBatch()
	for range 4 {
		for _, at := range []int{idx + rng.IntN(9) - 4, rng.IntN(stable)} {
			k := churnKey(at, rng.IntN(3))
			if rng.IntN(2) == 0 {
				b.Delete(k)
			} else {
				b.Put(k, churnValue(k, rng.IntN(300)))
			}
		}
	}
	if err := db.Apply(b, engine.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
}

// walkStep moves on by one key: mostly Next (Prev), now and then a seek
// just past the current key, which starts a short run again.
func walkStep(it engine.Iterator, rng *rand.Rand, cur []byte, forward bool) bool {
	seek := rng.IntN(6) == 0
	switch {
	case forward && seek:
		return it.SeekGE(append(bytes.Clone(cur), 0))
	case forward:
		return it.Next()
	case seek:
		return it.SeekLT(cur)
	default:
		return it.Prev()
	}
}
