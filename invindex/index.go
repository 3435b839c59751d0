package invindex

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"

	"github.com/aegisdb/aegis/bitmap"
	"github.com/aegisdb/aegis/mvcc"
)

// writeRetries bounds the retries of a write after mvcc conflicts.
const writeRetries = 16

// segmentMinDocs is the default of Index.segmentDocs: from this many
// documents a write's postings per term are worth blocks of their own.
const segmentMinDocs = 64

// Doc is a document to index: an id unique in the index and its text
// fields. Field names must be non-empty and hold no 0x00 byte.
type Doc struct {
	ID     string
	Fields map[string]string
}

// Options configure an Index.
type Options struct {
	Analyzer Analyzer
}

// Index is a full-text index stored in an mvcc DB under its own prefix.
// It is safe for concurrent use; writers of one index conflict on its
// meta key and are retried.
type Index struct {
	db   *mvcc.DB
	name string
	keys keyer
	an   Analyzer
	// segmentDocs is the number of documents from which a write stores
	// new blocks without reading the terms' last blocks.
	segmentDocs int
	lex         lexicon

	added, deleted, searches, conflicts atomic.Uint64
}

// Metrics are an Index's cumulative counters.
type Metrics struct {
	DocsAdded, DocsDeleted, Searches, Conflicts uint64
}

// Open returns the index called name in db (it needs no creation: an
// index with no documents is empty).
func Open(db *mvcc.DB, name string, opts Options) (*Index, error) {
	if err := checkName("index name", name); err != nil {
		return nil, err
	}
	return &Index{db: db, name: name, keys: newKeyer(name), an: opts.Analyzer, segmentDocs: segmentMinDocs}, nil
}

// Name returns the index's name.
func (x *Index) Name() string { return x.name }

// Analyzer returns the index's analyzer.
func (x *Index) Analyzer() *Analyzer { return &x.an }

// Metrics returns the counters.
func (x *Index) Metrics() Metrics {
	return Metrics{DocsAdded: x.added.Load(), DocsDeleted: x.deleted.Load(), Searches: x.searches.Load(), Conflicts: x.conflicts.Load()}
}

// Add indexes docs in one transaction, replacing documents with the same
// ids.
func (x *Index) Add(docs ...Doc) error {
	return x.retry(func(txn *mvcc.Txn) error { return x.AddTxn(txn, docs) })
}

// Delete removes the documents with these ids; missing ids are ignored.
func (x *Index) Delete(ids ...string) error {
	return x.retry(func(txn *mvcc.Txn) error { return x.DeleteTxn(txn, ids) })
}

func (x *Index) retry(fn func(*mvcc.Txn) error) error {
	conflicts, err := x.db.Update(writeRetries, fn)
	x.conflicts.Add(uint64(conflicts))
	if errors.Is(err, mvcc.ErrConflict) {
		return fmt.Errorf("invindex %s: %w (%w)", x.name, ErrBusy, err)
	}
	return err
}

// meta is the index-wide state: the next document number and the set of
// live document numbers.
type meta struct {
	next uint32
	live *bitmap.Bitmap
}

func (x *Index) readMeta(txn *mvcc.Txn) (meta, error) {
	k := x.keys.meta()
	v, err := txn.Get(k)
	if errors.Is(err, mvcc.ErrNotFound) {
		return meta{live: bitmap.New()}, nil
	}
	if err != nil {
		return meta{}, fmt.Errorf("invindex %s: meta: %w", x.name, err)
	}
	if len(v) < 4 {
		return meta{}, &CorruptionError{Key: k, Reason: fmt.Sprintf("meta of %d bytes", len(v))}
	}
	m := meta{next: binary.BigEndian.Uint32(v), live: bitmap.New()}
	if err := m.live.UnmarshalBinary(v[4:]); err != nil {
		return meta{}, &CorruptionError{Key: k, Reason: err.Error()}
	}
	return m, nil
}

func (x *Index) writeMeta(txn *mvcc.Txn, m meta) error {
	m.live.RunOptimize()
	bm, err := m.live.MarshalBinary()
	if err != nil {
		return err
	}
	return txn.Put(x.keys.meta(), append(binary.BigEndian.AppendUint32(nil, m.next), bm...))
}

// fieldDelta accumulates changes to one field's statistics.
type fieldDelta struct{ docs, tokens, terms int64 }

