package mvcc

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aegisdb/aegis/engine"
)

// Benchmarks. On a shared machine keep benchtime modest:
//
//	go test ./mvcc -run '^$' -bench . -benchtime 2000x -count 3 | tee new.txt
//	benchstat old.txt new.txt

func openBenchEngine(b *testing.B, name string) engine.Engine {
	e, err := engine.Open(name, engine.Options{Dir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { e.Close() })
	return e
}

// BenchmarkCommit measures commit throughput: each op is one transaction
// putting one random key (16 bytes) with a 128-byte value, spread over
// clients goroutines. Random keys over 1e6 make conflicts rare; the
// conflicts that happen are retried and reported as conflicts/op.
func BenchmarkCommit(b *testing.B) {
	for _, name := range engine.Backends() {
		for _, syncOn := range []bool{false, true} {
			for _, clients := range []int{1, 8, 64} {
				b.Run(fmt.Sprintf("backend=%s/sync=%t/clients=%d", name, syncOn, clients), func(b *testing.B) {
					db := openDB(b, openBenchEngine(b, name), Options{SyncOnCommit: syncOn, GCInterval: -1})
					value := make([]byte, 128)
					var next, conflicts atomic.Int64
					var wg sync.WaitGroup
					b.ReportAllocs()
					b.SetBytes(16 + 128)
					b.ResetTimer()
					start := time.Now()
					for c := 0; c < clients; c++ {
						wg.Add(1)
						go func() {
							defer wg.Done()
							rng := rand.New(rand.NewPCG(uint64(c), 1))
							key := make([]byte, 16)
							for next.Add(1) <= int64(b.N) {
								copy(key, fmt.Sprintf("key%013d", rng.IntN(1e6)))
								for {
									txn, err := db.Begin(TxnOptions{})
									if err != nil {
										b.Error(err)
										return
									}
									txn.Put(key, value)
									err = txn.Commit()
									if err == nil {
										break
									}
									conflicts.Add(1)
								}
							}
						}()
					}
					wg.Wait()
					elapsed := time.Since(start)
					b.ReportMetric(float64(b.N)/elapsed.Seconds(), "commits/s")
					b.ReportMetric(float64(conflicts.Load())/float64(b.N), "conflicts/op")
				})
			}
		}
	}
}

// loadVersions writes versions rounds of every key, each round one commit
// per 100 keys, and returns the keys.
func loadVersions(b *testing.B, db *DB, keys, versions int) [][]byte {
	ks := make([][]byte, keys)
	for i := range ks {
		ks[i] = fmt.Appendf(nil, "key%08d", i)
	}
	value := make([]byte, 64)
	for v := 0; v < versions; v++ {
		for i := 0; i < keys; i += 100 {
			txn := begin(b, db, TxnOptions{})
			for _, k := range ks[i:min(i+100, keys)] {
				value[0] = byte(v)
				txn.Put(k, value)
			}
			mustCommit(b, txn)
		}
	}
	return ks
}

// BenchmarkPointRead measures Get latency on the newest snapshot with 1
// or 100 versions per key, with the old versions left (gc=off) or
// collected first (gc=on). Versions sort newest first, so a read seeks
// straight to its version either way; what 100 versions cost is a deeper
// engine (more keys, more levels or pages).
func BenchmarkPointRead(b *testing.B) {
	const keys = 1000
	for _, name := range engine.Backends() {
		for _, versions := range []int{1, 100} {
			for _, gc := range []bool{false, true} {
				b.Run(fmt.Sprintf("backend=%s/keys=1e3/versions=%d/gc=%t", name, versions, gc), func(b *testing.B) {
					e := openBenchEngine(b, name)
					db := openDB(b, e, Options{GCInterval: -1, GCBatchLimit: 10000})
					ks := loadVersions(b, db, keys, versions)
					if gc {
						if _, err := db.GCCycle(); err != nil {
							b.Fatal(err)
						}
					}
					txn := begin(b, db, TxnOptions{ReadOnly: true})
					defer txn.Rollback()
					rng := rand.New(rand.NewPCG(1, 2))
					b.ReportAllocs()
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						if _, err := txn.Get(ks[rng.IntN(keys)]); err != nil {
							b.Fatal(err)
						}
					}
					b.StopTimer()
					b.ReportMetric(float64(countEngineKeys(e)), "engine-keys")
				})
			}
		}
	}
}

// BenchmarkScan measures a 100-key scan on the newest snapshot. Unlike a
// point read, a scan must step over every old version it meets, so here
// 100 versions per key cost until GC removes them.
func BenchmarkScan(b *testing.B) {
	const keys = 1000
	for _, name := range engine.Backends() {
		for _, versions := range []int{1, 100} {
			for _, gc := range []bool{false, true} {
				b.Run(fmt.Sprintf("backend=%s/keys=1e3/versions=%d/gc=%t", name, versions, gc), func(b *testing.B) {
					e := openBenchEngine(b, name)
					db := openDB(b, e, Options{GCInterval: -1, GCBatchLimit: 10000})
					ks := loadVersions(b, db, keys, versions)
					if gc {
						if _, err := db.GCCycle(); err != nil {
							b.Fatal(err)
						}
					}
					txn := begin(b, db, TxnOptions{ReadOnly: true})
					defer txn.Rollback()
					rng := rand.New(rand.NewPCG(1, 2))
					b.ReportAllocs()
					b.ResetTimer()
					for i := 0; i < b.N; i++ {
						start := rng.IntN(keys - 100)
						it := txn.Scan(ks[start], ks[start+100])
						n := 0
						for it.Next() {
							n++
						}
						it.Close()
						if n != 100 {
							b.Fatalf("scan saw %d keys, want 100", n)
						}
					}
					b.ReportMetric(100, "keys/op")
				})
			}
		}
	}
}

func countEngineKeys(e engine.Engine) int {
	it := e.NewIterator(engine.IterOptions{})
	defer it.Close()
	n := 0
	for ok := it.First(); ok; ok = it.Next() {
		n++
	}
	return n
}

// BenchmarkFullScan walks 200,000 single-version keys on the memory
// backend, reading each value: the per-row cost a SQL table scan pays
// below the row decoder.
func BenchmarkFullScan(b *testing.B) {
	const keys = 200_000
	db := openDB(b, openBenchEngine(b, "memory"), Options{GCInterval: -1})
	loadVersions(b, db, keys, 1)
	txn := begin(b, db, TxnOptions{ReadOnly: true})
	defer txn.Rollback()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		it := txn.Scan(nil, nil)
		n, sum := 0, 0
		for it.Next() {
			sum += len(it.Value())
			n++
		}
		it.Close()
		if n != keys || sum != 64*keys {
			b.Fatalf("scan saw %d keys, %d bytes", n, sum)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*keys), "ns/key")
}
