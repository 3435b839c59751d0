package wal

import "fmt"

// TruncateBefore deletes the segments all of whose records have LSN < lsn,
// typically after a checkpoint made them unnecessary. The active segment is
// never deleted, so some records below lsn may remain. It takes one
// directory sync per deleted segment; with large segments that is rare.
func (l *Log) TruncateBefore(lsn LSN) error {
	l.truncMu.Lock()
	defer l.truncMu.Unlock()

	l.mu.Lock()
	if l.err != nil {
		l.mu.Unlock()
		return l.err
	}
	var victims []segment
	for i := 0; i+1 < len(l.segments) && l.segments[i+1].first <= lsn; i++ {
		victims = append(victims, l.segments[i])
	}
	l.mu.Unlock()

	// Each removal is made durable before the next, so that a crash
	// leaves a suffix of the log, never one with a hole in it.
	removed := 0
	var err error
	for _, seg := range victims {
		if err = l.fs.Remove(l.path(seg.name)); err != nil {
			err = fmt.Errorf("wal: remove segment %s: %w", seg.name, err)
			break
		}
		removed++
		if err = l.fs.SyncDir(l.opts.Dir); err != nil {
			err = fmt.Errorf("wal: sync dir %s after removing %s: %w", l.opts.Dir, seg.name, err)
			break
		}
	}
	if removed > 0 {
		l.mu.Lock()
		// Only rolls changed l.segments meanwhile, and they append.
		l.segments = append([]segment(nil), l.segments[removed:]...)
		l.metrics.SegmentsRemoved += uint64(removed)
		l.mu.Unlock()
	}
	return err
}
