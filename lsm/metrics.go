package lsm

import (
	"fmt"
	"sync/atomic"

	"github.com/aegisdb/aegis/engine"
)

// dbMetrics are the DB's own counters; table reads count into readStats.
type dbMetrics struct {
	gets, batches, syncedBatches, keysPut, keysDeleted, bytesWritten, iterators atomic.Uint64
	walBytes                                                                    atomic.Uint64
	flushes, flushBytes                                                         atomic.Uint64
	compactions, trivialMoves                                                   atomic.Uint64
	compactBytesRead, compactBytesWritten, compactNanos                         atomic.Uint64
	stalls, stallNanos                                                          atomic.Uint64
	filesDeleted                                                                atomic.Uint64
}

// Stats is a snapshot of the LSM-specific counters, for tests and tools;
// Metrics reports the same numbers as engine.Counters.
type Stats struct {
	Flushes, FlushBytes                   uint64
	Compactions, TrivialMoves             uint64
	CompactBytesRead, CompactBytesWritten uint64
	WALBytes, UserBytes                   uint64
	Stalls                                uint64
	StallSeconds                          float64
	BloomUseful, BloomPositive, BloomFP   uint64
	CacheHits, CacheMisses                uint64
	CacheUsage                            int64
	TablesProbed, Gets                    uint64
	LevelFiles                            [numLevels]int
	LevelBytes                            [numLevels]uint64
	Memtables                             int
}

// WriteAmp is the bytes written to tables (flushes and compactions) per
// byte flushed from memtables: 1 means every byte was written once.
func (s Stats) WriteAmp() float64 {
	if s.FlushBytes == 0 {
		return 0
	}
	return float64(s.FlushBytes+s.CompactBytesWritten) / float64(s.FlushBytes)
}

// ReadAmp is the number of sorted runs a read may have to consult now:
// memtables, each L0 table, and each non-empty lower level.
func (s Stats) ReadAmp() int {
	n := s.Memtables + s.LevelFiles[0]
	for l := 1; l < numLevels; l++ {
		if s.LevelFiles[l] > 0 {
			n++
		}
	}
	return n
}

// CacheHitRatio is hits / (hits + misses), 0 before any lookup.
func (s Stats) CacheHitRatio() float64 {
	if s.CacheHits+s.CacheMisses == 0 {
		return 0
	}
	return float64(s.CacheHits) / float64(s.CacheHits+s.CacheMisses)
}

// DiskBytes is the size of all live tables.
func (s Stats) DiskBytes() uint64 {
	var n uint64
	for _, b := range s.LevelBytes {
		n += b
	}
	return n
}

// Stats returns the current counters.
func (d *DB) Stats() Stats {
	s := Stats{
		Flushes: d.m.flushes.Load(), FlushBytes: d.m.flushBytes.Load(),
		Compactions: d.m.compactions.Load(), TrivialMoves: d.m.trivialMoves.Load(),
		CompactBytesRead: d.m.compactBytesRead.Load(), CompactBytesWritten: d.m.compactBytesWritten.Load(),
		WALBytes: d.m.walBytes.Load(), UserBytes: d.m.bytesWritten.Load(),
		Stalls: d.m.stalls.Load(), StallSeconds: float64(d.m.stallNanos.Load()) / 1e9,
		BloomUseful: d.rs.bloomUseful.Load(), BloomPositive: d.rs.bloomPositive.Load(), BloomFP: d.rs.bloomFalsePos.Load(),
		CacheHits: d.cache.hits.Load(), CacheMisses: d.cache.misses.Load(), CacheUsage: d.cache.usage(),
		TablesProbed: d.rs.tablesProbed.Load(), Gets: d.m.gets.Load(),
	}
	d.mu.Lock()
	v := d.current
	s.Memtables = 1 + len(d.imm)
	if v != nil {
		for l := range v.levels {
			s.LevelFiles[l] = len(v.levels[l])
			s.LevelBytes[l] = v.levelSize(l)
		}
	}
	d.mu.Unlock()
	return s
}

// Metrics implements engine.Engine.
func (d *DB) Metrics() engine.Metrics {
	s := d.Stats()
	m := engine.Metrics{
		Backend:         "lsm",
		Gets:            d.m.gets.Load(),
		BatchesApplied:  d.m.batches.Load(),
		SyncedBatches:   d.m.syncedBatches.Load(),
		KeysPut:         d.m.keysPut.Load(),
		KeysDeleted:     d.m.keysDeleted.Load(),
		BytesWritten:    d.m.bytesWritten.Load(),
		IteratorsOpened: d.m.iterators.Load(),
	}
	add := func(name, help string, v float64) {
		m.Details = append(m.Details, engine.Counter{Name: name, Help: help, Value: v})
	}
	add("lsm_write_amplification", "bytes written to tables per byte flushed from memtables", s.WriteAmp())
	add("lsm_read_amplification", "sorted runs a read may consult (memtables, L0 tables, non-empty levels)", float64(s.ReadAmp()))
	readsPerGet := 0.0
	if s.Gets > 0 {
		readsPerGet = float64(s.TablesProbed) / float64(s.Gets)
	}
	add("lsm_tables_probed_per_get", "tables consulted per Get, on average", readsPerGet)
	add("lsm_wal_bytes_total", "bytes of batches appended to the WAL", float64(s.WALBytes))
	add("lsm_flushes_total", "memtables flushed", float64(s.Flushes))
	add("lsm_flush_bytes_total", "bytes of tables written by flushes", float64(s.FlushBytes))
	add("lsm_compactions_total", "compactions that rewrote tables", float64(s.Compactions))
	add("lsm_trivial_moves_total", "tables moved down a level without rewriting", float64(s.TrivialMoves))
	add("lsm_compaction_read_bytes_total", "bytes of input tables compacted", float64(s.CompactBytesRead))
	add("lsm_compaction_write_bytes_total", "bytes of tables written by compactions", float64(s.CompactBytesWritten))
	add("lsm_write_stalls_total", "writes that waited for a flush or compaction", float64(s.Stalls))
	add("lsm_write_stall_seconds_total", "time writers spent stalled", s.StallSeconds)
	add("lsm_bloom_useful_total", "table probes a bloom filter ruled out", float64(s.BloomUseful))
	add("lsm_bloom_false_positives_total", "table probes a bloom filter let through for a key the table lacks", float64(s.BloomFP))
	add("lsm_block_cache_hits_total", "block cache hits", float64(s.CacheHits))
	add("lsm_block_cache_misses_total", "block cache misses", float64(s.CacheMisses))
	add("lsm_block_cache_hit_ratio", "hits / lookups of the block cache", s.CacheHitRatio())
	add("lsm_block_cache_bytes", "bytes charged to the block cache", float64(s.CacheUsage))
	add("lsm_memtables", "memtables, the mutable one included", float64(s.Memtables))
	for l := 0; l < numLevels; l++ {
		add(fmt.Sprintf("lsm_level_%d_files", l), fmt.Sprintf("tables in L%d", l), float64(s.LevelFiles[l]))
		add(fmt.Sprintf("lsm_level_%d_bytes", l), fmt.Sprintf("bytes of tables in L%d", l), float64(s.LevelBytes[l]))
	}
	return m
}
