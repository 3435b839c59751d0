package optimizer

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aegisdb/aegis/model/table"
	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/parser"
)

// Catalog is what the binder and planner read of the schema.
type Catalog interface {
	// Table returns the table's descriptor, or an error matching
	// table.ErrNoSuchTable.
	Table(name string) (*table.Desc, error)
	// Stats returns the table's statistics, nil when never analyzed.
	Stats(d *table.Desc) *table.Stats
}

// Binder turns one statement's AST into a logical plan.
type Binder struct {
	cat    Catalog
	params []types.Datum
	// scopes is the stack of query levels being bound; correlated[l] is
	// set when level l reads a column of an enclosing level.
	scopes     []*scope
	correlated map[int]bool
	ctes       []map[string]*parser.CTE
	now        time.Time // the statement's clock (CURRENT_TIMESTAMP)
	// Recursive CTEs (recursive.go): the CTEs of WITH RECURSIVE clauses,
	// those whose terms are being bound, the next WorkTable ID, and how
	// many CTE bodies enclose the current binding.
	recursiveCTE map[*parser.CTE]*parser.With
	// cteHome is where each CTE was defined: its WITH and the query level
	// of the query the WITH belongs to (its body sees only levels below).
	cteHome    map[*parser.CTE]cteHome
	recs       []*recState
	nextWorkID int
	cteDepth   int
}

// NewBinder returns a binder over cat with the statement's parameters.
func NewBinder(cat Catalog, params []types.Datum) *Binder {
	return &Binder{cat: cat, params: params, correlated: map[int]bool{}, now: time.Now()}
}

// Bind binds a query or DML statement.
func (b *Binder) Bind(stmt parser.Statement) (Node, error) {
	switch s := stmt.(type) {
	case *parser.SelectStmt:
		return b.bindQuery(s)
	case *parser.InsertStmt:
		return b.bindInsert(s)
	case *parser.UpdateStmt:
		return b.bindUpdate(s)
	case *parser.DeleteStmt:
		return b.bindDelete(s)
	}
	return nil, unsupported(parser.Pos{}, "statement %T cannot be planned", stmt)
}

// BindExpr binds a standalone expression without columns (DEFAULT values).
func (b *Binder) BindExpr(e parser.Expr) (Expr, error) {
	b.scopes = append(b.scopes, &scope{})
	defer func() { b.scopes = b.scopes[:len(b.scopes)-1] }()
	return b.bindExpr(e, exprCtx{clause: "DEFAULT"})
}

// bindSubquery binds a nested query one level down and reports whether it
// reads columns of enclosing levels.
func (b *Binder) bindSubquery(q *parser.SelectStmt) (Node, int, bool, error) {
	level := len(b.scopes)
	delete(b.correlated, level)
	defer b.forbidSelfRef("within a subquery")()
	n, err := b.bindQuery(q)
	if err != nil {
		return nil, 0, false, err
	}
	corr := b.correlated[level]
	delete(b.correlated, level)
	return n, level, corr, nil
}

// bindQuery binds WITH, the body, ORDER BY, LIMIT and OFFSET. The body's
// scope is pushed at level len(b.scopes).
func (b *Binder) bindQuery(q *parser.SelectStmt) (Node, error) {
	if q.With != nil {
		pop, err := b.pushWith(q.With)
		if err != nil {
			return nil, err
		}
		defer pop()
	}
	var node Node
	var keys []SortKey
	visible := 0
	if core, ok := q.Body.(*parser.SelectCore); ok {
		var err error
		node, visible, keys, err = b.bindCore(core, q.OrderBy)
		if err != nil {
			return nil, err
		}
	} else {
		var err error
		node, err = b.bindSetExpr(q.Body)
		if err != nil {
			return nil, err
		}
		cols := node.Columns()
		visible = len(cols)
		for _, o := range q.OrderBy {
			k, err := orderByOutput(o, cols)
			if err != nil {
				return nil, err
			}
			keys = append(keys, k)
		}
	}
	if len(keys) > 0 {
		node = &Sort{Input: node, Keys: keys, Limit: -1}
	}
	if q.Limit != nil || q.Offset != nil {
		count, err := b.constInt(q.Limit, "LIMIT", -1)
		if err != nil {
			return nil, err
		}
		offset, err := b.constInt(q.Offset, "OFFSET", 0)
		if err != nil {
			return nil, err
		}
		node = &Limit{Input: node, Count: count, Offset: offset}
	}
	if cols := node.Columns(); visible < len(cols) {
		node = projectFirst(node, visible)
	}
	return node, nil
}

type cteHome struct {
	with  *parser.With
	level int
}

// pushWith makes the CTEs of a WITH visible until pop is called.
func (b *Binder) pushWith(w *parser.With) (pop func(), err error) {
	defs := map[string]*parser.CTE{}
	if b.cteHome == nil {
		b.cteHome = map[*parser.CTE]cteHome{}
	}
	for _, c := range w.CTEs {
		if _, dup := defs[c.Name]; dup {
			return nil, bindErr(parser.Pos{}, "WITH query name %q specified more than once", c.Name)
		}
		defs[c.Name] = c
		b.cteHome[c] = cteHome{with: w, level: len(b.scopes)}
		if w.Recursive {
			if b.recursiveCTE == nil {
				b.recursiveCTE = map[*parser.CTE]*parser.With{}
			}
			b.recursiveCTE[c] = w
		}
	}
	b.ctes = append(b.ctes, defs)
	return func() { b.ctes = b.ctes[:len(b.ctes)-1] }, nil
}

// projectFirst keeps the first n columns of node.
func projectFirst(node Node, n int) Node {
	cols := node.Columns()
	p := &Project{Input: node, Out: cols[:n:n]}
	for i := 0; i < n; i++ {
		p.Exprs = append(p.Exprs, &ColRef{Idx: i, Name: cols[i].Name, T: cols[i].Type})
	}
	return p
}

// orderByOutput binds an ORDER BY item of a set operation: an output
// column name or position.
func orderByOutput(o *parser.OrderItem, cols []Column) (SortKey, error) {
	switch e := o.Expr.(type) {
	case *parser.IntLit:
		if e.Value < 1 || int(e.Value) > len(cols) {
			return SortKey{}, bindErr(e.Pos, "ORDER BY position %d is not in select list", e.Value)
		}
		c := cols[e.Value-1]
		return sortKey(&ColRef{Idx: int(e.Value - 1), Name: c.Name, T: c.Type}, o), nil
	case *parser.ColumnRef:
		if e.Table == "" {
			for i, c := range cols {
				if c.Name == e.Column {
					return sortKey(&ColRef{Idx: i, Name: c.Name, T: c.Type}, o), nil
				}
			}
		}
		return SortKey{}, bindErr(e.Pos, "ORDER BY on a set operation must name an output column; %q is not one", refName(e))
	}
	return SortKey{}, bindErr(o.Expr.Position(), "ORDER BY on a set operation must name an output column or position")
}

