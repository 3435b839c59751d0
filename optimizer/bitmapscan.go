package optimizer

import (
	"math"
	"strings"

	"github.com/aegisdb/aegis/model/table"
	"github.com/aegisdb/aegis/model/types"
)

// Bitmap scans. A scan whose filter holds equality, IN and IS NULL
// predicates on columns with bitmap indexes, joined by AND and OR, can
// read those indexes' bitmaps, intersect and unite them, and fetch only
// the rows left, in row-number order. The predicates answered this way
// leave the scan's filter; what stays is checked on the fetched rows.
// When nothing above the scan reads a column and no filter is left (a
// count(*)), the rows are counted from the bitmap and never fetched.

// BitmapOp is the kind of a BitmapExpr node.
type BitmapOp int

const (
	BitmapLeaf BitmapOp = iota // the rows whose indexed column holds one of Values
	BitmapAnd                  // rows in every Args
	BitmapOr                   // rows in any Args
)

// BitmapExpr is a predicate answered from bitmap indexes alone.
type BitmapExpr struct {
	Op BitmapOp
	// A leaf's index, its column's name (for EXPLAIN), and values: a
	// NULL datum stands for IS NULL, no values for a predicate no row
	// meets (x IN (NULL)).
	Index  *table.Index
	Column string
	Values []types.Datum
	Args   []*BitmapExpr
	sel    float64 // estimated share of the table's rows
}

func (e *BitmapExpr) String() string { return e.format(true) }

// format prints e; a nested AND or OR is parenthesized.
func (e *BitmapExpr) format(top bool) string {
	switch e.Op {
	case BitmapLeaf:
		var cond string
		switch {
		case len(e.Values) == 1 && e.Values[0].Null:
			cond = e.Column + " IS NULL"
		case len(e.Values) == 1:
			cond = e.Column + " = " + (&Const{D: e.Values[0]}).String()
		default:
			vals := make([]string, len(e.Values))
			for i, v := range e.Values {
				vals[i] = (&Const{D: v}).String()
			}
			cond = e.Column + " IN (" + strings.Join(vals, ", ") + ")"
		}
		return e.Index.Name + " (" + cond + ")"
	}
	sep := " AND "
	if e.Op == BitmapOr {
		sep = " OR "
	}
	s := make([]string, len(e.Args))
	for i, a := range e.Args {
		s[i] = a.format(false)
	}
	if top {
		return strings.Join(s, sep)
	}
	return "(" + strings.Join(s, sep) + ")"
}

// BitmapAccess is how a Scan reads its rows from bitmap indexes.
type BitmapAccess struct {
	Expr *BitmapExpr
	// Rows and Cost are the estimates of the access alone (before the
	// rest of the filter).
	Rows, Cost float64
	// CountOnly: nothing reads the rows, so they are counted, not fetched.
	CountOnly bool
	// answered are the filter conjuncts the bitmaps answer, for undoBitmap.
	answered []Expr
}

// undoBitmap gives a scan back the conjuncts its bitmap access answered,
// for a plan that reads the scan another way (an index join probing it)
// or decides again (a subquery's plan is optimized once alone and again
// inside its query, after decorrelation took conjuncts out of the filter:
// the rest of the filter is taken as it is now, never from a copy).
func undoBitmap(s *Scan) {
	if s.Bitmap != nil {
		s.Filter, s.Bitmap = andAll(append(s.Bitmap.answered, conjuncts(s.Filter)...)), nil
	}
}

// The bitmap scan cost model, in the units of Estimate (about one per row
// a sequential scan touches): reading a value's bitmap costs 16 per
// 65,536 rows of table (its chunks' bytes, decoded and united), and
// fetching a row costs two point reads (row number to primary key,
// primary key to row), each a fresh descent of the engine. Measured on the
// memory engine (sql BenchmarkBitmapIndex), a fetched row costs about 28
// sequentially scanned ones, 14 when the integer primary key is the row
// number (one read), so a bitmap scan that fetches beats a full scan
// below about 3.5% (7%) of the rows.
const (
	bitmapChunkCost       = 16
	bitmapChunkRows       = 1 << 16
	bitmapFetchCost       = 28
	bitmapFetchCostIntKey = 14
)

