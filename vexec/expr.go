package vexec

import (
	"bytes"
	"math"

	"github.com/aegisdb/aegis/model/table"
	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/optimizer"
)

// evaluator computes an expression for the rows sel of a batch. The
// returned vector is indexed like the batch's vectors (length b.Len);
// only the positions in sel are meaningful. It belongs to the evaluator
// (or is one of the batch's own vectors) and must not be changed.
type evaluator interface {
	eval(ctx *Context, b *types.Batch, sel []int) (*types.Vector, error)
}

func compileAll(es []optimizer.Expr) []evaluator {
	out := make([]evaluator, len(es))
	for i, e := range es {
		out[i] = compile(e)
	}
	return out
}

func compile(e optimizer.Expr) evaluator {
	switch x := e.(type) {
	case nil:
		return nil
	case *optimizer.ColRef:
		return colEval(x.Idx)
	case *optimizer.Const:
		d := x.D
		if d.Type.Family == types.Unknown {
			d.Type = types.TypeText
		}
		return &constEval{d: d}
	case *optimizer.OuterRef:
		return &outerEval{ref: x}
	case *optimizer.Cast:
		return &castEval{in: compile(x.E), t: x.T}
	case *optimizer.Call:
		switch x.Fn {
		case optimizer.FnAnd, optimizer.FnOr:
			return &logicEval{and: x.Fn == optimizer.FnAnd, l: compile(x.Args[0]), r: compile(x.Args[1])}
		}
		return newCallEval(x)
	case *optimizer.Case:
		c := &caseEval{t: x.T}
		for _, w := range x.Whens {
			c.conds = append(c.conds, compile(w.Cond))
			c.results = append(c.results, compile(w.Result))
		}
		if x.Else != nil {
			c.els = compile(x.Else)
		}
		return c
	case *optimizer.InList:
		return newInList(x)
	case *optimizer.Subquery:
		return &subqueryEval{sub: x, in: compile(x.E)}
	}
	return &errEval{e: e}
}

// errEval stands for an expression the binder should have replaced
// (an aggregate outside an Aggregate node): reaching it is a planner bug
// reported as an error, not a panic.
type errEval struct{ e optimizer.Expr }

func (x *errEval) eval(*Context, *types.Batch, []int) (*types.Vector, error) {
	return nil, errorf("expression %s cannot be evaluated here", x.e)
}

// prepare makes v a vector of type t and length n with no NULLs.
func prepare(v *types.Vector, t types.Type, n int) {
	v.Type = t
	v.Nulls = nil
	switch t.Physical() {
	case types.PhysFloat:
		if cap(v.Floats) < n {
			v.Floats = make([]float64, n)
		}
		v.Floats = v.Floats[:n]
	case types.PhysBytes:
		if cap(v.Bytes) < n {
			v.Bytes = make([][]byte, n)
		}
		v.Bytes = v.Bytes[:n]
	default:
		if cap(v.Ints) < n {
			v.Ints = make([]int64, n)
		}
		v.Ints = v.Ints[:n]
	}
}

func setNull(v *types.Vector, i int) {
	if v.Nulls == nil {
		v.Nulls = make([]bool, v.Len())
	}
	v.Nulls[i] = true
}

// set stores d at row i of a prepared vector.
func set(v *types.Vector, i int, d types.Datum) {
	if d.Null {
		setNull(v, i)
		return
	}
	switch v.Type.Physical() {
	case types.PhysFloat:
		v.Floats[i] = d.F
	case types.PhysBytes:
		v.Bytes[i] = d.B
	default:
		v.Ints[i] = d.I
	}
}

type colEval int

func (c colEval) eval(_ *Context, b *types.Batch, _ []int) (*types.Vector, error) {
	return b.Vecs[int(c)], nil
}

type constEval struct {
	d   types.Datum
	out types.Vector
	n   int
}

func (c *constEval) eval(_ *Context, b *types.Batch, _ []int) (*types.Vector, error) {
	if c.n != b.Len || c.out.Len() != b.Len {
		prepare(&c.out, c.d.Type, b.Len)
		for i := 0; i < b.Len; i++ {
			set(&c.out, i, c.d)
		}
		c.n = b.Len
	}
	return &c.out, nil
}

type outerEval struct {
	ref *optimizer.OuterRef
	out types.Vector
}

func (o *outerEval) eval(ctx *Context, b *types.Batch, sel []int) (*types.Vector, error) {
	row := ctx.outer[o.ref.Level]
	if o.ref.Idx >= len(row) {
		return nil, errorf("correlated reference %s has no row", o.ref.Name)
	}
	d := row[o.ref.Idx]
	prepare(&o.out, o.ref.T, b.Len)
	for _, i := range sel {
		set(&o.out, i, d)
	}
	return &o.out, nil
}

