package parser

import (
	"strconv"
	"strings"
)

// Precedence levels used by the printer, loosest first. The grammar in
// grammar_expr.go has one struct per level.
const (
	precOr      = 1
	precAnd     = 2
	precNot     = 3
	precCompare = 4 // = <> < <= > >= IS IN BETWEEN LIKE
	precConcat  = 5
	precAdd     = 6
	precMul     = 7
	precPow     = 8 // ^, as in PostgreSQL: -2 ^ 2 is (-2) ^ 2
	precUnary   = 9 // prefix - and +
	precAtom    = 10
)

var binaryOps = map[BinaryOp]struct {
	text string
	prec int
}{
	OpOr: {"OR", precOr}, OpAnd: {"AND", precAnd},
	OpEq: {"=", precCompare}, OpNe: {"<>", precCompare}, OpLt: {"<", precCompare},
	OpLe: {"<=", precCompare}, OpGt: {">", precCompare}, OpGe: {">=", precCompare},
	OpConcat: {"||", precConcat}, OpAdd: {"+", precAdd}, OpSub: {"-", precAdd},
	OpMul: {"*", precMul}, OpDiv: {"/", precMul}, OpMod: {"%", precMul}, OpPow: {"^", precPow},
	OpIsDistinct: {"IS DISTINCT FROM", precCompare}, OpIsNotDistinct: {"IS NOT DISTINCT FROM", precCompare},
}

// String returns the operator as written in SQL.
func (op BinaryOp) String() string {
	if o, ok := binaryOps[op]; ok {
		return o.text
	}
	return "BinaryOp(" + strconv.Itoa(int(op)) + ")"
}

// String returns the operator as written in SQL.
func (op UnaryOp) String() string {
	switch op {
	case OpNeg:
		return "-"
	case OpPlus:
		return "+"
	case OpNot:
		return "NOT"
	}
	return "UnaryOp(" + strconv.Itoa(int(op)) + ")"
}

// precOf is the binding strength of e's outermost operator.
func precOf(e Expr) int {
	switch e := e.(type) {
	case *BinaryExpr:
		if o, ok := binaryOps[e.Op]; ok {
			return o.prec
		}
		return precOr
	case *UnaryExpr:
		if e.Op == OpNot {
			return precNot
		}
		return precUnary
	case *IsNullExpr, *InListExpr, *InSubqueryExpr, *BetweenExpr, *LikeExpr, *QuantifiedExpr:
		return precCompare
	case *IntLit:
		if e.Value < 0 {
			return precUnary // prints as -n: keep it away from another minus
		}
	case *FloatLit:
		if e.Value < 0 {
			return precUnary
		}
	case *NumericLit:
		if strings.HasPrefix(e.Text, "-") {
			return precUnary
		}
	}
	return precAtom
}

