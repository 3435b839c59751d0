package lsm

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"sort"
	"sync/atomic"
)

// fileMeta describes one table of a version.
type fileMeta struct {
	num      uint64
	size     uint64
	smallest ikey // owned copies
	largest  ikey
	// refs counts the versions holding the file; at zero an obsolete
	// file is deleted.
	refs atomic.Int32
	// reader caches the table cache's open reader, so a read skips the
	// cache's mutex and map; the reader lives as long as the file does.
	reader atomic.Pointer[tableReader]
}

// version is an immutable set of tables per level. L0 is ordered newest
// first (by file number, which is flush order); L1 and below are sorted by
// smallest key and do not overlap.
type version struct {
	levels [numLevels][]*fileMeta
	refs   atomic.Int32
	// release is called when refs drops to zero.
	release func(v *version)
}

func (v *version) ref() { v.refs.Add(1) }

func (v *version) unref() {
	if n := v.refs.Add(-1); n == 0 && v.release != nil {
		v.release(v)
	} else if n < 0 {
		panic("lsm: version unreferenced more than referenced")
	}
}

func (v *version) levelSize(l int) uint64 {
	var n uint64
	for _, f := range v.levels[l] {
		n += f.size
	}
	return n
}

func (v *version) numFiles() int {
	n := 0
	for _, fs := range v.levels {
		n += len(fs)
	}
	return n
}

// overlaps returns the files of level l whose user-key range meets
// [lo, hi] (nil bounds are open).
func (v *version) overlaps(l int, lo, hi []byte) []*fileMeta {
	var out []*fileMeta
	for _, f := range v.levels[l] {
		if lo != nil && bytes.Compare(f.largest.ukey, lo) < 0 {
			continue
		}
		if hi != nil && bytes.Compare(f.smallest.ukey, hi) > 0 {
			continue
		}
		out = append(out, f)
	}
	return out
}

// fileFor returns the file of a sorted level (L1+) that may hold ukey.
func (v *version) fileFor(l int, ukey []byte) *fileMeta {
	fs := v.levels[l]
	i := sort.Search(len(fs), func(i int) bool { return bytes.Compare(fs[i].largest.ukey, ukey) >= 0 })
	if i < len(fs) && bytes.Compare(fs[i].smallest.ukey, ukey) <= 0 {
		return fs[i]
	}
	return nil
}

// candidates calls fn, newest first, for each table that may hold ukey:
// the L0 tables whose range covers it, then one table per lower level.
// It stops when fn returns false.
func (v *version) candidates(ukey []byte, fn func(f *fileMeta) bool) {
	for _, f := range v.levels[0] {
		if bytes.Compare(ukey, f.smallest.ukey) >= 0 && bytes.Compare(ukey, f.largest.ukey) <= 0 && !fn(f) {
			return
		}
	}
	for l := 1; l < numLevels; l++ {
		if f := v.fileFor(l, ukey); f != nil && !fn(f) {
			return
		}
	}
}

// check verifies the version's structural invariants.
func (v *version) check() error {
	for l := 1; l < numLevels; l++ {
		fs := v.levels[l]
		for i, f := range fs {
			if cmpIkey(f.smallest, f.largest) > 0 {
				return fmt.Errorf("L%d file %06d: smallest key after largest", l, f.num)
			}
			if i > 0 && bytes.Compare(fs[i-1].largest.ukey, f.smallest.ukey) >= 0 {
				return fmt.Errorf("L%d files %06d and %06d overlap", l, fs[i-1].num, f.num)
			}
		}
	}
	return nil
}

// versionEdit is one manifest record: files added and removed, and the
// counters that must survive a restart.
//
//	edit = field...
//	field = | tag:uvarint | payload |
//	  1 logLSN:uvarint       WAL records <= logLSN are in tables
//	  2 nextFile:uvarint
//	  3 lastSeq:uvarint
//	  4 deleted: | level:uvarint | file:uvarint |
//	  5 added:   | level:uvarint | file:uvarint | size:uvarint |
//	             | smallest: len:uvarint bytes | largest: len:uvarint bytes |   (encoded internal keys)
type versionEdit struct {
	logLSN, nextFile, lastSeq          uint64
	hasLogLSN, hasNextFile, hasLastSeq bool
	deleted                            []deletedFile
	added                              []addedFile
}

type deletedFile struct {
	level int
	num   uint64
}

type addedFile struct {
	level int
	meta  *fileMeta
}

