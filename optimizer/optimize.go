package optimizer

import (
	"math"
	"strings"

	"github.com/aegisdb/aegis/model/keyenc"
	"github.com/aegisdb/aegis/model/table"
	"github.com/aegisdb/aegis/model/types"
)

// Optimize rewrites a bound plan (constant folding, predicate pushdown,
// subquery decorrelation, join ordering) and picks the physical plan
// (access paths, join algorithms) by estimated cost.
func Optimize(n Node, cat Catalog) (Node, error) {
	o := &optimizer{cat: cat}
	n = o.rewrite(n)
	n = o.orderJoins(n)
	n = o.physical(n)
	o.estimate(n)
	need := make([]bool, len(n.Columns()))
	for i := range need {
		need[i] = true
	}
	prune(n, need)
	if o.countOnlyBitmaps(n) {
		o.estimate(n)
		prune(n, need)
	}
	cacheInvariants(n)     // recursive.go
	if scanWorkers() > 1 { // off by default: no walk on every statement
		o.parallelize(n, false)
	}
	return n, nil
}

type optimizer struct {
	cat Catalog
}

// rewrite applies the logical rules bottom-up.
func (o *optimizer) rewrite(n Node) Node {
	switch x := n.(type) {
	case *Filter:
		input := o.rewrite(x.Input)
		conj := conjuncts(o.fold(x.Pred))
		if x.Where {
			input, conj = o.decorrelate(input, conj)
		}
		// A correlated subquery reads this level's columns by their place
		// in the level's scope: it stays above the whole FROM.
		var pinned, movable []Expr
		for _, c := range conj {
			if hasCorrelatedSubquery(c) {
				pinned = append(pinned, c)
			} else {
				movable = append(movable, c)
			}
		}
		out := o.pushFilter(input, movable)
		if len(pinned) > 0 {
			out = &Filter{Input: out, Pred: andAll(pinned), Where: x.Where}
		}
		return out
	case *Join:
		l, r := o.rewrite(x.Left), o.rewrite(x.Right)
		conds := conjuncts(o.fold(x.Cond))
		for i := range x.LeftKeys {
			nl := len(l.Columns())
			conds = append(conds, &Call{Fn: fnEq, Args: []Expr{x.LeftKeys[i], shiftCols(x.RightKeys[i], nl)}, T: types.TypeBool})
		}
		return o.planJoin(x.Kind, l, r, conds)
	case *Scan:
		x.Filter = o.fold(x.Filter)
	case *Project:
		x.Input = o.rewrite(x.Input)
		for i := range x.Exprs {
			x.Exprs[i] = o.fold(x.Exprs[i])
		}
		// A projection of a projection is one projection.
		if in, ok := x.Input.(*Project); ok {
			merged := make([]Expr, len(x.Exprs))
			for i, e := range x.Exprs {
				m, ok := substitute(e, in.Exprs)
				if !ok {
					return x
				}
				merged[i] = m
			}
			return &Project{Input: in.Input, Exprs: merged, Out: x.Out}
		}
	case *Values:
		for _, r := range x.Rows {
			for i := range r {
				r[i] = o.fold(r[i])
			}
		}
	case *Aggregate:
		x.Input = o.rewrite(x.Input)
		for i := range x.GroupBy {
			x.GroupBy[i] = o.fold(x.GroupBy[i])
		}
		for i := range x.Aggs {
			x.Aggs[i].Arg = o.fold(x.Aggs[i].Arg)
		}
	case *Window:
		x.Input = o.rewrite(x.Input)
		for i := range x.Funcs {
			x.Funcs[i].Arg = o.fold(x.Funcs[i].Arg)
		}
	case *Sort:
		x.Input = o.rewrite(x.Input)
	case *Limit:
		x.Input = o.rewrite(x.Input)
		if s, ok := x.Input.(*Sort); ok && s.Limit < 0 && x.Count >= 0 && x.Count+x.Offset < 1<<20 {
			s.Limit = x.Count + x.Offset
			if x.Offset == 0 {
				return s // the TopN alone keeps exactly Count rows
			}
		}
	case *Distinct:
		x.Input = o.rewrite(x.Input)
	case *SetOp:
		x.Left, x.Right = o.rewrite(x.Left), o.rewrite(x.Right)
	case *RecursiveUnion:
		x.Init, x.Recur = o.rewrite(x.Init), o.rewrite(x.Recur)
	case *Insert:
		x.Input = o.rewrite(x.Input)
		if oc := x.OnConflict; oc != nil {
			for i := range oc.Set {
				oc.Set[i] = o.fold(oc.Set[i])
			}
			oc.Where = o.fold(oc.Where)
		}
	case *Update:
		x.Input = o.rewrite(x.Input)
	case *Delete:
		x.Input = o.rewrite(x.Input)
	}
	return n
}

