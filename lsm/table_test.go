package lsm

import (
	"bytes"
	"fmt"
	"sort"
	"testing"

	"github.com/aegisdb/aegis/vfs"
)

// TestTableGet checks point reads through the fences: keys sharing an
// 8-byte prefix across many blocks (the tie-break path), keys shorter
// than a prefix, several versions per key, and absent keys between them.
func TestTableGet(t *testing.T) {
	type entry struct {
		k ikey
		v []byte
	}
	var entries []entry
	add := func(ukey string, seqs ...uint64) {
		for _, s := range seqs {
			entries = append(entries, entry{ikey{[]byte(ukey), makeTrailer(s, kindSet)}, fmt.Appendf(nil, "%s@%d", ukey, s)})
		}
	}
	for i := 0; i < 300; i++ {
		add(fmt.Sprintf("commonprefix/%05d", i*2), uint64(10+i), uint64(1000+i))
	}
	for i := 0; i < 50; i++ {
		add(fmt.Sprintf("s%d", i*2), uint64(5000+i))
	}
	sort.Slice(entries, func(i, j int) bool { return cmpIkey(entries[i].k, entries[j].k) < 0 })

	fs := vfs.NewMem()
	f, err := fs.Create("t.sst")
	if err != nil {
		t.Fatal(err)
	}
	opts, _ := Options{Dir: "x", BlockSize: 256, RestartInterval: 4, Compression: "none"}.withDefaults()
	w, err := newTableWriter(f, "t.sst", &opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if err := w.add(e.k, e.v); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.finish(); err != nil {
		t.Fatal(err)
	}
	tr, err := openTable(f, "t.sst", 1, newBlockCache(1<<20), &readStats{})
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.fences.handles) < 20 {
		t.Fatalf("table has %d blocks; the test wants many", len(tr.fences.handles))
	}
	// want is the newest version of ukey at or below snap.
	want := func(ukey []byte, snap uint64) []byte {
		for _, e := range entries {
			if bytes.Equal(e.k.ukey, ukey) && e.k.seq() <= snap {
				return e.v
			}
		}
		return nil
	}
	check := func(ukey string, snap uint64) {
		t.Helper()
		before := tr.cache.hits.Load() + tr.cache.misses.Load()
		v, _, ok, err := tr.get([]byte(ukey), bloomHash([]byte(ukey)), snap)
		if err != nil {
			t.Fatalf("get(%s, %d): %v", ukey, snap, err)
		}
		// The fences must lead to the block holding the key, not to an
		// earlier one in its run of equal prefixes (which get would walk
		// past, correctly but slowly); the next block is needed only when
		// no version of the key is visible at snap.
		if n := tr.cache.hits.Load() + tr.cache.misses.Load() - before; n > 2 {
			t.Fatalf("get(%s, %d) read %d blocks", ukey, snap, n)
		}
		w := want([]byte(ukey), snap)
		if ok != (w != nil) || !bytes.Equal(v, w) {
			t.Fatalf("get(%s, %d) = %q, %v; want %q", ukey, snap, v, ok, w)
		}
	}
	for i := 0; i < 601; i++ {
		for _, snap := range []uint64{5, 10 + uint64(i/2), 999, maxSeq} {
			check(fmt.Sprintf("commonprefix/%05d", i), snap)
		}
	}
	for i := 0; i < 101; i++ {
		check(fmt.Sprintf("s%d", i), maxSeq)
	}
	check("", maxSeq)
	check("zzz", maxSeq)
}
