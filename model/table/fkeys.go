package table

import (
	"errors"
	"fmt"

	"github.com/aegisdb/aegis/model/keyenc"
	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/mvcc"
)

// Foreign keys (REFERENCES), NO ACTION, checked at the end of each
// statement: see "Foreign keys" in doc.go for the design.

// ForeignKey is an enforced REFERENCES constraint of one column.
type ForeignKey struct {
	Name   string `json:"name"`   // the constraint's name, <table>_<column>_fkey
	Table  uint32 `json:"table"`  // the referenced (parent) table's ID
	Column uint32 `json:"column"` // the referenced column's ID in the parent
}

// fkLockIndexID is the pseudo index, inside the parent's table span,
// holding the lock keys that make a child insert and a parent delete of
// one key conflict (doc.go). Real indexes start at PrimaryIndexID.
const fkLockIndexID = 0

func fkLockKey(parent *Desc, colID uint32, v types.Datum) []byte {
	k := IndexPrefix(parent.ID, fkLockIndexID)
	k = AppendDatum(k, types.Datum{Type: types.TypeBigInt, I: int64(colID)}, false)
	return AppendDatum(k, v, false)
}

// ForeignKeyError is a statement that would leave a referencing value
// without its referenced row (ErrForeignKey), a DDL that would drop what
// a foreign key needs (ErrDependentObjects), or a REFERENCES clause that
// cannot be enforced (ErrNoSuchTable, ErrNoSuchColumn, ErrBadDefinition).
// Its text is PostgreSQL's message, then its DETAIL line if any.
type ForeignKeyError struct {
	Message string
	Detail  string
	Err     error
}

func fkErr(err error, msg, detail string) error {
	return &ForeignKeyError{Err: err, Message: msg, Detail: detail}
}

func (e *ForeignKeyError) Error() string {
	if e.Detail == "" {
		return e.Message
	}
	return e.Message + "\nDETAIL: " + e.Detail
}

func (e *ForeignKeyError) Unwrap() error { return e.Err }

// AddForeignKey makes column of the named table reference refColumn of
// refTable ("" for its primary key), and checks the rows already there.
// The referenced column must be the parent's whole primary key or have a
// unique index of its own, with a type whose key encoding matches.
func (c *Catalog) AddForeignKey(txn *mvcc.Txn, tableName, column, refTable, refColumn string) (*Desc, error) {
	parent, err := c.Table(txn, refTable)
	if errors.Is(err, ErrNoSuchTable) {
		return nil, fkErr(ErrNoSuchTable, fmt.Sprintf("relation %q does not exist", refTable), "")
	}
	if err != nil {
		return nil, err
	}
	ppos := -1
	if refColumn == "" {
		if len(parent.Primary.Columns) != 1 {
			return nil, fkErr(ErrBadDefinition, "number of referencing and referenced columns for foreign key disagree", "")
		}
		ppos = parent.ColumnByID(parent.Primary.Columns[0])
		if parent.Columns[ppos].Hidden {
			return nil, fkErr(ErrBadDefinition, fmt.Sprintf("there is no primary key for referenced table %q", refTable), "")
		}
	} else if ppos = parent.ColumnIndex(refColumn); ppos < 0 || parent.Columns[ppos].Hidden {
		return nil, fkErr(ErrNoSuchColumn, fmt.Sprintf("column %q referenced in foreign key constraint does not exist", refColumn), "")
	}
	pcol := parent.Columns[ppos]
	if parent.uniqueKeyOf(pcol.ID, "") == nil {
		return nil, fkErr(ErrBadDefinition, fmt.Sprintf("there is no unique constraint matching given keys for referenced table %q", refTable), "")
	}
	var fk ForeignKey
	d, err := c.alter(txn, tableName, func(d *Desc) error {
		pos := d.ColumnIndex(column)
		if pos < 0 || d.Columns[pos].Hidden {
			return fmt.Errorf("%w: %s.%s", ErrNoSuchColumn, d.Name, column)
		}
		col := &d.Columns[pos]
		fk = ForeignKey{Name: d.Name + "_" + col.Name + "_fkey", Table: parent.ID, Column: pcol.ID}
		if !keyCompatible(col.Type, pcol.Type) {
			return fkErr(ErrBadDefinition, fmt.Sprintf("foreign key constraint %q cannot be implemented", fk.Name),
				fmt.Sprintf("Key columns %q and %q are of incompatible types: %s and %s.", col.Name, pcol.Name, col.Type, pcol.Type))
		}
		col.ForeignKey = &fk
		col.References = parent.Name + "(" + pcol.Name + ")"
		return nil
	})
	if err != nil {
		return nil, err
	}
	if parent.ID == d.ID {
		parent = d
	}
	return d, checkExistingRows(txn, d, d.ColumnIndex(column), parent, ppos, &fk)
}

