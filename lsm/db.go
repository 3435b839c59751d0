package lsm

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aegisdb/aegis/engine"
	"github.com/aegisdb/aegis/vfs"
	"github.com/aegisdb/aegis/wal"
)

// DB is an LSM-tree key-value store. It implements engine.Engine.
type DB struct {
	opts  Options
	fs    vfs.FS
	dir   string
	lock  io.Closer
	cache *blockCache
	rs    readStats

	tables tableCache

	// writeMu serializes writers: sequence numbers, the WAL append and the
	// memtable insert of one batch happen under it, as does rotation.
	writeMu sync.Mutex
	lastSeq uint64 // guarded by writeMu
	walBuf  []byte // guarded by writeMu

	// visibleSeq is the last seqnum of the last whole batch in the
	// memtable; readers see entries up to it, so never half a batch.
	visibleSeq atomic.Uint64

	// mu guards the read state (mem, imm, current) and the background
	// coordination fields; cond is broadcast on every change to them.
	mu         sync.Mutex
	cond       *sync.Cond
	mem        *memtable
	imm        []*memtable // frozen, oldest first; replaced, never mutated
	current    *version
	bgErr      error
	stopping   bool
	compacting bool

	// manifestMu serializes version changes (flush and compaction).
	manifestMu sync.Mutex
	manifest   *manifestWriter
	// manifestErr is sticky: after a failed append the manifest may end in
	// a torn record, and nothing may be written after it.
	manifestErr error
	nextFile    atomic.Uint64

	wal *wal.Log // nil with DisableWAL

	closed   atomic.Bool
	stopFlag atomic.Bool // read by running compactions
	wg       sync.WaitGroup

	compactPtr [numLevels][]byte // compactor goroutine only

	m dbMetrics
}

// Open opens (creating if needed) the store in opts.Dir, recovering from
// the manifest and the WAL.
func Open(opts Options) (db *DB, err error) {
	opts, err = opts.withDefaults()
	if err != nil {
		return nil, err
	}
	d := &DB{opts: opts, fs: opts.FS, dir: opts.Dir, cache: newBlockCache(opts.CacheSize)}
	d.cond = sync.NewCond(&d.mu)
	d.tables = tableCache{fs: d.fs, dir: d.dir, cache: d.cache, stats: &d.rs, m: map[uint64]*tableReader{}}
	if err := d.fs.MkdirAll(d.dir); err != nil {
		return nil, fmt.Errorf("lsm: create %s: %w", d.dir, err)
	}
	if d.lock, err = d.fs.Lock(filepath.Join(d.dir, "LOCK")); err != nil {
		return nil, fmt.Errorf("lsm: lock %s: %w", d.dir, err)
	}
	defer func() {
		if err != nil {
			d.releaseResources()
		}
	}()
	if err := d.recover(); err != nil {
		return nil, err
	}
	d.wg.Add(2)
	go d.flushLoop()
	go d.compactLoop()
	return d, nil
}

