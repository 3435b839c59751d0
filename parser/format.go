package parser

import (
	"strings"
)

// Printing of statements, queries and FROM items. Everything prints on
// one line with single spaces, keywords upper case, names quoted only
// when needed (QuoteIdent), and the minimum of parentheses that keeps
// the tree's shape.

func writeNames(b *strings.Builder, names []string) {
	for i, n := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(QuoteIdent(n))
	}
}

func writeSelectItems(b *strings.Builder, items []*SelectItem) {
	for i, it := range items {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(it.String())
	}
}

func writeReturning(b *strings.Builder, items []*SelectItem) {
	if len(items) > 0 {
		b.WriteString(" RETURNING ")
		writeSelectItems(b, items)
	}
}

func writeWhere(b *strings.Builder, e Expr) {
	if e != nil {
		b.WriteString(" WHERE ")
		writeExpr(b, e, 0)
	}
}

func writeAlias(b *strings.Builder, alias string) {
	if alias != "" {
		b.WriteString(" AS " + QuoteIdent(alias))
	}
}

// String prints CREATE TABLE.
func (s *CreateTableStmt) String() string {
	var b strings.Builder
	b.WriteString("CREATE TABLE ")
	if s.IfNotExists {
		b.WriteString("IF NOT EXISTS ")
	}
	b.WriteString(QuoteIdent(s.Name) + " (")
	for i, c := range s.Columns {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c.String())
	}
	for _, c := range s.Constraints {
		b.WriteString(", " + c.String())
	}
	b.WriteByte(')')
	return b.String()
}

// String prints name type [constraints], constraints in a fixed order.
func (c *ColumnDef) String() string {
	var b strings.Builder
	b.WriteString(QuoteIdent(c.Name) + " " + c.Type.String())
	if c.PrimaryKey {
		b.WriteString(" PRIMARY KEY")
	}
	if c.NotNull {
		b.WriteString(" NOT NULL")
	}
	if c.Null {
		b.WriteString(" NULL")
	}
	if c.Unique {
		b.WriteString(" UNIQUE")
	}
	if c.Default != nil {
		// DEFAULT takes an expression without top-level AND, OR, NOT or
		// comparisons (they would run into NOT NULL and friends).
		b.WriteString(" DEFAULT ")
		writeExpr(&b, c.Default, precConcat)
	}
	if c.References != nil {
		b.WriteString(" " + c.References.String())
	}
	return b.String()
}

// String prints REFERENCES table [(column)].
func (r *ForeignKeyRef) String() string {
	s := "REFERENCES " + QuoteIdent(r.Table)
	if r.Column != "" {
		s += " (" + QuoteIdent(r.Column) + ")"
	}
	return s
}

// String prints PRIMARY KEY (cols) or UNIQUE (cols).
func (c *TableConstraint) String() string {
	var b strings.Builder
	if c.Kind == ConstraintPrimaryKey {
		b.WriteString("PRIMARY KEY (")
	} else {
		b.WriteString("UNIQUE (")
	}
	writeNames(&b, c.Columns)
	b.WriteByte(')')
	return b.String()
}

// String prints DROP TABLE.
func (s *DropTableStmt) String() string {
	var b strings.Builder
	b.WriteString("DROP TABLE ")
	if s.IfExists {
		b.WriteString("IF EXISTS ")
	}
	writeNames(&b, s.Names)
	return b.String()
}

// String prints ALTER TABLE.
func (s *AlterTableStmt) String() string {
	action := "<nil>"
	if s.Action != nil {
		action = s.Action.String()
	}
	return "ALTER TABLE " + QuoteIdent(s.Table) + " " + action
}

// String prints ADD COLUMN definition.
func (a *AddColumn) String() string { return "ADD COLUMN " + a.Column.String() }

// String prints DROP COLUMN name.
func (a *DropColumn) String() string { return "DROP COLUMN " + QuoteIdent(a.Name) }

// String prints RENAME COLUMN old TO new.
func (a *RenameColumn) String() string {
	return "RENAME COLUMN " + QuoteIdent(a.Old) + " TO " + QuoteIdent(a.New)
}