func (b *Binder) constInt(e parser.Expr, what string, dflt int64) (int64, error) {
	if e == nil {
		return dflt, nil
	}
	x, err := b.BindExpr(e)
	if err != nil {
		return 0, err
	}
	c, ok := foldConst(x).(*Const)
	if !ok {
		return 0, bindErr(e.Position(), "argument of %s must be a constant", what)
	}
	if c.D.Null {
		return dflt, nil
	}
	d, err := CastDatum(c.D, types.TypeBigInt)
	if err != nil || d.I < 0 {
		return 0, bindErr(e.Position(), "argument of %s must be a non-negative integer, got %s", what, c)
	}
	return d.I, nil
}

func (b *Binder) bindSetExpr(e parser.SetExpr) (Node, error) {
	switch e := e.(type) {
	case *parser.SelectCore:
		n, visible, _, err := b.bindCore(e, nil)
		if err != nil {
			return nil, err
		}
		if visible < len(n.Columns()) {
			n = projectFirst(n, visible)
		}
		return n, nil
	case *parser.SelectStmt:
		return b.bindQuery(e)
	case *parser.ValuesExpr:
		return b.bindValues(e)
	case *parser.SetOpExpr:
		if e.Op == parser.Intersect {
			defer b.forbidSelfRef("within INTERSECT")()
		} else if e.Op == parser.Except {
			defer b.forbidSelfRef("within EXCEPT")()
		}
		l, err := b.bindSetExpr(e.Left)
		if err != nil {
			return nil, err
		}
		r, err := b.bindSetExpr(e.Right)
		if err != nil {
			return nil, err
		}
		lc, rc := l.Columns(), r.Columns()
		opName := map[parser.SetOp]string{parser.Union: "UNION", parser.Intersect: "INTERSECT", parser.Except: "EXCEPT"}[e.Op]
		if len(lc) != len(rc) {
			return nil, bindErr(parser.Pos{}, "each %s query must have the same number of columns (%d and %d)", opName, len(lc), len(rc))
		}
		out := make([]Column, len(lc))
		lx, rx := make([]Expr, len(lc)), make([]Expr, len(lc))
		castL, castR := false, false
		for i := range lc {
			le, re := untypedColumn(l, i), untypedColumn(r, i)
			if le == nil {
				le = &ColRef{Idx: i, Name: lc[i].Name, T: lc[i].Type}
			}
			if re == nil {
				re = &ColRef{Idx: i, Name: rc[i].Name, T: rc[i].Type}
			}
			t := lc[i].Type // (INT with INT stays INT, as in PostgreSQL)
			if !t.Equal(rc[i].Type) || isUntyped(le) || isUntyped(re) {
				if t, err = commonType(le, re, parser.Pos{}, opName); err != nil {
					return nil, err
				}
			}
			if t.Family == types.Unknown {
				t = types.TypeText
			}
			if lx[i], err = b.coerce(le, t, parser.Pos{}); err != nil {
				return nil, err
			}
			if rx[i], err = b.coerce(re, t, parser.Pos{}); err != nil {
				return nil, err
			}
			castL = castL || !lc[i].Type.Equal(t)
			castR = castR || !rc[i].Type.Equal(t)
			out[i] = Column{Name: lc[i].Name, Type: t}
		}
		if castL {
			l = &Project{Input: l, Exprs: lx, Out: out}
		}
		if castR {
			r = &Project{Input: r, Exprs: rx, Out: out}
		}
		return &SetOp{Op: e.Op, All: e.All, Left: l, Right: r, Out: out}, nil
	}
	return nil, unsupported(parser.Pos{}, "query body %T", e)
}

// bindValues binds VALUES (row), ... as a query: each column takes the
// common type of its values, and the names column1, column2, ...
func (b *Binder) bindValues(v *parser.ValuesExpr) (Node, error) {
	b.scopes = append(b.scopes, &scope{})
	defer func() { b.scopes = b.scopes[:len(b.scopes)-1] }()
	n := len(v.Rows[0])
	vals := &Values{}
	for _, row := range v.Rows {
		if len(row) != n {
			return nil, bindErr(row[0].Position(), "VALUES lists must all be the same length")
		}
		out := make([]Expr, n)
		for i, x := range row {
			e, err := b.bindExpr(x, exprCtx{clause: "VALUES"})
			if err != nil {
				return nil, err
			}
			out[i] = e
		}
		vals.Rows = append(vals.Rows, out)
	}
	for i := 0; i < n; i++ {
		col := make([]Expr, len(vals.Rows))
		for r := range vals.Rows {
			col[r] = vals.Rows[r][i]
		}
		t, err := commonTypeOf(col, v.Rows[0][i].Position(), "VALUES")
		if err != nil {
			return nil, err
		}
		if t.Family == types.Unknown {
			t = types.TypeText
		}
		for r := range vals.Rows {
			if vals.Rows[r][i], err = b.coerce(vals.Rows[r][i], t, v.Rows[r][i].Position()); err != nil {
				return nil, err
			}
		}
		vals.Out = append(vals.Out, Column{Name: fmt.Sprintf("column%d", i+1), Type: t})
	}
	return vals, nil
}

// untypedColumn returns column i of a set operation's operand when it is
// a string literal or NULL written in the select list: as in PostgreSQL
// it takes the type of the other side (SELECT 1 UNION SELECT NULL).
func untypedColumn(n Node, i int) Expr {
	if p, ok := n.(*Project); ok && isUntyped(p.Exprs[i]) {
		return p.Exprs[i]
	}
	return nil
}

// bindFrom binds the FROM list into one node and pushes its scope.
func (b *Binder) bindFrom(from []parser.TableExpr) (Node, *scope, error) {
	if len(from) == 0 {
		return &Values{Rows: [][]Expr{{}}}, &scope{}, nil
	}
	var node Node
	sc := &scope{}
	for _, te := range from {
		n, s, err := b.bindTableExpr(te)
		if err != nil {
			return nil, nil, err
		}
		if node == nil {
			node, sc = n, s
			continue
		}
		node = &Join{Kind: InnerJoin, Left: node, Right: n}
		sc = &scope{cols: append(append([]scopeCol(nil), sc.cols...), s.cols...)}
	}
	return node, sc, nil
}

