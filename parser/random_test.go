package parser

import (
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"
)

// TestRandomTrees builds random trees of the shapes the parser produces,
// prints them, parses the text and checks the tree comes back. It is the
// printer's model test: where FuzzParse starts from text, this starts
// from trees, and reaches operator nestings nobody writes by hand. Set
// AEGIS_SEED to replay a run; AEGIS_LONG=1 runs 50x more trees.
func TestRandomTrees(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("AEGIS_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (AEGIS_SEED=%d replays it)", seed, seed)
	n := 1000
	if os.Getenv("AEGIS_LONG") != "" {
		n *= 50
	}
	g := &treeGen{r: rand.New(rand.NewPCG(seed, 0))}
	for i := 0; i < n && !t.Failed(); i++ {
		s := g.query(3)
		checkRoundTrip(t, "random tree "+strconv.Itoa(i), s)
	}
}

type treeGen struct {
	r *rand.Rand
}

var genNames = []string{"a", "b", "t", "x_1", "select", "nulls", "Date", "date", "a b", `q"q`, "über", "if"}

func (g *treeGen) name() string { return genNames[g.r.IntN(len(genNames))] }

func (g *treeGen) dataType() DataType {
	kinds := []TypeKind{TypeInt, TypeBigInt, TypeSmallInt, TypeReal, TypeDouble, TypeDecimal, TypeVarchar,
		TypeChar, TypeText, TypeBool, TypeDate, TypeTime, TypeTimestamp, TypeJSON, TypeBlob, TypeSerial}
	t := DataType{Kind: kinds[g.r.IntN(len(kinds))]}
	switch t.Kind {
	case TypeVarchar, TypeChar:
		t.Length = g.r.IntN(3) * 10
	case TypeDecimal:
		if g.r.IntN(2) == 0 {
			t.Precision = 1 + g.r.IntN(20)
			t.Scale = g.r.IntN(t.Precision + 1)
		}
	}
	return t
}

func (g *treeGen) leaf() Expr {
	switch g.r.IntN(11) {
	case 0:
		return &ColumnRef{Column: g.name()}
	case 1:
		return &ColumnRef{Table: g.name(), Column: g.name()}
	case 2:
		return &Param{Index: 1 + g.r.IntN(20)}
	case 3:
		return &IntLit{Value: g.r.Int64N(1 << 62)}
	case 4:
		return &NumericLit{Text: strconv.Itoa(g.r.IntN(1000)) + "." + strconv.Itoa(g.r.IntN(100))}
	case 5:
		return &FloatLit{Value: g.r.Float64() * 1e10}
	case 6:
		return &StringLit{Value: []string{"", "it's", "a\nb", "--x", "/*", `"q"`}[g.r.IntN(6)]}
	case 7:
		return &BoolLit{Value: g.r.IntN(2) == 0}
	case 8:
		return &NullLit{}
	case 9:
		return &TypedLit{Type: []TypeKind{TypeDate, TypeTime, TypeTimestamp}[g.r.IntN(3)], Value: "2024-01-01"}
	default:
		return &FuncCall{Name: "now"}
	}
}

func (g *treeGen) exprs(depth, max int) []Expr {
	out := make([]Expr, 1+g.r.IntN(max))
	for i := range out {
		out[i] = g.expr(depth)
	}
	return out
}

func (g *treeGen) orderItems(depth int) []*OrderItem {
	out := make([]*OrderItem, 1+g.r.IntN(2))
	for i := range out {
		out[i] = &OrderItem{Expr: g.expr(depth), Desc: g.r.IntN(2) == 0, Nulls: NullsOrder(g.r.IntN(3))}
	}
	return out
}

