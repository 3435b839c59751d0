package optimizer

import (
	"math"

	"github.com/aegisdb/aegis/parser"
)

// Recursive CTEs (WITH RECURSIVE), following PostgreSQL.
//
// A CTE of a WITH RECURSIVE that names itself must have the form
//
//	non_recursive_term UNION [ALL] recursive_term
//
// It binds to a RecursiveUnion: Init is the non-recursive term, Recur the
// recursive one, in which the single self-reference is a WorkTable, the
// rows the previous iteration produced. The non-recursive term fixes the
// column types; the recursive term's values are cast to them.
//
// Where the self-reference may stand is checked while binding, because
// only then is it known which query level a name belongs to: once in the
// recursive term, not in a subquery (whose result would have to be
// computed per iteration and row), not on the nullable side of an outer
// join, not under INTERSECT or EXCEPT, and not in a query level that
// computes aggregates (an aggregate would see one iteration's rows, not
// the relation's). Each message names the rule, as PostgreSQL's do.

// RecursiveUnion evaluates Init, then Recur over the rows of the previous
// iteration (read by the WorkTable with the same ID) until an iteration
// yields no rows. Without All, a row equal to one already produced is
// dropped, so a cycle in the data ends the recursion.
type RecursiveUnion struct {
	Estimate
	ID          int
	Name        string // the CTE's name, for EXPLAIN and errors
	All         bool
	Init, Recur Node
	Out         []Column
}

// WorkTable reads the rows produced by the previous iteration of the
// RecursiveUnion with the same ID.
type WorkTable struct {
	Estimate
	ID   int
	Name string
	Out  []Column
}

func (n *RecursiveUnion) Columns() []Column { return n.Out }
func (n *RecursiveUnion) Inputs() []Node    { return []Node{n.Init, n.Recur} }
func (n *WorkTable) Columns() []Column      { return n.Out }
func (n *WorkTable) Inputs() []Node         { return nil }

func (n *RecursiveUnion) describe() string {
	s := "RecursiveUnion"
	if n.All {
		s += " All"
	}
	return s + " " + n.Name
}

func (n *WorkTable) describe() string { return "WorkTableScan " + n.Name }

// recState is a recursive CTE whose terms are being bound.
type recState struct {
	name string
	id   int
	cols []Column
	// ctesLen is len(Binder.ctes) while its terms bind: a CTE of that
	// name found at this depth or deeper shadows the self-reference.
	ctesLen int
	// cteDepth is Binder.cteDepth while its terms bind: a reference from
	// inside the body of a sibling CTE is mutual recursion.
	cteDepth int
	refs     int
	// forbid, when not empty, is the rule a reference breaks here
	// ("within a subquery", ...).
	forbid string
}

// selfReferences reports whether the CTE's query names the CTE.
func selfReferences(c *parser.CTE) bool {
	found := false
	parser.Walk(c.Query, func(n parser.Node) bool {
		if t, ok := n.(*parser.TableName); ok && t.Name == c.Name {
			found = true
		}
		return !found
	})
	return found
}

// reachesItself reports whether the CTE refers to itself through other
// CTEs of its WITH (mutual recursion).
func reachesItself(c *parser.CTE, w *parser.With) bool {
	byName := map[string]*parser.CTE{}
	for _, x := range w.CTEs {
		byName[x.Name] = x
	}
	seen := map[*parser.CTE]bool{}
	var visit func(x *parser.CTE) bool
	visit = func(x *parser.CTE) bool {
		found := false
		parser.Walk(x.Query, func(n parser.Node) bool {
			if t, ok := n.(*parser.TableName); ok {
				if y := byName[t.Name]; y == c && x != c {
					found = true
				} else if y != nil && y != x && !seen[y] {
					seen[y] = true
					found = visit(y)
				}
			}
			return !found
		})
		return found
	}
	return visit(c)
}

// workTableFor returns the recursive CTE a FROM name refers to, nil when
// the name is something else. found is the index in b.ctes of a CTE of
// that name (-1 when none).
func (b *Binder) workTableFor(name string, found int) *recState {
	for i := len(b.recs) - 1; i >= 0; i-- {
		rs := b.recs[i]
		if rs.name == name {
			if found >= rs.ctesLen {
				return nil // a nested WITH redefines the name
			}
			return rs
		}
	}
	return nil
}

