package vexec

import (
	"github.com/aegisdb/aegis/model/table"
	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/optimizer"
)

type dmlKind int

const (
	dmlInsert dmlKind = iota
	dmlUpdate
	dmlDelete
)

// dmlOp writes rows. It reads its whole input before writing, so an
// UPDATE never meets rows it has already moved.
type dmlOp struct {
	in     Operator
	kind   dmlKind
	desc   *table.Desc
	serial []int
	upsert *upsert // ON CONFLICT of an insert; nil without
	// others is where the other tables' columns of UPDATE ... FROM or
	// DELETE ... USING start in an input row (0: not joined): RETURNING
	// reads them after the written row, and each table row is written once.
	others     int
	otherTypes []types.Type
	newCols    []int
	returning  []evaluator
	out        []optimizer.Column
	ctx        *Context
	done       bool
	queue      batchQueue
}

func (d *dmlOp) Open(ctx *Context) error {
	d.ctx, d.done = ctx, false
	d.queue.ts = columnTypes(d.out)
	d.queue.ready, d.queue.cur = nil, nil
	if d.upsert != nil {
		d.upsert.touched = nil
	}
	return d.in.Open(ctx)
}

func (d *dmlOp) Next() (*types.Batch, error) {
	if d.done {
		return d.queue.pop(), nil
	}
	d.done = true
	var rows [][]types.Datum
	for {
		b, err := d.in.Next()
		if err != nil {
			return nil, err
		}
		if b == nil {
			break
		}
		rows = appendRows(rows, b)
	}
	nc := len(d.desc.Columns)
	// Foreign keys are checked once the statement has written every row,
	// as PostgreSQL checks NO ACTION: a multi-row statement may insert a
	// parent after its child, or delete both.
	refs, err := d.ctx.Catalog.RefChecks(d.ctx.Txn, d.desc)
	if err != nil {
		return nil, err
	}
	written := newRowStore(append(d.desc.Types(), d.otherTypes...))
	var seen map[string]bool // primary keys met, when joined
	if d.others > 0 {
		seen = map[string]bool{}
	}
	for _, row := range rows {
		if seen != nil {
			// PostgreSQL updates or deletes a row once, whichever of its
			// matches comes first.
			k := string(d.desc.PrimaryKey(row[:nc]))
			if seen[k] {
				continue
			}
			seen[k] = true
		}
		var target []types.Datum
		switch d.kind {
		case dmlInsert:
			for _, p := range d.serial {
				if row[p].Null {
					v, err := d.ctx.Catalog.NextSerial(d.desc.ID)
					if err != nil {
						return nil, err
					}
					row[p] = types.Datum{Type: d.desc.Columns[p].Type, I: v}
				}
			}
			if d.upsert != nil {
				var replaced []types.Datum
				var err error
				if target, replaced, err = d.upsert.write(d.ctx, d.desc, row); err != nil {
					return nil, err
				}
				if target == nil {
					continue // DO NOTHING, or DO UPDATE ... WHERE false
				}
				refs.Add(replaced, target)
				break
			}
			if err := table.Insert(d.ctx.Txn, d.desc, row); err != nil {
				return nil, err
			}
			refs.Add(nil, row)
			target = row
		case dmlUpdate:
			old := row[:nc]
			target = make([]types.Datum, nc)
			for i, src := range d.newCols {
				target[i] = row[src]
				target[i].Type = d.desc.Columns[i].Type
			}
			if err := table.Update(d.ctx.Txn, d.desc, old, target); err != nil {
				return nil, err
			}
			refs.Add(old, target)
		case dmlDelete:
			target = row[:nc]
			if err := table.Delete(d.ctx.Txn, d.desc, target); err != nil {
				return nil, err
			}
			refs.Add(target, nil)
		}
		d.ctx.RowsAffected++
		if len(d.returning) > 0 {
			for c := range target {
				written.vecs[c].Append(target[c])
			}
			if d.others > 0 {
				for c, v := range row[d.others:] {
					written.vecs[nc+c].Append(v)
				}
			}
			written.n++
		}
	}
	if err := refs.Check(d.ctx.Txn); err != nil {
		return nil, err
	}
	if len(d.returning) > 0 && written.n > 0 {
		b := &types.Batch{Vecs: written.vecs, Len: written.n}
		sel := fullSel(b, nil)
		vecs := make([]*types.Vector, len(d.returning))
		for i, e := range d.returning {
			v, err := e.eval(d.ctx, b, sel)
			if err != nil {
				return nil, err
			}
			vecs[i] = cloneVector(v, sel)
		}
		for r := 0; r < b.Len; r++ {
			out := d.queue.row()
			appendFrom(out.Vecs, vecs, r)
		}
		d.queue.flush()
	}
	return d.queue.pop(), nil
}

func (d *dmlOp) Close() { d.in.Close() }

// otherTypes are the types of the input columns from others on: the
// other tables' columns of a joined UPDATE or DELETE (none when 0).
func otherTypes(in optimizer.Node, others int) []types.Type {
	if others == 0 {
		return nil
	}
	return columnTypes(in.Columns()[others:])
}