// fieldDeltas are the changes of one write, by field.
type fieldDeltas map[string]*fieldDelta

func (ds fieldDeltas) of(field string) *fieldDelta {
	if ds[field] == nil {
		ds[field] = &fieldDelta{}
	}
	return ds[field]
}

// readFieldStats returns a field's statistics (zero when it has none).
func (x *Index) readFieldStats(txn *mvcc.Txn, field string) (fieldStats, error) {
	k := x.keys.field(field)
	v, err := txn.Get(k)
	if errors.Is(err, mvcc.ErrNotFound) {
		return fieldStats{}, nil
	}
	if err != nil {
		return fieldStats{}, fmt.Errorf("invindex %s: field %q: %w", x.name, field, err)
	}
	return decodeFieldStats(k, v)
}

func (x *Index) applyFieldDeltas(txn *mvcc.Txn, deltas fieldDeltas) error {
	for f, d := range deltas {
		s, err := x.readFieldStats(txn, f)
		if err != nil {
			return err
		}
		s.docs = uint64(int64(s.docs) + d.docs)
		s.tokens = uint64(int64(s.tokens) + d.tokens)
		s.terms = uint64(int64(s.terms) + d.terms)
		if s == (fieldStats{}) {
			err = txn.Delete(x.keys.field(f))
		} else {
			err = txn.Put(x.keys.field(f), encodeFieldStats(s))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// AddTxn indexes docs inside txn (the caller commits), replacing
// documents with the same ids. Within docs the last of equal ids wins.
func (x *Index) AddTxn(txn *mvcc.Txn, docs []Doc) error {
	last := map[string]int{}
	for i, d := range docs {
		if d.ID == "" {
			return fmt.Errorf("invindex %s: document %d has an empty id: %w", x.name, i, ErrBadName)
		}
		for f := range d.Fields {
			if err := checkName("field", f); err != nil {
				return err
			}
		}
		last[d.ID] = i
	}
	m, err := x.readMeta(txn)
	if err != nil {
		return err
	}
	deltas := fieldDeltas{}
	for i, d := range docs {
		if last[d.ID] == i {
			if err := x.deleteDoc(txn, d.ID, &m, deltas); err != nil {
				return err
			}
		}
	}
	b := newBuilder(&x.an, &x.lex, len(docs))
	var fields []string
	added := 0
	for i, d := range docs {
		if last[d.ID] != i {
			continue
		}
		if m.next == 1<<32-1 {
			return fmt.Errorf("invindex %s: document numbers exhausted", x.name)
		}
		num := m.next
		m.next++
		rec := docRecord{num: num}
		fields = fields[:0]
		for f := range d.Fields {
			fields = append(fields, f)
		}
		slices.Sort(fields)
		for _, f := range fields {
			length, terms := b.add(num, f, d.Fields[f])
			if terms == nil {
				continue
			}
			rec.fields = append(rec.fields, fieldTerms{field: f, length: length, terms: terms})
			fd := deltas.of(f)
			fd.docs++
			fd.tokens += int64(length)
		}
		if err := txn.Put(x.keys.doc(d.ID), encodeDoc(rec)); err != nil {
			return err
		}
		if err := txn.Put(x.keys.num(num), []byte(d.ID)); err != nil {
			return err
		}
		m.live.Add(num)
		added++
	}
	x.added.Add(uint64(added))
	segment := added >= x.segmentDocs
	var enc encoder
	for _, f := range b.sortedFields() {
		fb := b.fields[f]
		if len(fb.terms) == 0 {
			continue
		}
		ids, terms := fb.sortedTerms()
		byTerm, start := fb.groups()
		fd := deltas.of(f)
		var known []bool
		if segment {
			var err error
			if known, err = x.knownTerms(txn, f, terms); err != nil {
				return err
			}
		}
		for i, id := range ids {
			blocks := enc.encode(fb, byTerm[start[id]:start[id+1]])
			isNew, err := false, error(nil)
			if segment {
				isNew = !known[i]
				err = x.putBlocks(txn, f, terms[i], blocks)
			} else {
				isNew, err = x.appendPostings(txn, f, terms[i], blocks)
			}
			if err == nil && isNew {
				fd.terms++
				err = txn.Put(x.keys.dict(f, terms[i]), nil)
			}
			if err != nil {
				return err
			}
		}
	}
	if err := x.applyFieldDeltas(txn, deltas); err != nil {
		return err
	}
	return x.writeMeta(txn, m)
}

// putBlocks stores a term's new blocks (all above every stored document
// of the term) under their own keys. A write with many documents calls
// it without reading the term's last block, which it leaves as it is,
// however small.
func (x *Index) putBlocks(txn *mvcc.Txn, field, term string, blocks []sealed) error {
	prefix := x.keys.post(field, term)
	key := make([]byte, 0, len(prefix)+4)
	for _, b := range blocks {
		key = binary.BigEndian.AppendUint32(append(key[:0], prefix...), b.base)
		if err := txn.Put(key, b.value); err != nil {
			return err
		}
	}
	return nil
}

// dictScanRatio: a write with at least 1/dictScanRatio as many terms of
// a field as the field's dictionary holds learns which of its terms are
// new by walking the dictionary once rather than by one read per term
// (a read costs an engine seek, a step of a scan much less).
const dictScanRatio = 8

// knownTerms reports which of terms (sorted) the field's dictionary
// already holds, in the transaction's view.
func (x *Index) knownTerms(txn *mvcc.Txn, field string, terms []string) ([]bool, error) {
	known := make([]bool, len(terms))
	st, err := x.readFieldStats(txn, field)
	if err != nil {
		return nil, err
	}
	if uint64(len(terms))*dictScanRatio < st.terms {
		for i, term := range terms {
			_, err := txn.Get(x.keys.dict(field, term))
			switch {
			case err == nil:
				known[i] = true
			case !errors.Is(err, mvcc.ErrNotFound):
				return nil, fmt.Errorf("invindex %s: dictionary of %q: %w", x.name, field, err)
			}
		}
		return known, nil
	}
	p := x.keys.dictPrefix(field)
	lower := append(bytes.Clone(p), terms[0]...)
	upper := append(append(bytes.Clone(p), terms[len(terms)-1]...), 0)
	it := txn.Scan(lower, upper)
	defer it.Close()
	i := 0
	for i < len(terms) && it.Next() {
		t := it.Key()[len(p):]
		for i < len(terms) && terms[i] < string(t) {
			i++
		}
		if i < len(terms) && terms[i] == string(t) {
			known[i] = true
			i++
		}
	}
	return known, it.Err()
}

// appendPostings adds a term's new blocks to its last stored block while
// that has room, so writes of a few documents at a time (the document
// store indexes one per insert) do not leave a block per write. It
// reports whether the term had no blocks.
func (x *Index) appendPostings(txn *mvcc.Txn, field, term string, blocks []sealed) (bool, error) {
	prefix := x.keys.post(field, term)
	it := txn.ScanReverse(prefix, prefixEnd(prefix))
	found := it.Next()
	var key, val []byte
	if found {
		key, val = bytes.Clone(it.Key()), bytes.Clone(it.Value())
	}
	err := it.Err()
	it.Close()
	if err != nil {
		return false, fmt.Errorf("invindex %s: last block of %q: %w", x.name, term, err)
	}
	if !found {
		return true, x.putBlocks(txn, field, term, blocks)
	}
	base := binary.BigEndian.Uint32(key[len(key)-4:])
	last, err := parseBlock(base, val)
	if err != nil {
		return false, &CorruptionError{Key: key, Reason: err.Error()}
	}
	if last.count >= maxBlock {
		return false, x.putBlocks(txn, field, term, blocks)
	}
	if len(blocks) == 1 && last.count+blocks[0].count <= maxBlock {
		// the common case: splice the sections, decoding nothing
		v, err := spliceBlocks(last, blocks[0])
		if err != nil {
			return false, &CorruptionError{Key: key, Reason: err.Error()}
		}
		return false, txn.Put(key, v)
	}
	ps, err := decodeBlockAt(key, val)
	if err != nil {
		return false, err
	}
	for _, b := range blocks {
		more, err := decodeBlock(b.base, b.value)
		if err != nil {
			return false, fmt.Errorf("invindex %s: re-reading new postings of %q: %w", x.name, term, err)
		}
		ps = append(ps, more...)
	}
	return false, x.putBlocks(txn, field, term, chunk(base, ps))
}

// chunk splits ps into blocks of at most maxBlock postings; the first
// block keeps base, the others start at their first document.
func chunk(base uint32, ps []posting) []sealed {
	var out []sealed
	var w blockWriter
	for len(ps) > 0 {
		n := min(maxBlock, len(ps))
		w.start(base)
		for _, p := range ps[:n] {
			w.add(p.doc, p.length, p.pos)
		}
		out = append(out, sealed{w.base, w.last, w.count, w.bytes()})
		ps = ps[n:]
		if len(ps) > 0 {
			base = ps[0].doc
		}
	}
	return out
}

// decodeBlockAt decodes a whole block with positions.
func decodeBlockAt(key, val []byte) ([]posting, error) {
	if len(key) < 4 {
		return nil, &CorruptionError{Key: key, Reason: "block key too short"}
	}
	ps, err := decodeBlock(binary.BigEndian.Uint32(key[len(key)-4:]), val)
	if err != nil {
		return nil, &CorruptionError{Key: bytes.Clone(key), Reason: err.Error()}
	}
	return ps, nil
}

// DeleteTxn removes the documents with these ids inside txn.
func (x *Index) DeleteTxn(txn *mvcc.Txn, ids []string) error {
	m, err := x.readMeta(txn)
	if err != nil {
		return err
	}
	deltas := fieldDeltas{}
	for _, id := range ids {
		if err := x.deleteDoc(txn, id, &m, deltas); err != nil {
			return err
		}
	}
	if err := x.applyFieldDeltas(txn, deltas); err != nil {
		return err
	}
	return x.writeMeta(txn, m)
}

// deleteDoc removes one document's postings and records, if it exists.
func (x *Index) deleteDoc(txn *mvcc.Txn, id string, m *meta, deltas fieldDeltas) error {
	dk := x.keys.doc(id)
	v, err := txn.Get(dk)
	if errors.Is(err, mvcc.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("invindex %s: doc %q: %w", x.name, id, err)
	}
	rec, err := decodeDoc(dk, v)
	if err != nil {
		return err
	}
	for _, f := range rec.fields {
		fd := deltas.of(f.field)
		fd.docs--
		fd.tokens -= int64(f.length)
		for _, t := range f.terms {
			if err := x.removePosting(txn, f.field, t, rec.num, fd); err != nil {
				return err
			}
		}
	}
	m.live.Remove(rec.num)
	x.deleted.Add(1)
	if err := txn.Delete(x.keys.num(rec.num)); err != nil {
		return err
	}
	return txn.Delete(dk)
}

// removePosting drops doc from the block of (field, term) that holds
// it; when that was the term's last posting, the term leaves the
// dictionary.
func (x *Index) removePosting(txn *mvcc.Txn, field, term string, doc uint32, fd *fieldDelta) error {
	prefix := x.keys.post(field, term)
	upper := prefixEnd(prefix) // the last block whose base is <= doc
	if doc < 1<<32-1 {
		upper = binary.BigEndian.AppendUint32(bytes.Clone(prefix), doc+1)
	}
	it := txn.ScanReverse(prefix, upper)
	defer it.Close()
	if !it.Next() {
		if err := it.Err(); err != nil {
			return err
		}
		return &CorruptionError{Key: prefix, Reason: fmt.Sprintf("no block holds document %d", doc)}
	}
	key := bytes.Clone(it.Key())
	ps, err := decodeBlockAt(key, it.Value())
	if err != nil {
		return err
	}
	i := slices.IndexFunc(ps, func(p posting) bool { return p.doc == doc })
	if i < 0 {
		return &CorruptionError{Key: key, Reason: fmt.Sprintf("block does not hold document %d", doc)}
	}
	ps = slices.Delete(ps, i, i+1)
	if len(ps) > 0 {
		return txn.Put(key, encodeBlock(binary.BigEndian.Uint32(key[len(key)-4:]), ps))
	}
	if err := txn.Delete(key); err != nil {
		return err
	}
	rest := txn.Scan(prefix, prefixEnd(prefix)) // sees the Delete above
	defer rest.Close()
	if rest.Next() {
		return nil
	}
	if err := rest.Err(); err != nil {
		return err
	}
	fd.terms--
	return txn.Delete(x.keys.dict(field, term))
}

// DropTxn deletes every key of the index inside txn.
func (x *Index) DropTxn(txn *mvcc.Txn) error {
	p := x.keys.all()
	it := txn.Scan(p, prefixEnd(p)) // sees only writes made before Scan
	defer it.Close()
	for it.Next() {
		if err := txn.Delete(bytes.Clone(it.Key())); err != nil {
			return err
		}
	}
	return it.Err()
}