func (b *Binder) bindTableExpr(te parser.TableExpr) (Node, *scope, error) {
	switch te := te.(type) {
	case *parser.TableName:
		alias := te.Alias
		if alias == "" {
			alias = te.Name
		}
		found := -1
		for i := len(b.ctes) - 1; i >= 0 && found < 0; i-- {
			if _, ok := b.ctes[i][te.Name]; ok {
				found = i
			}
		}
		if rs := b.workTableFor(te.Name, found); rs != nil {
			return b.bindWorkTable(rs, te) // recursive.go
		}
		if i := found; i >= 0 {
			if cte := b.ctes[i][te.Name]; cte != nil {
				n, err := b.bindCTEBody(cte, i, te.Pos)
				if err != nil {
					return nil, nil, err
				}
				return renameOutput(n, alias, cte.Columns, te.Pos)
			}
		}
		d, err := b.cat.Table(te.Name)
		if err != nil {
			if errors.Is(err, table.ErrNoSuchTable) {
				return nil, nil, bindErr(te.Pos, "relation %q does not exist", te.Name)
			}
			return nil, nil, err
		}
		scan, sc := tableScope(d, alias)
		return scan, sc, nil
	case *parser.DerivedTable:
		n, err := b.bindDerived(te.Query)
		if err != nil {
			return nil, nil, err
		}
		return renameOutput(n, te.Alias, te.Columns, parser.Pos{})
	case *parser.JoinExpr:
		return b.bindJoin(te)
	case *parser.TableFunc:
		return b.bindTableFunc(te) // series.go
	}
	return nil, nil, unsupported(parser.Pos{}, "FROM item %T", te)
}

// bindCTEBody binds the body of a CTE found in b.ctes[i] in the CTE's own
// scope (PostgreSQL): it sees the CTEs of its WITH defined before it (all
// but itself under WITH RECURSIVE), the CTEs of enclosing WITHs, and the
// query levels enclosing its WITH clause — not the levels between that
// clause and the reference. Those levels stay on the stack as empty
// scopes, so the levels of the bound body match where it is placed.
func (b *Binder) bindCTEBody(cte *parser.CTE, i int, pos parser.Pos) (Node, error) {
	home := b.cteHome[cte]
	savedCTEs, savedScopes := b.ctes, b.scopes
	// (fresh slices: appending in place would overwrite the saved ones)
	b.ctes = b.ctes[:i:i]
	defs := map[string]*parser.CTE{}
	for _, c := range home.with.CTEs {
		if c == cte {
			if !home.with.Recursive {
				break
			}
			continue
		}
		defs[c.Name] = c
	}
	b.ctes = append(b.ctes, defs)
	b.scopes = append([]*scope(nil), b.scopes...)
	for l := home.level; l < len(b.scopes); l++ {
		b.scopes[l] = &scope{}
	}
	b.cteDepth++
	defer func() {
		b.cteDepth--
		b.ctes, b.scopes = savedCTEs, savedScopes
	}()
	w := b.recursiveCTE[cte]
	switch {
	case w != nil && selfReferences(cte):
		return b.isolated(func() (Node, error) { return b.bindRecursiveCTE(cte) })
	case w != nil && reachesItself(cte, w):
		return nil, unsupported(pos, "mutual recursion between WITH items is not implemented (query %q)", cte.Name)
	}
	return b.bindDerived(cte.Query)
}

// bindDerived binds a FROM subquery: it cannot see the FROM items beside
// it, only enclosing queries.
func (b *Binder) bindDerived(q *parser.SelectStmt) (Node, error) {
	return b.isolated(func() (Node, error) { return b.bindQuery(q) })
}

// isolated binds a query that cannot see the FROM items beside it.
func (b *Binder) isolated(bind func() (Node, error)) (Node, error) {
	level := len(b.scopes)
	saved := b.scopes
	b.scopes = append(b.scopes[:level:level], &scope{}) // a barrier in place of the scope being built
	n, err := bind()
	if b.correlated[level+1] {
		b.correlated[level] = true
	}
	b.scopes = saved
	if err != nil {
		return nil, err
	}
	// Only the FROM siblings (the barrier's level) are out of reach; a
	// subquery nested inside may read the derived query's own columns.
	sibling := map[int]bool{}
	if outerCols(n, level, sibling); len(sibling) > 0 {
		return nil, unsupported(parser.Pos{}, "a subquery in FROM may not refer to columns of the enclosing query")
	}
	return n, nil
}

func renameOutput(n Node, alias string, names []string, pos parser.Pos) (Node, *scope, error) {
	cols := n.Columns()
	if len(names) > len(cols) {
		return nil, nil, bindErr(pos, "table %q has %d columns available but %d columns specified", alias, len(cols), len(names))
	}
	sc := &scope{}
	out := make([]Column, len(cols))
	exprs := make([]Expr, len(cols))
	for i, c := range cols {
		name := c.Name
		if i < len(names) {
			name = names[i]
		}
		out[i] = Column{Name: name, Table: alias, Type: c.Type}
		exprs[i] = &ColRef{Idx: i, Name: name, T: c.Type}
		sc.cols = append(sc.cols, scopeCol{table: alias, name: name, t: c.Type})
	}
	return &Project{Input: n, Exprs: exprs, Out: out}, sc, nil
}

var joinKinds = map[parser.JoinKind]JoinKind{
	parser.JoinInner: InnerJoin, parser.JoinCross: InnerJoin, parser.JoinLeft: LeftJoin,
	parser.JoinRight: RightJoin, parser.JoinFull: FullJoin,
}

func (b *Binder) bindJoin(te *parser.JoinExpr) (Node, *scope, error) {
	l, ls, err := b.bindJoinSide(te.Left, te.Kind == parser.JoinRight || te.Kind == parser.JoinFull)
	if err != nil {
		return nil, nil, err
	}
	r, rs, err := b.bindJoinSide(te.Right, te.Kind == parser.JoinLeft || te.Kind == parser.JoinFull)
	if err != nil {
		return nil, nil, err
	}
	sc := &scope{cols: append(append([]scopeCol(nil), ls.cols...), rs.cols...)}
	j := &Join{Kind: joinKinds[te.Kind], Left: l, Right: r}
	if te.On != nil {
		b.scopes = append(b.scopes, sc)
		cond, err := b.bindExpr(te.On, exprCtx{clause: "JOIN conditions"})
		b.scopes = b.scopes[:len(b.scopes)-1]
		if err != nil {
			return nil, nil, err
		}
		if cond, err = b.coerceBool(cond, te.On.Position(), "JOIN/ON"); err != nil {
			return nil, nil, err
		}
		j.Cond = cond
	}
	using := te.Using
	if te.Natural {
		using = naturalColumns(ls, rs)
		if len(using) == 0 { // no common column: a cross product
			return j, sc, nil
		}
	}
	if len(using) == 0 {
		return j, sc, nil
	}
	return b.bindUsing(j, using, ls, rs)
}

