package btree

import (
	"fmt"

	"github.com/aegisdb/aegis/wal"
)

// checkpoint is fuzzy: writers go on while it runs.
//
//  1. Under the writer lock, note begin = the next LSN. Every batch logged
//     before begin is complete (batches are logged under the same lock).
//  2. Without any tree lock, write every dirty page and sync the data file
//     (buffer.Pool.FlushAll). The pool flushes the log up to each page's
//     LSN before writing it (WAL before data). A page being changed by the
//     running batch is write-latched by the writer until the batch is
//     logged, so FlushAll waits for it and never writes half a batch.
//     Pages dirtied after begin may or may not be written; their changes
//     are in the log at LSNs >= begin either way.
//  3. Write the next header slot with redo LSN = begin, sync.
//  4. Delete the log segments wholly before begin.
//
// Why torn pages are repairable: after step 2 every page write that is not
// yet synced is of a page dirtied after begin. Step 1 also makes begin the
// point from which a page's next change logs a full image (fullFrom), so
// every page changed after begin has a full image at or after begin, and
// recovery from begin rewrites it whole before applying its deltas.
func (db *DB) checkpoint() error {
	db.ckptMu.Lock()
	defer db.ckptMu.Unlock()
	if err := db.poisoned(); err != nil {
		return err
	}
	db.writeMu.Lock()
	last := uint64(db.log.LastLSN())
	begin := last + 1
	db.walSince.Store(0)
	if begin != db.hdr.redo {
		db.fullFrom = begin
	}
	db.writeMu.Unlock()
	if begin == db.hdr.redo {
		return nil // nothing logged since the last checkpoint
	}
	if err := db.log.SyncTo(wal.LSN(last)); err != nil {
		return db.poison(fmt.Errorf("btree: checkpoint: sync log: %w", err))
	}
	if err := db.pool.FlushAll(); err != nil {
		return db.poison(fmt.Errorf("btree: checkpoint: %w", err))
	}
	h := header{pageSize: db.hdr.pageSize, seq: db.hdr.seq + 1, redo: begin}
	if err := writeHeader(db.file, h); err != nil {
		return db.poison(fmt.Errorf("btree: checkpoint: %w", err))
	}
	db.hdr = h
	db.checkpoints.Add(1)
	if err := db.log.TruncateBefore(wal.LSN(begin)); err != nil {
		// The store is consistent; only old segments linger.
		return fmt.Errorf("btree: checkpoint: truncate log: %w", err)
	}
	return nil
}

// checkpointLoop runs checkpoints when Apply has logged CheckpointBytes
// since the last one.
func (db *DB) checkpointLoop() {
	defer close(db.bgDone)
	for {
		select {
		case <-db.stop:
			return
		case <-db.ckptCh:
			_ = db.checkpoint() // a failure poisons the store; Apply reports it
		}
	}
}
