package parser

// This file holds the statement nodes of the AST. Expressions are in
// ast_expr.go, data types in types.go, printing in format*.go.
//
// Names (tables, columns, aliases, indexes) are plain strings: unquoted
// names are folded to lower case by the parser, quoted names keep their
// case. An empty string means "absent" (no alias, no table qualifier).

// Pos is a position in the source text: 1-based line and column (runes).
// The zero Pos means "unknown" (a node built by hand, not parsed).
type Pos struct {
	Line   int
	Column int
}

// Node is any AST node. String prints it as canonical AegisQL that parses
// back to an equal tree (positions aside).
type Node interface {
	String() string
}

// Statement is one parsed statement.
type Statement interface {
	Node
	statement()
}

// CreateTableStmt is CREATE TABLE [IF NOT EXISTS] name (columns, constraints).
type CreateTableStmt struct {
	IfNotExists bool
	Name        string
	Columns     []*ColumnDef
	Constraints []*TableConstraint // table-level PRIMARY KEY (...) / UNIQUE (...)
}

// ColumnDef is one column of CREATE TABLE or ALTER TABLE ... ADD COLUMN.
// The constraint flags are printed in a fixed order, whatever order they
// were written in.
type ColumnDef struct {
	Name       string
	Type       DataType
	PrimaryKey bool
	NotNull    bool
	Null       bool // an explicit NULL (never together with NotNull)
	Unique     bool
	Default    Expr           // nil when there is no DEFAULT
	References *ForeignKeyRef // nil when there is no REFERENCES
}

// ForeignKeyRef is REFERENCES table [(column)].
type ForeignKeyRef struct {
	Table  string
	Column string // "" when not given (the referenced table's primary key)
}

// ConstraintKind says what a TableConstraint enforces.
type ConstraintKind int

const (
	ConstraintPrimaryKey ConstraintKind = iota + 1
	ConstraintUnique
)

// TableConstraint is PRIMARY KEY (a, b) or UNIQUE (a, b) in CREATE TABLE.
type TableConstraint struct {
	Kind    ConstraintKind
	Columns []string
}

// DropTableStmt is DROP TABLE [IF EXISTS] name [, name ...].
type DropTableStmt struct {
	IfExists bool
	Names    []string
}

// AlterTableStmt is ALTER TABLE name action.
type AlterTableStmt struct {
	Table  string
	Action AlterAction
}

// AlterAction is one of *AddColumn, *DropColumn, *RenameColumn,
// *RenameTable.
type AlterAction interface {
	Node
	alterAction()
}

// AddColumn is ADD [COLUMN] column-definition.
type AddColumn struct {
	Column *ColumnDef
}

// DropColumn is DROP [COLUMN] name.
type DropColumn struct {
	Name string
}

// RenameColumn is RENAME [COLUMN] old TO new.
type RenameColumn struct {
	Old, New string
}

// RenameTable is RENAME TO new.
type RenameTable struct {
	New string
}

// IndexMethod is the access method of CREATE INDEX ... USING.
type IndexMethod int

const (
	IndexDefault IndexMethod = iota // no USING clause; the planner picks (B-tree)
	IndexBTree
	IndexBitmap
)

// CreateIndexStmt is CREATE [UNIQUE] INDEX [IF NOT EXISTS] name ON table
// (columns) [USING btree | bitmap].
type CreateIndexStmt struct {
	Unique      bool
	IfNotExists bool
	Name        string
	Table       string
	Columns     []string
	Using       IndexMethod
}

// DropIndexStmt is DROP INDEX [IF EXISTS] name.
type DropIndexStmt struct {
	IfExists bool
	Name     string
}