// keyCompatible reports whether a child value can be looked up in the
// parent's key as it is: both encode to the same key bytes for equal
// values. Integers of any width qualify; decimals need one scale.
func keyCompatible(child, parent types.Type) bool {
	if child.Family != parent.Family {
		return false
	}
	switch child.Family {
	case types.Decimal:
		return child.Scale == parent.Scale
	case types.JSON:
		return false
	}
	return true
}

// uniqueKeyOf returns the index that makes column colID unique on its
// own: the primary key when it is that one column, else a unique btree
// index on exactly that column other than the one named except. Nil when
// there is none.
func (d *Desc) uniqueKeyOf(colID uint32, except string) *Index {
	if len(d.Primary.Columns) == 1 && d.Primary.Columns[0] == colID {
		return &d.Primary
	}
	for i := range d.Indexes {
		ix := &d.Indexes[i]
		if ix.Unique && ix.Kind == IndexBTree && len(ix.Columns) == 1 && ix.Columns[0] == colID && ix.Name != except {
			return ix
		}
	}
	return nil
}

// checkExistingRows validates the rows a table had before its foreign
// key was added (ALTER TABLE ADD COLUMN ... DEFAULT ... REFERENCES).
func checkExistingRows(txn *mvcc.Txn, d *Desc, pos int, parent *Desc, ppos int, fk *ForeignKey) error {
	s := NewScanner(txn, d, ScanOptions{Columns: []int{pos}})
	defer s.Close()
	out := outRef{pos: pos, fk: *fk, parent: parent, ppos: ppos}
	for {
		row, ok, err := s.NextRow()
		if err != nil || !ok {
			return err
		}
		if err := out.check(txn, d, row[pos]); err != nil {
			return err
		}
	}
}

// inRef is a foreign key of some table referencing a column of the
// table being written.
type inRef struct {
	child *Desc
	pos   int // the referencing column's position in child
	fk    ForeignKey
}

// outRef is a foreign key of the table being written.
type outRef struct {
	pos    int // the referencing column's position
	fk     ForeignKey
	parent *Desc
	ppos   int // the referenced column's position in parent
}

// refGraph is every foreign key of the catalog, by referenced table: the
// reverse map DELETE, UPDATE and DROP need. Built from the descriptors
// and cached under the schema nonce, as descriptors are.
type refGraph struct {
	byID map[uint32]*Desc
	in   map[uint32][]inRef
}

func (c *Catalog) refGraph(txn *mvcc.Txn) (*refGraph, error) {
	nonce, err := readNonce(txn)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	g := c.graph
	ok := g != nil && c.graphNonce == nonce
	c.mu.Unlock()
	if ok {
		return g, nil
	}
	tables, err := c.Tables(txn)
	if err != nil {
		return nil, err
	}
	g = &refGraph{byID: map[uint32]*Desc{}, in: map[uint32][]inRef{}}
	for _, d := range tables {
		g.byID[d.ID] = d
	}
	for _, d := range tables {
		for pos, col := range d.Columns {
			if fk := col.ForeignKey; fk != nil {
				g.in[fk.Table] = append(g.in[fk.Table], inRef{child: d, pos: pos, fk: *fk})
			}
		}
	}
	c.mu.Lock()
	c.graph, c.graphNonce = g, nonce
	c.mu.Unlock()
	return g, nil
}

// dependents returns the foreign keys of tables outside skip that
// reference d.
func (g *refGraph) dependents(d *Desc, skip map[uint32]bool) []inRef {
	var out []inRef
	for _, r := range g.in[d.ID] {
		if !skip[r.child.ID] {
			out = append(out, r)
		}
	}
	return out
}

func dependError(table string, r inRef) error {
	return &ForeignKeyError{Err: ErrDependentObjects,
		Message: fmt.Sprintf("cannot drop table %s because other objects depend on it", table),
		Detail:  fmt.Sprintf("constraint %s on table %s depends on table %s", r.fk.Name, r.child.Name, table)}
}

// RefChecks gathers the foreign key checks of one statement writing one
// table: Add each written row, then Check once at the end of the
// statement, as PostgreSQL checks NO ACTION constraints. A nil
// *RefChecks (the table neither references nor is referenced) does
// nothing.
type RefChecks struct {
	d    *Desc
	a, b []byte // scratch for sameKey
	out  []outRef
	in   []inRef
	// added holds, per outRef, the new referencing values to look up;
	// removed, per referenced column position, the old values that rows
	// may still point at. Both are deduplicated by key encoding.
	added   []datumSet
	removed []datumSet // by column position, so checks run in a fixed order
}

