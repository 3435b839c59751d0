package vexec

import (
	"fmt"
	"math"

	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/optimizer"
)

// aggState accumulates one aggregate for every group.
type aggState interface {
	grow(n int)
	update(groups []int32, v *types.Vector, sel []int) error
	result(g int) types.Datum
}

func newAggState(c optimizer.AggCall) aggState {
	var s aggState
	switch {
	case c.Func == "count" && c.Arg == nil:
		s = &countState{star: true}
	case c.Func == "count":
		s = &countState{}
	case c.Func == "sum" && c.T.Family == types.Float:
		s = &sumFloatState{t: c.T}
	case c.Func == "sum":
		s = &sumIntState{t: c.T}
	case c.Func == "avg":
		s = &avgState{}
	case c.Func == "string_agg":
		s = &stringAggState{sep: c.Extra.D}
	case c.Func == "bool_and" || c.Func == "every":
		s = &boolAggState{and: true}
	case c.Func == "bool_or":
		s = &boolAggState{}
	case varianceFuncs[c.Func].ok:
		s = &varianceState{kind: varianceFuncs[c.Func]}
	default:
		s = &extremeState{max: c.Func == "max", t: c.T}
	}
	if c.Distinct {
		return &distinctState{inner: s}
	}
	return s
}

type countState struct {
	star bool
	n    []int64
}

func (s *countState) grow(n int) {
	for len(s.n) < n {
		s.n = append(s.n, 0)
	}
}

func (s *countState) update(groups []int32, v *types.Vector, sel []int) error {
	if s.star || v.Nulls == nil {
		for _, i := range sel {
			s.n[groups[i]]++
		}
		return nil
	}
	for _, i := range sel {
		if !v.Nulls[i] {
			s.n[groups[i]]++
		}
	}
	return nil
}

func (s *countState) result(g int) types.Datum { return types.IntDatum(s.n[g]) }

// sumIntState sums integers and decimals (of the result's scale) with
// overflow checks.
type sumIntState struct {
	t    types.Type
	sum  []int64
	seen []bool
}

func (s *sumIntState) grow(n int) {
	for len(s.sum) < n {
		s.sum = append(s.sum, 0)
		s.seen = append(s.seen, false)
	}
}

func (s *sumIntState) update(groups []int32, v *types.Vector, sel []int) error {
	for _, i := range sel {
		if v.IsNull(i) {
			continue
		}
		g := groups[i]
		x := v.Ints[i]
		r := s.sum[g] + x
		if (r > s.sum[g]) != (x > 0) && x != 0 {
			return fmt.Errorf("%w: sum exceeds %s", optimizer.ErrOverflow, s.t)
		}
		s.sum[g] = r
		s.seen[g] = true
	}
	return nil
}

func (s *sumIntState) result(g int) types.Datum {
	if !s.seen[g] {
		return types.NullDatum(s.t)
	}
	return types.Datum{Type: s.t, I: s.sum[g]}
}

type sumFloatState struct {
	t    types.Type
	sum  []float64
	seen []bool
}

func (s *sumFloatState) grow(n int) {
	for len(s.sum) < n {
		s.sum = append(s.sum, 0)
		s.seen = append(s.seen, false)
	}
}

func (s *sumFloatState) update(groups []int32, v *types.Vector, sel []int) error {
	for _, i := range sel {
		if v.IsNull(i) {
			continue
		}
		g := groups[i]
		s.sum[g] += v.Floats[i]
		s.seen[g] = true
	}
	return nil
}

func (s *sumFloatState) result(g int) types.Datum {
	if !s.seen[g] {
		return types.NullDatum(s.t)
	}
	return types.FloatDatum(s.sum[g])
}

type avgState struct {
	sum []float64
	n   []int64
}

func (s *avgState) grow(n int) {
	for len(s.sum) < n {
		s.sum = append(s.sum, 0)
		s.n = append(s.n, 0)
	}
}

func (s *avgState) update(groups []int32, v *types.Vector, sel []int) error {
	scale := 1.0
	if v.Type.Family == types.Decimal {
		scale = float64(types.Pow10(int(v.Type.Scale)))
	}
	for _, i := range sel {
		if v.IsNull(i) {
			continue
		}
		g := groups[i]
		switch v.Type.Physical() {
		case types.PhysFloat:
			s.sum[g] += v.Floats[i]
		default:
			s.sum[g] += float64(v.Ints[i]) / scale
		}
		s.n[g]++
	}
	return nil
}

func (s *avgState) result(g int) types.Datum {
	if s.n[g] == 0 {
		return types.NullDatum(types.TypeFloat)
	}
	return types.FloatDatum(s.sum[g] / float64(s.n[g]))
}

type extremeState struct {
	max  bool
	t    types.Type
	best []types.Datum
}

func (s *extremeState) grow(n int) {
	for len(s.best) < n {
		s.best = append(s.best, types.NullDatum(s.t))
	}
}