// naturalColumns are the names a NATURAL JOIN joins on: those both sides
// show under their bare name, in the left side's order.
func naturalColumns(ls, rs *scope) []string {
	var out []string
	for _, l := range ls.cols {
		if l.hidden || l.unnamed || slices.Contains(out, l.name) {
			continue
		}
		for _, r := range rs.cols {
			if !r.hidden && !r.unnamed && r.name == l.name {
				out = append(out, l.name)
				break
			}
		}
	}
	return out
}

// bindUsing joins on the equality of the USING columns and, as PostgreSQL
// does, puts each merged column first (the left value; the right one for
// RIGHT JOIN, whichever is not NULL for FULL JOIN), then the left and the
// right columns. The two copies stay reachable by qualified name but
// not by the bare name nor through a bare *.
func (b *Binder) bindUsing(j *Join, using []string, ls, rs *scope) (Node, *scope, error) {
	nl := len(ls.cols)
	find := func(sc *scope, name, side string) (int, error) {
		found := -1
		for i, c := range sc.cols {
			if c.name == name && !c.unnamed {
				if found >= 0 {
					return -1, bindErr(parser.Pos{}, "common column name %q appears more than once in %s table", name, side)
				}
				found = i
			}
		}
		if found < 0 {
			return -1, bindErr(parser.Pos{}, "column %q specified in USING clause does not exist in %s table", name, side)
		}
		return found, nil
	}
	out := &scope{}
	p := &Project{Input: j}
	var conds []Expr
	copies := map[int]bool{}
	for k, name := range using {
		if slices.Contains(using[:k], name) {
			return nil, nil, bindErr(parser.Pos{}, "column name %q appears more than once in USING clause", name)
		}
		li, err := find(ls, name, "left")
		if err != nil {
			return nil, nil, err
		}
		ri, err := find(rs, name, "right")
		if err != nil {
			return nil, nil, err
		}
		copies[li], copies[nl+ri] = true, true
		var le, re Expr = &ColRef{Idx: li, Name: name, T: ls.cols[li].t}, &ColRef{Idx: nl + ri, Name: name, T: rs.cols[ri].t}
		c, err := b.bindBinary(parser.OpEq, le, re, parser.Pos{})
		if err != nil {
			return nil, nil, err
		}
		conds = append(conds, c)
		t := le.Type()
		if !t.Equal(re.Type()) {
			if t, err = commonTypeOf([]Expr{le, re}, parser.Pos{}, "JOIN/USING"); err != nil {
				return nil, nil, err
			}
		}
		if le, err = b.coerce(le, t, parser.Pos{}); err != nil {
			return nil, nil, err
		}
		if re, err = b.coerce(re, t, parser.Pos{}); err != nil {
			return nil, nil, err
		}
		merged := le
		switch j.Kind {
		case RightJoin:
			merged = re
		case FullJoin:
			merged = &Call{Fn: scalarFuncs["coalesce"], Args: []Expr{le, re}, T: t}
		}
		p.Exprs = append(p.Exprs, merged)
		p.Out = append(p.Out, Column{Name: name, Type: t})
		out.cols = append(out.cols, scopeCol{name: name, t: t})
	}
	j.Cond = andAll(conds)
	for i, c := range append(append([]scopeCol(nil), ls.cols...), rs.cols...) {
		if copies[i] {
			c.unnamed = true
		}
		p.Exprs = append(p.Exprs, &ColRef{Idx: i, Name: c.name, T: c.t})
		p.Out = append(p.Out, Column{Name: c.name, Table: c.table, Type: c.t})
		out.cols = append(out.cols, c)
	}
	return p, out, nil
}

// bindJoinSide binds one input of a join; a recursive CTE's
// self-reference may not be on the side an outer join pads with NULLs.
func (b *Binder) bindJoinSide(te parser.TableExpr, nullable bool) (Node, *scope, error) {
	if nullable {
		defer b.forbidSelfRef("within an outer join")()
	}
	return b.bindTableExpr(te)
}

// selectItem is a bound select-list entry.
type selectItem struct {
	e    Expr
	name string
}

