package document

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/aegisdb/aegis/model/keyenc"
	"github.com/aegisdb/aegis/mvcc"
)

// Query asks Find for documents.
type Query struct {
	Filter map[string]any
	// Sort lists field paths, each ascending or, with a leading "-",
	// descending; ties are broken by id.
	Sort []string
	Skip int
	// Limit bounds the documents returned; 0 means all.
	Limit int
	// Projection lists the field paths to return (nil: the whole
	// document).
	Projection []string
	// NoIndex forces a full scan even when an index could serve.
	NoIndex bool
}

// Result is Find's answer.
type Result struct {
	Documents []*Document
	// Matched counts documents matching the filter, before Skip/Limit.
	Matched int
	// Scanned counts documents read and tested against the filter.
	Scanned int
	// Index names the index paths used, "" for a full scan.
	Index string
}

type sortKey struct {
	path path
	desc bool
}

func compileSort(spec []string) ([]sortKey, error) {
	var out []sortKey
	for _, s := range spec {
		k := sortKey{}
		if rest, ok := strings.CutPrefix(s, "-"); ok {
			s, k.desc = rest, true
		}
		p, err := parsePath(s)
		if err != nil {
			return nil, fmt.Errorf("document: sort: %w (%w)", err, ErrBadFilter)
		}
		k.path = p
		out = append(out, k)
	}
	return out, nil
}

// sortValue is the value a document sorts by on p: its first value at p,
// or null when missing.
func sortValue(d *Document, p path) any {
	vals, _ := resolve(d.Data, p)
	if len(vals) == 0 {
		return nil
	}
	return vals[0]
}

// Find returns the documents of coll matching q, in one snapshot.
func (s *Store) Find(coll string, q Query) (*Result, error) {
	f, err := CompileFilter(q.Filter)
	if err != nil {
		return nil, err
	}
	keys, err := compileSort(q.Sort)
	if err != nil {
		return nil, err
	}
	var proj []path
	for _, p := range q.Projection {
		pp, err := parsePath(p)
		if err != nil {
			return nil, fmt.Errorf("document: projection: %w (%w)", err, ErrBadFilter)
		}
		proj = append(proj, pp)
	}
	if q.Skip < 0 || q.Limit < 0 {
		return nil, badFilter("skip and limit must not be negative")
	}
	s.finds.Add(1)
	res := &Result{}
	var docs []*Document
	err = s.read(func(txn *mvcc.Txn) error {
		c, err := s.collection(txn, coll)
		if err != nil {
			return err
		}
		test := func(d *Document) error {
			res.Scanned++
			if f.Match(d.Data) {
				docs = append(docs, d)
			}
			return nil
		}
		ids, used, err := s.plan(txn, c, f, q.NoIndex)
		if err != nil {
			return err
		}
		if used == "" {
			return s.eachDoc(txn, coll, test)
		}
		res.Index = used
		for _, id := range ids {
			d, err := s.get(txn, coll, id)
			if err != nil {
				return fmt.Errorf("document: index %s points at %s: %w", used, id, err)
			}
			test(d)
		}
		return nil
	})
	s.scanned.Add(uint64(res.Scanned))
	if err != nil {
		return nil, err
	}
	res.Matched = len(docs)
	slices.SortStableFunc(docs, func(a, b *Document) int {
		for _, k := range keys {
			c := compare(sortValue(a, k.path), sortValue(b, k.path))
			if k.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return strings.Compare(a.ID, b.ID)
	})
	docs = docs[min(q.Skip, len(docs)):]
	if q.Limit > 0 && len(docs) > q.Limit {
		docs = docs[:q.Limit]
	}
	if proj != nil {
		for _, d := range docs {
			d.Data = project(d.Data, proj)
		}
	}
	res.Documents = docs
	return res, nil
}

// plan picks the candidate documents from the secondary indexes that
// serve top-level conditions of f, intersecting when several do. It
// returns used == "" when no index applies (or noIndex), meaning a full
// scan. The candidates are a superset of the matches: every document
// whose values satisfy a condition has an index entry in its range, and
// Find still tests each candidate against the whole filter.
func (s *Store) plan(txn *mvcc.Txn, c *Collection, f *Filter, noIndex bool) ([]string, string, error) {
	if noIndex {
		return nil, "", nil
	}
	var ids []string
	var used []string
	for _, cj := range f.conjs {
		if !slices.Contains(c.Indexes, cj.path) {
			continue
		}
		got, err := s.indexLookup(txn, c.Name, cj)
		if err != nil {
			return nil, "", err
		}
		if used == nil {
			ids = got
		} else {
			ids = intersectSorted(ids, got)
		}
		used = append(used, cj.path+" "+cj.op)
	}
	return ids, strings.Join(used, ", "), nil
}

// indexLookup returns the sorted, distinct ids whose index entries on
// cj.path fall in cj's range.
func (s *Store) indexLookup(txn *mvcc.Txn, coll string, cj conj) ([]string, error) {
	base := indexPrefix(coll, cj.path)
	var ranges [][2][]byte
	point := func(v any) {
		p := appendValue(bytes.Clone(base), v)
		ranges = append(ranges, [2][]byte{p, keyenc.PrefixEnd(p)})
	}
	switch cj.op {
	case "$eq":
		point(cj.arg)
	case "$in":
		for _, a := range cj.args {
			point(a)
		}
	default: // a range within the operand's type
		at := appendValue(bytes.Clone(base), cj.arg)
		typeLo := at[:len(base)+1]
		typeHi := keyenc.PrefixEnd(typeLo)
		switch cj.op {
		case "$gt":
			ranges = append(ranges, [2][]byte{keyenc.PrefixEnd(at), typeHi})
		case "$gte":
			ranges = append(ranges, [2][]byte{at, typeHi})
		case "$lt":
			ranges = append(ranges, [2][]byte{typeLo, at})
		case "$lte":
			ranges = append(ranges, [2][]byte{typeLo, keyenc.PrefixEnd(at)})
		}
	}
	var ids []string
	for _, r := range ranges {
		it := txn.Scan(r[0], r[1])
		for it.Next() {
			id, err := idFromIndexKey(len(base), bytes.Clone(it.Key()))
			if err != nil {
				it.Close()
				return nil, err
			}
			ids = append(ids, id)
		}
		err := it.Err()
		it.Close()
		if err != nil {
			return nil, err
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), nil
}

func intersectSorted(a, b []string) []string {
	var out []string
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch c := strings.Compare(a[i], b[j]); {
		case c < 0:
			i++
		case c > 0:
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	return out
}