// writeExpr prints e, in parentheses if it binds looser than min.
func writeExpr(b *strings.Builder, e Expr, min int) {
	if e == nil {
		b.WriteString("<nil>")
		return
	}
	if precOf(e) < min {
		b.WriteByte('(')
		writeExpr(b, e, 0)
		b.WriteByte(')')
		return
	}
	switch e := e.(type) {
	case *ColumnRef:
		if e.Table != "" {
			b.WriteString(QuoteIdent(e.Table))
			b.WriteByte('.')
		}
		b.WriteString(QuoteIdent(e.Column))
	case *Param:
		b.WriteString("$" + strconv.Itoa(e.Index))
	case *IntLit:
		b.WriteString(strconv.FormatInt(e.Value, 10))
	case *NumericLit:
		b.WriteString(e.Text)
	case *FloatLit:
		// Always with an exponent, so it reads back as a float, not an
		// integer or exact numeric.
		b.WriteString(strconv.FormatFloat(e.Value, 'e', -1, 64))
	case *StringLit:
		b.WriteString(QuoteString(e.Value))
	case *BoolLit:
		if e.Value {
			b.WriteString("TRUE")
		} else {
			b.WriteString("FALSE")
		}
	case *NullLit:
		b.WriteString("NULL")
	case *TypedLit:
		b.WriteString(e.Type.String() + " " + QuoteString(e.Value))
	case *UnaryExpr:
		if e.Op == OpNot {
			b.WriteString("NOT ")
			writeExpr(b, e.Operand, precNot)
		} else {
			// The operand of - is an atom or parenthesised: -(-x), never --x.
			b.WriteString(e.Op.String())
			writeExpr(b, e.Operand, precAtom)
		}
	case *BinaryExpr:
		p := precOf(e)
		left := p
		if p == precCompare {
			// a = b = c parses as (a = b) = c; say so, since other SQL
			// dialects rank IS, IN and friends differently from =.
			left = p + 1
		}
		writeExpr(b, e.Left, left)
		b.WriteString(" " + e.Op.String() + " ")
		writeExpr(b, e.Right, p+1)
	case *IsNullExpr:
		writeExpr(b, e.Expr, precCompare+1)
		b.WriteString(" IS " + not(e.Not) + "NULL")
	case *InListExpr:
		writeExpr(b, e.Expr, precCompare+1)
		b.WriteString(" " + not(e.Not) + "IN (")
		writeExprList(b, e.List)
		b.WriteByte(')')
	case *QuantifiedExpr:
		writeExpr(b, e.Expr, precCompare+1)
		q := " ANY ("
		if e.All {
			q = " ALL ("
		}
		b.WriteString(" " + e.Op.String() + q)
		writeQuery(b, e.Query)
		b.WriteByte(')')
	case *InSubqueryExpr:
		writeExpr(b, e.Expr, precCompare+1)
		b.WriteString(" " + not(e.Not) + "IN (")
		writeQuery(b, e.Query)
		b.WriteByte(')')
	case *BetweenExpr:
		writeExpr(b, e.Expr, precCompare+1)
		b.WriteString(" " + not(e.Not) + "BETWEEN ")
		if e.Symmetric {
			b.WriteString("SYMMETRIC ")
		}
		writeExpr(b, e.Low, precConcat)
		b.WriteString(" AND ")
		writeExpr(b, e.High, precConcat)
	case *LikeExpr:
		writeExpr(b, e.Expr, precCompare+1)
		op := "LIKE "
		if e.ILike {
			op = "ILIKE "
		}
		b.WriteString(" " + not(e.Not) + op)
		if e.Escape == nil {
			writeExpr(b, e.Pattern, precConcat)
			break
		}
		// (ESCAPE follows the pattern's operand directly)
		writeExpr(b, e.Pattern, precAtom)
		b.WriteString(" ESCAPE ")
		writeExpr(b, e.Escape, precAtom)
	case *CaseExpr:
		b.WriteString("CASE")
		if e.Operand != nil {
			b.WriteByte(' ')
			writeExpr(b, e.Operand, 0)
		}
		for _, w := range e.Whens {
			b.WriteString(" WHEN ")
			writeExpr(b, w.Cond, 0)
			b.WriteString(" THEN ")
			writeExpr(b, w.Result, 0)
		}
		if e.Else != nil {
			b.WriteString(" ELSE ")
			writeExpr(b, e.Else, 0)
		}
		b.WriteString(" END")
	case *CastExpr:
		b.WriteString("CAST(")
		writeExpr(b, e.Expr, 0)
		b.WriteString(" AS " + e.Type.String() + ")")
	case *FuncCall:
		writeFuncCall(b, e)
	case *SubqueryExpr:
		b.WriteByte('(')
		writeQuery(b, e.Query)
		b.WriteByte(')')
	case *DefaultExpr:
		b.WriteString("DEFAULT")
	case *ExistsExpr:
		b.WriteString("EXISTS (")
		writeQuery(b, e.Query)
		b.WriteByte(')')
	default:
		b.WriteString("<unknown expression>")
	}
}

func not(n bool) string {
	if n {
		return "NOT "
	}
	return ""
}

func writeExprList(b *strings.Builder, es []Expr) {
	for i, e := range es {
		if i > 0 {
			b.WriteString(", ")
		}
		writeExpr(b, e, 0)
	}
}

func writeFuncCall(b *strings.Builder, f *FuncCall) {
	b.WriteString(QuoteIdent(f.Name) + "(")
	switch {
	case f.Star:
		b.WriteByte('*')
	case f.Distinct:
		b.WriteString("DISTINCT ")
		writeExprList(b, f.Args)
	default:
		writeExprList(b, f.Args)
	}
	b.WriteByte(')')
	if f.Filter != nil {
		b.WriteString(" FILTER (WHERE ")
		writeExpr(b, f.Filter, 0)
		b.WriteByte(')')
	}
	if f.Over != nil {
		b.WriteString(" OVER (")
		sep := ""
		if len(f.Over.PartitionBy) > 0 {
			b.WriteString("PARTITION BY ")
			writeExprList(b, f.Over.PartitionBy)
			sep = " "
		}
		if len(f.Over.OrderBy) > 0 {
			b.WriteString(sep)
			writeOrderBy(b, f.Over.OrderBy)
			sep = " "
		}
		if fr := f.Over.Frame; fr != nil {
			b.WriteString(sep + fr.String())
		}
		b.WriteByte(')')
	}
}

