package table

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/aegisdb/aegis/model/keyenc"
	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/mvcc"
)

// Catalog reads and changes table descriptors through mvcc transactions,
// so DDL is transactional like any write, and hands out sequence values.
//
// Reads of descriptors are cached. Every DDL statement writes a fresh
// random nonce under the schema key; a transaction that reads the nonce
// the cache was filled under sees exactly the cached descriptors. A nonce
// is never reused, so a cache filled inside a transaction that later
// rolls back is simply never hit again.
type Catalog struct {
	db *mvcc.DB

	mu          sync.Mutex
	cacheNonce  string
	cacheByName map[string]*Desc
	seqs        map[uint32]*seqBlock
	rownos      map[uint32]*seqBlock // row-number blocks (bitmapindex.go)
	// stats caches decoded statistics by table, with the bytes they were
	// decoded from: a read that finds the same bytes skips the decoding.
	stats map[uint32]cachedStats
	// graph is the foreign key reverse map, valid under graphNonce.
	graph      *refGraph
	graphNonce string
	// onChange receives captured tables' row changes (capture.go).
	onChange atomic.Pointer[ChangeFunc]
}

type cachedStats struct {
	version string
	st      *Stats
}

// seqBlock is a run of sequence values reserved for this process.
type seqBlock struct{ next, end int64 }

// seqBlockSize is how many sequence values one reservation takes. A crash
// or restart skips what was reserved and not used, as PostgreSQL's
// sequence cache does.
const seqBlockSize = 64

// NewCatalog returns the catalog of the tables stored in db.
func NewCatalog(db *mvcc.DB) *Catalog {
	return &Catalog{db: db, seqs: map[uint32]*seqBlock{}, rownos: map[uint32]*seqBlock{}, stats: map[uint32]cachedStats{}}
}

// DB returns the mvcc database the catalog lives in.
func (c *Catalog) DB() *mvcc.DB { return c.db }

func readNonce(txn *mvcc.Txn) (string, error) {
	v, err := txn.Get(schemaKey)
	if errors.Is(err, mvcc.ErrNotFound) {
		return "", nil
	}
	return string(v), err
}

// bumpSchema marks a DDL change: readers of the new nonce miss the cache.
func bumpSchema(txn *mvcc.Txn) error {
	var nonce [16]byte
	if _, err := rand.Read(nonce[:]); err != nil {
		return err
	}
	return txn.Put(schemaKey, nonce[:])
}

// Table returns the descriptor of the named table as txn sees it. The
// descriptor is shared: do not change it (Clone it first).
func (c *Catalog) Table(txn *mvcc.Txn, name string) (*Desc, error) {
	nonce, err := readNonce(txn)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if nonce == c.cacheNonce && c.cacheByName != nil {
		if d, ok := c.cacheByName[name]; ok {
			c.mu.Unlock()
			if d == nil {
				return nil, fmt.Errorf("%w: %s", ErrNoSuchTable, name)
			}
			return d, nil
		}
	}
	c.mu.Unlock()
	d, err := c.load(txn, name)
	if err != nil && !errors.Is(err, ErrNoSuchTable) {
		return nil, err
	}
	c.mu.Lock()
	if nonce != c.cacheNonce || c.cacheByName == nil {
		c.cacheNonce, c.cacheByName = nonce, map[string]*Desc{}
	}
	c.cacheByName[name] = d // nil remembers "no such table"
	c.mu.Unlock()
	return d, err
}

func (c *Catalog) load(txn *mvcc.Txn, name string) (*Desc, error) {
	nk := nameKey(name)
	v, err := txn.Get(nk)
	if errors.Is(err, mvcc.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s", ErrNoSuchTable, name)
	}
	if err != nil {
		return nil, err
	}
	id, err := decodeID(nk, v)
	if err != nil {
		return nil, err
	}
	return c.byID(txn, id)
}

func (c *Catalog) byID(txn *mvcc.Txn, id uint32) (*Desc, error) {
	dk := descKey(id)
	b, err := txn.Get(dk)
	if errors.Is(err, mvcc.ErrNotFound) {
		return nil, &CorruptError{Key: dk, Reason: fmt.Sprintf("table %d is named but has no descriptor", id)}
	}
	if err != nil {
		return nil, err
	}
	d, err := decodeDesc(dk, b)
	if err != nil {
		return nil, err
	}
	d.cat = c
	return d, nil
}

