package document

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aegisdb/aegis/invindex"
	"github.com/aegisdb/aegis/mvcc"
)

// textIndex opens the full-text index of a collection: invindex name
// "doc." + collection, so its keys are "fts" 0x00 "doc.<name>" 0x00 ...
func textIndex(db *mvcc.DB, coll string) (*invindex.Index, error) {
	return invindex.Open(db, "doc."+coll, invindex.Options{})
}

// textDoc is what the full-text index holds for a document: each text
// field's strings (an array of strings joined by newlines).
func textDoc(c *Collection, d *Document) invindex.Doc {
	fields := map[string]string{}
	for _, f := range c.TextFields {
		p, _ := parsePath(f)
		cands, _ := candidates(d.Data, p)
		var parts []string
		for _, v := range cands {
			if s, ok := v.(string); ok {
				parts = append(parts, s)
			}
		}
		if len(parts) > 0 {
			fields[f] = strings.Join(parts, "\n")
		}
	}
	return invindex.Doc{ID: d.ID, Fields: fields}
}

// TextQuery asks Search for documents.
type TextQuery struct {
	// Query uses invindex.ParseQuery's syntax.
	Query string
	// Fields restricts the searched fields (nil: every text field).
	Fields []string
	// Boosts weigh fields; missing means 1.
	Boosts map[string]float64
	// Limit bounds the hits; 0 means 10.
	Limit int
	// Filter, when set, keeps only hits that match it.
	Filter map[string]any
}

// SearchResult is Search's answer.
type SearchResult struct {
	Documents []*Document // best first, with Score set
	Matched   int         // documents matching the text query and filter
}

// CreateTextIndex sets the full-text fields of a collection and indexes
// the documents already stored, in one transaction.
func (s *Store) CreateTextIndex(coll string, fields []string) error {
	fs, err := checkPaths("text field", fields)
	if err != nil {
		return err
	}
	if len(fs) == 0 {
		return fmt.Errorf("document: a full-text index needs at least one field: %w", ErrBadName)
	}
	return s.retry(func(txn *mvcc.Txn) error {
		c, err := s.collection(txn, coll)
		if err != nil {
			return err
		}
		x, err := textIndex(s.db, coll)
		if err != nil {
			return err
		}
		if err := x.DropTxn(txn); err != nil {
			return err
		}
		c.TextFields = fs
		var docs []invindex.Doc
		err = s.eachDoc(txn, coll, func(d *Document) error {
			docs = append(docs, textDoc(c, d))
			return nil
		})
		if err != nil {
			return err
		}
		if err := x.AddTxn(txn, docs); err != nil {
			return err
		}
		return putCollection(txn, c)
	})
}

// Search runs a full-text query on a collection's text index.
func (s *Store) Search(coll string, q TextQuery) (*SearchResult, error) {
	var f *Filter
	if q.Filter != nil {
		var err error
		if f, err = CompileFilter(q.Filter); err != nil {
			return nil, err
		}
	}
	query, err := invindex.ParseQuery(q.Query)
	if err != nil {
		return nil, fmt.Errorf("%w (%w)", err, ErrBadFilter)
	}
	if q.Limit < 0 {
		return nil, badFilter("limit must not be negative")
	}
	limit := q.Limit
	if limit == 0 {
		limit = 10
	}
	s.searches.Add(1)
	res := &SearchResult{}
	err = s.read(func(txn *mvcc.Txn) error {
		c, err := s.collection(txn, coll)
		if err != nil {
			return err
		}
		if len(c.TextFields) == 0 {
			return fmt.Errorf("document: collection %q: %w", coll, ErrNoTextIndex)
		}
		for _, fld := range q.Fields {
			if !slices.Contains(c.TextFields, fld) {
				return fmt.Errorf("document: %q is not a text field of %q: %w", fld, coll, ErrBadFilter)
			}
		}
		fields := q.Fields
		if fields == nil {
			fields = c.TextFields
		}
		x, err := textIndex(s.db, coll)
		if err != nil {
			return err
		}
		opts := invindex.SearchOptions{Limit: limit, Fields: fields, Boosts: q.Boosts}
		if f != nil {
			opts.Limit = -1 // filter every hit, then cut
		}
		r, err := x.SearchTxn(txn, query, opts)
		if err != nil {
			return err
		}
		res.Matched = r.Total
		if f != nil {
			res.Matched = 0
		}
		for _, h := range r.Hits {
			d, err := s.get(txn, coll, h.ID)
			if errors.Is(err, ErrNotFound) {
				return &CorruptionError{Key: docKey(coll, h.ID), Reason: "in the text index but not stored"}
			}
			if err != nil {
				return err
			}
			if f != nil {
				if !f.Match(d.Data) {
					continue
				}
				res.Matched++
				if len(res.Documents) >= limit {
					continue
				}
			}
			d.Score = h.Score
			res.Documents = append(res.Documents, d)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}
