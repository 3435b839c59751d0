package invindex

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync/atomic"

	"github.com/aegisdb/aegis/bitmap"
	"github.com/aegisdb/aegis/mvcc"
)

// writeRetries bounds the retries of a write after mvcc conflicts.
const writeRetries = 16

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
	return &Index{db: db, name: name, keys: newKeyer(name), an: opts.Analyzer}, nil
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
type fieldDelta struct{ docs, tokens int64 }

// fieldDeltas are the changes of one write, by field.
type fieldDeltas map[string]*fieldDelta

func (ds fieldDeltas) of(field string) *fieldDelta {
	if ds[field] == nil {
		ds[field] = &fieldDelta{}
	}
	return ds[field]
}

func (x *Index) applyFieldDeltas(txn *mvcc.Txn, deltas fieldDeltas) error {
	for f, d := range deltas {
		k := x.keys.field(f)
		var docs, tokens uint64
		v, err := txn.Get(k)
		switch {
		case err == nil:
			if docs, tokens, err = decodeFieldStats(k, v); err != nil {
				return err
			}
		case !errors.Is(err, mvcc.ErrNotFound):
			return fmt.Errorf("invindex %s: field %q: %w", x.name, f, err)
		}
		docs, tokens = uint64(int64(docs)+d.docs), uint64(int64(tokens)+d.tokens)
		if docs == 0 {
			err = txn.Delete(k)
		} else {
			err = txn.Put(k, encodeFieldStats(docs, tokens))
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
	pending := map[string][]posting{} // field 0 term -> new postings in doc order
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
		fields := make([]string, 0, len(d.Fields))
		for f := range d.Fields {
			fields = append(fields, f)
		}
		slices.Sort(fields)
		for _, f := range fields {
			toks := x.an.Analyze(d.Fields[f])
			if len(toks) == 0 {
				continue
			}
			byTerm := map[string][]uint32{}
			for _, t := range toks {
				byTerm[t.Term] = append(byTerm[t.Term], t.Pos)
			}
			ft := fieldTerms{field: f, length: uint32(len(toks))}
			for t, pos := range byTerm {
				ft.terms = append(ft.terms, t)
				pk := f + "\x00" + t
				pending[pk] = append(pending[pk], posting{doc: num, length: ft.length, tf: uint32(len(pos)), pos: pos})
			}
			slices.Sort(ft.terms)
			rec.fields = append(rec.fields, ft)
			fd := deltas.of(f)
			fd.docs++
			fd.tokens += int64(ft.length)
		}
		if err := txn.Put(x.keys.doc(d.ID), encodeDoc(rec)); err != nil {
			return err
		}
		if err := txn.Put(x.keys.num(num), []byte(d.ID)); err != nil {
			return err
		}
		m.live.Add(num)
		x.added.Add(1)
	}
	pks := make([]string, 0, len(pending))
	for pk := range pending {
		pks = append(pks, pk)
	}
	sort.Strings(pks)
	for _, pk := range pks {
		field, term, _ := bytes.Cut([]byte(pk), []byte{0})
		if err := x.appendPostings(txn, string(field), string(term), pending[pk]); err != nil {
			return err
		}
	}
	if err := x.applyFieldDeltas(txn, deltas); err != nil {
		return err
	}
	return x.writeMeta(txn, m)
}

// appendPostings adds ps (all above every stored doc of the term) to the
// term's last block while it has room, then in new blocks. The term's
// dictionary entry says where its last block is, what its last document
// is and how many postings it holds, so appending reads two keys and
// decodes nothing.
func (x *Index) appendPostings(txn *mvcc.Txn, field, term string, ps []posting) error {
	prefix := x.keys.post(field, term)
	dk := x.keys.dict(field, term)
	last, found, err := x.lastBlock(txn, dk)
	if err != nil {
		return err
	}
	if found && last.count < maxBlock {
		bk := binary.BigEndian.AppendUint32(bytes.Clone(prefix), last.base)
		v, err := txn.Get(bk)
		if err != nil {
			return fmt.Errorf("invindex %s: last block of %q: %w", x.name, term, err)
		}
		n := min(maxBlock-last.count, len(ps))
		block, err := extendBlock(v, last.doc, ps[:n])
		if err != nil {
			return &CorruptionError{Key: bk, Reason: err.Error()}
		}
		if err := txn.Put(bk, block); err != nil {
			return err
		}
		last.doc, last.count = ps[n-1].doc, last.count+n
		ps = ps[n:]
	}
	for len(ps) > 0 {
		n := min(maxBlock, len(ps))
		last = lastInfo{base: ps[0].doc, doc: ps[n-1].doc, count: n}
		if err := txn.Put(binary.BigEndian.AppendUint32(bytes.Clone(prefix), last.base), encodeBlock(last.base, ps[:n])); err != nil {
			return err
		}
		ps = ps[n:]
	}
	return txn.Put(dk, last.encode())
}

// lastInfo is a term's dictionary entry: where its last block starts,
// the last document in it and how many postings it holds.
//
//	| base:4 BE | last doc:4 BE | count:2 BE |
type lastInfo struct {
	base, doc uint32
	count     int
}

func (l lastInfo) encode() []byte {
	out := binary.BigEndian.AppendUint32(nil, l.base)
	out = binary.BigEndian.AppendUint32(out, l.doc)
	return binary.BigEndian.AppendUint16(out, uint16(l.count))
}

// lastBlock reads a term's dictionary entry; found is false for a term
// with no postings.
func (x *Index) lastBlock(txn *mvcc.Txn, dk []byte) (l lastInfo, found bool, err error) {
	v, err := txn.Get(dk)
	if errors.Is(err, mvcc.ErrNotFound) {
		return l, false, nil
	}
	if err != nil {
		return l, false, fmt.Errorf("invindex %s: dictionary: %w", x.name, err)
	}
	if len(v) != 10 {
		return l, false, &CorruptionError{Key: dk, Reason: fmt.Sprintf("dictionary entry of %d bytes, want 10", len(v))}
	}
	l = lastInfo{base: binary.BigEndian.Uint32(v), doc: binary.BigEndian.Uint32(v[4:]), count: int(binary.BigEndian.Uint16(v[8:]))}
	if l.count == 0 || l.count > maxBlock || l.doc < l.base {
		return l, false, &CorruptionError{Key: dk, Reason: fmt.Sprintf("dictionary entry %+v is impossible", l)}
	}
	return l, true, nil
}

// decodeBlockAt decodes a whole block with positions.
func decodeBlockAt(key, val []byte) ([]posting, error) {
	if len(key) < 4 {
		return nil, &CorruptionError{Key: key, Reason: "block key too short"}
	}
	r := newBlockReader(binary.BigEndian.Uint32(key[len(key)-4:]), val)
	out := make([]posting, 0, min(r.left, maxBlock))
	for {
		var p posting
		if !r.next(&p, true) {
			break
		}
		out = append(out, p)
	}
	if r.err == nil && r.off != len(val) {
		r.err = fmt.Errorf("%d trailing bytes", len(val)-r.off)
	}
	if r.err != nil {
		return nil, &CorruptionError{Key: bytes.Clone(key), Reason: r.err.Error()}
	}
	return out, nil
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
			if err := x.removePosting(txn, f.field, t, rec.num); err != nil {
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

// removePosting drops doc from the block of (field, term) that holds it.
func (x *Index) removePosting(txn *mvcc.Txn, field, term string, doc uint32) error {
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
	base := binary.BigEndian.Uint32(key[len(key)-4:])
	dk := x.keys.dict(field, term)
	last, _, err := x.lastBlock(txn, dk)
	if err != nil {
		return err
	}
	isLast := last.base == base
	if len(ps) > 0 {
		if err := txn.Put(key, encodeBlock(base, ps)); err != nil {
			return err
		}
		if !isLast {
			return nil
		}
		return txn.Put(dk, lastInfo{base: base, doc: ps[len(ps)-1].doc, count: len(ps)}.encode())
	}
	if err := txn.Delete(key); err != nil || !isLast {
		return err
	}
	// the last block went: point the dictionary at the new last one
	rit := txn.ScanReverse(prefix, prefixEnd(prefix)) // sees the Delete above
	defer rit.Close()
	if rit.Next() {
		k := bytes.Clone(rit.Key())
		prev, err := decodeBlockAt(k, rit.Value())
		if err != nil {
			return err
		}
		l := lastInfo{base: binary.BigEndian.Uint32(k[len(k)-4:]), doc: prev[len(prev)-1].doc, count: len(prev)}
		return txn.Put(dk, l.encode())
	}
	if err := rit.Err(); err != nil {
		return err
	}
	return txn.Delete(dk)
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
