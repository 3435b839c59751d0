package memory_test

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/aegisdb/aegis/engine"
	"github.com/aegisdb/aegis/engine/memory"
)

// The benchmarks use 16-byte keys and 100-byte values over a store
// preloaded with 1e5 or 1e6 keys; puts overwrite keys of that range, so
// the store keeps its size. Run them with
//
//	go test -run '^$' -bench . -benchtime 2s -count 6 ./engine/memory | tee new.txt
//	benchstat old.txt new.txt

const (
	benchKeyLen   = 16
	benchValueLen = 100
	scanLen       = 100 // keys per scan operation
)

var benchSizes = []struct {
	name string
	keys int
}{{"keys=1e5", 100_000}, {"keys=1e6", 1_000_000}}

// benchKey writes the i'th key: "k" and 15 decimal digits, so keys sort
// in index order.
func benchKey(dst []byte, i int) []byte {
	return fmt.Appendf(dst[:0], "k%015d", i)
}

// loaded caches one preloaded engine per size across benchmarks: loading
// 1e6 keys takes longer than most benchmarks run.
var loaded = map[int]*memory.Engine{}

func loadedEngine(b *testing.B, keys int) *memory.Engine {
	if e, ok := loaded[keys]; ok {
		return e
	}
	e := memory.New()
	batch := engine.NewBatch()
	value := make([]byte, benchValueLen)
	var key []byte
	for i := range keys {
		key = benchKey(key, i)
		binary.LittleEndian.PutUint64(value, uint64(i))
		batch.Put(key, value)
		if batch.Count() == 1000 || i == keys-1 {
			if err := e.Apply(batch, engine.WriteOptions{}); err != nil {
				b.Fatal(err)
			}
			batch.Reset()
		}
	}
	loaded[keys] = e
	return e
}

func opsPerSecond(b *testing.B, perOp int, unit string) {
	b.ReportMetric(float64(b.N*perOp)/b.Elapsed().Seconds(), unit)
}

func BenchmarkPut(b *testing.B) {
	for _, size := range benchSizes {
		for _, batchSize := range []int{1, 100} {
			b.Run(fmt.Sprintf("%s/batch=%d", size.name, batchSize), func(b *testing.B) {
				e := loadedEngine(b, size.keys)
				rng := rand.New(rand.NewPCG(1, 2))
				batch := engine.NewBatch()
				value := make([]byte, benchValueLen)
				var key []byte
				b.SetBytes(int64(batchSize * (benchKeyLen + benchValueLen)))
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					batch.Reset()
					for range batchSize {
						key = benchKey(key, rng.IntN(size.keys))
						batch.Put(key, value)
					}
					if err := e.Apply(batch, engine.WriteOptions{}); err != nil {
						b.Fatal(err)
					}
				}
				opsPerSecond(b, batchSize, "keys/s")
			})
		}
	}
}

func BenchmarkGet(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(size.name+"/hit", func(b *testing.B) {
			e := loadedEngine(b, size.keys)
			rng := rand.New(rand.NewPCG(3, 4))
			var key []byte
			b.SetBytes(benchKeyLen + benchValueLen)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				key = benchKey(key, rng.IntN(size.keys))
				if _, err := e.Get(key); err != nil {
					b.Fatal(err)
				}
			}
			opsPerSecond(b, 1, "ops/s")
		})
	}
}

// BenchmarkScan times a short range scan: SeekGE to a random key, then
// Next until scanLen keys are read.
func BenchmarkScan(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(fmt.Sprintf("%s/len=%d", size.name, scanLen), func(b *testing.B) {
			e := loadedEngine(b, size.keys)
			rng := rand.New(rand.NewPCG(5, 6))
			var key []byte
			b.SetBytes(scanLen * (benchKeyLen + benchValueLen))
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				key = benchKey(key, rng.IntN(size.keys-scanLen))
				it := e.NewIterator(engine.IterOptions{})
				n := 0
				for ok := it.SeekGE(key); ok && n < scanLen; ok = it.Next() {
					n++
				}
				if n != scanLen {
					b.Fatalf("scan read %d keys, want %d (err %v)", n, scanLen, it.Err())
				}
				it.Close()
			}
			opsPerSecond(b, 1, "scans/s")
			opsPerSecond(b, scanLen, "keys/s")
		})
	}
}

// BenchmarkFullScan walks every key of the 1e6-key store within bounds, as
// a table scan does: the per-key cost of a long run.
func BenchmarkFullScan(b *testing.B) {
	e := loadedEngine(b, 1_000_000)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		it := e.NewIterator(engine.IterOptions{LowerBound: []byte("k"), UpperBound: []byte("l")})
		n := 0
		for ok := it.First(); ok; ok = it.Next() {
			n++
		}
		it.Close()
		if n != 1_000_000 {
			b.Fatalf("scan read %d keys, want 1e6 (err %v)", n, it.Err())
		}
	}
	opsPerSecond(b, 1_000_000, "keys/s")
}
