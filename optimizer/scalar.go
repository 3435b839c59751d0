package optimizer

import (
	"fmt"
	"strings"

	"github.com/aegisdb/aegis/model/types"
)

// Expr is a bound scalar expression: every name resolved to a column
// ordinal of the operator's input, every type known.
type Expr interface {
	Type() types.Type
	String() string
}

// ColRef reads column Idx of the input row.
type ColRef struct {
	Idx  int
	Name string
	T    types.Type
}

// OuterRef reads column Idx of the current row of an enclosing query at
// nesting Level (0 is the outermost query): a correlated reference.
type OuterRef struct {
	Level int
	Idx   int
	Name  string
	T     types.Type
}

// Const is a constant. Untyped marks a string literal (or text parameter)
// whose type is still open: comparing it with a DATE column casts it to
// DATE rather than comparing text.
type Const struct {
	D       types.Datum
	Untyped bool
}

// Call applies an operator or scalar function (see funcs.go) to its
// arguments.
type Call struct {
	Fn   *Func
	Args []Expr
	T    types.Type
}

// Cast converts E to T.
type Cast struct {
	E Expr
	T types.Type
}

// Case is a searched CASE: the Result of the first When whose Cond is
// true, else Else (NULL when absent). A simple CASE is bound to this form.
type Case struct {
	Whens []When
	Else  Expr
	T     types.Type
}

// When is one arm of a Case.
type When struct{ Cond, Result Expr }

// InList is E [NOT] IN (List...).
type InList struct {
	E    Expr
	List []Expr
	Not  bool
}

// SubqueryKind says how a subquery is used.
type SubqueryKind int

const (
	SubScalar SubqueryKind = iota // (SELECT x): its one value, NULL when empty
	SubExists                     // EXISTS (SELECT ...)
	SubIn                         // E IN (SELECT x)
	SubQuant                      // E cmp ANY (SELECT x) / E cmp ALL (SELECT x)
)

// Subquery is a nested query used as a value. Plan's outer references
// point at enclosing queries; a subquery without any (Correlated false)
// runs once per statement.
type Subquery struct {
	Kind       SubqueryKind
	Plan       Node
	E          Expr  // the left side of IN, ANY, ALL
	Not        bool  // NOT IN
	Cmp        *Func // SubQuant's comparison
	All        bool  // SubQuant: ALL (else ANY)
	Correlated bool
	T          types.Type
	// Level is the nesting level of the subquery's own scope: the rows of
	// the query around it are published at Level-1.
	Level int
}

// AggExpr is an aggregate call seen while binding a select list; the
// binder replaces it by a column of the Aggregate node.
type AggExpr struct{ Agg AggCall }

// WindowExpr is a window call seen while binding a select list; the
// binder replaces it by a column of the Window node.
type WindowExpr struct{ Win WindowCall }

func (e *ColRef) Type() types.Type     { return e.T }
func (e *OuterRef) Type() types.Type   { return e.T }
func (e *Const) Type() types.Type      { return e.D.Type }
func (e *Call) Type() types.Type       { return e.T }
func (e *Cast) Type() types.Type       { return e.T }
func (e *Case) Type() types.Type       { return e.T }
func (e *InList) Type() types.Type     { return types.TypeBool }
func (e *Subquery) Type() types.Type   { return e.T }
func (e *AggExpr) Type() types.Type    { return e.Agg.T }
func (e *WindowExpr) Type() types.Type { return e.Win.T }

func (e *ColRef) String() string {
	if e.Name != "" {
		return e.Name
	}
	return fmt.Sprintf("#%d", e.Idx)
}

func (e *OuterRef) String() string { return fmt.Sprintf("outer(%s)", e.Name) }

func (e *Const) String() string {
	switch {
	case e.D.Null:
		return "NULL"
	case e.D.Type.Family == types.String || e.D.Type.Family == types.Date ||
		e.D.Type.Family == types.Timestamp || e.D.Type.Family == types.Time || e.D.Type.Family == types.JSON:
		return "'" + strings.ReplaceAll(e.D.String(), "'", "''") + "'"
	}
	return e.D.String()
}

