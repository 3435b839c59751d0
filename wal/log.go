package wal

import (
	"fmt"
	"sync"
	"time"

	"github.com/aegisdb/aegis/vfs"
)

// SyncPolicy says when Commit makes records durable.
type SyncPolicy int

const (
	// SyncEveryCommit makes Commit return only once its record is durable.
	// Concurrent commits share fsyncs (group commit). The zero value.
	SyncEveryCommit SyncPolicy = iota
	// SyncInterval syncs in the background every Options.SyncInterval;
	// Commit returns once its record is written to the OS.
	SyncInterval
	// SyncNever syncs only on Sync, SyncTo, segment rolls and Close;
	// Commit returns once its record is written to the OS.
	SyncNever
)

func (p SyncPolicy) String() string {
	switch p {
	case SyncEveryCommit:
		return "every-commit"
	case SyncInterval:
		return "interval"
	case SyncNever:
		return "never"
	}
	return fmt.Sprintf("SyncPolicy(%d)", int(p))
}

// Options configure a Log. Only Dir is required.
type Options struct {
	FS  vfs.FS // default vfs.Default
	Dir string // directory of the segment files; created if missing
	// SegmentSize is the size at which a segment is sealed and a new one
	// started (default 64 MiB). A record larger than it gets a segment of
	// its own that simply grows past the limit.
	SegmentSize int64
	Sync        SyncPolicy
	// SyncInterval is the period of background syncs under SyncInterval
	// (default 10ms).
	SyncInterval time.Duration
}

const (
	defaultSegmentSize  = 64 << 20
	defaultSyncInterval = 10 * time.Millisecond
	// flushThreshold bounds the append buffer: past it, Append writes the
	// buffer to the OS itself rather than wait for a commit.
	flushThreshold = 1 << 20
)

// Log is a segmented write-ahead log. It is safe for concurrent use.
//
// Records move through three stages, each tracked by an LSN:
//
//	appended (in l.buf) -> written (in the OS) -> durable (fsynced)
//	      lastLSN      >=     writtenLSN       >=     durableLSN
//
// At most one goroutine at a time does I/O on the active segment (ioBusy);
// it writes the whole buffer in one call and, if anyone asked for
// durability, syncs once for everyone waiting. That is group commit.
type Log struct {
	opts Options
	fs   vfs.FS

	mu   sync.Mutex
	cond *sync.Cond // signalled whenever ioBusy, writtenLSN or durableLSN change

	buf, spare []byte // framed records not yet written; spare is recycled
	ioBusy     bool   // a goroutine is writing or syncing outside mu

	segments []segment // oldest first; the last is active
	active   vfs.File
	written  int64 // bytes of the active segment in the file
	segSize  int64 // bytes of the active segment in the file or buf

	lastLSN, writtenLSN, durableLSN LSN
	recovery                        RecoveryInfo
	metrics                         Metrics

	err    error // sticky: poisoned or closed
	closed bool

	truncMu sync.Mutex // serializes TruncateBefore
	stop    chan struct{}
	stopped chan struct{}
}

// Append adds a record to the log buffer and returns its LSN without
// waiting for any I/O (unless the buffer is full). It is not durable until
// SyncTo(lsn), Sync or a later synced Commit returns nil.
//
// Append and Commit return an error with LSN 0 if the record was refused,
// and with its LSN if the record was appended but writing or syncing it
// failed: such a record may or may not survive a crash.
func (l *Log) Append(payload []byte) (LSN, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	lsn, err := l.appendLocked(payload)
	if err != nil {
		return 0, err
	}
	if len(l.buf) >= flushThreshold {
		if err := l.waitLocked(lsn, false); err != nil {
			return lsn, err
		}
	}
	return lsn, nil
}

// Commit appends a record and, under SyncEveryCommit, returns only once it
// is durable; many concurrent Commits share one fsync. Under the other
// policies it returns once the record is written to the OS, so it survives
// a process crash but not a machine crash.
func (l *Log) Commit(payload []byte) (LSN, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	lsn, err := l.appendLocked(payload)
	if err != nil {
		return 0, err
	}
	if err := l.waitLocked(lsn, l.opts.Sync == SyncEveryCommit); err != nil {
		return lsn, err
	}
	return lsn, nil
}

// SyncTo returns once every record up to lsn is durable. Concurrent callers
// share one fsync.
func (l *Log) SyncTo(lsn LSN) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err == nil && lsn > l.lastLSN {
		return fmt.Errorf("wal: SyncTo(%d), last LSN %d: %w", lsn, l.lastLSN, ErrBeyondLast)
	}
	return l.waitLocked(lsn, true)
}

// FlushTo is SyncTo with the signature of the buffer pool's LogFlusher, so
// a *Log can be handed to the buffer pool for WAL-before-data.
func (l *Log) FlushTo(lsn uint64) error { return l.SyncTo(LSN(lsn)) }

// Sync makes every appended record durable.
func (l *Log) Sync() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.waitLocked(l.lastLSN, true)
}

// LastLSN is the LSN of the last appended record (0 if none).
func (l *Log) LastLSN() LSN {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lastLSN
}

// DurableLSN is the highest LSN known to survive a crash.
func (l *Log) DurableLSN() LSN {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.durableLSN
}

// Recovery reports what Open found.
func (l *Log) Recovery() RecoveryInfo {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.recovery
}

