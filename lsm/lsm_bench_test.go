package lsm

import (
	"encoding/binary"
	"syscall"
	"testing"

	"github.com/aegisdb/aegis/engine"
	"github.com/aegisdb/aegis/vfs"
)

// Benchmarks of the write and read paths on MemFS (no disk in the way);
// the comparison with other engines on a real disk is bench/lsmbench.
//
//	go test ./lsm -run '^$' -bench . -benchmem
//	benchstat old.txt new.txt

func benchKey(k []byte, i uint64) []byte {
	binary.BigEndian.PutUint64(k, i*0x9e3779b97f4a7c15)
	binary.BigEndian.PutUint64(k[8:], i)
	return k
}

// cpuTime is the process's user plus system CPU time in nanoseconds. On
// a shared machine it varies less than the wall clock, which also counts
// the time other processes hold the cores.
func cpuTime() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

func BenchmarkApply(b *testing.B) {
	for _, batch := range []int{1, 1000} {
		b.Run("keys=16B/val=100B/batch="+map[int]string{1: "1", 1000: "1000"}[batch], func(b *testing.B) {
			db, err := Open(Options{FS: vfs.NewMem(), Dir: "db"})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			key, val := make([]byte, 16), make([]byte, 100)
			bt := engine.NewBatch()
			b.SetBytes(116)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				bt.Put(benchKey(key, uint64(i)), val)
				if bt.Count() == batch {
					if err := db.Apply(bt, engine.WriteOptions{}); err != nil {
						b.Fatal(err)
					}
					bt.Reset()
				}
			}
		})
	}
}

func BenchmarkGet(b *testing.B) {
	const n = 200000
	db, err := Open(Options{FS: vfs.NewMem(), Dir: "db", MemtableSize: 4 << 20})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	key, val := make([]byte, 16), make([]byte, 100)
	bt := engine.NewBatch()
	for i := 0; i < n; i++ {
		bt.Put(benchKey(key, uint64(i)), val)
		if bt.Count() == 1000 {
			if err := db.Apply(bt, engine.WriteOptions{}); err != nil {
				b.Fatal(err)
			}
			bt.Reset()
		}
	}
	if err := db.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := db.WaitIdle(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	cpu0 := cpuTime()
	for i := 0; b.Loop(); i++ {
		if _, err := db.Get(benchKey(key, uint64(i*7919%n))); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
	s := db.Stats()
	b.ReportMetric(float64(s.TablesProbed)/float64(s.Gets), "tables/get")
}