func (e *Call) String() string {
	args := make([]string, len(e.Args))
	for i, a := range e.Args {
		args[i] = a.String()
	}
	if e.Fn.Infix != "" && len(args) == 2 {
		return "(" + args[0] + " " + e.Fn.Infix + " " + args[1] + ")"
	}
	if e.Fn.Postfix != "" && len(args) == 1 {
		return "(" + args[0] + " " + e.Fn.Postfix + ")"
	}
	if e.Fn.Prefix != "" && len(args) == 1 {
		return "(" + e.Fn.Prefix + args[0] + ")"
	}
	return e.Fn.Name + "(" + strings.Join(args, ", ") + ")"
}

func (e *Cast) String() string { return "CAST(" + e.E.String() + " AS " + e.T.String() + ")" }

func (e *Case) String() string {
	var b strings.Builder
	b.WriteString("CASE")
	for _, w := range e.Whens {
		b.WriteString(" WHEN " + w.Cond.String() + " THEN " + w.Result.String())
	}
	if e.Else != nil {
		b.WriteString(" ELSE " + e.Else.String())
	}
	b.WriteString(" END")
	return b.String()
}

func (e *InList) String() string {
	items := make([]string, len(e.List))
	for i, a := range e.List {
		items[i] = a.String()
	}
	not := ""
	if e.Not {
		not = "NOT "
	}
	return "(" + e.E.String() + " " + not + "IN (" + strings.Join(items, ", ") + "))"
}

func (e *Subquery) String() string {
	switch e.Kind {
	case SubExists:
		return "EXISTS(subquery)"
	case SubIn:
		if e.Not {
			return "(" + e.E.String() + " NOT IN (subquery))"
		}
		return "(" + e.E.String() + " IN (subquery))"
	case SubQuant:
		q := " ANY"
		if e.All {
			q = " ALL"
		}
		return "(" + e.E.String() + " " + e.Cmp.Infix + q + " (subquery))"
	}
	return "(subquery)"
}

func (e *AggExpr) String() string    { return e.Agg.String() }
func (e *WindowExpr) String() string { return e.Win.String() }

// children returns the direct sub-expressions of e (not those inside a
// subquery's plan).
func children(e Expr) []Expr {
	switch e := e.(type) {
	case *Call:
		return e.Args
	case *Cast:
		return []Expr{e.E}
	case *Case:
		var out []Expr
		for _, w := range e.Whens {
			out = append(out, w.Cond, w.Result)
		}
		if e.Else != nil {
			out = append(out, e.Else)
		}
		return out
	case *InList:
		return append([]Expr{e.E}, e.List...)
	case *Subquery:
		if e.E != nil {
			return []Expr{e.E}
		}
	case *AggExpr:
		if e.Agg.Arg != nil {
			return []Expr{e.Agg.Arg}
		}
	case *WindowExpr:
		out := append([]Expr(nil), e.Win.PartitionBy...)
		for _, k := range e.Win.OrderBy {
			out = append(out, k.E)
		}
		if e.Win.Arg != nil {
			out = append(out, e.Win.Arg)
		}
		return out
	}
	return nil
}

// Walk calls fn on e and every sub-expression, parents first; fn returns
// false to skip a node's children.
func Walk(e Expr, fn func(Expr) bool) {
	if e == nil || !fn(e) {
		return
	}
	for _, c := range children(e) {
		Walk(c, fn)
	}
}

// MapChildren rebuilds e with each direct sub-expression replaced by
// fn(child); e itself is not passed to fn.
func MapChildren(e Expr, fn func(Expr) (Expr, error)) (Expr, error) {
	var err error
	rw := func(x Expr) Expr {
		if err != nil || x == nil {
			return x
		}
		var y Expr
		y, err = fn(x)
		return y
	}
	switch n := e.(type) {
	case *Call:
		c := *n
		c.Args = make([]Expr, len(n.Args))
		for i, a := range n.Args {
			c.Args[i] = rw(a)
		}
		e = &c
	case *Cast:
		e = &Cast{E: rw(n.E), T: n.T}
	case *Case:
		c := &Case{T: n.T, Else: rw(n.Else)}
		for _, w := range n.Whens {
			c.Whens = append(c.Whens, When{Cond: rw(w.Cond), Result: rw(w.Result)})
		}
		e = c
	case *InList:
		c := &InList{E: rw(n.E), Not: n.Not, List: make([]Expr, len(n.List))}
		for i, a := range n.List {
			c.List[i] = rw(a)
		}
		e = c
	case *Subquery:
		c := *n
		c.E = rw(n.E)
		e = &c
	case *AggExpr:
		c := *n
		c.Agg.Arg = rw(n.Agg.Arg)
		e = &c
	case *WindowExpr:
		c := *n
		c.Win.Arg = rw(n.Win.Arg)
		c.Win.PartitionBy = make([]Expr, len(n.Win.PartitionBy))
		for i, p := range n.Win.PartitionBy {
			c.Win.PartitionBy[i] = rw(p)
		}
		c.Win.OrderBy = make([]SortKey, len(n.Win.OrderBy))
		for i, k := range n.Win.OrderBy {
			c.Win.OrderBy[i] = SortKey{E: rw(k.E), Desc: k.Desc, NullsFirst: k.NullsFirst}
		}
		e = &c
	}
	if err != nil {
		return nil, err
	}
	return e, nil
}

