package vexec

import (
	"github.com/aegisdb/aegis/model/table"
	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/optimizer"
)

// scanOp reads a table (or an index range) straight into batches and
// applies the scan's filter. A scan the optimizer split (Scan.Splits) is
// read by one goroutine per key range instead (parallelscan.go).
type scanOp struct {
	node   *optimizer.Scan
	filter evaluator
	ctx    *Context
	sc     *table.Scanner
	cur    *scanBatch
	more   bool
	par    *parallelScan
}

func newScan(n *optimizer.Scan) *scanOp {
	return &scanOp{node: n, filter: compile(n.Filter)}
}

// scanBatch is the batch a scan fills: raw holds the decoded columns
// only, b every output column (unread ones are NULL).
type scanBatch struct {
	raw, b *types.Batch
	slots  []int // output position of each decoded column
	nulls  []*types.Vector
	sel    []int
	all    []int
}

// newScanBatch builds the batch for n and returns with it the scan node
// narrowed to the columns decoded.
func newScanBatch(n *optimizer.Scan) (*scanBatch, *optimizer.Scan) {
	var cols []int
	var ts []types.Type
	// A scan expected to return a few rows (a key lookup) starts with
	// small vectors; they grow as rows come.
	capacity := types.BatchSize
	if est := n.Est().Rows; est > 0 && est < float64(capacity) {
		capacity = max(int(est), 8)
	}
	sb := &scanBatch{b: &types.Batch{Vecs: make([]*types.Vector, len(n.Out))}}
	for i, c := range n.Out {
		if n.Needed == nil || n.Needed[i] {
			cols = append(cols, n.Cols[i])
			ts = append(ts, c.Type)
			sb.slots = append(sb.slots, i)
			continue
		}
		sb.b.Vecs[i] = &types.Vector{Type: c.Type}
		sb.nulls = append(sb.nulls, sb.b.Vecs[i])
	}
	sb.raw = &types.Batch{Vecs: make([]*types.Vector, len(ts))}
	for i, t := range ts {
		sb.raw.Vecs[i] = types.NewVector(t, capacity)
	}
	for k, i := range sb.slots {
		sb.b.Vecs[i] = sb.raw.Vecs[k]
	}
	return sb, withColumns(n, cols)
}

// fill reads rows from sc into sb until some pass filter (nil: all do) or
// the scan ends. It returns the batch (nil when no row passed) and whether
// the scanner has more rows.
func (sb *scanBatch) fill(ctx *Context, sc *table.Scanner, filter evaluator) (*types.Batch, bool, error) {
	for {
		more, err := sc.NextBatch(sb.raw)
		if err != nil {
			return nil, false, err
		}
		sb.b.Len, sb.b.Sel = sb.raw.Len, nil
		if sb.b.Len == 0 {
			if !more {
				return nil, false, nil
			}
			continue
		}
		for _, v := range sb.nulls {
			if len(v.Nulls) < sb.b.Len {
				// Columns nothing reads are all NULL.
				prepare(v, v.Type, types.BatchSize)
				v.Nulls = make([]bool, types.BatchSize)
				for k := range v.Nulls {
					v.Nulls[k] = true
				}
			}
		}
		if filter == nil {
			return sb.b, more, nil
		}
		sb.all = fullSel(sb.b, sb.all)
		v, err := filter.eval(ctx, sb.b, sb.all)
		if err != nil {
			return nil, false, err
		}
		sb.sel = selectTrue(v, sb.all, sb.sel[:0])
		if len(sb.sel) == 0 {
			if !more {
				return nil, false, nil
			}
			continue
		}
		sb.b.Sel = sb.sel
		return sb.b, more, nil
	}
}

func (s *scanOp) Open(ctx *Context) error {
	s.ctx = ctx
	if len(s.node.Splits) > 0 {
		if s.par != nil { // opened again: a rescan
			s.par.stop()
		}
		s.par = startParallelScan(ctx, s.node)
		return nil
	}
	if s.cur == nil {
		s.cur, s.node = newScanBatch(s.node)
	}
	s.sc = table.NewScanner(ctx.Txn, s.node.Table, table.ScanOptions{
		Index: s.node.Index, Lower: s.node.Lower, Upper: s.node.Upper, Reverse: s.node.Reverse, Columns: s.node.Cols,
	})
	s.more = true
	return nil
}

// withColumns returns a copy of the scan node reading only cols.
func withColumns(n *optimizer.Scan, cols []int) *optimizer.Scan {
	c := *n
	c.Cols = cols
	return &c
}

func (s *scanOp) Next() (*types.Batch, error) {
	if s.par != nil {
		return s.par.next()
	}
	if !s.more {
		return nil, nil
	}
	b, more, err := s.cur.fill(s.ctx, s.sc, s.filter)
	s.more = more && err == nil
	return b, err
}

func (s *scanOp) Close() {
	if s.par != nil {
		s.par.stop()
		s.par = nil
	}
	if s.sc != nil {
		s.sc.Close()
		s.sc = nil
	}
}

func newBatch(ts []types.Type) *types.Batch { return types.NewBatch(ts) }

func columnTypes(cols []optimizer.Column) []types.Type {
	out := make([]types.Type, len(cols))
	for i, c := range cols {
		out[i] = c.Type
	}
	return out
}

