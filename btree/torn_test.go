package btree_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/aegisdb/aegis/btree"
	"github.com/aegisdb/aegis/engine"
	"github.com/aegisdb/aegis/vfs"
)

// TestTornPages runs a tree much bigger than its buffer pool, so pages are
// evicted (written, unsynced) all the time, checkpoints in the middle so
// later changes are logged as deltas, then crashes keeping a random,
// possibly torn subset of the unsynced writes. Recovery must repair every
// torn page from its full image and deltas: every synced batch is there
// and the checker passes.
func TestTornPages(t *testing.T) {
	base := testSeed(t)
	for iter := range 10 {
		rng := rand.New(rand.NewPCG(base, uint64(iter)))
		fs := vfs.NewMem()
		opts := btree.Options{FS: fs, Dir: "db", PageSize: 2048, CacheSize: 1, CheckpointBytes: -1}
		db, err := btree.Open(opts)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string][]byte{}
		durable := map[string][]byte{}
		for round := range 40 {
			b := engine.NewBatch()
			for range 50 {
				k := fmt.Sprintf("key/%04d", rng.IntN(3000))
				v := bytes.Repeat([]byte{byte(round)}, 1+rng.IntN(120))
				b.Put([]byte(k), v)
				want[k] = v
			}
			sync := round%7 == 6
			if err := db.Apply(b, engine.WriteOptions{Sync: sync}); err != nil {
				t.Fatal(err)
			}
			if sync {
				for k, v := range want {
					durable[k] = v
				}
			}
			if round == 15 {
				if err := db.Flush(); err != nil {
					t.Fatal(err)
				}
			}
		}
		if db.Stats().PagesWritten == 0 {
			t.Fatal("no page was evicted; the test needs a pool smaller than the tree")
		}
		crashed := fs.CrashClone(vfs.CrashOptions{Mode: vfs.CrashRandomWrites, Rand: rng})
		db.Close()
		opts.FS = crashed
		db, err = btree.Open(opts)
		if err != nil {
			t.Fatalf("iteration %d: recovery: %v", iter, err)
		}
		for k, v := range durable {
			got, err := db.Get([]byte(k))
			if err != nil {
				t.Fatalf("iteration %d: Get(%s): %v", iter, k, err)
			}
			// A later unsynced batch may have survived too.
			if !bytes.Equal(got, v) && (len(got) == 0 || got[0] < v[0]) {
				t.Fatalf("iteration %d: Get(%s) = %x, want the synced %x or later", iter, k, got, v)
			}
		}
		if err := db.Check(); err != nil {
			t.Fatalf("iteration %d: %v", iter, err)
		}
		db.Close()
	}
}
