package parser

import (
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// MaxOperators bounds the binary operators of one statement. A chain
// a+b+c+... becomes a left-deep tree as tall as the chain is long, and
// everything that walks the tree (printer, binder) recurses on it; the
// bound keeps that recursion shallow enough for any goroutine stack.
const MaxOperators = 10000

// converter turns the participle grammar structs into the AST, checking
// what the grammar cannot (type names, parameter numbers, number ranges).
type converter struct {
	ops int // binary operators folded so far in this statement
	// windows are the named windows (WINDOW w AS (...)) of the SELECT
	// being converted; OVER w copies one in, so the AST has no names.
	windows map[string]*gWindow
}

func pos(p lexer.Position) Pos { return Pos{Line: p.Line, Column: p.Column} }

// name folds an identifier: unquoted names to lower case, quoted ones
// without their quotes and with "" turned into ".
func name(raw string) string {
	if strings.HasPrefix(raw, `"`) {
		return strings.ReplaceAll(raw[1:len(raw)-1], `""`, `"`)
	}
	return strings.ToLower(raw)
}

func identName(id *gIdent) string {
	if id == nil {
		return ""
	}
	return name(id.Name)
}

func identNames(ids []*gIdent) []string {
	if len(ids) == 0 {
		return nil
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = name(id.Name)
	}
	return out
}

func unquoteString(raw string) string {
	return strings.ReplaceAll(raw[1:len(raw)-1], "''", "'")
}

func (c *converter) statement(g *gStatement) (Statement, error) {
	switch {
	case g.Explain != nil:
		return c.explain(g.Explain)
	case g.Query != nil:
		return c.query(g.Query)
	case g.Insert != nil:
		return c.insert(g.Insert)
	case g.Update != nil:
		return c.update(g.Update)
	case g.Delete != nil:
		return c.delete(g.Delete)
	case g.Create != nil && g.Create.Table != nil:
		return c.createTable(g.Create.Table)
	case g.Create != nil:
		return c.createIndex(g.Create.Index)
	case g.Drop != nil && g.Drop.Table != nil:
		return &DropTableStmt{IfExists: g.Drop.Table.IfExists, Names: identNames(g.Drop.Table.Names)}, nil
	case g.Drop != nil:
		return &DropIndexStmt{IfExists: g.Drop.Index.IfExists, Name: identName(g.Drop.Index.Name)}, nil
	case g.Alter != nil:
		return c.alter(g.Alter)
	case g.Show:
		return &ShowTablesStmt{}, nil
	case g.Analyze != nil:
		if g.Analyze.Table == nil {
			return &AnalyzeStmt{}, nil
		}
		return &AnalyzeStmt{Table: identName(g.Analyze.Table)}, nil
	case g.Begin:
		return &BeginStmt{}, nil
	case g.Commit:
		return &CommitStmt{}, nil
	default:
		return &RollbackStmt{}, nil
	}
}

func (c *converter) explain(g *gExplain) (Statement, error) {
	var (
		s   Statement
		err error
	)
	switch {
	case g.Query != nil:
		s, err = c.query(g.Query)
	case g.Insert != nil:
		s, err = c.insert(g.Insert)
	case g.Update != nil:
		s, err = c.update(g.Update)
	default:
		s, err = c.delete(g.Delete)
	}
	if err != nil {
		return nil, err
	}
	return &ExplainStmt{Analyze: g.Analyze, Stmt: s}, nil
}

func (c *converter) createTable(g *gCreateTable) (Statement, error) {
	s := &CreateTableStmt{IfNotExists: g.IfNotExists, Name: identName(g.Name)}
	for _, e := range g.Elems {
		if e.Constraint != nil {
			tc := &TableConstraint{Kind: ConstraintUnique, Columns: identNames(e.Constraint.Columns)}
			if e.Constraint.PrimaryKey {
				tc.Kind = ConstraintPrimaryKey
			}
			s.Constraints = append(s.Constraints, tc)
			continue
		}
		col, err := c.columnDef(e.Column)
		if err != nil {
			return nil, err
		}
		s.Columns = append(s.Columns, col)
	}
	if len(s.Columns) == 0 {
		return nil, errorAt(pos(g.Name.Pos), "table %q has no columns", s.Name)
	}
	return s, nil
}

func (c *converter) columnDef(g *gColumnDef) (*ColumnDef, error) {
	t, err := c.dataType(g.Type)
	if err != nil {
		return nil, err
	}
	col := &ColumnDef{Name: identName(g.Name), Type: t}
	for _, k := range g.Constraints {
		p := pos(k.Pos)
		switch {
		case k.PrimaryKey:
			col.PrimaryKey = true
		case k.NotNull:
			col.NotNull = true
		case k.Null:
			col.Null = true
		case k.Unique:
			col.Unique = true
		case k.Default != nil:
			if col.Default != nil {
				return nil, errorAt(p, "column %q has two DEFAULT clauses", col.Name)
			}
			if col.Default, err = c.arith(k.Default); err != nil {
				return nil, err
			}
		default:
			if col.References != nil {
				return nil, errorAt(p, "column %q has two REFERENCES clauses", col.Name)
			}
			col.References = &ForeignKeyRef{Table: identName(k.References.Table), Column: identName(k.References.Column)}
		}
		if col.Null && col.NotNull {
			return nil, errorAt(p, "column %q is declared both NULL and NOT NULL", col.Name)
		}
	}
	return col, nil
}

func (c *converter) dataType(g *gType) (DataType, error) {
	return makeType(pos(g.Pos), g.Name, g.Precision, g.Args)
}

func (c *converter) createIndex(g *gCreateIndex) (Statement, error) {
	s := &CreateIndexStmt{
		Unique: g.Unique, IfNotExists: g.IfNotExists,
		Name: identName(g.Name), Table: identName(g.Table), Columns: identNames(g.Columns),
	}
	if g.UsingBefore != nil && g.UsingAfter != nil {
		return nil, errorAt(pos(g.UsingAfter.Pos), "USING given twice")
	}
	using := g.UsingBefore
	if using == nil {
		using = g.UsingAfter
	}
	if using != nil {
		switch strings.ToLower(using.Name) {
		case "btree":
			s.Using = IndexBTree
		case "bitmap":
			s.Using = IndexBitmap
		default:
			return nil, errorAt(pos(using.Pos), "unknown index method %q, expected btree or bitmap", using.Name)
		}
	}
	return s, nil
}

func (c *converter) alter(g *gAlter) (Statement, error) {
	s := &AlterTableStmt{Table: identName(g.Table)}
	switch {
	case g.Add != nil:
		col, err := c.columnDef(g.Add)
		if err != nil {
			return nil, err
		}
		s.Action = &AddColumn{Column: col}
	case g.Drop != nil:
		s.Action = &DropColumn{Name: identName(g.Drop)}
	case g.Rename.To != nil:
		s.Action = &RenameTable{New: identName(g.Rename.To)}
	default:
		s.Action = &RenameColumn{Old: identName(g.Rename.Column.Old), New: identName(g.Rename.Column.New)}
	}
	return s, nil
}

func tableName(name, alias *gIdent) *TableName {
	return &TableName{Pos: pos(name.Pos), Name: identName(name), Alias: identName(alias)}
}

func (c *converter) insert(g *gInsert) (Statement, error) {
	s := &InsertStmt{Table: tableName(g.Table, g.Alias), Columns: identNames(g.Columns)}
	var err error
	if g.Query != nil {
		if s.Query, err = c.query(g.Query); err != nil {
			return nil, err
		}
	}
	if g.Defaults {
		// every column takes its default: no columns, one empty row
		s.Columns, s.Rows = []string{}, [][]Expr{{}}
	}
	for _, r := range g.Rows {
		var row []Expr
		for _, v := range r.Values {
			e, err := c.rowValue(v)
			if err != nil {
				return nil, err
			}
			row = append(row, e)
		}
		s.Rows = append(s.Rows, row)
	}
	if g.Conflict != nil {
		if s.OnConflict, err = c.onConflict(g.Conflict); err != nil {
			return nil, err
		}
	}
	if s.Returning, err = c.selectItems(g.Returning); err != nil {
		return nil, err
	}
	return s, nil
}

// rowValue is a value of VALUES or UPDATE SET: an expression or DEFAULT.
func (c *converter) rowValue(v *gRowValue) (Expr, error) {
	if v.Default {
		return &DefaultExpr{Pos: pos(v.Pos)}, nil
	}
	return c.expr(v.Expr)
}

func (c *converter) onConflict(g *gOnConflict) (*OnConflict, error) {
	oc := &OnConflict{Pos: pos(g.Pos), Target: identNames(g.Target)}
	var err error
	if oc.Set, err = c.assignments(g.Set); err != nil {
		return nil, err
	}
	if oc.Where, err = c.optExpr(g.Where); err != nil {
		return nil, err
	}
	return oc, nil
}

func (c *converter) assignments(gs []*gAssign) ([]*Assignment, error) {
	var out []*Assignment
	for _, a := range gs {
		v, err := c.rowValue(a.Value)
		if err != nil {
			return nil, err
		}
		out = append(out, &Assignment{Pos: pos(a.Column.Pos), Column: identName(a.Column), Value: v})
	}
	return out, nil
}

// tableExprs converts the comma-separated items of FROM or USING.
func (c *converter) tableExprs(gs []*gTableExpr) ([]TableExpr, error) {
	var out []TableExpr
	for _, f := range gs {
		t, err := c.tableExpr(f)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

func (c *converter) update(g *gUpdate) (Statement, error) {
	s := &UpdateStmt{Table: tableName(g.Table, g.Alias)}
	var err error
	if s.Set, err = c.assignments(g.Set); err != nil {
		return nil, err
	}
	if s.From, err = c.tableExprs(g.From); err != nil {
		return nil, err
	}
	if s.Where, err = c.optExpr(g.Where); err != nil {
		return nil, err
	}
	if s.Returning, err = c.selectItems(g.Returning); err != nil {
		return nil, err
	}
	return s, nil
}

func (c *converter) delete(g *gDelete) (Statement, error) {
	s := &DeleteStmt{Table: tableName(g.Table, g.Alias)}
	var err error
	if s.Using, err = c.tableExprs(g.Using); err != nil {
		return nil, err
	}
	if s.Where, err = c.optExpr(g.Where); err != nil {
		return nil, err
	}
	if s.Returning, err = c.selectItems(g.Returning); err != nil {
		return nil, err
	}
	return s, nil
}

// query converts a whole query. A query that is nothing but a
// parenthesised query (no WITH, ORDER BY, LIMIT, OFFSET of its own) is
// replaced by the inner one, so redundant parentheses leave no trace.
func (c *converter) query(g *gQuery) (*SelectStmt, error) {
	s := &SelectStmt{}
	var err error
	if g.With != nil {
		s.With = &With{Recursive: g.With.Recursive}
		for _, cte := range g.With.CTEs {
			q, err := c.query(cte.Query)
			if err != nil {
				return nil, err
			}
			s.With.CTEs = append(s.With.CTEs, &CTE{Name: identName(cte.Name), Columns: identNames(cte.Columns), Query: q})
		}
	}
	if s.Body, err = c.union(g.Body); err != nil {
		return nil, err
	}
	if s.OrderBy, err = c.orderItems(g.OrderBy); err != nil {
		return nil, err
	}
	if s.Limit, err = c.optExpr(g.Limit); err != nil {
		return nil, err
	}
	if s.Offset, err = c.optExpr(g.Offset); err != nil {
		return nil, err
	}
	if g.Fetch != nil {
		if s.Limit != nil {
			return nil, errorAt(pos(g.Fetch.Pos), "LIMIT and FETCH cannot both be given")
		}
		n := int64(1)
		if g.Fetch.Count != "" {
			if n, err = strconv.ParseInt(g.Fetch.Count, 10, 64); err != nil {
				return nil, errorAt(pos(g.Fetch.Pos), "FETCH count %s is out of range", g.Fetch.Count)
			}
		}
		s.Limit = &IntLit{Pos: pos(g.Fetch.Pos), Value: n}
	}
	if inner, ok := s.Body.(*SelectStmt); ok && s.With == nil && s.OrderBy == nil && s.Limit == nil && s.Offset == nil {
		return inner, nil
	}
	return s, nil
}

func (c *converter) union(g *gUnion) (SetExpr, error) {
	left, err := c.intersect(g.Left)
	if err != nil {
		return nil, err
	}
	for _, op := range g.Rest {
		right, err := c.intersect(op.Right)
		if err != nil {
			return nil, err
		}
		kind := Union
		if op.Op == "EXCEPT" {
			kind = Except
		}
		left = &SetOpExpr{Op: kind, All: op.All, Left: left, Right: right}
	}
	return left, nil
}

func (c *converter) intersect(g *gIntersect) (SetExpr, error) {
	left, err := c.setOperand(g.Left)
	if err != nil {
		return nil, err
	}
	for _, op := range g.Rest {
		right, err := c.setOperand(op.Right)
		if err != nil {
			return nil, err
		}
		left = &SetOpExpr{Op: Intersect, All: op.All, Left: left, Right: right}
	}
	return left, nil
}

// setOperand converts one operand of a set operation. A parenthesised
// query with only a body becomes that body.
func (c *converter) setOperand(g *gSetOperand) (SetExpr, error) {
	if g.Core != nil {
		return c.selectCore(g.Core)
	}
	if g.Values != nil {
		v := &ValuesExpr{}
		for _, r := range g.Values {
			row := make([]Expr, len(r.Values))
			for i, x := range r.Values {
				if x.Default {
					return nil, errorAt(pos(x.Pos), "DEFAULT is allowed only in INSERT ... VALUES")
				}
				var err error
				if row[i], err = c.expr(x.Expr); err != nil {
					return nil, err
				}
			}
			v.Rows = append(v.Rows, row)
		}
		return v, nil
	}
	q, err := c.query(g.Paren)
	if err != nil {
		return nil, err
	}
	if q.With == nil && q.OrderBy == nil && q.Limit == nil && q.Offset == nil {
		return q.Body, nil
	}
	return q, nil
}

func (c *converter) selectCore(g *gSelectCore) (*SelectCore, error) {
	saved := c.windows
	defer func() { c.windows = saved }()
	c.windows = nil
	for _, w := range g.Windows {
		n := identName(w.Name)
		if _, dup := c.windows[n]; dup {
			return nil, errorAt(pos(w.Name.Pos), "window %q is already defined", n)
		}
		if c.windows == nil {
			c.windows = map[string]*gWindow{}
		}
		c.windows[n] = w.Window
	}
	s := &SelectCore{Distinct: g.Distinct && g.DistinctOn == nil}
	var err error
	if s.DistinctOn, err = c.exprs(g.DistinctOn); err != nil {
		return nil, err
	}
	if s.Items, err = c.selectItems(g.Items); err != nil {
		return nil, err
	}
	if s.From, err = c.tableExprs(g.From); err != nil {
		return nil, err
	}
	if s.Where, err = c.optExpr(g.Where); err != nil {
		return nil, err
	}
	if s.GroupBy, err = c.exprs(g.GroupBy); err != nil {
		return nil, err
	}
	if s.Having, err = c.optExpr(g.Having); err != nil {
		return nil, err
	}
	return s, nil
}

func (c *converter) selectItems(gs []*gSelectItem) ([]*SelectItem, error) {
	var out []*SelectItem
	for _, g := range gs {
		it := &SelectItem{Alias: identName(g.Alias)}
		if p := trivialPrimary(g.Expr); p != nil && p.Named != nil && p.Named.Star {
			if g.Alias != nil {
				return nil, errorAt(pos(g.Alias.Pos), "%s.* cannot have an alias", identName(p.Named.First))
			}
			g = &gSelectItem{Star: true}
			it.TableStar = identName(p.Named.First)
		}
		if g.Star {
			it.Star = true
		} else {
			e, err := c.expr(g.Expr)
			if err != nil {
				return nil, err
			}
			it.Expr = e
		}
		out = append(out, it)
	}
	return out, nil
}

// trivialPrimary returns the primary an expression consists of when it
// has no operator and no cast, else nil.
func trivialPrimary(g *gExpr) *gPrimary {
	if g == nil || len(g.Tails) > 0 || len(g.First.Casts) > 0 {
		return nil
	}
	return g.First.Primary
}

func (c *converter) orderItems(gs []*gOrderItem) ([]*OrderItem, error) {
	var out []*OrderItem
	for _, g := range gs {
		e, err := c.expr(g.Expr)
		if err != nil {
			return nil, err
		}
		it := &OrderItem{Expr: e, Desc: g.Dir == "DESC"}
		switch strings.ToUpper(g.Nulls) {
		case "FIRST":
			it.Nulls = NullsFirst
		case "LAST":
			it.Nulls = NullsLast
		}
		out = append(out, it)
	}
	return out, nil
}

func (c *converter) tableExpr(g *gTableExpr) (TableExpr, error) {
	left, err := c.tablePrimary(g.Left)
	if err != nil {
		return nil, err
	}
	for _, j := range g.Joins {
		right, err := c.tablePrimary(j.Right)
		if err != nil {
			return nil, err
		}
		je := &JoinExpr{Left: left, Right: right, Using: identNames(j.Using), Natural: j.Natural}
		switch {
		case j.Cross:
			je.Kind = JoinCross
		case j.Kind == "LEFT":
			je.Kind = JoinLeft
		case j.Kind == "RIGHT":
			je.Kind = JoinRight
		case j.Kind == "FULL":
			je.Kind = JoinFull
		default:
			je.Kind = JoinInner
		}
		if je.On, err = c.optExpr(j.On); err != nil {
			return nil, err
		}
		hasCond := je.On != nil || je.Using != nil
		if je.Natural && (hasCond || je.Kind == JoinCross) {
			return nil, errorAt(pos(j.Pos), "NATURAL JOIN takes no ON or USING and is not a CROSS JOIN")
		}
		if je.Natural {
			hasCond = true
		}
		if je.Kind == JoinCross && hasCond {
			return nil, errorAt(pos(j.Pos), "CROSS JOIN takes no ON or USING")
		}
		if je.Kind != JoinCross && !hasCond {
			return nil, errorAt(pos(j.Pos), "JOIN needs ON or USING (or write CROSS JOIN)")
		}
		left = je
	}
	return left, nil
}

func (c *converter) tablePrimary(g *gTablePrimary) (TableExpr, error) {
	alias := identName(g.Alias)
	switch {
	case g.Derived != nil:
		q, err := c.query(g.Derived)
		if err != nil {
			return nil, err
		}
		return &DerivedTable{Query: q, Alias: alias, Columns: identNames(g.Columns)}, nil
	case g.Paren != nil:
		if g.Alias != nil {
			return nil, errorAt(pos(g.Alias.Pos), "a parenthesised join cannot have an alias")
		}
		return c.tableExpr(g.Paren)
	case g.Call != nil:
		args, err := c.exprs(g.Call.Args)
		if err != nil {
			return nil, err
		}
		return &TableFunc{Pos: pos(g.Table.Pos), Name: identName(g.Table), Args: args, Alias: alias, Columns: identNames(g.Columns)}, nil
	case g.Columns != nil:
		// t AS u (a, b) renames the table's columns: it reads as the
		// derived table (SELECT * FROM t) AS u (a, b).
		all := &SelectCore{Items: []*SelectItem{{Star: true}}, From: []TableExpr{tableName(g.Table, nil)}}
		return &DerivedTable{Query: &SelectStmt{Body: all}, Alias: alias, Columns: identNames(g.Columns)}, nil
	default:
		return tableName(g.Table, g.Alias), nil
	}
}
