package optimizer

import (
	"math"
	"strings"

	"github.com/aegisdb/aegis/model/table"
	"github.com/aegisdb/aegis/model/types"
)

// Index nested-loop join: for every row of the outer input, seek an index
// of the inner side's table with the row's key values and read only the
// rows that match, instead of scanning the whole inner table into a hash
// table. It wins when the outer side is small and the inner table large:
//
//	hash join:  outer + inner scan + 2·inner rows + output
//	index join: outer + outer rows · (seek + rows per key · row cost) + output
//
// The unit is one row of a sequential scan. A seek (a new MVCC iterator
// positioned on the key) costs indexSeekCost units. A row found through
// the primary key is read by the seek's iterator: one unit. A row found
// through a secondary index is another seek (the row is fetched by its
// primary key): one unit for the entry plus indexSeekCost. Rows per key
// come from ANALYZE's distinct counts (table rows / distinct values per
// column of the index prefix), or the scans' fixed guess of 5% per
// equality column; a probe of a whole unique key finds at most one row.

// indexSeekCost is the cost of one seek in rows scanned, measured on the
// memory backend (BenchmarkIndexJoin's tables at 300,000 rows, CPU time):
// a full scan reads a row in 70-85 ns, a primary-key probe costs about
// 3 µs, and each row a secondary-index probe finds 1.8-3.2 µs more (its
// row is fetched by another seek); the ranges span two runs on a loaded
// machine, before and after the memory engine's cheaper iterators.
const indexSeekCost = 35

// IndexLookup is how an IndexJoin probes its inner side. The inner side is
// a Scan (the right input, or the left one when InnerLeft); its Filter
// still applies to every row a probe finds.
type IndexLookup struct {
	// Index is the secondary index probed; nil probes the primary key.
	Index *table.Index
	// InnerLeft: the left input is the indexed side and the right input
	// streams (inner and right joins); the output order is left then
	// right either way.
	InnerLeft bool
	// Cols gives the value of each leading index column of the probe key.
	Cols []LookupCol
	// Residual is what a found row must still satisfy, over the left
	// columns followed by the right ones: the key pairs the probe does not
	// use and the join's Cond. Nil when there is nothing to check.
	Residual Expr
	// PerProbe is the estimated number of index entries one probe finds
	// (before the inner filter); RowCost the cost of reading each.
	PerProbe, RowCost float64
}

// LookupCol is the value of one index column in a probe key: the outer
// key expression Key (a position in the join's outer-side key list), or a
// constant from an equality in the inner scan's filter when Key < 0.
type LookupCol struct {
	Key   int
	Const types.Datum
}

// OuterKeys returns the join keys over the outer (streaming) input.
func (j *Join) OuterKeys() []Expr {
	if j.Lookup != nil && j.Lookup.InnerLeft {
		return j.RightKeys
	}
	return j.LeftKeys
}

// InnerScan returns the scan an IndexJoin probes (nil for other joins).
func (j *Join) InnerScan() *Scan {
	if j.Lookup == nil {
		return nil
	}
	if j.Lookup.InnerLeft {
		return j.Left.(*Scan)
	}
	return j.Right.(*Scan)
}

// lookupKey is one equality usable by a probe: column Col of the inner
// scan equals an outer expression of type T.
type lookupKey struct {
	col int
	t   types.Type
}

// lookupPlan is the best index for a probe and what it costs.
type lookupPlan struct {
	ix                *table.Index // nil: primary
	cols              []LookupCol
	perProbe, rowCost float64
}

func (p *lookupPlan) probeCost() float64 { return indexSeekCost + p.perProbe*p.rowCost }

// keyTypeMatches reports whether values of type v encode like the index
// column of type col, so that an encoded probe key finds the column's
// equal values.
func keyTypeMatches(col, v types.Type) bool {
	if col.Physical() != v.Physical() || col.Family != v.Family {
		return false
	}
	return col.Family != types.Decimal || col.Scale == v.Scale
}