// bindCore binds one SELECT ... FROM ... and the ORDER BY that applies to
// it. It returns the node, the number of visible columns (the rest are
// ORDER BY keys) and the sort keys over the node's columns.
func (b *Binder) bindCore(core *parser.SelectCore, orderBy []*parser.OrderItem) (Node, int, []SortKey, error) {
	refs := b.recursiveRefs()
	node, sc, err := b.bindFrom(core.From)
	if err != nil {
		return nil, 0, nil, err
	}
	readsWorkTable := b.recursiveRefs() > refs
	b.scopes = append(b.scopes, sc)
	defer func() { b.scopes = b.scopes[:len(b.scopes)-1] }()

	if core.Where != nil {
		pred, err := b.bindExpr(core.Where, exprCtx{clause: "WHERE"})
		if err != nil {
			return nil, 0, nil, err
		}
		if pred, err = b.coerceBool(pred, core.Where.Position(), "WHERE"); err != nil {
			return nil, 0, nil, err
		}
		node = &Filter{Input: node, Pred: pred, Where: true}
	}

	full := exprCtx{aggOK: true, windowOK: true, clause: "the select list"}
	var items []selectItem
	for _, it := range core.Items {
		if it.Star {
			n := 0
			for i, c := range sc.cols {
				// (a bare * shows a USING column once, merged; t.* shows t's copy)
				if c.hidden || (it.TableStar == "" && c.unnamed) || (it.TableStar != "" && c.table != it.TableStar) {
					continue
				}
				items = append(items, selectItem{e: &ColRef{Idx: i, Name: c.name, T: c.t}, name: c.name})
				n++
			}
			if it.TableStar != "" && n == 0 && !b.tableVisible(it.TableStar) {
				return nil, 0, nil, bindErr(parser.Pos{}, "missing FROM-clause entry for table %q", it.TableStar)
			}
			if it.TableStar == "" && len(core.From) == 0 {
				return nil, 0, nil, bindErr(parser.Pos{}, "SELECT * with no tables specified is not valid")
			}
			continue
		}
		e, err := b.bindExpr(it.Expr, full)
		if err != nil {
			return nil, 0, nil, err
		}
		name := it.Alias
		if name == "" {
			name = defaultName(it.Expr)
		}
		items = append(items, selectItem{e: e, name: name})
	}

	visible := len(items)
	// ORDER BY: an output name or position, else an expression over the
	// FROM columns added as a hidden item.
	var keyItems []int
	var keySpecs []*parser.OrderItem
	// itemFor finds the item an ORDER BY or DISTINCT ON expression names,
	// adding a hidden one when none does.
	itemFor := func(ex parser.Expr, clause string) (int, error) {
		idx := -1
		switch x := ex.(type) {
		case *parser.IntLit:
			if x.Value < 1 || int(x.Value) > len(items) {
				return 0, bindErr(x.Pos, "%s position %d is not in select list", clause, x.Value)
			}
			idx = int(x.Value - 1)
		case *parser.ColumnRef:
			if x.Table == "" {
				for i, it := range items {
					if it.name == x.Column {
						if idx >= 0 && exprKey(items[idx].e) != exprKey(it.e) {
							return 0, bindErr(x.Pos, "%s %q is ambiguous", clause, x.Column)
						}
						if idx < 0 {
							idx = i
						}
					}
				}
			}
		}
		if idx < 0 {
			e, err := b.bindExpr(ex, exprCtx{aggOK: true, windowOK: true, clause: clause})
			if err != nil {
				return 0, err
			}
			k := exprKey(e)
			for i, it := range items {
				if exprKey(it.e) == k {
					idx = i
					break
				}
			}
			if idx < 0 {
				if core.Distinct {
					return 0, bindErr(ex.Position(), "for SELECT DISTINCT, ORDER BY expressions must appear in select list")
				}
				items = append(items, selectItem{e: e, name: defaultName(ex)})
				idx = len(items) - 1
			}
		}
		return idx, nil
	}
	for _, o := range orderBy {
		idx, err := itemFor(o.Expr, "ORDER BY")
		if err != nil {
			return nil, 0, nil, err
		}
		keyItems = append(keyItems, idx)
		keySpecs = append(keySpecs, o)
	}
	var onItems []int
	for _, ex := range core.DistinctOn {
		idx, err := itemFor(ex, "DISTINCT ON")
		if err != nil {
			return nil, 0, nil, err
		}
		onItems = append(onItems, idx)
	}
	if err := distinctOnMatches(onItems, keyItems, core); err != nil {
		return nil, 0, nil, err
	}

	// GROUP BY.
	var groupBy []Expr
	for _, g := range core.GroupBy {
		var e Expr
		switch x := g.(type) {
		case *parser.IntLit:
			if x.Value < 1 || int(x.Value) > visible {
				return nil, 0, nil, bindErr(x.Pos, "GROUP BY position %d is not in select list", x.Value)
			}
			e = items[x.Value-1].e
		case *parser.ColumnRef:
			if x.Table == "" {
				if _, err := b.resolve(x); err != nil {
					for _, it := range items[:visible] {
						if it.name == x.Column {
							e = it.e
							break
						}
					}
				}
			}
		}
		if e == nil {
			var err error
			if e, err = b.bindExpr(g, exprCtx{clause: "GROUP BY"}); err != nil {
				return nil, 0, nil, err
			}
		}
		if hasAggOrWindow(e) {
			return nil, 0, nil, bindErr(g.Position(), "aggregate and window functions are not allowed in GROUP BY")
		}
		groupBy = append(groupBy, e)
	}
	var having Expr
	if core.Having != nil {
		if having, err = b.bindExpr(core.Having, exprCtx{aggOK: true, clause: "HAVING"}); err != nil {
			return nil, 0, nil, err
		}
		if having, err = b.coerceBool(having, core.Having.Position(), "HAVING"); err != nil {
			return nil, 0, nil, err
		}
	}

	level := len(b.scopes) - 1
	aggs := having != nil && (hasAgg(having) || hasOuterAggAt(having, level))
	for _, it := range items {
		aggs = aggs || hasAgg(it.e) || hasOuterAggAt(it.e, level)
	}
	needAgg := aggs || len(groupBy) > 0 || having != nil
	if aggs && readsWorkTable {
		// As in PostgreSQL; GROUP BY alone (a per-iteration DISTINCT) is fine.
		return nil, 0, nil, bindErr(parser.Pos{}, "aggregate functions are not allowed in a recursive query's recursive term (query %q)", b.recs[len(b.recs)-1].name)
	}
	if needAgg {
		agg := &Aggregate{Input: node, GroupBy: groupBy}
		keys := map[string]int{}
		for i, g := range groupBy {
			keys[exprKey(g)] = i
			agg.Out = append(agg.Out, Column{Name: defaultExprName(g), Type: g.Type()})
		}
		aggIdx := map[string]int{}
		// addAgg returns the output column of an aggregate, adding it once.
		addAgg := func(a AggCall) int {
			k := exprKey(&AggExpr{Agg: a})
			i, ok := aggIdx[k]
			if !ok {
				i = len(agg.Aggs)
				aggIdx[k] = i
				agg.Aggs = append(agg.Aggs, a)
				agg.Out = append(agg.Out, Column{Name: a.Func, Type: a.T})
			}
			return len(groupBy) + i
		}
		regrouped := map[Node]bool{}
		var post func(e Expr) (Expr, error)
		post = func(e Expr) (Expr, error) {
			if i, ok := keys[exprKey(e)]; ok {
				return &ColRef{Idx: i, Name: e.String(), T: e.Type()}, nil
			}
			switch x := e.(type) {
			case *AggExpr:
				return &ColRef{Idx: addAgg(x.Agg), Name: x.String(), T: x.Agg.T}, nil
			case *ColRef:
				return nil, bindErr(parser.Pos{}, "column %q must appear in the GROUP BY clause or be used in an aggregate function", x.Name)
			case *Subquery:
				// It runs per group: its references to this level are
				// rebased onto the Aggregate's output (grouped.go).
				if x.Correlated && !regrouped[x.Plan] {
					regrouped[x.Plan] = true
					if err := regroup(x.Plan, level, keys, addAgg); err != nil {
						return nil, err
					}
				}
			}
			return MapChildren(e, post)
		}
		for i := range items {
			if items[i].e, err = post(items[i].e); err != nil {
				return nil, 0, nil, err
			}
		}
		node = agg
		if having != nil {
			if having, err = post(having); err != nil {
				return nil, 0, nil, err
			}
			node = &Filter{Input: node, Pred: having}
		}
	}

	// Window functions run after grouping, before the projection.
	var win *Window
	for i := range items {
		items[i].e, err = Rewrite(items[i].e, func(e Expr) (Expr, error) {
			w, ok := e.(*WindowExpr)
			if !ok {
				return e, nil
			}
			if win == nil {
				win = &Window{Input: node, Out: append([]Column(nil), node.Columns()...)}
			}
			idx := len(win.Out)
			win.Funcs = append(win.Funcs, w.Win)
			win.Out = append(win.Out, Column{Name: w.Win.Func, Type: w.Win.T})
			return &ColRef{Idx: idx, Name: w.String(), T: w.Win.T}, nil
		})
		if err != nil {
			return nil, 0, nil, err
		}
	}
	if win != nil {
		node = win
	}

	proj := &Project{Input: node}
	for _, it := range items {
		proj.Exprs = append(proj.Exprs, it.e)
		proj.Out = append(proj.Out, Column{Name: it.name, Type: it.e.Type()})
	}
	for i, e := range proj.Exprs {
		if e.Type().Family == types.Unknown {
			// (untyped still: a set operation may give it the other side's type)
			proj.Exprs[i] = &Const{D: types.NullDatum(types.TypeText), Untyped: true}
			proj.Out[i].Type = types.TypeText
		}
	}
	node = proj
	if core.Distinct {
		if visible < len(items) {
			node = projectFirst(node, visible)
		}
		node = &Distinct{Input: node}
	}
	if len(onItems) > 0 {
		node = distinctOn(node, onItems, keyItems, keySpecs)
	}
	var keys []SortKey
	for i, idx := range keyItems {
		c := node.Columns()[idx]
		keys = append(keys, sortKey(&ColRef{Idx: idx, Name: c.Name, T: c.Type}, keySpecs[i]))
	}
	return node, visible, keys, nil
}

