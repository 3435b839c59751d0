package btree

import (
	"errors"
	"fmt"
	"io"
	"path"
	"sync"
	"sync/atomic"

	"github.com/aegisdb/aegis/buffer"
	"github.com/aegisdb/aegis/engine"
	"github.com/aegisdb/aegis/page"
	"github.com/aegisdb/aegis/vfs"
	"github.com/aegisdb/aegis/wal"
)

// DB is a B+tree store. It implements engine.Engine.
//
// Locks, outermost first: ckptMu (one checkpoint at a time), writeMu (one
// batch at a time), treeMu (the writer holds it exclusively while it
// changes pages and logs them; Get and iterator refills hold it shared).
type DB struct {
	opts Options
	fs   vfs.FS
	dir  string
	lim  limits

	lock io.Closer
	file vfs.File
	pool *buffer.Pool
	log  *wal.Log

	ckptMu sync.Mutex
	hdr    header // the last header written; guarded by ckptMu

	writeMu sync.Mutex
	treeMu  sync.RWMutex
	meta    meta // guarded by treeMu
	// fullFrom is the begin LSN of the newest checkpoint: a page whose
	// LSN is below it gets a full image when it next changes, later
	// changes are logged as deltas. Guarded by writeMu.
	fullFrom uint64
	w        *writer
	closed   bool // set holding writeMu and treeMu

	errMu sync.Mutex
	err   error // sticky: ErrPoisoned

	walSince atomic.Int64 // log bytes since the last checkpoint began
	ckptCh   chan struct{}
	stop     chan struct{}
	bgDone   chan struct{}

	gets, batches, synced, puts, deletes, bytesWritten, iterators atomic.Uint64
	checkpoints, recoveredBatches                                 atomic.Uint64
}

var _ engine.Engine = (*DB)(nil)

// Open opens the store in opts.Dir, creating it if needed, and recovers it
// from its log.
func Open(opts Options) (*DB, error) {
	opts.fill()
	if opts.Dir == "" {
		return nil, errors.New("btree: Options.Dir is empty")
	}
	if !page.ValidSize(opts.PageSize) || opts.PageSize < minPageSize {
		return nil, fmt.Errorf("btree: page size %d: %w", opts.PageSize, page.ErrBadSize)
	}
	db := &DB{opts: opts, fs: opts.FS, dir: opts.Dir}
	if err := db.open(); err != nil {
		db.abandon()
		return nil, err
	}
	if opts.CheckpointBytes > 0 {
		db.ckptCh, db.stop, db.bgDone = make(chan struct{}, 1), make(chan struct{}), make(chan struct{})
		go db.checkpointLoop()
	}
	return db, nil
}

func (db *DB) open() error {
	if err := db.fs.MkdirAll(db.dir); err != nil {
		return fmt.Errorf("btree: create %s: %w", db.dir, err)
	}
	lock, err := db.fs.Lock(path.Join(db.dir, "LOCK"))
	if err != nil {
		return fmt.Errorf("btree: lock %s: %w", db.dir, err)
	}
	db.lock = lock
	name := path.Join(db.dir, dataFile)
	fresh := !vfs.Exists(db.fs, name)
	f, err := db.fs.OpenReadWrite(name)
	if err != nil {
		return fmt.Errorf("btree: open %s: %w", name, err)
	}
	db.file = f
	size, err := f.Size()
	if err != nil {
		return fmt.Errorf("btree: size of %s: %w", name, err)
	}
	if fresh || size == 0 {
		if err := db.create(); err != nil {
			return err
		}
	} else if db.hdr, err = readHeader(f); err != nil {
		return err
	}
	db.lim = newLimits(db.hdr.pageSize)
	db.log, err = wal.Open(wal.Options{FS: db.fs, Dir: path.Join(db.dir, "wal"), SegmentSize: db.opts.SegmentSize, Sync: wal.SyncNever})
	if err != nil {
		return fmt.Errorf("btree: open log: %w", err)
	}
	frames := max(64, int(db.opts.CacheSize/int64(db.hdr.pageSize)))
	db.pool, err = buffer.New(buffer.Options{File: f, PageSize: db.hdr.pageSize, Frames: frames, Log: db.log})
	if err != nil {
		return fmt.Errorf("btree: buffer pool: %w", err)
	}
	db.w = newWriter(db)
	db.fullFrom = db.hdr.redo
	replayed, err := db.recover()
	if err != nil {
		return err
	}
	if db.pool.NumPages() <= metaPageID {
		// A store whose first batch never became durable: start the tree.
		return db.initTree()
	}
	if err := db.loadMeta(); err != nil {
		return err
	}
	if replayed > 0 {
		return db.checkpoint()
	}
	return nil
}

