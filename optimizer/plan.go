package optimizer

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/aegisdb/aegis/model/table"
	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/parser"
)

// Column is one output column of a plan node.
type Column struct {
	Name  string
	Table string // the table alias it came from, "" for computed columns
	Type  types.Type
}

// Node is a plan operator. Logical and physical plans share the node
// types: physical planning fills in the algorithm choices (index, join
// algorithm) and the estimates.
type Node interface {
	Columns() []Column
	Inputs() []Node
	Est() *Estimate
}

// Estimate is what the cost model thinks of a node: output rows and the
// cumulative cost of producing them (in abstract units: about one per row
// touched).
type Estimate struct {
	Rows float64
	Cost float64
}

func (e *Estimate) Est() *Estimate { return e }

// Scan reads a table: all rows in primary-key order, or a range of one
// index. Filter (over the scan's output columns) keeps the rows that pass.
type Scan struct {
	Estimate
	Table  *table.Desc
	Alias  string
	Cols   []int // positions in Table.Columns, in output order
	Out    []Column
	Filter Expr
	// Index is the secondary index walked (nil: the primary index); Lower
	// and Upper bound the walk as full index keys, nil for an open end.
	Index        *table.Index
	Lower, Upper []byte
	Reverse      bool
	// Range describes the bounds for EXPLAIN ("id = 5", "ts >= ...").
	Range string
	// Needed marks the output columns something reads; the others are
	// not decoded and read as NULL. Nil means all.
	Needed []bool
	// Bitmap, when set, reads the rows from bitmap indexes instead
	// (bitmapscan.go); Filter then holds only what they do not answer.
	Bitmap *BitmapAccess
	// countable: nothing above the scan reads its columns (set by prune).
	countable bool
	// Splits cut the scan into len(Splits)+1 key ranges read concurrently
	// (parallel.go); nil means one goroutine reads it in key order.
	Splits [][]byte
}

// Values produces rows of expressions (VALUES, or a SELECT without FROM).
type Values struct {
	Estimate
	Rows [][]Expr
	Out  []Column
}

// Filter keeps the rows for which Pred is true.
type Filter struct {
	Estimate
	Input Node
	Pred  Expr
	// Where marks the WHERE filter of a query level: its input's columns
	// are the level's scope, which correlated subqueries refer to.
	Where bool
}

// Project computes one expression per output column.
type Project struct {
	Estimate
	Input Node
	Exprs []Expr
	Out   []Column
}

// JoinKind is the semantics of a Join.
type JoinKind int

const (
	InnerJoin JoinKind = iota
	LeftJoin
	RightJoin
	FullJoin
	SemiJoin // left rows with at least one match; output = left columns
	AntiJoin // left rows with no match; output = left columns
)

var joinKindNames = [...]string{"Inner", "Left", "Right", "Full", "Semi", "Anti"}

func (k JoinKind) String() string { return joinKindNames[k] }

// JoinAlgo is how a Join runs.
type JoinAlgo int

const (
	HashJoin       JoinAlgo = iota // build a hash table on one input, probe with the other
	NestedLoopJoin                 // every left row against the materialized right
	IndexJoin                      // probe the inner side's index per outer row (indexjoin.go)
)

var joinAlgoNames = [...]string{"HashJoin", "NestedLoopJoin", "IndexJoin"}

func (a JoinAlgo) String() string { return joinAlgoNames[a] }

// Join combines two inputs. LeftKeys[i] = RightKeys[i] are the equality
// conditions (over each side's own columns), used by hash and index joins;
// Cond is the rest of the condition, over left columns followed by right
// columns. Output: left columns then right columns (left only for semi
// and anti joins).
type Join struct {
	Estimate
	Kind                JoinKind
	Left, Right         Node
	LeftKeys, RightKeys []Expr
	Cond                Expr
	Algo                JoinAlgo
	// BuildLeft builds a hash join's table on the left input (the smaller
	// one); the output column order is the same either way.
	BuildLeft bool
	// Lookup is how an IndexJoin probes its inner side (nil otherwise).
	Lookup *IndexLookup
}

// AggCall is an aggregate function application.
type AggCall struct {
	Func     string // count, sum, avg, min, max, string_agg, bool_and, stddev, ...
	Arg      Expr   // nil for count(*)
	Extra    *Const // string_agg's separator
	Distinct bool
	T        types.Type
}

