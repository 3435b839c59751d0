package buffer

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/aegisdb/aegis/page"
)

// go test ./buffer -run XXX -bench . -benchtime 200000x -count 5 | tee new.txt
// benchstat old.txt new.txt
//
// hit:  every page is cached; a fetch is a map lookup and a pin.
// miss: the frames hold 1/16 of the pages and the walk is sequential, so
// every fetch evicts a clean frame and reads 8 KiB through vfs.Default
// (from the OS page cache once warm: this is the pool's cost, not the disk's).
func BenchmarkFetch(b *testing.B) {
	for _, tc := range []struct {
		name          string
		frames, pages int
	}{
		{"frames=1024/hit", 1024, 1024},
		{"frames=64/miss", 64, 1024},
	} {
		b.Run(tc.name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "pages")
			f := openFile(b, path)
			p, err := New(Options{File: f, PageSize: page.DefaultSize, Frames: tc.frames})
			if err != nil {
				b.Fatal(err)
			}
			for i := 0; i < tc.pages; i++ {
				fr, err := p.Allocate(page.TypeLeaf)
				if err != nil {
					b.Fatal(err)
				}
				_ = fr.Page().Insert(0, []byte(fmt.Sprint(i)))
				p.Unpin(fr)
			}
			if err := p.FlushAll(); err != nil {
				b.Fatal(err)
			}
			defer p.Close()
			before := p.Metrics()
			b.SetBytes(page.DefaultSize)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				// A stride coprime with the page count visits every page.
				id := page.ID((i * 7) % tc.pages)
				fr, err := p.Fetch(id)
				if err != nil {
					b.Fatal(err)
				}
				fr.RLock()
				_ = fr.Page().Cell(0)
				fr.RUnlock()
				p.Unpin(fr)
			}
			b.StopTimer()
			m := p.Metrics()
			b.ReportMetric(float64(m.Reads-before.Reads)/float64(b.N), "reads/op")
		})
	}
}

// BenchmarkFetchParallel measures the hit path with every core fetching.
func BenchmarkFetchParallel(b *testing.B) {
	path := filepath.Join(b.TempDir(), "pages")
	p, err := New(Options{File: openFile(b, path), PageSize: page.DefaultSize, Frames: 256})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	for i := 0; i < 256; i++ {
		fr, err := p.Allocate(page.TypeLeaf)
		if err != nil {
			b.Fatal(err)
		}
		p.Unpin(fr)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			fr, err := p.Fetch(page.ID(i % 256))
			if err != nil {
				b.Error(err)
				return
			}
			p.Unpin(fr)
			i += 7
		}
	})
}
