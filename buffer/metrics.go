package buffer

import "sync/atomic"

// Metrics are the pool's counters since it was opened.
type Metrics struct {
	Hits        uint64 // fetches served from a frame
	Misses      uint64 // fetches that read the file
	Reads       uint64 // pages read from the file
	Evictions   uint64 // frames reused for another page
	DirtyWrites uint64 // pages written to the file
	WALFlushes  uint64 // LogFlusher.FlushTo calls made before a write
	Frames      int    // frames in the pool
	Pages       int    // pages in the file, counting allocated but unwritten ones
}

// HitRatio is Hits/(Hits+Misses), or 0 before any fetch.
func (m Metrics) HitRatio() float64 {
	if m.Hits+m.Misses == 0 {
		return 0
	}
	return float64(m.Hits) / float64(m.Hits+m.Misses)
}

type counters struct {
	hits, misses, reads, evictions, dirtyWrites, walFlushes atomic.Uint64
}