// bestLookup finds the btree index of s's table (primary or secondary)
// whose leading columns the keys (and constant equalities of s's filter)
// cover and whose probes cost least; nil when no index starts with a
// join key.
func (o *optimizer) bestLookup(s *Scan, keys []lookupKey) *lookupPlan {
	posOf := map[int]int{} // table column position -> scan output column
	for i, p := range s.Cols {
		posOf[p] = i
	}
	consts := scanBounds(s)
	n := o.tableRows(s.Table)
	st := o.tableStats(s.Table)
	var best *lookupPlan
	try := func(ix *table.Index, secondary bool) {
		if ix.Kind != "" && ix.Kind != table.IndexBTree {
			return
		}
		var cols []LookupCol
		sel := 1.0
		joined := false
	columns:
		for _, colID := range ix.Columns {
			p := s.Table.ColumnByID(colID)
			oc, ok := posOf[p]
			if !ok {
				break
			}
			ct := s.Table.Columns[p].Type
			col := LookupCol{Key: -1}
			for k, key := range keys {
				if key.col == oc && keyTypeMatches(ct, key.t) {
					col.Key = k
					break
				}
			}
			if col.Key < 0 {
				found := false
				for _, b := range consts[oc] {
					if b.fn == fnEq {
						col.Const, found = b.val, true
						break
					}
				}
				if !found {
					break columns
				}
			}
			joined = joined || col.Key >= 0
			cols = append(cols, col)
			if cs := columnStats(st, colID); cs != nil && cs.Distinct > 0 {
				sel /= float64(cs.Distinct)
			} else {
				sel *= 0.05
			}
		}
		if !joined {
			return
		}
		per := math.Max(n*sel, 1)
		if len(cols) == len(ix.Columns) && (ix.Unique || !secondary) {
			per = 1
		}
		plan := &lookupPlan{cols: cols, perProbe: per, rowCost: 1}
		if secondary {
			plan.ix, plan.rowCost = ix, 1+indexSeekCost
		}
		if best == nil || plan.probeCost() < best.probeCost() {
			best = plan
		}
	}
	try(&s.Table.Primary, false)
	for i := range s.Table.Indexes {
		try(&s.Table.Indexes[i], true)
	}
	return best
}

// findLookup returns the best probe of one side of j (the left side when
// innerLeft) for j's keys, or nil.
func (o *optimizer) findLookup(j *Join, innerLeft bool) *lookupPlan {
	inner, innerKeys, outerKeys := j.Right, j.RightKeys, j.LeftKeys
	if innerLeft {
		inner, innerKeys, outerKeys = j.Left, j.LeftKeys, j.RightKeys
	}
	s, ok := inner.(*Scan)
	if !ok {
		return nil
	}
	if s.Bitmap != nil {
		// Judge the probe on the scan's whole filter: its constant
		// equalities may key the index (chooseIndexJoin undoes the bitmap
		// access when it probes).
		c := *s
		undoBitmap(&c)
		s = &c
	}
	keys := make([]lookupKey, len(innerKeys))
	for i, k := range innerKeys {
		keys[i] = lookupKey{col: -1}
		if c, ok := k.(*ColRef); ok {
			keys[i] = lookupKey{col: c.Idx, t: outerKeys[i].Type()}
		}
	}
	return o.bestLookup(s, keys)
}

// chooseIndexJoin turns a join with equality keys into an index join when
// that is estimated cheaper than the hash join it is.
func (o *optimizer) chooseIndexJoin(j *Join) {
	j.Lookup = nil // a plan optimized twice (an IN subquery's) decides again
	if len(j.LeftKeys) == 0 {
		return
	}
	if j.Kind == FullJoin {
		return // both sides keep their unmatched rows: neither can be probed
	}
	o.estimate(j)
	bestCost := j.Cost
	peeled := peelSemiProject(j)
	if peeled != nil {
		// Probing reads the scan under the projection itself.
		hash := *j
		*j = *peeled
		defer func() {
			if j.Lookup == nil {
				*j = hash
			}
		}()
	}
	var best *lookupPlan
	innerLeft := false
	for _, left := range []bool{false, true} {
		// Only the side whose unmatched rows are dropped can be probed.
		if (left && j.Kind != InnerJoin && j.Kind != RightJoin) || (!left && j.Kind == RightJoin) {
			continue
		}
		p := o.findLookup(j, left)
		if p == nil {
			continue
		}
		outer := j.Left
		if left {
			outer = j.Right
		}
		if c := outer.Est().Cost + outer.Est().Rows*p.probeCost() + j.Rows; c < bestCost {
			bestCost, best, innerLeft = c, p, left
		}
	}
	if best == nil {
		return
	}
	j.Algo, j.BuildLeft = IndexJoin, false
	j.Lookup = &IndexLookup{Index: best.ix, InnerLeft: innerLeft, Cols: best.cols, PerProbe: best.perProbe, RowCost: best.rowCost}
	used := map[int]bool{}
	for _, c := range best.cols {
		if c.Key >= 0 {
			used[c.Key] = true
		}
	}
	nl := len(j.Left.Columns())
	var rest []Expr
	for i := range j.LeftKeys {
		if !used[i] {
			rest = append(rest, &Call{Fn: fnEq, T: types.TypeBool, Args: []Expr{j.LeftKeys[i], shiftCols(j.RightKeys[i], nl)}})
		}
	}
	j.Lookup.Residual = andAll(append(rest, conjuncts(j.Cond)...))
	// The inner scan no longer walks a range of its own: it is probed.
	s := j.InnerScan()
	undoBitmap(s) // bitmapscan.go: a probe reads the rows by key
	s.Index, s.Lower, s.Upper, s.Reverse = best.ix, nil, nil, false
	s.Range = lookupRange(s, j.Lookup, j.OuterKeys())
}