func (g *treeGen) expr(depth int) Expr {
	if depth <= 0 || g.r.IntN(4) == 0 {
		return g.leaf()
	}
	d := depth - 1
	switch g.r.IntN(14) {
	case 0, 1, 2:
		return &BinaryExpr{Op: BinaryOp(1 + g.r.IntN(int(OpMod))), Left: g.expr(d), Right: g.expr(d)}
	case 3:
		return &UnaryExpr{Op: UnaryOp(1 + g.r.IntN(3)), Operand: g.expr(d)}
	case 4:
		return &IsNullExpr{Expr: g.expr(d), Not: g.r.IntN(2) == 0}
	case 5:
		return &InListExpr{Expr: g.expr(d), Not: g.r.IntN(2) == 0, List: g.exprs(d, 3)}
	case 6:
		return &InSubqueryExpr{Expr: g.expr(d), Not: g.r.IntN(2) == 0, Query: g.simpleQuery(d)}
	case 7:
		return &BetweenExpr{Expr: g.expr(d), Not: g.r.IntN(2) == 0, Low: g.expr(d), High: g.expr(d)}
	case 8:
		return &LikeExpr{Expr: g.expr(d), Not: g.r.IntN(2) == 0, Pattern: g.expr(d)}
	case 9:
		c := &CaseExpr{Whens: []*When{{Cond: g.expr(d), Result: g.expr(d)}}}
		if g.r.IntN(2) == 0 {
			c.Operand = g.expr(d)
		}
		if g.r.IntN(2) == 0 {
			c.Else = g.expr(d)
		}
		return c
	case 10:
		return &CastExpr{Expr: g.expr(d), Type: g.dataType()}
	case 11:
		f := &FuncCall{Name: g.name()}
		switch g.r.IntN(3) {
		case 0:
			f.Star = true
		case 1:
			f.Distinct = true
			f.Args = g.exprs(d, 2)
		default:
			f.Args = g.exprs(d, 3)
		}
		if g.r.IntN(3) == 0 {
			f.Over = &WindowSpec{PartitionBy: g.exprs(d, 2), OrderBy: g.orderItems(d)}
		}
		return f
	case 12:
		return &SubqueryExpr{Query: g.simpleQuery(d)}
	default:
		return &ExistsExpr{Query: g.simpleQuery(d)}
	}
}

func (g *treeGen) core(depth int) *SelectCore {
	c := &SelectCore{Distinct: g.r.IntN(4) == 0}
	for i := 0; i < 1+g.r.IntN(3); i++ {
		it := &SelectItem{Expr: g.expr(depth)}
		if g.r.IntN(3) == 0 {
			it.Alias = g.name()
		}
		c.Items = append(c.Items, it)
	}
	if g.r.IntN(2) == 0 {
		c.From = []TableExpr{&TableName{Name: g.name()}}
		if g.r.IntN(2) == 0 {
			c.From = append(c.From, &JoinExpr{Kind: JoinLeft, Left: &TableName{Name: g.name(), Alias: "l"},
				Right: &DerivedTable{Query: g.simpleQuery(depth - 1), Alias: "r"}, On: g.expr(depth)})
		}
		if g.r.IntN(2) == 0 {
			c.Where = g.expr(depth)
		}
		if g.r.IntN(3) == 0 {
			c.GroupBy = g.exprs(depth, 2)
			c.Having = g.expr(depth)
		}
	}
	return c
}

// simpleQuery is a query usable as a subquery: it starts with SELECT.
func (g *treeGen) simpleQuery(depth int) *SelectStmt {
	s := &SelectStmt{Body: g.core(depth)}
	if g.r.IntN(3) == 0 {
		s.Body = &SetOpExpr{Op: SetOp(1 + g.r.IntN(3)), All: g.r.IntN(2) == 0, Left: s.Body, Right: g.core(depth)}
	}
	return s
}

// setExpr builds a set operation tree; a parenthesised operand carries an
// ORDER BY or LIMIT, as a parsed one would.
func (g *treeGen) setExpr(depth int) SetExpr {
	if depth <= 0 || g.r.IntN(3) == 0 {
		if g.r.IntN(4) == 0 {
			return &SelectStmt{Body: g.core(1), Limit: &IntLit{Value: 1}}
		}
		return g.core(1)
	}
	return &SetOpExpr{Op: SetOp(1 + g.r.IntN(3)), All: g.r.IntN(2) == 0, Left: g.setExpr(depth - 1), Right: g.setExpr(depth - 1)}
}

func (g *treeGen) query(depth int) *SelectStmt {
	s := &SelectStmt{Body: g.setExpr(depth)}
	if g.r.IntN(3) == 0 {
		s.OrderBy = g.orderItems(depth)
	}
	if g.r.IntN(3) == 0 {
		s.Limit = g.expr(1)
		s.Offset = g.expr(1)
	}
	if inner, ok := s.Body.(*SelectStmt); ok && s.OrderBy == nil && s.Limit == nil {
		return inner // the parser unwraps such a query too
	}
	return s
}
