package vexec

import (
	"fmt"

	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/optimizer"
)

// DefaultMaxRecursionRows caps the rows one recursive CTE may produce
// (non-recursive term included) when Context.MaxRecursionRows is 0. A
// recursive term that never runs dry (UNION ALL over a cycle, a counter
// without a stop) fails with ErrRecursionLimit instead of filling memory.
const DefaultMaxRecursionRows = 1_000_000

// ErrRecursionLimit: a recursive CTE produced more rows than allowed. It
// matches ErrExec too: the statement, not the server, is at fault.
var ErrRecursionLimit = fmt.Errorf("%w: recursion limit exceeded", ErrExec)

// workTable holds the rows of one iteration of a recursive CTE, in
// compact batches of their own (no selection vector, bytes copied).
type workTable struct {
	ts      []types.Type
	batches []*types.Batch
	rows    int
}

// add copies the rows sel of b.
func (w *workTable) add(b *types.Batch, sel []int) {
	for len(sel) > 0 {
		var cur *types.Batch
		if n := len(w.batches); n > 0 && w.batches[n-1].Len < types.BatchSize {
			cur = w.batches[n-1]
		} else {
			// Sized for the rows at hand: a recursion that adds a row or
			// two per iteration must not allocate full batches each time.
			cur = &types.Batch{Vecs: make([]*types.Vector, len(w.ts))}
			for c, t := range w.ts {
				cur.Vecs[c] = types.NewVector(t, min(len(sel), types.BatchSize))
			}
			w.batches = append(w.batches, cur)
		}
		k := min(types.BatchSize-cur.Len, len(sel))
		for c, v := range b.Vecs {
			dst := cur.Vecs[c]
			for _, r := range sel[:k] {
				d := v.Get(r)
				if d.B != nil {
					d.B = append([]byte(nil), d.B...)
				}
				dst.Append(d)
			}
		}
		cur.Len += k
		w.rows += k
		sel = sel[k:]
	}
}

// recursiveUnionOp runs WITH RECURSIVE by working-table iteration: the
// non-recursive term's rows go out and into the working table; then the
// recursive term runs again and again, its WorkTableScan reading the
// rows the previous run produced, until a run produces none. Rows stream
// out as they are made, so a LIMIT above stops the recursion early.
type recursiveUnionOp struct {
	init, recur Operator
	node        *optimizer.RecursiveUnion
	ctx         *Context
	ts          []types.Type

	cur, next  *workTable // read by this iteration; filled by it
	onRecur    bool       // the recursive term is running (else the non-recursive one)
	open, done bool
	seen       map[string]struct{} // UNION: every row produced so far
	produced   int64
	limit      int64
	sel        []int
	key        []byte
}

func newRecursiveUnion(init, recur Operator, n *optimizer.RecursiveUnion) *recursiveUnionOp {
	r := &recursiveUnionOp{init: init, recur: recur, node: n}
	for _, c := range n.Out {
		r.ts = append(r.ts, c.Type)
	}
	return r
}

func (r *recursiveUnionOp) Open(ctx *Context) error {
	r.ctx = ctx
	r.limit = ctx.MaxRecursionRows
	if r.limit <= 0 {
		r.limit = DefaultMaxRecursionRows
	}
	r.cur, r.next = &workTable{ts: r.ts}, &workTable{ts: r.ts}
	if ctx.work == nil {
		ctx.work = map[int]*workTable{}
	}
	ctx.work[r.node.ID] = r.cur
	r.onRecur, r.done, r.produced = false, false, 0
	r.seen = nil
	if !r.node.All {
		r.seen = map[string]struct{}{}
	}
	r.open = true
	return r.init.Open(ctx)
}