// fold folds constants in e and optimizes the plans of its subqueries.
func (o *optimizer) fold(e Expr) Expr {
	if e == nil {
		return nil
	}
	out, _ := Rewrite(e, func(x Expr) (Expr, error) {
		switch y := x.(type) {
		case *Subquery:
			c := *y
			c.Plan, _ = Optimize(y.Plan, o.cat)
			return &c, nil
		case *Call:
			if y.Fn == fnAnd || y.Fn == fnOr {
				return foldLogic(y), nil
			}
			return foldConst(y), nil
		case *Cast:
			if c, ok := y.E.(*Const); ok {
				if d, err := CastDatum(c.D, y.T); err == nil {
					return &Const{D: d}, nil
				}
			}
		}
		return x, nil
	})
	return out
}

// foldLogic simplifies AND/OR with a constant side.
func foldLogic(c *Call) Expr {
	isAnd := c.Fn == fnAnd
	for i, a := range c.Args {
		k, ok := a.(*Const)
		if !ok || k.D.Null {
			continue
		}
		other := c.Args[1-i]
		if k.D.Bool() == isAnd {
			return other // TRUE AND x = x; FALSE OR x = x
		}
		return &Const{D: types.BoolDatum(!isAnd)} // FALSE AND x = FALSE; TRUE OR x = TRUE
	}
	return foldConst(c)
}

// pushFilter places the conjuncts as low as they can go above n.
func (o *optimizer) pushFilter(n Node, conj []Expr) Node {
	var keep []Expr
	for _, c := range conj {
		if k, ok := c.(*Const); ok && !k.D.Null && k.D.Bool() {
			continue // WHERE TRUE
		}
		keep = append(keep, c)
	}
	conj = keep
	if len(conj) == 0 {
		return n
	}
	switch x := n.(type) {
	case *Scan:
		x.Filter = andAll(append(conjuncts(x.Filter), conj...))
		return x
	case *Filter:
		return o.pushFilter(x.Input, append(conjuncts(x.Pred), conj...))
	case *SeriesScan:
		x.narrow(conj) // series.go; the conjuncts still filter above
		return &Filter{Input: x, Pred: andAll(conj)}
	case *Join:
		nl := len(x.Left.Columns())
		switch x.Kind {
		case InnerJoin:
			conds := append(conjuncts(x.Cond), conj...)
			for i := range x.LeftKeys {
				conds = append(conds, &Call{Fn: fnEq, Args: []Expr{x.LeftKeys[i], shiftCols(x.RightKeys[i], nl)}, T: types.TypeBool})
			}
			return o.planJoin(InnerJoin, x.Left, x.Right, conds)
		case LeftJoin, SemiJoin, AntiJoin, RightJoin:
			var down, up []Expr
			for _, c := range conj {
				side := sideOf(c, nl)
				if (x.Kind != RightJoin && side == sideLeft) || (x.Kind == RightJoin && side == sideRight) {
					down = append(down, c)
				} else {
					up = append(up, c)
				}
			}
			if x.Kind == RightJoin {
				for i := range down {
					down[i] = shiftCols(down[i], -nl)
				}
				x.Right = o.pushFilter(x.Right, down)
			} else {
				x.Left = o.pushFilter(x.Left, down)
			}
			if len(up) == 0 {
				return x
			}
			return &Filter{Input: x, Pred: andAll(up)}
		}
	case *Project:
		// Push through a projection by substituting its expressions, when
		// they are plain enough to evaluate twice.
		var down, up []Expr
		for _, c := range conj {
			if sub, ok := substitute(c, x.Exprs); ok {
				down = append(down, sub)
			} else {
				up = append(up, c)
			}
		}
		if len(down) > 0 {
			x.Input = o.pushFilter(x.Input, down)
		}
		if len(up) == 0 {
			return x
		}
		return &Filter{Input: x, Pred: andAll(up)}
	}
	return &Filter{Input: n, Pred: andAll(conj)}
}