// create writes the header page of a new data file and makes the file's
// name durable.
func (db *DB) create() error {
	db.hdr = header{pageSize: db.opts.PageSize, seq: 1, redo: 1}
	buf := make([]byte, db.opts.PageSize)
	copy(buf[int(db.hdr.seq%2)*headerSlotSize:], encodeHeaderSlot(db.hdr))
	if _, err := db.file.WriteAt(buf, 0); err != nil {
		return fmt.Errorf("btree: write header: %w", err)
	}
	if err := db.file.Sync(); err != nil {
		return fmt.Errorf("btree: sync header: %w", err)
	}
	if err := db.fs.SyncDir(db.dir); err != nil {
		return fmt.Errorf("btree: sync %s: %w", db.dir, err)
	}
	return nil
}

// initTree logs the first batch of a new store: the meta page and an
// empty root leaf.
func (db *DB) initTree() error {
	db.meta = meta{numPages: firstPageID, freeHead: page.Nil}
	w := db.w
	w.begin()
	f, err := db.pool.NewPage(metaPageID, page.TypeMeta)
	if err != nil {
		return fmt.Errorf("btree: new meta page: %w", err)
	}
	w.track(metaPageID, f)
	_, root, err := w.alloc(page.TypeLeaf)
	if err != nil {
		w.rollback()
		return err
	}
	db.meta.root = root
	if _, err := w.commit(); err != nil {
		w.rollback()
		return err
	}
	if err := db.log.Sync(); err != nil {
		return fmt.Errorf("btree: sync log: %w", err)
	}
	return nil
}

func (db *DB) loadMeta() error {
	f, err := db.fetch(metaPageID)
	if err != nil {
		return db.pageErr(metaPageID, err)
	}
	defer db.pool.Unpin(f)
	m, err := decodeMeta(f.Page(), db.lim.pageSize)
	if err != nil {
		return err
	}
	db.meta = m
	return nil
}

// recover replays the log from the header's redo LSN: the page images of
// every batch that reached its commit record, in LSN order. It returns the
// number of batches replayed.
func (db *DB) recover() (int, error) {
	r, err := db.log.NewReader(wal.LSN(db.hdr.redo))
	if err != nil {
		return 0, fmt.Errorf("btree: recovery from LSN %d: %w", db.hdr.redo, err)
	}
	defer r.Close()
	type pending struct {
		img image
		lsn uint64
	}
	var batch []pending
	inBatch := false
	replayed := 0
	rebuilt := map[page.ID]bool{} // pages a full image rewrote in this replay
	for {
		lsn, rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, fmt.Errorf("btree: recovery: %w", err)
		}
		flags, imgs, err := decodeRecord(rec, db.hdr.pageSize)
		if err != nil {
			return 0, fmt.Errorf("btree: recovery at LSN %d: %w", lsn, err)
		}
		if flags&flagFirst != 0 {
			batch, inBatch = batch[:0], true // a batch cut short before this one is dropped
		} else if !inBatch {
			return 0, corruptf("wal", "record at LSN %d continues a batch that never began", lsn)
		}
		for _, img := range imgs {
			// The record's bytes are reused by the next call: copy.
			batch = append(batch, pending{img.clone(), uint64(lsn)})
		}
		if flags&flagCommit == 0 {
			continue
		}
		for _, pi := range batch {
			if !pi.img.full && !rebuilt[pi.img.id] {
				return 0, corruptf("wal", "delta of page %d at LSN %d without a full image before it", pi.img.id, pi.lsn)
			}
			rebuilt[pi.img.id] = true
			if err := db.install(pi.img, pi.lsn); err != nil {
				return 0, err
			}
		}
		batch, inBatch = batch[:0], false
		replayed++
	}
	db.recoveredBatches.Store(uint64(replayed))
	return replayed, nil
}