func (a AggCall) String() string {
	if a.Arg == nil {
		return a.Func + "(*)"
	}
	d := ""
	if a.Distinct {
		d = "DISTINCT "
	}
	if a.Extra != nil {
		return a.Func + "(" + d + a.Arg.String() + ", " + a.Extra.String() + ")"
	}
	return a.Func + "(" + d + a.Arg.String() + ")"
}

// Aggregate groups its input by GroupBy and computes Aggs per group.
// Output: the group-by values, then the aggregates. Without GroupBy it
// produces exactly one row.
type Aggregate struct {
	Estimate
	Input   Node
	GroupBy []Expr
	Aggs    []AggCall
	Out     []Column
}

// SortKey is one ORDER BY key.
type SortKey struct {
	E          Expr
	Desc       bool
	NullsFirst bool
}

func (k SortKey) String() string {
	s := k.E.String()
	if k.Desc {
		s += " DESC"
	}
	if k.NullsFirst != k.Desc { // the default puts NULLs last ascending, first descending
		if k.NullsFirst {
			s += " NULLS FIRST"
		} else {
			s += " NULLS LAST"
		}
	}
	return s
}

// WindowCall is a window function over partitions of the input.
type WindowCall struct {
	Func    string // row_number, rank, dense_rank, sum, avg, min, max, count, lag, ...
	Arg     Expr   // nil for the ranking functions and count(*)
	N       int64  // lag/lead's offset, nth_value's n, ntile's bucket count
	Default *Const // lag/lead's value past the partition's ends (nil: NULL); string_agg's separator
	// Frame is the written frame of an aggregate or first_value,
	// last_value, nth_value; nil for the default (RANGE UNBOUNDED
	// PRECEDING to CURRENT ROW). RANGE takes no offsets.
	Frame       *parser.WindowFrame
	PartitionBy []Expr
	OrderBy     []SortKey
	T           types.Type
}

func (w WindowCall) String() string {
	arg := ""
	if w.Arg != nil {
		arg = w.Arg.String()
	} else if w.Func == "count" {
		arg = "*"
	}
	switch w.Func {
	case "ntile":
		arg = strconv.FormatInt(w.N, 10)
	case "string_agg":
		arg += ", " + w.Default.String()
	case "nth_value", "lag", "lead":
		arg += ", " + strconv.FormatInt(w.N, 10)
		if w.Default != nil {
			arg += ", " + w.Default.String()
		}
	}
	var parts []string
	if len(w.PartitionBy) > 0 {
		parts = append(parts, "PARTITION BY "+joinExprs(w.PartitionBy))
	}
	if len(w.OrderBy) > 0 {
		parts = append(parts, "ORDER BY "+joinKeys(w.OrderBy))
	}
	if w.Frame != nil {
		parts = append(parts, w.Frame.String())
	}
	return fmt.Sprintf("%s(%s) OVER (%s)", w.Func, arg, strings.Join(parts, " "))
}

// Window computes window functions; output: input columns, then one
// column per function.
type Window struct {
	Estimate
	Input Node
	Funcs []WindowCall
	Out   []Column
}

// Sort orders its input; with Limit >= 0 it keeps only the first Limit
// rows (top-N with a heap).
type Sort struct {
	Estimate
	Input Node
	Keys  []SortKey
	Limit int64
}

// Limit skips Offset rows, then passes at most Count rows (Count < 0: all).
type Limit struct {
	Estimate
	Input  Node
	Count  int64
	Offset int64
}

// Distinct removes duplicate rows.
type Distinct struct {
	Estimate
	Input Node
}

// SetOp is UNION / INTERSECT / EXCEPT [ALL] of two inputs of equal width.
type SetOp struct {
	Estimate
	Op          parser.SetOp
	All         bool
	Left, Right Node
	Out         []Column
}

// Insert writes the rows of Input into Table. Input's columns are already
// in table column order and coerced to the column types (defaults and
// serials filled in by the binder's projection).
type Insert struct {
	Estimate
	Table      *table.Desc
	Input      Node
	Serial     []int       // positions of serial columns to fill when NULL
	OnConflict *OnConflict // nil without ON CONFLICT
	Returning  []Expr
	Out        []Column
}

