package lsm

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/aegisdb/aegis/compress"
	"github.com/aegisdb/aegis/vfs"
)

// tableReader reads one SSTable. The index block, filter and properties
// are loaded at open and kept; data blocks go through the block cache.
// It is safe for concurrent use.
type tableReader struct {
	f      vfs.File
	name   string
	num    uint64
	size   int64
	index  block
	fences fences
	filter []byte
	props  map[string]string
	cache  *blockCache // may be nil
	stats  *readStats  // may be nil
}

// readStats are the counters table reads feed.
type readStats struct {
	blockReads     atomic.Uint64
	bloomUseful    atomic.Uint64 // a filter said no
	bloomPositive  atomic.Uint64 // a filter said maybe
	bloomFalsePos  atomic.Uint64 // ... and the table did not hold the key
	tablesProbed   atomic.Uint64
	bytesReadBlock atomic.Uint64
}

// openTable reads and checks a table's footer, index, filter and
// properties. It never panics on corrupt bytes.
func openTable(f vfs.File, name string, num uint64, cache *blockCache, stats *readStats) (*tableReader, error) {
	size, err := f.Size()
	if err != nil {
		return nil, fmt.Errorf("lsm: size of table %s: %w", name, err)
	}
	if size < footerLen {
		return nil, corruptf(name, 0, "file of %d bytes is shorter than the %d-byte footer", size, footerLen)
	}
	fb := make([]byte, footerLen)
	if err := readFull(f, fb, size-footerLen); err != nil {
		return nil, fmt.Errorf("lsm: read footer of %s: %w", name, err)
	}
	ft, err := decodeFooter(name, fb, size)
	if err != nil {
		return nil, err
	}
	t := &tableReader{f: f, name: name, num: num, size: size, cache: cache, stats: stats}
	raw, err := t.readBlockRaw(ft.index)
	if err != nil {
		return nil, fmt.Errorf("lsm: index block: %w", err)
	}
	if t.index, err = parseBlock(raw); err != nil {
		return nil, t.located(ft.index, err)
	}
	if t.fences, err = buildFences(t.index); err != nil {
		return nil, t.located(ft.index, err)
	}
	if t.filter, err = t.readBlockRaw(ft.filter); err != nil {
		return nil, fmt.Errorf("lsm: filter block: %w", err)
	}
	praw, err := t.readBlockRaw(ft.props)
	if err != nil {
		return nil, fmt.Errorf("lsm: properties block: %w", err)
	}
	pblk, err := parseBlock(praw)
	if err != nil {
		return nil, t.located(ft.props, err)
	}
	t.props = map[string]string{}
	it := newBlockIter(pblk, true)
	for ok := it.First(); ok; ok = it.Next() {
		t.props[string(it.key)] = string(it.val)
	}
	if it.Err() != nil {
		return nil, t.located(ft.props, it.Err())
	}
	return t, nil
}

// located adds the table name and block offset to a block-level error.
func (t *tableReader) located(h blockHandle, err error) error {
	if ce, ok := err.(*CorruptionError); ok && ce.File == "" {
		off := int64(h.offset)
		if ce.Offset >= 0 {
			off += ce.Offset
		}
		return &CorruptionError{File: t.name, Offset: off, Reason: ce.Reason}
	}
	return err
}

func readFull(f vfs.File, buf []byte, off int64) error {
	n, err := f.ReadAt(buf, off)
	if n == len(buf) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return err
}