type datumSet struct {
	keys map[string]bool
	vals []types.Datum
}

func (s *datumSet) add(v types.Datum) {
	k := string(AppendDatum(nil, v, false))
	if s.keys == nil {
		s.keys = map[string]bool{}
	}
	if s.keys[k] {
		return
	}
	s.keys[k] = true
	if v.B != nil {
		v.B = append([]byte(nil), v.B...)
	}
	s.vals = append(s.vals, v)
}

// RefChecks returns the foreign key checks for a statement writing d in
// txn, or nil when d has no foreign key and none references it.
func (c *Catalog) RefChecks(txn *mvcc.Txn, d *Desc) (*RefChecks, error) {
	if c == nil {
		return nil, nil
	}
	g, err := c.refGraph(txn)
	if err != nil {
		return nil, err
	}
	r := &RefChecks{d: d, in: g.in[d.ID]}
	for pos, col := range d.Columns {
		fk := col.ForeignKey
		if fk == nil {
			continue
		}
		parent := g.byID[fk.Table]
		if fk.Table == d.ID {
			parent = d
		}
		if parent == nil {
			return nil, fmt.Errorf("%w: foreign key %s references table %d, which does not exist", ErrCorrupt, fk.Name, fk.Table)
		}
		ppos := parent.ColumnByID(fk.Column)
		if ppos < 0 {
			return nil, fmt.Errorf("%w: foreign key %s references column %d of %s, which does not exist", ErrCorrupt, fk.Name, fk.Column, parent.Name)
		}
		r.out = append(r.out, outRef{pos: pos, fk: *fk, parent: parent, ppos: ppos})
	}
	if len(r.out) == 0 && len(r.in) == 0 {
		return nil, nil
	}
	r.added = make([]datumSet, len(r.out))
	r.removed = make([]datumSet, len(d.Columns))
	return r, nil
}

// Add records one written row: old is nil for an insert, row nil for a
// delete. Only a referencing value that is new, and a referenced value
// that is gone, need a check, as in PostgreSQL.
func (r *RefChecks) Add(old, row []types.Datum) {
	if r == nil {
		return
	}
	for i, o := range r.out {
		if row != nil && !row[o.pos].Null && (old == nil || !r.sameKey(old[o.pos], row[o.pos])) {
			r.added[i].add(row[o.pos])
		}
	}
	for _, in := range r.in {
		p := r.d.ColumnByID(in.fk.Column)
		if p < 0 || old == nil || old[p].Null || (row != nil && r.sameKey(old[p], row[p])) {
			continue
		}
		r.removed[p].add(old[p])
	}
}

// sameKey compares by key encoding, the equality lookups use.
func (r *RefChecks) sameKey(x, y types.Datum) bool {
	r.a, r.b = AppendDatum(r.a[:0], x, false), AppendDatum(r.b[:0], y, false)
	return string(r.a) == string(r.b)
}