// Update rewrites rows: Input yields every table column (the old row),
// then the new values; New[i] is the input column holding column i's new
// value.
type Update struct {
	Estimate
	Table *table.Desc
	Input Node
	New   []int
	// Others is, for UPDATE ... FROM, the input column where the other
	// tables' columns start (after the new values), which RETURNING reads
	// after the new row; 0 when not joined. A joined row may come once per
	// matching row of the other tables, and only its first coming counts.
	Others    int
	Returning []Expr // over the new row (table column order), then the others
	Out       []Column
}

// Delete removes the rows Input yields (every table column first).
type Delete struct {
	Estimate
	Table     *table.Desc
	Input     Node
	Others    int // DELETE ... USING: as Update.Others (the table's column count)
	Returning []Expr
	Out       []Column
}

func (n *Scan) Columns() []Column      { return n.Out }
func (n *Values) Columns() []Column    { return n.Out }
func (n *Filter) Columns() []Column    { return n.Input.Columns() }
func (n *Project) Columns() []Column   { return n.Out }
func (n *Aggregate) Columns() []Column { return n.Out }
func (n *Window) Columns() []Column    { return n.Out }
func (n *Sort) Columns() []Column      { return n.Input.Columns() }
func (n *Limit) Columns() []Column     { return n.Input.Columns() }
func (n *Distinct) Columns() []Column  { return n.Input.Columns() }
func (n *SetOp) Columns() []Column     { return n.Out }
func (n *Insert) Columns() []Column    { return n.Out }
func (n *Update) Columns() []Column    { return n.Out }
func (n *Delete) Columns() []Column    { return n.Out }
func (n *Join) Columns() []Column {
	if n.Kind == SemiJoin || n.Kind == AntiJoin {
		return n.Left.Columns()
	}
	return append(append([]Column(nil), n.Left.Columns()...), n.Right.Columns()...)
}

func (n *Scan) Inputs() []Node      { return nil }
func (n *Values) Inputs() []Node    { return nil }
func (n *Filter) Inputs() []Node    { return []Node{n.Input} }
func (n *Project) Inputs() []Node   { return []Node{n.Input} }
func (n *Join) Inputs() []Node      { return []Node{n.Left, n.Right} }
func (n *Aggregate) Inputs() []Node { return []Node{n.Input} }
func (n *Window) Inputs() []Node    { return []Node{n.Input} }
func (n *Sort) Inputs() []Node      { return []Node{n.Input} }
func (n *Limit) Inputs() []Node     { return []Node{n.Input} }
func (n *Distinct) Inputs() []Node  { return []Node{n.Input} }
func (n *SetOp) Inputs() []Node     { return []Node{n.Left, n.Right} }
func (n *Insert) Inputs() []Node    { return []Node{n.Input} }
func (n *Update) Inputs() []Node    { return []Node{n.Input} }
func (n *Delete) Inputs() []Node    { return []Node{n.Input} }

func joinExprs(es []Expr) string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = e.String()
	}
	return strings.Join(s, ", ")
}

func joinKeys(ks []SortKey) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = k.String()
	}
	return strings.Join(s, ", ")
}