func (s *extremeState) update(groups []int32, v *types.Vector, sel []int) error {
	for _, i := range sel {
		if v.IsNull(i) {
			continue
		}
		d := v.Get(i)
		g := groups[i]
		cur := s.best[g]
		if cur.Null {
			d.Type = s.t
			if d.B != nil {
				d.B = append([]byte(nil), d.B...)
			}
			s.best[g] = d
			continue
		}
		c := optimizer.CompareDatums(d, cur)
		if (s.max && c > 0) || (!s.max && c < 0) {
			d.Type = s.t
			if d.B != nil {
				d.B = append([]byte(nil), d.B...)
			}
			s.best[g] = d
		}
	}
	return nil
}

func (s *extremeState) result(g int) types.Datum { return s.best[g] }

// distinctState feeds each group's inner aggregate only values it has not
// seen in that group.
type distinctState struct {
	inner aggState
	seen  []map[string]bool
	key   []byte
	sel   []int
}

func (s *distinctState) grow(n int) {
	s.inner.grow(n)
	for len(s.seen) < n {
		s.seen = append(s.seen, map[string]bool{})
	}
}

func (s *distinctState) update(groups []int32, v *types.Vector, sel []int) error {
	s.sel = s.sel[:0]
	for _, i := range sel {
		if v.IsNull(i) {
			continue
		}
		s.key = hashKey(s.key[:0], v.Get(i))
		m := s.seen[groups[i]]
		if !m[string(s.key)] {
			m[string(s.key)] = true
			s.sel = append(s.sel, i)
		}
	}
	return s.inner.update(groups, v, s.sel)
}

func (s *distinctState) result(g int) types.Datum { return s.inner.result(g) }

// aggOp is a hash aggregate: it consumes its input, assigning each row a
// group, then emits one row per group.
type aggOp struct {
	node    *optimizer.Aggregate
	in      Operator
	groupBy []evaluator
	args    []evaluator
	ctx     *Context

	states    []aggState
	keys      *rowStore
	strGroups map[string]int32
	intGroups map[int64]int32
	nullGroup int32
	intKey    bool
	out       batchQueue
	done      bool
	key       []byte
	groups    []int32
	all       []int
}

func newAgg(in Operator, n *optimizer.Aggregate) *aggOp {
	a := &aggOp{node: n, in: in, groupBy: compileAll(n.GroupBy)}
	for _, c := range n.Aggs {
		a.args = append(a.args, compile(c.Arg))
	}
	a.intKey = len(n.GroupBy) == 1 && n.GroupBy[0].Type().Physical() == types.PhysInt && n.GroupBy[0].Type().Family != types.Decimal
	a.out.ts = columnTypes(n.Out)
	return a
}

func (a *aggOp) Open(ctx *Context) error {
	a.ctx, a.done = ctx, false
	a.out.ready, a.out.cur = nil, nil
	return a.in.Open(ctx)
}

func (a *aggOp) Next() (*types.Batch, error) {
	if !a.done {
		if err := a.consume(); err != nil {
			return nil, err
		}
		a.done = true
	}
	return a.out.pop(), nil
}

func (a *aggOp) consume() error {
	a.states = make([]aggState, len(a.node.Aggs))
	for i, c := range a.node.Aggs {
		a.states[i] = newAggState(c)
	}
	a.keys = newRowStore(columnTypes(a.node.Out[:len(a.node.GroupBy)]))
	a.strGroups, a.intGroups, a.nullGroup = map[string]int32{}, map[int64]int32{}, -1
	ngroups := 0
	if len(a.groupBy) == 0 {
		ngroups = 1
		for _, s := range a.states {
			s.grow(1)
		}
	}
	for {
		b, err := a.in.Next()
		if err != nil {
			return err
		}
		if b == nil {
			break
		}
		a.all = fullSel(b, a.all)
		if cap(a.groups) < b.Len {
			a.groups = make([]int32, b.Len, types.BatchSize*2)
		}
		a.groups = a.groups[:b.Len]
		if len(a.groupBy) > 0 {
			keys, err := evalKeys(a.ctx, a.groupBy, b, a.all)
			if err != nil {
				return err
			}
			for _, r := range a.all {
				g, isNew := a.groupOf(keys, r, ngroups)
				if isNew {
					a.keys.appendRow(keys, r)
					ngroups++
				}
				a.groups[r] = g
			}
			for _, s := range a.states {
				s.grow(ngroups)
			}
		} else {
			for _, r := range a.all {
				a.groups[r] = 0
			}
		}
		for i, s := range a.states {
			var v *types.Vector
			if a.args[i] != nil {
				if v, err = a.args[i].eval(a.ctx, b, a.all); err != nil {
					return err
				}
			}
			if err := s.update(a.groups, v, a.all); err != nil {
				return err
			}
		}
	}
	for g := 0; g < ngroups; g++ {
		out := a.out.row()
		nk := len(a.groupBy)
		if nk > 0 {
			appendFrom(out.Vecs[:nk], a.keys.vecs, g)
		}
		for i, s := range a.states {
			out.Vecs[nk+i].Append(s.result(g))
		}
	}
	a.out.flush()
	return nil
}