// substitute rewrites e over a projection's input; false when a column it
// reads is computed by something that must not move (aggregates, window
// functions, subqueries).
func substitute(e Expr, exprs []Expr) (Expr, bool) {
	ok := true
	Walk(e, func(x Expr) bool {
		if _, isSub := x.(*Subquery); isSub {
			ok = false
		}
		return ok
	})
	if !ok {
		return nil, false
	}
	out, _ := Rewrite(e, func(x Expr) (Expr, error) {
		c, isCol := x.(*ColRef)
		if !isCol {
			return x, nil
		}
		src := exprs[c.Idx]
		Walk(src, func(y Expr) bool {
			switch y.(type) {
			case *Subquery, *AggExpr, *WindowExpr:
				ok = false
			}
			return ok
		})
		return src, nil
	})
	return out, ok
}

type side int

const (
	sideNone side = iota
	sideLeft
	sideRight
	sideBoth
)

// sideOf says which inputs of a join an expression over left++right reads.
func sideOf(e Expr, nl int) side {
	s := sideNone
	for c := range colsUsed(e, nil) {
		cs := sideLeft
		if c >= nl {
			cs = sideRight
		}
		if s == sideNone {
			s = cs
		} else if s != cs {
			s = sideBoth
		}
	}
	return s
}

// planJoin splits a join's conditions into equality keys, conditions that
// go down to one input, and the rest.
func (o *optimizer) planJoin(kind JoinKind, l, r Node, conds []Expr) Node {
	nl := len(l.Columns())
	j := &Join{Kind: kind, Left: l, Right: r}
	var toLeft, toRight, rest []Expr
	for _, c := range conds {
		if k, ok := c.(*Const); ok && !k.D.Null && k.D.Bool() {
			continue
		}
		s := sideOf(c, nl)
		if hasOuter(c) && s == sideNone {
			rest = append(rest, c)
			continue
		}
		switch {
		case s == sideLeft && (kind == InnerJoin || kind == RightJoin):
			toLeft = append(toLeft, c)
			continue
		case s == sideRight && (kind == InnerJoin || kind == LeftJoin || kind == SemiJoin || kind == AntiJoin):
			toRight = append(toRight, shiftCols(c, -nl))
			continue
		}
		if call, ok := c.(*Call); ok && call.Fn == fnEq && s == sideBoth {
			a, b := call.Args[0], call.Args[1]
			sa, sb := sideOf(a, nl), sideOf(b, nl)
			if sa == sideRight && sb == sideLeft {
				a, b, sa, sb = b, a, sb, sa
			}
			if sa == sideLeft && sb == sideRight && !hasSubquery(a) && !hasSubquery(b) {
				j.LeftKeys = append(j.LeftKeys, a)
				j.RightKeys = append(j.RightKeys, shiftCols(b, -nl))
				continue
			}
		}
		rest = append(rest, c)
	}
	j.Left = o.pushFilter(l, toLeft)
	j.Right = o.pushFilter(r, toRight)
	j.Cond = andAll(rest)
	return j
}

func hasCorrelatedSubquery(e Expr) bool {
	found := false
	Walk(e, func(x Expr) bool {
		if s, ok := x.(*Subquery); ok && s.Correlated {
			found = true
		}
		return !found
	})
	return found
}

func hasSubquery(e Expr) bool {
	found := false
	Walk(e, func(x Expr) bool {
		if _, ok := x.(*Subquery); ok {
			found = true
		}
		return !found
	})
	return found
}

