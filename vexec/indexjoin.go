package vexec

import (
	"time"

	"github.com/aegisdb/aegis/model/keyenc"
	"github.com/aegisdb/aegis/model/table"
	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/optimizer"
)

// indexJoinOp runs an index nested-loop join: for every row of the outer
// input it encodes the probe key with the order-preserving key codec,
// walks that key's range of the inner table's index with a table.Scanner
// in the statement's transaction (the same snapshot every scan reads),
// and pairs the row with what it finds. Pairs gather in a batch of
// left++right columns; when the batch is full (or the outer batch done),
// the inner scan's filter and then the residual condition narrow its
// selection vector, and the batch itself is the output of an inner or
// left join, with no further copy. Probing stops whenever output is
// ready and resumes on the next call, so a key with many rows streams. A
// NULL key part probes nothing (NULL equals nothing).
type indexJoinOp struct {
	node     *optimizer.Join
	lookup   *optimizer.IndexLookup
	inner    *optimizer.Scan
	outer    Operator
	keys     []evaluator // the outer keys the probe uses, by key position
	filter   evaluator   // the inner scan's filter, over its columns
	residual evaluator   // over left++right
	ctx      *Context

	pairTypes          []types.Type
	outerW, innerW     int
	outerOff, innerOff int   // where each side's columns start in a pair batch
	cols               []int // table column positions a probe decodes
	slots              []int // inner column of each decoded vector
	raw                *types.Batch
	prefix             []byte // the index's key prefix
	key                []byte
	existsOnly         bool // semi/anti join with nothing to check: one entry decides

	cur       *types.Batch // the outer batch being probed; nil between batches
	all       []int        // its live rows
	keyVecs   []*types.Vector
	pos       int            // the next row of all to probe
	sc        *table.Scanner // the probe under way, nil between probes
	scRow     int            // its outer row
	pairs     *types.Batch
	pairOuter []int // outer row of each pair
	matched   []bool
	out       batchQueue
	done      bool
	stats     *OpStats // the inner scan's figures under EXPLAIN ANALYZE
}

func newIndexJoin(outer Operator, n *optimizer.Join) *indexJoinOp {
	j := &indexJoinOp{node: n, lookup: n.Lookup, inner: n.InnerScan(), outer: outer}
	outerKeys := compileAll(n.OuterKeys())
	j.keys = make([]evaluator, len(outerKeys))
	j.keyVecs = make([]*types.Vector, len(outerKeys))
	for _, c := range j.lookup.Cols {
		if c.Key >= 0 {
			j.keys[c.Key] = outerKeys[c.Key]
		}
	}
	j.filter = compile(j.inner.Filter)
	j.residual = compile(j.lookup.Residual)
	lt, rt := columnTypes(n.Left.Columns()), columnTypes(n.Right.Columns())
	j.pairTypes = append(append([]types.Type(nil), lt...), rt...)
	j.outerW, j.innerW, j.innerOff = len(lt), len(rt), len(lt)
	if j.lookup.InnerLeft {
		j.outerW, j.innerW, j.outerOff, j.innerOff = len(rt), len(lt), len(lt), 0
	}
	j.out.ts = j.pairTypes
	if k := n.Kind; k == optimizer.SemiJoin || k == optimizer.AntiJoin {
		j.out.ts = lt
		j.existsOnly = j.filter == nil && j.residual == nil
	}
	var ts []types.Type
	for i, c := range j.inner.Out {
		if j.existsOnly {
			break // only whether a row exists matters: decode no column
		}
		if j.inner.Needed == nil || j.inner.Needed[i] {
			j.cols = append(j.cols, j.inner.Cols[i])
			j.slots = append(j.slots, i)
			ts = append(ts, c.Type)
		}
	}
	j.raw = types.NewBatch(ts)
	ixID := uint32(table.PrimaryIndexID)
	if j.lookup.Index != nil {
		ixID = j.lookup.Index.ID
	}
	j.prefix = table.IndexPrefix(j.inner.Table.ID, ixID)
	return j
}