func (db *DB) install(img image, lsn uint64) error {
	fetch := db.pool.Fetch // a delta applies to the page a full image rebuilt
	if img.full {
		fetch = db.pool.FetchForOverwrite
	}
	f, err := fetch(img.id)
	if err != nil {
		return fmt.Errorf("btree: recovery: install page %d: %w", img.id, err)
	}
	defer db.pool.Unpin(f)
	f.Lock()
	defer f.Unlock()
	if err := applyImage(f.Page(), img, lsn); err != nil {
		return err
	}
	f.MarkDirty()
	return nil
}

// pageErr wraps an error from the buffer pool: page corruption becomes a
// btree corruption error naming the page.
func (db *DB) pageErr(id page.ID, err error) error {
	var pe *page.CorruptionError
	if errors.As(err, &pe) {
		return corruptPage(id, db.lim.pageSize, "%v", err)
	}
	return fmt.Errorf("btree: page %d: %w", id, err)
}

// checkNode checks that page p, reached at the given level, is a tree node
// of that level.
func (db *DB) checkNode(id page.ID, p page.Page, level int) error {
	want := page.TypeLeaf
	if level > 0 {
		want = page.TypeInternal
	}
	if p.Type() != want || p.Level() != level {
		return corruptPage(id, db.lim.pageSize, "a %v page at level %d where a %v at level %d belongs", p.Type(), p.Level(), want, level)
	}
	return nil
}

// poisoned returns the sticky error, if any.
func (db *DB) poisoned() error {
	db.errMu.Lock()
	defer db.errMu.Unlock()
	return db.err
}

func (db *DB) poison(err error) error {
	db.errMu.Lock()
	defer db.errMu.Unlock()
	if db.err == nil {
		db.err = fmt.Errorf("%w: %w", ErrPoisoned, err)
	}
	return db.err
}

// MaxKeySize is the largest key this store takes.
func (db *DB) MaxKeySize() int { return db.lim.maxKey }

// Get implements engine.Engine.
func (db *DB) Get(key []byte) ([]byte, error) {
	db.gets.Add(1)
	db.treeMu.RLock()
	defer db.treeMu.RUnlock()
	if db.closed {
		return nil, engine.ErrClosed
	}
	id, level := db.meta.root, db.meta.height
	for {
		f, err := db.fetchNode(id, level)
		if err != nil {
			return nil, err
		}
		p := f.Page()
		if level == 0 {
			idx, found, ok := searchPage(p, key)
			if !ok || !found {
				db.pool.Unpin(f)
				if !ok {
					return nil, corruptPage(id, db.lim.pageSize, "leaf cell does not decode")
				}
				return nil, engine.ErrNotFound
			}
			lc, ok := decodeLeafCell(p.Cell(idx))
			if !ok {
				db.pool.Unpin(f)
				return nil, corruptPage(id, db.lim.pageSize, "leaf cell %d does not decode", idx)
			}
			v, err := db.readValue(make([]byte, 0, max(len(lc.value), lc.vlen)), id, lc)
			db.pool.Unpin(f)
			return v, err
		}
		ci, ok := childIndex(p, key)
		child, ok2 := childAt(p, ci)
		db.pool.Unpin(f)
		if !ok || !ok2 {
			return nil, corruptPage(id, db.lim.pageSize, "internal cell does not decode")
		}
		if child < firstPageID || child >= db.meta.numPages {
			return nil, corruptPage(id, db.lim.pageSize, "child %d outside [%d, %d)", child, firstPageID, db.meta.numPages)
		}
		id, level = child, level-1
	}
}