// decorrelate turns WHERE conjuncts `x IN (subquery)` and `[NOT] EXISTS
// (correlated subquery)` into semi and anti joins with the input.
func (o *optimizer) decorrelate(input Node, conj []Expr) (Node, []Expr) {
	var rest []Expr
	for _, c := range conj {
		not := false
		e := c
		if call, ok := e.(*Call); ok && call.Fn == fnNot {
			if s, ok := call.Args[0].(*Subquery); ok && s.Kind == SubExists {
				not, e = true, s
			}
		}
		s, ok := e.(*Subquery)
		if !ok {
			rest = append(rest, c)
			continue
		}
		switch {
		case s.Kind == SubIn && !s.Not && !s.Correlated && !hasSubquery(s.E):
			plan, _ := Optimize(s.Plan, o.cat)
			col := plan.Columns()[0]
			input = o.planJoin(SemiJoin, input, plan, []Expr{&Call{Fn: fnEq, T: types.TypeBool,
				Args: []Expr{s.E, &ColRef{Idx: len(input.Columns()), Name: col.Name, T: col.Type}}}})
			continue
		case s.Kind == SubExists && s.Correlated:
			if j := o.existsJoin(input, s, not); j != nil {
				input = j
				continue
			}
		}
		rest = append(rest, c)
	}
	return input, rest
}

// existsJoin rewrites EXISTS (SELECT ... FROM x WHERE inner = outer AND
// ...) as a semi (anti, for NOT) join of input with x on inner = outer;
// nil when the subquery has another shape.
func (o *optimizer) existsJoin(input Node, s *Subquery, not bool) Node {
	outerLevel := s.Level - 1
	plan := s.Plan
	for {
		if p, ok := plan.(*Project); ok {
			plan = p.Input
			continue
		}
		if d, ok := plan.(*Distinct); ok {
			plan = d.Input
			continue
		}
		break
	}
	var inner Node
	var pred Expr
	switch x := plan.(type) {
	case *Filter:
		inner, pred = x.Input, x.Pred
	case *Scan:
		c := *x
		c.Filter = nil
		inner, pred = &c, x.Filter
	default:
		return nil
	}
	if pred == nil || hasOuterPlan(inner, outerLevel) {
		return nil
	}
	nl := len(input.Columns())
	var conds []Expr
	for _, c := range conjuncts(pred) {
		if !refersLevel(c, outerLevel) {
			conds = append(conds, shiftCols(c, nl))
			continue
		}
		if hasSubquery(c) {
			return nil
		}
		// An outer reference becomes a column of the join's left side.
		moved, _ := Rewrite(c, func(x Expr) (Expr, error) {
			if r, ok := x.(*OuterRef); ok && r.Level == outerLevel {
				return &ColRef{Idx: r.Idx - nl, Name: r.Name, T: r.T}, nil
			}
			return x, nil
		})
		conds = append(conds, shiftCols(moved, nl))
	}
	kind := SemiJoin
	if not {
		kind = AntiJoin
	}
	return o.planJoin(kind, input, o.rewrite(inner), conds)
}

func refersLevel(e Expr, level int) bool {
	found := false
	Walk(e, func(x Expr) bool {
		if r, ok := x.(*OuterRef); ok && r.Level == level {
			found = true
		}
		if s, ok := x.(*Subquery); ok && hasOuterPlan(s.Plan, level) {
			found = true
		}
		return !found
	})
	return found
}

// physical chooses access paths and join algorithms, bottom-up.
func (o *optimizer) physical(n Node) Node {
	for _, in := range n.Inputs() {
		_ = o.physical(in)
	}
	switch x := n.(type) {
	case *Scan:
		resetProbe(x) // indexjoin.go
		undoBitmap(x) // bitmapscan.go: both choices are made again
		o.chooseIndex(x)
		o.chooseBitmap(x, false)
	case *Join:
		if len(x.LeftKeys) > 0 {
			x.Algo = HashJoin
		} else {
			x.Algo = NestedLoopJoin
		}
		if x.Kind == InnerJoin {
			o.reorder(x)
		}
		o.chooseIndexJoin(x) // indexjoin.go
	}
	return n
}

