package lsm

import (
	"bytes"
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
	m := newMemtable(1 << 20)
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

// TestKeyPrefixOrder checks the property cmpNode relies on: keys whose
// prefixes differ order as their prefixes, for keys of any length over
// an alphabet rich in zero bytes (the pad value).
func TestKeyPrefixOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	alphabet := []byte{0, 0, 1, 0x7f, 0xff}
	randKey := func() []byte {
		k := make([]byte, rng.IntN(12))
		for i := range k {
			k[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return k
	}
	for i := 0; i < 200000; i++ {
		a, b := randKey(), randKey()
		pa, pb := keyPrefix(a), keyPrefix(b)
		if pa == pb {
			continue
		}
		want := bytes.Compare(a, b)
		if got := cmpNode(&node{prefix: pa, ukey: a}, &searchKey{ikey{ukey: b}, pb}); got != want {
			t.Fatalf("cmpNode(%x, %x) = %d, bytes.Compare = %d", a, b, got, want)
		}
	}
}

// TestMemtableFilter fills a memtable to its capacity with small entries
// (the fewest bits per key the filter gets), checks that get finds every
// key, and that the filter rules out most absent keys.
func TestMemtableFilter(t *testing.T) {
	const capacity = 1 << 20
	m := newMemtable(capacity)
	var keys [][]byte
	for i := 0; m.size.Load() < capacity; i++ {
		k := fmt.Appendf(nil, "key%08d", i*2)
		m.add(uint64(i+1), kindSet, k, []byte("v"))
		keys = append(keys, k)
	}
	for _, k := range keys {
		if _, _, ok := m.get(k, bloomHash(k), maxSeq); !ok {
			t.Fatalf("get(%s) after add: not found", k)
		}
	}
	fp := 0
	for i := range keys {
		k := fmt.Appendf(nil, "key%08d", i*2+1)
		if m.mayContain(bloomHash(k)) {
			fp++
		}
	}
	rate := float64(fp) / float64(len(keys))
	t.Logf("%d keys, %.1f filter bits per key, false-positive rate %.4f", len(keys), float64(64*len(m.filter))/float64(len(keys)), rate)
	if rate > 0.05 {
		t.Fatalf("false-positive rate %.4f, want under 0.05", rate)
	}
}
