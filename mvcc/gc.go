package mvcc

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/aegisdb/aegis/engine"
)

// gcCursor is where the next GC pass resumes, so that a cycle over a large
// keyspace is split into bounded passes.
type gcCursor struct {
	next []byte // engine key to resume at; nil starts a new cycle
	// The user key being examined when the last pass stopped, and whether
	// its version visible at the watermark was already met (everything
	// older than that is garbage).
	prefix      []byte
	seenVisible bool
	// pending is a tombstone visible at the watermark, kept until the walk
	// has passed every older version of its key (see GC).
	pending []byte
}

func (c *gcCursor) reset() {
	c.next, c.prefix, c.seenVisible, c.pending = nil, c.prefix[:0], false, nil
}

// GCStats describe one pass.
type GCStats struct {
	Watermark uint64 // versions shadowed at or below this were collectable
	Examined  int    // versions looked at
	Collected int    // versions and tombstones deleted
	// CycleDone is true when the pass reached the end of the keyspace; the
	// next pass starts over from the first key.
	CycleDone bool
}

// GC runs one bounded pass of garbage collection, examining at most
// maxVersions versions from where the previous pass stopped (0 means
// Options.GCBatchLimit). It deletes every version that no snapshot at or
// above the low watermark can see: versions older than the one visible at
// the watermark, and that one too if it is a tombstone.
//
// A snapshot at readTS >= watermark sees, for each key, either a version
// newer than the watermark (never touched) or the version visible at the
// watermark, so deleting what lies below changes no read. A tombstone
// visible at the watermark reads the same as no version at all.
func (db *DB) GC(maxVersions int) (GCStats, error) {
	if maxVersions <= 0 {
		maxVersions = db.opts.GCBatchLimit
	}
	db.gcMu.Lock()
	defer db.gcMu.Unlock()

	// Raise the horizon before deleting anything, under activeMu, so that
	// no transaction can begin below the watermark from now on.
	db.activeMu.Lock()
	if db.closed {
		db.activeMu.Unlock()
		return GCStats{}, ErrClosed
	}
	wm := db.watermarkLocked()
	db.horizon = max(db.horizon, wm)
	horizon := db.horizon
	db.activeMu.Unlock()

	st, err := db.gcPass(wm, horizon, maxVersions)
	if err != nil {
		// The cursor may describe a batch that was never applied; start
		// the next pass on a fresh cycle rather than trust it.
		db.gcState.reset()
		return st, err
	}
	db.m.gcPasses.Add(1)
	if st.CycleDone {
		db.m.gcCycles.Add(1)
	}
	db.m.versionsCollected.Add(uint64(st.Collected))
	return st, nil
}

func (db *DB) gcPass(wm, horizon uint64, maxVersions int) (GCStats, error) {
	st := GCStats{Watermark: wm}
	c := &db.gcState
	it := db.eng.NewIterator(engine.IterOptions{LowerBound: dataStart})
	defer it.Close()
	var ok bool
	if c.next == nil {
		ok = it.First()
		c.reset()
	} else {
		ok = it.SeekGE(c.next)
	}
	b := engine.NewBatch()
	carried := c.pending != nil
	// A tombstone visible at the watermark may go only once every older
	// version of its key is gone (in an earlier pass or in this batch):
	// deleted first, it would uncover them. c.pending holds it until the
	// walk has passed the key's last version, across passes if need be; no
	// older version can appear meanwhile, since new ones are newer than wm.
	flushPending := func() {
		if c.pending != nil {
			b.Delete(c.pending)
			st.Collected++
			c.pending = nil
		}
	}
	for ; ok && st.Examined < maxVersions; ok = it.Next() {
		st.Examined++
		prefix, ts, err := splitVersionKey(it.Key())
		if err != nil {
			return st, err
		}
		if !bytes.Equal(prefix, c.prefix) {
			flushPending()
			c.prefix = append(c.prefix[:0], prefix...)
			c.seenVisible = false
		}
		if ts > wm {
			continue // a snapshot above the watermark may read it
		}
		if !c.seenVisible {
			c.seenVisible = true
			_, tombstone, err := decodeValue(it.Key(), it.Value())
			if err != nil {
				return st, err
			}
			if tombstone {
				c.pending = bytes.Clone(it.Key())
			}
			continue // the version the watermark snapshot reads: keep
		}
		b.Delete(it.Key())
		st.Collected++
	}
	if !ok || !bytes.HasPrefix(it.Key(), c.prefix) {
		flushPending() // the walk is past the key's last version
	}
	if err := it.Err(); err != nil {
		return st, fmt.Errorf("mvcc: gc: %w", err)
	}
	if ok {
		c.next = append(c.next[:0], it.Key()...)
	} else {
		c.next = nil
		st.CycleDone = true
	}
	if carried && c.pending == nil {
		// The tombstone's older versions went in an earlier, unsynced GC
		// batch. The engine promises atomic batches, not that a crash
		// keeps them in order, so make that one durable before this one.
		if err := db.eng.Flush(); err != nil {
			return st, fmt.Errorf("mvcc: gc: flushing before a tombstone delete: %w", err)
		}
	}
	if st.Collected > 0 {
		// The horizon goes in the same batch: if a crash loses the
		// deletes, it loses the horizon with them. No sync: a lost GC
		// batch is simply redone.
		b.Put(horizonKey, encodeUint64(horizon))
		if err := db.eng.Apply(b, engine.WriteOptions{}); err != nil {
			return st, fmt.Errorf("mvcc: gc: applying %d deletes: %w", st.Collected, err)
		}
	}
	return st, nil
}

// GCCycle runs passes until one reaches the end of the keyspace, and
// returns the number of versions collected.
func (db *DB) GCCycle() (int, error) {
	total := 0
	for {
		st, err := db.GC(0)
		total += st.Collected
		if err != nil || st.CycleDone {
			return total, err
		}
	}
}

// runGC is the background collector: one cycle every GCInterval, each in
// bounded passes, checking for Close between passes.
func (db *DB) runGC() {
	defer close(db.gcDone)
	for {
		select {
		case <-db.stopGC:
			return
		case <-time.After(db.opts.GCInterval):
		}
		for {
			st, err := db.GC(0)
			if errors.Is(err, ErrClosed) {
				return
			}
			if err != nil {
				db.m.gcErrors.Add(1)
				break
			}
			if st.CycleDone {
				break
			}
			select {
			case <-db.stopGC:
				return
			default:
			}
		}
	}
}
