package optimizer

import (
	"math"
	"math/bits"

	"github.com/aegisdb/aegis/model/types"
)

// Join ordering: a tree of inner joins (as written in FROM, after the
// predicates were pushed into it) is flattened into its relations and
// predicates, and rebuilt in the order dynamic programming over subsets
// finds cheapest: for every set of relations the best plan joining them,
// from the best plans of its two halves. Splits that no predicate
// connects (cross products) are considered only when nothing else joins
// the set. Up to maxJoinRelations relations are ordered; larger clusters
// keep the written order.

const maxJoinRelations = 8

// setInputs replaces a node's inputs (in Inputs() order).
func setInputs(n Node, in []Node) {
	switch x := n.(type) {
	case *Filter:
		x.Input = in[0]
	case *Project:
		x.Input = in[0]
	case *Join:
		x.Left, x.Right = in[0], in[1]
	case *Aggregate:
		x.Input = in[0]
	case *Window:
		x.Input = in[0]
	case *Sort:
		x.Input = in[0]
	case *Limit:
		x.Input = in[0]
	case *Distinct:
		x.Input = in[0]
	case *SetOp:
		x.Left, x.Right = in[0], in[1]
	case *RecursiveUnion:
		x.Init, x.Recur = in[0], in[1]
	case *Cached:
		x.Input = in[0]
	case *Insert:
		x.Input = in[0]
	case *Update:
		x.Input = in[0]
	case *Delete:
		x.Input = in[0]
	}
}

// orderJoins rewrites every inner-join cluster of the plan.
func (o *optimizer) orderJoins(n Node) Node {
	if j, ok := n.(*Join); ok && j.Kind == InnerJoin {
		if out := o.reorderCluster(j); out != nil {
			return out
		}
	}
	in := n.Inputs()
	if len(in) == 0 {
		return n
	}
	out := make([]Node, len(in))
	for i, c := range in {
		out[i] = o.orderJoins(c)
	}
	setInputs(n, out)
	return n
}

// cluster is a flattened tree of inner joins.
type cluster struct {
	rels  []Node
	start []int  // global column index of each relation's first column
	preds []Expr // over the global columns (relations side by side)
}

func (c *cluster) flatten(n Node, base int) {
	j, ok := n.(*Join)
	if !ok || j.Kind != InnerJoin || len(c.rels) >= maxJoinRelations+1 {
		c.rels = append(c.rels, n)
		c.start = append(c.start, base)
		return
	}
	nl := len(j.Left.Columns())
	c.flatten(j.Left, base)
	c.flatten(j.Right, base+nl)
	for i := range j.LeftKeys {
		c.preds = append(c.preds, &Call{Fn: fnEq, T: types.TypeBool,
			Args: []Expr{shiftCols(j.LeftKeys[i], base), shiftCols(j.RightKeys[i], base+nl)}})
	}
	for _, p := range conjuncts(j.Cond) {
		c.preds = append(c.preds, shiftCols(p, base))
	}
}

// relsOf returns the set of relations an expression over global columns
// reads, as a bit mask.
func (c *cluster) relsOf(e Expr) uint {
	var m uint
	for col := range colsUsed(e, nil) {
		for r := len(c.start) - 1; r >= 0; r-- {
			if col >= c.start[r] {
				m |= 1 << r
				break
			}
		}
	}
	return m
}

type dpEntry struct {
	node Node
	cols []int // global column of each output column
	rows float64
	cost float64
}

