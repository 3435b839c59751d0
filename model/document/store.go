package document

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"github.com/aegisdb/aegis/invindex"
	"github.com/aegisdb/aegis/mvcc"
)

// Defaults used when Options leaves them zero.
const (
	DefaultMaxDocumentSize = 1 << 20 // bytes of JSON
	writeRetries           = 16
	maxNameLen             = 64
	maxIDLen               = 128
)

// Options configure a Store.
type Options struct {
	// MaxDocumentSize bounds a document's JSON encoding; 0 means 1 MiB.
	MaxDocumentSize int
	// Now is the clock for created/updated times; nil means time.Now.
	Now func() time.Time
}

// Spec describes a collection to create.
type Spec struct {
	Name string
	// Indexes are field paths with a secondary index.
	Indexes []string
	// TextFields are the field paths of the full-text index (none: no
	// full-text index).
	TextFields []string
	// Schema, when set, validates every document written.
	Schema map[string]any
}

// Collection is a collection's definition, as stored.
type Collection struct {
	Name       string         `json:"name"`
	CreatedAt  time.Time      `json:"created_at"`
	Indexes    []string       `json:"indexes"`
	TextFields []string       `json:"text_fields"`
	Schema     map[string]any `json:"schema,omitempty"`

	schema *Schema
}

// Document is one stored document.
type Document struct {
	ID         string
	Collection string
	Data       map[string]any
	CreatedAt  time.Time
	UpdatedAt  time.Time
	// Score is the full-text score (Search only).
	Score float64
}

// Store holds the collections of one mvcc DB. It is safe for concurrent
// use and does not own the DB.
type Store struct {
	db   *mvcc.DB
	opts Options

	inserts, updates, deletes, finds, searches, scanned, conflicts atomic.Uint64
}

// Metrics are the Store's cumulative counters.
type Metrics struct {
	Inserts, Updates, Deletes, Finds, Searches uint64
	// Scanned counts documents read and tested against filters.
	Scanned   uint64
	Conflicts uint64
}

