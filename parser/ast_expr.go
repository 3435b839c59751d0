package parser

// Expr is an expression node. Every expression carries the position of
// the token that defines it (the operator of a binary or postfix
// expression, the first token otherwise), so later stages can point at it.
//
// Parentheses leave no node: precedence is in the shape of the tree, and
// the printer adds parentheses where the tree needs them. Negative numbers
// are a UnaryExpr of OpNeg over a non-negative literal.
type Expr interface {
	Node
	Position() Pos
	expr()
}

// ColumnRef is column or table.column.
type ColumnRef struct {
	Pos    Pos
	Table  string // "" when unqualified
	Column string
}

// Param is a positional parameter $n (n >= 1).
type Param struct {
	Pos   Pos
	Index int
}

// IntLit is an integer literal that fits in an int64. Larger integers are
// NumericLit.
type IntLit struct {
	Pos   Pos
	Value int64
}

// NumericLit is an exact decimal literal (1.50, 123456789012345678901),
// kept as its text so no digit is lost.
type NumericLit struct {
	Pos  Pos
	Text string
}

// FloatLit is an approximate literal written with an exponent (1e10).
type FloatLit struct {
	Pos   Pos
	Value float64
}

// StringLit is a 'string' literal; Value has the ” escapes resolved.
type StringLit struct {
	Pos   Pos
	Value string
}

// BoolLit is TRUE or FALSE.
type BoolLit struct {
	Pos   Pos
	Value bool
}

// NullLit is NULL.
type NullLit struct {
	Pos Pos
}

// TypedLit is DATE '...', TIME '...' or TIMESTAMP '...'. The parser does
// not check the text; the binder converts it.
type TypedLit struct {
	Pos   Pos
	Type  TypeKind // TypeDate, TypeTime or TypeTimestamp
	Value string
}

// UnaryOp is a prefix operator.
type UnaryOp int

const (
	OpNeg  UnaryOp = iota + 1 // -x
	OpPlus                    // +x
	OpNot                     // NOT x
)

// UnaryExpr is op Operand.
type UnaryExpr struct {
	Pos     Pos
	Op      UnaryOp
	Operand Expr
}

// BinaryOp is an infix operator.
type BinaryOp int

const (
	OpOr BinaryOp = iota + 1
	OpAnd
	OpEq     // =
	OpNe     // <> or !=
	OpLt     // <
	OpLe     // <=
	OpGt     // >
	OpGe     // >=
	OpConcat // ||
	OpAdd
	OpSub
	OpMul
	OpDiv
	OpMod
	OpPow           // ^: exponentiation, left-associative, above * / %
	OpIsDistinct    // IS DISTINCT FROM: <> with NULL a value
	OpIsNotDistinct // IS NOT DISTINCT FROM: = with NULL a value
)

// BinaryExpr is Left op Right. Pos is the operator's position.
type BinaryExpr struct {
	Pos   Pos
	Op    BinaryOp
	Left  Expr
	Right Expr
}

// IsNullExpr is Expr IS [NOT] NULL. Pos is the position of IS.
type IsNullExpr struct {
	Pos  Pos
	Expr Expr
	Not  bool
}

// InListExpr is Expr [NOT] IN (v1, v2, ...). Pos is the position of IN
// (or of NOT).
type InListExpr struct {
	Pos  Pos
	Expr Expr
	Not  bool
	List []Expr
}

// QuantifiedExpr is Expr op ANY (query) or Expr op ALL (query), op a
// comparison (SOME is ANY).
type QuantifiedExpr struct {
	Pos   Pos
	Expr  Expr
	Op    BinaryOp
	All   bool
	Query *SelectStmt
}

// InSubqueryExpr is Expr [NOT] IN (query).
type InSubqueryExpr struct {
	Pos   Pos
	Expr  Expr
	Not   bool
	Query *SelectStmt
}

// BetweenExpr is Expr [NOT] BETWEEN Low AND High.
type BetweenExpr struct {
	Pos       Pos
	Expr      Expr
	Not       bool
	Symmetric bool // BETWEEN SYMMETRIC: the bounds in either order
	Low       Expr
	High      Expr
}

// LikeExpr is Expr [NOT] LIKE Pattern.
type LikeExpr struct {
	Pos     Pos
	Expr    Expr
	Not     bool
	ILike   bool // ILIKE: case-insensitive
	Pattern Expr
	Escape  Expr // nil: backslash
}

// CaseExpr is CASE [Operand] WHEN ... THEN ... [ELSE ...] END. With an
// Operand (simple CASE) each When.Cond is compared to it; without one
// (searched CASE) each When.Cond is a boolean condition.
type CaseExpr struct {
	Pos     Pos
	Operand Expr // nil for a searched CASE
	Whens   []*When
	Else    Expr // nil when absent
}