// String prints RENAME TO new.
func (a *RenameTable) String() string { return "RENAME TO " + QuoteIdent(a.New) }

// String prints the method as written after USING ("" for IndexDefault).
func (m IndexMethod) String() string {
	switch m {
	case IndexBTree:
		return "btree"
	case IndexBitmap:
		return "bitmap"
	}
	return ""
}

// String prints CREATE INDEX.
func (s *CreateIndexStmt) String() string {
	var b strings.Builder
	b.WriteString("CREATE ")
	if s.Unique {
		b.WriteString("UNIQUE ")
	}
	b.WriteString("INDEX ")
	if s.IfNotExists {
		b.WriteString("IF NOT EXISTS ")
	}
	b.WriteString(QuoteIdent(s.Name) + " ON " + QuoteIdent(s.Table) + " (")
	writeNames(&b, s.Columns)
	b.WriteByte(')')
	if s.Using != IndexDefault {
		b.WriteString(" USING " + s.Using.String())
	}
	return b.String()
}

// String prints DROP INDEX.
func (s *DropIndexStmt) String() string {
	if s.IfExists {
		return "DROP INDEX IF EXISTS " + QuoteIdent(s.Name)
	}
	return "DROP INDEX " + QuoteIdent(s.Name)
}

// String prints INSERT.
func (s *InsertStmt) String() string {
	var b strings.Builder
	b.WriteString("INSERT INTO " + s.Table.String())
	if len(s.Columns) > 0 {
		b.WriteString(" (")
		writeNames(&b, s.Columns)
		b.WriteByte(')')
	}
	if s.Query != nil {
		b.WriteByte(' ')
		writeQuery(&b, s.Query)
	} else if s.Columns != nil && len(s.Columns) == 0 {
		b.WriteString(" DEFAULT VALUES")
	} else {
		b.WriteByte(' ')
		writeRows(&b, s.Rows)
	}
	if oc := s.OnConflict; oc != nil {
		b.WriteString(" ON CONFLICT")
		if oc.Target != nil {
			b.WriteString(" (")
			writeNames(&b, oc.Target)
			b.WriteByte(')')
		}
		if len(oc.Set) == 0 {
			b.WriteString(" DO NOTHING")
		} else {
			b.WriteString(" DO UPDATE SET ")
			writeAssignments(&b, oc.Set)
			writeWhere(&b, oc.Where)
		}
	}
	writeReturning(&b, s.Returning)
	return b.String()
}

// String prints UPDATE.
func (s *UpdateStmt) String() string {
	var b strings.Builder
	b.WriteString("UPDATE " + s.Table.String())
	b.WriteString(" SET ")
	writeAssignments(&b, s.Set)
	writeTableList(&b, " FROM ", s.From)
	writeWhere(&b, s.Where)
	writeReturning(&b, s.Returning)
	return b.String()
}

func writeAssignments(b *strings.Builder, set []*Assignment) {
	for i, a := range set {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(a.String())
	}
}

// writeTableList writes a comma-separated FROM or USING list after its keyword.
func writeTableList(b *strings.Builder, keyword string, ts []TableExpr) {
	for i, t := range ts {
		if i == 0 {
			b.WriteString(keyword)
		} else {
			b.WriteString(", ")
		}
		b.WriteString(t.String())
	}
}

// String prints column = value.
func (a *Assignment) String() string {
	var b strings.Builder
	b.WriteString(QuoteIdent(a.Column) + " = ")
	writeExpr(&b, a.Value, 0)
	return b.String()
}

// String prints DELETE.
func (s *DeleteStmt) String() string {
	var b strings.Builder
	b.WriteString("DELETE FROM " + s.Table.String())
	writeTableList(&b, " USING ", s.Using)
	writeWhere(&b, s.Where)
	writeReturning(&b, s.Returning)
	return b.String()
}

// String prints the query.
func (s *SelectStmt) String() string {
	var b strings.Builder
	writeQuery(&b, s)
	return b.String()
}

