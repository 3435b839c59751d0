package memory

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/aegisdb/aegis/engine"
)

// checkPages verifies the page invariants: every page non-empty and within
// maxPageEntries, keyed by its first entry, sorted inside and disjoint
// from its neighbours; and the key count matches.
func checkPages(t *testing.T, e *Engine) {
	t.Helper()
	var prevLast []byte
	total := 0
	e.tree.Ascend(func(r pageRef) bool {
		if r.len() == 0 || r.len() > maxPageEntries {
			t.Fatalf("page at %q has %d entries, %d bytes", r.first, r.len(), len(r.data))
		}
		if !bytes.Equal(r.first, r.key(0)) {
			t.Fatalf("page keyed %q starts at %q", r.first, r.key(0))
		}
		for i := range r.len() {
			if (i > 0 || prevLast != nil) && bytes.Compare(prevLast, r.key(i)) >= 0 {
				t.Fatalf("key %q follows %q", r.key(i), prevLast)
			}
			prevLast = r.key(i)
		}
		total += r.len()
		return true
	})
	if total != e.keys {
		t.Fatalf("pages hold %d keys, engine counts %d", total, e.keys)
	}
}

// TestPagesAgainstOracle grows the store to thousands of keys (many page
// splits), deletes most of them again (merges), and after each batch
// compares bounded scans both ways with a sorted oracle.
func TestPagesAgainstOracle(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	e := New()
	oracle := map[string]string{}
	key := func() []byte { return fmt.Appendf(nil, "%05d", rng.IntN(5000)) }
	for round := range 300 {
		b := engine.NewBatch()
		delProb := 20
		if round > 150 {
			delProb = 85 // shrink: pages merge
		}
		for range 1 + rng.IntN(200) {
			k := key()
			if rng.IntN(100) < delProb {
				b.Delete(k)
				delete(oracle, string(k))
			} else {
				v := fmt.Sprintf("v%d", rng.Uint32())
				if rng.IntN(50) == 0 { // large values split pages by bytes
					v += strings.Repeat("x", rng.IntN(3*maxPageBytes))
				}
				b.Put(k, []byte(v))
				oracle[string(k)] = v
			}
		}
		if err := e.Apply(b, engine.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		checkPages(t, e)
		keys := make([]string, 0, len(oracle))
		for k := range oracle {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		lo, hi := string(key()), string(key())
		if lo > hi {
			lo, hi = hi, lo
		}
		var want []string
		for _, k := range keys {
			if k >= lo && k < hi {
				want = append(want, k)
			}
		}
		it := e.NewIterator(engine.IterOptions{LowerBound: []byte(lo), UpperBound: []byte(hi)})
		var got []string
		for ok := it.First(); ok; ok = it.Next() {
			if string(it.Value()) != oracle[string(it.Key())] {
				t.Fatalf("round %d: %q = %q, want %q", round, it.Key(), it.Value(), oracle[string(it.Key())])
			}
			got = append(got, string(it.Key()))
		}
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: forward [%q,%q) got %d keys, want %d", round, lo, hi, len(got), len(want))
		}
		got = got[:0]
		for ok := it.Last(); ok; ok = it.Prev() {
			got = append(got, string(it.Key()))
		}
		slices.Reverse(got)
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: reverse [%q,%q) got %d keys, want %d", round, lo, hi, len(got), len(want))
		}
		// Seeks clamp to the bounds: the answer is the first (last) key of
		// the bounded range at or after (before) the probe.
		probe := string(key())
		geWant, ltWant := "", ""
		for _, k := range want {
			if k >= probe && geWant == "" {
				geWant = k
			}
			if k < probe {
				ltWant = k
			}
		}
		if ok := it.SeekGE([]byte(probe)); ok != (geWant != "") || ok && string(it.Key()) != geWant {
			t.Fatalf("round %d: SeekGE(%q) in [%q,%q) = %v %q, want %q", round, probe, lo, hi, ok, it.Key(), geWant)
		}
		if ok := it.SeekLT([]byte(probe)); ok != (ltWant != "") || ok && string(it.Key()) != ltWant {
			t.Fatalf("round %d: SeekLT(%q) in [%q,%q) = %v %q, want %q", round, probe, lo, hi, ok, it.Key(), ltWant)
		}
		it.Close()
	}
	if len(oracle) > 0 {
		m := e.Metrics()
		if pages, _ := m.Detail("memory_pages"); pages == 0 {
			t.Fatal("no pages counted")
		}
	}
}
