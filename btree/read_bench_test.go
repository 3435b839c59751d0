package btree_test

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"

	"github.com/aegisdb/aegis/btree"
	"github.com/aegisdb/aegis/engine"
	"github.com/aegisdb/aegis/vfs"
)

// The read path on an in-memory tree of 1e5 keys (16-byte keys, 100-byte
// values, 8 KiB pages, all cached): a point Get, a SeekGE with one Key and
// Value read (an mvcc version lookup), SeekGE plus 99 Next calls, and a
// full scan (-benchtime 200x for that one).
//
//	go test ./btree -run '^$' -bench 'Get|Seek' -benchtime 200000x -count 5 | tee new.txt
//	benchstat old.txt new.txt
//
// fetches/op is buffer pool fetches per operation (hits and misses): the
// pages an operation touches.
func BenchmarkRead(b *testing.B) {
	const n = 100_000
	db, err := btree.Open(btree.Options{FS: vfs.NewMem(), Dir: "db", CacheSize: 64 << 20})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	batch := engine.NewBatch()
	value := make([]byte, 100)
	for i := range n {
		batch.Put(benchKey(make([]byte, 16), i), value)
		if batch.Count() == 1000 {
			if err := db.Apply(batch, engine.WriteOptions{}); err != nil {
				b.Fatal(err)
			}
			batch.Reset()
		}
	}
	run := func(name string, op func(it engine.Iterator, k []byte)) {
		b.Run(name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			k := make([]byte, 16)
			it := db.NewIterator(engine.IterOptions{})
			defer it.Close()
			before := db.Stats()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				op(it, benchKey(k, rng.IntN(n)))
			}
			b.StopTimer()
			after := db.Stats()
			fetches := after.BufferHits + after.BufferMiss - before.BufferHits - before.BufferMiss
			b.ReportMetric(float64(fetches)/float64(b.N), "fetches/op")
		})
	}
	run("Get/keys=1e5", func(_ engine.Iterator, k []byte) {
		if _, err := db.Get(k); err != nil {
			b.Fatal(err)
		}
	})
	run("SeekGE/keys=1e5", func(it engine.Iterator, k []byte) {
		if !it.SeekGE(k) || len(it.Value()) != len(value) {
			b.Fatalf("SeekGE(%x): %v", k, it.Err())
		}
	})
	run("SeekGE+99Next/keys=1e5", func(it engine.Iterator, k []byte) {
		ok := it.SeekGE(k)
		for i := 0; ok && i < 99; i++ {
			ok = it.Next()
		}
		if it.Err() != nil {
			b.Fatal(it.Err())
		}
	})
	run("Scan/keys=1e5", func(it engine.Iterator, _ []byte) {
		got := 0
		for ok := it.First(); ok; ok = it.Next() {
			got++
		}
		if got != n {
			b.Fatalf("scan saw %d of %d keys: %v", got, n, it.Err())
		}
	})
}

// benchKey writes key i into k: 8 bytes big-endian, then 8 hash bytes.
func benchKey(k []byte, i int) []byte {
	binary.BigEndian.PutUint64(k, uint64(i))
	binary.BigEndian.PutUint64(k[8:], uint64(i)*0x9e3779b97f4a7c15)
	return k
}