func (j *indexJoinOp) Open(ctx *Context) error {
	j.ctx, j.done = ctx, false
	j.out.ready, j.out.cur = nil, nil
	j.pairs, j.pairOuter, j.cur = nil, j.pairOuter[:0], nil
	j.closeProbe()
	if ctx.analyze != nil {
		if j.stats = ctx.analyze[j.inner]; j.stats == nil {
			j.stats = &OpStats{}
			ctx.analyze[j.inner] = j.stats
		}
	}
	return j.outer.Open(ctx)
}

func (j *indexJoinOp) Next() (*types.Batch, error) {
	for {
		if b := j.out.pop(); b != nil {
			return b, nil
		}
		if j.done {
			return nil, nil
		}
		if j.cur == nil {
			b, err := j.outer.Next()
			if err != nil {
				return nil, err
			}
			if b == nil {
				j.done = true
				continue
			}
			if err := j.startBatch(b); err != nil {
				return nil, err
			}
		}
		if err := j.step(); err != nil {
			return nil, err
		}
	}
}

// startBatch takes the next outer batch and evaluates its keys.
func (j *indexJoinOp) startBatch(b *types.Batch) error {
	j.all = fullSel(b, j.all)
	for i, e := range j.keys {
		if e == nil {
			continue
		}
		v, err := e.eval(j.ctx, b, j.all)
		if err != nil {
			return err
		}
		// Later keys may reuse an evaluator's buffer; columns are safe.
		if _, isCol := e.(colEval); !isCol {
			v = cloneVector(v, j.all)
		}
		j.keyVecs[i] = v
	}
	if cap(j.matched) < b.Len {
		j.matched = make([]bool, b.Len)
	}
	j.matched = j.matched[:b.Len]
	clear(j.matched)
	j.cur, j.pos = b, 0
	return nil
}

// probeKey encodes the index key of outer row r; false when a key part
// is NULL.
func (j *indexJoinOp) probeKey(r int) ([]byte, bool) {
	ix := &j.inner.Table.Primary
	if j.lookup.Index != nil {
		ix = j.lookup.Index
	}
	j.key = append(j.key[:0], j.prefix...)
	for i, c := range j.lookup.Cols {
		d := c.Const
		if c.Key >= 0 {
			if j.keyVecs[c.Key].IsNull(r) {
				return nil, false
			}
			d = j.keyVecs[c.Key].Get(r)
		}
		j.key = table.AppendDatum(j.key, d, ix.Descending(i))
	}
	return j.key, true
}

// step probes the current outer batch until output is ready or the
// batch is done. It stops between two reads of a probe, so one batch of
// outer rows holds at most a couple of output batches in memory however
// many rows its keys find.
func (j *indexJoinOp) step() error {
	for len(j.out.ready) == 0 {
		if j.sc == nil {
			if j.pos == len(j.all) {
				return j.finishBatch()
			}
			r := j.all[j.pos]
			j.pos++
			key, ok := j.probeKey(r)
			if !ok {
				continue
			}
			start := j.clock()
			j.sc = table.NewScanner(j.ctx.Txn, j.inner.Table, table.ScanOptions{
				Index: j.lookup.Index, Lower: key, Upper: keyenc.PrefixEnd(key), Columns: j.cols,
			})
			j.scRow = r
			j.tick(start, true)
		}
		start := j.clock()
		more, err := j.sc.NextBatch(j.raw)
		j.tick(start, false)
		if err != nil {
			return err
		}
		if !more || (j.existsOnly && j.raw.Len > 0) {
			// The rows read stay valid: the scanner copies what they alias.
			j.sc.Close()
			j.sc = nil
		}
		if j.existsOnly {
			if j.raw.Len > 0 {
				j.matched[j.scRow] = true
				if j.stats != nil {
					j.stats.Rows++
				}
			}
			continue
		}
		if err := j.pairRaw(); err != nil {
			return err
		}
	}
	return nil
}

// clock and tick time the probes under EXPLAIN ANALYZE.
func (j *indexJoinOp) clock() time.Time {
	if j.stats == nil {
		return time.Time{}
	}
	return time.Now()
}

func (j *indexJoinOp) tick(start time.Time, probe bool) {
	if j.stats == nil {
		return
	}
	j.stats.Time += time.Since(start)
	if probe {
		j.stats.Batches++
	}
}

