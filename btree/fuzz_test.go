package btree_test

import (
	"errors"
	"testing"

	"github.com/aegisdb/aegis/btree"
	"github.com/aegisdb/aegis/engine"
	"github.com/aegisdb/aegis/vfs"
)

// FuzzOpen opens arbitrary bytes as a data file (with an empty log): Open
// must return an error or a store that reads, scans and checks without
// panicking. The seeds include whole valid stores, so mutations land in
// headers, meta and tree pages.
//
//	go test ./btree -run '^$' -fuzz '^FuzzOpen$' -fuzztime 60s -fuzzminimizetime 2s
//
// Keep -fuzzminimizetime short: every exec opens and closes a store (about
// a millisecond), so minimizing a data file of several KiB byte by byte
// takes minutes, during which the fuzzer reports 0 execs/s.
func FuzzOpen(f *testing.F) {
	f.Add([]byte{})
	f.Add(make([]byte, 8192))
	for _, n := range []int{0, 3, 40} {
		f.Add(validDataFile(f, n))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fs := vfs.NewMem()
		if err := fs.MkdirAll("db"); err != nil {
			t.Fatal(err)
		}
		file, err := fs.Create("db/data")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := file.Write(data); err != nil {
			t.Fatal(err)
		}
		file.Close()
		db, err := btree.Open(btree.Options{FS: fs, Dir: "db", CheckpointBytes: -1, CacheSize: 1 << 20})
		if err != nil {
			return
		}
		defer db.Close()
		db.Get([]byte("k"))
		it := db.NewIterator(engine.IterOptions{})
		for ok := it.Last(); ok; ok = it.Prev() {
		}
		it.Close()
		_ = db.Check()
		b := engine.NewBatch()
		b.Put([]byte("new"), []byte("value"))
		if err := db.Apply(b, engine.WriteOptions{}); err != nil && !errors.Is(err, btree.ErrCorrupt) && !errors.Is(err, btree.ErrPoisoned) {
			t.Logf("Apply: %v", err)
		}
	})
}

// validDataFile returns the data file of a closed store of 2 KiB pages
// holding n keys.
func validDataFile(t testing.TB, n int) []byte {
	fs := vfs.NewMem()
	db, err := btree.Open(btree.Options{FS: fs, Dir: "db", PageSize: 2048})
	if err != nil {
		t.Fatal(err)
	}
	b := engine.NewBatch()
	for i := range n {
		b.Put(bulkKey(i), bulkValue(i))
	}
	if err := db.Apply(b, engine.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := vfs.ReadFile(fs, "db/data")
	if err != nil {
		t.Fatal(err)
	}
	return data
}