func decodeID(key, v []byte) (uint32, error) {
	dec := keyenc.NewDecoder(v)
	val, err := dec.Next(keyenc.Ascending)
	if err != nil || val.Kind != keyenc.KindInt || !dec.Done() {
		return 0, &CorruptError{Key: key, Reason: "name entry holds no table ID"}
	}
	return checkTableID(key, val.Int)
}

// Tables returns every table txn sees, ordered by name.
func (c *Catalog) Tables(txn *mvcc.Txn) ([]*Desc, error) {
	lower, upper := namesSpan()
	it := txn.Scan(lower, upper)
	defer it.Close()
	var ids []uint32
	for it.Next() {
		id, err := decodeID(it.Key(), it.Value())
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := it.Err(); err != nil {
		return nil, err
	}
	out := make([]*Desc, 0, len(ids))
	for _, id := range ids {
		d, err := c.byID(txn, id)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// CreateTable stores a new table described by d (from NewDesc), assigning
// its ID. It fails with ErrTableExists when the name is taken.
func (c *Catalog) CreateTable(txn *mvcc.Txn, d *Desc) error {
	if err := d.validateNew(); err != nil {
		return err
	}
	nk := nameKey(d.Name)
	if _, err := txn.Get(nk); err == nil {
		return fmt.Errorf("%w: %s", ErrTableExists, d.Name)
	} else if !errors.Is(err, mvcc.ErrNotFound) {
		return err
	}
	id, err := nextTableID(txn)
	if err != nil {
		return err
	}
	d.ID = id
	d.Version = 1
	if err := putDesc(txn, d); err != nil {
		return err
	}
	if err := txn.Put(nk, keyenc.AppendInt(nil, int64(id), keyenc.Ascending)); err != nil {
		return err
	}
	return bumpSchema(txn)
}

func (d *Desc) validateNew() error {
	if d.NextColumnID == 0 {
		return fmt.Errorf("%w: build descriptors with NewDesc", ErrBadDefinition)
	}
	return nil
}

func nextTableID(txn *mvcc.Txn) (uint32, error) {
	v, err := txn.Get(nextTableIDKey)
	id := uint32(1)
	switch {
	case err == nil && len(v) == 4:
		id = binary.BigEndian.Uint32(v)
	case err == nil:
		return 0, &CorruptError{Key: nextTableIDKey, Reason: fmt.Sprintf("%d bytes, want 4", len(v))}
	case !errors.Is(err, mvcc.ErrNotFound):
		return 0, err
	}
	if id == 0 || id == 1<<32-1 {
		return 0, fmt.Errorf("%w: table IDs exhausted", ErrBadDefinition)
	}
	return id, txn.Put(nextTableIDKey, binary.BigEndian.AppendUint32(nil, id+1))
}

func putDesc(txn *mvcc.Txn, d *Desc) error {
	b, err := encodeDesc(d)
	if err != nil {
		return err
	}
	return txn.Put(descKey(d.ID), b)
}

// DropTable removes the named table, its rows, indexes, sequence and
// statistics. A table another table's foreign key references is refused
// (ErrDependentObjects), as PostgreSQL's DROP TABLE without CASCADE.
func (c *Catalog) DropTable(txn *mvcc.Txn, name string) error {
	return c.DropTables(txn, []string{name})
}

// DropTables drops the named tables together: a foreign key between two
// of them does not stand in the way.
func (c *Catalog) DropTables(txn *mvcc.Txn, names []string) error {
	g, err := c.refGraph(txn)
	if err != nil {
		return err
	}
	descs := make([]*Desc, len(names))
	dropping := map[uint32]bool{}
	for i, name := range names {
		if descs[i], err = c.Table(txn, name); err != nil {
			return err
		}
		dropping[descs[i].ID] = true
	}
	for _, d := range descs {
		if deps := g.dependents(d, dropping); len(deps) > 0 {
			return dependError(d.Name, deps[0])
		}
	}
	for _, d := range descs {
		if err := dropTable(txn, d); err != nil {
			return err
		}
	}
	return bumpSchema(txn)
}

func dropTable(txn *mvcc.Txn, d *Desc) error {
	lower, upper := TableSpan(d.ID)
	if err := deleteRange(txn, lower, upper); err != nil {
		return err
	}
	for _, k := range [][]byte{nameKey(d.Name), descKey(d.ID), seqKey(d.ID), rowNoSeqKey(d.ID), statsKey(d.ID), statsVersionKey(d.ID)} {
		if err := txn.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

func deleteRange(txn *mvcc.Txn, lower, upper []byte) error {
	it := txn.Scan(lower, upper)
	var keys [][]byte
	for it.Next() {
		keys = append(keys, append([]byte(nil), it.Key()...))
	}
	err := it.Err()
	it.Close()
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := txn.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// Clone returns a deep copy of d, to change it for an ALTER.
func (d *Desc) Clone() *Desc {
	b, err := json.Marshal(d)
	if err != nil {
		panic(fmt.Sprintf("table: descriptor does not marshal: %v", err)) // plain data: cannot happen
	}
	var out Desc
	if err := json.Unmarshal(b, &out); err != nil {
		panic(fmt.Sprintf("table: descriptor does not round-trip: %v", err))
	}
	out.cat = d.cat
	return &out
}

// AddColumn adds a column to the named table. Existing rows read it as
// NULL; a NOT NULL column without a default is refused on a table that
// has rows. Filling existing rows with a default is the caller's job.
func (c *Catalog) AddColumn(txn *mvcc.Txn, tableName string, col Column) (*Desc, error) {
	return c.alter(txn, tableName, func(d *Desc) error {
		if d.ColumnIndex(col.Name) >= 0 {
			return fmt.Errorf("%w: %s.%s", ErrColumnExists, d.Name, col.Name)
		}
		if col.Serial {
			return fmt.Errorf("%w: adding a SERIAL column to an existing table", ErrUnsupported)
		}
		if col.NotNull && col.Default == "" {
			empty, err := isEmpty(txn, d)
			if err != nil {
				return err
			}
			if !empty {
				return fmt.Errorf("%w: column %q is NOT NULL without a default and table %s has rows", ErrNotNull, col.Name, d.Name)
			}
		}
		col.ID = d.NextColumnID
		d.NextColumnID++
		d.Columns = append(d.Columns, col)
		return nil
	})
}

// DropColumn removes a column. Its bytes stay in old rows and are skipped
// on read; column IDs are never reused. Key columns cannot be dropped.
func (c *Catalog) DropColumn(txn *mvcc.Txn, tableName, column string) (*Desc, error) {
	return c.alter(txn, tableName, func(d *Desc) error {
		pos := d.ColumnIndex(column)
		if pos < 0 || d.Columns[pos].Hidden {
			return fmt.Errorf("%w: %s.%s", ErrNoSuchColumn, d.Name, column)
		}
		id := d.Columns[pos].ID
		for _, pk := range d.Primary.Columns {
			if pk == id {
				return fmt.Errorf("%w: cannot drop primary key column %q", ErrBadDefinition, column)
			}
		}
		for _, ix := range d.Indexes {
			for _, c := range ix.Columns {
				if c == id {
					return fmt.Errorf("%w: column %q is used by index %s; drop the index first", ErrBadDefinition, column, ix.Name)
				}
			}
		}
		if len(d.VisibleColumns()) == 1 {
			return fmt.Errorf("%w: cannot drop the only column of table %s", ErrBadDefinition, d.Name)
		}
		d.Columns = append(d.Columns[:pos], d.Columns[pos+1:]...)
		return nil
	})
}

// RenameColumn renames a column; rows are untouched (they store IDs).
// Foreign keys hold IDs too; only the References text of the columns
// referencing a renamed column is rewritten.
func (c *Catalog) RenameColumn(txn *mvcc.Txn, tableName, from, to string) (*Desc, error) {
	d, err := c.renameColumn(txn, tableName, from, to)
	if err != nil {
		return nil, err
	}
	return d, c.relabelReferences(txn, d, d.Columns[d.ColumnIndex(to)].ID)
}

func (c *Catalog) renameColumn(txn *mvcc.Txn, tableName, from, to string) (*Desc, error) {
	return c.alter(txn, tableName, func(d *Desc) error {
		pos := d.ColumnIndex(from)
		if pos < 0 || d.Columns[pos].Hidden {
			return fmt.Errorf("%w: %s.%s", ErrNoSuchColumn, d.Name, from)
		}
		if d.ColumnIndex(to) >= 0 {
			return fmt.Errorf("%w: %s.%s", ErrColumnExists, d.Name, to)
		}
		d.Columns[pos].Name = to
		return nil
	})
}

func (c *Catalog) alter(txn *mvcc.Txn, tableName string, change func(*Desc) error) (*Desc, error) {
	cur, err := c.Table(txn, tableName)
	if err != nil {
		return nil, err
	}
	d := cur.Clone()
	if err := change(d); err != nil {
		return nil, err
	}
	d.Version++
	if err := putDesc(txn, d); err != nil {
		return nil, err
	}
	return d, bumpSchema(txn)
}

// RenameTable gives a table a new name. Rows, indexes and foreign keys
// hold the table's ID, so only the name entry and the descriptor change
// (and the References labels of the columns that point at it).
func (c *Catalog) RenameTable(txn *mvcc.Txn, from, to string) error {
	nk := nameKey(to)
	if _, err := txn.Get(nk); err == nil {
		return fmt.Errorf("%w: %s", ErrTableExists, to)
	} else if !errors.Is(err, mvcc.ErrNotFound) {
		return err
	}
	d, err := c.alter(txn, from, func(d *Desc) error {
		d.Name = to
		return nil
	})
	if err != nil {
		return err
	}
	if err := txn.Delete(nameKey(from)); err != nil {
		return err
	}
	if err := txn.Put(nk, keyenc.AppendInt(nil, int64(d.ID), keyenc.Ascending)); err != nil {
		return err
	}
	for _, col := range d.Columns {
		if err := c.relabelReferences(txn, d, col.ID); err != nil {
			return err
		}
	}
	return nil
}

func isEmpty(txn *mvcc.Txn, d *Desc) (bool, error) {
	p := IndexPrefix(d.ID, PrimaryIndexID)
	it := txn.Scan(p, keyenc.PrefixEnd(p))
	defer it.Close()
	if it.Next() {
		return false, nil
	}
	return true, it.Err()
}

// CreateIndex adds a secondary index to a table and fills it from the
// table's rows, failing with ErrDuplicateKey if a unique index would be
// violated by rows already there.
func (c *Catalog) CreateIndex(txn *mvcc.Txn, tableName, indexName string, columns []string, desc []bool, unique bool, kind IndexKind) (*Desc, error) {
	if _, _, err := c.FindIndex(txn, indexName); err == nil {
		return nil, fmt.Errorf("%w: %s", ErrIndexExists, indexName)
	} else if !errors.Is(err, ErrNoSuchIndex) {
		return nil, err
	}
	var ix *Index
	fresh := false // the table numbers its rows only from its first bitmap index
	d, err := c.alter(txn, tableName, func(d *Desc) error {
		var err error
		fresh = d.RowNumbers == nil
		ix, err = d.NewIndex(indexName, columns, desc, unique, kind)
		return err
	})
	if err != nil {
		return nil, err
	}
	if ix.Kind == IndexBitmap {
		return d, c.fillBitmapIndex(txn, d, ix, fresh)
	}
	// Fill it from the rows: one scan of the primary index.
	all := make([]int, len(d.Columns))
	for i := range all {
		all[i] = i
	}
	s := NewScanner(txn, d, ScanOptions{Columns: all})
	defer s.Close()
	for {
		row, ok, err := s.NextRow()
		if err != nil {
			return nil, err
		}
		if !ok {
			return d, nil
		}
		if err := putIndexEntry(txn, d, ix, row); err != nil {
			return nil, err
		}
	}
}

// DropIndex removes a secondary index and its entries.
func (c *Catalog) DropIndex(txn *mvcc.Txn, indexName string) (*Desc, error) {
	owner, ix, err := c.FindIndex(txn, indexName)
	if err != nil {
		return nil, err
	}
	if err := c.checkIndexDrop(txn, owner, ix); err != nil {
		return nil, err
	}
	var id uint32
	var unnumbered *RowNumbering // row-number maps the last bitmap index left behind
	d, err := c.alter(txn, owner.Name, func(d *Desc) error {
		for i := range d.Indexes {
			if d.Indexes[i].Name == indexName {
				id = d.Indexes[i].ID
				d.Indexes = append(d.Indexes[:i], d.Indexes[i+1:]...)
				if d.RowNumbers != nil && len(d.BitmapIndexes()) == 0 {
					unnumbered, d.RowNumbers = d.RowNumbers, nil
				}
				return nil
			}
		}
		return fmt.Errorf("%w: %s", ErrNoSuchIndex, indexName)
	})
	if err != nil {
		return nil, err
	}
	if unnumbered != nil {
		if err := dropRowNumbers(txn, d.ID, unnumbered); err != nil {
			return nil, err
		}
	}
	p := IndexPrefix(d.ID, id)
	return d, deleteRange(txn, p, keyenc.PrefixEnd(p))
}

// FindIndex returns the table owning the named secondary index, and the index.
func (c *Catalog) FindIndex(txn *mvcc.Txn, indexName string) (*Desc, *Index, error) {
	tables, err := c.Tables(txn)
	if err != nil {
		return nil, nil, err
	}
	for _, d := range tables {
		if ix := d.Index(indexName); ix != nil {
			return d, ix, nil
		}
	}
	return nil, nil, fmt.Errorf("%w: %s", ErrNoSuchIndex, indexName)
}

// NextSerial returns the next value of a table's sequence, which SERIAL
// columns and the hidden rowid draw from. Values are reserved in blocks by
// short transactions of their own, so they are never rolled back and
// concurrent inserts do not conflict on the sequence: like PostgreSQL's
// sequences, they are unique and increasing but may have gaps.
func (c *Catalog) NextSerial(tableID uint32) (int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b := c.seqs[tableID]
	if b == nil || b.next >= b.end {
		start, err := c.reserve(seqKey(tableID), seqBlockSize)
		if err != nil {
			return 0, err
		}
		b = &seqBlock{next: start, end: start + seqBlockSize}
		c.seqs[tableID] = b
	}
	v := b.next
	b.next++
	return v, nil
}

// reserve takes n values of the sequence stored under k and returns the
// first, in a short transaction of its own.
func (c *Catalog) reserve(k []byte, n int64) (int64, error) {
	for attempt := 0; ; attempt++ {
		txn, err := c.db.Begin(mvcc.TxnOptions{})
		if err != nil {
			return 0, err
		}
		start := int64(1)
		v, err := txn.Get(k)
		switch {
		case err == nil && len(v) == 8:
			start = int64(binary.BigEndian.Uint64(v))
		case err == nil:
			txn.Rollback()
			return 0, &CorruptError{Key: k, Reason: "sequence is not 8 bytes"}
		case !errors.Is(err, mvcc.ErrNotFound):
			txn.Rollback()
			return 0, err
		}
		if err := txn.Put(k, binary.BigEndian.AppendUint64(nil, uint64(start+n))); err != nil {
			txn.Rollback()
			return 0, err
		}
		err = txn.Commit()
		if err == nil {
			return start, nil
		}
		if !errors.Is(err, mvcc.ErrConflict) || attempt > 100 {
			return 0, err
		}
	}
}

// Stats are a table's statistics, gathered by ANALYZE for the optimizer.
type Stats struct {
	RowCount int64         `json:"row_count"`
	Columns  []ColumnStats `json:"columns"`
}

// ColumnStats describe one column's values.
type ColumnStats struct {
	ColumnID uint32 `json:"column_id"`
	Distinct int64  `json:"distinct"`
	Nulls    int64  `json:"nulls"`
	// Histogram holds equi-depth bucket upper bounds, ascending: about the
	// same number of rows falls in each bucket.
	Histogram []types.Datum `json:"histogram,omitempty"`
}

// SetStats stores the statistics of a table.
func (c *Catalog) SetStats(txn *mvcc.Txn, tableID uint32, s *Stats) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	if err := txn.Put(statsKey(tableID), b); err != nil {
		return err
	}
	version := make([]byte, 16)
	if _, err := rand.Read(version); err != nil {
		return err
	}
	return txn.Put(statsVersionKey(tableID), version)
}

// Stats returns the statistics of a table, or nil when it was never
// analyzed. The result is shared: do not change it.
func (c *Catalog) Stats(txn *mvcc.Txn, tableID uint32) (*Stats, error) {
	version, err := txn.Get(statsVersionKey(tableID))
	if errors.Is(err, mvcc.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	cached, ok := c.stats[tableID]
	c.mu.Unlock()
	if ok && cached.version == string(version) {
		return cached.st, nil
	}
	k := statsKey(tableID)
	b, err := txn.Get(k)
	if err != nil {
		return nil, &CorruptError{Key: k, Reason: fmt.Sprintf("statistics missing beside their version: %v", err)}
	}
	var s Stats
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, &CorruptError{Key: k, Reason: "statistics: " + err.Error()}
	}
	c.mu.Lock()
	c.stats[tableID] = cachedStats{version: string(version), st: &s}
	c.mu.Unlock()
	return &s, nil
}
