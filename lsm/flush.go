package lsm

import (
	"bytes"
	"fmt"
	"path/filepath"

	"github.com/aegisdb/aegis/vfs"
	"github.com/aegisdb/aegis/wal"
)

// flushLoop writes frozen memtables to L0 tables, oldest first, one at a
// time: WAL replay relies on the tables covering a prefix of the log.
func (d *DB) flushLoop() {
	defer d.wg.Done()
	for {
		d.mu.Lock()
		for len(d.imm) == 0 && !d.stopping && d.bgErr == nil {
			d.cond.Wait()
		}
		if d.bgErr != nil || d.stopping {
			d.mu.Unlock()
			return
		}
		m := d.imm[0]
		d.mu.Unlock()

		err := d.flushMemtable(m)
		if err != nil {
			d.setBgErr(fmt.Errorf("lsm: flush: %w", err))
			return
		}
	}
}

// flushMemtable writes m as one L0 table and installs it, removing m from
// the frozen list in the same step.
func (d *DB) flushMemtable(m *memtable) error {
	if d.wal != nil {
		// The manifest will say the log is in tables up to m.lastLSN; the
		// log must not lose those records to a crash and hand their LSNs
		// out again.
		if err := d.wal.SyncTo(wal.LSN(m.lastLSN)); err != nil {
			return fmt.Errorf("sync WAL to %d: %w", m.lastLSN, err)
		}
	}
	out := &tableOutput{d: d}
	if err := writeTables(&memIter{m: m}, out, nil, nil); err != nil {
		out.abort()
		return err
	}
	e := &versionEdit{}
	for _, f := range out.files {
		e.added = append(e.added, addedFile{0, f})
	}
	e.setLastSeq(out.maxSeq)
	if d.wal != nil {
		e.setLogLSN(m.lastLSN)
	}
	if err := d.logAndApplyWith(e, func() {
		d.imm = d.imm[1:]
		close(m.flushed)
	}); err != nil {
		abortUnlessLogged(out, err)
		return err
	}
	d.m.flushes.Add(1)
	d.m.flushBytes.Add(out.bytes)
	if d.wal != nil {
		// Best effort: a failure leaves old segments that the next
		// recovery skips.
		d.wal.TruncateBefore(wal.LSN(m.lastLSN + 1))
	}
	return nil
}

// tableOutput writes the output of a flush or compaction: one table, or
// a new table each time the current one reaches the split size.
type tableOutput struct {
	d         *DB
	splitSize uint64 // 0: never split
	f         vfs.File
	w         *tableWriter
	num       uint64
	smallest  ikey
	largest   ikey
	files     []*fileMeta
	maxSeq    uint64
	bytes     uint64
}

func (o *tableOutput) add(k ikey, value []byte) error {
	if o.w == nil {
		o.num = o.d.allocFile()
		name := tableName(o.num)
		f, err := o.d.fs.Create(filepath.Join(o.d.dir, name))
		if err != nil {
			return fmt.Errorf("create %s: %w", name, err)
		}
		w, err := newTableWriter(f, name, &o.d.opts)
		if err != nil {
			f.Close()
			return err
		}
		o.f, o.w = f, w
		o.smallest = cloneIkey(k)
	}
	o.largest = ikey{ukey: append(o.largest.ukey[:0], k.ukey...), trailer: k.trailer}
	o.maxSeq = max(o.maxSeq, k.seq())
	if err := o.w.add(k, value); err != nil {
		return err
	}
	if o.splitSize > 0 && o.w.estimatedSize() >= o.splitSize {
		return o.finishFile()
	}
	return nil
}

// finishFile completes the open table, if any, and syncs it.
func (o *tableOutput) finishFile() error {
	if o.w == nil {
		return nil
	}
	w, f := o.w, o.f
	o.w, o.f = nil, nil
	size, err := w.finish()
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close %s: %w", w.name, cerr)
	}
	o.files = append(o.files, &fileMeta{num: o.num, size: size, smallest: o.smallest, largest: cloneIkey(o.largest)})
	o.bytes += size
	return err
}

// finish completes the last table and syncs the directory, so that the
// tables exist after a crash before the manifest names them.
func (o *tableOutput) finish() error {
	if err := o.finishFile(); err != nil {
		return err
	}
	if len(o.files) > 0 {
		if err := o.d.fs.SyncDir(o.d.dir); err != nil {
			return fmt.Errorf("sync dir %s: %w", o.d.dir, err)
		}
	}
	return nil
}

// abort removes every table the output created. None is in a version.
func (o *tableOutput) abort() {
	if o.f != nil {
		o.f.Close()
		o.files = append(o.files, &fileMeta{num: o.num})
	}
	for _, f := range o.files {
		o.d.fs.Remove(filepath.Join(o.d.dir, tableName(f.num)))
	}
	o.files = nil
}

// writeTables copies the newest version of each user key of it to out,
// skipping the entries drop (if not nil) says to drop.
func writeTables(it internalIterator, out *tableOutput, drop func(k ikey) bool, stop func() bool) error {
	var last []byte
	first := true
	n := 0
	for ok := it.First(); ok; ok = it.Next() {
		k := it.Key()
		if !first && bytes.Equal(k.ukey, last) {
			continue // an older version: no snapshot can need it
		}
		last = append(last[:0], k.ukey...)
		first = false
		if drop != nil && drop(k) {
			continue
		}
		if err := out.add(k, it.Value()); err != nil {
			return err
		}
		if n++; n%1024 == 0 && stop != nil && stop() {
			return errStopped
		}
	}
	if err := it.Err(); err != nil {
		return err
	}
	return out.finish()
}
