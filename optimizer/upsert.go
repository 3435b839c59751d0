package optimizer

import (
	"github.com/aegisdb/aegis/model/table"
	"github.com/aegisdb/aegis/parser"
)

// excludedName is the pseudo-table of ON CONFLICT DO UPDATE that holds
// the row proposed for insertion.
const excludedName = "excluded"

// OnConflict is the ON CONFLICT clause of an Insert. Set and Where are
// bound over a row of 2n columns: the existing (conflicting) row of the
// table, then the proposed row (EXCLUDED), both in table column order.
type OnConflict struct {
	// Arbiters are the unique constraints whose conflicts are handled
	// (the table's Primary and/or unique secondary indexes); a conflict on
	// any other constraint is an error, as in PostgreSQL.
	Arbiters []*table.Index
	// Set is nil for DO NOTHING; for DO UPDATE, one expression per table
	// column giving its new value (the existing value when not assigned).
	Set   []Expr
	Where Expr // DO UPDATE ... WHERE; nil for none
}

// bindOnConflict binds the ON CONFLICT clause of s into d, whose rows
// are named alias.
func (b *Binder) bindOnConflict(oc *parser.OnConflict, d *table.Desc, alias string) (*OnConflict, error) {
	out := &OnConflict{}
	if oc.Target == nil {
		if len(oc.Set) > 0 {
			return nil, bindErr(oc.Pos, "ON CONFLICT DO UPDATE requires inference specification or constraint name")
		}
		out.Arbiters = append(out.Arbiters, &d.Primary)
		for i := range d.Indexes {
			if d.Indexes[i].Unique {
				out.Arbiters = append(out.Arbiters, &d.Indexes[i])
			}
		}
	} else {
		ix, err := conflictIndex(oc, d)
		if err != nil {
			return nil, err
		}
		out.Arbiters = []*table.Index{ix}
	}
	if len(oc.Set) == 0 {
		return out, nil
	}
	_, sc := tableScope(d, alias)
	_, ex := tableScope(d, excludedName)
	sc.cols = append(sc.cols, ex.cols...)
	b.scopes = append(b.scopes, sc)
	defer func() { b.scopes = b.scopes[:len(b.scopes)-1] }()
	for i, c := range d.Columns {
		out.Set = append(out.Set, &ColRef{Idx: i, Name: c.Name, T: c.Type})
	}
	assigned := make([]bool, len(d.Columns))
	for _, a := range oc.Set {
		ci, e, err := b.bindAssignment(d, a, assigned)
		if err != nil {
			return nil, err
		}
		out.Set[ci] = e
	}
	if oc.Where != nil {
		pred, err := b.bindExpr(oc.Where, exprCtx{clause: "WHERE"})
		if err == nil {
			pred, err = b.coerceBool(pred, oc.Where.Position(), "WHERE")
		}
		if err != nil {
			return nil, err
		}
		out.Where = pred
	}
	return out, nil
}

// conflictIndex infers the arbiter of ON CONFLICT (columns): the primary
// key or a unique index on exactly that set of columns.
func conflictIndex(oc *parser.OnConflict, d *table.Desc) (*table.Index, error) {
	want := map[uint32]bool{}
	for _, name := range oc.Target {
		ci := d.ColumnIndex(name)
		if ci < 0 {
			return nil, bindErr(oc.Pos, "column %q does not exist", name)
		}
		want[d.Columns[ci].ID] = true
	}
	matches := func(ix *table.Index) bool {
		if len(ix.Columns) != len(want) {
			return false
		}
		for _, id := range ix.Columns {
			if !want[id] {
				return false
			}
		}
		return true
	}
	if matches(&d.Primary) {
		return &d.Primary, nil
	}
	for i := range d.Indexes {
		if ix := &d.Indexes[i]; ix.Unique && matches(ix) {
			return ix, nil
		}
	}
	return nil, bindErr(oc.Pos, "there is no unique or exclusion constraint matching the ON CONFLICT specification")
}

// bindAssignment binds col = value of UPDATE SET or ON CONFLICT DO
// UPDATE SET in the current scope: the column's position and its new
// value, coerced to the column type. assigned marks the columns already
// set, to refuse a second assignment.
func (b *Binder) bindAssignment(d *table.Desc, a *parser.Assignment, assigned []bool) (int, Expr, error) {
	ci := d.ColumnIndex(a.Column)
	if ci < 0 {
		return 0, nil, bindErr(a.Pos, "column %q of relation %q does not exist", a.Column, d.Name)
	}
	if assigned[ci] {
		return 0, nil, bindErr(a.Pos, "multiple assignments to same column %q", a.Column)
	}
	assigned[ci] = true
	var e Expr
	var err error
	if _, ok := a.Value.(*parser.DefaultExpr); ok {
		if d.Columns[ci].Serial {
			err = unsupported(a.Pos, "SET %s = DEFAULT on a serial column is not implemented", a.Column)
		} else {
			e, err = b.defaultValue(d.Columns[ci])
		}
	} else if e, err = b.bindExpr(a.Value, exprCtx{clause: "UPDATE SET"}); err == nil {
		e, err = b.assign(e, d.Columns[ci].Type, a.Pos, a.Column)
	}
	return ci, e, err
}