func (l *Log) appendLocked(payload []byte) (LSN, error) {
	if l.err != nil {
		return 0, l.err
	}
	if len(payload) > MaxRecordSize {
		return 0, fmt.Errorf("wal: append of %d bytes (max %d): %w", len(payload), MaxRecordSize, ErrRecordTooLarge)
	}
	size := frameSize(len(payload))
	for l.segSize > 0 && l.segSize+size > l.opts.SegmentSize {
		if l.ioBusy {
			l.cond.Wait()
			if l.err != nil {
				return 0, l.err
			}
			continue
		}
		if err := l.rollLocked(); err != nil {
			return 0, err
		}
	}
	l.lastLSN++
	l.buf = appendFrame(l.buf, l.lastLSN, payload)
	l.segSize += size
	l.metrics.Records++
	l.metrics.Bytes += uint64(size)
	return l.lastLSN, nil
}

// waitLocked returns once records up to lsn are written (and durable if
// sync). If no one is doing I/O it becomes the leader and does it for every
// buffered record; otherwise it waits for the leader and checks again.
func (l *Log) waitLocked(lsn LSN, sync bool) error {
	for {
		if l.err != nil {
			return l.err
		}
		if sync && l.durableLSN >= lsn || !sync && l.writtenLSN >= lsn {
			return nil
		}
		if l.ioBusy {
			l.cond.Wait()
			continue
		}
		l.leadLocked(sync)
	}
}

// leadLocked writes the whole buffer, and syncs if asked, with mu released
// so that other goroutines can keep appending the next batch meanwhile.
func (l *Log) leadLocked(sync bool) {
	l.ioBusy = true
	data := l.buf
	l.buf, l.spare = l.spare[:0], nil
	upTo := l.lastLSN
	file, off, name := l.active, l.written, l.segments[len(l.segments)-1].name
	l.mu.Unlock()

	var err error
	op := ""
	if len(data) > 0 {
		_, err = file.WriteAt(data, off)
		op = "write " + name
	}
	if err == nil && sync {
		err = file.Sync()
		op = "sync " + name
	}

	l.mu.Lock()
	l.ioBusy = false
	l.cond.Broadcast()
	if err != nil {
		l.poisonLocked(op, err)
		return
	}
	if len(data) > 0 {
		l.metrics.Writes++
		l.written += int64(len(data))
		l.writtenLSN = upTo
	}
	if cap(data) <= 4*flushThreshold {
		l.spare = data[:0]
	}
	if sync {
		l.metrics.noteSync(l.durableLSN, upTo)
		l.durableLSN = upTo
	}
}

// rollLocked seals the active segment and starts a new one. It runs with mu
// held and no leader active. The sealed segment is synced before the new
// one is created, so a crash can never keep a later segment while losing
// the tail of an earlier one: a sealed segment is always whole.
func (l *Log) rollLocked() error {
	old := l.segments[len(l.segments)-1].name
	if len(l.buf) > 0 {
		if _, err := l.active.WriteAt(l.buf, l.written); err != nil {
			return l.poisonLocked("write "+old, err)
		}
		l.metrics.Writes++
		l.written += int64(len(l.buf))
		l.buf = l.buf[:0]
	}
	l.writtenLSN = l.lastLSN
	if l.durableLSN < l.lastLSN {
		if err := l.active.Sync(); err != nil {
			return l.poisonLocked("sync "+old, err)
		}
		l.metrics.noteSync(l.durableLSN, l.lastLSN)
		l.durableLSN = l.lastLSN
	}
	err := l.active.Close()
	l.active = nil
	if err != nil {
		return l.poisonLocked("close "+old, err)
	}
	seg := segment{first: l.lastLSN + 1, name: segmentName(l.lastLSN + 1)}
	f, err := l.createSegment(seg.name)
	if err != nil {
		return l.poisonLocked("create "+seg.name, err)
	}
	l.active, l.written, l.segSize = f, 0, 0
	l.segments = append(l.segments, seg)
	l.metrics.SegmentsCreated++
	l.cond.Broadcast()
	return nil
}

// createSegment creates an empty segment and makes its name durable.
func (l *Log) createSegment(name string) (vfs.File, error) {
	f, err := l.fs.Create(l.path(name))
	if err != nil {
		return nil, err
	}
	if err := l.fs.SyncDir(l.opts.Dir); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func (l *Log) poisonLocked(op string, err error) error {
	if l.err == nil {
		l.err = &poisonError{op: op, err: err}
		l.cond.Broadcast()
	}
	return l.err
}

// Close syncs and closes the log. Later calls return ErrClosed. If the log
// was poisoned, Close releases the file and returns that error.
func (l *Log) Close() error {
	l.mu.Lock()
	stop := l.stop
	l.stop = nil
	l.mu.Unlock()
	if stop != nil {
		close(stop)
		<-l.stopped
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return ErrClosed
	}
	err := l.waitLocked(l.lastLSN, true)
	for l.ioBusy {
		l.cond.Wait()
	}
	l.closed = true
	if l.active != nil {
		if cerr := l.active.Close(); err == nil {
			err = cerr
		}
		l.active = nil
	}
	if l.err == nil {
		l.err = ErrClosed
	}
	l.cond.Broadcast()
	return err
}

// syncLoop runs under SyncInterval.
func (l *Log) syncLoop(every time.Duration, stop <-chan struct{}) {
	defer close(l.stopped)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			if err := l.Sync(); err != nil {
				return
			}
		}
	}
}