// reorder builds the hash table of an inner join on its smaller input.
func (o *optimizer) reorder(j *Join) {
	o.estimate(j.Left)
	o.estimate(j.Right)
	j.BuildLeft = j.Algo == HashJoin && j.Left.Est().Rows < j.Right.Est().Rows
}

// tableStats returns the statistics of the table a scan reads.
func (o *optimizer) tableStats(d *table.Desc) *table.Stats {
	if o.cat == nil {
		return nil
	}
	return o.cat.Stats(d)
}

func (o *optimizer) tableRows(d *table.Desc) float64 {
	if st := o.tableStats(d); st != nil {
		return math.Max(float64(st.RowCount), 1)
	}
	return 1000
}

func columnStats(st *table.Stats, id uint32) *table.ColumnStats {
	if st == nil {
		return nil
	}
	for i := range st.Columns {
		if st.Columns[i].ColumnID == id {
			return &st.Columns[i]
		}
	}
	return nil
}

// bound is one usable condition on a scan column: col op value.
type bound struct {
	fn  *Func
	val types.Datum
}

// scanBounds collects, per scan output column, the comparisons with
// constants among the scan's filter conjuncts.
func scanBounds(s *Scan) map[int][]bound {
	out := map[int][]bound{}
	for _, c := range conjuncts(s.Filter) {
		call, ok := c.(*Call)
		if !ok || !IsComparison(call.Fn) || call.Fn == fnNe {
			continue
		}
		col, cok := call.Args[0].(*ColRef)
		k, kok := call.Args[1].(*Const)
		fn := call.Fn
		if !cok || !kok {
			col, cok = call.Args[1].(*ColRef)
			k, kok = call.Args[0].(*Const)
			fn = mirror[fn]
		}
		if !cok || !kok || k.D.Null {
			continue
		}
		if !keyComparable(s.Out[col.Idx].Type, k.D) {
			continue
		}
		out[col.Idx] = append(out[col.Idx], bound{fn: fn, val: k.D})
	}
	return out
}

// chooseIndex picks the cheapest way to read a scan's rows: the whole
// table, a primary-key range, or a secondary index range.
func (o *optimizer) chooseIndex(s *Scan) {
	if s.Filter == nil {
		return
	}
	bounds := scanBounds(s)
	if len(bounds) == 0 {
		return
	}
	posOf := map[int]int{} // table column position -> scan output column
	for i, p := range s.Cols {
		posOf[p] = i
	}
	n := o.tableRows(s.Table)
	st := o.tableStats(s.Table)
	type choice struct {
		ix           *table.Index
		lower, upper []byte
		desc         string
		rows, cost   float64
	}
	best := choice{rows: n, cost: n}
	try := func(ix *table.Index, secondary bool) {
		if ix.Kind == table.IndexBitmap {
			return // no key order to range over: chooseBitmap's job
		}
		prefix := table.IndexPrefix(s.Table.ID, ix.ID)
		key := append([]byte(nil), prefix...)
		sel := 1.0
		var desc []string
		eq := 0
		var lower, upper []byte
		for i, colID := range ix.Columns {
			p := s.Table.ColumnByID(colID)
			oc, ok := posOf[p]
			if !ok {
				break
			}
			bs := bounds[oc]
			var eqb *bound
			for k := range bs {
				if bs[k].fn == fnEq {
					eqb = &bs[k]
					break
				}
			}
			name := s.Table.Columns[p].Name
			cs := columnStats(st, colID)
			if eqb != nil {
				key = table.AppendDatum(key, eqb.val, ix.Descending(i))
				eq++
				desc = append(desc, name+" = "+(&Const{D: eqb.val}).String())
				if cs != nil && cs.Distinct > 0 {
					sel /= float64(cs.Distinct)
				} else {
					sel *= 0.05
				}
				continue
			}
			if ix.Descending(i) || len(bs) == 0 {
				break
			}
			lo, hi := append([]byte(nil), key...), keyenc.PrefixEnd(key)
			rangeSel := 1.0
			for _, b := range bs {
				enc := table.AppendDatum(append([]byte(nil), key...), b.val, false)
				switch b.fn {
				case fnGt:
					if e := keyenc.PrefixEnd(enc); string(e) > string(lo) {
						lo = e
					}
				case fnGe:
					if string(enc) > string(lo) {
						lo = enc
					}
				case fnLt:
					if string(enc) < string(hi) {
						hi = enc
					}
				case fnLe:
					if e := keyenc.PrefixEnd(enc); string(e) < string(hi) {
						hi = e
					}
				default:
					continue
				}
				desc = append(desc, name+" "+b.fn.Infix+" "+(&Const{D: b.val}).String())
				rangeSel *= rangeFraction(cs, b)
			}
			sel *= rangeSel
			lower, upper = lo, hi
			break
		}
		if len(desc) == 0 {
			return
		}
		if lower == nil {
			lower, upper = key, keyenc.PrefixEnd(key)
		}
		if eq == len(ix.Columns) && (ix.Unique || !secondary) {
			sel = math.Min(sel, 1/n)
		}
		rows := math.Max(n*sel, 1)
		cost := rows
		if secondary {
			cost = rows * (1 + indexSeekCost) // each entry costs a lookup of its row
		}
		if cost < best.cost {
			best = choice{ix: ix, lower: lower, upper: upper, desc: strings.Join(desc, " AND "), rows: rows, cost: cost}
			if !secondary {
				best.ix = nil
			}
		}
	}
	try(&s.Table.Primary, false)
	for i := range s.Table.Indexes {
		try(&s.Table.Indexes[i], true)
	}
	if best.desc != "" {
		s.Index, s.Lower, s.Upper, s.Range = best.ix, best.lower, best.upper, best.desc
	}
}

