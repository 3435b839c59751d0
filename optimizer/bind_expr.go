package optimizer

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/parser"
)

// scopeCol is a column visible to names in a query level.
type scopeCol struct {
	table, name string
	t           types.Type
	hidden      bool // left out of * (rowid)
	unnamed     bool // not found by an unqualified name nor shown by a bare * (the copies of a USING column)
}

// scope is the namespace of one query level: the columns of its FROM.
type scope struct {
	cols []scopeCol
}

// exprCtx says what an expression may contain where it is bound.
type exprCtx struct {
	aggOK    bool   // aggregates allowed (select list, HAVING, ORDER BY)
	windowOK bool   // window functions allowed (select list, ORDER BY)
	clause   string // for error messages: "WHERE", "GROUP BY", ...
}

// resolve finds a column by name in the current level, then outward.
func (b *Binder) resolve(ref *parser.ColumnRef) (Expr, error) {
	for level := len(b.scopes) - 1; level >= 0; level-- {
		sc := b.scopes[level]
		found := -1
		for i, c := range sc.cols {
			if c.name != ref.Column {
				continue
			}
			if ref.Table != "" && c.table != ref.Table {
				continue
			}
			if ref.Table == "" && c.unnamed {
				continue
			}
			if found >= 0 {
				return nil, bindErr(ref.Pos, "column reference %q is ambiguous", refName(ref))
			}
			found = i
		}
		if found < 0 {
			continue
		}
		c := sc.cols[found]
		if level == len(b.scopes)-1 {
			return &ColRef{Idx: found, Name: refName(ref), T: c.t}, nil
		}
		for l := level + 1; l < len(b.scopes); l++ {
			b.correlated[l] = true
		}
		return &OuterRef{Level: level, Idx: found, Name: refName(ref), T: c.t}, nil
	}
	if ref.Table != "" && !b.tableVisible(ref.Table) {
		return nil, bindErr(ref.Pos, "missing FROM-clause entry for table %q", ref.Table)
	}
	if ref.Table == "" {
		if c := b.clock(ref.Column); c != nil {
			return c, nil
		}
	}
	return nil, bindErr(ref.Pos, "column %q does not exist", refName(ref))
}

func (b *Binder) tableVisible(name string) bool {
	for _, sc := range b.scopes {
		for _, c := range sc.cols {
			if c.table == name {
				return true
			}
		}
	}
	return false
}

func refName(r *parser.ColumnRef) string {
	if r.Table != "" {
		return r.Table + "." + r.Column
	}
	return r.Column
}