// distinctOnMatches checks PostgreSQL's rule that the DISTINCT ON
// expressions come first in ORDER BY (in any order among themselves).
func distinctOnMatches(on, keys []int, core *parser.SelectCore) error {
	left := map[int]bool{}
	for _, i := range on {
		left[i] = true
	}
	for _, k := range keys {
		if len(left) == 0 {
			return nil
		}
		if !left[k] {
			return bindErr(core.DistinctOn[0].Position(), "SELECT DISTINCT ON expressions must match initial ORDER BY expressions")
		}
		delete(left, k)
	}
	return nil
}

// distinctOn keeps the first row of each DISTINCT ON group in ORDER BY
// order: row_number() over the groups in that order, the rows numbered 1.
func distinctOn(node Node, on, keys []int, specs []*parser.OrderItem) Node {
	cols := node.Columns()
	w := WindowCall{Func: "row_number", T: types.TypeBigInt}
	for _, i := range on {
		w.PartitionBy = append(w.PartitionBy, &ColRef{Idx: i, Name: cols[i].Name, T: cols[i].Type})
	}
	for j, i := range keys {
		w.OrderBy = append(w.OrderBy, sortKey(&ColRef{Idx: i, Name: cols[i].Name, T: cols[i].Type}, specs[j]))
	}
	win := &Window{Input: node, Funcs: []WindowCall{w}, Out: append(append([]Column(nil), cols...), Column{Name: "row_number", Type: types.TypeBigInt})}
	rn := &ColRef{Idx: len(cols), Name: "row_number", T: types.TypeBigInt}
	first := &Filter{Input: win, Pred: &Call{Fn: fnEq, Args: []Expr{rn, &Const{D: types.IntDatum(1)}}, T: types.TypeBool}}
	return projectFirst(first, len(cols))
}

func hasAgg(e Expr) bool {
	found := false
	Walk(e, func(x Expr) bool {
		if _, ok := x.(*AggExpr); ok {
			found = true
		}
		return !found
	})
	return found
}

func hasAggOrWindow(e Expr) bool {
	found := false
	Walk(e, func(x Expr) bool {
		switch x.(type) {
		case *AggExpr, *WindowExpr:
			found = true
		}
		return !found
	})
	return found
}

// defaultName is the output name PostgreSQL gives an unaliased item.
func defaultName(e parser.Expr) string {
	switch e := e.(type) {
	case *parser.ColumnRef:
		return e.Column
	case *parser.FuncCall:
		return strings.ToLower(e.Name)
	case *parser.CastExpr:
		if n := defaultName(e.Expr); n != "?column?" {
			return n
		}
		return strings.ToLower(e.Type.Kind.String())
	case *parser.CaseExpr:
		return "case"
	case *parser.ExistsExpr:
		return "exists"
	case *parser.SubqueryExpr:
		if core, ok := e.Query.Body.(*parser.SelectCore); ok && len(core.Items) == 1 && !core.Items[0].Star {
			if core.Items[0].Alias != "" {
				return core.Items[0].Alias
			}
			return defaultName(core.Items[0].Expr)
		}
	}
	return "?column?"
}

func defaultExprName(e Expr) string {
	if c, ok := e.(*ColRef); ok {
		return c.Name
	}
	return e.String()
}

// hasOuterPlan reports whether any expression of the plan reads a column
// of query level below the given one.
func hasOuterPlan(n Node, level int) bool {
	found := false
	WalkPlanExprs(n, func(e Expr) {
		Walk(e, func(x Expr) bool {
			if o, ok := x.(*OuterRef); ok && o.Level >= level {
				found = true
			}
			if s, ok := x.(*Subquery); ok && s.Plan != nil && hasOuterPlan(s.Plan, level) {
				found = true
			}
			return !found
		})
	})
	return found
}

// WalkPlanExprs calls fn on every expression held by the nodes of a plan.
func WalkPlanExprs(n Node, fn func(Expr)) {
	visit := func(es ...Expr) {
		for _, e := range es {
			if e != nil {
				fn(e)
			}
		}
	}
	switch n := n.(type) {
	case *Scan:
		visit(n.Filter)
	case *Values:
		for _, r := range n.Rows {
			visit(r...)
		}
	case *Filter:
		visit(n.Pred)
	case *Project:
		visit(n.Exprs...)
	case *Join:
		visit(n.LeftKeys...)
		visit(n.RightKeys...)
		visit(n.Cond)
	case *Aggregate:
		visit(n.GroupBy...)
		for _, a := range n.Aggs {
			visit(a.Arg)
		}
	case *Window:
		for _, w := range n.Funcs {
			visit(w.Arg)
			visit(w.PartitionBy...)
			for _, k := range w.OrderBy {
				visit(k.E)
			}
		}
	case *Sort:
		for _, k := range n.Keys {
			visit(k.E)
		}
	case *Insert:
		visit(n.Returning...)
		if oc := n.OnConflict; oc != nil {
			visit(oc.Set...)
			visit(oc.Where)
		}
	case *Update:
		visit(n.Returning...)
	case *Delete:
		visit(n.Returning...)
	}
	for _, in := range n.Inputs() {
		WalkPlanExprs(in, fn)
	}
}

