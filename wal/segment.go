package wal

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// A segment is one file of the log, named after the LSN of its first
// record, so the names sort in log order and a reader can find the segment
// holding any LSN without opening files.
type segment struct {
	first LSN
	name  string // base name
}

const segmentSuffix = ".log"

func segmentName(first LSN) string { return fmt.Sprintf("%020d%s", uint64(first), segmentSuffix) }

// parseSegmentName returns the first LSN encoded in name, or false if name
// is not a segment (other files in the directory are left alone).
func parseSegmentName(name string) (LSN, bool) {
	digits, ok := strings.CutSuffix(name, segmentSuffix)
	if !ok || len(digits) != 20 {
		return 0, false
	}
	n, err := strconv.ParseUint(digits, 10, 64)
	if err != nil || n == 0 {
		return 0, false
	}
	return LSN(n), true
}

// findSegment returns the index of the segment that would hold lsn: the
// last one whose first LSN is <= lsn, or -1.
func findSegment(segs []segment, lsn LSN) int {
	lo, hi := 0, len(segs) // invariant: segs[:lo] start <= lsn, segs[hi:] start > lsn
	for lo < hi {
		mid := (lo + hi) / 2
		if segs[mid].first <= lsn {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo - 1
}

func (l *Log) path(name string) string { return fsPath(l.opts.Dir, name) }

func fsPath(dir, name string) string { return filepath.Join(dir, name) }