// readBlockRaw reads a block, checks its checksum and decompresses it.
func (t *tableReader) readBlockRaw(h blockHandle) ([]byte, error) {
	end := uint64(t.size) - footerLen
	if h.offset > end || h.length > end-h.offset || h.offset+h.length+blockTrailerLen > end || h.length > maxBlockLen {
		return nil, corruptf(t.name, int64(h.offset), "block handle %d+%d outside the table's %d data bytes", h.offset, h.length, end)
	}
	buf := make([]byte, h.length+blockTrailerLen)
	if err := readFull(t.f, buf, int64(h.offset)); err != nil {
		// A read has no side effect, so one failed read (a transient
		// I/O error) is retried once before the error is reported.
		if err = readFull(t.f, buf, int64(h.offset)); err != nil {
			return nil, fmt.Errorf("lsm: read %s at %d: %w", t.name, h.offset, err)
		}
	}
	if t.stats != nil {
		t.stats.blockReads.Add(1)
		t.stats.bytesReadBlock.Add(uint64(len(buf)))
	}
	stored, trailer := buf[:h.length], buf[h.length:]
	id := trailer[0]
	if got, want := binary.LittleEndian.Uint32(trailer[1:]), blockChecksum(stored, id); got != want {
		return nil, corruptf(t.name, int64(h.offset), "block checksum %#x, computed %#x", got, want)
	}
	if id == compress.IDNone {
		return stored, nil
	}
	codec, err := compress.ByID(id)
	if err != nil {
		return nil, corruptf(t.name, int64(h.offset), "block trailer names codec %d: %v", id, err)
	}
	out, err := codec.Decode(nil, stored, maxBlockLen)
	if err != nil {
		return nil, corruptf(t.name, int64(h.offset), "block does not decompress with %s: %v", codec.Name(), err)
	}
	return out, nil
}

// dataBlock returns a parsed data block, through the cache.
func (t *tableReader) dataBlock(h blockHandle) (block, error) { return t.readDataBlock(h, true) }

// readDataBlock returns a parsed data block from the cache or the file;
// with fill false a block read from the file is not cached (compaction
// inputs: read once, then deleted, and caching them would evict the
// blocks readers use).
func (t *tableReader) readDataBlock(h blockHandle, fill bool) (block, error) {
	key := cacheKey{file: t.num, offset: h.offset}
	if t.cache != nil {
		if b, ok := t.cache.get(key); ok {
			return b, nil
		}
	}
	raw, err := t.readBlockRaw(h)
	if err != nil {
		return block{}, err
	}
	b, err := parseBlock(raw)
	if err != nil {
		return block{}, t.located(h, err)
	}
	if t.cache != nil && fill {
		t.cache.put(key, b, len(raw))
	}
	return b, nil
}

// mayContain consults the bloom filter for a key with bloomHash h.
func (t *tableReader) mayContain(h uint64) bool {
	if len(t.filter) == 0 {
		return true
	}
	return bloomMayContain(t.filter, h)
}

// get looks up the newest entry for ukey, whose bloomHash is h, with
// seq <= snap.
func (t *tableReader) get(ukey []byte, h, snap uint64) (value []byte, k kind, found bool, err error) {
	if t.stats != nil {
		t.stats.tablesProbed.Add(1)
	}
	if !t.mayContain(h) {
		if t.stats != nil {
			t.stats.bloomUseful.Add(1)
		}
		return nil, 0, false, nil
	}
	// A seek with pooled block iterators and key buffers, so that a
	// point read allocates only the blocks it reads from disk.
	sc := getPool.Get().(*getScratch)
	defer getPool.Put(sc)
	sc.seek = appendIkey(sc.seek[:0], ikey{ukey: ukey, trailer: makeTrailer(snap, kindMax)})
	seek := sc.seek
	data := &sc.data
	for i := t.fences.seek(seek, keyPrefix(ukey)); i < len(t.fences.handles); i++ {
		h := t.fences.handles[i]
		b, berr := t.dataBlock(h)
		if berr != nil {
			return nil, 0, false, berr
		}
		*data = blockIter{b: b, key: data.key[:0]}
		if !data.SeekGE(seek) {
			if data.err != nil {
				return nil, 0, false, t.located(h, data.err)
			}
			continue // only a malformed index leads to a block without the key
		}
		k, kok := parseIkey(data.key)
		if !kok {
			return nil, 0, false, corruptf(t.name, int64(h.offset), "key of %d bytes has no trailer", len(data.key))
		}
		found = bytes.Equal(k.ukey, ukey)
		t.noteProbe(found)
		if !found {
			return nil, 0, false, nil
		}
		return data.val, k.kind(), true, nil
	}
	t.noteProbe(false)
	return nil, 0, false, nil
}