func (r *recursiveUnionOp) Next() (*types.Batch, error) {
	for !r.done {
		in := r.init
		if r.onRecur {
			in = r.recur
		}
		b, err := in.Next()
		if err != nil {
			return nil, err
		}
		if b == nil {
			if err := r.iterate(); err != nil {
				return nil, err
			}
			continue
		}
		r.sel = r.sel[:0]
		for i := 0; i < b.Rows(); i++ {
			row := b.Row(i)
			if r.seen != nil {
				r.key = rowKey(r.key[:0], b, row)
				if _, dup := r.seen[string(r.key)]; dup {
					continue
				}
				r.seen[string(r.key)] = struct{}{}
			}
			r.sel = append(r.sel, row)
		}
		if len(r.sel) == 0 {
			continue
		}
		r.produced += int64(len(r.sel))
		if r.produced > r.limit {
			return nil, fmt.Errorf("%w: recursive query %q produced more than %d rows; make its recursive term stop (a WHERE condition, or UNION instead of UNION ALL over cyclic data)",
				ErrRecursionLimit, r.node.Name, r.limit)
		}
		r.next.add(b, r.sel)
		b.Sel = r.sel
		return b, nil
	}
	return nil, nil
}

// iterate ends the running term and starts the next run of the recursive
// term over the rows just produced, or ends when there were none.
func (r *recursiveUnionOp) iterate() error {
	if r.onRecur {
		r.recur.Close()
	} else {
		r.init.Close()
	}
	r.open = false
	if r.next.rows == 0 {
		r.done = true
		return nil
	}
	// The working table's batches are handed to the scan as they are:
	// reuse the old one's struct, not its batches, which a consumer may
	// still hold.
	r.cur.batches, r.cur.rows = r.next.batches, r.next.rows
	r.next.batches, r.next.rows = nil, 0
	r.onRecur, r.open = true, true
	return r.recur.Open(r.ctx)
}

func (r *recursiveUnionOp) Close() {
	if r.open {
		if r.onRecur {
			r.recur.Close()
		} else {
			r.init.Close()
		}
		r.open = false
	}
	if r.ctx != nil && r.ctx.work != nil {
		delete(r.ctx.work, r.node.ID)
	}
	r.cur, r.next, r.seen = nil, nil, nil
}

// workScanOp reads the working table of its recursive CTE: the rows the
// previous iteration produced.
type workScanOp struct {
	node    *optimizer.WorkTable
	batches []*types.Batch
	pos     int
}

func (w *workScanOp) Open(ctx *Context) error {
	t := ctx.work[w.node.ID]
	if t == nil {
		return errorf("working table of recursive query %q read outside its recursion", w.node.Name)
	}
	w.batches, w.pos = t.batches, 0
	return nil
}

func (w *workScanOp) Next() (*types.Batch, error) {
	if w.pos >= len(w.batches) {
		return nil, nil
	}
	b := w.batches[w.pos]
	w.pos++
	b.Sel = nil // a consumer may have narrowed it
	return b, nil
}

func (w *workScanOp) Close() { w.batches = nil }

// cachedOp reads its input once per run of its recursive CTE and
// replays the rows on the later iterations (optimizer.Cached). The run
// is told apart by the working table the RecursiveUnion registered at
// Open, a fresh one per run (a recursive CTE inside a correlated
// subquery runs again for every outer row, and its cache with it).
type cachedOp struct {
	in    Operator
	node  *optimizer.Cached
	owner *workTable // the run the rows belong to
	rows  *workTable
	pos   int
}

func (c *cachedOp) Open(ctx *Context) error {
	run := ctx.work[c.node.ID]
	if run != nil && run == c.owner {
		c.pos = 0
		return nil
	}
	var ts []types.Type
	for _, col := range c.node.Columns() {
		ts = append(ts, col.Type)
	}
	c.rows, c.owner, c.pos = &workTable{ts: ts}, nil, 0
	if err := c.in.Open(ctx); err != nil {
		c.in.Close()
		return err
	}
	defer c.in.Close()
	var sel []int
	for {
		b, err := c.in.Next()
		if err != nil {
			return err
		}
		if b == nil {
			break
		}
		sel = fullSel(b, sel)
		c.rows.add(b, sel)
	}
	c.owner = run
	return nil
}

func (c *cachedOp) Next() (*types.Batch, error) {
	if c.pos >= len(c.rows.batches) {
		return nil, nil
	}
	b := c.rows.batches[c.pos]
	c.pos++
	b.Sel = nil // a consumer may have narrowed it on an earlier iteration
	return b, nil
}

func (c *cachedOp) Close() {}