// recover loads the manifest, replays the WAL and starts a new manifest.
func (d *DB) recover() error {
	st := &recoveredState{v: &version{}, nextFile: 1}
	cur, err := readCurrent(d.fs, d.dir)
	if err != nil {
		return err
	}
	if cur != "" {
		if st, err = readManifest(d.fs, d.dir, cur); err != nil {
			return err
		}
	}
	names, err := d.fs.List(d.dir)
	if err != nil {
		return fmt.Errorf("lsm: list %s: %w", d.dir, err)
	}
	next := st.nextFile
	for _, n := range names {
		if num, ok := parseTableName(n); ok {
			next = max(next, num+1)
		} else if num, ok := parseManifestName(n); ok {
			next = max(next, num+1)
		}
	}
	d.nextFile.Store(next)
	d.lastSeq = st.lastSeq
	d.mem = newMemtable(d.opts.MemtableSize)

	// Every file of the version must be there and open.
	for _, fs := range st.v.levels {
		for _, f := range fs {
			if _, err := d.tables.get(f.num); err != nil {
				return fmt.Errorf("lsm: manifest %s lists table %06d: %w", cur, f.num, err)
			}
		}
	}

	if !d.opts.DisableWAL {
		if err := d.replayWAL(st.logLSN); err != nil {
			return err
		}
	}
	d.visibleSeq.Store(d.lastSeq)

	num := d.allocFile()
	w, err := createManifest(d.fs, d.dir, num, snapshotEdit(st.v, st.logLSN, d.nextFile.Load(), st.lastSeq))
	if err != nil {
		return err
	}
	d.manifest = w
	d.install(st.v)

	// Remove what the live version does not name: tables of unfinished
	// flushes and compactions, older manifests.
	live := map[uint64]bool{}
	for _, fs := range st.v.levels {
		for _, f := range fs {
			live[f.num] = true
		}
	}
	removed := false
	for _, n := range names {
		tnum, isTable := parseTableName(n)
		mnum, isManifest := parseManifestName(n)
		if (isTable && !live[tnum]) || (isManifest && mnum != num) || n == currentName+".tmp" {
			// Best effort: a leftover is removed next time.
			if d.fs.Remove(filepath.Join(d.dir, n)) == nil {
				removed = true
			}
		}
	}
	if removed {
		// Make the removals durable, or every crash would bring the
		// files back and each recovery would have more to remove.
		d.fs.SyncDir(d.dir)
	}
	return nil
}

// replayWAL opens the log and applies the records after logLSN.
func (d *DB) replayWAL(logLSN uint64) error {
	l, err := wal.Open(wal.Options{FS: d.fs, Dir: filepath.Join(d.dir, "wal"), SegmentSize: walSegmentSize(d.opts.MemtableSize), Sync: wal.SyncNever})
	if err != nil {
		return fmt.Errorf("lsm: open WAL: %w", err)
	}
	d.wal = l
	rec := l.Recovery()
	from := max(wal.LSN(logLSN+1), rec.FirstLSN)
	if from > l.LastLSN() {
		return nil
	}
	r, err := l.NewReader(from)
	if err != nil {
		return fmt.Errorf("lsm: read WAL from %d: %w", from, err)
	}
	defer r.Close()
	for {
		lsn, payload, err := r.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("lsm: replay WAL: %w", err)
		}
		if len(payload) < 8 {
			return corruptf("wal", -1, "record %d of %d bytes has no sequence number", lsn, len(payload))
		}
		seq := binary.LittleEndian.Uint64(payload)
		b, err := engine.DecodeBatch(payload[8:])
		if err != nil {
			return corruptf("wal", -1, "record %d: %v", lsn, err)
		}
		d.insertBatch(d.mem, seq, b)
		d.mem.lastLSN = uint64(lsn)
		d.lastSeq = max(d.lastSeq, seq+uint64(b.Count())-1)
		if d.mem.size.Load() >= d.opts.MemtableSize {
			d.imm = append(d.imm, d.mem)
			d.mem = newMemtable(d.opts.MemtableSize)
		}
	}
}

// walSegmentSize keeps WAL segments small next to the memtable, so that
// after a flush little more than one segment of already-flushed records
// stays on disk (segments are removed whole).
func walSegmentSize(memtable int64) int64 { return min(max(memtable/8, 256<<10), 4<<20) }

func (d *DB) allocFile() uint64 { return d.nextFile.Add(1) - 1 }

// insertBatch adds a batch's operations with consecutive seqnums.
func (d *DB) insertBatch(m *memtable, seq uint64, b *engine.Batch) {
	b.ForEach(func(op engine.OpKind, key, value []byte) error {
		k := kindSet
		if op == engine.OpDelete {
			k = kindDelete
		}
		m.add(seq, k, key, value)
		seq++
		return nil
	})
}

// install makes v the current version, taking references on its files.
func (d *DB) install(v *version) { d.installWith(v, nil) }

// installWith is install that also runs fn under d.mu, so that fn's
// change to the read state and the new version appear together.
func (d *DB) installWith(v *version, fn func()) {
	for _, fs := range v.levels {
		for _, f := range fs {
			f.refs.Add(1)
		}
	}
	v.release = d.releaseVersion
	v.refs.Store(1)
	d.mu.Lock()
	old := d.current
	d.current = v
	if fn != nil {
		fn()
	}
	d.cond.Broadcast()
	d.mu.Unlock()
	if old != nil {
		old.unref()
	}
}