func (a *aggOp) groupOf(keys []*types.Vector, r int, next int) (int32, bool) {
	if a.intKey {
		v := keys[0]
		if v.IsNull(r) {
			if a.nullGroup < 0 {
				a.nullGroup = int32(next)
				return a.nullGroup, true
			}
			return a.nullGroup, false
		}
		if g, ok := a.intGroups[v.Ints[r]]; ok {
			return g, false
		}
		a.intGroups[v.Ints[r]] = int32(next)
		return int32(next), true
	}
	a.key = a.key[:0]
	for _, v := range keys {
		a.key = hashKey(a.key, v.Get(r))
	}
	if g, ok := a.strGroups[string(a.key)]; ok {
		return g, false
	}
	a.strGroups[string(a.key)] = int32(next)
	return int32(next), true
}

func (a *aggOp) Close() { a.in.Close() }

// stringAggState concatenates a group's non-NULL values with the
// separator between them (a NULL separator: none), in input order.
type stringAggState struct {
	sep  types.Datum
	buf  [][]byte
	seen []bool
}

func (s *stringAggState) grow(n int) {
	for len(s.buf) < n {
		s.buf = append(s.buf, nil)
		s.seen = append(s.seen, false)
	}
}

func (s *stringAggState) update(groups []int32, v *types.Vector, sel []int) error {
	for _, i := range sel {
		if v.IsNull(i) {
			continue
		}
		g := groups[i]
		if s.seen[g] && !s.sep.Null {
			s.buf[g] = append(s.buf[g], s.sep.B...)
		}
		s.buf[g] = append(s.buf[g], v.Get(i).B...)
		s.seen[g] = true
	}
	return nil
}

func (s *stringAggState) result(g int) types.Datum {
	if !s.seen[g] {
		return types.NullDatum(types.TypeText)
	}
	return types.Datum{Type: types.TypeText, B: append([]byte{}, s.buf[g]...)}
}

// boolAggState is bool_and (every) or bool_or over the non-NULL values.
type boolAggState struct {
	and  bool
	v    []bool
	seen []bool
}

func (s *boolAggState) grow(n int) {
	for len(s.v) < n {
		s.v = append(s.v, s.and)
		s.seen = append(s.seen, false)
	}
}

func (s *boolAggState) update(groups []int32, v *types.Vector, sel []int) error {
	for _, i := range sel {
		if v.IsNull(i) {
			continue
		}
		g := groups[i]
		b := v.Get(i).Bool()
		if s.and {
			s.v[g] = s.v[g] && b
		} else {
			s.v[g] = s.v[g] || b
		}
		s.seen[g] = true
	}
	return nil
}

func (s *boolAggState) result(g int) types.Datum {
	if !s.seen[g] {
		return types.NullDatum(types.TypeBool)
	}
	return types.BoolDatum(s.v[g])
}

type varianceKind struct {
	ok, pop, sqrt bool
}

var varianceFuncs = map[string]varianceKind{
	"variance": {ok: true}, "var_samp": {ok: true}, "var_pop": {ok: true, pop: true},
	"stddev": {ok: true, sqrt: true}, "stddev_samp": {ok: true, sqrt: true}, "stddev_pop": {ok: true, pop: true, sqrt: true},
}

// varianceState keeps a running mean and sum of squared deviations
// (Welford's method, stable where the naive sum of squares cancels).
type varianceState struct {
	kind     varianceKind
	n        []int64
	mean, m2 []float64
}

func (s *varianceState) grow(n int) {
	for len(s.n) < n {
		s.n = append(s.n, 0)
		s.mean = append(s.mean, 0)
		s.m2 = append(s.m2, 0)
	}
}

func (s *varianceState) update(groups []int32, v *types.Vector, sel []int) error {
	for _, i := range sel {
		if v.IsNull(i) {
			continue
		}
		g := groups[i]
		x := v.Floats[i]
		s.n[g]++
		d := x - s.mean[g]
		s.mean[g] += d / float64(s.n[g])
		s.m2[g] += d * (x - s.mean[g])
	}
	return nil
}

func (s *varianceState) result(g int) types.Datum {
	n := s.n[g]
	div := float64(n - 1)
	if s.kind.pop {
		div = float64(n)
	}
	if n == 0 || div == 0 {
		return types.NullDatum(types.TypeFloat) // (the sample forms need two values)
	}
	r := s.m2[g] / div
	if s.kind.sqrt {
		r = math.Sqrt(r)
	}
	return types.FloatDatum(r)
}
