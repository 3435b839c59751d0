package wal

import (
	"fmt"
	"io"

	"github.com/aegisdb/aegis/vfs"
)

// Reader reads records in LSN order across segments. It sees the records
// that were appended when it was created, and nothing later. A Reader is
// not safe for concurrent use; several Readers may run at once, and
// alongside appends. TruncateBefore must not remove segments a live Reader
// has yet to reach.
type Reader struct {
	fs    vfs.FS
	dir   string
	segs  []segment // from the one holding `from` on
	from  LSN
	limit LSN // last LSN this reader returns

	idx  int
	next LSN // LSN of the next record in the log
	file vfs.File
	sc   *scanner
	err  error
}

// NewReader returns a Reader over the records with LSN >= from (from 0
// means from the oldest record still kept). It first writes any buffered records to the OS so
// the reader sees every record appended so far, durable or not.
func (l *Log) NewReader(from LSN) (*Reader, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.waitLocked(l.lastLSN, false); err != nil {
		return nil, err
	}
	oldest := l.segments[0].first
	if from == 0 {
		from = oldest
	}
	if from < oldest {
		return nil, fmt.Errorf("wal: reader from LSN %d, oldest is %d: %w", from, oldest, ErrTruncated)
	}
	r := &Reader{fs: l.fs, dir: l.opts.Dir, from: from, limit: l.writtenLSN}
	if from <= r.limit {
		i := findSegment(l.segments, from)
		r.segs = append([]segment(nil), l.segments[i:]...)
		r.next = r.segs[0].first
	}
	return r, nil
}

// Next returns the next record. The payload is valid until the next call.
// At the end it returns io.EOF; a record that does not decode gives a
// *CorruptionError.
func (r *Reader) Next() (LSN, []byte, error) {
	for r.err == nil {
		if r.idx >= len(r.segs) || r.next > r.limit {
			r.err = io.EOF
			break
		}
		if r.sc == nil {
			if r.err = r.openSegment(); r.err != nil {
				break
			}
		}
		lsn, payload, err := r.sc.Next()
		if err == io.EOF {
			r.err = r.nextSegment()
			continue
		}
		if err != nil {
			r.err = err
			break
		}
		r.next = lsn + 1
		if lsn >= r.from {
			return lsn, payload, nil
		}
	}
	return 0, nil, r.err
}

func (r *Reader) openSegment() error {
	seg := r.segs[r.idx]
	f, err := r.fs.Open(fsPath(r.dir, seg.name))
	if err != nil {
		return fmt.Errorf("wal: reader: open segment %s: %w", seg.name, err)
	}
	size, err := f.Size()
	if err != nil {
		f.Close()
		return fmt.Errorf("wal: reader: size of segment %s: %w", seg.name, err)
	}
	r.file = f
	r.sc = newScanner(f, size, seg.name, seg.first)
	return nil
}

// nextSegment moves on after a segment ended cleanly, checking that the
// next one starts where this one stopped.
func (r *Reader) nextSegment() error {
	end, seg := r.sc.next, r.segs[r.idx]
	r.file.Close()
	r.file, r.sc = nil, nil
	r.idx++
	if r.idx < len(r.segs) && r.segs[r.idx].first != end {
		return &CorruptionError{Segment: seg.name, Offset: -1, LSN: end,
			Reason: fmt.Sprintf("segment ends before LSN %d, next segment starts at %d", end, r.segs[r.idx].first)}
	}
	if r.idx == len(r.segs) && end <= r.limit {
		return &CorruptionError{Segment: seg.name, Offset: -1, LSN: end,
			Reason: fmt.Sprintf("log ends before LSN %d, the reader expected up to %d", end, r.limit)}
	}
	return nil
}

// Close releases the reader's file.
func (r *Reader) Close() error {
	r.err = ErrClosed
	if r.file != nil {
		err := r.file.Close()
		r.file, r.sc = nil, nil
		return err
	}
	return nil
}