// bindExpr binds an AST expression in the current scope.
func (b *Binder) bindExpr(e parser.Expr, ctx exprCtx) (Expr, error) {
	switch e := e.(type) {
	case *parser.ColumnRef:
		return b.resolve(e)
	case *parser.Param:
		if e.Index < 1 || e.Index > len(b.params) {
			return nil, bindErr(e.Pos, "there is no parameter $%d (%d given)", e.Index, len(b.params))
		}
		d := b.params[e.Index-1]
		return &Const{D: d, Untyped: d.Type.Family == types.String || d.Type.Family == types.Unknown}, nil
	case *parser.IntLit:
		return &Const{D: types.IntDatum(e.Value)}, nil
	case *parser.NumericLit:
		return numericConst(e)
	case *parser.FloatLit:
		return &Const{D: types.FloatDatum(e.Value)}, nil
	case *parser.StringLit:
		return &Const{D: types.TextDatum(e.Value), Untyped: true}, nil
	case *parser.BoolLit:
		return &Const{D: types.BoolDatum(e.Value)}, nil
	case *parser.NullLit:
		return &Const{D: types.NullDatum(types.TypeUnknown)}, nil
	case *parser.TypedLit:
		t, _, err := TypeFromAST(parser.DataType{Kind: e.Type})
		if err != nil {
			return nil, bindErr(e.Pos, "%v", err)
		}
		d, err := CastDatum(types.TextDatum(e.Value), t)
		if err != nil {
			return nil, &Error{Pos: e.Pos, Msg: err.Error(), Err: ErrCast}
		}
		return &Const{D: d}, nil
	case *parser.UnaryExpr:
		x, err := b.bindExpr(e.Operand, ctx)
		if err != nil {
			return nil, err
		}
		switch e.Op {
		case parser.OpNot:
			x, err = b.coerceBool(x, e.Pos, "NOT")
			if err != nil {
				return nil, err
			}
			return &Call{Fn: fnNot, Args: []Expr{x}, T: types.TypeBool}, nil
		case parser.OpPlus:
			if !x.Type().IsNumeric() && x.Type().Family != types.Unknown {
				return nil, bindErr(e.Pos, "operator + cannot be applied to type %s", x.Type())
			}
			return x, nil
		}
		if c, ok := x.(*Const); ok && c.Untyped {
			x, err = b.coerce(x, types.TypeFloat, e.Pos)
			if err != nil {
				return nil, err
			}
		}
		t := x.Type()
		if t.Family == types.Unknown {
			t = types.TypeBigInt
		} else if !t.IsNumeric() {
			return nil, bindErr(e.Pos, "operator - cannot be applied to type %s", t)
		}
		if t.Family == types.Int {
			t = types.TypeBigInt
		}
		return &Call{Fn: fnNeg, Args: []Expr{x}, T: t}, nil
	case *parser.BinaryExpr:
		l, err := b.bindExpr(e.Left, ctx)
		if err != nil {
			return nil, err
		}
		r, err := b.bindExpr(e.Right, ctx)
		if err != nil {
			return nil, err
		}
		return b.bindBinary(e.Op, l, r, e.Pos)
	case *parser.IsNullExpr:
		x, err := b.bindExpr(e.Expr, ctx)
		if err != nil {
			return nil, err
		}
		if e.Not {
			return &Call{Fn: fnIsNotNull, Args: []Expr{x}, T: types.TypeBool}, nil
		}
		return &Call{Fn: fnIsNull, Args: []Expr{x}, T: types.TypeBool}, nil
	case *parser.InListExpr:
		x, err := b.bindExpr(e.Expr, ctx)
		if err != nil {
			return nil, err
		}
		all := []Expr{x}
		for _, it := range e.List {
			y, err := b.bindExpr(it, ctx)
			if err != nil {
				return nil, err
			}
			all = append(all, y)
		}
		t, err := commonTypeOf(all, e.Pos, "IN")
		if err != nil {
			return nil, err
		}
		for i := range all {
			if all[i], err = b.coerce(all[i], t, e.Pos); err != nil {
				return nil, err
			}
		}
		return &InList{E: all[0], List: all[1:], Not: e.Not}, nil
	case *parser.BetweenExpr:
		x, err := b.bindExpr(e.Expr, ctx)
		if err != nil {
			return nil, err
		}
		lo, err := b.bindExpr(e.Low, ctx)
		if err != nil {
			return nil, err
		}
		hi, err := b.bindExpr(e.High, ctx)
		if err != nil {
			return nil, err
		}
		ge, err := b.bindBinary(parser.OpGe, x, lo, e.Pos)
		if err != nil {
			return nil, err
		}
		le, err := b.bindBinary(parser.OpLe, x, hi, e.Pos)
		if err != nil {
			return nil, err
		}
		out := Expr(&Call{Fn: fnAnd, Args: []Expr{ge, le}, T: types.TypeBool})
		if e.Symmetric { // also x BETWEEN hi AND lo
			ge2, err := b.bindBinary(parser.OpGe, x, hi, e.Pos)
			if err != nil {
				return nil, err
			}
			le2, err := b.bindBinary(parser.OpLe, x, lo, e.Pos)
			if err != nil {
				return nil, err
			}
			out = &Call{Fn: fnOr, Args: []Expr{out, &Call{Fn: fnAnd, Args: []Expr{ge2, le2}, T: types.TypeBool}}, T: types.TypeBool}
		}
		if e.Not {
			out = &Call{Fn: fnNot, Args: []Expr{out}, T: types.TypeBool}
		}
		return out, nil
	case *parser.LikeExpr:
		x, err := b.bindExpr(e.Expr, ctx)
		if err != nil {
			return nil, err
		}
		p, err := b.bindExpr(e.Pattern, ctx)
		if err != nil {
			return nil, err
		}
		if x, err = b.coerceText(x, e.Pos, "LIKE"); err != nil {
			return nil, err
		}
		if p, err = b.coerceText(p, e.Pos, "LIKE"); err != nil {
			return nil, err
		}
		if e.Escape != nil {
			if p, err = b.likeEscape(p, e.Escape, e.Pos, ctx); err != nil {
				return nil, err
			}
		}
		if e.ILike {
			// (case-insensitive: both sides folded the way lower() folds)
			x = &Call{Fn: scalarFuncs["lower"], Args: []Expr{x}, T: types.TypeText}
			p = foldConst(&Call{Fn: scalarFuncs["lower"], Args: []Expr{p}, T: types.TypeText})
		}
		fn := fnLike
		if e.Not {
			fn = fnNotLike
		}
		return &Call{Fn: fn, Args: []Expr{x, p}, T: types.TypeBool}, nil
	case *parser.CaseExpr:
		return b.bindCase(e, ctx)
	case *parser.CastExpr:
		x, err := b.bindExpr(e.Expr, ctx)
		if err != nil {
			return nil, err
		}
		t, _, err := TypeFromAST(e.Type)
		if err != nil {
			return nil, bindErr(e.Pos, "%v", err)
		}
		if c, ok := x.(*Const); ok {
			d, err := CastDatum(c.D, t)
			if err != nil {
				return nil, &Error{Pos: e.Pos, Msg: err.Error(), Err: ErrCast}
			}
			return &Const{D: d}, nil
		}
		if !castable(x.Type(), t) {
			return nil, bindErr(e.Pos, "cannot cast type %s to %s", x.Type(), t)
		}
		return &Cast{E: x, T: t}, nil
	case *parser.FuncCall:
		return b.bindFunc(e, ctx)
	case *parser.SubqueryExpr:
		plan, level, corr, err := b.bindSubquery(e.Query)
		if err != nil {
			return nil, err
		}
		cols := plan.Columns()
		if len(cols) != 1 {
			return nil, bindErr(e.Pos, "subquery must return only one column, not %d", len(cols))
		}
		return b.subqueryAggs(&Subquery{Kind: SubScalar, Plan: plan, Correlated: corr, T: cols[0].Type, Level: level}, ctx, e.Pos)
	case *parser.ExistsExpr:
		plan, level, corr, err := b.bindSubquery(e.Query)
		if err != nil {
			return nil, err
		}
		return b.subqueryAggs(&Subquery{Kind: SubExists, Plan: plan, Correlated: corr, T: types.TypeBool, Level: level}, ctx, e.Pos)
	case *parser.QuantifiedExpr:
		// = ANY is IN and <> ALL is NOT IN (their semi and anti joins)
		if (e.Op == parser.OpEq && !e.All) || (e.Op == parser.OpNe && e.All) {
			return b.bindExpr(&parser.InSubqueryExpr{Pos: e.Pos, Expr: e.Expr, Not: e.All, Query: e.Query}, ctx)
		}
		return b.bindInSubquery(e.Pos, e.Expr, e.Query, ctx, func(s *Subquery) {
			s.Kind, s.Cmp, s.All = SubQuant, binaryFns[e.Op], e.All
		})
	case *parser.InSubqueryExpr:
		return b.bindInSubquery(e.Pos, e.Expr, e.Query, ctx, func(s *Subquery) { s.Not = e.Not })
	}
	return nil, bindErr(e.Position(), "unsupported expression %s", e.String())
}

// bindInSubquery binds x IN (query) and the quantified comparisons, which
// (set fills in the kind): the subquery's one column is brought to x's
// type.
func (b *Binder) bindInSubquery(pos parser.Pos, ex parser.Expr, query *parser.SelectStmt, ctx exprCtx, set func(*Subquery)) (Expr, error) {
	x, err := b.bindExpr(ex, ctx)
	if err != nil {
		return nil, err
	}
	plan, level, corr, err := b.bindSubquery(query)
	if err != nil {
		return nil, err
	}
	cols := plan.Columns()
	if len(cols) != 1 {
		return nil, bindErr(pos, "subquery has too many columns (%d) for IN", len(cols))
	}
	t, err := commonType(x, &ColRef{T: cols[0].Type}, pos, "IN")
	if err != nil {
		return nil, err
	}
	if x, err = b.coerce(x, t, pos); err != nil {
		return nil, err
	}
	if !sameRepresentation(cols[0].Type, t) {
		plan = &Project{Input: plan, Exprs: []Expr{&Cast{E: &ColRef{Idx: 0, Name: cols[0].Name, T: cols[0].Type}, T: t}},
			Out: []Column{{Name: cols[0].Name, Type: t}}}
	}
	s := &Subquery{Kind: SubIn, Plan: plan, E: x, Correlated: corr, T: types.TypeBool, Level: level}
	set(s)
	return b.subqueryAggs(s, ctx, pos)
}

// clock returns the statement's time for CURRENT_TIMESTAMP, NOW(),
// CURRENT_DATE and CURRENT_TIME (UTC), or nil for another name. Every use
// in one statement sees the same instant.
func (b *Binder) clock(name string) *Const {
	now := b.now.UTC()
	micros := now.UnixMicro()
	switch name {
	case "current_timestamp", "now", "localtimestamp":
		return &Const{D: types.Datum{Type: types.TypeTimestamp, I: micros}}
	case "current_date":
		return &Const{D: types.Datum{Type: types.TypeDate, I: floorDiv(micros, 86400e6)}}
	case "current_time", "localtime":
		return &Const{D: types.Datum{Type: types.TypeTime, I: micros - floorDiv(micros, 86400e6)*86400e6}}
	}
	return nil
}