// New returns a Store over db.
func New(db *mvcc.DB, opts Options) *Store {
	if opts.MaxDocumentSize <= 0 {
		opts.MaxDocumentSize = DefaultMaxDocumentSize
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Store{db: db, opts: opts}
}

// Metrics returns the counters.
func (s *Store) Metrics() Metrics {
	return Metrics{Inserts: s.inserts.Load(), Updates: s.updates.Load(), Deletes: s.deletes.Load(),
		Finds: s.finds.Load(), Searches: s.searches.Load(), Scanned: s.scanned.Load(), Conflicts: s.conflicts.Load()}
}

func validName(what, s string, maxLen int) error {
	ok := s != "" && len(s) <= maxLen
	for i := 0; ok && i < len(s); i++ {
		c := s[i]
		ok = c == '_' || c == '-' || c == '.' || c == ':' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	}
	if !ok {
		return fmt.Errorf("document: %s %q must be 1..%d characters of A-Z a-z 0-9 _ - . : : %w", what, s, maxLen, ErrBadName)
	}
	return nil
}

// retry runs fn in a read-write transaction, again after each
// write-write conflict, up to writeRetries times.
func (s *Store) retry(fn func(*mvcc.Txn) error) error {
	conflicts, err := s.db.Update(writeRetries, fn)
	s.conflicts.Add(uint64(conflicts))
	if errors.Is(err, mvcc.ErrConflict) {
		return fmt.Errorf("document: %w (%w)", ErrBusy, err)
	}
	return err
}

// read runs fn in a read-only transaction.
func (s *Store) read(fn func(*mvcc.Txn) error) error {
	txn, err := s.db.Begin(mvcc.TxnOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer txn.Rollback()
	return fn(txn)
}

func (s *Store) collection(txn *mvcc.Txn, name string) (*Collection, error) {
	if err := validName("collection name", name, maxNameLen); err != nil {
		return nil, err
	}
	k := collKey(name)
	v, err := txn.Get(k)
	if errors.Is(err, mvcc.ErrNotFound) {
		return nil, fmt.Errorf("document: collection %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("document: collection %q: %w", name, err)
	}
	return decodeCollection(k, v)
}

func decodeCollection(k, v []byte) (*Collection, error) {
	var c Collection
	if err := json.Unmarshal(v, &c); err != nil {
		return nil, &CorruptionError{Key: k, Reason: err.Error()}
	}
	if c.Schema != nil {
		sc, err := CompileSchema(c.Schema)
		if err != nil {
			return nil, &CorruptionError{Key: k, Reason: err.Error()}
		}
		c.schema = sc
	}
	return &c, nil
}

func putCollection(txn *mvcc.Txn, c *Collection) error {
	js, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return txn.Put(collKey(c.Name), js)
}

func checkPaths(what string, ps []string) ([]string, error) {
	out := slices.Clone(ps)
	slices.Sort(out)
	out = slices.Compact(out)
	for _, p := range out {
		if _, err := parsePath(p); err != nil {
			return nil, fmt.Errorf("document: %s: %w", what, err)
		}
	}
	if out == nil {
		out = []string{}
	}
	return out, nil
}

// CreateCollection creates a collection; ErrExists if the name is taken.
func (s *Store) CreateCollection(spec Spec) (*Collection, error) {
	if err := validName("collection name", spec.Name, maxNameLen); err != nil {
		return nil, err
	}
	c := &Collection{Name: spec.Name, CreatedAt: s.opts.Now().UTC(), Schema: spec.Schema}
	var err error
	if c.Indexes, err = checkPaths("index", spec.Indexes); err != nil {
		return nil, err
	}
	if c.TextFields, err = checkPaths("text field", spec.TextFields); err != nil {
		return nil, err
	}
	if spec.Schema != nil {
		if c.schema, err = CompileSchema(spec.Schema); err != nil {
			return nil, err
		}
	}
	err = s.retry(func(txn *mvcc.Txn) error {
		if _, err := txn.Get(collKey(c.Name)); err == nil {
			return fmt.Errorf("document: collection %q: %w", c.Name, ErrExists)
		} else if !errors.Is(err, mvcc.ErrNotFound) {
			return err
		}
		return putCollection(txn, c)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Collections lists every collection in name order.
func (s *Store) Collections() ([]*Collection, error) {
	var out []*Collection
	err := s.read(func(txn *mvcc.Txn) error {
		p := collPrefix()
		it := txn.Scan(p, prefixEnd(p))
		defer it.Close()
		for it.Next() {
			c, err := decodeCollection(bytes.Clone(it.Key()), it.Value())
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return it.Err()
	})
	return out, err
}

// Collection returns one collection's definition.
func (s *Store) Collection(name string) (*Collection, error) {
	var c *Collection
	err := s.read(func(txn *mvcc.Txn) (err error) {
		c, err = s.collection(txn, name)
		return err
	})
	return c, err
}

// Count returns the number of documents in a collection.
func (s *Store) Count(name string) (int, error) {
	n := 0
	err := s.read(func(txn *mvcc.Txn) error {
		if _, err := s.collection(txn, name); err != nil {
			return err
		}
		p := docPrefix(name)
		it := txn.Scan(p, prefixEnd(p))
		defer it.Close()
		for it.Next() {
			n++
		}
		return it.Err()
	})
	return n, err
}

// DropCollection deletes a collection with its documents and indexes.
func (s *Store) DropCollection(name string) error {
	return s.retry(func(txn *mvcc.Txn) error {
		c, err := s.collection(txn, name)
		if err != nil {
			return err
		}
		for _, p := range [][]byte{docPrefix(name), collIndexPrefix(name)} {
			if err := deletePrefix(txn, p); err != nil {
				return err
			}
		}
		if len(c.TextFields) > 0 {
			x, err := textIndex(s.db, name)
			if err != nil {
				return err
			}
			if err := x.DropTxn(txn); err != nil {
				return err
			}
		}
		return txn.Delete(collKey(name))
	})
}

// deletePrefix deletes every key starting with p; the scan sees only the
// writes made before it started, so deleting as it goes is safe.
func deletePrefix(txn *mvcc.Txn, p []byte) error {
	it := txn.Scan(p, prefixEnd(p))
	defer it.Close()
	for it.Next() {
		if err := txn.Delete(bytes.Clone(it.Key())); err != nil {
			return err
		}
	}
	return it.Err()
}

func prefixEnd(p []byte) []byte {
	end := bytes.Clone(p)
	end[len(end)-1]++ // every prefix here ends in a letter or 0x00
	return end
}

// NewID returns a generated document id: 8 bytes of creation time and 4
// random bytes in hex, so generated ids sort by creation time.
func (s *Store) NewID() string {
	var b [12]byte
	t := uint64(s.opts.Now().UnixNano())
	for i := range 8 {
		b[i] = byte(t >> (56 - 8*i))
	}
	rand.Read(b[8:])
	return hex.EncodeToString(b[:])
}

// encodeData checks and encodes a document body.
func (s *Store) encodeData(c *Collection, data map[string]any) ([]byte, error) {
	if data == nil {
		return nil, fmt.Errorf("document: the document must be a JSON object: %w", ErrBadDocument)
	}
	if c.schema != nil {
		if err := c.schema.Validate(data); err != nil {
			return nil, err
		}
	}
	js, err := json.Marshal(data)
	if err != nil {
		return nil, fmt.Errorf("document: %v: %w", err, ErrBadDocument)
	}
	if len(js) > s.opts.MaxDocumentSize {
		return nil, fmt.Errorf("document: %d bytes of JSON exceed the limit of %d: %w", len(js), s.opts.MaxDocumentSize, ErrBadDocument)
	}
	return js, nil
}

// Insert stores a new document; id "" means a generated one. ErrExists
// if the id is taken.
func (s *Store) Insert(coll, id string, data map[string]any) (*Document, error) {
	if id == "" {
		id = s.NewID()
	}
	if err := validName("document id", id, maxIDLen); err != nil {
		return nil, err
	}
	var doc *Document
	err := s.retry(func(txn *mvcc.Txn) error {
		c, err := s.collection(txn, coll)
		if err != nil {
			return err
		}
		if _, err := txn.Get(docKey(coll, id)); err == nil {
			return fmt.Errorf("document: %s/%s: %w", coll, id, ErrExists)
		} else if !errors.Is(err, mvcc.ErrNotFound) {
			return err
		}
		now := s.opts.Now().UTC()
		doc = &Document{ID: id, Collection: coll, Data: data, CreatedAt: now, UpdatedAt: now}
		return s.write(txn, c, nil, doc)
	})
	if err != nil {
		return nil, err
	}
	s.inserts.Add(1)
	return doc, nil
}

// Replace overwrites a document's data, keeping its creation time.
func (s *Store) Replace(coll, id string, data map[string]any) (*Document, error) {
	var doc *Document
	err := s.change(coll, id, func(old *Document) *Document {
		doc = &Document{ID: id, Collection: coll, Data: data, CreatedAt: old.CreatedAt, UpdatedAt: s.opts.Now().UTC()}
		return doc
	})
	if err != nil {
		return nil, err
	}
	s.updates.Add(1)
	return doc, nil
}

// Delete removes a document; ErrNotFound if it is not there.
func (s *Store) Delete(coll, id string) error {
	err := s.change(coll, id, func(*Document) *Document { return nil })
	if err == nil {
		s.deletes.Add(1)
	}
	return err
}

// change replaces an existing document by what next returns (nil:
// delete it).
func (s *Store) change(coll, id string, next func(old *Document) *Document) error {
	return s.retry(func(txn *mvcc.Txn) error {
		c, err := s.collection(txn, coll)
		if err != nil {
			return err
		}
		old, err := s.get(txn, coll, id)
		if err != nil {
			return err
		}
		return s.write(txn, c, old, next(old))
	})
}

// write replaces old (nil: none) by doc (nil: delete) with every index.
func (s *Store) write(txn *mvcc.Txn, c *Collection, old, doc *Document) error {
	var js []byte
	if doc != nil {
		var err error
		if js, err = s.encodeData(c, doc.Data); err != nil {
			return err
		}
	}
	for _, p := range c.Indexes {
		pp, _ := parsePath(p)
		oldVals, newVals := indexValues(old, pp), indexValues(doc, pp)
		for _, v := range oldVals {
			if !slices.ContainsFunc(newVals, func(n any) bool { return equal(n, v) }) {
				if err := txn.Delete(indexKey(c.Name, p, v, old.ID)); err != nil {
					return err
				}
			}
		}
		for _, v := range newVals {
			if err := txn.Put(indexKey(c.Name, p, v, doc.ID), nil); err != nil {
				return err
			}
		}
	}
	if len(c.TextFields) > 0 {
		x, err := textIndex(s.db, c.Name)
		if err != nil {
			return err
		}
		if doc == nil {
			err = x.DeleteTxn(txn, []string{old.ID})
		} else {
			err = x.AddTxn(txn, []invindex.Doc{textDoc(c, doc)})
		}
		if err != nil {
			return err
		}
	}
	if doc == nil {
		return txn.Delete(docKey(c.Name, old.ID))
	}
	return txn.Put(docKey(c.Name, doc.ID), encodeRecord(doc.CreatedAt, doc.UpdatedAt, js))
}

// indexValues are the distinct scalar candidates of p in doc: what a
// secondary index on p holds for it.
func indexValues(doc *Document, p path) []any {
	if doc == nil {
		return nil
	}
	cands, _ := candidates(doc.Data, p)
	var out []any
	for _, v := range cands {
		if isScalar(v) && !slices.ContainsFunc(out, func(o any) bool { return equal(o, v) }) {
			out = append(out, v)
		}
	}
	return out
}

// Get returns one document.
func (s *Store) Get(coll, id string) (*Document, error) {
	var doc *Document
	err := s.read(func(txn *mvcc.Txn) error {
		if _, err := s.collection(txn, coll); err != nil {
			return err
		}
		var err error
		doc, err = s.get(txn, coll, id)
		return err
	})
	return doc, err
}

func (s *Store) get(txn *mvcc.Txn, coll, id string) (*Document, error) {
	if err := validName("document id", id, maxIDLen); err != nil {
		return nil, err
	}
	k := docKey(coll, id)
	v, err := txn.Get(k)
	if errors.Is(err, mvcc.ErrNotFound) {
		return nil, fmt.Errorf("document: %s/%s: %w", coll, id, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return decodeDocument(coll, id, k, v)
}

func decodeDocument(coll, id string, k, v []byte) (*Document, error) {
	created, updated, js, err := decodeRecord(k, v)
	if err != nil {
		return nil, err
	}
	var data map[string]any
	if err := json.Unmarshal(js, &data); err != nil || data == nil {
		return nil, &CorruptionError{Key: k, Reason: fmt.Sprintf("body is not a JSON object: %v", err)}
	}
	return &Document{ID: id, Collection: coll, Data: data, CreatedAt: created, UpdatedAt: updated}, nil
}

// CreateIndex adds a secondary index on path and fills it from the
// documents already stored, in one transaction.
func (s *Store) CreateIndex(coll, p string) error {
	pp, err := parsePath(p)
	if err != nil {
		return err
	}
	return s.retry(func(txn *mvcc.Txn) error {
		c, err := s.collection(txn, coll)
		if err != nil {
			return err
		}
		if slices.Contains(c.Indexes, p) {
			return fmt.Errorf("document: index on %s.%s: %w", coll, p, ErrExists)
		}
		err = s.eachDoc(txn, coll, func(d *Document) error {
			for _, v := range indexValues(d, pp) {
				if err := txn.Put(indexKey(coll, p, v, d.ID), nil); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		c.Indexes = append(c.Indexes, p)
		slices.Sort(c.Indexes)
		return putCollection(txn, c)
	})
}

// DropIndex removes the secondary index on path.
func (s *Store) DropIndex(coll, p string) error {
	return s.retry(func(txn *mvcc.Txn) error {
		c, err := s.collection(txn, coll)
		if err != nil {
			return err
		}
		i := slices.Index(c.Indexes, p)
		if i < 0 {
			return fmt.Errorf("document: index on %s.%s: %w", coll, p, ErrNotFound)
		}
		c.Indexes = slices.Delete(c.Indexes, i, i+1)
		if err := deletePrefix(txn, indexPrefix(coll, p)); err != nil {
			return err
		}
		return putCollection(txn, c)
	})
}

// eachDoc calls fn for every document of coll in id order.
func (s *Store) eachDoc(txn *mvcc.Txn, coll string, fn func(*Document) error) error {
	p := docPrefix(coll)
	it := txn.Scan(p, prefixEnd(p))
	defer it.Close()
	for it.Next() {
		id := string(it.Key()[len(p):])
		d, err := decodeDocument(coll, id, bytes.Clone(it.Key()), it.Value())
		if err != nil {
			return err
		}
		if err := fn(d); err != nil {
			return err
		}
	}
	return it.Err()
}