func (b *Binder) tableFor(name string, pos parser.Pos) (*table.Desc, error) {
	d, err := b.cat.Table(name)
	if errors.Is(err, table.ErrNoSuchTable) {
		return nil, bindErr(pos, "relation %q does not exist", name)
	}
	return d, err
}

// tableScope is the scope of a DML target: every column of the table.
func tableScope(d *table.Desc, alias string) (*Scan, *scope) {
	scan := &Scan{Table: d, Alias: alias}
	sc := &scope{}
	for i, c := range d.Columns {
		scan.Cols = append(scan.Cols, i)
		scan.Out = append(scan.Out, Column{Name: c.Name, Table: alias, Type: c.Type})
		sc.cols = append(sc.cols, scopeCol{table: alias, name: c.Name, t: c.Type, hidden: c.Hidden})
	}
	return scan, sc
}

func (b *Binder) bindReturning(items []*parser.SelectItem, sc *scope) ([]Expr, []Column, error) {
	if len(items) == 0 {
		return nil, nil, nil
	}
	b.scopes = append(b.scopes, sc)
	defer func() { b.scopes = b.scopes[:len(b.scopes)-1] }()
	var exprs []Expr
	var cols []Column
	for _, it := range items {
		if it.Star {
			n := len(exprs)
			for i, c := range sc.cols {
				if !c.hidden && (it.TableStar == "" && !c.unnamed || c.table == it.TableStar) {
					exprs = append(exprs, &ColRef{Idx: i, Name: c.name, T: c.t})
					cols = append(cols, Column{Name: c.name, Type: c.t})
				}
			}
			if it.TableStar != "" && len(exprs) == n {
				return nil, nil, bindErr(parser.Pos{}, "missing FROM-clause entry for table %q", it.TableStar)
			}
			continue
		}
		e, err := b.bindExpr(it.Expr, exprCtx{clause: "RETURNING"})
		if err != nil {
			return nil, nil, err
		}
		name := it.Alias
		if name == "" {
			name = defaultName(it.Expr)
		}
		exprs = append(exprs, e)
		cols = append(cols, Column{Name: name, Type: e.Type()})
	}
	return exprs, cols, nil
}

// untypedOutput returns output column i of a SELECT feeding an INSERT
// when it is an untyped literal (a bare NULL or a quoted string), which
// then takes the target column's type as in PostgreSQL: INSERT INTO t
// SELECT 1, NULL fills a DOUBLE column with NULL rather than failing on
// TEXT. Only the select list itself is looked at (through ORDER BY and
// LIMIT); a literal under a set operation or a subquery keeps its type.
func untypedOutput(src Node, i int) Expr {
	for {
		switch n := src.(type) {
		case *Sort:
			src = n.Input
		case *Limit:
			src = n.Input
		case *Project:
			if i < len(n.Exprs) && isUntyped(n.Exprs[i]) {
				return n.Exprs[i]
			}
			return nil
		default:
			return nil
		}
	}
}

func (b *Binder) bindInsert(s *parser.InsertStmt) (Node, error) {
	d, err := b.tableFor(s.Table.Name, s.Table.Pos)
	if err != nil {
		return nil, err
	}
	// target[i] is the table column the i-th value goes to.
	var target []int
	if s.Columns == nil {
		target = d.VisibleColumns()
	} else {
		seen := map[int]bool{}
		for _, name := range s.Columns {
			i := d.ColumnIndex(name)
			if i < 0 {
				return nil, bindErr(s.Table.Pos, "column %q of relation %q does not exist", name, d.Name)
			}
			if seen[i] {
				return nil, bindErr(s.Table.Pos, "column %q specified more than once", name)
			}
			seen[i] = true
			target = append(target, i)
		}
	}
	var src Node
	if s.Query != nil {
		if src, err = b.bindQuery(s.Query); err != nil {
			return nil, err
		}
	} else {
		b.scopes = append(b.scopes, &scope{})
		vals := &Values{}
		for _, row := range s.Rows {
			if len(row) > len(target) {
				b.scopes = b.scopes[:len(b.scopes)-1]
				return nil, bindErr(row[len(target)].Position(), "INSERT has more expressions than target columns")
			}
			if len(row) < len(target) && s.Columns != nil {
				b.scopes = b.scopes[:len(b.scopes)-1]
				return nil, bindErr(s.Table.Pos, "INSERT has more target columns than expressions")
			}
			var out []Expr
			for i, x := range row {
				col := d.Columns[target[i]]
				var e Expr
				var err error
				if _, ok := x.(*parser.DefaultExpr); ok {
					e, err = b.defaultValue(col)
				} else if e, err = b.bindExpr(x, exprCtx{clause: "VALUES"}); err == nil {
					e, err = b.assign(e, col.Type, x.Position(), col.Name)
				}
				if err != nil {
					b.scopes = b.scopes[:len(b.scopes)-1]
					return nil, err
				}
				out = append(out, e)
			}
			vals.Rows = append(vals.Rows, out)
		}
		b.scopes = b.scopes[:len(b.scopes)-1]
		n := len(target)
		if len(s.Rows) > 0 {
			n = len(s.Rows[0])
		}
		for _, r := range vals.Rows {
			if len(r) != n {
				return nil, bindErr(s.Table.Pos, "VALUES lists must all be the same length")
			}
		}
		for i := 0; i < n; i++ {
			vals.Out = append(vals.Out, Column{Name: d.Columns[target[i]].Name, Type: d.Columns[target[i]].Type})
		}
		src = vals
	}
	srcCols := src.Columns()
	if len(srcCols) > len(target) {
		return nil, bindErr(s.Table.Pos, "INSERT has more expressions than target columns")
	}
	if len(srcCols) < len(target) && s.Columns != nil {
		return nil, bindErr(s.Table.Pos, "INSERT has more target columns than expressions")
	}
	target = target[:len(srcCols)]
	given := map[int]int{}
	for i, t := range target {
		given[t] = i
	}
	proj := &Project{Input: src}
	ins := &Insert{Table: d}
	for ci, col := range d.Columns {
		var e Expr
		if si, ok := given[ci]; ok {
			var from Expr = &ColRef{Idx: si, Name: srcCols[si].Name, T: srcCols[si].Type}
			if lit := untypedOutput(src, si); lit != nil {
				from = lit
			}
			e, err = b.assign(from, col.Type, s.Table.Pos, col.Name)
			if err != nil {
				return nil, err
			}
			if col.Serial {
				ins.Serial = append(ins.Serial, ci)
			}
		} else {
			if col.Serial {
				ins.Serial = append(ins.Serial, ci)
			}
			if e, err = b.defaultValue(col); err != nil {
				return nil, err
			}
		}
		proj.Exprs = append(proj.Exprs, e)
		proj.Out = append(proj.Out, Column{Name: col.Name, Type: col.Type})
	}
	ins.Input = proj
	alias := s.Table.Alias
	if alias == "" {
		alias = d.Name
	}
	if s.OnConflict != nil {
		if ins.OnConflict, err = b.bindOnConflict(s.OnConflict, d, alias); err != nil {
			return nil, err
		}
	}
	_, sc := tableScope(d, alias)
	if ins.Returning, ins.Out, err = b.bindReturning(s.Returning, sc); err != nil {
		return nil, err
	}
	return ins, nil
}