// releaseVersion drops a dead version's file references and deletes the
// files no version holds any more.
func (d *DB) releaseVersion(v *version) {
	for _, fs := range v.levels {
		for _, f := range fs {
			if f.refs.Add(-1) == 0 {
				d.tables.evict(f.num)
				d.cache.evictFile(f.num)
				if err := d.fs.Remove(filepath.Join(d.dir, tableName(f.num))); err == nil {
					d.m.filesDeleted.Add(1)
				}
			}
		}
	}
}

// manifestWriteError is a failed manifest append, after which the
// manifest's content is unknown.
type manifestWriteError struct{ err error }

func (e *manifestWriteError) Error() string { return "manifest write: " + e.err.Error() }
func (e *manifestWriteError) Unwrap() error { return e.err }

// abortUnlessLogged removes the tables of a failed flush or compaction,
// except when the failure was the manifest write that may name them.
func abortUnlessLogged(out *tableOutput, err error) {
	var mw *manifestWriteError
	if !errors.As(err, &mw) {
		out.abort()
	}
}

// logAndApply writes an edit to the manifest and installs the version it
// makes. The edit is durable before anyone sees the version.
func (d *DB) logAndApply(e *versionEdit) error { return d.logAndApplyWith(e, nil) }

// logAndApplyWith is logAndApply that runs fn with the install.
func (d *DB) logAndApplyWith(e *versionEdit, fn func()) error {
	d.manifestMu.Lock()
	defer d.manifestMu.Unlock()
	d.mu.Lock()
	cur := d.current
	d.mu.Unlock()
	if d.manifestErr != nil {
		return d.manifestErr
	}
	nv, err := cur.apply(e)
	if err != nil {
		return err
	}
	e.setNextFile(d.nextFile.Load())
	if err := d.manifest.append(e); err != nil {
		// The record may be on disk in part or whole, and a crash may keep
		// it: the tables it names must stay, orphans or not, until a
		// recovery reads the manifest and removes what no version lists.
		err = &manifestWriteError{err: err}
		d.manifestErr = err
		return err
	}
	d.installWith(nv, fn)
	return nil
}

// readState returns what a read needs: the memtables and a referenced
// version. Load the snapshot seqnum after calling it: every entry in the
// version is then at or below the snapshot (a memtable is flushed only
// once all of it is visible), so a compaction that dropped an older
// version of a key can never leave a reader with only a newer version it
// may not see. Memtables keep every version.
func (d *DB) readState() (*memtable, []*memtable, *version) {
	d.mu.Lock()
	mem, imm, v := d.mem, d.imm, d.current
	v.ref()
	d.mu.Unlock()
	return mem, imm, v
}

func (d *DB) setBgErr(err error) {
	d.mu.Lock()
	if d.bgErr == nil {
		d.bgErr = err
	}
	d.cond.Broadcast()
	d.mu.Unlock()
}

func (d *DB) backgroundErr() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.bgErr
}

