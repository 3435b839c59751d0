package parser

import "github.com/alecthomas/participle/v2/lexer"

// Queries. Inside an expression or FROM, "(" is read as the start of a
// parenthesised expression (or join) first, and as a subquery only when
// the next token is SELECT or WITH; so a subquery there must start with
// SELECT or WITH. "((" would otherwise leave the parser guessing between
// a parenthesised query and a parenthesised expression, which
// participle could only settle by unbounded backtracking.

type gQuery struct {
	With    *gWith        `parser:"( @@"`
	Body    *gUnion       `parser:"  @@ | @@ )"`
	OrderBy []*gOrderItem `parser:"('ORDER' 'BY' @@ (',' @@)*)?"`
	Limit   *gExpr        `parser:"('LIMIT' ( 'ALL' | @@ ))?"`
	Offset  *gExpr        `parser:"('OFFSET' @@ ( 'ROW' | 'ROWS' )?)?"`
	Fetch   *gFetch       `parser:"@@?"`
}

// gFetch is FETCH {FIRST | NEXT} [count] {ROW | ROWS} ONLY, the standard
// spelling of LIMIT.
type gFetch struct {
	Pos   lexer.Position
	Count string `parser:"'FETCH' ( 'FIRST' | 'NEXT' ) @Int? ( 'ROW' | 'ROWS' ) 'ONLY'"`
}

type gWith struct {
	Recursive bool    `parser:"'WITH' @'RECURSIVE'?"`
	CTEs      []*gCTE `parser:"@@ (',' @@)*"`
}

type gCTE struct {
	Name    *gIdent   `parser:"@@"`
	Columns []*gIdent `parser:"('(' @@ (',' @@)* ')')?"`
	Query   *gQuery   `parser:"'AS' '(' @@ ')'"`
}

type gUnion struct {
	Left *gIntersect `parser:"@@"`
	Rest []*gUnionOp `parser:"@@*"`
}

type gUnionOp struct {
	Op    string      `parser:"@('UNION' | 'EXCEPT')"`
	All   bool        `parser:"( @'ALL' | 'DISTINCT' )?"`
	Right *gIntersect `parser:"@@"`
}

type gIntersect struct {
	Left *gSetOperand    `parser:"@@"`
	Rest []*gIntersectOp `parser:"@@*"`
}

type gIntersectOp struct {
	All   bool         `parser:"'INTERSECT' ( @'ALL' | 'DISTINCT' )?"`
	Right *gSetOperand `parser:"@@"`
}

type gSetOperand struct {
	Core   *gSelectCore `parser:"  @@"`
	Paren  *gQuery      `parser:"| '(' @@ ')'"`
	Values []*gRow      `parser:"| 'VALUES' @@ (',' @@)*"`
}

type gSelectCore struct {
	Distinct   bool            `parser:"'SELECT' ( @'DISTINCT'"`
	DistinctOn []*gExpr        `parser:"    ( 'ON' '(' @@ (',' @@)* ')' )? | 'ALL' )?"`
	Items      []*gSelectItem  `parser:"@@ (',' @@)*"`
	From       []*gTableExpr   `parser:"('FROM' @@ (',' @@)*)?"`
	Where      *gExpr          `parser:"('WHERE' @@)?"`
	GroupBy    []*gExpr        `parser:"('GROUP' 'BY' @@ (',' @@)*)?"`
	Having     *gExpr          `parser:"('HAVING' @@)?"`
	Windows    []*gNamedWindow `parser:"('WINDOW' @@ (',' @@)*)?"`
}

// gSelectItem is *, t.* (a gNamed with Star) or expr [[AS] alias].
type gSelectItem struct {
	Star  bool    `parser:"  @'*'"`
	Expr  *gExpr  `parser:"| @@"`
	Alias *gIdent `parser:"  ('AS'? @@)?"`
}

type gOrderItem struct {
	Expr  *gExpr `parser:"@@"`
	Dir   string `parser:"@('ASC' | 'DESC')?"`
	Nulls string `parser:"('NULLS' @('FIRST' | 'LAST'))?"`
}

type gTableExpr struct {
	Left  *gTablePrimary `parser:"@@"`
	Joins []*gJoin       `parser:"@@*"`
}

type gJoin struct {
	Pos     lexer.Position
	Natural bool           `parser:"@'NATURAL'?"`
	Cross   bool           `parser:"( @'CROSS'"`
	Kind    string         `parser:"| @'INNER' | @('LEFT' | 'RIGHT' | 'FULL') 'OUTER'? )? 'JOIN'"`
	Right   *gTablePrimary `parser:"@@"`
	On      *gExpr         `parser:"( 'ON' @@"`
	Using   []*gIdent      `parser:"| 'USING' '(' @@ (',' @@)* ')' )?"`
}

