package optimizer

// Projection pruning: every scan learns which of its columns anything
// above it reads, and decodes only those. Column positions do not change
// (the other columns read as NULL), so no expression above has to be
// renumbered.

import "slices"

// prune marks, top-down, the columns each node's consumers need.
func prune(n Node, need []bool) {
	if n == nil {
		return
	}
	all := func(k int) []bool {
		out := make([]bool, k)
		for i := range out {
			out[i] = true
		}
		return out
	}
	mark := func(into []bool, es ...Expr) {
		for _, e := range es {
			if e == nil {
				continue
			}
			for c := range exprCols(e) {
				if c >= 0 && c < len(into) {
					into[c] = true
				}
			}
		}
	}
	switch x := n.(type) {
	case *Scan:
		needed := append([]bool(nil), need...)
		mark(needed, x.Filter)
		x.Needed = needed
		x.countable = !slices.Contains(need, true)
		pruneSubplans(x.Filter)
	case *SeriesScan:
		x.Needed = append([]bool(nil), need...)
	case *Values:
		for _, r := range x.Rows {
			for _, e := range r {
				pruneSubplans(e)
			}
		}
	case *Filter:
		in := append([]bool(nil), need...)
		mark(in, x.Pred)
		pruneSubplans(x.Pred)
		prune(x.Input, in)
	case *Project:
		in := make([]bool, len(x.Input.Columns()))
		mark(in, x.Exprs...)
		for _, e := range x.Exprs {
			pruneSubplans(e)
		}
		prune(x.Input, in)
	case *Join:
		nl := len(x.Left.Columns())
		l, r := make([]bool, nl), make([]bool, len(x.Right.Columns()))
		for i, v := range need {
			if !v {
				continue
			}
			if i < nl {
				l[i] = true
			} else if x.Kind != SemiJoin && x.Kind != AntiJoin {
				r[i-nl] = true
			}
		}
		mark(l, x.LeftKeys...)
		mark(r, x.RightKeys...)
		if x.Cond != nil {
			both := make([]bool, nl+len(r))
			mark(both, x.Cond)
			for i, v := range both {
				if v && i < nl {
					l[i] = true
				} else if v {
					r[i-nl] = true
				}
			}
			pruneSubplans(x.Cond)
		}
		prune(x.Left, l)
		prune(x.Right, r)
	case *Aggregate:
		in := make([]bool, len(x.Input.Columns()))
		mark(in, x.GroupBy...)
		for _, a := range x.Aggs {
			mark(in, a.Arg)
			pruneSubplans(a.Arg)
		}
		prune(x.Input, in)
	case *Window:
		nin := len(x.Input.Columns())
		in := make([]bool, nin)
		copy(in, need[:min(nin, len(need))])
		for _, w := range x.Funcs {
			mark(in, w.Arg)
			mark(in, w.PartitionBy...)
			for _, k := range w.OrderBy {
				mark(in, k.E)
			}
		}
		prune(x.Input, in)
	case *Sort:
		in := append([]bool(nil), need...)
		for _, k := range x.Keys {
			mark(in, k.E)
		}
		prune(x.Input, in)
	case *Limit:
		prune(x.Input, need)
	default:
		// Distinct, set operations and writes need every column.
		for _, in := range n.Inputs() {
			prune(in, all(len(in.Columns())))
		}
		switch y := n.(type) {
		case *Insert:
			for _, e := range y.Returning {
				pruneSubplans(e)
			}
			if oc := y.OnConflict; oc != nil {
				for _, e := range oc.Set {
					pruneSubplans(e)
				}
				if oc.Where != nil {
					pruneSubplans(oc.Where)
				}
			}
		}
	}
}

// pruneSubplans prunes the plans of the subqueries inside e.
func pruneSubplans(e Expr) {
	Walk(e, func(x Expr) bool {
		if s, ok := x.(*Subquery); ok {
			cols := s.Plan.Columns()
			need := make([]bool, len(cols))
			for i := range need {
				need[i] = true
			}
			prune(s.Plan, need)
		}
		return true
	})
}

// exprCols is the set of input columns e reads: its column references,
// and the columns its correlated subqueries read of this row.
func exprCols(e Expr) map[int]bool {
	out := colsUsed(e, nil)
	Walk(e, func(x Expr) bool {
		if s, ok := x.(*Subquery); ok && s.Correlated {
			outerCols(s.Plan, s.Level-1, out)
		}
		return true
	})
	return out
}

// outerCols adds the columns of query level `level` that plan reads.
func outerCols(plan Node, level int, into map[int]bool) {
	WalkPlanExprs(plan, func(e Expr) {
		Walk(e, func(x Expr) bool {
			switch y := x.(type) {
			case *OuterRef:
				if y.Level == level {
					into[y.Idx] = true
				}
			case *Subquery:
				outerCols(y.Plan, level, into)
			}
			return true
		})
	})
}