// Precedence of set operations for the printer.
const (
	precUnion     = 1 // UNION, EXCEPT
	precIntersect = 2
	precOperand   = 3 // a SELECT core
)

func setPrec(e SetExpr) int {
	switch e := e.(type) {
	case *SetOpExpr:
		if e.Op == Intersect {
			return precIntersect
		}
		return precUnion
	case *SelectCore, *ValuesExpr:
		return precOperand
	}
	return 0 // a *SelectStmt operand always goes in parentheses
}

func writeQuery(b *strings.Builder, s *SelectStmt) {
	if s.With != nil {
		b.WriteString(s.With.String() + " ")
	}
	writeSetExpr(b, s.Body, precUnion)
	if len(s.OrderBy) > 0 {
		b.WriteByte(' ')
		writeOrderBy(b, s.OrderBy)
	}
	if s.Limit != nil {
		b.WriteString(" LIMIT ")
		writeExpr(b, s.Limit, 0)
	}
	if s.Offset != nil {
		b.WriteString(" OFFSET ")
		writeExpr(b, s.Offset, 0)
	}
}

func writeSetExpr(b *strings.Builder, e SetExpr, min int) {
	if setPrec(e) < min {
		b.WriteByte('(')
		writeSetExpr(b, e, 0)
		b.WriteByte(')')
		return
	}
	switch e := e.(type) {
	case *SelectCore:
		b.WriteString(e.String())
	case *ValuesExpr:
		b.WriteString(e.String())
	case *SelectStmt:
		writeQuery(b, e)
	case *SetOpExpr:
		p := setPrec(e)
		writeSetExpr(b, e.Left, p)
		b.WriteString(" " + e.Op.String() + " ")
		if e.All {
			b.WriteString("ALL ")
		}
		writeSetExpr(b, e.Right, p+1)
	default:
		b.WriteString("<nil>")
	}
}

// String prints WITH [RECURSIVE] name [(cols)] AS (query), ...
func (w *With) String() string {
	var b strings.Builder
	b.WriteString("WITH ")
	if w.Recursive {
		b.WriteString("RECURSIVE ")
	}
	for i, c := range w.CTEs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c.String())
	}
	return b.String()
}

// String prints name [(cols)] AS (query).
func (c *CTE) String() string {
	var b strings.Builder
	b.WriteString(QuoteIdent(c.Name))
	if len(c.Columns) > 0 {
		b.WriteString(" (")
		writeNames(&b, c.Columns)
		b.WriteByte(')')
	}
	b.WriteString(" AS (")
	writeQuery(&b, c.Query)
	b.WriteByte(')')
	return b.String()
}

// String returns UNION, INTERSECT or EXCEPT.
func (op SetOp) String() string {
	switch op {
	case Union:
		return "UNION"
	case Intersect:
		return "INTERSECT"
	case Except:
		return "EXCEPT"
	}
	return "<bad set op>"
}

// String prints the set operation.
func (e *SetOpExpr) String() string {
	var b strings.Builder
	writeSetExpr(&b, e, 0)
	return b.String()
}

// String prints SELECT ... FROM ... WHERE ... GROUP BY ... HAVING ...
func (s *SelectCore) String() string {
	var b strings.Builder
	b.WriteString("SELECT ")
	if s.Distinct {
		b.WriteString("DISTINCT ")
	}
	if len(s.DistinctOn) > 0 {
		b.WriteString("DISTINCT ON (")
		writeExprList(&b, s.DistinctOn)
		b.WriteString(") ")
	}
	writeSelectItems(&b, s.Items)
	writeTableList(&b, " FROM ", s.From)
	writeWhere(&b, s.Where)
	if len(s.GroupBy) > 0 {
		b.WriteString(" GROUP BY ")
		writeExprList(&b, s.GroupBy)
	}
	if s.Having != nil {
		b.WriteString(" HAVING ")
		writeExpr(&b, s.Having, 0)
	}
	return b.String()
}

// String prints *, t.* or expr [AS alias].
func (it *SelectItem) String() string {
	if it.Star {
		if it.TableStar != "" {
			return QuoteIdent(it.TableStar) + ".*"
		}
		return "*"
	}
	var b strings.Builder
	writeExpr(&b, it.Expr, 0)
	writeAlias(&b, it.Alias)
	return b.String()
}

