package mvcc

import (
	"bytes"
)

// keyRange is a scanned range of user keys, [lower, upper); nil bounds are
// open.
type keyRange struct{ lower, upper []byte }

func (r keyRange) contains(key []byte) bool {
	return (r.lower == nil || bytes.Compare(key, r.lower) >= 0) &&
		(r.upper == nil || bytes.Compare(key, r.upper) < 0)
}

// commitLog keeps the write sets of recent commits for serializable
// read-set validation: a commit needs to know which keys were written
// after its read timestamp, including keys it never saw (phantoms in a
// scanned range), which the versioned keys alone cannot tell cheaply.
//
// It is pruned at each commit to the commits newer than the low watermark,
// and emptied by the first commit made while no serializable read-write
// transaction is active, so it stays small.
type commitLog struct {
	entries []logEntry // ascending commitTS
}

type logEntry struct {
	commitTS uint64
	keys     [][]byte // the user keys written, sorted
}

// add records t's write set at ts if any serializable transaction may need
// it, and drops entries no active snapshot is older than.
func (l *commitLog) add(t *Txn, ts uint64, needed bool, watermark uint64) {
	drop := 0
	for drop < len(l.entries) && l.entries[drop].commitTS <= watermark {
		drop++
	}
	l.entries = append(l.entries[:0], l.entries[drop:]...)
	if !needed {
		l.entries = l.entries[:0]
		return
	}
	keys := make([][]byte, 0, t.writes.Len())
	t.writes.Ascend(func(w write) bool {
		keys = append(keys, w.key)
		return true
	})
	l.entries = append(l.entries, logEntry{commitTS: ts, keys: keys})
}

// validate fails if a commit after t's read timestamp wrote a key that t
// read or that lies in a range t scanned. The log is complete for t: every
// commit after t began was logged, because t counted as an active
// serializable transaction when it was made.
func (l *commitLog) validate(t *Txn) error {
	for i := len(l.entries) - 1; i >= 0 && l.entries[i].commitTS > t.readTS; i-- {
		e := l.entries[i]
		for _, k := range e.keys {
			if t.readSetHas(k) {
				return &ConflictError{Kind: ReadWrite, Key: bytes.Clone(k), ReadTS: t.readTS, CommitTS: e.commitTS}
			}
		}
	}
	return nil
}

func (t *Txn) readSetHas(key []byte) bool {
	if _, ok := t.reads[string(key)]; ok {
		return true
	}
	for _, r := range t.ranges {
		if r.contains(key) {
			return true
		}
	}
	return false
}

// recentWrites maps each key written by a recent commit to the timestamp
// of its last write, for the write-write check. Only commits newer than
// the low watermark matter (every active snapshot is at or above it), so
// older entries are swept out whenever the table has doubled since the
// last sweep, which keeps the cost amortized O(1) per write. After a
// restart the table starts empty, and correctly so: every transaction
// then reads at or after the recovered clock.
type recentWrites struct {
	last      map[string]uint64
	sweepSize int // sweep when the table reaches this size
}

const minSweepSize = 1024

func (r *recentWrites) lastWrite(key []byte) (uint64, bool) {
	ts, ok := r.last[string(key)]
	return ts, ok
}

func (r *recentWrites) add(t *Txn, ts, watermark uint64) {
	if r.last == nil {
		r.last = map[string]uint64{}
	}
	t.writes.Ascend(func(w write) bool {
		r.last[string(w.key)] = ts
		return true
	})
	if len(r.last) < max(r.sweepSize, minSweepSize) {
		return
	}
	for k, kts := range r.last {
		if kts <= watermark {
			delete(r.last, k)
		}
	}
	r.sweepSize = 2 * len(r.last)
}