const (
	tagLogLSN   = 1
	tagNextFile = 2
	tagLastSeq  = 3
	tagDeleted  = 4
	tagAdded    = 5
)

func (e *versionEdit) setLogLSN(n uint64)   { e.logLSN, e.hasLogLSN = n, true }
func (e *versionEdit) setNextFile(n uint64) { e.nextFile, e.hasNextFile = n, true }
func (e *versionEdit) setLastSeq(n uint64)  { e.lastSeq, e.hasLastSeq = n, true }

func (e *versionEdit) encode() []byte {
	var b []byte
	u := func(v uint64) { b = binary.AppendUvarint(b, v) }
	if e.hasLogLSN {
		u(tagLogLSN)
		u(e.logLSN)
	}
	if e.hasNextFile {
		u(tagNextFile)
		u(e.nextFile)
	}
	if e.hasLastSeq {
		u(tagLastSeq)
		u(e.lastSeq)
	}
	for _, d := range e.deleted {
		u(tagDeleted)
		u(uint64(d.level))
		u(d.num)
	}
	for _, a := range e.added {
		u(tagAdded)
		u(uint64(a.level))
		u(a.meta.num)
		u(a.meta.size)
		for _, k := range []ikey{a.meta.smallest, a.meta.largest} {
			enc := appendIkey(nil, k)
			u(uint64(len(enc)))
			b = append(b, enc...)
		}
	}
	return b
}

func decodeEdit(b []byte) (*versionEdit, error) {
	e := &versionEdit{}
	bad := func(what string) error { return corruptf("", -1, "version edit: %s", what) }
	u := func() (uint64, bool) {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			return 0, false
		}
		b = b[n:]
		return v, true
	}
	for len(b) > 0 {
		tag, ok := u()
		if !ok {
			return nil, bad("bad tag varint")
		}
		switch tag {
		case tagLogLSN, tagNextFile, tagLastSeq:
			v, ok := u()
			if !ok {
				return nil, bad("bad counter varint")
			}
			switch tag {
			case tagLogLSN:
				e.setLogLSN(v)
			case tagNextFile:
				e.setNextFile(v)
			default:
				e.setLastSeq(v)
			}
		case tagDeleted:
			l, ok1 := u()
			num, ok2 := u()
			if !ok1 || !ok2 || l >= numLevels {
				return nil, bad("bad deleted-file entry")
			}
			e.deleted = append(e.deleted, deletedFile{int(l), num})
		case tagAdded:
			l, ok1 := u()
			num, ok2 := u()
			size, ok3 := u()
			if !ok1 || !ok2 || !ok3 || l >= numLevels {
				return nil, bad("bad added-file entry")
			}
			m := &fileMeta{num: num, size: size}
			for _, dst := range []*ikey{&m.smallest, &m.largest} {
				n, ok := u()
				if !ok || n > uint64(len(b)) {
					return nil, bad("bad key length in added-file entry")
				}
				k, ok := parseIkey(bytes.Clone(b[:n]))
				if !ok {
					return nil, bad("key without trailer in added-file entry")
				}
				*dst = k
				b = b[n:]
			}
			e.added = append(e.added, addedFile{int(l), m})
		default:
			return nil, bad(fmt.Sprintf("unknown tag %d", tag))
		}
	}
	return e, nil
}

// apply builds the version that results from applying e to v. The new
// version shares fileMetas with v; the caller takes the references.
func (v *version) apply(e *versionEdit) (*version, error) {
	nv := &version{}
	gone := map[uint64]bool{}
	for _, d := range e.deleted {
		gone[d.num] = true
	}
	for l := range v.levels {
		for _, f := range v.levels[l] {
			if !gone[f.num] {
				nv.levels[l] = append(nv.levels[l], f)
			}
		}
	}
	for _, a := range e.added {
		nv.levels[a.level] = append(nv.levels[a.level], a.meta)
	}
	sort.Slice(nv.levels[0], func(i, j int) bool { return nv.levels[0][i].num > nv.levels[0][j].num })
	for l := 1; l < numLevels; l++ {
		fs := nv.levels[l]
		sort.Slice(fs, func(i, j int) bool { return cmpIkey(fs[i].smallest, fs[j].smallest) < 0 })
	}
	if err := nv.check(); err != nil {
		return nil, fmt.Errorf("lsm: applying version edit: %w", err)
	}
	return nv, nil
}
