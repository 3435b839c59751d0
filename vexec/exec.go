package vexec

import (
	"errors"
	"fmt"
	"time"

	"github.com/aegisdb/aegis/model/table"
	"github.com/aegisdb/aegis/model/timeseries"
	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/mvcc"
	"github.com/aegisdb/aegis/optimizer"
)

// ErrCanceled is returned when the statement's context was canceled.
var ErrCanceled = errors.New("vexec: statement canceled")

// Context is what operators share while one statement runs.
type Context struct {
	Txn     *mvcc.Txn
	Catalog *table.Catalog
	// TimeSeries is the store metric(...) reads, on the DB of Txn; nil
	// when the engine has none.
	TimeSeries *timeseries.Store
	// Canceled, when not nil, is polled between batches.
	Canceled func() bool
	// RowsAffected counts the rows written by INSERT, UPDATE and DELETE.
	RowsAffected int64
	// MaxRecursionRows caps the rows of one recursive CTE
	// (recursive.go); 0 means DefaultMaxRecursionRows.
	MaxRecursionRows int64
	// work holds the working table of each running recursive CTE, by
	// RecursiveUnion ID.
	work map[int]*workTable
	// outer holds the current row of each enclosing query level while a
	// correlated subquery runs.
	outer map[int][]types.Datum
	// analyze collects per-operator figures for EXPLAIN ANALYZE.
	analyze map[optimizer.Node]*OpStats
}

// OpStats are the actual figures of one operator.
type OpStats struct {
	Rows    int64
	Batches int64
	Time    time.Duration
}

// EnableAnalyze makes the operators built afterwards record OpStats.
func (c *Context) EnableAnalyze() { c.analyze = map[optimizer.Node]*OpStats{} }

// Stats returns the figures recorded for a plan node.
func (c *Context) Stats(n optimizer.Node) *OpStats { return c.analyze[n] }

// Operator is a vectorized iterator: Next returns the next batch, or nil
// at the end. A batch stays valid until the next call to Next.
type Operator interface {
	Open(ctx *Context) error
	Next() (*types.Batch, error)
	Close()
}

// Build turns a physical plan into operators.
func Build(n optimizer.Node) (Operator, error) {
	op, err := build(n)
	if err != nil {
		return nil, err
	}
	return &analyzed{Operator: op, node: n}, nil
}

func build(n optimizer.Node) (Operator, error) {
	var op Operator
	var err error
	switch x := n.(type) {
	case *optimizer.Scan:
		op = newScan(x)
	case *optimizer.Values:
		op = &valuesOp{node: x}
	case *optimizer.SeriesScan:
		op = &seriesScanOp{node: x} // tsscan.go
	case *optimizer.Filter:
		op, err = withInput(x.Input, func(in Operator) Operator { return &filterOp{in: in, pred: compile(x.Pred)} })
	case *optimizer.Project:
		op, err = withInput(x.Input, func(in Operator) Operator { return newProject(in, x) })
	case *optimizer.Limit:
		op, err = withInput(x.Input, func(in Operator) Operator { return &limitOp{in: in, count: x.Count, offset: x.Offset} })
	case *optimizer.Distinct:
		op, err = withInput(x.Input, func(in Operator) Operator { return &distinctOp{in: in} })
	case *optimizer.Sort:
		op, err = withInput(x.Input, func(in Operator) Operator { return newSort(in, x) })
	case *optimizer.Aggregate:
		op, err = withInput(x.Input, func(in Operator) Operator { return newAgg(in, x) })
	case *optimizer.Window:
		op, err = withInput(x.Input, func(in Operator) Operator { return newWindow(in, x) })
	case *optimizer.Join:
		if x.Lookup != nil { // an index join reads its inner side itself
			outer := x.Left
			if x.Lookup.InnerLeft {
				outer = x.Right
			}
			op, err = withInput(outer, func(in Operator) Operator { return newIndexJoin(in, x) })
			break
		}
		var l, r Operator
		if l, err = Build(x.Left); err != nil {
			return nil, err
		}
		if r, err = Build(x.Right); err != nil {
			return nil, err
		}
		op = newJoin(l, r, x)
	case *optimizer.SetOp:
		op, err = withInputs(x.Left, x.Right, func(l, r Operator) Operator { return &setOp{left: l, right: r, node: x} })
	case *optimizer.RecursiveUnion:
		op, err = withInputs(x.Init, x.Recur, func(l, r Operator) Operator { return newRecursiveUnion(l, r, x) }) // recursive.go
	case *optimizer.WorkTable:
		op = &workScanOp{node: x}
	case *optimizer.Cached:
		op, err = withInput(x.Input, func(in Operator) Operator { return &cachedOp{in: in, node: x} })
	case *optimizer.Insert:
		op, err = withInput(x.Input, func(in Operator) Operator {
			return &dmlOp{in: in, kind: dmlInsert, desc: x.Table, serial: x.Serial, upsert: newUpsert(x.OnConflict), returning: compileAll(x.Returning), out: x.Out}
		})
	case *optimizer.Update:
		op, err = withInput(x.Input, func(in Operator) Operator {
			return &dmlOp{in: in, kind: dmlUpdate, desc: x.Table, newCols: x.New, others: x.Others, otherTypes: otherTypes(x.Input, x.Others), returning: compileAll(x.Returning), out: x.Out}
		})
	case *optimizer.Delete:
		op, err = withInput(x.Input, func(in Operator) Operator {
			return &dmlOp{in: in, kind: dmlDelete, desc: x.Table, others: x.Others, otherTypes: otherTypes(x.Input, x.Others), returning: compileAll(x.Returning), out: x.Out}
		})
	default:
		return nil, fmt.Errorf("vexec: no operator for %T", n)
	}
	return op, err
}