type castEval struct {
	in  evaluator
	t   types.Type
	out types.Vector
}

func (c *castEval) eval(ctx *Context, b *types.Batch, sel []int) (*types.Vector, error) {
	v, err := c.in.eval(ctx, b, sel)
	if err != nil {
		return nil, err
	}
	prepare(&c.out, c.t, b.Len)
	from := v.Type
	switch {
	case from.Family == types.Int && c.t.Family == types.Float:
		for _, i := range sel {
			if v.IsNull(i) {
				setNull(&c.out, i)
			} else {
				c.out.Floats[i] = float64(v.Ints[i])
			}
		}
		return &c.out, nil
	case from.Physical() == c.t.Physical() && from.Family == c.t.Family && (from.Family == types.Int && c.t.Width >= from.Width || from.Family == types.String && c.t.Width == 0):
		return v, nil
	}
	for _, i := range sel {
		d, err := optimizer.CastDatum(v.Get(i), c.t)
		if err != nil {
			return nil, err
		}
		set(&c.out, i, d)
	}
	return &c.out, nil
}

// logicEval is AND / OR with SQL's three-valued logic. The right side is
// evaluated only for rows the left side does not decide, so a guard such
// as `b <> 0 AND a / b > 1` never divides by zero.
type logicEval struct {
	and  bool
	l, r evaluator
	out  types.Vector
	rest []int
}

func (x *logicEval) eval(ctx *Context, b *types.Batch, sel []int) (*types.Vector, error) {
	lv, err := x.l.eval(ctx, b, sel)
	if err != nil {
		return nil, err
	}
	prepare(&x.out, types.TypeBool, b.Len)
	decided := int64(0)
	if !x.and {
		decided = 1
	}
	x.rest = x.rest[:0]
	for _, i := range sel {
		if !lv.IsNull(i) && lv.Ints[i] == decided {
			x.out.Ints[i] = decided
		} else {
			x.rest = append(x.rest, i)
		}
	}
	if len(x.rest) == 0 {
		return &x.out, nil
	}
	// The left vector may be reused by the right side's evaluation (a
	// shared column): read what is needed before evaluating it.
	lnull := make([]bool, len(x.rest))
	for k, i := range x.rest {
		lnull[k] = lv.IsNull(i)
	}
	rest := append([]int(nil), x.rest...)
	rv, err := x.r.eval(ctx, b, rest)
	if err != nil {
		return nil, err
	}
	for k, i := range rest {
		rnull := rv.IsNull(i)
		switch {
		case !rnull && rv.Ints[i] == decided:
			x.out.Ints[i] = decided
		case lnull[k] || rnull:
			setNull(&x.out, i)
		default:
			x.out.Ints[i] = 1 - decided
		}
	}
	return &x.out, nil
}

type caseEval struct {
	conds, results []evaluator
	els            evaluator
	t              types.Type
	out            types.Vector
}

func (c *caseEval) eval(ctx *Context, b *types.Batch, sel []int) (*types.Vector, error) {
	prepare(&c.out, c.t, b.Len)
	rest := append([]int(nil), sel...)
	for k, cond := range c.conds {
		if len(rest) == 0 {
			break
		}
		cv, err := cond.eval(ctx, b, rest)
		if err != nil {
			return nil, err
		}
		var hit, miss []int
		for _, i := range rest {
			if !cv.IsNull(i) && cv.Ints[i] != 0 {
				hit = append(hit, i)
			} else {
				miss = append(miss, i)
			}
		}
		if len(hit) > 0 {
			rv, err := c.results[k].eval(ctx, b, hit)
			if err != nil {
				return nil, err
			}
			for _, i := range hit {
				set(&c.out, i, rv.Get(i))
			}
		}
		rest = miss
	}
	if len(rest) > 0 {
		if c.els == nil {
			for _, i := range rest {
				setNull(&c.out, i)
			}
		} else {
			ev, err := c.els.eval(ctx, b, rest)
			if err != nil {
				return nil, err
			}
			for _, i := range rest {
				set(&c.out, i, ev.Get(i))
			}
		}
	}
	return &c.out, nil
}

// inListEval is x IN (list). A list of constants becomes a hash set.
type inListEval struct {
	x     evaluator
	items []evaluator
	not   bool
	set   map[string]bool // nil when the list is not all constants
	null  bool            // the constant list holds a NULL
	out   types.Vector
	key   []byte
}

func newInList(x *optimizer.InList) *inListEval {
	e := &inListEval{x: compile(x.E), not: x.Not}
	allConst := true
	for _, it := range x.List {
		if _, ok := it.(*optimizer.Const); !ok {
			allConst = false
		}
	}
	if allConst {
		e.set = map[string]bool{}
		for _, it := range x.List {
			d := it.(*optimizer.Const).D
			if d.Null {
				e.null = true
				continue
			}
			e.set[string(hashKey(nil, d))] = true
		}
		return e
	}
	e.items = compileAll(x.List)
	return e
}

