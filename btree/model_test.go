package btree_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aegisdb/aegis/btree"
	"github.com/aegisdb/aegis/engine"
	"github.com/aegisdb/aegis/vfs"
)

func testSeed(t testing.TB) uint64 {
	s := uint64(time.Now().UnixNano())
	if env := os.Getenv("AEGIS_SEED"); env != "" {
		v, err := strconv.ParseUint(env, 10, 64)
		if err != nil {
			t.Fatalf("AEGIS_SEED: %v", err)
		}
		s = v
	}
	t.Logf("seed %d (replay with AEGIS_SEED=%d)", s, s)
	return s
}

func openSmall(t testing.TB, fs vfs.FS) *btree.DB {
	t.Helper()
	db, err := btree.Open(btree.Options{FS: fs, Dir: "db", PageSize: 2048, CacheSize: 512 << 10, CheckpointBytes: 256 << 10, SegmentSize: 64 << 10})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return db
}

// TestModel applies random batches on 2 KiB pages (so splits, merges,
// redistribution, overflow chains and the free list all get work) against
// a map, and runs the checker after every batch. It reopens now and then.
func TestModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(testSeed(t), 7))
	fs := vfs.NewMem()
	db := openSmall(t, fs)
	defer func() { db.Close() }()
	model := map[string][]byte{}
	rounds := 300
	if os.Getenv("AEGIS_LONG") != "" {
		rounds = 5000
	}
	keySpace := 2000
	var splits, merges, redists uint64 // summed over reopens
	for round := range rounds {
		// Phases: mostly inserts, then mostly deletes, so the tree grows
		// and shrinks through several heights.
		deleting := (round/50)%2 == 1
		b := engine.NewBatch()
		for range 1 + rng.IntN(60) {
			n := rng.IntN(keySpace)
			k := fmt.Sprintf("k%05d/%s", n, strings.Repeat("x", n*7%60))
			if deleting && rng.IntN(5) > 0 || !deleting && rng.IntN(8) == 0 {
				b.Delete([]byte(k))
				delete(model, k)
				continue
			}
			v := make([]byte, rng.IntN(40))
			if rng.IntN(10) == 0 {
				v = make([]byte, 200+rng.IntN(3000)) // overflow on 2 KiB pages
			}
			for i := range v {
				v[i] = byte(rng.Uint32())
			}
			b.Put([]byte(k), v)
			model[k] = v
		}
		if err := db.Apply(b, engine.WriteOptions{Sync: rng.IntN(4) == 0}); err != nil {
			t.Fatalf("round %d: Apply: %v", round, err)
		}
		if err := db.Check(); err != nil {
			var sb strings.Builder
			db.Dump(&sb)
			t.Fatalf("round %d: %v\n%s", round, err, sb.String())
		}
		if rng.IntN(40) == 0 {
			st := db.Stats()
			splits, merges, redists = splits+st.Splits, merges+st.Merges, redists+st.Redistributions
			if err := db.Close(); err != nil {
				t.Fatalf("round %d: close: %v", round, err)
			}
			db = openSmall(t, fs)
		}
		if round%20 == 0 || round == rounds-1 {
			compare(t, db, model, round)
		}
	}
	s := db.Stats()
	t.Logf("stats: %+v", s)
	splits, merges, redists = splits+s.Splits, merges+s.Merges, redists+s.Redistributions
	// Redistribution needs a sibling over three quarters full, which
	// random work rarely makes; TestRedistribution covers it.
	t.Logf("splits %d, merges %d, redistributions %d", splits, merges, redists)
	if splits == 0 || merges == 0 {
		t.Errorf("the workload did not exercise splits (%d) and merges (%d)", splits, merges)
	}
	var sb strings.Builder
	if err := db.Dump(&sb); err != nil {
		t.Fatal(err)
	}
	t.Logf("dump:\n%s", sb.String())
}