// getScratch is the reusable state of one point read.
type getScratch struct {
	data blockIter
	seek []byte
}

// fences is a table's index decoded at open for point reads: a binary
// search over the blocks' key prefixes (one dense array, a few cache
// lines) replaces one over the index block's entries, each a varint
// decode in a different cache line. Full keys break ties among equal
// prefixes.
type fences struct {
	prefixes []uint64 // keyPrefix of each block's last user key
	handles  []blockHandle
	keyEnds  []uint32 // block i's last internal key is keys[keyEnds[i-1]:keyEnds[i]]
	keys     []byte
}

// buildFences decodes an index block; a malformed entry is an error.
func buildFences(index block) (fences, error) {
	var f fences
	it := newBlockIter(index, false)
	for ok := it.First(); ok; ok = it.Next() {
		k, kok := parseIkey(it.key)
		if !kok {
			return fences{}, corruptf("", int64(it.offset), "index key of %d bytes has no trailer", len(it.key))
		}
		h, hok := decodeHandle(it.val)
		if !hok {
			return fences{}, corruptf("", int64(it.offset), "index entry holds a bad block handle")
		}
		f.prefixes = append(f.prefixes, keyPrefix(k.ukey))
		f.handles = append(f.handles, h)
		f.keys = append(f.keys, it.key...)
		f.keyEnds = append(f.keyEnds, uint32(len(f.keys)))
	}
	if err := it.Err(); err != nil {
		return fences{}, err
	}
	return f, nil
}

func (f *fences) key(i int) []byte {
	start := uint32(0)
	if i > 0 {
		start = f.keyEnds[i-1]
	}
	return f.keys[start:f.keyEnds[i]]
}