// Check runs the checks of every row added, in txn (so it sees the
// statement's own writes), and fails with a *ForeignKeyError
// (ErrForeignKey) at the first violation.
func (r *RefChecks) Check(txn *mvcc.Txn) error {
	if r == nil {
		return nil
	}
	// Referenced values that went away: lock them against concurrent
	// child inserts, then look for rows still pointing at them.
	for p := range r.removed {
		s := &r.removed[p]
		colID := r.d.Columns[p].ID
		var gone []types.Datum
		for _, v := range s.vals {
			if err := txn.Delete(fkLockKey(r.d, colID, v)); err != nil {
				return err
			}
			// A value the statement took away and put back (UPDATE
			// SET id = id + 1 over a range) still satisfies its rows.
			if found, err := lookupUnique(txn, r.d, colID, v); err != nil {
				return err
			} else if !found {
				gone = append(gone, v)
			}
		}
		if len(gone) == 0 {
			continue
		}
		for _, in := range r.in {
			if in.fk.Column != colID {
				continue
			}
			child := in.child
			if child.ID == r.d.ID {
				child = r.d
			}
			v, found, err := findReferencing(txn, child, in.pos, gone)
			if err != nil {
				return err
			}
			if found {
				return &ForeignKeyError{Err: ErrForeignKey,
					Message: fmt.Sprintf("update or delete on table %q violates foreign key constraint %q on table %q", r.d.Name, in.fk.Name, child.Name),
					Detail:  fmt.Sprintf("Key (%s)=(%s) is still referenced from table %q.", r.d.Columns[p].Name, v, child.Name)}
			}
		}
	}
	for i, o := range r.out {
		for _, v := range r.added[i].vals {
			if err := o.check(txn, r.d, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// check looks v up in the parent and, when found, writes the parent
// key's lock so a concurrent delete of it cannot commit too (doc.go).
func (o *outRef) check(txn *mvcc.Txn, child *Desc, v types.Datum) error {
	if v.Null {
		return nil
	}
	colID := o.parent.Columns[o.ppos].ID
	found, err := lookupUnique(txn, o.parent, colID, v)
	if err != nil {
		return err
	}
	if !found {
		return &ForeignKeyError{Err: ErrForeignKey,
			Message: fmt.Sprintf("insert or update on table %q violates foreign key constraint %q", child.Name, o.fk.Name),
			Detail:  fmt.Sprintf("Key (%s)=(%s) is not present in table %q.", child.Columns[o.pos].Name, v, o.parent.Name)}
	}
	return txn.Put(fkLockKey(o.parent, colID, v), nil)
}

// lookupUnique reports whether d has a row whose column colID is v, by
// one point read of the primary key or of the column's unique index.
func lookupUnique(txn *mvcc.Txn, d *Desc, colID uint32, v types.Datum) (bool, error) {
	ix := d.uniqueKeyOf(colID, "")
	if ix == nil {
		return false, fmt.Errorf("%w: table %s has no unique key on column %d for its foreign keys", ErrBadDefinition, d.Name, colID)
	}
	v.Type = d.Columns[d.ColumnByID(colID)].Type
	return has(txn, AppendIndexValues(IndexPrefix(d.ID, ix.ID), ix, []types.Datum{v}))
}

// findReferencing returns a value of vals that some row of child holds
// in column pos. With a btree index (or primary key) led by that column
// it seeks once per value; otherwise it scans the child table once.
func findReferencing(txn *mvcc.Txn, child *Desc, pos int, vals []types.Datum) (types.Datum, bool, error) {
	colID := child.Columns[pos].ID
	var lead *Index
	if child.Primary.Columns[0] == colID {
		lead = &child.Primary
	}
	for i := range child.Indexes {
		if ix := &child.Indexes[i]; lead == nil && ix.Kind == IndexBTree && ix.Columns[0] == colID {
			lead = ix
		}
	}
	if lead != nil {
		for _, v := range vals {
			v.Type = child.Columns[pos].Type
			p := AppendIndexValues(IndexPrefix(child.ID, lead.ID), lead, []types.Datum{v})
			it := txn.Scan(p, keyenc.PrefixEnd(p))
			found := it.Next()
			err := it.Err()
			it.Close()
			if err != nil {
				return types.Datum{}, false, err
			}
			if found {
				return v, true, nil
			}
		}
		return types.Datum{}, false, nil
	}
	want := map[string]types.Datum{}
	for _, v := range vals {
		want[string(AppendDatum(nil, v, false))] = v
	}
	s := NewScanner(txn, child, ScanOptions{Columns: []int{pos}})
	defer s.Close()
	var k []byte
	for {
		row, ok, err := s.NextRow()
		if err != nil || !ok {
			return types.Datum{}, false, err
		}
		if row[pos].Null {
			continue
		}
		k = AppendDatum(k[:0], row[pos], false)
		if v, hit := want[string(k)]; hit {
			return v, true, nil
		}
	}
}

// checkIndexDrop refuses to drop the unique index a foreign key looks
// its referenced values up in, unless another unique key of the column
// remains.
func (c *Catalog) checkIndexDrop(txn *mvcc.Txn, owner *Desc, ix *Index) error {
	if !ix.Unique || len(ix.Columns) != 1 {
		return nil
	}
	g, err := c.refGraph(txn)
	if err != nil {
		return err
	}
	for _, r := range g.in[owner.ID] {
		if r.fk.Column == ix.Columns[0] && owner.uniqueKeyOf(r.fk.Column, ix.Name) == nil {
			return &ForeignKeyError{Err: ErrDependentObjects,
				Message: fmt.Sprintf("cannot drop index %s because constraint %s on table %s requires it", ix.Name, r.fk.Name, r.child.Name)}
		}
	}
	return nil
}

// relabelReferences rewrites the References text of the columns whose
// foreign key points at column colID of parent, after a rename.
func (c *Catalog) relabelReferences(txn *mvcc.Txn, parent *Desc, colID uint32) error {
	g, err := c.refGraph(txn)
	if err != nil {
		return err
	}
	label := parent.Name + "(" + parent.Columns[parent.ColumnByID(colID)].Name + ")"
	for _, r := range g.in[parent.ID] {
		if r.fk.Column != colID {
			continue
		}
		name := r.child.Columns[r.pos].Name
		if _, err := c.alter(txn, r.child.Name, func(d *Desc) error {
			if pos := d.ColumnIndex(name); pos >= 0 {
				d.Columns[pos].References = label
			}
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}