// String prints name [AS alias].
func (t *TableName) String() string {
	if t == nil {
		return "<nil>"
	}
	var b strings.Builder
	b.WriteString(QuoteIdent(t.Name))
	writeAlias(&b, t.Alias)
	return b.String()
}

// String prints name(args) [AS alias].
func (t *TableFunc) String() string {
	var b strings.Builder
	b.WriteString(QuoteIdent(t.Name))
	b.WriteByte('(')
	for i, a := range t.Args {
		if i > 0 {
			b.WriteString(", ")
		}
		writeExpr(&b, a, 0)
	}
	b.WriteByte(')')
	writeAlias(&b, t.Alias)
	writeColumnAliases(&b, t.Columns)
	return b.String()
}

// String prints (query) [AS alias [(columns)]].
func (t *DerivedTable) String() string {
	var b strings.Builder
	b.WriteByte('(')
	writeQuery(&b, t.Query)
	b.WriteByte(')')
	writeAlias(&b, t.Alias)
	writeColumnAliases(&b, t.Columns)
	return b.String()
}

func writeColumnAliases(b *strings.Builder, cols []string) {
	if len(cols) > 0 {
		b.WriteString(" (")
		writeNames(b, cols)
		b.WriteByte(')')
	}
}

// String prints VALUES (row), ...
func (v *ValuesExpr) String() string {
	var b strings.Builder
	writeRows(&b, v.Rows)
	return b.String()
}

func writeRows(b *strings.Builder, rows [][]Expr) {
	b.WriteString("VALUES ")
	for i, row := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		writeExprList(b, row)
		b.WriteByte(')')
	}
}

// String returns the join keywords: JOIN, LEFT JOIN, ...
func (k JoinKind) String() string {
	switch k {
	case JoinInner:
		return "JOIN"
	case JoinLeft:
		return "LEFT JOIN"
	case JoinRight:
		return "RIGHT JOIN"
	case JoinFull:
		return "FULL JOIN"
	case JoinCross:
		return "CROSS JOIN"
	}
	return "<bad join>"
}

// String prints left kind JOIN right [ON expr | USING (cols)]; a join on
// the right goes in parentheses.
func (j *JoinExpr) String() string {
	var b strings.Builder
	if j.Left != nil {
		b.WriteString(j.Left.String())
	}
	b.WriteByte(' ')
	if j.Natural {
		b.WriteString("NATURAL ")
	}
	b.WriteString(j.Kind.String() + " ")
	if r, ok := j.Right.(*JoinExpr); ok {
		b.WriteString("(" + r.String() + ")")
	} else if j.Right != nil {
		b.WriteString(j.Right.String())
	}
	if j.On != nil {
		b.WriteString(" ON ")
		writeExpr(&b, j.On, 0)
	}
	if len(j.Using) > 0 {
		b.WriteString(" USING (")
		writeNames(&b, j.Using)
		b.WriteByte(')')
	}
	return b.String()
}

// String prints EXPLAIN [ANALYZE] statement.
func (s *ExplainStmt) String() string {
	inner := "<nil>"
	if s.Stmt != nil {
		inner = s.Stmt.String()
	}
	if s.Analyze {
		return "EXPLAIN ANALYZE " + inner
	}
	return "EXPLAIN " + inner
}

// String prints SHOW TABLES.
func (*ShowTablesStmt) String() string { return "SHOW TABLES" }

func (s *AnalyzeStmt) String() string {
	if s.Table == "" {
		return "ANALYZE"
	}
	var b strings.Builder
	b.WriteString("ANALYZE ")
	writeNames(&b, []string{s.Table})
	return b.String()
}

// String prints BEGIN.
func (*BeginStmt) String() string { return "BEGIN" }

// String prints COMMIT.
func (*CommitStmt) String() string { return "COMMIT" }

// String prints ROLLBACK.
func (*RollbackStmt) String() string { return "ROLLBACK" }