// defaultValue is what a column gets when no value is given: its DEFAULT,
// else NULL (a serial column's NULL is replaced by the next serial value).
func (b *Binder) defaultValue(col table.Column) (Expr, error) {
	if col.Default != "" && !col.Serial {
		return b.defaultExpr(col)
	}
	return &Const{D: types.NullDatum(col.Type)}, nil
}

// defaultExpr parses and binds a column's DEFAULT text.
func (b *Binder) defaultExpr(col table.Column) (Expr, error) {
	stmt, err := parser.Parse("SELECT " + col.Default)
	if err != nil {
		return nil, fmt.Errorf("column %q: stored DEFAULT %q does not parse: %w", col.Name, col.Default, err)
	}
	sel, ok := stmt.(*parser.SelectStmt)
	core, ok2 := sel.Body.(*parser.SelectCore)
	if !ok || !ok2 || len(core.Items) != 1 || core.Items[0].Expr == nil {
		return nil, fmt.Errorf("column %q: stored DEFAULT %q is not an expression", col.Name, col.Default)
	}
	e, err := b.BindExpr(core.Items[0].Expr)
	if err != nil {
		return nil, err
	}
	return b.assign(e, col.Type, parser.Pos{}, col.Name)
}

// bindTarget binds the table of an UPDATE or DELETE, joined with the
// tables of UPDATE ... FROM or DELETE ... USING, and its WHERE: the rows
// to change (every column of the table first, then the other tables'
// columns) and the scope of the whole join.
func (b *Binder) bindTarget(tn *parser.TableName, from []parser.TableExpr, where parser.Expr) (*table.Desc, Node, *scope, error) {
	d, err := b.tableFor(tn.Name, tn.Pos)
	if err != nil {
		return nil, nil, nil, err
	}
	alias := tn.Alias
	if alias == "" {
		alias = d.Name
	}
	scan, sc := tableScope(d, alias)
	var node Node = scan
	if len(from) > 0 {
		fn, fsc, err := b.bindFrom(from)
		if err != nil {
			return nil, nil, nil, err
		}
		for _, c := range fsc.cols {
			if c.table == alias {
				return nil, nil, nil, bindErr(tn.Pos, "table name %q specified more than once", alias)
			}
		}
		node = &Join{Kind: InnerJoin, Left: scan, Right: fn}
		sc = &scope{cols: append(append([]scopeCol(nil), sc.cols...), fsc.cols...)}
	}
	if where != nil {
		b.scopes = append(b.scopes, sc)
		pred, err := b.bindExpr(where, exprCtx{clause: "WHERE"})
		if err == nil {
			pred, err = b.coerceBool(pred, where.Position(), "WHERE")
		}
		b.scopes = b.scopes[:len(b.scopes)-1]
		if err != nil {
			return nil, nil, nil, err
		}
		node = &Filter{Input: node, Pred: pred}
	}
	return d, node, sc, nil
}

func (b *Binder) bindUpdate(s *parser.UpdateStmt) (Node, error) {
	d, node, sc, err := b.bindTarget(s.Table, s.From, s.Where)
	if err != nil {
		return nil, err
	}
	b.scopes = append(b.scopes, sc)
	proj := &Project{Input: node}
	for i, c := range d.Columns {
		proj.Exprs = append(proj.Exprs, &ColRef{Idx: i, Name: c.Name, T: c.Type})
		proj.Out = append(proj.Out, Column{Name: c.Name, Type: c.Type})
	}
	upd := &Update{Table: d, New: make([]int, len(d.Columns))}
	for i := range upd.New {
		upd.New[i] = i
	}
	assigned := make([]bool, len(d.Columns))
	for _, a := range s.Set {
		ci, e, err := b.bindAssignment(d, a, assigned)
		if err != nil {
			b.scopes = b.scopes[:len(b.scopes)-1]
			return nil, err
		}
		upd.New[ci] = len(proj.Exprs)
		proj.Exprs = append(proj.Exprs, e)
		proj.Out = append(proj.Out, Column{Name: a.Column, Type: d.Columns[ci].Type})
	}
	b.scopes = b.scopes[:len(b.scopes)-1]
	if len(s.From) > 0 {
		// the other tables' columns ride along for RETURNING
		upd.Others = len(proj.Exprs)
		for i := len(d.Columns); len(s.Returning) > 0 && i < len(sc.cols); i++ {
			c := sc.cols[i]
			proj.Exprs = append(proj.Exprs, &ColRef{Idx: i, Name: c.name, T: c.t})
			proj.Out = append(proj.Out, Column{Name: c.name, Table: c.table, Type: c.t})
		}
	}
	upd.Input = proj
	if upd.Returning, upd.Out, err = b.bindReturning(s.Returning, sc); err != nil {
		return nil, err
	}
	return upd, nil
}

func (b *Binder) bindDelete(s *parser.DeleteStmt) (Node, error) {
	d, node, sc, err := b.bindTarget(s.Table, s.Using, s.Where)
	if err != nil {
		return nil, err
	}
	del := &Delete{Table: d, Input: node}
	if len(s.Using) > 0 {
		del.Others = len(d.Columns)
	}
	if del.Returning, del.Out, err = b.bindReturning(s.Returning, sc); err != nil {
		return nil, err
	}
	return del, nil
}