// compare checks Get of every model key and a forward and a reverse scan.
func compare(t *testing.T, db *btree.DB, model map[string][]byte, round int) {
	t.Helper()
	keys := make([]string, 0, len(model))
	for k := range model {
		keys = append(keys, k)
		got, err := db.Get([]byte(k))
		if err != nil || !bytes.Equal(got, model[k]) {
			t.Fatalf("round %d: Get(%q) = %d bytes, %v; want %d bytes", round, k, len(got), err, len(model[k]))
		}
	}
	slices.Sort(keys)
	it := db.NewIterator(engine.IterOptions{})
	defer it.Close()
	i := 0
	for ok := it.First(); ok; ok = it.Next() {
		if i >= len(keys) || string(it.Key()) != keys[i] || !bytes.Equal(it.Value(), model[keys[i]]) {
			t.Fatalf("round %d: forward scan position %d at %q", round, i, it.Key())
		}
		i++
	}
	if it.Err() != nil || i != len(keys) {
		t.Fatalf("round %d: forward scan saw %d of %d keys, err %v", round, i, len(keys), it.Err())
	}
	for ok := it.Last(); ok; ok = it.Prev() {
		i--
		if i < 0 || string(it.Key()) != keys[i] {
			t.Fatalf("round %d: reverse scan position %d at %q", round, i, it.Key())
		}
	}
	if i != 0 {
		t.Fatalf("round %d: reverse scan stopped %d keys short", round, i)
	}
}

// TestIteratorDuringWrites walks the tree forward and backward while a
// writer keeps splitting and merging pages under it: every key that was
// never touched must be seen exactly once, in order.
func TestIteratorDuringWrites(t *testing.T) {
	db := openSmall(t, vfs.NewMem())
	defer db.Close()
	b := engine.NewBatch()
	for i := range 2000 {
		b.Put(fmt.Appendf(nil, "stable/%05d", i), []byte("v"))
	}
	if err := db.Apply(b, engine.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		rng := rand.New(rand.NewPCG(1, 2))
		for i := range 300 {
			b := engine.NewBatch()
			for range 20 {
				k := fmt.Appendf(nil, "stable/%05d/churn%d", rng.IntN(2000), rng.IntN(4))
				if i%2 == 0 {
					b.Put(k, bytes.Repeat([]byte("w"), rng.IntN(100)))
				} else {
					b.Delete(k)
				}
			}
			if err := db.Apply(b, engine.WriteOptions{}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for pass := 0; ; pass++ {
		select {
		case <-done:
			if pass == 0 {
				t.Log("writer finished before the first pass")
			}
			return
		default:
		}
		it := db.NewIterator(engine.IterOptions{LowerBound: []byte("stable/")})
		n := 0
		var prev []byte
		for ok := it.First(); ok; ok = it.Next() {
			if prev != nil && bytes.Compare(prev, it.Key()) >= 0 {
				t.Fatalf("pass %d: %q after %q", pass, it.Key(), prev)
			}
			prev = bytes.Clone(it.Key())
			if !bytes.Contains(it.Key(), []byte("churn")) {
				n++
			}
		}
		if n != 2000 || it.Err() != nil {
			t.Fatalf("pass %d forward: %d stable keys, err %v", pass, n, it.Err())
		}
		n = 0
		for ok := it.Last(); ok; ok = it.Prev() {
			if !bytes.Contains(it.Key(), []byte("churn")) {
				n++
			}
		}
		if n != 2000 {
			t.Fatalf("pass %d backward: %d stable keys", pass, n)
		}
		it.Close()
	}
}

func TestKeyTooLarge(t *testing.T) {
	db, err := btree.Open(btree.Options{FS: vfs.NewMem(), Dir: "db"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	b := engine.NewBatch()
	b.Put([]byte("ok"), []byte("v"))
	b.Put(make([]byte, btree.MaxKeySize+1), nil)
	if err := db.Apply(b, engine.WriteOptions{}); !errors.Is(err, engine.ErrKeyTooLarge) {
		t.Fatalf("Apply with a %d-byte key: %v", btree.MaxKeySize+1, err)
	}
	if _, err := db.Get([]byte("ok")); !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("a rejected batch left a key behind: %v", err)
	}
}
