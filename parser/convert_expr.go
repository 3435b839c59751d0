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

// foldChain converts first (op operand)* into a left-deep tree: at(i)
// gives the position, operator and operand of the i-th step.
func foldChain[T any](c *converter, first T, n int, at func(i int) (lexer.Position, BinaryOp, T), conv func(T) (Expr, error)) (Expr, error) {
	left, err := conv(first)
	if err != nil {
		return nil, err
	}
	for i := 0; i < n; i++ {
		p, op, g := at(i)
		right, err := conv(g)
		if err != nil {
			return nil, err
		}
		if left, err = c.binary(p, op, left, right); err != nil {
			return nil, err
		}
	}
	return left, nil
}

func (c *converter) expr(g *gExpr) (Expr, error) {
	return foldChain(c, g.Left, len(g.Rest), func(i int) (lexer.Position, BinaryOp, *gAnd) {
		return g.Rest[i].Pos, OpOr, g.Rest[i].Right
	}, c.and)
}

func (c *converter) and(g *gAnd) (Expr, error) {
	return foldChain(c, g.Left, len(g.Rest), func(i int) (lexer.Position, BinaryOp, *gNot) {
		return g.Rest[i].Pos, OpAnd, g.Rest[i].Right
	}, c.not)
}

func (c *converter) not(g *gNot) (Expr, error) {
	if g.Not == nil {
		return c.pred(g.Pred)
	}
	e, err := c.not(g.Not)
	if err != nil {
		return nil, err
	}
	return &UnaryExpr{Pos: pos(g.Pos), Op: OpNot, Operand: e}, nil
}

var cmpOps = map[string]BinaryOp{"=": OpEq, "<>": OpNe, "!=": OpNe, "<": OpLt, "<=": OpLe, ">": OpGt, ">=": OpGe}

func (c *converter) pred(g *gPred) (Expr, error) {
	left, err := c.concat(g.Left)
	if err != nil {
		return nil, err
	}
	for _, t := range g.Tails {
		p := pos(t.Pos)
		switch {
		case t.CmpOp != "":
			right, err := c.concat(t.CmpRHS)
			if err != nil {
				return nil, err
			}
			if left, err = c.binary(t.Pos, cmpOps[t.CmpOp], left, right); err != nil {
				return nil, err
			}
		case t.IsNull:
			left = &IsNullExpr{Pos: p, Expr: left, Not: t.IsNot}
		case t.In != nil && t.In.Query != nil:
			q, err := c.query(t.In.Query)
			if err != nil {
				return nil, err
			}
			left = &InSubqueryExpr{Pos: p, Expr: left, Not: t.Not, Query: q}
		case t.In != nil:
			list, err := c.exprs(t.In.List)
			if err != nil {
				return nil, err
			}
			left = &InListExpr{Pos: p, Expr: left, Not: t.Not, List: list}
		case t.Between != nil:
			low, err := c.concat(t.Between.Low)
			if err != nil {
				return nil, err
			}
			high, err := c.concat(t.Between.High)
			if err != nil {
				return nil, err
			}
			left = &BetweenExpr{Pos: p, Expr: left, Not: t.Not, Low: low, High: high}
		default:
			pat, err := c.concat(t.Like)
			if err != nil {
				return nil, err
			}
			left = &LikeExpr{Pos: p, Expr: left, Not: t.Not, Pattern: pat}
		}
	}
	return left, nil
}

func (c *converter) concat(g *gConcat) (Expr, error) {
	return foldChain(c, g.Left, len(g.Rest), func(i int) (lexer.Position, BinaryOp, *gAdd) {
		return g.Rest[i].Pos, OpConcat, g.Rest[i].Right
	}, c.add)
}

var addOps = map[string]BinaryOp{"+": OpAdd, "-": OpSub}

func (c *converter) add(g *gAdd) (Expr, error) {
	return foldChain(c, g.Left, len(g.Rest), func(i int) (lexer.Position, BinaryOp, *gMul) {
		return g.Rest[i].Pos, addOps[g.Rest[i].Op], g.Rest[i].Right
	}, c.mul)
}

var mulOps = map[string]BinaryOp{"*": OpMul, "/": OpDiv, "%": OpMod}

func (c *converter) mul(g *gMul) (Expr, error) {
	return foldChain(c, g.Left, len(g.Rest), func(i int) (lexer.Position, BinaryOp, *gUnary) {
		return g.Rest[i].Pos, mulOps[g.Rest[i].Op], g.Rest[i].Right
	}, c.unary)
}

func (c *converter) unary(g *gUnary) (Expr, error) {
	if g.Postfix != nil {
		return c.postfix(g.Postfix)
	}
	e, err := c.unary(g.Operand)
	if err != nil {
		return nil, err
	}
	op := OpNeg
	if g.Op == "+" {
		op = OpPlus
	}
	return &UnaryExpr{Pos: pos(g.Pos), Op: op, Operand: e}, nil
}

func (c *converter) postfix(g *gPostfix) (Expr, error) {
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
	if f.Args, err = c.exprs(g.Args); err != nil {
		return nil, err
	}
	if g.Over != nil {
		f.Over = &WindowSpec{}
		if f.Over.PartitionBy, err = c.exprs(g.Over.PartitionBy); err != nil {
			return nil, err
		}
		if f.Over.OrderBy, err = c.orderItems(g.Over.OrderBy); err != nil {
			return nil, err
		}
	}
	return f, nil
}
