package wal

import (
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/aegisdb/aegis/vfs"
)

// RecoveryInfo is what Open found on disk.
type RecoveryInfo struct {
	FirstLSN LSN // oldest LSN still in the log; LastLSN+1 when it is empty
	LastLSN  LSN // last record that survived
	Segments int // segment files found (0 for a new log)
	// Tail describes the torn or corrupt tail Open cut off the last
	// segment, or is nil if the log ended cleanly.
	Tail      *CorruptionError
	TailBytes int64 // bytes cut off
}

// Open opens the log in opts.Dir, creating it if needed, and recovers it:
// it reads every segment and checks every checksum; a sealed segment that
// does not decode, or segments whose LSNs do not follow on, are an error.
// The last segment may end in a torn write: Open cuts it off at the last
// whole record (truncate, then sync) and reports it in Recovery. New
// records follow the last one that survived.
func Open(opts Options) (*Log, error) {
	if opts.Dir == "" {
		return nil, errors.New("wal: Options.Dir is empty")
	}
	if opts.FS == nil {
		opts.FS = vfs.Default
	}
	if opts.SegmentSize <= 0 {
		opts.SegmentSize = defaultSegmentSize
	}
	if opts.SyncInterval <= 0 {
		opts.SyncInterval = defaultSyncInterval
	}
	l := &Log{opts: opts, fs: opts.FS}
	l.cond = sync.NewCond(&l.mu)
	if err := l.recover(); err != nil {
		if l.active != nil {
			l.active.Close()
		}
		return nil, err
	}
	if opts.Sync == SyncInterval {
		l.stop, l.stopped = make(chan struct{}), make(chan struct{})
		go l.syncLoop(opts.SyncInterval, l.stop)
	}
	return l, nil
}

func (l *Log) recover() error {
	if err := l.fs.MkdirAll(l.opts.Dir); err != nil {
		return fmt.Errorf("wal: create %s: %w", l.opts.Dir, err)
	}
	names, err := l.fs.List(l.opts.Dir)
	if err != nil {
		return fmt.Errorf("wal: list %s: %w", l.opts.Dir, err)
	}
	for _, name := range names { // sorted, and the names sort in LSN order
		if first, ok := parseSegmentName(name); ok {
			l.segments = append(l.segments, segment{first: first, name: name})
		}
	}
	l.recovery.Segments = len(l.segments)

	if len(l.segments) == 0 {
		seg := segment{first: 1, name: segmentName(1)}
		f, err := l.createSegment(seg.name)
		if err != nil {
			return fmt.Errorf("wal: create segment %s: %w", seg.name, err)
		}
		l.segments = []segment{seg}
		l.active = f
		l.metrics.SegmentsCreated++
		l.recovery.FirstLSN = 1
		return nil
	}

	next := l.segments[0].first
	for i, seg := range l.segments {
		if seg.first != next {
			return fmt.Errorf("wal: open: %w", &CorruptionError{Segment: seg.name, LSN: next,
				Reason: fmt.Sprintf("segment starts at LSN %d but the previous one ends at %d", seg.first, next-1)})
		}
		if i < len(l.segments)-1 {
			next, err = l.checkSealed(seg)
		} else {
			next, err = l.openActive(seg)
		}
		if err != nil {
			return err
		}
	}
	l.lastLSN, l.writtenLSN, l.durableLSN = next-1, next-1, next-1
	l.recovery.FirstLSN = l.segments[0].first
	l.recovery.LastLSN = l.lastLSN
	return nil
}

// checkSealed reads a sealed segment through and returns the LSN after its
// last record. Any corruption is real: sealed segments were synced whole
// before their successor was created.
func (l *Log) checkSealed(seg segment) (LSN, error) {
	f, err := l.fs.Open(l.path(seg.name))
	if err != nil {
		return 0, fmt.Errorf("wal: open segment %s: %w", seg.name, err)
	}
	defer f.Close()
	size, err := f.Size()
	if err != nil {
		return 0, fmt.Errorf("wal: size of segment %s: %w", seg.name, err)
	}
	sc := newScanner(f, size, seg.name, seg.first)
	for {
		_, _, err := sc.Next()
		if err == io.EOF {
			return sc.next, nil
		}
		if err != nil {
			return 0, fmt.Errorf("wal: open: sealed segment: %w", err)
		}
	}
}

// openActive opens the last segment for appending, cutting off a torn or
// corrupt tail, and syncs it so that everything it holds is durable.
func (l *Log) openActive(seg segment) (LSN, error) {
	f, err := l.fs.OpenReadWrite(l.path(seg.name))
	if err != nil {
		return 0, fmt.Errorf("wal: open segment %s: %w", seg.name, err)
	}
	l.active = f
	size, err := f.Size()
	if err != nil {
		return 0, fmt.Errorf("wal: size of segment %s: %w", seg.name, err)
	}
	sc := newScanner(f, size, seg.name, seg.first)
	for {
		_, _, err := sc.Next()
		if err == nil {
			continue
		}
		if err == io.EOF {
			break
		}
		var ce *CorruptionError
		if !errors.As(err, &ce) {
			return 0, err
		}
		if err := f.Truncate(sc.off); err != nil {
			return 0, fmt.Errorf("wal: cut torn tail of %s at offset %d: %w", seg.name, sc.off, err)
		}
		l.recovery.Tail, l.recovery.TailBytes = ce, size-sc.off
		break
	}
	// Sync even without a cut: after a process crash the bytes may still
	// be only in the OS cache, and DurableLSN must not overstate.
	if err := f.Sync(); err != nil {
		return 0, fmt.Errorf("wal: sync segment %s: %w", seg.name, err)
	}
	if err := l.fs.SyncDir(l.opts.Dir); err != nil {
		return 0, fmt.Errorf("wal: sync dir %s: %w", l.opts.Dir, err)
	}
	l.written, l.segSize = sc.off, sc.off
	return sc.next, nil
}
