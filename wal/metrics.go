package wal

// Metrics are the Log's counters since Open. Counters only grow, so two
// snapshots can be subtracted to get the activity between them.
type Metrics struct {
	Records       uint64 // records appended
	Bytes         uint64 // framed bytes appended (headers included)
	Writes        uint64 // write calls on segment files
	Syncs         uint64 // fsyncs of segment files
	SyncedRecords uint64 // records made durable, summed over all syncs
	// GroupCommits counts the syncs that made more than one record durable:
	// each is a batch of commits that shared one fsync.
	GroupCommits    uint64
	MaxSyncBatch    uint64 // most records made durable by one sync
	SegmentsCreated uint64 // segments created (Open's first one included)
	SegmentsRemoved uint64 // segments deleted by TruncateBefore
	Segments        int    // segments on disk now
}

// RecordsPerSync is the average number of records each fsync made durable:
// 1 without group commit, up to the number of concurrent writers with it.
func (m Metrics) RecordsPerSync() float64 {
	if m.Syncs == 0 {
		return 0
	}
	return float64(m.SyncedRecords) / float64(m.Syncs)
}

// Metrics returns a snapshot of the counters.
func (l *Log) Metrics() Metrics {
	l.mu.Lock()
	defer l.mu.Unlock()
	m := l.metrics
	m.Segments = len(l.segments)
	return m
}

// noteSync records a sync that moved the durable LSN from old to upTo.
func (m *Metrics) noteSync(old, upTo LSN) {
	n := uint64(upTo - old)
	m.Syncs++
	m.SyncedRecords += n
	if n > 1 {
		m.GroupCommits++
	}
	m.MaxSyncBatch = max(m.MaxSyncBatch, n)
}