// Apply implements engine.Engine.
func (d *DB) Apply(b *engine.Batch, opts engine.WriteOptions) error {
	if d.closed.Load() {
		return ErrClosed
	}
	var keys, dels, bytes uint64
	err := b.ForEach(func(op engine.OpKind, key, value []byte) error {
		if len(key) > MaxKeySize {
			return fmt.Errorf("lsm: key of %d bytes, limit %d: %w", len(key), MaxKeySize, engine.ErrKeyTooLarge)
		}
		if len(value) > MaxValueSize {
			return fmt.Errorf("lsm: value of %d bytes, limit %d: %w", len(value), MaxValueSize, engine.ErrValueTooLarge)
		}
		if op == engine.OpPut {
			keys++
		} else {
			dels++
		}
		bytes += uint64(len(key) + len(value))
		return nil
	})
	if err != nil {
		return err
	}
	d.writeMu.Lock()
	if d.closed.Load() {
		d.writeMu.Unlock()
		return ErrClosed
	}
	if err := d.backgroundErr(); err != nil {
		d.writeMu.Unlock()
		return fmt.Errorf("%w: %w", ErrBackground, err)
	}
	if b.Empty() {
		d.writeMu.Unlock()
		d.m.batches.Add(1)
		if opts.Sync {
			d.m.syncedBatches.Add(1)
			if d.wal != nil {
				if err := d.wal.Sync(); err != nil {
					d.setBgErr(err)
					return fmt.Errorf("lsm: sync WAL: %w", err)
				}
			}
		}
		return nil
	}
	if err := d.makeRoomForWrite(); err != nil {
		d.writeMu.Unlock()
		return err
	}
	seq := d.lastSeq + 1
	var lsn wal.LSN
	if d.wal != nil {
		d.walBuf = binary.LittleEndian.AppendUint64(d.walBuf[:0], seq)
		d.walBuf = append(d.walBuf, b.Repr()...)
		if lsn, err = d.wal.Append(d.walBuf); err != nil {
			d.writeMu.Unlock()
			d.setBgErr(err)
			return fmt.Errorf("lsm: append to WAL: %w", err)
		}
		d.m.walBytes.Add(uint64(len(d.walBuf)))
	}
	mem := d.mem
	d.insertBatch(mem, seq, b)
	mem.lastLSN = uint64(lsn)
	d.lastSeq = seq + uint64(b.Count()) - 1
	d.visibleSeq.Store(d.lastSeq)
	d.writeMu.Unlock()

	d.m.batches.Add(1)
	d.m.keysPut.Add(keys)
	d.m.keysDeleted.Add(dels)
	d.m.bytesWritten.Add(bytes)
	if opts.Sync {
		d.m.syncedBatches.Add(1)
		if d.wal != nil {
			if err := d.wal.SyncTo(lsn); err != nil {
				d.setBgErr(err)
				return fmt.Errorf("lsm: sync WAL: %w", err)
			}
		}
	}
	return nil
}

// makeRoomForWrite freezes a full memtable, stalling while too many are
// waiting for their flush or L0 has too many files. Called with writeMu.
func (d *DB) makeRoomForWrite() error {
	var stallStart time.Time
	defer func() {
		if !stallStart.IsZero() {
			d.m.stallNanos.Add(uint64(time.Since(stallStart)))
		}
	}()
	d.mu.Lock()
	defer d.mu.Unlock()
	for {
		if d.bgErr != nil {
			return fmt.Errorf("%w: %w", ErrBackground, d.bgErr)
		}
		full := d.mem.size.Load() >= d.opts.MemtableSize
		switch {
		case full && len(d.imm) >= d.opts.MaxImmutableMemtables,
			len(d.current.levels[0]) >= d.opts.L0StopWritesTrigger:
			if stallStart.IsZero() {
				stallStart = time.Now()
				d.m.stalls.Add(1)
			}
			d.cond.Wait()
		case full:
			d.rotateLocked()
			return nil
		default:
			return nil
		}
	}
}

// rotateLocked freezes the memtable. Called with writeMu and mu.
func (d *DB) rotateLocked() {
	imm := make([]*memtable, len(d.imm), len(d.imm)+1)
	copy(imm, d.imm)
	d.imm = append(imm, d.mem)
	d.mem = newMemtable(d.opts.MemtableSize)
	d.cond.Broadcast()
}

// Get implements engine.Engine.
func (d *DB) Get(key []byte) ([]byte, error) {
	if d.closed.Load() {
		return nil, ErrClosed
	}
	d.m.gets.Add(1)
	mem, imm, v := d.readState()
	defer v.unref()
	snap := d.visibleSeq.Load()
	h := bloomHash(key) // for every filter on the way
	if val, k, ok := mem.get(key, h, snap); ok {
		return found(val, k)
	}
	for i := len(imm) - 1; i >= 0; i-- {
		if val, k, ok := imm[i].get(key, h, snap); ok {
			return found(val, k)
		}
	}
	var (
		val []byte
		k   kind
		ok  bool
		err error
	)
	v.candidates(key, func(f *fileMeta) bool {
		var t *tableReader
		if t, err = d.table(f); err != nil {
			return false
		}
		val, k, ok, err = t.get(key, h, snap)
		return err == nil && !ok
	})
	if err != nil {
		return nil, err
	}
	if ok {
		return found(val, k)
	}
	return nil, engine.ErrNotFound
}

