package optimizer

import (
	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/parser"
)

// Correlated subqueries of a grouped query.
//
// A subquery in the select list or HAVING of a grouped query runs once
// per group, over the Aggregate's output, not over the FROM rows its
// outer references were bound against. So, as in PostgreSQL, it may read
// only the grouping columns of the outer query (rebased here to the
// Aggregate's key columns) and aggregates of the outer query: an
// aggregate whose argument reads only columns of an enclosing level
// belongs to that level (count(*) and aggregates of local columns stay
// in the subquery). `SELECT g, (SELECT max(t1.v) FROM t2 ...) FROM t1
// GROUP BY g` computes max(t1.v) per group of t1, which the subquery
// then reads as a column of the Aggregate.

// OuterAgg is an aggregate bound inside a subquery that belongs to the
// enclosing query at Level: Agg's argument is over that level's columns.
// The enclosing query's binder replaces it by an OuterRef to a column of
// its Aggregate; none is left in a bound plan.
type OuterAgg struct {
	Level int
	Agg   AggCall
}

func (e *OuterAgg) Type() types.Type { return e.Agg.T }
func (e *OuterAgg) String() string   { return "outer(" + e.Agg.String() + ")" }

// outerAgg returns the aggregate as an OuterAgg when its argument reads
// only columns of enclosing levels (the innermost of them owns it), nil
// when it belongs to the current level.
func (b *Binder) outerAgg(call AggCall) Expr {
	if call.Arg == nil {
		return nil
	}
	level, local := -1, false
	Walk(call.Arg, func(x Expr) bool {
		switch y := x.(type) {
		case *ColRef, *Subquery, *AggExpr, *OuterAgg:
			local = true
		case *OuterRef:
			level = max(level, y.Level)
		}
		return !local
	})
	if local || level < 0 {
		return nil
	}
	arg, _ := Rewrite(call.Arg, func(x Expr) (Expr, error) {
		if r, ok := x.(*OuterRef); ok && r.Level == level {
			return &ColRef{Idx: r.Idx, Name: r.Name, T: r.T}, nil
		}
		return x, nil
	})
	call.Arg = arg
	return &OuterAgg{Level: level, Agg: call}
}

// subqueryAggs refuses a subquery holding an aggregate of the current
// level where the current level allows none (WHERE, JOIN ON, ...).
func (b *Binder) subqueryAggs(s *Subquery, ctx exprCtx, pos parser.Pos) (Expr, error) {
	if !ctx.aggOK && hasOuterAggAt(s, len(b.scopes)-1) {
		return nil, bindErr(pos, "aggregate functions are not allowed in %s", ctx.clause)
	}
	return s, nil
}

// hasOuterAggAt reports whether e holds, inside a subquery, an aggregate
// of query level `level`.
func hasOuterAggAt(e Expr, level int) bool {
	found := false
	var inExpr func(Expr)
	inExpr = func(e Expr) {
		Walk(e, func(x Expr) bool {
			switch y := x.(type) {
			case *OuterAgg:
				found = found || y.Level == level
			case *Subquery:
				WalkPlanExprs(y.Plan, inExpr)
			}
			return !found
		})
	}
	inExpr(e)
	return found
}

// regroup rebases the references a subquery plan makes to query level
// `level`, which groups: a grouping column becomes the Aggregate's key
// column, an OuterAgg a column of the Aggregate (addAgg returns it);
// any other column is an error.
func regroup(plan Node, level int, keys map[string]int, addAgg func(AggCall) int) error {
	return mapPlanExprs(plan, func(e Expr) (Expr, error) {
		return Rewrite(e, func(x Expr) (Expr, error) {
			switch y := x.(type) {
			case *OuterRef:
				if y.Level != level {
					return y, nil
				}
				i, ok := keys[exprKey(&ColRef{Idx: y.Idx, T: y.T})]
				if !ok {
					return nil, bindErr(parser.Pos{}, "subquery uses ungrouped column %q from outer query: it must appear in the GROUP BY clause or be used in an aggregate function", y.Name)
				}
				return &OuterRef{Level: level, Idx: i, Name: y.Name, T: y.T}, nil
			case *OuterAgg:
				if y.Level != level {
					return y, nil
				}
				return &OuterRef{Level: level, Idx: addAgg(y.Agg), Name: y.Agg.String(), T: y.Agg.T}, nil
			case *Subquery:
				if err := regroup(y.Plan, level, keys, addAgg); err != nil {
					return nil, err
				}
			}
			return x, nil
		})
	})
}

// mapPlanExprs replaces, in place, every expression held by the nodes of
// a plan with fn's result.
func mapPlanExprs(n Node, fn func(Expr) (Expr, error)) error {
	var err error
	m := func(e *Expr) {
		if err == nil && *e != nil {
			*e, err = fn(*e)
		}
	}
	all := func(es []Expr) {
		for i := range es {
			m(&es[i])
		}
	}
	keys := func(ks []SortKey) {
		for i := range ks {
			m(&ks[i].E)
		}
	}
	switch x := n.(type) {
	case *Scan:
		m(&x.Filter)
	case *Values:
		for _, r := range x.Rows {
			all(r)
		}
	case *Filter:
		m(&x.Pred)
	case *Project:
		all(x.Exprs)
	case *Join:
		all(x.LeftKeys)
		all(x.RightKeys)
		m(&x.Cond)
	case *Aggregate:
		all(x.GroupBy)
		for i := range x.Aggs {
			m(&x.Aggs[i].Arg)
		}
	case *Window:
		for i := range x.Funcs {
			m(&x.Funcs[i].Arg)
			all(x.Funcs[i].PartitionBy)
			keys(x.Funcs[i].OrderBy)
		}
	case *Sort:
		keys(x.Keys)
	}
	if err != nil {
		return err
	}
	for _, in := range n.Inputs() {
		if err := mapPlanExprs(in, fn); err != nil {
			return err
		}
	}
	return nil
}