// seek returns the first block whose last key is >= the encoded internal
// key seek, whose user key has prefix p (len(handles) if none).
func (f *fences) seek(seek []byte, p uint64) int {
	// Prefixes order as their keys do where they differ (keyPrefix), so
	// the answer lies in the run of blocks whose prefix is p, or is the
	// block right after it.
	lo, hi := 0, len(f.prefixes)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if f.prefixes[mid] < p {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	end := lo
	for end < len(f.prefixes) && f.prefixes[end] == p && end-lo < 4 {
		end++
	}
	if end-lo == 4 { // a long run (keys with a common prefix): search it
		end = lo + sort.Search(len(f.prefixes)-lo, func(i int) bool { return f.prefixes[lo+i] > p })
	}
	for lo < end {
		mid := int(uint(lo+end) >> 1)
		if cmpEncoded(f.key(mid), seek) < 0 {
			lo = mid + 1
		} else {
			end = mid
		}
	}
	return lo
}

var getPool = sync.Pool{New: func() any { return new(getScratch) }}

func (t *tableReader) noteProbe(found bool) {
	if t.stats != nil && len(t.filter) > 0 {
		t.stats.bloomPositive.Add(1)
		if !found {
			t.stats.bloomFalsePos.Add(1)
		}
	}
}

func (t *tableReader) close() error { return t.f.Close() }

func (t *tableReader) prop(name string) uint64 {
	v, _ := strconv.ParseUint(t.props[name], 10, 64)
	return v
}

// tableIter is a two-level iterator: the index block picks a data block,
// a block iterator walks it.
type tableIter struct {
	t      *tableReader
	noFill bool // see readDataBlock
	index  *blockIter
	data   *blockIter
	cur    ikey
	err    error
	seek   []byte
}

func (t *tableReader) newIter() *tableIter {
	return &tableIter{t: t, index: newBlockIter(t.index, false)}
}

func (it *tableIter) String() string { return "table " + it.t.name }

// loadBlock opens the data block the index iterator points at.
func (it *tableIter) loadBlock() bool {
	it.data = nil
	if !it.index.Valid() {
		if err := it.index.Err(); err != nil {
			it.err = it.t.located(blockHandle{}, err)
		}
		return false
	}
	h, ok := decodeHandle(it.index.val)
	if !ok {
		it.err = corruptf(it.t.name, -1, "index entry holds a bad block handle")
		return false
	}
	b, err := it.t.readDataBlock(h, !it.noFill)
	if err != nil {
		it.err = err
		return false
	}
	it.data = newBlockIter(b, false)
	return true
}

// settle parses the current data entry or, when the block is exhausted,
// moves to the next (forward) or previous block.
func (it *tableIter) settle(forward bool) bool {
	for {
		if it.err != nil || it.data == nil {
			it.data = nil
			return false
		}
		if it.data.Valid() {
			k, ok := parseIkey(it.data.key)
			if !ok {
				it.err = corruptf(it.t.name, -1, "key of %d bytes has no trailer", len(it.data.key))
				it.data = nil
				return false
			}
			it.cur = k
			return true
		}
		if err := it.data.Err(); err != nil {
			it.err = fmt.Errorf("lsm: table %s: %w", it.t.name, err)
			it.data = nil
			return false
		}
		var ok bool
		if forward {
			ok = it.index.Next()
		} else {
			ok = it.index.Prev()
		}
		if !ok || !it.loadBlock() {
			it.settleErr()
			it.data = nil
			return false
		}
		if forward {
			it.data.First()
		} else {
			it.data.Last()
		}
	}
}

func (it *tableIter) First() bool {
	it.err = nil
	if !it.index.First() || !it.loadBlock() {
		it.data = nil
		it.settleErr()
		return false
	}
	it.data.First()
	return it.settle(true)
}

func (it *tableIter) Last() bool {
	it.err = nil
	if !it.index.Last() || !it.loadBlock() {
		it.data = nil
		it.settleErr()
		return false
	}
	it.data.Last()
	return it.settle(false)
}

func (it *tableIter) settleErr() {
	if it.err == nil && it.index.Err() != nil {
		it.err = it.t.located(blockHandle{}, it.index.Err())
	}
}

func (it *tableIter) SeekGE(k ikey) bool {
	it.err = nil
	it.seek = appendIkey(it.seek[:0], k)
	if !it.index.SeekGE(it.seek) || !it.loadBlock() {
		it.data = nil
		it.settleErr()
		return false
	}
	it.data.SeekGE(it.seek)
	return it.settle(true)
}

func (it *tableIter) SeekLT(k ikey) bool {
	it.err = nil
	it.seek = appendIkey(it.seek[:0], k)
	// The first block whose last key >= k holds the entries just below k,
	// or the block before it does.
	if !it.index.SeekGE(it.seek) {
		if it.index.Err() != nil {
			it.settleErr()
			return false
		}
		return it.Last()
	}
	if !it.loadBlock() {
		it.data = nil
		return false
	}
	it.data.SeekLT(it.seek)
	return it.settle(false)
}

func (it *tableIter) Next() bool {
	if it.data == nil || !it.data.Valid() {
		return false
	}
	it.data.Next()
	return it.settle(true)
}

func (it *tableIter) Prev() bool {
	if it.data == nil || !it.data.Valid() {
		return false
	}
	it.data.Prev()
	return it.settle(false)
}

func (it *tableIter) Valid() bool   { return it.err == nil && it.data != nil && it.data.Valid() }
func (it *tableIter) Key() ikey     { return it.cur }
func (it *tableIter) Value() []byte { return it.data.val }
func (it *tableIter) Err() error    { return it.err }
func (it *tableIter) Close() error  { return nil }
