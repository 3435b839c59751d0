package lsm

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
	"time"
)

// TestMemtableOrder inserts runs of ascending keys (the hinted path),
// descending keys and random keys, and checks that a forward and a
// backward walk give exactly the sorted internal keys.
func TestMemtableOrder(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 3))
	m := newMemtable()
	var want []ikey
	seq := uint64(1)
	add := func(k int) {
		uk := fmt.Appendf(nil, "k%06d", k)
		m.add(seq, kindSet, uk, nil)
		want = append(want, ikey{ukey: uk, trailer: makeTrailer(seq, kindSet)})
		seq++
	}
	for run := 0; run < 200; run++ {
		start, n := rng.IntN(100000), 1+rng.IntN(50)
		switch rng.IntN(3) {
		case 0:
			for i := 0; i < n; i++ {
				add(start + i)
			}
		case 1:
			for i := n; i > 0; i-- {
				add(start + i)
			}
		default:
			for i := 0; i < n; i++ {
				add(rng.IntN(100000))
			}
		}
	}
	sort.Slice(want, func(i, j int) bool { return cmpIkey(want[i], want[j]) < 0 })
	it := &memIter{m: m}
	i := 0
	for ok := it.First(); ok; ok = it.Next() {
		if i >= len(want) || cmpIkey(it.Key(), want[i]) != 0 {
			t.Fatalf("forward entry %d is %s", i, fmtIkey(it.Key()))
		}
		i++
	}
	if i != len(want) {
		t.Fatalf("forward walk saw %d entries, want %d", i, len(want))
	}
	for ok := it.Last(); ok; ok = it.Prev() {
		i--
		if cmpIkey(it.Key(), want[i]) != 0 {
			t.Fatalf("backward entry %d is %s", i, fmtIkey(it.Key()))
		}
	}
	if i != 0 {
		t.Fatalf("backward walk stopped %d entries early", i)
	}
}