// rangeFraction estimates the share of rows a range condition keeps, from
// the histogram when there is one.
func rangeFraction(cs *table.ColumnStats, b bound) float64 {
	if cs == nil || len(cs.Histogram) == 0 {
		return 0.3
	}
	below := 0
	for _, h := range cs.Histogram {
		if h.Null || h.Type.Physical() != b.val.Type.Physical() {
			return 0.3
		}
		if CompareDatums(h, b.val) < 0 {
			below++
		}
	}
	f := (float64(below) + 0.5) / float64(len(cs.Histogram)+1)
	if b.fn == fnGt || b.fn == fnGe {
		f = 1 - f
	}
	return math.Min(math.Max(f, 0.001), 1)
}

// selectivity guesses the share of rows a predicate keeps.
func (o *optimizer) selectivity(e Expr, n Node) float64 {
	sel := 1.0
	for _, c := range conjuncts(e) {
		s := 0.5
		switch x := c.(type) {
		case *Call:
			switch {
			case x.Fn == fnEq:
				s = 0.1
				if col, ok := x.Args[0].(*ColRef); ok {
					if d := o.ndv(n, col.Idx); d > 0 {
						s = 1 / d
					}
				}
			case x.Fn == fnNe:
				s = 0.9
			case IsComparison(x.Fn):
				s = 0.3
				if r := o.histogramFraction(x, n); r >= 0 {
					s = r
				}
			case x.Fn == fnLike:
				s = 0.1
			case x.Fn == fnIsNull:
				s = 0.05
			case x.Fn == fnIsNotNull:
				s = 0.95
			}
		case *InList:
			s = math.Min(0.1*float64(len(x.List)), 0.8)
			if x.Not {
				s = 1 - s
			}
		case *Const:
			if x.D.Null || !x.D.Bool() {
				s = 0
			} else {
				s = 1
			}
		}
		sel *= s
	}
	return sel
}

// histogramFraction estimates a range comparison of a scan column with a
// constant from the column's histogram; -1 when there is none to use.
func (o *optimizer) histogramFraction(c *Call, n Node) float64 {
	scan, ok := n.(*Scan)
	if !ok {
		return -1
	}
	col, cok := c.Args[0].(*ColRef)
	k, kok := c.Args[1].(*Const)
	fn := c.Fn
	if !cok || !kok {
		col, cok = c.Args[1].(*ColRef)
		k, kok = c.Args[0].(*Const)
		fn = mirror[fn]
	}
	if !cok || !kok || k.D.Null || col.Idx >= len(scan.Cols) {
		return -1
	}
	cs := columnStats(o.tableStats(scan.Table), scan.Table.Columns[scan.Cols[col.Idx]].ID)
	if cs == nil || len(cs.Histogram) == 0 {
		return -1
	}
	return rangeFraction(cs, bound{fn: fn, val: k.D})
}

