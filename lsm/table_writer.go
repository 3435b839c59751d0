package lsm

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"sort"
	"strconv"

	"github.com/aegisdb/aegis/compress"
	"github.com/aegisdb/aegis/vfs"
)

// tableProps are the statistics a table records about itself.
type tableProps struct {
	entries, deletions  uint64
	rawKeyBytes         uint64
	rawValueBytes       uint64
	dataBlocks          uint64
	minSeq, maxSeq      uint64
	compression         string
	bloomBitsPerKey     int
	dataBlockBytesTotal uint64 // stored bytes of data blocks, trailers excluded
}

func (p tableProps) fields() [][2]string {
	u := func(v uint64) string { return strconv.FormatUint(v, 10) }
	f := [][2]string{
		{"bloom.bits_per_key", strconv.Itoa(p.bloomBitsPerKey)},
		{"compression", p.compression},
		{"data.blocks", u(p.dataBlocks)},
		{"data.bytes", u(p.dataBlockBytesTotal)},
		{"num.deletions", u(p.deletions)},
		{"num.entries", u(p.entries)},
		{"raw.key_bytes", u(p.rawKeyBytes)},
		{"raw.value_bytes", u(p.rawValueBytes)},
		{"seq.max", u(p.maxSeq)},
		{"seq.min", u(p.minSeq)},
	}
	sort.Slice(f, func(i, j int) bool { return f[i][0] < f[j][0] })
	return f
}

// tableWriter writes one SSTable. Entries must be added in increasing
// internal-key order.
type tableWriter struct {
	f        vfs.File
	bw       *bufio.Writer
	name     string
	opts     *Options
	codec    compress.Codec
	offset   uint64
	data     blockBuilder
	index    blockBuilder
	hashes   []uint64
	lastUkey []byte
	hasLast  bool
	lastKey  []byte // last encoded internal key added
	smallest []byte
	props    tableProps
	keyBuf   []byte
	compBuf  []byte
	err      error
}

func newTableWriter(f vfs.File, name string, opts *Options) (*tableWriter, error) {
	codec, err := compress.Lookup(opts.Compression)
	if err != nil {
		return nil, err
	}
	w := &tableWriter{f: f, bw: bufio.NewWriterSize(f, 256<<10), name: name, opts: opts, codec: codec}
	w.data.restartInterval = opts.RestartInterval
	w.index.restartInterval = 1
	w.props.compression = codec.Name()
	w.props.bloomBitsPerKey = opts.BloomBitsPerKey
	w.props.minSeq = maxSeq
	return w, nil
}

// add appends one entry.
func (w *tableWriter) add(k ikey, value []byte) error {
	if w.err != nil {
		return w.err
	}
	w.keyBuf = appendIkey(w.keyBuf[:0], k)
	if w.props.entries == 0 {
		w.smallest = append([]byte(nil), w.keyBuf...)
	}
	if !w.hasLast || string(k.ukey) != string(w.lastUkey) {
		w.hashes = append(w.hashes, bloomHash(k.ukey))
		w.lastUkey = append(w.lastUkey[:0], k.ukey...)
		w.hasLast = true
	}
	w.data.add(w.keyBuf, value)
	w.lastKey = append(w.lastKey[:0], w.keyBuf...)
	w.props.entries++
	if k.kind() == kindDelete {
		w.props.deletions++
	}
	w.props.rawKeyBytes += uint64(len(k.ukey))
	w.props.rawValueBytes += uint64(len(value))
	w.props.minSeq = min(w.props.minSeq, k.seq())
	w.props.maxSeq = max(w.props.maxSeq, k.seq())
	if w.data.estimatedSize() >= w.opts.BlockSize {
		return w.flushData()
	}
	return nil
}

// estimatedSize is the file size so far plus the open block.
func (w *tableWriter) estimatedSize() uint64 { return w.offset + uint64(w.data.estimatedSize()) }

func (w *tableWriter) flushData() error {
	if w.data.empty() {
		return nil
	}
	h, err := w.writeBlock(w.data.finish(), w.codec)
	if err != nil {
		return err
	}
	w.props.dataBlocks++
	w.props.dataBlockBytesTotal += h.length
	w.index.add(w.lastKey, h.append(nil))
	w.data.reset()
	return nil
}

// writeBlock compresses (when that saves space) and writes a block with
// its trailer.
func (w *tableWriter) writeBlock(raw []byte, codec compress.Codec) (blockHandle, error) {
	stored, id := raw, compress.IDNone
	if codec.ID() != compress.IDNone {
		w.compBuf = codec.Encode(w.compBuf[:0], raw)
		if len(w.compBuf) < len(raw)-len(raw)/8 {
			stored, id = w.compBuf, codec.ID()
		}
	}
	var trailer [blockTrailerLen]byte
	trailer[0] = id
	binary.LittleEndian.PutUint32(trailer[1:], blockChecksum(stored, id))
	h := blockHandle{offset: w.offset, length: uint64(len(stored))}
	if _, err := w.bw.Write(stored); err != nil {
		w.err = fmt.Errorf("lsm: write table %s: %w", w.name, err)
		return h, w.err
	}
	if _, err := w.bw.Write(trailer[:]); err != nil {
		w.err = fmt.Errorf("lsm: write table %s: %w", w.name, err)
		return h, w.err
	}
	w.offset += uint64(len(stored)) + blockTrailerLen
	return h, nil
}

// finish writes the filter, properties, index and footer, and syncs.
// It returns the file size.
func (w *tableWriter) finish() (uint64, error) {
	if err := w.flushData(); err != nil {
		return 0, err
	}
	none, _ := compress.ByID(compress.IDNone)
	var filter []byte
	if w.opts.BloomBitsPerKey > 0 {
		filter = buildBloom(w.hashes, w.opts.BloomBitsPerKey)
	}
	var ft footer
	var err error
	if ft.filter, err = w.writeBlock(filter, none); err != nil {
		return 0, err
	}
	var pb blockBuilder
	pb.restartInterval = 1
	for _, kv := range w.props.fields() {
		pb.add([]byte(kv[0]), []byte(kv[1]))
	}
	if ft.props, err = w.writeBlock(pb.finish(), none); err != nil {
		return 0, err
	}
	if ft.index, err = w.writeBlock(w.index.finish(), w.codec); err != nil {
		return 0, err
	}
	if _, err := w.bw.Write(ft.encode()); err != nil {
		return 0, fmt.Errorf("lsm: write table %s footer: %w", w.name, err)
	}
	if err := w.bw.Flush(); err != nil {
		return 0, fmt.Errorf("lsm: write table %s: %w", w.name, err)
	}
	w.offset += footerLen
	if err := w.f.Sync(); err != nil {
		return 0, fmt.Errorf("lsm: sync table %s: %w", w.name, err)
	}
	return w.offset, nil
}