// valuesOp evaluates rows of expressions.
type valuesOp struct {
	node *optimizer.Values
	rows [][]evaluator
	ctx  *Context
	done bool
	out  *types.Batch
	one  *types.Batch
}

func (v *valuesOp) Open(ctx *Context) error {
	v.ctx, v.done = ctx, false
	if v.rows == nil {
		for _, r := range v.node.Rows {
			v.rows = append(v.rows, compileAll(r))
		}
		v.out = newBatch(columnTypes(v.node.Out))
		v.one = &types.Batch{Len: 1}
	}
	return nil
}

func (v *valuesOp) Next() (*types.Batch, error) {
	if v.done {
		return nil, nil
	}
	v.done = true
	v.out.Reset()
	sel := []int{0}
	for _, r := range v.rows {
		for c, e := range r {
			x, err := e.eval(v.ctx, v.one, sel)
			if err != nil {
				return nil, err
			}
			d := x.Get(0)
			if d.B != nil {
				d.B = append([]byte(nil), d.B...)
			}
			if d.Type.Physical() != v.out.Vecs[c].Type.Physical() && !d.Null {
				return nil, errorf("VALUES column %d has mixed types", c+1)
			}
			v.out.Vecs[c].Append(d)
		}
		v.out.Len++
	}
	return v.out, nil
}

func (v *valuesOp) Close() {}

type filterOp struct {
	in   Operator
	pred evaluator
	ctx  *Context
	sel  []int
	all  []int
}

func (f *filterOp) Open(ctx *Context) error { f.ctx = ctx; return f.in.Open(ctx) }

func (f *filterOp) Next() (*types.Batch, error) {
	for {
		b, err := f.in.Next()
		if b == nil || err != nil {
			return nil, err
		}
		f.all = append(f.all[:0], fullSel(b, f.all[:0])...)
		v, err := f.pred.eval(f.ctx, b, f.all)
		if err != nil {
			return nil, err
		}
		f.sel = selectTrue(v, f.all, f.sel[:0])
		if len(f.sel) > 0 {
			b.Sel = f.sel
			return b, nil
		}
	}
}

func (f *filterOp) Close() { f.in.Close() }

type projectOp struct {
	in    Operator
	exprs []evaluator
	ctx   *Context
	out   types.Batch
	all   []int
}

func newProject(in Operator, n *optimizer.Project) *projectOp {
	return &projectOp{in: in, exprs: compileAll(n.Exprs), out: types.Batch{Vecs: make([]*types.Vector, len(n.Exprs))}}
}

func (p *projectOp) Open(ctx *Context) error { p.ctx = ctx; return p.in.Open(ctx) }

func (p *projectOp) Next() (*types.Batch, error) {
	b, err := p.in.Next()
	if b == nil || err != nil {
		return nil, err
	}
	p.all = fullSel(b, p.all)
	for i, e := range p.exprs {
		v, err := e.eval(p.ctx, b, p.all)
		if err != nil {
			return nil, err
		}
		p.out.Vecs[i] = v
	}
	p.out.Len, p.out.Sel = b.Len, b.Sel
	return &p.out, nil
}

func (p *projectOp) Close() { p.in.Close() }

type limitOp struct {
	in            Operator
	count, offset int64
	seen, emitted int64
	sel           []int
}

func (l *limitOp) Open(ctx *Context) error {
	l.seen, l.emitted = 0, 0
	return l.in.Open(ctx)
}

func (l *limitOp) Next() (*types.Batch, error) {
	for {
		if l.count >= 0 && l.emitted >= l.count {
			return nil, nil
		}
		b, err := l.in.Next()
		if b == nil || err != nil {
			return nil, err
		}
		l.sel = l.sel[:0]
		n := b.Rows()
		for i := 0; i < n; i++ {
			l.seen++
			if l.seen <= l.offset {
				continue
			}
			if l.count >= 0 && l.emitted >= l.count {
				break
			}
			l.sel = append(l.sel, b.Row(i))
			l.emitted++
		}
		if len(l.sel) > 0 {
			b.Sel = l.sel
			return b, nil
		}
	}
}

func (l *limitOp) Close() { l.in.Close() }

// rowKey encodes a whole row for hashing (DISTINCT, set operations).
func rowKey(dst []byte, b *types.Batch, r int) []byte {
	for _, v := range b.Vecs {
		dst = hashKey(dst, v.Get(r))
	}
	return dst
}

type distinctOp struct {
	in   Operator
	seen map[string]bool
	sel  []int
	key  []byte
}

func (d *distinctOp) Open(ctx *Context) error {
	d.seen = map[string]bool{}
	return d.in.Open(ctx)
}

func (d *distinctOp) Next() (*types.Batch, error) {
	for {
		b, err := d.in.Next()
		if b == nil || err != nil {
			return nil, err
		}
		d.sel = d.sel[:0]
		for i := 0; i < b.Rows(); i++ {
			r := b.Row(i)
			d.key = rowKey(d.key[:0], b, r)
			if !d.seen[string(d.key)] {
				d.seen[string(d.key)] = true
				d.sel = append(d.sel, r)
			}
		}
		if len(d.sel) > 0 {
			b.Sel = d.sel
			return b, nil
		}
	}
}

func (d *distinctOp) Close() { d.in.Close() }