// Rewrite rebuilds e bottom-up: fn sees each node after its children were
// rewritten and returns the replacement (or the node itself).
func Rewrite(e Expr, fn func(Expr) (Expr, error)) (Expr, error) {
	if e == nil {
		return nil, nil
	}
	e, err := MapChildren(e, func(c Expr) (Expr, error) { return Rewrite(c, fn) })
	if err != nil {
		return nil, err
	}
	return fn(e)
}

// exprKey identifies an expression by structure, with columns named by
// position, so two references to different tables' "id" differ. A
// subquery prints only as "(subquery)": each is keyed by its plan, so
// two different ones never meet (ORDER BY would sort by the wrong one).
func exprKey(e Expr) string {
	var plans []string
	k, _ := Rewrite(e, func(x Expr) (Expr, error) {
		switch y := x.(type) {
		case *ColRef:
			return &ColRef{Idx: y.Idx, T: y.T}, nil
		case *Subquery:
			plans = append(plans, fmt.Sprintf("%p", y.Plan))
		}
		return x, nil
	})
	return k.String() + strings.Join(plans, ",")
}

// colsUsed returns the set of input columns e reads.
func colsUsed(e Expr, into map[int]bool) map[int]bool {
	if into == nil {
		into = map[int]bool{}
	}
	Walk(e, func(x Expr) bool {
		if c, ok := x.(*ColRef); ok {
			into[c.Idx] = true
		}
		return true
	})
	return into
}

// hasOuter reports whether e reads a column of an enclosing query, either
// directly or inside a subquery (at any level below limit).
func hasOuter(e Expr) bool {
	found := false
	Walk(e, func(x Expr) bool {
		switch x := x.(type) {
		case *OuterRef:
			found = true
		case *Subquery:
			if x.Correlated {
				found = true
			}
		}
		return !found
	})
	return found
}

// shiftCols adds delta to every ColRef's index.
func shiftCols(e Expr, delta int) Expr {
	if delta == 0 {
		return e
	}
	out, _ := Rewrite(e, func(x Expr) (Expr, error) {
		if c, ok := x.(*ColRef); ok {
			return &ColRef{Idx: c.Idx + delta, Name: c.Name, T: c.T}, nil
		}
		return x, nil
	})
	return out
}

// remapCols renames every ColRef through m (old index -> new index).
func remapCols(e Expr, m map[int]int) Expr {
	out, _ := Rewrite(e, func(x Expr) (Expr, error) {
		if c, ok := x.(*ColRef); ok {
			return &ColRef{Idx: m[c.Idx], Name: c.Name, T: c.T}, nil
		}
		return x, nil
	})
	return out
}

// conjuncts splits an AND tree into its parts.
func conjuncts(e Expr) []Expr {
	if e == nil {
		return nil
	}
	if c, ok := e.(*Call); ok && c.Fn == fnAnd {
		return append(conjuncts(c.Args[0]), conjuncts(c.Args[1])...)
	}
	return []Expr{e}
}

// andAll joins expressions with AND; nil for none.
func andAll(es []Expr) Expr {
	var out Expr
	for _, e := range es {
		if out == nil {
			out = e
		} else {
			out = &Call{Fn: fnAnd, Args: []Expr{out, e}, T: types.TypeBool}
		}
	}
	return out
}