// Describe is the one-line label of a node in EXPLAIN.
func Describe(n Node) string {
	switch n := n.(type) {
	case *Scan:
		name := n.Table.Name
		if n.Alias != "" && n.Alias != n.Table.Name {
			name += " AS " + n.Alias
		}
		s := "Scan " + name
		if n.Bitmap != nil {
			s = "BitmapScan " + name + " USING " + n.Bitmap.Expr.String()
			if n.Bitmap.CountOnly {
				s += " count only"
			}
		} else if n.Index != nil {
			s = "IndexScan " + name + " USING " + n.Index.Name
		} else if n.Range != "" {
			s = "RangeScan " + name + " USING primary key"
		}
		if n.Range != "" {
			s += " [" + n.Range + "]"
		}
		if n.Reverse {
			s += " reverse"
		}
		if len(n.Splits) > 0 {
			s += fmt.Sprintf(" parallel %d", len(n.Splits)+1)
		}
		if n.Filter != nil {
			s += " filter: " + n.Filter.String()
		}
		return s
	case *SeriesScan:
		return n.describe()
	case *RecursiveUnion:
		return n.describe() // recursive.go
	case *WorkTable:
		return n.describe()
	case *Cached:
		return n.describe()
	case *Values:
		return fmt.Sprintf("Values (%d rows)", len(n.Rows))
	case *Filter:
		return "Filter " + n.Pred.String()
	case *Project:
		items := make([]string, len(n.Exprs))
		for i, e := range n.Exprs {
			items[i] = e.String()
			if n.Out[i].Name != "" && n.Out[i].Name != items[i] {
				items[i] += " AS " + n.Out[i].Name
			}
		}
		return "Project " + strings.Join(items, ", ")
	case *Join:
		s := fmt.Sprintf("%s (%s)", n.Algo, n.Kind)
		if in := n.InnerScan(); in != nil {
			s += " lookup " + in.Table.Name
			if in.Alias != "" && in.Alias != in.Table.Name {
				s += " AS " + in.Alias
			}
			s += " USING " + indexName(in.Index)
		}
		if n.BuildLeft {
			s += " build=left"
		}
		var conds []string
		for i := range n.LeftKeys {
			conds = append(conds, n.LeftKeys[i].String()+" = "+n.RightKeys[i].String())
		}
		if n.Cond != nil {
			conds = append(conds, n.Cond.String())
		}
		if len(conds) > 0 {
			s += " on " + strings.Join(conds, " AND ")
		}
		return s
	case *Aggregate:
		var parts []string
		if len(n.GroupBy) > 0 {
			parts = append(parts, "group by "+joinExprs(n.GroupBy))
		}
		if len(n.Aggs) > 0 {
			a := make([]string, len(n.Aggs))
			for i, c := range n.Aggs {
				a[i] = c.String()
			}
			parts = append(parts, strings.Join(a, ", "))
		}
		kind := "HashAggregate"
		if len(n.GroupBy) == 0 {
			kind = "Aggregate"
		}
		return kind + " " + strings.Join(parts, ": ")
	case *Window:
		f := make([]string, len(n.Funcs))
		for i, w := range n.Funcs {
			f[i] = w.String()
		}
		return "Window " + strings.Join(f, ", ")
	case *Sort:
		if n.Limit >= 0 {
			return fmt.Sprintf("TopN %d by %s", n.Limit, joinKeys(n.Keys))
		}
		return "Sort by " + joinKeys(n.Keys)
	case *Limit:
		s := "Limit"
		if n.Count >= 0 {
			s += fmt.Sprintf(" %d", n.Count)
		}
		if n.Offset > 0 {
			s += fmt.Sprintf(" offset %d", n.Offset)
		}
		return s
	case *Distinct:
		return "Distinct"
	case *SetOp:
		op := map[parser.SetOp]string{parser.Union: "Union", parser.Intersect: "Intersect", parser.Except: "Except"}[n.Op]
		if n.All {
			op += " All"
		}
		return op
	case *Insert:
		switch {
		case n.OnConflict == nil:
		case n.OnConflict.Set == nil:
			return "Insert into " + n.Table.Name + " on conflict do nothing"
		default:
			return "Insert into " + n.Table.Name + " on conflict do update"
		}
		return "Insert into " + n.Table.Name
	case *Update:
		return "Update " + n.Table.Name
	case *Delete:
		return "Delete from " + n.Table.Name
	}
	return fmt.Sprintf("%T", n)
}

// Explain prints the plan as an indented tree, one node per line with its
// estimates; extra, when not nil, adds text to a node's line (EXPLAIN
// ANALYZE's actual figures).
func Explain(n Node, extra func(Node) string) []string {
	var lines []string
	var walk func(n Node, prefix, childPrefix string)
	walk = func(n Node, prefix, childPrefix string) {
		e := n.Est()
		line := fmt.Sprintf("%s%s  (rows=%.0f cost=%.0f)", prefix, Describe(n), e.Rows, e.Cost)
		if extra != nil {
			line += " " + extra(n)
		}
		lines = append(lines, line)
		in := n.Inputs()
		for i, c := range in {
			if i == len(in)-1 {
				walk(c, childPrefix+"└─ ", childPrefix+"   ")
			} else {
				walk(c, childPrefix+"├─ ", childPrefix+"│  ")
			}
		}
	}
	walk(n, "", "")
	return lines
}