// fetchCost is the cost of fetching one row of d through a bitmap.
func fetchCost(d *table.Desc) float64 {
	if d.RowNumbers != nil && d.RowNumbers.IntKey {
		return bitmapFetchCostIntKey
	}
	return bitmapFetchCost
}

// chooseBitmap gives s a bitmap access when its filter has predicates
// bitmap indexes answer and that is cheaper than the access it has.
// countOnly says nothing above the scan reads its columns.
func (o *optimizer) chooseBitmap(s *Scan, countOnly bool) {
	undoBitmap(s) // an earlier pass's choice is decided again
	if s.Filter == nil || s.Reverse || len(s.Table.BitmapIndexes()) == 0 {
		return
	}
	var found []*BitmapExpr
	var answered, rest []Expr
	for _, c := range conjuncts(s.Filter) {
		if e := o.bitmapExpr(s, c); e != nil {
			found = append(found, e)
			answered = append(answered, c)
		} else {
			rest = append(rest, c)
		}
	}
	if len(found) == 0 || (countOnly && len(rest) > 0) {
		return
	}
	expr := found[0]
	if len(found) > 1 {
		expr = &BitmapExpr{Op: BitmapAnd, Args: found, sel: 1}
		for _, f := range found {
			expr.sel *= f.sel
		}
	}
	n := o.tableRows(s.Table)
	rows := math.Max(n*expr.sel, 1)
	chunks := math.Ceil(n / bitmapChunkRows)
	cost := float64(bitmapValues(expr)) * chunks * bitmapChunkCost
	if !countOnly {
		cost += rows * fetchCost(s.Table)
	}
	o.estimate(s)
	if cost >= s.Est().Cost {
		return
	}
	s.Bitmap = &BitmapAccess{Expr: expr, Rows: rows, Cost: cost, CountOnly: countOnly, answered: answered}
	s.Index, s.Lower, s.Upper, s.Range = nil, nil, nil, ""
	s.Filter = andAll(rest)
}

// bitmapValues counts the values whose bitmaps expr reads.
func bitmapValues(e *BitmapExpr) int {
	if e.Op == BitmapLeaf {
		return max(len(e.Values), 1)
	}
	n := 0
	for _, a := range e.Args {
		n += bitmapValues(a)
	}
	return n
}

// bitmapExpr returns c as a bitmap predicate, or nil when bitmap indexes
// cannot answer all of it exactly.
func (o *optimizer) bitmapExpr(s *Scan, c Expr) *BitmapExpr {
	switch x := c.(type) {
	case *Call:
		switch x.Fn {
		case fnAnd, fnOr:
			op, sel := BitmapAnd, 1.0
			if x.Fn == fnOr {
				op, sel = BitmapOr, 0
			}
			out := &BitmapExpr{Op: op}
			for _, a := range x.Args {
				e := o.bitmapExpr(s, a)
				if e == nil {
					return nil
				}
				if e.Op == op { // flatten (a OR b) OR c
					out.Args = append(out.Args, e.Args...)
				} else {
					out.Args = append(out.Args, e)
				}
				if op == BitmapAnd {
					sel *= e.sel
				} else {
					sel = sel + e.sel - sel*e.sel
				}
			}
			out.sel = sel
			return out
		case fnEq:
			col, k := colConst(x)
			if col == nil || k.Null {
				return nil
			}
			return o.bitmapLeaf(s, col, []types.Datum{k})
		case fnIsNull:
			col, ok := x.Args[0].(*ColRef)
			if !ok {
				return nil
			}
			return o.bitmapLeaf(s, col, []types.Datum{types.NullDatum(s.Out[col.Idx].Type)})
		}
	case *InList:
		col, ok := x.E.(*ColRef)
		if !ok || x.Not {
			return nil
		}
		var vals []types.Datum
		for _, item := range x.List {
			k, ok := item.(*Const)
			if !ok {
				return nil
			}
			if k.D.Null {
				continue // never true, so never a reason to keep a row
			}
			vals = append(vals, k.D)
		}
		return o.bitmapLeaf(s, col, vals)
	}
	return nil
}