// bindWorkTable binds a self-reference of a recursive CTE.
func (b *Binder) bindWorkTable(rs *recState, te *parser.TableName) (Node, *scope, error) {
	if rs.forbid != "" {
		return nil, nil, bindErr(te.Pos, "recursive reference to query %q must not appear %s", rs.name, rs.forbid)
	}
	if b.cteDepth != rs.cteDepth && len(b.ctes) <= rs.ctesLen {
		// Bound from the body of a sibling CTE, not of one the recursive
		// term defines itself.
		return nil, nil, unsupported(te.Pos, "mutual recursion between WITH items is not implemented (query %q)", rs.name)
	}
	rs.refs++
	if rs.refs > 1 {
		return nil, nil, bindErr(te.Pos, "recursive reference to query %q must not appear more than once", rs.name)
	}
	alias := te.Alias
	if alias == "" {
		alias = rs.name
	}
	wt := &WorkTable{ID: rs.id, Name: rs.name}
	sc := &scope{}
	for _, c := range rs.cols {
		wt.Out = append(wt.Out, Column{Name: c.Name, Table: alias, Type: c.Type})
		sc.cols = append(sc.cols, scopeCol{table: alias, name: c.Name, t: c.Type})
	}
	return wt, sc, nil
}

// forbidSelfRef marks every recursive CTE being bound so that a
// reference breaks the given rule, until the returned function restores
// the previous marks.
func (b *Binder) forbidSelfRef(rule string) func() {
	saved := make([]string, len(b.recs))
	for i, rs := range b.recs {
		saved[i] = rs.forbid
		if rs.forbid == "" {
			rs.forbid = rule
		}
	}
	return func() {
		for i, rs := range b.recs {
			if i < len(saved) {
				rs.forbid = saved[i]
			}
		}
	}
}

// recursiveRefs is the number of self-references bound so far, to tell
// whether a query level reads a working table.
func (b *Binder) recursiveRefs() int {
	n := 0
	for _, rs := range b.recs {
		n += rs.refs
	}
	return n
}

// bindRecursiveCTE binds a CTE of a WITH RECURSIVE that refers to itself.
func (b *Binder) bindRecursiveCTE(cte *parser.CTE) (Node, error) {
	q := cte.Query
	shape := func() error {
		return bindErr(parser.Pos{}, "recursive query %q does not have the form non-recursive-term UNION [ALL] recursive-term", cte.Name)
	}
	switch {
	case len(q.OrderBy) > 0:
		return nil, unsupported(parser.Pos{}, "ORDER BY in a recursive query is not implemented (query %q)", cte.Name)
	case q.Limit != nil || q.Offset != nil:
		return nil, unsupported(parser.Pos{}, "LIMIT and OFFSET in a recursive query are not implemented (query %q)", cte.Name)
	}
	op, ok := q.Body.(*parser.SetOpExpr)
	if !ok || op.Op != parser.Union {
		return nil, shape()
	}
	if q.With != nil {
		pop, err := b.pushWith(q.With)
		if err != nil {
			return nil, err
		}
		defer pop()
	}
	rs := &recState{name: cte.Name, id: b.nextWorkID, ctesLen: len(b.ctes), cteDepth: b.cteDepth,
		forbid: "within its non-recursive term"}
	b.nextWorkID++
	b.recs = append(b.recs, rs)
	defer func() { b.recs = b.recs[:len(b.recs)-1] }()

	init, err := b.bindSetExpr(op.Left)
	if err != nil {
		return nil, err
	}
	icols := init.Columns()
	if len(cte.Columns) > len(icols) {
		return nil, bindErr(parser.Pos{}, "WITH query %q has %d columns available but %d columns specified", cte.Name, len(icols), len(cte.Columns))
	}
	out := make([]Column, len(icols))
	for i, c := range icols {
		out[i] = Column{Name: c.Name, Type: c.Type}
		if i < len(cte.Columns) {
			out[i].Name = cte.Columns[i]
		}
	}
	rs.cols, rs.forbid = out, ""

	rec, err := b.bindSetExpr(op.Right)
	if err != nil {
		return nil, err
	}
	rcols := rec.Columns()
	if len(rcols) != len(out) {
		return nil, bindErr(parser.Pos{}, "each UNION query must have the same number of columns (%d and %d) in recursive query %q", len(out), len(rcols), cte.Name)
	}
	// The non-recursive term fixes the types; the recursive term's values
	// are cast to them.
	cast := &Project{Input: rec, Out: out}
	changed := false
	for i, c := range rcols {
		var e Expr = &ColRef{Idx: i, Name: c.Name, T: c.Type}
		if !c.Type.Equal(out[i].Type) {
			changed = true
			if e, err = b.assign(e, out[i].Type, parser.Pos{}, out[i].Name); err != nil {
				return nil, bindErr(parser.Pos{}, "recursive query %q column %d has type %s in non-recursive term but type %s in recursive term",
					cte.Name, i+1, out[i].Type, c.Type)
			}
		}
		cast.Exprs = append(cast.Exprs, e)
	}
	if changed {
		rec = cast
	}
	if rs.refs == 0 {
		// The name appeared only where it meant something else (a nested
		// WITH redefining it): an ordinary UNION.
		return &SetOp{Op: parser.Union, All: op.All, Left: init, Right: rec, Out: out}, nil
	}
	return &RecursiveUnion{ID: rs.id, Name: cte.Name, All: op.All, Init: init, Recur: rec, Out: out}, nil
}