func (e *inListEval) eval(ctx *Context, b *types.Batch, sel []int) (*types.Vector, error) {
	xv, err := e.x.eval(ctx, b, sel)
	if err != nil {
		return nil, err
	}
	var ivs []*types.Vector
	if e.set == nil {
		xv = cloneVector(xv, sel) // item evaluation may reuse buffers
		for _, it := range e.items {
			v, err := it.eval(ctx, b, sel)
			if err != nil {
				return nil, err
			}
			ivs = append(ivs, cloneVector(v, sel))
		}
	}
	prepare(&e.out, types.TypeBool, b.Len)
	for _, i := range sel {
		if xv.IsNull(i) {
			setNull(&e.out, i)
			continue
		}
		d := xv.Get(i)
		found, sawNull := false, e.null
		if e.set != nil {
			e.key = hashKey(e.key[:0], d)
			found = e.set[string(e.key)]
		} else {
			for _, iv := range ivs {
				if iv.IsNull(i) {
					sawNull = true
				} else if optimizer.CompareDatums(d, iv.Get(i)) == 0 {
					found = true
					break
				}
			}
		}
		switch {
		case found:
			e.out.Ints[i] = b2i(!e.not)
		case sawNull:
			setNull(&e.out, i)
		default:
			e.out.Ints[i] = b2i(e.not)
		}
	}
	return &e.out, nil
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// cloneVector copies the rows sel of v into a vector of its own.
func cloneVector(v *types.Vector, sel []int) *types.Vector {
	out := &types.Vector{}
	prepare(out, v.Type, v.Len())
	for _, i := range sel {
		set(out, i, v.Get(i))
	}
	return out
}

// hashKey encodes a datum for hashing and equality: equal values of one
// type encode equally, NULL included.
func hashKey(dst []byte, d types.Datum) []byte {
	if d.Type.Family == types.Decimal {
		// Equal decimals of different scales must meet: key on scale 0 and
		// the remainder digits.
		return table.AppendDatum(dst, normDecimal(d), false)
	}
	return table.AppendDatum(dst, d, false)
}

// normDecimal strips trailing zero digits of a decimal's scale.
func normDecimal(d types.Datum) types.Datum {
	s := d.Type.Scale
	v := d.I
	for s > 0 && v%10 == 0 {
		v /= 10
		s--
	}
	return types.Datum{Type: types.Type{Family: types.Decimal, Precision: 18, Scale: s}, I: v, Null: d.Null}
}

// callEval applies an operator or function, with tight loops for the
// common comparisons and arithmetic, and datum-at-a-time otherwise.
type callEval struct {
	call *optimizer.Call
	args []evaluator
	out  types.Vector
	buf  []types.Datum
	vecs []*types.Vector
}

func newCallEval(c *optimizer.Call) *callEval {
	return &callEval{call: c, args: compileAll(c.Args), buf: make([]types.Datum, len(c.Args)), vecs: make([]*types.Vector, len(c.Args))}
}

func (c *callEval) eval(ctx *Context, b *types.Batch, sel []int) (*types.Vector, error) {
	if c.call.Fn.IntKernel != nil {
		return c.evalKernel(ctx, b, sel)
	}
	for k, a := range c.args {
		v, err := a.eval(ctx, b, sel)
		if err != nil {
			return nil, err
		}
		c.vecs[k] = v
		if k+1 < len(c.args) {
			if _, isCol := a.(colEval); !isCol {
				// A later argument may reuse this one's buffers.
				c.vecs[k] = cloneVector(v, sel)
			}
		}
	}
	prepare(&c.out, c.call.T, b.Len)
	if len(c.vecs) == 2 && fastBinary(c.call, c.vecs[0], c.vecs[1], &c.out, sel) {
		return &c.out, nil
	}
	fn := c.call.Fn
	for _, i := range sel {
		null := false
		for k, v := range c.vecs {
			c.buf[k] = v.Get(i)
			null = null || c.buf[k].Null
		}
		if null && fn.Strict {
			setNull(&c.out, i)
			continue
		}
		d, err := fn.Eval(c.buf, c.call.T)
		if err != nil {
			return nil, err
		}
		if !d.Null && d.Type.Physical() != c.call.T.Physical() {
			return nil, errorf("%s returned %s for %s", fn.Name, d.Type, c.call.T)
		}
		set(&c.out, i, d)
	}
	return &c.out, nil
}

// evalKernel runs a Func's IntKernel over the last argument's vector; the
// other arguments are constants the kernel already holds.
func (c *callEval) evalKernel(ctx *Context, b *types.Batch, sel []int) (*types.Vector, error) {
	v, err := c.args[len(c.args)-1].eval(ctx, b, sel)
	if err != nil {
		return nil, err
	}
	prepare(&c.out, c.call.T, b.Len)
	k := c.call.Fn.IntKernel
	for _, i := range sel {
		if v.IsNull(i) {
			setNull(&c.out, i)
			continue
		}
		if c.out.Ints[i], err = k(v.Ints[i]); err != nil {
			return nil, err
		}
	}
	return &c.out, nil
}

// fastBinary runs comparisons and integer/float arithmetic over whole
// vectors; false when the operator or types have no fast path (or an
// integer operation overflowed, left for the slow path to report).
func fastBinary(call *optimizer.Call, a, b, out *types.Vector, sel []int) bool {
	fn := call.Fn
	at, bt := a.Type, b.Type
	if at.Physical() != bt.Physical() {
		return false
	}
	if at.Family == types.Decimal && at.Scale != bt.Scale {
		return false
	}
	nulls := a.Nulls != nil || b.Nulls != nil
	if optimizer.IsComparison(fn) {
		if nulls {
			for _, i := range sel {
				if a.IsNull(i) || b.IsNull(i) {
					setNull(out, i)
				}
			}
		}
		var cmpOK func(int) bool
		switch fn {
		case optimizer.FnEq:
			cmpOK = func(c int) bool { return c == 0 }
		case optimizer.FnNe:
			cmpOK = func(c int) bool { return c != 0 }
		case optimizer.FnLt:
			cmpOK = func(c int) bool { return c < 0 }
		case optimizer.FnLe:
			cmpOK = func(c int) bool { return c <= 0 }
		case optimizer.FnGt:
			cmpOK = func(c int) bool { return c > 0 }
		default:
			cmpOK = func(c int) bool { return c >= 0 }
		}
		o := out.Ints
		switch at.Physical() {
		case types.PhysInt:
			x, y := a.Ints, b.Ints
			switch fn {
			case optimizer.FnEq:
				for _, i := range sel {
					o[i] = b2i(x[i] == y[i])
				}
			case optimizer.FnLt:
				for _, i := range sel {
					o[i] = b2i(x[i] < y[i])
				}
			case optimizer.FnGt:
				for _, i := range sel {
					o[i] = b2i(x[i] > y[i])
				}
			case optimizer.FnLe:
				for _, i := range sel {
					o[i] = b2i(x[i] <= y[i])
				}
			case optimizer.FnGe:
				for _, i := range sel {
					o[i] = b2i(x[i] >= y[i])
				}
			default:
				for _, i := range sel {
					o[i] = b2i(x[i] != y[i])
				}
			}
		case types.PhysFloat:
			for _, i := range sel {
				o[i] = b2i(cmpOK(types.Compare(types.FloatDatum(a.Floats[i]), types.FloatDatum(b.Floats[i]))))
			}
		default:
			for _, i := range sel {
				o[i] = b2i(cmpOK(bytes.Compare(a.Bytes[i], b.Bytes[i])))
			}
		}
		return true
	}
	t := call.T
	var op byte
	switch fn {
	case optimizer.FnAdd:
		op = '+'
	case optimizer.FnSub:
		op = '-'
	case optimizer.FnMul:
		op = '*'
	default:
		return false
	}
	switch {
	case t.Family == types.Float && at.Family == types.Float:
		for _, i := range sel {
			if nulls && (a.IsNull(i) || b.IsNull(i)) {
				setNull(out, i)
				continue
			}
			x, y := a.Floats[i], b.Floats[i]
			var r float64
			switch op {
			case '+':
				r = x + y
			case '-':
				r = x - y
			default:
				r = x * y
			}
			if math.IsInf(r, 0) || (r == 0 && op == '*' && x != 0 && y != 0) {
				out.Nulls = nil
				return false // (the general path reports overflow)
			}
			out.Floats[i] = r
		}
		return true
	case t.Family == types.Int && t.Width == 64 && at.Family == types.Int:
		for _, i := range sel {
			if nulls && (a.IsNull(i) || b.IsNull(i)) {
				setNull(out, i)
				continue
			}
			r, err := optimizer.ArithInt(op, a.Ints[i], b.Ints[i])
			if err != nil {
				out.Nulls = nil
				return false
			}
			out.Ints[i] = r
		}
		return true
	}
	return false
}

// selectTrue appends to dst the rows of sel where v is true.
func selectTrue(v *types.Vector, sel []int, dst []int) []int {
	if v.Nulls == nil {
		for _, i := range sel {
			if v.Ints[i] != 0 {
				dst = append(dst, i)
			}
		}
		return dst
	}
	for _, i := range sel {
		if !v.Nulls[i] && v.Ints[i] != 0 {
			dst = append(dst, i)
		}
	}
	return dst
}