// pairRaw pairs the rows a probe read with their outer row.
func (j *indexJoinOp) pairRaw() error {
	b, r := j.cur, j.scRow
	for i := 0; i < j.raw.Len; i++ {
		if j.pairs == nil {
			j.pairs = j.newPairs()
		}
		p := j.pairs
		appendFrom(p.Vecs[j.outerOff:j.outerOff+j.outerW], b.Vecs, r)
		in := p.Vecs[j.innerOff : j.innerOff+j.innerW]
		k := 0
		for c := range in {
			if k < len(j.slots) && j.slots[k] == c {
				in[c].Append(j.raw.Vecs[k].Get(i))
				k++
			} else {
				in[c].AppendNull() // a column nothing reads
			}
		}
		p.Len++
		j.pairOuter = append(j.pairOuter, r)
		if p.Len == types.BatchSize {
			if err := j.flushPairs(); err != nil {
				return err
			}
		}
	}
	return nil
}

// finishBatch checks the last pairs of the outer batch and emits its
// rows that depend on not matching: semi and anti join output, LEFT and
// RIGHT join padding.
func (j *indexJoinOp) finishBatch() error {
	if err := j.flushPairs(); err != nil {
		return err
	}
	b := j.cur
	lw := len(j.node.Left.Columns())
	switch kind := j.node.Kind; kind {
	case optimizer.SemiJoin, optimizer.AntiJoin:
		want := kind == optimizer.SemiJoin
		for _, r := range j.all {
			if j.matched[r] == want {
				appendFrom(j.out.row().Vecs, b.Vecs, r)
			}
		}
	case optimizer.LeftJoin:
		for _, r := range j.all {
			if !j.matched[r] {
				out := j.out.row()
				appendFrom(out.Vecs[:lw], b.Vecs, r)
				appendNulls(out.Vecs[lw:])
			}
		}
	case optimizer.RightJoin: // the outer side is the right input
		for _, r := range j.all {
			if !j.matched[r] {
				out := j.out.row()
				appendNulls(out.Vecs[:lw])
				appendFrom(out.Vecs[lw:], b.Vecs, r)
			}
		}
	}
	j.out.flush()
	j.cur = nil
	return nil
}

// newPairs returns an empty pair batch. A join expected to return few
// rows starts with small vectors (they grow as rows come), as a scan does.
func (j *indexJoinOp) newPairs() *types.Batch {
	capacity := types.BatchSize
	if est := j.node.Est().Rows; est > 0 && est < float64(capacity) {
		capacity = max(int(est), 8)
	}
	b := &types.Batch{Vecs: make([]*types.Vector, len(j.pairTypes))}
	for i, t := range j.pairTypes {
		b.Vecs[i] = types.NewVector(t, capacity)
	}
	return b
}

// flushPairs checks the gathered pairs against the inner filter and the
// residual condition, marks their outer rows matched, and queues the
// batch as output of an inner or left join.
func (j *indexJoinOp) flushPairs() error {
	p := j.pairs
	if p == nil || p.Len == 0 {
		return nil
	}
	j.pairs = nil
	defer func() { j.pairOuter = j.pairOuter[:0] }()
	sel := fullSel(p, nil)
	if j.filter != nil {
		inner := &types.Batch{Vecs: p.Vecs[j.innerOff : j.innerOff+j.innerW], Len: p.Len}
		v, err := j.filter.eval(j.ctx, inner, sel)
		if err != nil {
			return err
		}
		sel = selectTrue(v, sel, nil)
	}
	if j.stats != nil {
		j.stats.Rows += int64(len(sel))
	}
	if j.residual != nil && len(sel) > 0 {
		v, err := j.residual.eval(j.ctx, p, sel)
		if err != nil {
			return err
		}
		sel = selectTrue(v, sel, nil)
	}
	for _, i := range sel {
		j.matched[j.pairOuter[i]] = true
	}
	if k := j.node.Kind; len(sel) == 0 || k == optimizer.SemiJoin || k == optimizer.AntiJoin {
		return nil
	}
	if len(sel) < p.Len {
		p.Sel = sel
	}
	j.out.ready = append(j.out.ready, p)
	return nil
}

func (j *indexJoinOp) closeProbe() {
	if j.sc != nil {
		j.sc.Close()
		j.sc = nil
	}
}

func (j *indexJoinOp) Close() {
	j.closeProbe()
	j.outer.Close()
}