// peelSemiProject returns a copy of a semi or anti join whose right input
// is a projection of plain columns of a scan (what `x IN (SELECT col FROM
// t WHERE ...)` becomes), reading the scan directly: the join outputs no
// right column, so only its keys and condition need rewriting. Nil for
// other joins.
func peelSemiProject(j *Join) *Join {
	p, ok := j.Right.(*Project)
	if !ok || (j.Kind != SemiJoin && j.Kind != AntiJoin) {
		return nil
	}
	if _, ok := p.Input.(*Scan); !ok {
		return nil
	}
	for _, e := range p.Exprs {
		if _, ok := e.(*ColRef); !ok {
			return nil
		}
	}
	c := *j
	c.Right = p.Input
	c.RightKeys = make([]Expr, len(j.RightKeys))
	for i, k := range j.RightKeys {
		c.RightKeys[i], _ = substitute(k, p.Exprs)
	}
	if j.Cond != nil {
		nl := len(j.Left.Columns())
		m := map[int]int{}
		for i := 0; i < nl; i++ {
			m[i] = i
		}
		for i, e := range p.Exprs {
			m[nl+i] = nl + e.(*ColRef).Idx
		}
		c.Cond = remapCols(j.Cond, m)
	}
	return &c
}

// isProbed reports whether c is the input n probes as an index join: a
// scan read one key at a time, which passes that work on whole scans
// (caching, parallel ranges) must leave alone.
func isProbed(n, c Node) bool {
	j, ok := n.(*Join)
	return ok && j.Lookup != nil && c == Node(j.InnerScan())
}

// resetProbe turns a scan an earlier pass made the probed side of an
// index join back into a plain scan, for the join above to decide again.
// Such a scan is recognizable: chooseIndex always bounds the ranges it
// describes, a probe has no bounds.
func resetProbe(s *Scan) {
	if s.Range != "" && s.Lower == nil {
		s.Index, s.Range = nil, ""
	}
}

// lookupRange describes a probe key for EXPLAIN: "t1_id = t1.id".
func lookupRange(s *Scan, l *IndexLookup, outerKeys []Expr) string {
	ix := &s.Table.Primary
	if l.Index != nil {
		ix = l.Index
	}
	parts := make([]string, len(l.Cols))
	for i, c := range l.Cols {
		v := (&Const{D: c.Const}).String()
		if c.Key >= 0 {
			v = outerKeys[c.Key].String()
		}
		parts[i] = s.Table.Columns[s.Table.ColumnByID(ix.Columns[i])].Name + " = " + v
	}
	return strings.Join(parts, " AND ")
}

// estimateIndexJoin returns an index join's cost and sets its inner
// scan's figures to those of one probe.
func (o *optimizer) estimateIndexJoin(j *Join) float64 {
	l := j.Lookup
	outer := j.Left
	if l.InnerLeft {
		outer = j.Right
	}
	s := j.InnerScan()
	probe := indexSeekCost + l.PerProbe*l.RowCost
	s.Rows = math.Max(l.PerProbe*o.selectivity(s.Filter, s), 1)
	s.Cost = probe
	return outer.Est().Cost + outer.Est().Rows*probe + j.Rows
}

// dpIndexJoinCost is the cost of joining the DP entry outer with the
// single relation rel by an index join on the predicates that connect
// them; ok is false when rel has no usable index.
func (o *optimizer) dpIndexJoinCost(c *cluster, outer *dpEntry, rel int, preds []Expr, rows float64) (cost float64, ok bool) {
	s, isScan := c.rels[rel].(*Scan)
	if !isScan {
		return 0, false
	}
	lo, hi := c.start[rel], c.start[rel]+len(s.Columns())
	var keys []lookupKey
	for _, p := range preds {
		call, isCall := p.(*Call)
		if !isCall || call.Fn != fnEq {
			continue
		}
		for i, a := range call.Args {
			col, isCol := a.(*ColRef)
			other := call.Args[1-i]
			if !isCol || col.Idx < lo || col.Idx >= hi {
				continue
			}
			inRel := false
			for x := range colsUsed(other, nil) {
				inRel = inRel || (x >= lo && x < hi)
			}
			if !inRel {
				keys = append(keys, lookupKey{col: col.Idx - lo, t: other.Type()})
			}
		}
	}
	if len(keys) == 0 {
		return 0, false
	}
	p := o.bestLookup(s, keys)
	if p == nil {
		return 0, false
	}
	return outer.cost + outer.rows*p.probeCost() + rows, true
}

func indexName(ix *table.Index) string {
	if ix == nil {
		return "primary key"
	}
	return ix.Name
}

// wholeInner sets the figures of an index join's inner scan to those of
// reading it whole (its Range names the probe, which would read as one
// key's rows), so that the join's output and the distinct counts above it
// are estimated as for any join; estimateIndexJoin then puts the per-probe
// figures EXPLAIN shows.
func (o *optimizer) wholeInner(j *Join) {
	s := j.InnerScan()
	s.Rows = math.Max(o.tableRows(s.Table)*o.selectivity(s.Filter, s), 1)
}
