package table

import (
	"bytes"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/mvcc"
)

// checkRow enforces what the table layer owns: one datum per column, each
// of its column's physical kind, NOT NULL, and VARCHAR/CHAR lengths.
// Casting values to the column types is the SQL layer's job.
func checkRow(d *Desc, row []types.Datum) error {
	if len(row) != len(d.Columns) {
		return fmt.Errorf("%w: table %s has %d columns, row has %d values", ErrTypeMismatch, d.Name, len(d.Columns), len(row))
	}
	for i := range d.Columns {
		c, v := &d.Columns[i], row[i]
		if v.Null {
			if c.NotNull {
				return &ConstraintError{Table: d.Name, Constraint: c.Name, Err: ErrNotNull}
			}
			continue
		}
		if v.Type.Physical() != c.Type.Physical() {
			return fmt.Errorf("%w: column %s.%s is %s, value is %s", ErrTypeMismatch, d.Name, c.Name, c.Type, v.Type)
		}
		if c.Type.Family == types.String && c.Type.Width > 0 {
			if n := utf8.RuneCount(v.B); n > int(c.Type.Width) {
				return &ConstraintError{Table: d.Name, Constraint: c.Name, Err: ErrValueTooLong,
					Value: fmt.Sprintf("%d characters, %s allows %d", n, c.Type, c.Type.Width)}
			}
		}
	}
	return nil
}

// Insert adds a row (a datum per column position) and its index entries.
// It fails with a *ConstraintError (ErrDuplicateKey) when the primary key
// or a unique index value is taken. Under snapshot isolation two
// concurrent inserts of one key both pass this check; the second to
// commit then fails with mvcc.ErrConflict, so duplicates never commit.
func Insert(txn *mvcc.Txn, d *Desc, row []types.Datum) error {
	if err := checkRow(d, row); err != nil {
		return err
	}
	k := d.PrimaryKey(row)
	if exists, err := has(txn, k); err != nil {
		return err
	} else if exists {
		return &ConstraintError{Table: d.Name, Constraint: "primary key", Value: formatKey(d, &d.Primary, row), Err: ErrDuplicateKey}
	}
	if err := txn.Put(k, encodeRow(nil, d, row)); err != nil {
		return err
	}
	for i := range d.Indexes {
		if d.Indexes[i].Kind == IndexBitmap {
			continue // bitmapInsert
		}
		if err := putIndexEntry(txn, d, &d.Indexes[i], row); err != nil {
			return err
		}
	}
	if err := d.bitmapInsert(txn, row); err != nil {
		return err
	}
	return d.capture(txn, ChangeInsert, nil, row)
}

func has(txn *mvcc.Txn, k []byte) (bool, error) {
	_, err := txn.Get(k)
	if errors.Is(err, mvcc.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

func putIndexEntry(txn *mvcc.Txn, d *Desc, ix *Index, row []types.Datum) error {
	k, unique := d.indexEntry(ix, row)
	if unique {
		if exists, err := has(txn, k); err != nil {
			return err
		} else if exists {
			return &ConstraintError{Table: d.Name, Constraint: "unique index " + ix.Name, Value: formatKey(d, ix, row), Err: ErrDuplicateKey}
		}
	}
	return txn.Put(k, d.primaryKeySuffix(row))
}

// Delete removes a row, given all its current values, and its index entries.
func Delete(txn *mvcc.Txn, d *Desc, row []types.Datum) error {
	if len(row) != len(d.Columns) {
		return fmt.Errorf("%w: table %s has %d columns, row has %d values", ErrTypeMismatch, d.Name, len(d.Columns), len(row))
	}
	if err := txn.Delete(d.PrimaryKey(row)); err != nil {
		return err
	}
	for i := range d.Indexes {
		if d.Indexes[i].Kind == IndexBitmap {
			continue // bitmapDelete
		}
		k, _ := d.indexEntry(&d.Indexes[i], row)
		if err := txn.Delete(k); err != nil {
			return err
		}
	}
	if err := d.bitmapDelete(txn, row); err != nil {
		return err
	}
	return d.capture(txn, ChangeDelete, row, nil)
}

// Update replaces the row old (all its current values) with row, moving
// index entries whose key changed. A changed primary key moves the row.
func Update(txn *mvcc.Txn, d *Desc, old, row []types.Datum) error {
	if err := checkRow(d, row); err != nil {
		return err
	}
	oldKey, newKey := d.PrimaryKey(old), d.PrimaryKey(row)
	if !bytes.Equal(oldKey, newKey) {
		if exists, err := has(txn, newKey); err != nil {
			return err
		} else if exists {
			return &ConstraintError{Table: d.Name, Constraint: "primary key", Value: formatKey(d, &d.Primary, row), Err: ErrDuplicateKey}
		}
		if err := txn.Delete(oldKey); err != nil {
			return err
		}
	}
	if err := txn.Put(newKey, encodeRow(nil, d, row)); err != nil {
		return err
	}
	for i := range d.Indexes {
		ix := &d.Indexes[i]
		if ix.Kind == IndexBitmap {
			continue // bitmapUpdate
		}
		ok, _ := d.indexEntry(ix, old)
		nk, _ := d.indexEntry(ix, row)
		if bytes.Equal(ok, nk) {
			if !bytes.Equal(oldKey, newKey) { // same entry, new primary key to point at
				if err := txn.Put(nk, d.primaryKeySuffix(row)); err != nil {
					return err
				}
			}
			continue
		}
		if err := txn.Delete(ok); err != nil {
			return err
		}
		if err := putIndexEntry(txn, d, ix, row); err != nil {
			return err
		}
	}
	if err := d.bitmapUpdate(txn, old, row); err != nil {
		return err
	}
	return d.capture(txn, ChangeUpdate, old, row)
}

// Lookup returns the row with the given primary key values (one per
// primary key column), or found=false.
func Lookup(txn *mvcc.Txn, d *Desc, pk []types.Datum) (row []types.Datum, found bool, err error) {
	k := AppendIndexValues(IndexPrefix(d.ID, PrimaryIndexID), &d.Primary, pk)
	v, err := txn.Get(k)
	if errors.Is(err, mvcc.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	row, err = newRowDecoder(d, nil).decodeDatums(k, v)
	return row, err == nil, err
}