func numericConst(e *parser.NumericLit) (Expr, error) {
	text := e.Text
	scale := 0
	if i := strings.IndexByte(text, '.'); i >= 0 {
		scale = len(text) - i - 1
	}
	digits := strings.TrimLeft(strings.Replace(text, ".", "", 1), "0")
	if scale <= types.MaxDecimalPrecision && len(digits) <= types.MaxDecimalPrecision {
		t, err := types.NewDecimal(types.MaxDecimalPrecision, scale)
		if err == nil {
			if v, err := types.ParseDecimal(text, types.MaxDecimalPrecision, scale); err == nil {
				return &Const{D: types.Datum{Type: t, I: v}}, nil
			}
		}
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsInf(f, 0) {
		return nil, bindErr(e.Pos, "numeric literal %s is out of range", text)
	}
	return &Const{D: types.FloatDatum(f)}, nil
}

var binaryFns = map[parser.BinaryOp]*Func{
	parser.OpEq: fnEq, parser.OpNe: fnNe, parser.OpLt: fnLt, parser.OpLe: fnLe, parser.OpGt: fnGt, parser.OpGe: fnGe,
	parser.OpAdd: fnAdd, parser.OpSub: fnSub, parser.OpMul: fnMul, parser.OpDiv: fnDiv, parser.OpMod: fnMod,
}

var opText = map[parser.BinaryOp]string{
	parser.OpOr: "OR", parser.OpAnd: "AND", parser.OpEq: "=", parser.OpNe: "<>", parser.OpLt: "<",
	parser.OpLe: "<=", parser.OpGt: ">", parser.OpGe: ">=", parser.OpConcat: "||", parser.OpAdd: "+",
	parser.OpSub: "-", parser.OpMul: "*", parser.OpDiv: "/", parser.OpMod: "%", parser.OpPow: "^",
	parser.OpIsDistinct: "IS DISTINCT FROM", parser.OpIsNotDistinct: "IS NOT DISTINCT FROM",
}

func (b *Binder) bindBinary(op parser.BinaryOp, l, r Expr, pos parser.Pos) (Expr, error) {
	var err error
	switch op {
	case parser.OpAnd, parser.OpOr:
		if l, err = b.coerceBool(l, pos, opText[op]); err != nil {
			return nil, err
		}
		if r, err = b.coerceBool(r, pos, opText[op]); err != nil {
			return nil, err
		}
		fn := fnAnd
		if op == parser.OpOr {
			fn = fnOr
		}
		return &Call{Fn: fn, Args: []Expr{l, r}, T: types.TypeBool}, nil
	case parser.OpPow: // PostgreSQL's ^ is power() on double precision
		return b.typeScalarCall(scalarFuncs["power"], "power", []Expr{l, r}, pos)
	case parser.OpConcat:
		if l, err = b.toText(l, pos); err != nil {
			return nil, err
		}
		if r, err = b.toText(r, pos); err != nil {
			return nil, err
		}
		return &Call{Fn: fnConcat, Args: []Expr{l, r}, T: types.TypeText}, nil
	case parser.OpIsDistinct, parser.OpIsNotDistinct:
		t, err := commonType(l, r, pos, opText[op])
		if err != nil {
			return nil, err
		}
		if l, err = b.coerce(l, t, pos); err != nil {
			return nil, err
		}
		if r, err = b.coerce(r, t, pos); err != nil {
			return nil, err
		}
		fn := fnIsDistinct
		if op == parser.OpIsNotDistinct {
			fn = fnIsNotDistinct
		}
		return &Call{Fn: fn, Args: []Expr{l, r}, T: types.TypeBool}, nil
	case parser.OpEq, parser.OpNe, parser.OpLt, parser.OpLe, parser.OpGt, parser.OpGe:
		t, err := commonType(l, r, pos, opText[op])
		if err != nil {
			return nil, err
		}
		if t.Family == types.JSON && op != parser.OpEq && op != parser.OpNe {
			return nil, bindErr(pos, "operator %s is not defined for JSON", opText[op])
		}
		if l, err = b.coerce(l, t, pos); err != nil {
			return nil, err
		}
		if r, err = b.coerce(r, t, pos); err != nil {
			return nil, err
		}
		return &Call{Fn: binaryFns[op], Args: []Expr{l, r}, T: types.TypeBool}, nil
	}
	// Arithmetic.
	lt, rt := l.Type(), r.Type()
	if isDateLike(lt) || isDateLike(rt) {
		return b.bindDateArith(op, l, r, pos)
	}
	if c, ok := l.(*Const); ok && c.Untyped && rt.IsNumeric() {
		if l, err = b.coerce(l, rt, pos); err != nil {
			return nil, err
		}
		lt = rt
	}
	if c, ok := r.(*Const); ok && c.Untyped && lt.IsNumeric() {
		if r, err = b.coerce(r, lt, pos); err != nil {
			return nil, err
		}
		rt = lt
	}
	if lt.Family == types.Unknown {
		lt = rt
	}
	if rt.Family == types.Unknown {
		rt = lt
	}
	if lt.Family == types.Unknown {
		lt, rt = types.TypeBigInt, types.TypeBigInt
	}
	if !lt.IsNumeric() || !rt.IsNumeric() {
		return nil, bindErr(pos, "operator %s cannot be applied to %s and %s", opText[op], l.Type(), r.Type())
	}
	var t types.Type
	switch {
	case lt.Family == types.Float || rt.Family == types.Float:
		t = types.TypeFloat
	case lt.Family == types.Decimal || rt.Family == types.Decimal:
		ls, rs := decScale(lt), decScale(rt)
		if op == parser.OpDiv {
			t = types.TypeFloat
			break
		}
		s := max(ls, rs)
		if op == parser.OpMul {
			s = min(ls+rs, 8)
			s = max(s, ls, rs)
		}
		t, _ = types.NewDecimal(types.MaxDecimalPrecision, s)
		// Each side keeps its own scale: the operator rescales.
		if lt.Family == types.Int {
			l, lt = &Cast{E: l, T: types.Type{Family: types.Decimal, Precision: types.MaxDecimalPrecision}}, types.Type{Family: types.Decimal, Precision: types.MaxDecimalPrecision}
		}
		if rt.Family == types.Int {
			r, rt = &Cast{E: r, T: types.Type{Family: types.Decimal, Precision: types.MaxDecimalPrecision}}, types.Type{Family: types.Decimal, Precision: types.MaxDecimalPrecision}
		}
		return foldConst(&Call{Fn: binaryFns[op], Args: []Expr{l, r}, T: t}), nil
	default:
		t = types.TypeBigInt
	}
	if l, err = b.coerce(l, t, pos); err != nil {
		return nil, err
	}
	if r, err = b.coerce(r, t, pos); err != nil {
		return nil, err
	}
	return foldConst(&Call{Fn: binaryFns[op], Args: []Expr{l, r}, T: t}), nil
}

func decScale(t types.Type) int {
	if t.Family == types.Decimal {
		return int(t.Scale)
	}
	return 0
}

func isDateLike(t types.Type) bool {
	return t.Family == types.Date || t.Family == types.Timestamp || t.Family == types.Time
}

func (b *Binder) bindDateArith(op parser.BinaryOp, l, r Expr, pos parser.Pos) (Expr, error) {
	lt, rt := l.Type(), r.Type()
	var err error
	switch {
	case lt.Family == types.Date && (rt.Family == types.Int || isUntyped(r)) && (op == parser.OpAdd || op == parser.OpSub):
		if r, err = b.coerce(r, types.TypeBigInt, pos); err != nil {
			return nil, err
		}
		fn := fnDateAddDays
		if op == parser.OpSub {
			fn = fnDateSubDays
		}
		return &Call{Fn: fn, Args: []Expr{l, r}, T: types.TypeDate}, nil
	case rt.Family == types.Date && lt.Family == types.Int && op == parser.OpAdd:
		return &Call{Fn: fnDateAddDays, Args: []Expr{r, l}, T: types.TypeDate}, nil
	case op == parser.OpSub && lt.Family == rt.Family:
		if lt.Family == types.Date {
			return &Call{Fn: fnDateDiff, Args: []Expr{l, r}, T: types.TypeBigInt}, nil
		}
		// Timestamps and times subtract to microseconds.
		return &Call{Fn: fnDateDiff, Args: []Expr{l, r}, T: types.TypeBigInt}, nil
	case op == parser.OpSub && lt.Family == types.Date && isUntyped(r):
		if r, err = b.coerce(r, types.TypeDate, pos); err != nil {
			return nil, err
		}
		return &Call{Fn: fnDateDiff, Args: []Expr{l, r}, T: types.TypeBigInt}, nil
	}
	return nil, bindErr(pos, "operator %s cannot be applied to %s and %s", opText[op], lt, rt)
}

func isUntyped(e Expr) bool {
	c, ok := e.(*Const)
	return ok && c.Untyped
}

// foldConst evaluates a call whose arguments are all constants; a call
// that fails (1/0) is left for run time, where it fails only if reached.
func foldConst(e Expr) Expr {
	c, ok := e.(*Call)
	if !ok {
		return e
	}
	args := make([]types.Datum, len(c.Args))
	for i, a := range c.Args {
		k, ok := a.(*Const)
		if !ok {
			return e
		}
		args[i] = k.D
	}
	d, err := EvalCall(c.Fn, args, c.T)
	if err != nil {
		return e
	}
	d.Type = c.T
	return &Const{D: d}
}

// commonType is the type both sides of a comparison (or branches of a
// CASE, items of IN) are converted to.
func commonType(a, b Expr, pos parser.Pos, what string) (types.Type, error) {
	t, err := commonType0(a, b, pos, what)
	if t.Family == types.String {
		t = types.TypeText // never VARCHAR(n): a cast to it would truncate
	}
	return t, err
}

func commonType0(a, b Expr, pos parser.Pos, what string) (types.Type, error) {
	at, bt := a.Type(), b.Type()
	au, bu := isUntyped(a), isUntyped(b)
	switch {
	case at.Family == types.Unknown:
		return bt, nil
	case bt.Family == types.Unknown:
		return at, nil
	case au && !bu:
		return bt, nil
	case bu && !au:
		return at, nil
	case at.Family == bt.Family:
		switch at.Family {
		case types.Int:
			return types.TypeBigInt, nil
		case types.Decimal:
			t, _ := types.NewDecimal(types.MaxDecimalPrecision, max(int(at.Scale), int(bt.Scale)))
			return t, nil
		case types.String:
			return types.TypeText, nil
		}
		return at, nil
	case at.IsNumeric() && bt.IsNumeric():
		if at.Family == types.Float || bt.Family == types.Float {
			return types.TypeFloat, nil
		}
		t, _ := types.NewDecimal(types.MaxDecimalPrecision, max(decScale(at), decScale(bt)))
		return t, nil
	case isDateLike(at) && bt.Family == types.String:
		return at, nil
	case isDateLike(bt) && at.Family == types.String:
		return bt, nil
	case at.Family == types.Date && bt.Family == types.Timestamp, at.Family == types.Timestamp && bt.Family == types.Date:
		return types.TypeTimestamp, nil
	case at.Family == types.JSON && bt.Family == types.String, at.Family == types.String && bt.Family == types.JSON:
		return types.TypeJSON, nil
	}
	return types.Type{}, bindErr(pos, "%s: cannot compare %s with %s", what, at, bt)
}

func commonTypeOf(es []Expr, pos parser.Pos, what string) (types.Type, error) {
	var acc Expr = &Const{D: types.NullDatum(types.TypeUnknown)}
	for _, e := range es {
		t, err := commonType(acc, e, pos, what)
		if err != nil {
			return types.Type{}, err
		}
		if isUntyped(acc) && isUntyped(e) {
			acc = e
			continue
		}
		acc = &ColRef{T: t}
	}
	t := acc.Type()
	if t.Family == types.Unknown {
		t = types.TypeText
	}
	if isUntyped(acc) {
		t = types.TypeText
	}
	return t, nil
}

// coerce converts e to t implicitly, folding constants now.
func (b *Binder) coerce(e Expr, t types.Type, pos parser.Pos) (Expr, error) {
	if sameRepresentation(e.Type(), t) && !isUntyped(e) {
		return e, nil
	}
	if e.Type().Equal(t) {
		if c, ok := e.(*Const); ok && c.Untyped {
			return &Const{D: c.D}, nil
		}
		return e, nil
	}
	if c, ok := e.(*Const); ok {
		d, err := CastDatum(c.D, t)
		if err != nil {
			return nil, &Error{Pos: pos, Msg: err.Error(), Err: ErrCast}
		}
		return &Const{D: d}, nil
	}
	if !implicitCastOK(e.Type(), t, false) {
		return nil, bindErr(pos, "cannot use %s where %s is expected", e.Type(), t)
	}
	return &Cast{E: e, T: t}, nil
}

// sameRepresentation reports whether values of from are already values of
// to: a narrower integer in a wider one, a bounded string as TEXT, a
// decimal of the same scale.
func sameRepresentation(from, to types.Type) bool {
	switch {
	case from.Equal(to):
		return true
	case from.Family == types.Int && to.Family == types.Int:
		return from.Width <= to.Width
	case from.Family == types.String && to.Family == types.String:
		return to.Width == 0
	case from.Family == types.Decimal && to.Family == types.Decimal:
		return from.Scale == to.Scale && from.Precision <= to.Precision
	}
	return false
}

// assign converts e to a column's type for INSERT and UPDATE: numbers
// convert among themselves (rounding), text literals parse, anything
// converts to text.
func (b *Binder) assign(e Expr, t types.Type, pos parser.Pos, column string) (Expr, error) {
	from := e.Type()
	ok := from.Family == t.Family || from.Family == types.Unknown || isUntyped(e) ||
		(from.IsNumeric() && t.IsNumeric()) || t.Family == types.String || implicitCastOK(from, t, false)
	if !ok {
		return nil, bindErr(pos, "column %q is of type %s but expression is of type %s", column, t, from)
	}
	if c, isConst := e.(*Const); isConst {
		d, err := CastDatum(c.D, t)
		if err != nil {
			return nil, &Error{Pos: pos, Msg: fmt.Sprintf("column %q: %v", column, err), Err: ErrCast}
		}
		if t.Family == types.String && t.Width > 0 && from.Family == types.String && runeCount(c.D.B) > int(t.Width) {
			return nil, &Error{Pos: pos, Msg: fmt.Sprintf("value too long for column %q of type %s", column, t), Err: ErrCast}
		}
		return &Const{D: d}, nil
	}
	if from.Equal(t) {
		return e, nil
	}
	if t.Family == types.String && t.Width > 0 {
		// Keep the length check of the table layer: widen to TEXT, not VARCHAR(n).
		if from.Family == types.String {
			return e, nil
		}
		return &Cast{E: e, T: types.TypeText}, nil
	}
	return &Cast{E: e, T: t}, nil
}

func (b *Binder) coerceBool(e Expr, pos parser.Pos, what string) (Expr, error) {
	t := e.Type()
	if t.Family == types.Bool {
		return e, nil
	}
	if t.Family == types.Unknown || isUntyped(e) {
		return b.coerce(e, types.TypeBool, pos)
	}
	return nil, bindErr(pos, "argument of %s must be type BOOLEAN, not type %s", what, t)
}

func (b *Binder) coerceText(e Expr, pos parser.Pos, what string) (Expr, error) {
	t := e.Type()
	if t.Family == types.String {
		return e, nil
	}
	if t.Family == types.Unknown || isUntyped(e) {
		return b.coerce(e, types.TypeText, pos)
	}
	return nil, bindErr(pos, "argument of %s must be text, not type %s", what, t)
}

// toText converts any value to its text form (for || and concat).
func (b *Binder) toText(e Expr, pos parser.Pos) (Expr, error) {
	t := e.Type()
	if t.Family == types.String {
		return e, nil
	}
	if c, ok := e.(*Const); ok {
		if c.D.Null {
			return &Const{D: types.NullDatum(types.TypeText)}, nil
		}
		d, err := CastDatum(c.D, types.TypeText)
		if err != nil {
			return nil, &Error{Pos: pos, Msg: err.Error(), Err: ErrCast}
		}
		return &Const{D: d}, nil
	}
	return &Cast{E: e, T: types.TypeText}, nil
}

// castable reports whether CAST(x AS to) is defined for x's type.
func castable(from, to types.Type) bool {
	if from.Family == to.Family || from.Family == types.Unknown || from.Family == types.String || to.Family == types.String {
		return true
	}
	switch to.Family {
	case types.Int, types.Float, types.Decimal:
		return from.IsNumeric() || from.Family == types.Bool && to.Family == types.Int
	case types.Bool:
		return from.Family == types.Int
	case types.Date, types.Time:
		return from.Family == types.Timestamp
	case types.Timestamp:
		return from.Family == types.Date
	}
	return false
}

func (b *Binder) bindCase(e *parser.CaseExpr, ctx exprCtx) (Expr, error) {
	var operand Expr
	var err error
	if e.Operand != nil {
		if operand, err = b.bindExpr(e.Operand, ctx); err != nil {
			return nil, err
		}
	}
	out := &Case{}
	var results []Expr
	for _, w := range e.Whens {
		c, err := b.bindExpr(w.Cond, ctx)
		if err != nil {
			return nil, err
		}
		if operand != nil {
			c, err = b.bindBinary(parser.OpEq, operand, c, e.Pos)
		} else {
			c, err = b.coerceBool(c, e.Pos, "CASE/WHEN")
		}
		if err != nil {
			return nil, err
		}
		r, err := b.bindExpr(w.Result, ctx)
		if err != nil {
			return nil, err
		}
		out.Whens = append(out.Whens, When{Cond: c, Result: r})
		results = append(results, r)
	}
	if e.Else != nil {
		if out.Else, err = b.bindExpr(e.Else, ctx); err != nil {
			return nil, err
		}
		results = append(results, out.Else)
	}
	t, err := commonTypeOf(results, e.Pos, "CASE")
	if err != nil {
		return nil, err
	}
	for i := range out.Whens {
		if out.Whens[i].Result, err = b.coerce(out.Whens[i].Result, t, e.Pos); err != nil {
			return nil, err
		}
	}
	if out.Else != nil {
		if out.Else, err = b.coerce(out.Else, t, e.Pos); err != nil {
			return nil, err
		}
	}
	out.T = t
	return out, nil
}

var aggFuncs = map[string]bool{"count": true, "sum": true, "avg": true, "min": true, "max": true,
	"string_agg": true, "bool_and": true, "bool_or": true, "every": true,
	"stddev": true, "stddev_samp": true, "stddev_pop": true, "variance": true, "var_samp": true, "var_pop": true}
var rankFuncs = map[string]bool{"row_number": true, "rank": true, "dense_rank": true,
	"percent_rank": true, "cume_dist": true}

// valueFuncs are the window functions that return a value of their first
// argument at another row of the partition or frame.
var valueFuncs = map[string]bool{"lag": true, "lead": true, "first_value": true, "last_value": true, "nth_value": true}

func (b *Binder) bindFunc(e *parser.FuncCall, ctx exprCtx) (Expr, error) {
	name := strings.ToLower(e.Name)
	if e.Over != nil {
		if !ctx.windowOK {
			return nil, bindErr(e.Pos, "window functions are not allowed in %s", ctx.clause)
		}
		return b.bindWindow(name, e, ctx)
	}
	if rankFuncs[name] {
		return nil, bindErr(e.Pos, "window function %s requires an OVER clause", name)
	}
	if e.Filter != nil && !aggFuncs[name] {
		return nil, bindErr(e.Pos, "FILTER specified, but %s is not an aggregate function", name)
	}
	if aggFuncs[name] {
		inner := ctx
		inner.aggOK, inner.windowOK, inner.clause = false, false, "aggregate function arguments"
		if !ctx.aggOK {
			inner.clause = ctx.clause // a nested aggregate is refused for the outer one's place
		}
		call, err := b.bindAggCall(name, e, inner)
		if err != nil {
			return nil, err
		}
		if oa := b.outerAgg(call); oa != nil {
			return oa, nil // an aggregate of an enclosing query (grouped.go)
		}
		if !ctx.aggOK {
			return nil, bindErr(e.Pos, "aggregate functions are not allowed in %s", ctx.clause)
		}
		return &AggExpr{Agg: call}, nil
	}
	if e.Star || e.Distinct {
		return nil, bindErr(e.Pos, "%s(%s...) is only valid for aggregate functions", name, map[bool]string{true: "*", false: "DISTINCT "}[e.Star])
	}
	if len(e.Args) == 0 {
		if c := b.clock(name); c != nil {
			return c, nil
		}
	}
	if name == "time_bucket" { // its interval is parsed here, once (timebucket.go)
		return b.bindTimeBucket(e, ctx)
	}
	fn, ok := scalarFuncs[name]
	_, str := strFuncs[name]
	if _, date := dateFuncs[name]; !ok && !str && !date {
		return nil, bindErr(e.Pos, "function %s does not exist", name)
	}
	args := make([]Expr, len(e.Args))
	for i, a := range e.Args {
		x, err := b.bindExpr(a, ctx)
		if err != nil {
			return nil, err
		}
		args[i] = x
	}
	if x, ok, err := b.typeStringCall(name, args, e.Pos); ok { // strfuncs.go
		return x, err
	}
	if x, ok, err := b.typeDateCall(name, args, e.Pos); ok { // datefuncs.go
		return x, err
	}
	return b.typeScalarCall(fn, name, args, e.Pos)
}

func (b *Binder) bindAggCall(name string, e *parser.FuncCall, ctx exprCtx) (AggCall, error) {
	call, err := b.bindAggCall0(name, e, ctx)
	if err != nil || e.Filter == nil {
		return call, err
	}
	// agg(x) FILTER (WHERE p) is agg(CASE WHEN p THEN x END): every
	// aggregate skips NULLs, and count(*) counts the CASE's 1s.
	p, err := b.bindExpr(e.Filter, exprCtx{clause: "FILTER"})
	if err == nil {
		p, err = b.coerceBool(p, e.Filter.Position(), "FILTER")
	}
	if err != nil {
		return AggCall{}, err
	}
	arg := call.Arg
	if arg == nil {
		arg = &Const{D: types.IntDatum(1)}
	}
	call.Arg = &Case{Whens: []When{{Cond: p, Result: arg}}, T: arg.Type()}
	return call, nil
}

func (b *Binder) bindAggCall0(name string, e *parser.FuncCall, ctx exprCtx) (AggCall, error) {
	if e.Star {
		if name != "count" {
			return AggCall{}, bindErr(e.Pos, "%s(*) is not valid; only count(*)", name)
		}
		return AggCall{Func: "count", T: types.TypeBigInt}, nil
	}
	if name == "string_agg" {
		return b.bindStringAgg(e, ctx)
	}
	if len(e.Args) != 1 {
		return AggCall{}, bindErr(e.Pos, "%s takes exactly one argument, got %d", name, len(e.Args))
	}
	arg, err := b.bindExpr(e.Args[0], ctx)
	if err != nil {
		return AggCall{}, err
	}
	call := AggCall{Func: name, Arg: arg, Distinct: e.Distinct}
	switch name {
	case "bool_and", "bool_or", "every":
		if call.Arg, err = b.coerceBool(arg, e.Pos, name); err != nil {
			return AggCall{}, err
		}
		call.T = types.TypeBool
		return call, nil
	case "stddev", "stddev_samp", "stddev_pop", "variance", "var_samp", "var_pop":
		if !arg.Type().IsNumeric() && !isUntyped(arg) && arg.Type().Family != types.Unknown {
			return AggCall{}, bindErr(e.Pos, "function %s(%s) does not exist", name, arg.Type())
		}
		if call.Arg, err = b.coerce(arg, types.TypeFloat, e.Pos); err != nil {
			return AggCall{}, err
		}
		call.T = types.TypeFloat
		return call, nil
	}
	t := arg.Type()
	if isUntyped(arg) {
		if name == "sum" || name == "avg" {
			if call.Arg, err = b.coerce(arg, types.TypeFloat, e.Pos); err != nil {
				return AggCall{}, err
			}
			t = types.TypeFloat
		} else {
			call.Arg = &Const{D: arg.(*Const).D}
		}
	}
	switch name {
	case "count":
		call.T = types.TypeBigInt
	case "sum":
		switch {
		case t.Family == types.Int:
			call.T = types.TypeBigInt
		case t.Family == types.Decimal:
			call.T, _ = types.NewDecimal(types.MaxDecimalPrecision, int(t.Scale))
		case t.Family == types.Float:
			call.T = types.TypeFloat
		case t.Family == types.Unknown:
			call.T = types.TypeBigInt
		default:
			return AggCall{}, bindErr(e.Pos, "function sum(%s) does not exist", t)
		}
	case "avg":
		if !t.IsNumeric() && t.Family != types.Unknown {
			return AggCall{}, bindErr(e.Pos, "function avg(%s) does not exist", t)
		}
		call.T = types.TypeFloat
	case "min", "max":
		if t.Family == types.JSON {
			return AggCall{}, bindErr(e.Pos, "function %s(JSON) does not exist", name)
		}
		call.T = t
		if t.Family == types.String {
			call.T = types.TypeText
		}
	}
	return call, nil
}

func (b *Binder) bindWindow(name string, e *parser.FuncCall, ctx exprCtx) (Expr, error) {
	inner := ctx
	inner.windowOK, inner.clause = false, "window function arguments"
	w := WindowCall{Func: name}
	if e.Filter != nil && !aggFuncs[name] {
		return nil, unsupported(e.Pos, "FILTER is not implemented for non-aggregate window functions")
	}
	switch {
	case rankFuncs[name]:
		if len(e.Args) > 0 || e.Star {
			return nil, bindErr(e.Pos, "%s takes no arguments", name)
		}
		w.T = types.TypeBigInt
		if name == "percent_rank" || name == "cume_dist" {
			w.T = types.TypeFloat
		}
	case valueFuncs[name] || name == "ntile":
		if err := b.bindValueWindow(&w, e, inner); err != nil {
			return nil, err
		}
	case aggFuncs[name]:
		// (the argument may hold aggregates of a grouped query:
		// sum(count(*)) OVER (...) sums the groups' counts)
		call, err := b.bindAggCall(name, e, inner)
		if err != nil {
			return nil, err
		}
		if call.Distinct {
			return nil, unsupported(e.Pos, "DISTINCT is not supported in window functions")
		}
		w.Arg, w.T, w.Default = call.Arg, call.T, call.Extra
	default:
		return nil, bindErr(e.Pos, "function %s is not a window function", name)
	}
	if fr := e.Over.Frame; fr != nil && (aggFuncs[name] || name == "first_value" || name == "last_value" || name == "nth_value") {
		// (the other window functions ignore frames, as in PostgreSQL)
		if !fr.Rows && (fr.Start.Kind == parser.Preceding || fr.Start.Kind == parser.Following ||
			fr.End.Kind == parser.Preceding || fr.End.Kind == parser.Following) {
			return nil, unsupported(e.Pos, "RANGE with an offset is not implemented (use ROWS)")
		}
		w.Frame = fr
	}
	for _, p := range e.Over.PartitionBy {
		x, err := b.bindExpr(p, inner)
		if err != nil {
			return nil, err
		}
		w.PartitionBy = append(w.PartitionBy, x)
	}
	for _, o := range e.Over.OrderBy {
		x, err := b.bindExpr(o.Expr, inner)
		if err != nil {
			return nil, err
		}
		w.OrderBy = append(w.OrderBy, sortKey(x, o))
	}
	return &WindowExpr{Win: w}, nil
}

// bindValueWindow binds lag, lead, first_value, last_value, nth_value
// and ntile. Offsets, counts and lag/lead's default must be constants.
// bindStringAgg binds string_agg(text, separator); the separator must be
// a constant.
func (b *Binder) bindStringAgg(e *parser.FuncCall, ctx exprCtx) (AggCall, error) {
	if len(e.Args) != 2 {
		return AggCall{}, bindErr(e.Pos, "string_agg takes two arguments, got %d", len(e.Args))
	}
	var args [2]Expr
	for i, a := range e.Args {
		x, err := b.bindExpr(a, ctx)
		if err != nil {
			return AggCall{}, err
		}
		if args[i], err = b.coerceText(x, e.Pos, "string_agg"); err != nil {
			return AggCall{}, err
		}
	}
	sep, ok := foldAll(args[1])
	if !ok {
		return AggCall{}, unsupported(e.Pos, "the separator of string_agg must be a constant")
	}
	return AggCall{Func: "string_agg", Arg: args[0], Extra: sep, Distinct: e.Distinct, T: types.TypeText}, nil
}

func (b *Binder) bindValueWindow(w *WindowCall, e *parser.FuncCall, ctx exprCtx) error {
	name := w.Func
	lo, hi := 1, 1
	switch name {
	case "lag", "lead":
		hi = 3
	case "nth_value":
		lo, hi = 2, 2
	}
	if e.Star || e.Distinct || len(e.Args) < lo || len(e.Args) > hi {
		return bindErr(e.Pos, "function %s takes %d to %d arguments, got %d", name, lo, hi, len(e.Args))
	}
	args := make([]Expr, len(e.Args))
	for i, a := range e.Args {
		x, err := b.bindExpr(a, ctx)
		if err != nil {
			return err
		}
		args[i] = x
	}
	constInt := func(i int, what string) (int64, error) {
		c, ok := foldAll(args[i])
		if !ok || c.D.Null || c.D.Type.Family != types.Int {
			return 0, unsupported(e.Pos, "%s of %s must be a constant integer", what, name)
		}
		return c.D.I, nil
	}
	var err error
	if name == "ntile" {
		if w.N, err = constInt(0, "the bucket count"); err != nil {
			return err
		}
		if w.N <= 0 {
			return bindErr(e.Pos, "argument of ntile must be greater than zero")
		}
		w.T = types.TypeBigInt
		return nil
	}
	w.Arg, w.T = args[0], args[0].Type()
	if w.T.Family == types.Unknown || isUntyped(args[0]) {
		w.T = types.TypeText
		if w.Arg, err = b.coerce(args[0], w.T, e.Pos); err != nil {
			return err
		}
	}
	switch name {
	case "lag", "lead":
		w.N = 1
		if len(args) > 1 {
			if w.N, err = constInt(1, "the offset"); err != nil {
				return err
			}
		}
		if len(args) > 2 {
			d, err := b.coerce(args[2], w.T, e.Pos)
			if err != nil {
				return err
			}
			c, ok := foldAll(d)
			if !ok {
				return unsupported(e.Pos, "the default of %s must be a constant", name)
			}
			w.Default = c
		}
	case "nth_value":
		if w.N, err = constInt(1, "the position"); err != nil {
			return err
		}
		if w.N <= 0 {
			return bindErr(e.Pos, "argument of nth_value must be greater than zero")
		}
	}
	return nil
}

func sortKey(x Expr, o *parser.OrderItem) SortKey {
	k := SortKey{E: x, Desc: o.Desc, NullsFirst: o.Desc}
	switch o.Nulls {
	case parser.NullsFirst:
		k.NullsFirst = true
	case parser.NullsLast:
		k.NullsFirst = false
	}
	return k
}

// typeScalarCall checks the arguments of a named function and fixes its
// result type.
func (b *Binder) typeScalarCall(fn *Func, name string, args []Expr, pos parser.Pos) (Expr, error) {
	nargs := func(lo, hi int) error {
		if len(args) < lo || len(args) > hi {
			if lo == hi {
				return bindErr(pos, "function %s takes %d argument(s), got %d", name, lo, len(args))
			}
			return bindErr(pos, "function %s takes %d to %d arguments, got %d", name, lo, hi, len(args))
		}
		return nil
	}
	// The checks replace an argument only when its conversion succeeds:
	// a case goes on to read the arguments' types after a failed check.
	keep := func(i int, e Expr, err error) error {
		if err == nil {
			args[i] = e
		}
		return err
	}
	numeric := func(i int) error {
		if isUntyped(args[i]) {
			e, err := b.coerce(args[i], types.TypeFloat, pos)
			return keep(i, e, err)
		}
		t := args[i].Type()
		if t.Family == types.Unknown {
			args[i] = &Const{D: types.NullDatum(types.TypeBigInt)}
			return nil
		}
		if !t.IsNumeric() {
			return bindErr(pos, "function %s(%s) does not exist", name, t)
		}
		if t.Family == types.Int {
			args[i] = widen(args[i])
		}
		return nil
	}
	toFloat := func(i int) error {
		if err := numeric(i); err != nil {
			return err
		}
		e, err := b.coerce(args[i], types.TypeFloat, pos)
		return keep(i, e, err)
	}
	text := func(i int) error {
		e, err := b.coerceText(args[i], pos, name)
		return keep(i, e, err)
	}
	toInt := func(i int) error {
		if args[i].Type().Family != types.Int && !isUntyped(args[i]) && args[i].Type().Family != types.Unknown {
			return bindErr(pos, "function %s: argument %d must be an integer, not %s", name, i+1, args[i].Type())
		}
		e, err := b.coerce(args[i], types.TypeBigInt, pos)
		return keep(i, e, err)
	}
	var t types.Type
	var err error
	switch fn.Name {
	case "abs", "ceil", "floor", "sign":
		if err = nargs(1, 1); err == nil {
			err = numeric(0)
		}
		t = resultOf(args)
		if fn.Name != "abs" && t.Family == types.Decimal {
			t.Scale = 0
		}
	case "round":
		if err = nargs(1, 2); err == nil {
			err = numeric(0)
		}
		if err == nil && len(args) == 2 {
			err = toInt(1)
		}
		t = resultOf(args)
		if t.Family == types.Decimal {
			t.Scale = 0 // the scale is the number of digits kept
			if len(args) == 2 {
				if c, ok := foldAll(args[1]); ok && !c.D.Null {
					t.Scale = int8(min(max(c.D.I, 0), int64(t.Precision)))
				} else {
					t = args[0].Type() // (digits unknown until run time)
				}
			}
		}
	case "sqrt", "ln", "exp":
		if err = nargs(1, 1); err == nil {
			err = toFloat(0)
		}
		t = types.TypeFloat
	case "power":
		if err = nargs(2, 2); err == nil {
			if err = toFloat(0); err == nil {
				err = toFloat(1)
			}
		}
		t = types.TypeFloat
	case "mod":
		if err = nargs(2, 2); err != nil {
			return nil, err
		}
		return b.bindBinary(parser.OpMod, args[0], args[1], pos)
	case "length":
		if err = nargs(1, 1); err == nil && args[0].Type().Family != types.Bytes {
			err = text(0)
		}
		t = types.TypeBigInt
	case "lower", "upper":
		if err = nargs(1, 1); err == nil {
			err = text(0)
		}
		t = types.TypeText
	case "replace":
		if err = nargs(3, 3); err == nil {
			for i := 0; i < 3 && err == nil; i++ {
				err = text(i)
			}
		}
		t = types.TypeText
	case "substr":
		if err = nargs(2, 3); err == nil {
			if err = text(0); err == nil {
				for i := 1; i < len(args) && err == nil; i++ {
					err = toInt(i)
				}
			}
		}
		t = types.TypeText
	case "coalesce", "greatest", "least", "nullif":
		if fn.Name == "nullif" {
			err = nargs(2, 2)
		} else {
			err = nargs(1, 1<<20)
		}
		if err != nil {
			return nil, err
		}
		if t, err = commonTypeOf(args, pos, name); err != nil {
			return nil, err
		}
		for i := range args {
			if args[i], err = b.coerce(args[i], t, pos); err != nil {
				return nil, err
			}
		}
	case "concat":
		for i := range args {
			if args[i], err = b.toText(args[i], pos); err != nil {
				return nil, err
			}
		}
		t = types.TypeText
	default:
		return nil, bindErr(pos, "function %s does not exist", name)
	}
	if err != nil {
		return nil, err
	}
	return foldConst(&Call{Fn: fn, Args: args, T: t}), nil
}

// widen makes an integer expression BIGINT.
func widen(e Expr) Expr {
	if e.Type().Equal(types.TypeBigInt) {
		return e
	}
	if c, ok := e.(*Const); ok {
		d := c.D
		d.Type = types.TypeBigInt
		return &Const{D: d}
	}
	return &Cast{E: e, T: types.TypeBigInt}
}

func resultOf(args []Expr) types.Type {
	if len(args) == 0 {
		return types.TypeBigInt
	}
	return args[0].Type()
}

// TypeFromAST converts a parsed data type to a column type; serial
// reports a SERIAL column.
func TypeFromAST(dt parser.DataType) (t types.Type, serial bool, err error) {
	switch dt.Kind {
	case parser.TypeInt:
		return types.TypeInt, false, nil
	case parser.TypeBigInt:
		return types.TypeBigInt, false, nil
	case parser.TypeSmallInt:
		return types.TypeSmallInt, false, nil
	case parser.TypeReal, parser.TypeDouble:
		return types.TypeFloat, false, nil
	case parser.TypeDecimal:
		if dt.Precision == 0 {
			t, err = types.NewDecimal(types.MaxDecimalPrecision, DefaultDecimalScale)
			return t, false, err
		}
		t, err = types.NewDecimal(dt.Precision, dt.Scale)
		return t, false, err
	case parser.TypeVarchar, parser.TypeChar:
		if dt.Length == 0 {
			if dt.Kind == parser.TypeChar {
				t, err = types.NewVarchar(1, true)
				return t, false, err
			}
			return types.TypeText, false, nil
		}
		t, err = types.NewVarchar(dt.Length, dt.Kind == parser.TypeChar)
		return t, false, err
	case parser.TypeText:
		return types.TypeText, false, nil
	case parser.TypeBool:
		return types.TypeBool, false, nil
	case parser.TypeDate:
		return types.TypeDate, false, nil
	case parser.TypeTime:
		return types.TypeTime, false, nil
	case parser.TypeTimestamp:
		return types.TypeTimestamp, false, nil
	case parser.TypeJSON:
		return types.TypeJSON, false, nil
	case parser.TypeBlob:
		return types.TypeBytes, false, nil
	case parser.TypeSerial:
		return types.TypeBigInt, true, nil
	}
	return types.Type{}, false, fmt.Errorf("unknown type %s", dt)
}

// DefaultDecimalScale is the scale of a DECIMAL declared without one.
const DefaultDecimalScale = 6

// foldAll evaluates an expression made of constants, calls and casts
// (-1, CAST('2' AS INT)); ok is false when anything else is in it or
// the evaluation fails.
func foldAll(e Expr) (*Const, bool) {
	x, err := Rewrite(e, func(x Expr) (Expr, error) {
		if c, ok := x.(*Cast); ok {
			if k, ok := c.E.(*Const); ok {
				d, err := CastDatum(k.D, c.T)
				if err != nil {
					return nil, err
				}
				return &Const{D: d}, nil
			}
		}
		return foldConst(x), nil
	})
	c, ok := x.(*Const)
	return c, err == nil && ok
}

// likeEscape rewrites a constant LIKE pattern written with ESCAPE c into
// the backslash-escaped form the matcher reads; ESCAPE ” turns escaping
// off.
func (b *Binder) likeEscape(p Expr, escape parser.Expr, pos parser.Pos, ctx exprCtx) (Expr, error) {
	ex, err := b.bindExpr(escape, ctx)
	if err != nil {
		return nil, err
	}
	if ex, err = b.coerceText(ex, pos, "LIKE"); err != nil {
		return nil, err
	}
	ec, ok1 := foldAll(ex)
	pc, ok2 := foldAll(p)
	if !ok1 || !ok2 {
		return nil, unsupported(pos, "LIKE ... ESCAPE needs a constant pattern and escape character")
	}
	if ec.D.Null || pc.D.Null {
		return &Const{D: types.NullDatum(types.TypeText)}, nil
	}
	esc := []rune(string(ec.D.B))
	if len(esc) > 1 {
		return nil, bindErr(pos, "invalid escape string: ESCAPE takes one character, got %q", string(ec.D.B))
	}
	var out strings.Builder
	escaped := false
	for _, r := range string(pc.D.B) {
		switch {
		case escaped:
			if r == '\\' || r == '%' || r == '_' {
				out.WriteByte('\\')
			}
			out.WriteRune(r)
			escaped = false
		case len(esc) == 1 && r == esc[0]:
			escaped = true
		case r == '\\':
			out.WriteString(`\\`)
		default:
			out.WriteRune(r)
		}
	}
	if escaped {
		return nil, bindErr(pos, "LIKE pattern must not end with escape character")
	}
	return &Const{D: types.Datum{Type: types.TypeText, B: []byte(out.String())}}, nil
}