// Apply implements engine.Engine.
func (db *DB) Apply(b *engine.Batch, opts engine.WriteOptions) error {
	var puts, dels, written uint64
	err := b.ForEach(func(kind engine.OpKind, key, value []byte) error {
		if len(key) > db.lim.maxKey {
			return fmt.Errorf("btree: key of %d bytes (max %d): %w", len(key), db.lim.maxKey, engine.ErrKeyTooLarge)
		}
		if len(value) > MaxValueSize {
			return fmt.Errorf("btree: value of %d bytes (max %d): %w", len(value), MaxValueSize, engine.ErrValueTooLarge)
		}
		if kind == engine.OpPut {
			puts++
		} else {
			dels++
		}
		written += uint64(len(key) + len(value))
		return nil
	})
	if err != nil {
		return err
	}
	db.writeMu.Lock()
	if db.closed {
		db.writeMu.Unlock()
		return engine.ErrClosed
	}
	if err := db.poisoned(); err != nil {
		db.writeMu.Unlock()
		return err
	}
	db.treeMu.Lock()
	lsn, err := db.applyLocked(b)
	db.treeMu.Unlock()
	db.writeMu.Unlock()
	if err != nil {
		return err
	}
	db.batches.Add(1)
	db.puts.Add(puts)
	db.deletes.Add(dels)
	db.bytesWritten.Add(written)
	if db.ckptCh != nil && db.walSince.Load() >= db.opts.CheckpointBytes {
		select {
		case db.ckptCh <- struct{}{}:
		default:
		}
	}
	if opts.Sync {
		db.synced.Add(1)
		if lsn > 0 {
			err = db.log.SyncTo(wal.LSN(lsn))
		} else {
			err = db.log.Sync()
		}
		if err != nil {
			return db.poison(fmt.Errorf("btree: sync log: %w", err))
		}
	}
	return nil
}

// applyLocked applies and logs one batch; it returns the batch's last LSN
// (0 if the batch changed nothing).
func (db *DB) applyLocked(b *engine.Batch) (uint64, error) {
	w := db.w
	w.begin()
	err := b.ForEach(func(kind engine.OpKind, key, value []byte) error {
		if kind == engine.OpPut {
			return w.put(key, value)
		}
		return w.del(key)
	})
	if err == nil && !w.changed() {
		return 0, nil
	}
	var lsn uint64
	if err == nil {
		lsn, err = w.commit()
	}
	if err != nil {
		w.rollback()
		if !errors.Is(err, buffer.ErrNoFreeFrames) {
			return 0, db.poison(err)
		}
		return 0, fmt.Errorf("btree: batch does not fit the buffer pool (raise Options.CacheSize): %w", err)
	}
	return lsn, nil
}

// Flush implements engine.Engine: a checkpoint, so every applied batch is
// in the data file and the log is cut.
func (db *DB) Flush() error {
	db.writeMu.Lock()
	closed := db.closed
	db.writeMu.Unlock()
	if closed {
		return engine.ErrClosed
	}
	return db.checkpoint()
}

// Close implements engine.Engine.
func (db *DB) Close() error {
	db.writeMu.Lock()
	db.treeMu.Lock()
	if db.closed {
		db.treeMu.Unlock()
		db.writeMu.Unlock()
		return engine.ErrClosed
	}
	db.closed = true
	db.treeMu.Unlock()
	db.writeMu.Unlock()
	if db.stop != nil {
		close(db.stop)
		<-db.bgDone
	}
	err := db.checkpoint()
	if db.poisoned() != nil {
		db.abandon()
		return err
	}
	if cerr := db.log.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("btree: close log: %w", cerr)
	}
	if cerr := db.pool.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("btree: close data file: %w", cerr)
	}
	if cerr := db.lock.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("btree: unlock: %w", cerr)
	}
	return err
}

// abandon releases files without writing anything more: after a failed
// open or an I/O failure, what is on disk is what recovery will see.
func (db *DB) abandon() {
	if db.log != nil {
		db.log.Close()
	}
	if db.file != nil {
		db.file.Close()
	}
	if db.lock != nil {
		db.lock.Close()
	}
}

// fetch pins page id. A read that fails with an I/O error (not corruption,
// not a full pool) is tried once more: a transient error should not fail
// a read that the next attempt serves.
func (db *DB) fetch(id page.ID) (*buffer.Frame, error) {
	f, err := db.pool.Fetch(id)
	if err == nil {
		return f, nil
	}
	var pe *page.CorruptionError
	if errors.As(err, &pe) || errors.Is(err, buffer.ErrNoFreeFrames) || errors.Is(err, buffer.ErrClosed) {
		return nil, err
	}
	return db.pool.Fetch(id)
}

// fetchNode pins tree page id, checking it is a node of the given level.
func (db *DB) fetchNode(id page.ID, level int) (*buffer.Frame, error) {
	f, err := db.fetch(id)
	if err != nil {
		return nil, db.pageErr(id, err)
	}
	if err := db.checkNode(id, f.Page(), level); err != nil {
		db.pool.Unpin(f)
		return nil, err
	}
	return f, nil
}