func (o *optimizer) reorderCluster(j *Join) Node {
	c := &cluster{}
	c.flatten(j, 0)
	if len(c.rels) < 3 || len(c.rels) > maxJoinRelations {
		return nil
	}
	for _, p := range c.preds {
		if hasSubquery(p) || hasOuter(p) {
			return nil // keep the written order around subqueries
		}
	}
	for i, r := range c.rels {
		c.rels[i] = o.orderJoins(r)
		o.estimate(c.rels[i])
	}
	n := len(c.rels)
	predRels := make([]uint, len(c.preds))
	for i, p := range c.preds {
		predRels[i] = c.relsOf(p)
	}
	best := make(map[uint]*dpEntry, 1<<n)
	for i, r := range c.rels {
		cols := make([]int, len(r.Columns()))
		for k := range cols {
			cols[k] = c.start[i] + k
		}
		best[1<<i] = &dpEntry{node: r, cols: cols, rows: math.Max(r.Est().Rows, 1), cost: r.Est().Cost}
	}
	full := uint(1)<<n - 1
	for size := 2; size <= n; size++ {
		for set := uint(1); set <= full; set++ {
			if bits.OnesCount(set) != size {
				continue
			}
			var choice *dpEntry
			for pass := 0; pass < 2 && choice == nil; pass++ {
				// Pass 0 only joins halves a predicate connects.
				for left := (set - 1) & set; left > 0; left = (left - 1) & set {
					right := set &^ left
					l, r := best[left], best[right]
					if l == nil || r == nil {
						continue
					}
					connected := false
					sel := 1.0
					var joinPreds []Expr
					for i, pr := range predRels {
						if pr&set == pr && pr&left != 0 && pr&right != 0 {
							connected = true
							sel *= o.predSelectivity(c, c.preds[i])
							joinPreds = append(joinPreds, c.preds[i])
						}
					}
					if pass == 0 && !connected {
						continue
					}
					rows := math.Max(l.rows*r.rows*sel, 1)
					cost := l.cost + r.cost + l.rows + r.rows + rows
					// A single relation with an index on the join keys
					// may be probed instead of scanned (indexjoin.go).
					if bits.OnesCount(right) == 1 {
						if ic, ok := o.dpIndexJoinCost(c, l, bits.TrailingZeros(right), joinPreds, rows); ok && ic < cost {
							cost = ic
						}
					}
					if choice == nil || cost < choice.cost {
						choice = &dpEntry{rows: rows, cost: cost, node: &Join{Kind: InnerJoin, Left: l.node, Right: r.node},
							cols: append(append([]int(nil), l.cols...), r.cols...)}
					}
				}
			}
			if choice != nil {
				best[set] = choice
			}
		}
	}
	top := best[full]
	if top == nil {
		return nil
	}
	// Attach each predicate to the lowest join that has all its columns.
	done := make([]bool, len(c.preds))
	var attach func(n Node) (Node, []int)
	attach = func(n Node) (Node, []int) {
		jn, ok := n.(*Join)
		if !ok || !isClusterJoin(jn, c.rels) {
			for i, r := range c.rels {
				if r == n {
					cols := make([]int, len(r.Columns()))
					for k := range cols {
						cols[k] = c.start[i] + k
					}
					return n, cols
				}
			}
			return n, nil
		}
		l, lc := attach(jn.Left)
		r, rc := attach(jn.Right)
		cols := append(append([]int(nil), lc...), rc...)
		pos := map[int]int{}
		for i, g := range cols {
			pos[g] = i
		}
		var conds []Expr
		for i, p := range c.preds {
			if done[i] {
				continue
			}
			ok := true
			for col := range colsUsed(p, nil) {
				if _, in := pos[col]; !in {
					ok = false
					break
				}
			}
			if ok {
				done[i] = true
				conds = append(conds, remapCols(p, pos))
			}
		}
		return o.planJoin(InnerJoin, l, r, conds), cols
	}
	root, cols := attach(top.node)
	// Restore the written column order above the reordered joins.
	pos := map[int]int{}
	for i, g := range cols {
		pos[g] = i
	}
	orig := j.Columns()
	p := &Project{Input: root, Out: orig}
	identity := true
	for g, col := range orig {
		p.Exprs = append(p.Exprs, &ColRef{Idx: pos[g], Name: qualified(col), T: col.Type})
		identity = identity && pos[g] == g
	}
	if identity {
		return root
	}
	return p
}

func qualified(c Column) string {
	if c.Table != "" {
		return c.Table + "." + c.Name
	}
	return c.Name
}

// isClusterJoin reports whether a join was built by the DP (its inputs
// are relations of the cluster or other DP joins), as opposed to a join
// inside one relation.
func isClusterJoin(j *Join, rels []Node) bool {
	for _, r := range rels {
		if r == Node(j) {
			return false
		}
	}
	return true
}

// predSelectivity estimates the share of row pairs a join predicate keeps.
func (o *optimizer) predSelectivity(c *cluster, p Expr) float64 {
	call, ok := p.(*Call)
	if !ok || call.Fn != fnEq {
		return 0.3
	}
	d := 1.0
	for _, a := range call.Args {
		col, ok := a.(*ColRef)
		if !ok {
			continue
		}
		for r := len(c.start) - 1; r >= 0; r-- {
			if col.Idx >= c.start[r] {
				v := o.ndv(c.rels[r], col.Idx-c.start[r])
				if v == 0 {
					v = math.Max(c.rels[r].Est().Rows, 1)
				}
				d = math.Max(d, v)
				break
			}
		}
	}
	return 1 / d
}
