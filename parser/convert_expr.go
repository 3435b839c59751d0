package parser

import (
	"math"
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

func (c *converter) optExpr(g *gExpr) (Expr, error) {
	if g == nil {
		return nil, nil
	}
	return c.expr(g)
}

func (c *converter) exprs(gs []*gExpr) ([]Expr, error) {
	if len(gs) == 0 {
		return nil, nil
	}
	out := make([]Expr, len(gs))
	for i, g := range gs {
		e, err := c.expr(g)
		if err != nil {
			return nil, err
		}
		out[i] = e
	}
	return out, nil
}

// binary folds one more operator into a left-deep chain.
func (c *converter) binary(p lexer.Position, op BinaryOp, left, right Expr) (Expr, error) {
	c.ops++
	if c.ops > MaxOperators {
		return nil, &Error{Line: p.Line, Column: p.Column, Err: ErrTooDeep,
			Msg: "statement has more than " + strconv.Itoa(MaxOperators) + " operators"}
	}
	return &BinaryExpr{Pos: pos(p), Op: op, Left: left, Right: right}, nil
}

// Binding strength of each binary operator as written (see also
// precOf in format_expr.go, which the printer uses).
var binaryByText = map[string]BinaryOp{
	"OR": OpOr, "AND": OpAnd, "=": OpEq, "<>": OpNe, "!=": OpNe, "<": OpLt, "<=": OpLe,
	">": OpGt, ">=": OpGe, "||": OpConcat, "+": OpAdd, "-": OpSub, "*": OpMul, "/": OpDiv, "%": OpMod, "^": OpPow,
}

// chain builds the tree of one flat operator chain by precedence
// climbing: climb(min) reads an operand and then every tail that binds
// at least as tightly as min; a binary tail's right operand is climbed
// with its own precedence plus one, which makes operators associate to
// the left.
type chain struct {
	c     *converter
	tails []*gTail
	i     int // next tail
}

func (c *converter) expr(g *gExpr) (Expr, error) {
	ch := &chain{c: c, tails: g.Tails}
	return ch.climb(g.First, precOr)
}

// arith converts a chain of || + - * / % only.
func (c *converter) arith(g *gArith) (Expr, error) {
	tails := make([]*gTail, len(g.Tails))
	for i, t := range g.Tails {
		tails[i] = &gTail{Pos: t.Pos, Op: t.Op, Right: t.Right}
	}
	ch := &chain{c: c, tails: tails}
	return ch.climb(g.First, precConcat)
}

func tailPrec(t *gTail) int {
	if t.Op == "" {
		return precCompare // IS, IN, BETWEEN, LIKE
	}
	return binaryOps[binaryByText[t.Op]].prec
}

func (ch *chain) climb(first *gOperand, min int) (Expr, error) {
	left, err := ch.operand(first, min)
	if err != nil {
		return nil, err
	}
	return ch.extend(left, min)
}

// extend applies to left every following tail that binds at least as
// tightly as min.
func (ch *chain) extend(left Expr, min int) (Expr, error) {
	c := ch.c
	for ch.i < len(ch.tails) {
		t := ch.tails[ch.i]
		prec := tailPrec(t)
		if prec < min {
			break
		}
		ch.i++
		p := pos(t.Pos)
		var err error
		switch {
		case t.Quant != "":
			op := binaryByText[t.Op]
			if binaryOps[op].prec != precCompare {
				err = errorAt(p, "%s %s needs a comparison operator, not %s", t.Op, strings.ToUpper(t.Quant), t.Op)
				break
			}
			var q *SelectStmt
			if q, err = c.query(t.QQuery); err == nil {
				left = &QuantifiedExpr{Pos: p, Expr: left, Op: op, All: strings.EqualFold(t.Quant, "ALL"), Query: q}
			}
		case t.Op != "":
			var right Expr
			if right, err = ch.climb(t.Right, prec+1); err == nil {
				left, err = c.binary(t.Pos, binaryByText[t.Op], left, right)
			}
		case t.Like != nil:
			like := &LikeExpr{Pos: p, Expr: left, Not: t.Not, ILike: t.ILike}
			if t.Escape == nil {
				like.Pattern, err = ch.climb(t.Like, prec+1)
			} else if like.Pattern, err = ch.climb(t.Like, precAtom); err == nil {
				// (the tails after the escape are not the pattern's)
				like.Escape, err = ch.climb(t.Escape, precAtom)
			}
			left = like
		case t.Distinct != nil:
			op := OpIsDistinct
			if t.IsNot {
				op = OpIsNotDistinct
			}
			var right Expr
			if right, err = ch.climb(t.Distinct, prec+1); err == nil {
				left, err = c.binary(t.Pos, op, left, right)
			}
		case t.IsNull:
			left = &IsNullExpr{Pos: p, Expr: left, Not: t.IsNot}
		case t.Truth != "":
			// x IS [NOT] TRUE is x IS [NOT] DISTINCT FROM TRUE: never NULL
			op := OpIsNotDistinct
			if t.IsNot {
				op = OpIsDistinct
			}
			left, err = c.binary(t.Pos, op, left, &BoolLit{Pos: p, Value: strings.EqualFold(t.Truth, "TRUE")})
		case t.In != nil && t.In.Operand != nil:
			err = errorAt(p, "IN needs a parenthesised list or subquery")
		case t.In != nil && t.In.Query != nil:
			var q *SelectStmt
			if q, err = c.query(t.In.Query); err == nil {
				left = &InSubqueryExpr{Pos: p, Expr: left, Not: t.Not, Query: q}
			}
		case t.In != nil:
			var list []Expr
			if list, err = c.exprs(t.In.List); err == nil {
				left = &InListExpr{Pos: p, Expr: left, Not: t.Not, List: list}
			}
		default:
			left, err = c.between(p, left, t)
		}
		if err != nil {
			return nil, err
		}
	}
	return left, nil
}

func (c *converter) between(p Pos, left Expr, t *gTail) (Expr, error) {
	low, err := c.arith(t.Between.Low)
	if err != nil {
		return nil, err
	}
	high, err := c.arith(t.Between.High)
	if err != nil {
		return nil, err
	}
	return &BetweenExpr{Pos: p, Expr: left, Not: t.Not, Symmetric: t.Between.Symmetric, Low: low, High: high}, nil
}

// operand converts an operand with its prefix operators. NOT reaches
// over every following operator that binds tighter than NOT (NOT a = b
// is NOT (a = b)); - and + take only the operand (-a * b is (-a) * b).
// min is the precedence the context demands: NOT is refused where it
// would need parentheses (after =, -, BETWEEN ...), as the printer
// would add them.
func (ch *chain) operand(g *gOperand, min int) (Expr, error) {
	if g.Primary != nil {
		return ch.c.postfix(g)
	}
	p := pos(g.Pos)
	if g.Prefix == "NOT" {
		if min > precNot {
			return nil, errorAt(p, "NOT here needs parentheses: (NOT ...)")
		}
		inner, err := ch.operand(g.Operand, precNot)
		if err == nil {
			inner, err = ch.extend(inner, precNot+1)
		}
		if err != nil {
			return nil, err
		}
		return &UnaryExpr{Pos: p, Op: OpNot, Operand: inner}, nil
	}
	inner, err := ch.operand(g.Operand, precAtom)
	if err != nil {
		return nil, err
	}
	op := OpNeg
	if g.Prefix == "+" {
		op = OpPlus
	}
	return &UnaryExpr{Pos: p, Op: op, Operand: inner}, nil
}

// postfix converts a primary and its :: casts.
func (c *converter) postfix(g *gOperand) (Expr, error) {
	e, err := c.primary(g.Primary)
	if err != nil {
		return nil, err
	}
	for _, cast := range g.Casts {
		t, err := c.dataType(cast.Type)
		if err != nil {
			return nil, err
		}
		e = &CastExpr{Pos: pos(cast.Pos), Expr: e, Type: t}
	}
	return e, nil
}

func (c *converter) primary(g *gPrimary) (Expr, error) {
	p := pos(g.Pos)
	switch {
	case g.Exists != nil:
		q, err := c.query(g.Exists)
		if err != nil {
			return nil, err
		}
		return &ExistsExpr{Pos: p, Query: q}, nil
	case g.Case != nil:
		return c.caseExpr(p, g.Case)
	case g.Cast != nil:
		e, err := c.expr(g.Cast.Expr)
		if err != nil {
			return nil, err
		}
		t, err := c.dataType(g.Cast.Type)
		if err != nil {
			return nil, err
		}
		return &CastExpr{Pos: p, Expr: e, Type: t}, nil
	case g.Param != "":
		n, err := strconv.Atoi(g.Param[1:])
		if err != nil || n < 1 || n > math.MaxInt32 {
			return nil, errorAt(p, "parameter %s out of range: parameters are $1, $2, ...", g.Param)
		}
		return &Param{Pos: p, Index: n}, nil
	case g.Int != "":
		n, err := strconv.ParseInt(g.Int, 10, 64)
		if err != nil {
			return &NumericLit{Pos: p, Text: g.Int}, nil // too big for int64: exact numeric
		}
		return &IntLit{Pos: p, Value: n}, nil
	case g.Decimal != "":
		return &NumericLit{Pos: p, Text: g.Decimal}, nil
	case g.Float != "":
		f, err := strconv.ParseFloat(g.Float, 64)
		if err != nil {
			return nil, errorAt(p, "number %s is out of range for a double", g.Float)
		}
		return &FloatLit{Pos: p, Value: f}, nil
	case g.String != "":
		return &StringLit{Pos: p, Value: unquoteString(g.String)}, nil
	case g.True || g.False:
		return &BoolLit{Pos: p, Value: g.True}, nil
	case g.Null:
		return &NullLit{Pos: p}, nil
	case g.Named != nil:
		return c.named(p, g.Named)
	case g.KwCall != nil:
		return c.funcCall(p, strings.ToLower(g.KwCall.Name), g.KwCall.Args)
	case g.Paren.Query != nil:
		q, err := c.query(g.Paren.Query)
		if err != nil {
			return nil, err
		}
		return &SubqueryExpr{Pos: p, Query: q}, nil
	default:
		return c.expr(g.Paren.Expr)
	}
}

// typedLiterals are the names that may precede a string literal.
var typedLiterals = map[string]TypeKind{"DATE": TypeDate, "TIME": TypeTime, "TIMESTAMP": TypeTimestamp}

func (c *converter) named(p Pos, g *gNamed) (Expr, error) {
	first := identName(g.First)
	switch {
	case g.Typed != "":
		kind, ok := typedLiterals[strings.ToUpper(g.First.Name)]
		if !ok {
			return nil, errorAt(p, "a string cannot follow the name %s (only DATE, TIME or TIMESTAMP '...')", QuoteIdent(first))
		}
		return &TypedLit{Pos: p, Type: kind, Value: unquoteString(g.Typed)}, nil
	case g.Call != nil:
		return c.funcCall(p, first, g.Call)
	case g.Star:
		return nil, errorAt(p, "%s.* is allowed only as an item of a select list", QuoteIdent(first))
	case g.Second != nil:
		return &ColumnRef{Pos: p, Table: first, Column: identName(g.Second)}, nil
	default:
		return &ColumnRef{Pos: p, Column: first}, nil
	}
}

func (c *converter) caseExpr(p Pos, g *gCase) (Expr, error) {
	e := &CaseExpr{Pos: p}
	var err error
	if e.Operand, err = c.optExpr(g.Operand); err != nil {
		return nil, err
	}
	for _, w := range g.Whens {
		cond, err := c.expr(w.Cond)
		if err != nil {
			return nil, err
		}
		res, err := c.expr(w.Result)
		if err != nil {
			return nil, err
		}
		e.Whens = append(e.Whens, &When{Cond: cond, Result: res})
	}
	if e.Else, err = c.optExpr(g.Else); err != nil {
		return nil, err
	}
	return e, nil
}

func (c *converter) funcCall(p Pos, name string, g *gCallArgs) (Expr, error) {
	f := &FuncCall{Pos: p, Name: name, Star: g.Star, Distinct: g.Distinct}
	var err error
	if f.Args, err = c.callArgs(p, f, g); err != nil {
		return nil, err
	}
	if f.Filter, err = c.optExpr(g.Filter); err != nil {
		return nil, err
	}
	if g.OverName != nil {
		w, ok := c.windows[identName(g.OverName)]
		if !ok {
			return nil, errorAt(pos(g.OverName.Pos), "window %q does not exist", identName(g.OverName))
		}
		g.Over = w
	}
	if g.Over != nil {
		f.Over = &WindowSpec{}
		if f.Over.PartitionBy, err = c.exprs(g.Over.PartitionBy); err != nil {
			return nil, err
		}
		if f.Over.OrderBy, err = c.orderItems(g.Over.OrderBy); err != nil {
			return nil, err
		}
		if g.Over.Frame != nil {
			if f.Over.Frame, err = frame(g.Over.Frame); err != nil {
				return nil, err
			}
		}
	}
	return f, nil
}

// callArgs converts a call's arguments, turning the keyword forms
// substring(s FROM a FOR b), trim([side] [chars] FROM s) and position(a IN
// b) into plain calls (f.Name may change).
func (c *converter) callArgs(p Pos, f *FuncCall, g *gCallArgs) ([]Expr, error) {
	lower := strings.ToLower(f.Name)
	keyword := g.Side != "" || g.From != nil || g.For != nil || g.OnlyFrom != nil
	if !keyword && lower == "position" && len(g.Args) == 1 && len(g.More) == 0 {
		return c.positionArgs(p, f, g.Args[0])
	}
	args, err := c.exprs(append(append([]*gExpr(nil), g.Args...), g.More...))
	if err != nil || !keyword {
		return args, err
	}
	from, err := c.optExpr(g.From)
	if err != nil {
		return nil, err
	}
	switch {
	case (lower == "substring" || lower == "substr") && g.Side == "" && g.OnlyFrom == nil && len(g.More) == 0:
		if from == nil {
			from = &IntLit{Pos: p, Value: 1}
		}
		args = append(args, from)
		if g.For != nil {
			n, err := c.expr(g.For)
			if err != nil {
				return nil, err
			}
			args = append(args, n)
		}
		return args, nil
	case lower == "extract" && g.Side == "" && g.For == nil && g.OnlyFrom == nil && len(g.More) == 0 && from != nil:
		field := args[0]
		if r, ok := field.(*ColumnRef); ok && r.Table == "" {
			field = &StringLit{Pos: r.Pos, Value: r.Column} // extract(year FROM x)
		}
		return []Expr{field, from}, nil
	case lower == "trim" && g.For == nil && len(g.More) == 0 && (from != nil || g.OnlyFrom != nil):
		f.Name = map[string]string{"": "btrim", "BOTH": "btrim", "LEADING": "ltrim", "TRAILING": "rtrim"}[strings.ToUpper(g.Side)]
		if g.OnlyFrom != nil { // trim([side] FROM s): spaces
			s, err := c.expr(g.OnlyFrom)
			return []Expr{s}, err
		}
		return []Expr{from, args[0]}, nil // trim([side] chars FROM s)
	}
	return nil, errorAt(p, "syntax error in the arguments of %s: FROM, FOR, BOTH, LEADING and TRAILING belong to substring, trim and extract", QuoteIdent(f.Name))
}

// positionArgs turns position(a IN b) into the call position(a, b).
func (c *converter) positionArgs(p Pos, f *FuncCall, g *gExpr) ([]Expr, error) {
	for k, t := range g.Tails {
		if t.In == nil || t.In.Operand == nil || t.Not {
			continue
		}
		needle, err := c.expr(&gExpr{First: g.First, Tails: g.Tails[:k]})
		if err != nil {
			return nil, err
		}
		hay, err := c.expr(&gExpr{First: t.In.Operand, Tails: g.Tails[k+1:]})
		if err != nil {
			return nil, err
		}
		return []Expr{needle, hay}, nil
	}
	return c.exprs([]*gExpr{g})
}

// frame converts a window frame, refusing the bounds PostgreSQL refuses
// (a start of UNBOUNDED FOLLOWING, an end of UNBOUNDED PRECEDING, a start
// after the end).
func frame(g *gFrame) (*WindowFrame, error) {
	f := &WindowFrame{Rows: strings.EqualFold(g.Unit, "ROWS")}
	bound := func(b *gFrameBound) (FrameBound, error) {
		switch {
		case b.Unbounded != "":
			if strings.EqualFold(b.Unbounded, "PRECEDING") {
				return FrameBound{Kind: UnboundedPreceding}, nil
			}
			return FrameBound{Kind: UnboundedFollowing}, nil
		case b.Current:
			return FrameBound{Kind: CurrentRow}, nil
		}
		n, err := strconv.ParseInt(b.N, 10, 64)
		if err != nil {
			return FrameBound{}, errorAt(pos(g.Pos), "frame offset %s is out of range", b.N)
		}
		if strings.EqualFold(b.Dir, "PRECEDING") {
			return FrameBound{Kind: Preceding, N: n}, nil
		}
		return FrameBound{Kind: Following, N: n}, nil
	}
	var err error
	if g.Only != nil {
		if f.Start, err = bound(g.Only); err != nil {
			return nil, err
		}
		f.End = FrameBound{Kind: CurrentRow}
	} else {
		if f.Start, err = bound(g.Start); err != nil {
			return nil, err
		}
		if f.End, err = bound(g.End); err != nil {
			return nil, err
		}
	}
	switch {
	case f.Start.Kind == UnboundedFollowing:
		return nil, errorAt(pos(g.Pos), "frame start cannot be UNBOUNDED FOLLOWING")
	case f.End.Kind == UnboundedPreceding:
		return nil, errorAt(pos(g.Pos), "frame end cannot be UNBOUNDED PRECEDING")
	case f.Start.Kind > f.End.Kind:
		return nil, errorAt(pos(g.Pos), "frame starting after its end is not allowed")
	}
	return f, nil
}