// InsertStmt is INSERT INTO table [AS alias] [(columns)] VALUES (...),
// (...) or INSERT INTO table [AS alias] [(columns)] query, with optional
// ON CONFLICT and RETURNING. Exactly one of Rows and Query is set.
type InsertStmt struct {
	Table      *TableName // the alias names the table in ON CONFLICT and RETURNING
	Columns    []string   // nil: all columns in table order; empty: DEFAULT VALUES
	Rows       [][]Expr
	Query      *SelectStmt
	OnConflict *OnConflict // nil without ON CONFLICT
	Returning  []*SelectItem
}

// OnConflict is ON CONFLICT [(columns)] DO NOTHING or ON CONFLICT
// (columns) DO UPDATE SET ... [WHERE expr]. Set is empty for DO NOTHING.
type OnConflict struct {
	Pos    Pos      // of ON
	Target []string // the conflict target's columns; nil: any unique constraint
	Set    []*Assignment
	Where  Expr
}

// UpdateStmt is UPDATE table [[AS] alias] SET col = expr, ... [FROM from,
// ...] [WHERE expr]
// [RETURNING ...].
type UpdateStmt struct {
	Table     *TableName // with its alias, if any
	Set       []*Assignment
	From      []TableExpr // UPDATE ... FROM: the other tables of the join; nil without
	Where     Expr
	Returning []*SelectItem
}

// Assignment is column = value in UPDATE ... SET.
type Assignment struct {
	Pos    Pos // of the column name
	Column string
	Value  Expr
}

// DeleteStmt is DELETE FROM table [[AS] alias] [USING from, ...] [WHERE
// expr] [RETURNING ...].
type DeleteStmt struct {
	Table     *TableName  // with its alias, if any
	Using     []TableExpr // the other tables of the join; nil without USING
	Where     Expr
	Returning []*SelectItem
}

// SelectStmt is a whole query: [WITH ...] body [ORDER BY ...] [LIMIT n]
// [OFFSET n]. It is also the node of every subquery. The ORDER BY, LIMIT
// and OFFSET apply to the result of Body (after any set operation).
type SelectStmt struct {
	With    *With
	Body    SetExpr
	OrderBy []*OrderItem
	Limit   Expr
	Offset  Expr
}

// With is the WITH [RECURSIVE] clause of a query.
type With struct {
	Recursive bool
	CTEs      []*CTE
}

// CTE is name [(columns)] AS (query).
type CTE struct {
	Name    string
	Columns []string
	Query   *SelectStmt
}

// SetExpr is the body of a query: a *SelectCore, a *SetOpExpr, or a
// parenthesised *SelectStmt that has its own WITH, ORDER BY, LIMIT or
// OFFSET (a parenthesised query without them is unwrapped by the parser).
type SetExpr interface {
	Node
	setExpr()
}

// SetOp is UNION, INTERSECT or EXCEPT.
type SetOp int

const (
	Union SetOp = iota + 1
	Intersect
	Except
)

// SetOpExpr is Left op [ALL] Right. INTERSECT binds tighter than UNION
// and EXCEPT, which associate to the left.
type SetOpExpr struct {
	Op    SetOp
	All   bool
	Left  SetExpr
	Right SetExpr
}

// ValuesExpr is VALUES (row), ...: a query of constant rows whose columns
// are column1, column2, ...
type ValuesExpr struct {
	Rows [][]Expr
}

// SelectCore is one SELECT ... FROM ... WHERE ... GROUP BY ... HAVING.
type SelectCore struct {
	Distinct   bool
	DistinctOn []Expr // DISTINCT ON (exprs): Distinct is false
	Items      []*SelectItem
	From       []TableExpr // comma-separated FROM items; nil without FROM
	Where      Expr
	GroupBy    []Expr
	Having     Expr
}

// SelectItem is one item of a select list or RETURNING list: *, t.*, or
// expr [AS alias].
type SelectItem struct {
	Star      bool   // * (TableStar empty) or t.* (TableStar = t)
	TableStar string // the qualifier of t.*
	Expr      Expr   // nil when Star
	Alias     string
}

