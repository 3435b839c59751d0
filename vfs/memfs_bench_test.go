package vfs

import (
	"fmt"
	"testing"
)

// Benchmarks of MemFS, so that crash tests built on it stay cheap:
//
//	go test -run '^$' -bench 'MemFS' -benchtime 2000x ./vfs
//	benchstat old.txt new.txt
func BenchmarkMemFSWrite(b *testing.B) {
	for _, size := range []int{64, 4096} {
		for _, syncEvery := range []int{0, 16} {
			b.Run(fmt.Sprintf("size=%d/sync-every=%d", size, syncEvery), func(b *testing.B) {
				f, err := NewMem().Create("f")
				if err != nil {
					b.Fatal(err)
				}
				buf := make([]byte, size)
				syncs := 0
				b.SetBytes(int64(size))
				b.ReportAllocs()
				for i := 0; b.Loop(); i++ {
					if _, err := f.Write(buf); err != nil {
						b.Fatal(err)
					}
					if syncEvery > 0 && i%syncEvery == syncEvery-1 {
						if err := f.Sync(); err != nil {
							b.Fatal(err)
						}
						syncs++
					}
				}
				b.ReportMetric(float64(syncs)/float64(b.N), "syncs/op")
			})
		}
	}
}

func BenchmarkMemFSReadAt(b *testing.B) {
	const fileSize = 1 << 20
	for _, size := range []int{64, 4096} {
		b.Run(fmt.Sprintf("size=%d", size), func(b *testing.B) {
			f, err := NewMem().Create("f")
			if err != nil {
				b.Fatal(err)
			}
			if _, err := f.Write(make([]byte, fileSize)); err != nil {
				b.Fatal(err)
			}
			buf := make([]byte, size)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				off := int64(i*size) % (fileSize - int64(size))
				if _, err := f.ReadAt(buf, off); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkMemFSCrashClone(b *testing.B) {
	m := NewMem()
	for i := range 16 {
		f, err := m.Create(fmt.Sprintf("f%d", i))
		if err != nil {
			b.Fatal(err)
		}
		f.Write(make([]byte, 64<<10))
		f.Sync()
		f.Write(make([]byte, 4<<10))
	}
	m.SyncDir("/")
	b.ReportAllocs()
	for b.Loop() {
		m.CrashClone(CrashOptions{Mode: CrashDropUnsynced})
	}
}
