package parser

import "github.com/alecthomas/participle/v2/lexer"

// This file is the participle grammar for statements; grammar_expr.go has
// expressions and queries. The g* structs mirror the syntax; convert*.go
// turns them into the AST of ast*.go, which is what callers see.
//
// Words in double quotes are keywords. Reserved ones arrive as Keyword
// tokens already upper-cased; the others are Ident tokens that the
// parser matches case-insensitively (participle.CaseInsensitive).

// gIdent is a name: an unquoted identifier or a "quoted" one.
type gIdent struct {
	Pos  lexer.Position
	Name string `parser:"@(Ident | QIdent)"`
}

type gStatement struct {
	Query    *gQuery   `parser:"  @@"`
	Insert   *gInsert  `parser:"| @@"`
	Update   *gUpdate  `parser:"| @@"`
	Delete   *gDelete  `parser:"| @@"`
	Begin    bool      `parser:"| @('BEGIN' ('TRANSACTION' | 'WORK')? | 'START' 'TRANSACTION')"`
	Commit   bool      `parser:"| @('COMMIT' ('TRANSACTION' | 'WORK')?)"`
	Rollback bool      `parser:"| @('ROLLBACK' ('TRANSACTION' | 'WORK')?)"`
	Create   *gCreate  `parser:"| @@"`
	Drop     *gDrop    `parser:"| @@"`
	Alter    *gAlter   `parser:"| @@"`
	Explain  *gExplain `parser:"| @@"`
	Show     bool      `parser:"| @('SHOW' 'TABLES')"`
	Analyze  *gAnalyze `parser:"| @@"`
}

type gAnalyze struct {
	Keyword bool    `parser:"@'ANALYZE'"`
	Table   *gIdent `parser:"@@?"`
}

type gExplain struct {
	Analyze bool     `parser:"'EXPLAIN' @'ANALYZE'?"`
	Query   *gQuery  `parser:"( @@"`
	Insert  *gInsert `parser:"| @@"`
	Update  *gUpdate `parser:"| @@"`
	Delete  *gDelete `parser:"| @@ )"`
}

type gCreate struct {
	Table *gCreateTable `parser:"'CREATE' ( @@"`
	Index *gCreateIndex `parser:"| @@ )"`
}

type gCreateTable struct {
	IfNotExists bool          `parser:"'TABLE' ((?= 'IF' 'NOT') @('IF' 'NOT' 'EXISTS'))?"`
	Name        *gIdent       `parser:"@@"`
	Elems       []*gTableElem `parser:"'(' @@ (',' @@)* ')'"`
}

type gTableElem struct {
	Constraint *gTableConstraint `parser:"  @@"`
	Column     *gColumnDef       `parser:"| @@"`
}

type gTableConstraint struct {
	Pos        lexer.Position
	PrimaryKey bool      `parser:"( @('PRIMARY' 'KEY')"`
	Unique     bool      `parser:"| @'UNIQUE' )"`
	Columns    []*gIdent `parser:"'(' @@ (',' @@)* ')'"`
}

type gColumnDef struct {
	Name        *gIdent           `parser:"@@"`
	Type        *gType            `parser:"@@"`
	Constraints []*gColConstraint `parser:"@@*"`
}

type gColConstraint struct {
	Pos        lexer.Position
	PrimaryKey bool         `parser:"  @('PRIMARY' 'KEY')"`
	NotNull    bool         `parser:"| @('NOT' 'NULL')"`
	Null       bool         `parser:"| @'NULL'"`
	Unique     bool         `parser:"| @'UNIQUE'"`
	Default    *gArith      `parser:"| 'DEFAULT' @@"`
	References *gReferences `parser:"| 'REFERENCES' @@"`
}

type gReferences struct {
	Table  *gIdent `parser:"@@"`
	Column *gIdent `parser:"('(' @@ ')')?"`
}

// gType is a type name with optional parameters; the name is checked by
// makeType so that type names stay usable as column names.
type gType struct {
	Pos       lexer.Position
	Name      string   `parser:"@Ident"`
	Precision bool     `parser:"@'PRECISION'?"`
	Args      []string `parser:"('(' @Int (',' @Int)* ')')?"`
}