// OrderItem is expr [ASC | DESC] [NULLS FIRST | NULLS LAST].
type OrderItem struct {
	Expr  Expr
	Desc  bool
	Nulls NullsOrder
}

// NullsOrder says where ORDER BY puts NULLs.
type NullsOrder int

const (
	NullsDefault NullsOrder = iota // not written: NULLs sort as the largest value
	NullsFirst
	NullsLast
)

// TableExpr is an item of FROM: *TableName, *TableFunc, *DerivedTable or
// *JoinExpr.
type TableExpr interface {
	Node
	tableExpr()
}

// TableName is a base table (or CTE) reference with an optional alias.
type TableName struct {
	Pos   Pos
	Name  string
	Alias string
}

// TableFunc is a table function call name(args) [AS] alias in FROM,
// such as metric('cpu_usage', '2026-01-01', '2026-01-02').
type TableFunc struct {
	Pos     Pos
	Name    string
	Args    []Expr
	Alias   string
	Columns []string // AS alias (columns)
}

// DerivedTable is (query) [AS] alias in FROM.
type DerivedTable struct {
	Query   *SelectStmt
	Alias   string   // may be empty
	Columns []string // AS alias (columns): names for the query's columns
}

// JoinKind is the kind of a JoinExpr.
type JoinKind int

const (
	JoinInner JoinKind = iota + 1
	JoinLeft
	JoinRight
	JoinFull
	JoinCross
)

// JoinExpr is Left kind JOIN Right [ON expr | USING (cols)]. A CROSS JOIN
// has neither On nor Using; every other join has exactly one of them.
// Joins associate to the left; a join on the right side was written in
// parentheses.
type JoinExpr struct {
	Kind    JoinKind
	Natural bool // NATURAL: USING the columns both sides name (bound later)
	Left    TableExpr
	Right   TableExpr
	On      Expr
	Using   []string
}

// ExplainStmt is EXPLAIN [ANALYZE] statement (a query, INSERT, UPDATE or
// DELETE).
type ExplainStmt struct {
	Analyze bool
	Stmt    Statement
}

// ShowTablesStmt is SHOW TABLES.
type ShowTablesStmt struct{}

// AnalyzeStmt is ANALYZE [table]: gather the optimizer's statistics of
// one table, or of every table when Table is empty.
type AnalyzeStmt struct {
	Table string
}

// BeginStmt is BEGIN [TRANSACTION | WORK] or START TRANSACTION.
type BeginStmt struct{}

// CommitStmt is COMMIT [TRANSACTION | WORK].
type CommitStmt struct{}

// RollbackStmt is ROLLBACK [TRANSACTION | WORK].
type RollbackStmt struct{}

func (*CreateTableStmt) statement() {}
func (*DropTableStmt) statement()   {}
func (*AlterTableStmt) statement()  {}
func (*CreateIndexStmt) statement() {}
func (*DropIndexStmt) statement()   {}
func (*InsertStmt) statement()      {}
func (*UpdateStmt) statement()      {}
func (*DeleteStmt) statement()      {}
func (*SelectStmt) statement()      {}
func (*ExplainStmt) statement()     {}
func (*ShowTablesStmt) statement()  {}
func (*AnalyzeStmt) statement()     {}
func (*BeginStmt) statement()       {}
func (*CommitStmt) statement()      {}
func (*RollbackStmt) statement()    {}

func (*AddColumn) alterAction()    {}
func (*DropColumn) alterAction()   {}
func (*RenameColumn) alterAction() {}
func (*RenameTable) alterAction()  {}

func (*SelectCore) setExpr() {}
func (*SetOpExpr) setExpr()  {}
func (*ValuesExpr) setExpr() {}
func (*SelectStmt) setExpr() {}

func (*TableName) tableExpr()    {}
func (*DerivedTable) tableExpr() {}
func (*TableFunc) tableExpr()    {}
func (*JoinExpr) tableExpr()     {}