func withInput(in optimizer.Node, mk func(Operator) Operator) (Operator, error) {
	op, err := Build(in)
	if err != nil {
		return nil, err
	}
	return mk(op), nil
}

func withInputs(left, right optimizer.Node, mk func(l, r Operator) Operator) (Operator, error) {
	l, err := Build(left)
	if err != nil {
		return nil, err
	}
	r, err := Build(right)
	if err != nil {
		return nil, err
	}
	return mk(l, r), nil
}

// analyzed wraps every operator: it polls cancellation and, under
// EXPLAIN ANALYZE, counts rows and time.
type analyzed struct {
	Operator
	node  optimizer.Node
	ctx   *Context
	stats *OpStats
}

func (a *analyzed) Open(ctx *Context) error {
	a.ctx = ctx
	if ctx.analyze != nil {
		if a.stats = ctx.analyze[a.node]; a.stats == nil {
			a.stats = &OpStats{}
			ctx.analyze[a.node] = a.stats
		}
		start := time.Now()
		defer func() { a.stats.Time += time.Since(start) }()
	}
	return a.Operator.Open(ctx)
}

func (a *analyzed) Next() (*types.Batch, error) {
	if a.ctx.Canceled != nil && a.ctx.Canceled() {
		return nil, ErrCanceled
	}
	if a.stats == nil {
		return a.Operator.Next()
	}
	start := time.Now()
	b, err := a.Operator.Next()
	a.stats.Time += time.Since(start)
	if b != nil {
		a.stats.Rows += int64(b.Rows())
		a.stats.Batches++
	}
	return b, err
}

// Run executes a plan to the end and returns its rows, one datum slice
// per row.
func Run(ctx *Context, n optimizer.Node) ([][]types.Datum, error) {
	op, err := Build(n)
	if err != nil {
		return nil, err
	}
	if ctx.outer == nil {
		ctx.outer = map[int][]types.Datum{}
	}
	if err := op.Open(ctx); err != nil {
		op.Close()
		return nil, err
	}
	defer op.Close()
	var rows [][]types.Datum
	for {
		b, err := op.Next()
		if err != nil {
			return nil, err
		}
		if b == nil {
			return rows, nil
		}
		rows = appendRows(rows, b)
	}
}

// appendRows copies the live rows of b out as datums.
func appendRows(rows [][]types.Datum, b *types.Batch) [][]types.Datum {
	n := b.Rows()
	flat := make([]types.Datum, n*len(b.Vecs))
	for i := 0; i < n; i++ {
		r := b.Row(i)
		row := flat[i*len(b.Vecs) : (i+1)*len(b.Vecs) : (i+1)*len(b.Vecs)]
		for c, v := range b.Vecs {
			d := v.Get(r)
			if d.B != nil {
				d.B = append([]byte(nil), d.B...)
			}
			row[c] = d
		}
		rows = append(rows, row)
	}
	return rows
}

// fullSel returns the live rows of b as a selection (0..Len-1 when b has
// no selection vector).
func fullSel(b *types.Batch, buf []int) []int {
	if b.Sel != nil {
		return b.Sel
	}
	buf = buf[:0]
	for i := 0; i < b.Len; i++ {
		buf = append(buf, i)
	}
	return buf
}
