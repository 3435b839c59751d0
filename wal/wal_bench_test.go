package wal

import (
	"fmt"
	"sync"
	"testing"
)

// Run with:
//
//	go test -run '^$' -bench . -benchtime 2s ./wal/
//	benchstat old.txt new.txt
//
// All benchmarks use the OS file system (vfs.Default) in b.TempDir().

// BenchmarkAppend measures buffered appends with no sync: the cost of
// framing, checksumming and writing in 1 MiB chunks.
func BenchmarkAppend(b *testing.B) {
	for _, size := range []int{128, 1024} {
		b.Run(fmt.Sprintf("sync=never/val=%d", size), func(b *testing.B) {
			l := openTest(b, Options{Sync: SyncNever})
			payload := make([]byte, size)
			b.SetBytes(frameSize(size))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := l.Append(payload); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
			if err := l.Close(); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// BenchmarkCommit measures durable commits (SyncEveryCommit) from several
// goroutines at once. Group commit shows as records/sync rising with the
// number of writers and fsyncs/op falling below 1.
func BenchmarkCommit(b *testing.B) {
	for _, writers := range []int{1, 8, 64} {
		b.Run(fmt.Sprintf("writers=%d/val=128", writers), func(b *testing.B) {
			l := openTest(b, Options{Sync: SyncEveryCommit})
			payload := make([]byte, 128)
			b.SetBytes(frameSize(len(payload)))
			b.ReportAllocs()
			before := l.Metrics()
			b.ResetTimer()
			var wg sync.WaitGroup
			var next int64
			var mu sync.Mutex
			claim := func() bool { // hands out exactly b.N commits
				mu.Lock()
				defer mu.Unlock()
				next++
				return next <= int64(b.N)
			}
			for w := 0; w < writers; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for claim() {
						if _, err := l.Commit(payload); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.StopTimer()
			m := l.Metrics()
			syncs := m.Syncs - before.Syncs
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
			b.ReportMetric(float64(syncs)/float64(b.N), "fsyncs/op")
			b.ReportMetric(float64(m.SyncedRecords-before.SyncedRecords)/float64(max(syncs, 1)), "records/sync")
			if err := l.Close(); err != nil {
				b.Fatal(err)
			}
		})
	}
}
