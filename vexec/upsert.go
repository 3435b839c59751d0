package vexec

import (
	"fmt"

	"github.com/aegisdb/aegis/model/keyenc"
	"github.com/aegisdb/aegis/model/table"
	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/optimizer"
)

// ErrUpdateTwice is PostgreSQL's refusal to let one INSERT ... ON CONFLICT
// DO UPDATE change a row it has already inserted or updated: the outcome
// would depend on the order of the proposed rows. It matches ErrExec: the
// statement is at fault.
var ErrUpdateTwice = fmt.Errorf("%w: ON CONFLICT DO UPDATE command cannot affect row a second time", ErrExec)

// upsert is the ON CONFLICT state of an insert. Each proposed row is
// checked against the arbiters before it is written, inside the
// statement's transaction, which sees the rows the statement itself
// wrote: so a row proposed twice meets its own first copy.
type upsert struct {
	node  *optimizer.OnConflict
	set   []evaluator
	where evaluator
	// touched holds the primary keys of the rows this statement inserted
	// or updated, for ErrUpdateTwice.
	touched map[string]bool
}

func newUpsert(oc *optimizer.OnConflict) *upsert {
	if oc == nil {
		return nil
	}
	return &upsert{node: oc, set: compileAll(oc.Set), where: compile(oc.Where)}
}

// write inserts row or resolves its conflict. It returns the row written
// (inserted or updated), or nil when the row was skipped, and the row an
// update replaced (nil after an insert), for the foreign-key checks.
func (u *upsert) write(ctx *Context, d *table.Desc, row []types.Datum) (written, replaced []types.Datum, err error) {
	if u.touched == nil {
		u.touched = map[string]bool{}
	}
	for _, ix := range u.node.Arbiters {
		old, found, err := conflicting(ctx, d, ix, row)
		if err != nil {
			return nil, nil, err
		}
		if !found {
			continue
		}
		if u.node.Set == nil { // DO NOTHING
			return nil, nil, nil
		}
		oldKey := string(d.PrimaryKey(old))
		if u.touched[oldKey] {
			return nil, nil, ErrUpdateTwice
		}
		written, err := u.update(ctx, d, old, row, oldKey)
		return written, old, err
	}
	if err := table.Insert(ctx.Txn, d, row); err != nil {
		return nil, nil, err
	}
	u.touched[string(d.PrimaryKey(row))] = true
	return row, nil, nil
}

// update applies DO UPDATE SET ... WHERE to the existing row old, given
// the proposed row excluded.
func (u *upsert) update(ctx *Context, d *table.Desc, old, excluded []types.Datum, oldKey string) ([]types.Datum, error) {
	nc := len(d.Columns)
	b := &types.Batch{Vecs: make([]*types.Vector, 2*nc), Len: 1}
	for i := 0; i < nc; i++ {
		b.Vecs[i] = types.NewVector(d.Columns[i].Type, 1)
		b.Vecs[i].Append(old[i])
		b.Vecs[nc+i] = types.NewVector(d.Columns[i].Type, 1)
		b.Vecs[nc+i].Append(excluded[i])
	}
	sel := []int{0}
	if u.where != nil {
		v, err := u.where.eval(ctx, b, sel)
		if err != nil {
			return nil, err
		}
		if ok := v.Get(0); ok.Null || !ok.Bool() {
			return nil, nil
		}
	}
	row := make([]types.Datum, nc)
	for i, e := range u.set {
		v, err := e.eval(ctx, b, sel)
		if err != nil {
			return nil, err
		}
		row[i] = v.Get(0)
		row[i].Type = d.Columns[i].Type
	}
	if err := table.Update(ctx.Txn, d, old, row); err != nil {
		return nil, err
	}
	u.touched[oldKey] = true
	u.touched[string(d.PrimaryKey(row))] = true
	return row, nil
}

// conflicting returns the row of d that holds row's key in the unique
// index ix, if any. A key with a NULL never conflicts.
func conflicting(ctx *Context, d *table.Desc, ix *table.Index, row []types.Datum) ([]types.Datum, bool, error) {
	vals := make([]types.Datum, len(ix.Columns))
	for i, id := range ix.Columns {
		vals[i] = row[d.ColumnByID(id)]
		if vals[i].Null {
			return nil, false, nil
		}
	}
	if ix.ID == table.PrimaryIndexID {
		return table.Lookup(ctx.Txn, d, vals)
	}
	key := table.AppendIndexValues(table.IndexPrefix(d.ID, ix.ID), ix, vals)
	all := make([]int, len(d.Columns))
	for i := range all {
		all[i] = i
	}
	sc := table.NewScanner(ctx.Txn, d, table.ScanOptions{Index: ix, Lower: key, Upper: keyenc.PrefixEnd(key), Columns: all})
	defer sc.Close()
	return sc.NextRow()
}