// When is one WHEN Cond THEN Result arm of a CaseExpr.
type When struct {
	Cond   Expr
	Result Expr
}

// CastExpr is CAST(Expr AS Type); x::type parses to the same node.
type CastExpr struct {
	Pos  Pos
	Expr Expr
	Type DataType
}

// FuncCall is name(args), name(*), name(DISTINCT args), optionally with
// OVER (window). Name is folded like any unquoted name (count, sum).
type FuncCall struct {
	Pos      Pos
	Name     string
	Star     bool // name(*); Args is empty
	Distinct bool
	Args     []Expr
	Filter   Expr        // FILTER (WHERE ...) of an aggregate; nil without
	Over     *WindowSpec // nil for a plain call
}

// WindowSpec is the OVER (PARTITION BY ... ORDER BY ...) of a window call.
type WindowSpec struct {
	PartitionBy []Expr
	OrderBy     []*OrderItem
	Frame       *WindowFrame // nil: the default frame
}

// WindowFrame is ROWS|RANGE BETWEEN Start AND End (or ROWS|RANGE Start,
// whose end is CURRENT ROW).
type WindowFrame struct {
	Rows       bool // ROWS (else RANGE)
	Start, End FrameBound
}

// FrameBound is one end of a window frame.
type FrameBound struct {
	Kind BoundKind
	N    int64 // n PRECEDING / n FOLLOWING
}

// BoundKind says where a frame bound is.
type BoundKind int

const (
	UnboundedPreceding BoundKind = iota + 1
	Preceding
	CurrentRow
	Following
	UnboundedFollowing
)

// SubqueryExpr is a scalar subquery (query) used as a value.
type SubqueryExpr struct {
	Pos   Pos
	Query *SelectStmt
}

// DefaultExpr is DEFAULT as a value of INSERT ... VALUES: the column's
// default. It appears nowhere else.
type DefaultExpr struct {
	Pos Pos
}

// ExistsExpr is EXISTS (query). NOT EXISTS is a UnaryExpr OpNot over it.
type ExistsExpr struct {
	Pos   Pos
	Query *SelectStmt
}

func (e *ColumnRef) Position() Pos      { return e.Pos }
func (e *Param) Position() Pos          { return e.Pos }
func (e *IntLit) Position() Pos         { return e.Pos }
func (e *NumericLit) Position() Pos     { return e.Pos }
func (e *FloatLit) Position() Pos       { return e.Pos }
func (e *StringLit) Position() Pos      { return e.Pos }
func (e *BoolLit) Position() Pos        { return e.Pos }
func (e *NullLit) Position() Pos        { return e.Pos }
func (e *TypedLit) Position() Pos       { return e.Pos }
func (e *UnaryExpr) Position() Pos      { return e.Pos }
func (e *BinaryExpr) Position() Pos     { return e.Pos }
func (e *IsNullExpr) Position() Pos     { return e.Pos }
func (e *InListExpr) Position() Pos     { return e.Pos }
func (e *InSubqueryExpr) Position() Pos { return e.Pos }
func (e *QuantifiedExpr) Position() Pos { return e.Pos }
func (e *BetweenExpr) Position() Pos    { return e.Pos }
func (e *LikeExpr) Position() Pos       { return e.Pos }
func (e *CaseExpr) Position() Pos       { return e.Pos }
func (e *CastExpr) Position() Pos       { return e.Pos }
func (e *FuncCall) Position() Pos       { return e.Pos }
func (e *SubqueryExpr) Position() Pos   { return e.Pos }
func (e *ExistsExpr) Position() Pos     { return e.Pos }
func (e *DefaultExpr) Position() Pos    { return e.Pos }

func (*ColumnRef) expr()      {}
func (*Param) expr()          {}
func (*IntLit) expr()         {}
func (*NumericLit) expr()     {}
func (*FloatLit) expr()       {}
func (*StringLit) expr()      {}
func (*BoolLit) expr()        {}
func (*NullLit) expr()        {}
func (*TypedLit) expr()       {}
func (*UnaryExpr) expr()      {}
func (*BinaryExpr) expr()     {}
func (*IsNullExpr) expr()     {}
func (*InListExpr) expr()     {}
func (*InSubqueryExpr) expr() {}
func (*QuantifiedExpr) expr() {}
func (*BetweenExpr) expr()    {}
func (*LikeExpr) expr()       {}
func (*CaseExpr) expr()       {}
func (*CastExpr) expr()       {}
func (*FuncCall) expr()       {}
func (*SubqueryExpr) expr()   {}
func (*ExistsExpr) expr()     {}
func (*DefaultExpr) expr()    {}