func writeOrderBy(b *strings.Builder, items []*OrderItem) {
	b.WriteString("ORDER BY ")
	for i, it := range items {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(it.String())
	}
}

// QuoteIdent prints a name so that it parses back to itself: bare when it
// is lower-case ASCII and not a keyword, otherwise in double quotes.
func QuoteIdent(s string) string {
	_, isReserved := reservedWord(s)
	bare := s != "" && !isReserved && !keywordLike[strings.ToUpper(s)]
	for i := 0; bare && i < len(s); i++ {
		c := s[i]
		bare = c == '_' || (c >= 'a' && c <= 'z') || (i > 0 && (isDigit(c) || c == '$'))
	}
	if bare {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// QuoteString prints s as a SQL string literal.
func QuoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

func exprString(e Expr) string {
	var b strings.Builder
	writeExpr(&b, e, 0)
	return b.String()
}

func (e *ColumnRef) String() string      { return exprString(e) }
func (e *Param) String() string          { return exprString(e) }
func (e *IntLit) String() string         { return exprString(e) }
func (e *NumericLit) String() string     { return exprString(e) }
func (e *FloatLit) String() string       { return exprString(e) }
func (e *StringLit) String() string      { return exprString(e) }
func (e *BoolLit) String() string        { return exprString(e) }
func (e *NullLit) String() string        { return exprString(e) }
func (e *TypedLit) String() string       { return exprString(e) }
func (e *UnaryExpr) String() string      { return exprString(e) }
func (e *BinaryExpr) String() string     { return exprString(e) }
func (e *IsNullExpr) String() string     { return exprString(e) }
func (e *InListExpr) String() string     { return exprString(e) }
func (e *InSubqueryExpr) String() string { return exprString(e) }
func (e *QuantifiedExpr) String() string { return exprString(e) }
func (e *BetweenExpr) String() string    { return exprString(e) }
func (e *LikeExpr) String() string       { return exprString(e) }
func (e *CaseExpr) String() string       { return exprString(e) }
func (e *CastExpr) String() string       { return exprString(e) }
func (e *FuncCall) String() string       { return exprString(e) }
func (e *SubqueryExpr) String() string   { return exprString(e) }
func (e *ExistsExpr) String() string     { return exprString(e) }
func (e *DefaultExpr) String() string    { return "DEFAULT" }

// String prints the window as OVER (...).
func (w *WindowSpec) String() string {
	f := &FuncCall{Name: "f", Over: w}
	s := f.String()
	return s[len("f() "):]
}

// String prints expr [DESC] [NULLS FIRST | NULLS LAST].
func (o *OrderItem) String() string {
	var b strings.Builder
	writeExpr(&b, o.Expr, 0)
	if o.Desc {
		b.WriteString(" DESC")
	}
	switch o.Nulls {
	case NullsFirst:
		b.WriteString(" NULLS FIRST")
	case NullsLast:
		b.WriteString(" NULLS LAST")
	}
	return b.String()
}

// String prints WHEN cond THEN result.
func (w *When) String() string {
	var b strings.Builder
	b.WriteString("WHEN ")
	writeExpr(&b, w.Cond, 0)
	b.WriteString(" THEN ")
	writeExpr(&b, w.Result, 0)
	return b.String()
}

// String prints ROWS|RANGE BETWEEN start AND end.
func (f *WindowFrame) String() string {
	unit := "RANGE"
	if f.Rows {
		unit = "ROWS"
	}
	return unit + " BETWEEN " + f.Start.String() + " AND " + f.End.String()
}

func (b FrameBound) String() string {
	switch b.Kind {
	case UnboundedPreceding:
		return "UNBOUNDED PRECEDING"
	case Preceding:
		return strconv.FormatInt(b.N, 10) + " PRECEDING"
	case CurrentRow:
		return "CURRENT ROW"
	case Following:
		return strconv.FormatInt(b.N, 10) + " FOLLOWING"
	case UnboundedFollowing:
		return "UNBOUNDED FOLLOWING"
	}
	return "?"
}