// gTablePrimary is a table, a table function call name(args), a
// derived table or a parenthesised join.
type gTablePrimary struct {
	Paren   *gTableExpr `parser:"( '(' ( @@"`
	Derived *gQuery     `parser:"      | @@ ) ')'"`
	Table   *gIdent     `parser:"| @@"`
	Call    *gTableArgs `parser:"  @@? )"`
	Alias   *gIdent     `parser:"('AS'? @@"`
	Columns []*gIdent   `parser:"  ('(' @@ (',' @@)* ')')? )?"`
}

type gTableArgs struct {
	Open bool     `parser:"@'('"`
	Args []*gExpr `parser:"(@@ (',' @@)*)? ')'"`
}

// Expressions are flat in the grammar: an operand followed by a chain
// of operator tails, a+b*c being a, +b, *c. The converter
// (convert_expr.go) builds the tree by precedence climbing, loosest
// first: OR < AND < NOT < comparison, IS, IN, LIKE, BETWEEN < || < + - <
// * / % < unary - + < postfix :: < primary. One grammar level instead of
// one per precedence keeps participle's work per operand small.

type gExpr struct {
	First *gOperand `parser:"@@"`
	Tails []*gTail  `parser:"@@*"`
}

// gTail is one operator after an operand: a binary operator with its
// right operand, or IS [NOT] NULL, IS [NOT] DISTINCT FROM operand,
// [NOT] IN (...), [NOT] BETWEEN x AND y, [NOT] [I]LIKE operand [ESCAPE
// operand].
type gTail struct {
	Pos      lexer.Position
	Op       string    `parser:"  @Op"`
	Quant    string    `parser:"  ( @('ANY' | 'SOME' | 'ALL') '('"`
	QQuery   *gQuery   `parser:"    @@ ')'"`
	Right    *gOperand `parser:"  | @@ )"`
	IsNot    bool      `parser:"| 'IS' @'NOT'?"`
	IsNull   bool      `parser:"  ( @('NULL' | 'UNKNOWN')"`
	Truth    string    `parser:"  | @('TRUE' | 'FALSE')"`
	Distinct *gOperand `parser:"  | 'DISTINCT' 'FROM' @@ )"`
	Not      bool      `parser:"| @'NOT'?"`
	In       *gInRHS   `parser:"  ( 'IN' @@"`
	Between  *gBetween `parser:"  | 'BETWEEN' @@"`
	ILike    bool      `parser:"  | ( 'LIKE' | @'ILIKE' )"`
	Like     *gOperand `parser:"    @@"`
	Escape   *gOperand `parser:"    ( 'ESCAPE' @@ )? )"`
}

// gInRHS is a parenthesised list or query; a bare operand is valid only
// in position(a IN b), which the converter checks.
type gInRHS struct {
	List    []*gExpr  `parser:"  '(' ( @@ (',' @@)*"`
	Query   *gQuery   `parser:"      | @@ ) ')'"`
	Operand *gOperand `parser:"| @@"`
}

type gBetween struct {
	Symmetric bool    `parser:"( @'SYMMETRIC' | 'ASYMMETRIC' )?"`
	Low       *gArith `parser:"@@ 'AND'"`
	High      *gArith `parser:"@@"`
}

// gArith is an expression with only || + - * / % ^ operators: a BETWEEN
// bound or a column DEFAULT, where AND or NOT must end the expression.
type gArith struct {
	First *gOperand     `parser:"@@"`
	Tails []*gArithTail `parser:"@@*"`
}

type gArithTail struct {
	Pos   lexer.Position
	Op    string    `parser:"@('||' | '+' | '-' | '*' | '/' | '%' | '^')"`
	Right *gOperand `parser:"@@"`
}

// gOperand is a prefix operator applied to an operand, or a primary
// with its :: casts.
type gOperand struct {
	Pos     lexer.Position
	Primary *gPrimary `parser:"  @@"`
	Casts   []*gCast  `parser:"  @@*"`
	Prefix  string    `parser:"| @('NOT' | '-' | '+')"`
	Operand *gOperand `parser:"  @@"`
}

type gCast struct {
	Pos  lexer.Position
	Type *gType `parser:"'::' @@"`
}

