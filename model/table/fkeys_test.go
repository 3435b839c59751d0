package table

import (
	"errors"
	"testing"

	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/mvcc"
)

func ival(v int64) types.Datum { return types.Datum{Type: types.TypeBigInt, I: v} }

var null = types.Datum{Type: types.TypeBigInt, Null: true}

// fkTables creates p (id primary key) and c (id primary key, pid
// REFERENCES p), with an index on c.pid when indexed.
func fkTables(t *testing.T, indexed bool) *Catalog {
	t.Helper()
	c := openCatalog(t)
	must(t, inTxn(t, c, func(txn *mvcc.Txn) error {
		p, err := NewDesc("p", []Column{{Name: "id", Type: types.TypeBigInt}}, []string{"id"})
		must(t, err)
		must(t, c.CreateTable(txn, p))
		ch, err := NewDesc("c", []Column{{Name: "id", Type: types.TypeBigInt}, {Name: "pid", Type: types.TypeBigInt}}, []string{"id"})
		must(t, err)
		must(t, c.CreateTable(txn, ch))
		if indexed {
			if _, err := c.CreateIndex(txn, "c", "c_pid", []string{"pid"}, nil, false, IndexBTree); err != nil {
				return err
			}
		}
		_, err = c.AddForeignKey(txn, "c", "pid", "p", "")
		return err
	}))
	return c
}

// write runs one statement's worth of row changes to a table, as the
// executor does: every row, then the foreign key checks. A nil old is
// an insert, a nil row a delete.
func write(c *Catalog, txn *mvcc.Txn, name string, olds, rows [][]types.Datum) error {
	d, err := c.Table(txn, name)
	if err != nil {
		return err
	}
	refs, err := c.RefChecks(txn, d)
	if err != nil {
		return err
	}
	for i := range rows {
		switch old, row := olds[i], rows[i]; {
		case old == nil:
			err = Insert(txn, d, row)
		case row == nil:
			err = Delete(txn, d, old)
		default:
			err = Update(txn, d, old, row)
		}
		if err != nil {
			return err
		}
		refs.Add(olds[i], rows[i])
	}
	return refs.Check(txn)
}

func inserts(rows ...[]types.Datum) ([][]types.Datum, [][]types.Datum) {
	return make([][]types.Datum, len(rows)), rows
}

func deletes(rows ...[]types.Datum) ([][]types.Datum, [][]types.Datum) {
	return rows, make([][]types.Datum, len(rows))
}

func row(vs ...types.Datum) []types.Datum { return vs }

func wantFK(t *testing.T, err error, sentinel error) {
	t.Helper()
	var fe *ForeignKeyError
	if !errors.Is(err, sentinel) || !errors.As(err, &fe) {
		t.Fatalf("got %v, want a *ForeignKeyError matching %v", err, sentinel)
	}
}

func TestForeignKeyRows(t *testing.T) {
	for _, indexed := range []bool{false, true} {
		c := fkTables(t, indexed)
		do := func(name string, olds, rows [][]types.Datum) error {
			return inTxn(t, c, func(txn *mvcc.Txn) error { return write(c, txn, name, olds, rows) })
		}
		o, r := inserts(row(ival(1)), row(ival(2)))
		must(t, do("p", o, r))
		o, r = inserts(row(ival(10), ival(1)), row(ival(11), null))
		must(t, do("c", o, r))
		o, r = inserts(row(ival(12), ival(2)), row(ival(13), ival(3)))
		wantFK(t, do("c", o, r), ErrForeignKey)
		// The failed statement wrote nothing.
		o, r = deletes(row(ival(2)))
		must(t, do("p", o, r))
		// Moving the child key to a missing parent fails; to NULL passes.
		wantFK(t, do("c", [][]types.Datum{row(ival(10), ival(1))}, [][]types.Datum{row(ival(10), ival(5))}), ErrForeignKey)
		o, r = deletes(row(ival(1)))
		wantFK(t, do("p", o, r), ErrForeignKey)
		wantFK(t, do("p", [][]types.Datum{row(ival(1))}, [][]types.Datum{row(ival(7))}), ErrForeignKey)
		must(t, do("c", [][]types.Datum{row(ival(10), ival(1))}, [][]types.Datum{row(ival(10), null)}))
		must(t, do("p", o, r))
	}
}