type gCreateIndex struct {
	Unique      bool      `parser:"@'UNIQUE'? 'INDEX'"`
	IfNotExists bool      `parser:"((?= 'IF' 'NOT') @('IF' 'NOT' 'EXISTS'))?"`
	Name        *gIdent   `parser:"@@ 'ON'"`
	Table       *gIdent   `parser:"@@"`
	UsingBefore *gIdent   `parser:"('USING' @@)?"`
	Columns     []*gIdent `parser:"'(' @@ (',' @@)* ')'"`
	UsingAfter  *gIdent   `parser:"('USING' @@)?"`
}

type gDrop struct {
	Table *gDropTable `parser:"'DROP' ( @@"`
	Index *gDropIndex `parser:"| @@ )"`
}

type gDropTable struct {
	IfExists bool      `parser:"'TABLE' ((?= 'IF' 'EXISTS') @('IF' 'EXISTS'))?"`
	Names    []*gIdent `parser:"@@ (',' @@)*"`
}

type gDropIndex struct {
	IfExists bool    `parser:"'INDEX' ((?= 'IF' 'EXISTS') @('IF' 'EXISTS'))?"`
	Name     *gIdent `parser:"@@"`
}

type gAlter struct {
	Table  *gIdent     `parser:"'ALTER' 'TABLE' @@"`
	Add    *gColumnDef `parser:"( 'ADD' 'COLUMN'? @@"`
	Drop   *gIdent     `parser:"| 'DROP' 'COLUMN'? @@"`
	Rename *gRename    `parser:"| @@ )"`
}

// gRename is RENAME TO new (the table) or RENAME [COLUMN] old TO new; TO
// is a keyword, so the token after RENAME tells them apart.
type gRename struct {
	To     *gIdent        `parser:"'RENAME' ( 'TO' @@"`
	Column *gRenameColumn `parser:"| 'COLUMN'? @@ )"`
}

type gRenameColumn struct {
	Old *gIdent `parser:"@@ 'TO'"`
	New *gIdent `parser:"@@"`
}

type gInsert struct {
	Table     *gIdent        `parser:"'INSERT' 'INTO' @@"`
	Alias     *gIdent        `parser:"('AS' @@)?"`
	Columns   []*gIdent      `parser:"((?= '(' (Ident | QIdent)) '(' @@ (',' @@)* ')')?"`
	Rows      []*gRow        `parser:"( 'VALUES' @@ (',' @@)*"`
	Defaults  bool           `parser:"| @('DEFAULT' 'VALUES')"`
	Query     *gQuery        `parser:"| @@ )"`
	Conflict  *gOnConflict   `parser:"@@?"`
	Returning []*gSelectItem `parser:"('RETURNING' @@ (',' @@)*)?"`
}

type gOnConflict struct {
	Pos     lexer.Position
	Target  []*gIdent  `parser:"'ON' 'CONFLICT' ('(' @@ (',' @@)* ')')?"`
	Nothing bool       `parser:"'DO' ( @'NOTHING'"`
	Set     []*gAssign `parser:"| 'UPDATE' 'SET' @@ (',' @@)*"`
	Where   *gExpr     `parser:"  ('WHERE' @@)? )"`
}

type gRow struct {
	Values []*gRowValue `parser:"'(' @@ (',' @@)* ')'"`
}

type gRowValue struct {
	Pos     lexer.Position
	Default bool   `parser:"  @'DEFAULT'"`
	Expr    *gExpr `parser:"| @@"`
}

type gUpdate struct {
	Table     *gIdent        `parser:"'UPDATE' @@"`
	Alias     *gIdent        `parser:"('AS'? @@)?"`
	Set       []*gAssign     `parser:"'SET' @@ (',' @@)*"`
	From      []*gTableExpr  `parser:"('FROM' @@ (',' @@)*)?"`
	Where     *gExpr         `parser:"('WHERE' @@)?"`
	Returning []*gSelectItem `parser:"('RETURNING' @@ (',' @@)*)?"`
}

type gAssign struct {
	Column *gIdent    `parser:"@@ '='"`
	Value  *gRowValue `parser:"@@"`
}

type gDelete struct {
	Table     *gIdent        `parser:"'DELETE' 'FROM' @@"`
	Alias     *gIdent        `parser:"('AS'? @@)?"`
	Using     []*gTableExpr  `parser:"('USING' @@ (',' @@)*)?"`
	Where     *gExpr         `parser:"('WHERE' @@)?"`
	Returning []*gSelectItem `parser:"('RETURNING' @@ (',' @@)*)?"`
}