// gPrimary lists its alternatives most common first: participle tries
// them in order, and every failed try costs a branch of the parse state.
type gPrimary struct {
	Pos     lexer.Position
	Named   *gNamed    `parser:"  @@"`
	Int     string     `parser:"| @Int"`
	String  string     `parser:"| @String"`
	Param   string     `parser:"| @Param"`
	Paren   *gParen    `parser:"| @@"`
	Decimal string     `parser:"| @Decimal"`
	True    bool       `parser:"| @'TRUE'"`
	False   bool       `parser:"| @'FALSE'"`
	Null    bool       `parser:"| @'NULL'"`
	Case    *gCase     `parser:"| @@"`
	Cast    *gCastCall `parser:"| @@"`
	Float   string     `parser:"| @Float"`
	Exists  *gQuery    `parser:"| 'EXISTS' '(' @@ ')'"`
	KwCall  *gKwCall   `parser:"| @@"`
}

// gKwCall is a call of a function named by a reserved word: left(s, n),
// right(s, n).
type gKwCall struct {
	Name string     `parser:"@('LEFT' | 'RIGHT')"`
	Args *gCallArgs `parser:"@@"`
}

// gNamed is everything that starts with a name: a column (a, t.a, and
// t.* which only a select list accepts), a function call, or a typed
// literal DATE '...' (the converter checks the name).
type gNamed struct {
	First  *gIdent    `parser:"@@"`
	Typed  string     `parser:"( @String"`
	Call   *gCallArgs `parser:"| @@"`
	Second *gIdent    `parser:"| '.' ( @@"`
	Star   bool       `parser:"        | @'*' ) )?"`
}

// gParen is a parenthesised expression or a scalar subquery.
type gParen struct {
	Expr  *gExpr  `parser:"'(' ( @@"`
	Query *gQuery `parser:"    | @@ ) ')'"`
}

type gCastCall struct {
	Expr *gExpr `parser:"'CAST' '(' @@ 'AS'"`
	Type *gType `parser:"@@ ')'"`
}

type gCase struct {
	Operand *gExpr   `parser:"'CASE' @@?"`
	Whens   []*gWhen `parser:"@@+"`
	Else    *gExpr   `parser:"('ELSE' @@)? 'END'"`
}

type gWhen struct {
	Cond   *gExpr `parser:"'WHEN' @@"`
	Result *gExpr `parser:"'THEN' @@"`
}

// gCallArgs is the argument list and window of a function call, with
// the SQL-standard forms substring(s FROM a FOR b) and trim([BOTH |
// LEADING | TRAILING] [chars] FROM s), which the converter checks and
// turns into plain calls.
type gCallArgs struct {
	Star     bool     `parser:"'(' ( @'*'"`
	Distinct bool     `parser:"    | ( @'DISTINCT' | 'ALL' )?"`
	Side     string   `parser:"      @('BOTH' | 'LEADING' | 'TRAILING')?"`
	Args     []*gExpr `parser:"      ( @@"`
	From     *gExpr   `parser:"        ( 'FROM' @@ )?"`
	For      *gExpr   `parser:"        ( 'FOR' @@ )?"`
	More     []*gExpr `parser:"        (',' @@)*"`
	OnlyFrom *gExpr   `parser:"      | 'FROM' @@ ) )? ')'"`
	Filter   *gExpr   `parser:"('FILTER' '(' 'WHERE' @@ ')')?"`
	Over     *gWindow `parser:"('OVER' ( @@"`
	OverName *gIdent  `parser:"         | @@ ) )?"`
}

type gWindow struct {
	PartitionBy []*gExpr      `parser:"'(' ('PARTITION' 'BY' @@ (',' @@)*)?"`
	OrderBy     []*gOrderItem `parser:"('ORDER' 'BY' @@ (',' @@)*)?"`
	Frame       *gFrame       `parser:"@@? ')'"`
}

type gNamedWindow struct {
	Name   *gIdent  `parser:"@@ 'AS'"`
	Window *gWindow `parser:"@@"`
}

type gFrame struct {
	Pos   lexer.Position
	Unit  string       `parser:"@('ROWS' | 'RANGE')"`
	Start *gFrameBound `parser:"( 'BETWEEN' @@"`
	End   *gFrameBound `parser:"  'AND' @@"`
	Only  *gFrameBound `parser:"| @@ )"`
}

type gFrameBound struct {
	Unbounded string `parser:"  'UNBOUNDED' @('PRECEDING' | 'FOLLOWING')"`
	Current   bool   `parser:"| @('CURRENT' 'ROW')"`
	N         string `parser:"| @Int"`
	Dir       string `parser:"  @('PRECEDING' | 'FOLLOWING')"`
}
