package invindex

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// rootPrefix is the full-text keyspace inside the shared mvcc DB.
const rootPrefix = "fts\x00"

// Key kinds, one byte after the index prefix "fts\x00" name 0x00.
const (
	kindDoc   = 'd' // d id                   -> doc record
	kindNum   = 'n' // n docnum:4             -> id
	kindPost  = 'p' // p field 0 term 0 base:4 -> posting block
	kindDict  = 't' // t field 0 term         -> empty: the term has blocks
	kindField = 's' // s field                -> docs:uv tokens:uv terms:uv
	kindMeta  = 'm' // m                      -> next docnum:4 | live docs bitmap
)

func checkName(what, s string) error {
	if s == "" || strings.IndexByte(s, 0) >= 0 {
		return fmt.Errorf("invindex: %s %q is empty or holds a 0x00 byte: %w", what, s, ErrBadName)
	}
	return nil
}

// keyer builds the keys of one index.
type keyer struct{ prefix []byte }

func newKeyer(name string) keyer { return keyer{prefix: []byte(rootPrefix + name + "\x00")} }

func (k keyer) key(kind byte, parts ...string) []byte {
	n := len(k.prefix) + 1
	for _, p := range parts {
		n += len(p) + 1
	}
	out := make([]byte, 0, n+4)
	out = append(append(out, k.prefix...), kind)
	for i, p := range parts {
		if i > 0 {
			out = append(out, 0)
		}
		out = append(out, p...)
	}
	return out
}

func (k keyer) doc(id string) []byte { return k.key(kindDoc, id) }

func (k keyer) num(n uint32) []byte { return binary.BigEndian.AppendUint32(k.key(kindNum), n) }

// post is the prefix of every block of (field, term), ending in 0x00.
func (k keyer) post(field, term string) []byte { return append(k.key(kindPost, field, term), 0) }

func (k keyer) dictPrefix(field string) []byte { return append(k.key(kindDict, field), 0) }

func (k keyer) dict(field, term string) []byte { return k.key(kindDict, field, term) }

func (k keyer) field(field string) []byte { return k.key(kindField, field) }

func (k keyer) meta() []byte { return k.key(kindMeta) }

func (k keyer) all() []byte { return append([]byte{}, k.prefix...) }

// prefixEnd returns the smallest key above every key starting with p.
// Every prefix this package scans ends in a separator 0x00, a kind letter
// or a big-endian number below 0xffffffff, so bumping the last byte never
// carries.
func prefixEnd(p []byte) []byte {
	end := append([]byte{}, p...)
	end[len(end)-1]++
	return end
}

func appendString(out []byte, s string) []byte {
	return append(binary.AppendUvarint(out, uint64(len(s))), s...)
}

// decoder reads the uvarint-framed records of this package.
type decoder struct {
	data []byte
	off  int
	err  error
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.data[d.off:])
	if n <= 0 {
		d.err = fmt.Errorf("bad varint at byte %d", d.off)
		return 0
	}
	d.off += n
	return v
}

func (d *decoder) string() string {
	n := d.uvarint()
	if d.err != nil {
		return ""
	}
	if n > uint64(len(d.data)-d.off) {
		d.err = fmt.Errorf("string of %d bytes at byte %d overruns the record", n, d.off)
		return ""
	}
	s := string(d.data[d.off : d.off+int(n)])
	d.off += int(n)
	return s
}

func (d *decoder) uint32() uint32 {
	if d.err != nil {
		return 0
	}
	if len(d.data)-d.off < 4 {
		d.err = fmt.Errorf("4-byte number at byte %d overruns the record", d.off)
		return 0
	}
	v := binary.BigEndian.Uint32(d.data[d.off:])
	d.off += 4
	return v
}

// finish fails on trailing bytes and wraps any error with the key.
func (d *decoder) finish(key []byte) error {
	if d.err == nil && d.off != len(d.data) {
		d.err = fmt.Errorf("%d trailing bytes", len(d.data)-d.off)
	}
	if d.err != nil {
		return &CorruptionError{Key: key, Reason: d.err.Error()}
	}
	return nil
}

// docRecord is what the index keeps per document to delete it later.
type docRecord struct {
	num    uint32
	fields []fieldTerms
}

type fieldTerms struct {
	field  string
	length uint32   // tokens in the field
	terms  []string // distinct terms, in no particular order
}

// encodeDoc lays out a doc record:
//
//	| num:4 BE | fields:uvarint | fields × ( name:str | length:uvarint | terms:uvarint | terms × str ) |
//
// where str is | len:uvarint | bytes |.
func encodeDoc(r docRecord) []byte {
	out := binary.BigEndian.AppendUint32(nil, r.num)
	out = binary.AppendUvarint(out, uint64(len(r.fields)))
	for _, f := range r.fields {
		out = appendString(out, f.field)
		out = binary.AppendUvarint(out, uint64(f.length))
		out = binary.AppendUvarint(out, uint64(len(f.terms)))
		for _, t := range f.terms {
			out = appendString(out, t)
		}
	}
	return out
}

func decodeDoc(key, data []byte) (docRecord, error) {
	d := decoder{data: data}
	r := docRecord{num: d.uint32()}
	nf := d.uvarint()
	for i := uint64(0); i < nf && d.err == nil; i++ {
		f := fieldTerms{field: d.string(), length: uint32(d.uvarint())}
		nt := d.uvarint()
		if nt > uint64(len(data)) {
			d.err = fmt.Errorf("%d terms cannot fit in %d bytes", nt, len(data))
		}
		for j := uint64(0); j < nt && d.err == nil; j++ {
			f.terms = append(f.terms, d.string())
		}
		r.fields = append(r.fields, f)
	}
	return r, d.finish(key)
}

// fieldStats are a field's totals over the live documents: documents
// with the field, tokens in it, and distinct terms (dictionary entries).
type fieldStats struct{ docs, tokens, terms uint64 }

// encodeFieldStats lays out | docs:uv | tokens:uv | terms:uv |.
func encodeFieldStats(s fieldStats) []byte {
	return binary.AppendUvarint(binary.AppendUvarint(binary.AppendUvarint(nil, s.docs), s.tokens), s.terms)
}

func decodeFieldStats(key, data []byte) (fieldStats, error) {
	d := decoder{data: data}
	s := fieldStats{docs: d.uvarint(), tokens: d.uvarint(), terms: d.uvarint()}
	return s, d.finish(key)
}