// ndv estimates the number of distinct values of column idx of n's
// output, following the column down to a table when it can.
func (o *optimizer) ndv(n Node, idx int) float64 {
	switch x := n.(type) {
	case *Scan:
		st := o.tableStats(x.Table)
		if cs := columnStats(st, x.Table.Columns[x.Cols[idx]].ID); cs != nil && cs.Distinct > 0 {
			return float64(cs.Distinct)
		}
	case *Filter:
		return capNDV(o.ndv(x.Input, idx), x.Rows)
	case *Sort:
		return o.ndv(x.Input, idx)
	case *Limit:
		return capNDV(o.ndv(x.Input, idx), x.Rows)
	case *Project:
		if c, ok := x.Exprs[idx].(*ColRef); ok {
			return o.ndv(x.Input, c.Idx)
		}
	case *Join:
		nl := len(x.Left.Columns())
		if idx < nl {
			return capNDV(o.ndv(x.Left, idx), x.Rows)
		}
		if x.Kind != SemiJoin && x.Kind != AntiJoin {
			return capNDV(o.ndv(x.Right, idx-nl), x.Rows)
		}
	case *Aggregate:
		if idx < len(x.GroupBy) {
			if c, ok := x.GroupBy[idx].(*ColRef); ok {
				return o.ndv(x.Input, c.Idx)
			}
		}
	}
	return 0 // unknown
}

// capNDV bounds a distinct count by a row count; 0 stays unknown.
func capNDV(d, rows float64) float64 {
	if d == 0 {
		return 0
	}
	return math.Min(d, math.Max(rows, 1))
}

// keyNDV estimates the distinct values of a key: known counts from
// statistics, else the rows of the input (a key is assumed unique).
func keyNDV(o *optimizer, n Node, keys []Expr) float64 {
	d := 1.0
	for _, k := range keys {
		v := 0.0
		if c, ok := k.(*ColRef); ok {
			v = o.ndv(n, c.Idx)
		}
		if v == 0 {
			v = math.Max(n.Est().Rows, 1)
		}
		d *= v
	}
	return math.Min(d, math.Max(n.Est().Rows, 1))
}