// estimateRecursive guesses, as PostgreSQL does, ten iterations: the
// working table holds the non-recursive term's rows each time.
func (o *optimizer) estimateRecursive(n *RecursiveUnion) {
	o.estimate(n.Init)
	init := n.Init.Est()
	var mark func(Node)
	mark = func(x Node) {
		if w, ok := x.(*WorkTable); ok && w.ID == n.ID {
			w.Rows, w.Cost = math.Max(init.Rows, 1), math.Max(init.Rows, 1)
		}
		for _, in := range x.Inputs() {
			mark(in)
		}
	}
	mark(n.Recur)
	o.estimate(n.Recur)
	rec := n.Recur.Est()
	n.Rows = init.Rows + 10*rec.Rows
	n.Cost = init.Cost + 10*rec.Cost + n.Rows
}

// Cached replays, on every iteration of the RecursiveUnion with the same
// ID, the rows its input produced on the first: the input does not read
// the working table, so each run would produce the same rows (every
// function is deterministic within a statement, and outer references
// stay fixed while the union runs). A graph walk then scans its edges
// table once per statement instead of once per iteration.
type Cached struct {
	Estimate
	ID    int
	Input Node
}

func (n *Cached) Columns() []Column { return n.Input.Columns() }
func (n *Cached) Inputs() []Node    { return []Node{n.Input} }

func (n *Cached) describe() string { return "Cached (read once per recursion)" }

// cacheInvariants wraps, in the recursive term of every RecursiveUnion
// of the plan, each largest subtree that does not read the working table
// in a Cached. It runs last, on the physical plan.
func cacheInvariants(n Node) {
	if r, ok := n.(*RecursiveUnion); ok {
		wrapInvariant(r.Recur, r.ID)
	}
	for _, in := range n.Inputs() {
		cacheInvariants(in)
	}
}

func wrapInvariant(n Node, id int) {
	in := n.Inputs()
	changed := false
	for i, c := range in {
		switch {
		case isProbed(n, c): // indexjoin.go: read by key, not replayed
		case readsWorkTable(c, id):
			wrapInvariant(c, id)
		case worthCaching(c):
			in[i] = &Cached{Estimate: *c.Est(), ID: id, Input: c}
			changed = true
		}
	}
	if changed {
		setInputs(n, in)
	}
}

func readsWorkTable(n Node, id int) bool {
	if w, ok := n.(*WorkTable); ok {
		return w.ID == id
	}
	for _, in := range n.Inputs() {
		if readsWorkTable(in, id) {
			return true
		}
	}
	return false
}

// worthCaching: a subtree that reads a table (a constant VALUES list is
// as cheap to recompute as to replay).
func worthCaching(n Node) bool {
	switch n.(type) {
	case *Scan, *SeriesScan:
		return true
	case *Cached:
		return false
	}
	for _, in := range n.Inputs() {
		if worthCaching(in) {
			return true
		}
	}
	return false
}
