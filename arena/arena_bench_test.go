package arena

import (
	"fmt"
	"sync/atomic"
	"testing"
)

// Cost of one allocation from an Arena, a ConcurrentArena (alone and shared
// by all Ps) and from make:
//
//	go test ./arena -run '^$' -bench . -benchtime 2000000x -count 6 | tee new.txt
//	benchstat old.txt new.txt
//
// Every allocation is stored into a ring so that make's slices escape to the
// heap, as memtable entries do. The arenas are reset (or replaced, for the
// concurrent one) every 64 MiB so the benchmark's memory stays bounded; that
// cost is part of the figure.

const benchBudget = 64 << 20

var benchSizes = []int{16, 128, 1024}

func BenchmarkAlloc(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(fmt.Sprintf("size=%d/alloc=make", size), func(b *testing.B) {
			ring := make([][]byte, 1024)
			b.ReportAllocs()
			b.SetBytes(int64(size))
			i := 0
			for b.Loop() {
				ring[i%len(ring)] = make([]byte, size)
				i++
			}
		})
		b.Run(fmt.Sprintf("size=%d/alloc=arena", size), func(b *testing.B) {
			ring := make([][]byte, 1024)
			a := New(DefaultSlabSize)
			b.ReportAllocs()
			b.SetBytes(int64(size))
			i, used := 0, 0
			for b.Loop() {
				if used += size; used > benchBudget {
					a.Reset()
					used = size
				}
				ring[i%len(ring)] = a.Alloc(size)
				i++
			}
		})
		b.Run(fmt.Sprintf("size=%d/alloc=concurrent", size), func(b *testing.B) {
			ring := make([][]byte, 1024)
			a := NewConcurrent(DefaultSlabSize)
			b.ReportAllocs()
			b.SetBytes(int64(size))
			i, used := 0, 0
			for b.Loop() {
				if used += size; used > benchBudget {
					a = NewConcurrent(DefaultSlabSize)
					used = size
				}
				ring[i%len(ring)] = a.Alloc(size)
				i++
			}
		})
	}
}

// BenchmarkAllocParallel is the memtable case: every P allocating at once.
func BenchmarkAllocParallel(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(fmt.Sprintf("size=%d/alloc=make", size), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(size))
			b.RunParallel(func(pb *testing.PB) {
				ring := make([][]byte, 1024)
				for i := 0; pb.Next(); i++ {
					ring[i%len(ring)] = make([]byte, size)
				}
			})
		})
		b.Run(fmt.Sprintf("size=%d/alloc=concurrent", size), func(b *testing.B) {
			var shared atomic.Pointer[ConcurrentArena]
			shared.Store(NewConcurrent(DefaultSlabSize))
			b.ReportAllocs()
			b.SetBytes(int64(size))
			b.RunParallel(func(pb *testing.PB) {
				ring := make([][]byte, 1024)
				used := 0
				for i := 0; pb.Next(); i++ {
					a := shared.Load()
					if used += size; used > benchBudget {
						shared.CompareAndSwap(a, NewConcurrent(DefaultSlabSize))
						used = size
					}
					ring[i%len(ring)] = a.Alloc(size)
				}
			})
		})
	}
}