// colConst splits col = const (either way round).
func colConst(c *Call) (*ColRef, types.Datum) {
	if col, ok := c.Args[0].(*ColRef); ok {
		if k, ok := c.Args[1].(*Const); ok {
			return col, k.D
		}
	}
	if col, ok := c.Args[1].(*ColRef); ok {
		if k, ok := c.Args[0].(*Const); ok {
			return col, k.D
		}
	}
	return nil, types.Datum{}
}

// bitmapLeaf is the leaf for column col of s holding one of vals, when a
// bitmap index covers the column and every value encodes as its keys do.
func (o *optimizer) bitmapLeaf(s *Scan, col *ColRef, vals []types.Datum) *BitmapExpr {
	if col.Idx >= len(s.Cols) {
		return nil
	}
	pos := s.Cols[col.Idx]
	colID := s.Table.Columns[pos].ID
	var ix *table.Index
	for _, b := range s.Table.BitmapIndexes() {
		if b.Columns[0] == colID {
			ix = b
			break
		}
	}
	if ix == nil {
		return nil
	}
	ct := s.Out[col.Idx].Type
	for _, v := range vals {
		if !v.Null && !keyComparable(ct, v) {
			return nil
		}
	}
	e := &BitmapExpr{Op: BitmapLeaf, Index: ix, Column: s.Table.Columns[pos].Name, Values: vals}
	cs := columnStats(o.tableStats(s.Table), colID)
	n := o.tableRows(s.Table)
	switch {
	case len(vals) == 1 && vals[0].Null && cs != nil:
		e.sel = float64(cs.Nulls) / n
	case len(vals) == 1 && vals[0].Null:
		e.sel = 0.05
	case cs != nil && cs.Distinct > 0:
		e.sel = float64(len(vals)) / float64(cs.Distinct)
	default:
		e.sel = 0.05 * float64(len(vals))
	}
	e.sel = math.Min(e.sel, 1)
	return e
}

// keyComparable reports whether a constant encodes in an index key of a
// column of type ct the way the column's own values do, so that equal
// keys mean equal values.
func keyComparable(ct types.Type, k types.Datum) bool {
	if ct.Physical() != k.Type.Physical() || (ct.Family == types.Decimal && (k.Type.Family != types.Decimal || k.Type.Scale != ct.Scale)) {
		return false
	}
	return ct.Family == k.Type.Family || (ct.Family == types.Int && k.Type.Family == types.Int)
}

// countOnlyBitmaps revisits the scans nothing reads a column of (their
// rows are only counted): a bitmap access then costs no row fetches, so
// it may win where it lost before. It reports whether a plan changed.
func (o *optimizer) countOnlyBitmaps(n Node) bool {
	changed := false
	for _, in := range n.Inputs() {
		if !isProbed(n, in) { // a probed scan is read by key, not whole
			changed = o.countOnlyBitmaps(in) || changed
		}
	}
	s, ok := n.(*Scan)
	if !ok || !s.countable {
		return changed
	}
	if s.Bitmap != nil {
		if s.Filter == nil && !s.Bitmap.CountOnly {
			s.Bitmap.CountOnly = true
			s.Bitmap.Cost -= s.Bitmap.Rows * fetchCost(s.Table)
			return true
		}
		return changed
	}
	o.chooseBitmap(s, true)
	return s.Bitmap != nil || changed
}