func TestForeignKeySelfReference(t *testing.T) {
	c := openCatalog(t)
	must(t, inTxn(t, c, func(txn *mvcc.Txn) error {
		d, err := NewDesc("tree", []Column{{Name: "id", Type: types.TypeBigInt}, {Name: "up", Type: types.TypeBigInt}}, []string{"id"})
		must(t, err)
		must(t, c.CreateTable(txn, d))
		_, err = c.AddForeignKey(txn, "tree", "up", "tree", "id")
		return err
	}))
	do := func(olds, rows [][]types.Datum) error {
		return inTxn(t, c, func(txn *mvcc.Txn) error { return write(c, txn, "tree", olds, rows) })
	}
	// A child before its parent in one statement is fine.
	o, r := inserts(row(ival(2), ival(1)), row(ival(1), null))
	must(t, do(o, r))
	o, r = deletes(row(ival(1), null))
	wantFK(t, do(o, r), ErrForeignKey)
	o, r = deletes(row(ival(1), null), row(ival(2), ival(1)))
	must(t, do(o, r))
}

func TestForeignKeyDDL(t *testing.T) {
	c := fkTables(t, false)
	err := inTxn(t, c, func(txn *mvcc.Txn) error { return c.DropTable(txn, "p") })
	wantFK(t, err, ErrDependentObjects)
	must(t, inTxn(t, c, func(txn *mvcc.Txn) error { return c.DropTables(txn, []string{"p", "c"}) }))

	c = fkTables(t, false)
	must(t, inTxn(t, c, func(txn *mvcc.Txn) error {
		d, err := NewDesc("x", []Column{{Name: "a", Type: types.TypeText}, {Name: "b", Type: types.TypeBigInt}}, nil)
		must(t, err)
		return c.CreateTable(txn, d)
	}))
	for _, tc := range []struct {
		col, table, refCol string
		want               error
	}{
		{"b", "nosuch", "", ErrNoSuchTable},
		{"b", "p", "nosuch", ErrNoSuchColumn},
		{"a", "p", "id", ErrBadDefinition},   // TEXT -> BIGINT
		{"b", "c", "pid", ErrBadDefinition},  // not unique
		{"b", "x", "", ErrBadDefinition},     // hidden rowid is no primary key
		{"nosuch", "p", "", ErrNoSuchColumn}, // the referencing column
	} {
		err := inTxn(t, c, func(txn *mvcc.Txn) error {
			_, err := c.AddForeignKey(txn, "x", tc.col, tc.table, tc.refCol)
			return err
		})
		if !errors.Is(err, tc.want) {
			t.Errorf("%s -> %s(%s): got %v, want %v", tc.col, tc.table, tc.refCol, err, tc.want)
		}
	}
}

// TestForeignKeyConcurrent runs a child insert and a delete of its parent
// in two transactions, committing in both orders: the second commit must
// fail, or the child would be left an orphan. A delete of another parent
// does not conflict.
func TestForeignKeyConcurrent(t *testing.T) {
	for _, childFirst := range []bool{true, false} {
		for _, sameParent := range []bool{true, false} {
			c := fkTables(t, true)
			o, r := inserts(row(ival(1)), row(ival(2)))
			must(t, inTxn(t, c, func(txn *mvcc.Txn) error { return write(c, txn, "p", o, r) }))
			child, err := c.DB().Begin(mvcc.TxnOptions{})
			must(t, err)
			parent, err := c.DB().Begin(mvcc.TxnOptions{})
			must(t, err)
			o, r = inserts(row(ival(10), ival(1)))
			must(t, write(c, child, "c", o, r))
			victim := ival(2)
			if sameParent {
				victim = ival(1)
			}
			o, r = deletes(row(victim))
			must(t, write(c, parent, "p", o, r)) // cannot see the child yet
			first, second := child, parent
			if !childFirst {
				first, second = parent, child
			}
			must(t, first.Commit())
			err = second.Commit()
			if sameParent && !errors.Is(err, mvcc.ErrConflict) {
				t.Errorf("childFirst=%v: second commit: %v, want a conflict", childFirst, err)
			}
			if !sameParent && err != nil {
				t.Errorf("childFirst=%v, other parent: %v", childFirst, err)
			}
		}
	}
}