func found(val []byte, k kind) ([]byte, error) {
	if k == kindDelete {
		return nil, engine.ErrNotFound
	}
	return append([]byte{}, val...), nil
}

// Flush implements engine.Engine: it freezes the memtable and waits until
// every frozen memtable is in an installed table.
func (d *DB) Flush() error {
	if d.closed.Load() {
		return ErrClosed
	}
	return d.flushAndWait()
}

func (d *DB) flushAndWait() error {
	d.writeMu.Lock()
	d.mu.Lock()
	if !d.mem.empty() {
		d.rotateLocked()
	}
	var target *memtable
	if len(d.imm) > 0 {
		target = d.imm[len(d.imm)-1]
	}
	d.writeMu.Unlock()
	for d.bgErr == nil && target != nil && !isClosed(target.flushed) {
		d.cond.Wait()
	}
	err := d.bgErr
	d.mu.Unlock()
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBackground, err)
	}
	return nil
}

func isClosed(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// Close implements engine.Engine: it flushes the memtables, waits for the
// background goroutines and releases every file.
func (d *DB) Close() error {
	d.writeMu.Lock()
	if d.closed.Swap(true) {
		d.writeMu.Unlock()
		return ErrClosed
	}
	d.writeMu.Unlock()
	// With a WAL, closing the log syncs it and that makes every batch
	// durable; the memtables are replayed at the next Open. Without one,
	// the memtables must go to tables now.
	var err error
	if d.wal == nil {
		err = d.flushAndWait()
	}
	d.mu.Lock()
	d.stopping = true
	d.stopFlag.Store(true)
	d.cond.Broadcast()
	d.mu.Unlock()
	d.wg.Wait()
	if rerr := d.releaseResources(); err == nil {
		err = rerr
	}
	if bg := d.backgroundErr(); err == nil && bg != nil {
		err = fmt.Errorf("%w: %w", ErrBackground, bg)
	}
	return err
}

// releaseResources closes the WAL, the manifest, the tables and the lock.
func (d *DB) releaseResources() error {
	var first error
	keep := func(err error) {
		if err != nil && first == nil {
			first = err
		}
	}
	if d.wal != nil {
		keep(d.wal.Close())
	}
	if d.manifest != nil {
		keep(d.manifest.f.Close())
	}
	d.tables.closeAll()
	if d.lock != nil {
		keep(d.lock.Close())
	}
	return first
}

// table returns the open reader of a live table.
func (d *DB) table(f *fileMeta) (*tableReader, error) {
	if t := f.reader.Load(); t != nil {
		return t, nil
	}
	t, err := d.tables.get(f.num)
	if err != nil {
		return nil, err
	}
	f.reader.Store(t)
	return t, nil
}

// tableCache keeps open readers for the live tables.
type tableCache struct {
	fs    vfs.FS
	dir   string
	cache *blockCache
	stats *readStats
	mu    sync.Mutex
	m     map[uint64]*tableReader
}

func (c *tableCache) get(num uint64) (*tableReader, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t, ok := c.m[num]; ok {
		return t, nil
	}
	name := tableName(num)
	t, err := c.open(name, num)
	if err != nil && !errors.Is(err, ErrCorrupt) {
		t, err = c.open(name, num) // one retry, as for block reads
	}
	if err != nil {
		return nil, err
	}
	c.m[num] = t
	return t, nil
}

func (c *tableCache) open(name string, num uint64) (*tableReader, error) {
	f, err := c.fs.Open(filepath.Join(c.dir, name))
	if err != nil {
		return nil, fmt.Errorf("lsm: open table %s: %w", name, err)
	}
	t, err := openTable(f, name, num, c.cache, c.stats)
	if err != nil {
		f.Close()
		return nil, err
	}
	return t, nil
}

func (c *tableCache) evict(num uint64) {
	c.mu.Lock()
	t, ok := c.m[num]
	delete(c.m, num)
	c.mu.Unlock()
	if ok {
		t.close()
	}
}

func (c *tableCache) closeAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for num, t := range c.m {
		t.close()
		delete(c.m, num)
	}
}
