package btree

import "github.com/aegisdb/aegis/engine"

// Stats are the tree's own counters, beside the engine's common ones.
type Stats struct {
	PagesRead, PagesWritten uint64  // data file page reads and writes
	BufferHits, BufferMiss  uint64  // buffer pool fetches served from memory / from the file
	HitRatio                float64 // BufferHits / (hits + misses)
	WALBytes, WALSyncs      uint64  // log bytes appended (framing included), fsyncs of the log
	Splits, Merges          uint64  // page splits; merges of two siblings into one
	Redistributions         uint64  // underfull pages refilled from a sibling
	Height                  int     // levels, counting the leaves (1 for a lone root leaf)
	Pages, FreePages        int     // pages in the file (header and meta included); pages on the free list
	Keys                    uint64
	Checkpoints             uint64
	RecoveredBatches        uint64 // batches replayed by the last Open
}

// Stats returns the tree's counters.
func (db *DB) Stats() Stats {
	pm := db.pool.Metrics()
	lm := db.log.Metrics()
	db.treeMu.RLock()
	m := db.meta
	s := Stats{
		Splits: db.w.splits, Merges: db.w.merges, Redistributions: db.w.redistributions,
	}
	db.treeMu.RUnlock()
	s.PagesRead, s.PagesWritten = pm.Reads, pm.DirtyWrites
	s.BufferHits, s.BufferMiss, s.HitRatio = pm.Hits, pm.Misses, pm.HitRatio()
	s.WALBytes, s.WALSyncs = lm.Bytes, lm.Syncs
	s.Height, s.Pages, s.FreePages, s.Keys = m.height+1, int(m.numPages), m.freeCount, m.keys
	s.Checkpoints, s.RecoveredBatches = db.checkpoints.Load(), db.recoveredBatches.Load()
	return s
}

// Metrics implements engine.Engine.
func (db *DB) Metrics() engine.Metrics {
	s := db.Stats()
	return engine.Metrics{
		Backend:         "btree",
		Gets:            db.gets.Load(),
		BatchesApplied:  db.batches.Load(),
		SyncedBatches:   db.synced.Load(),
		KeysPut:         db.puts.Load(),
		KeysDeleted:     db.deletes.Load(),
		BytesWritten:    db.bytesWritten.Load(),
		IteratorsOpened: db.iterators.Load(),
		Details: []engine.Counter{
			{Name: "btree_pages_read_total", Help: "Pages read from the data file.", Value: float64(s.PagesRead)},
			{Name: "btree_pages_written_total", Help: "Pages written to the data file.", Value: float64(s.PagesWritten)},
			{Name: "btree_buffer_hits_total", Help: "Page fetches served by the buffer pool.", Value: float64(s.BufferHits)},
			{Name: "btree_buffer_misses_total", Help: "Page fetches that read the data file.", Value: float64(s.BufferMiss)},
			{Name: "btree_buffer_hit_ratio", Help: "Buffer pool hits over fetches.", Value: s.HitRatio},
			{Name: "btree_wal_bytes_total", Help: "Bytes appended to the write-ahead log.", Value: float64(s.WALBytes)},
			{Name: "btree_wal_syncs_total", Help: "Fsyncs of the write-ahead log.", Value: float64(s.WALSyncs)},
			{Name: "btree_splits_total", Help: "Page splits.", Value: float64(s.Splits)},
			{Name: "btree_merges_total", Help: "Sibling pages merged into one.", Value: float64(s.Merges)},
			{Name: "btree_redistributions_total", Help: "Underfull pages refilled from a sibling.", Value: float64(s.Redistributions)},
			{Name: "btree_height", Help: "Tree height in levels, leaves included.", Value: float64(s.Height)},
			{Name: "btree_pages", Help: "Pages in the data file.", Value: float64(s.Pages)},
			{Name: "btree_free_pages", Help: "Pages on the free list.", Value: float64(s.FreePages)},
			{Name: "btree_keys", Help: "Keys stored.", Value: float64(s.Keys)},
			{Name: "btree_checkpoints_total", Help: "Checkpoints completed.", Value: float64(s.Checkpoints)},
			{Name: "btree_recovered_batches", Help: "Batches replayed from the log by the last open.", Value: float64(s.RecoveredBatches)},
		},
	}
}