// estimate fills in rows and cost, bottom-up.
func (o *optimizer) estimate(n Node) {
	if r, ok := n.(*RecursiveUnion); ok {
		o.estimateRecursive(r) // recursive.go: its working table first
		return
	}
	for _, in := range n.Inputs() {
		o.estimate(in)
	}
	e := n.Est()
	childCost := 0.0
	for _, in := range n.Inputs() {
		childCost += in.Est().Cost
	}
	switch x := n.(type) {
	case *Scan:
		if x.Bitmap != nil {
			e.Rows = math.Max(x.Bitmap.Rows*o.selectivity(x.Filter, x), 1)
			e.Cost = x.Bitmap.Cost
			break
		}
		total := o.tableRows(x.Table)
		read := total
		if x.Range != "" {
			read = math.Max(total*o.rangeSelectivity(x), 1)
		}
		e.Rows = math.Max(math.Min(total*o.selectivity(x.Filter, x), read), 1)
		e.Cost = read
		if x.Index != nil {
			e.Cost = read * 3
		}
	case *SeriesScan:
		e.Rows, e.Cost = seriesScanRows, seriesScanRows
	case *WorkTable:
		// Set from the non-recursive term by estimateRecursive; a join
		// ordered before that sees a small table.
		e.Rows, e.Cost = math.Max(e.Rows, 1), math.Max(e.Cost, 1)
	case *Values:
		e.Rows, e.Cost = float64(len(x.Rows)), float64(len(x.Rows))
	case *Filter:
		in := x.Input.Est().Rows
		e.Rows = math.Max(in*o.selectivity(x.Pred, x.Input), 1)
		e.Cost = childCost + in
	case *Project:
		e.Rows = x.Input.Est().Rows
		e.Cost = childCost + e.Rows*0.1
	case *Join:
		if x.Lookup != nil {
			o.wholeInner(x) // indexjoin.go: rows are judged on the whole inner side
		}
		l, r := x.Left.Est().Rows, x.Right.Est().Rows
		switch {
		case len(x.LeftKeys) > 0:
			e.Rows = l * r / math.Max(math.Max(keyNDV(o, x.Left, x.LeftKeys), keyNDV(o, x.Right, x.RightKeys)), 1)
		default:
			e.Rows = l * r
		}
		if x.Cond != nil {
			e.Rows *= o.selectivity(x.Cond, x)
		}
		switch x.Kind {
		case SemiJoin, AntiJoin:
			e.Rows = math.Max(l*0.5, 1)
		case LeftJoin:
			e.Rows = math.Max(e.Rows, l)
		case RightJoin:
			e.Rows = math.Max(e.Rows, r)
		case FullJoin:
			e.Rows = math.Max(e.Rows, l+r)
		}
		e.Rows = math.Max(e.Rows, 1)
		if x.Algo == IndexJoin {
			e.Cost = o.estimateIndexJoin(x)
		} else if x.Algo == HashJoin {
			e.Cost = childCost + l + 2*r + e.Rows
		} else {
			e.Cost = childCost + l*r + e.Rows
		}
	case *Aggregate:
		in := x.Input.Est().Rows
		if len(x.GroupBy) == 0 {
			e.Rows = 1
		} else {
			e.Rows = math.Max(math.Min(keyNDV(o, x.Input, x.GroupBy), in), 1)
		}
		e.Cost = childCost + in*1.5
	case *Window:
		in := x.Input.Est().Rows
		e.Rows = in
		e.Cost = childCost + in*math.Log2(in+2)
	case *Sort:
		in := x.Input.Est().Rows
		e.Rows = in
		if x.Limit >= 0 {
			e.Rows = math.Min(in, float64(x.Limit))
			e.Cost = childCost + in*math.Log2(float64(x.Limit)+2)*0.2
		} else {
			e.Cost = childCost + in*math.Log2(in+2)*0.2
		}
	case *Limit:
		in := x.Input.Est().Rows
		e.Rows = in - float64(x.Offset)
		if x.Count >= 0 {
			e.Rows = math.Min(e.Rows, float64(x.Count))
		}
		e.Rows = math.Max(e.Rows, 0)
		e.Cost = childCost
	case *Distinct:
		e.Rows = math.Max(x.Input.Est().Rows/2, 1)
		e.Cost = childCost + x.Input.Est().Rows*1.5
	case *SetOp:
		e.Rows = x.Left.Est().Rows + x.Right.Est().Rows
		e.Cost = childCost + e.Rows
	case *Insert, *Update, *Delete:
		e.Rows = n.Inputs()[0].Est().Rows
		e.Cost = childCost + e.Rows*2
	}
}

// rangeSelectivity is the share of the table an index range reads.
func (o *optimizer) rangeSelectivity(s *Scan) float64 {
	sel := 1.0
	st := o.tableStats(s.Table)
	bounds := scanBounds(s)
	ix := &s.Table.Primary
	if s.Index != nil {
		ix = s.Index
	}
	posOf := map[int]int{}
	for i, p := range s.Cols {
		posOf[p] = i
	}
	for _, colID := range ix.Columns {
		oc, ok := posOf[s.Table.ColumnByID(colID)]
		if !ok {
			break
		}
		cs := columnStats(st, colID)
		done := true
		for _, b := range bounds[oc] {
			if b.fn == fnEq {
				if cs != nil && cs.Distinct > 0 {
					sel /= float64(cs.Distinct)
				} else {
					sel *= 0.05
				}
				done = false
				break
			}
			sel *= rangeFraction(cs, b)
		}
		if done {
			break
		}
	}
	if len(ix.Columns) > 0 && (ix.Unique || ix == &s.Table.Primary) && strings.Count(s.Range, " = ") == len(ix.Columns) {
		return 1 / o.tableRows(s.Table)
	}
	return sel
}
