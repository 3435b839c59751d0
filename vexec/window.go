package vexec

import (
	"sort"

	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/optimizer"
	"github.com/aegisdb/aegis/parser"
)

// windowOp computes window functions: it materializes its input, sorts
// row numbers by partition and order keys for each function, and appends
// one column per function. Rows come out in input order.
type windowOp struct {
	node  *optimizer.Window
	in    Operator
	exprs []evaluator // per function: partition keys, order keys, argument
	types []types.Type
	ctx   *Context
	out   batchQueue
	done  bool
}

func newWindow(in Operator, n *optimizer.Window) *windowOp {
	w := &windowOp{node: n, in: in}
	for _, f := range n.Funcs {
		for _, p := range f.PartitionBy {
			w.exprs = append(w.exprs, compile(p))
			w.types = append(w.types, p.Type())
		}
		for _, k := range f.OrderBy {
			w.exprs = append(w.exprs, compile(k.E))
			w.types = append(w.types, k.E.Type())
		}
		if f.Arg != nil {
			w.exprs = append(w.exprs, compile(f.Arg))
			w.types = append(w.types, f.Arg.Type())
		}
	}
	for i, t := range w.types {
		if t.Family == types.Unknown {
			w.types[i] = types.TypeText
		}
	}
	w.out.ts = columnTypes(n.Out)
	return w
}

func (w *windowOp) Open(ctx *Context) error {
	w.ctx, w.done = ctx, false
	w.out.ready, w.out.cur = nil, nil
	return w.in.Open(ctx)
}

func (w *windowOp) Next() (*types.Batch, error) {
	if !w.done {
		w.done = true
		if err := w.compute(); err != nil {
			return nil, err
		}
	}
	return w.out.pop(), nil
}

func (w *windowOp) compute() error {
	inTypes := columnTypes(w.node.Input.Columns())
	store, cols, err := materialize(w.ctx, w.in, inTypes, w.exprs, w.types)
	if err != nil {
		return err
	}
	results := make([][]types.Datum, len(w.node.Funcs))
	at := 0
	for fi, f := range w.node.Funcs {
		np, no := len(f.PartitionBy), len(f.OrderBy)
		part := cols[at : at+np]
		ord := cols[at+np : at+np+no]
		var arg *types.Vector
		if f.Arg != nil {
			arg = cols[at+np+no]
		}
		at += np + no
		if f.Arg != nil {
			at++
		}
		var keys []optimizer.SortKey
		for range part {
			keys = append(keys, optimizer.SortKey{})
		}
		keys = append(keys, f.OrderBy...)
		sk := &sortKeys{keys: keys, cols: append(append([]*types.Vector(nil), part...), ord...)}
		perm := make([]int, store.n)
		for i := range perm {
			perm[i] = i
		}
		sort.SliceStable(perm, func(a, b int) bool { return sk.compare(perm[a], perm[b]) < 0 })
		partSK := &sortKeys{keys: keys[:np], cols: part}
		ordSK := &sortKeys{keys: f.OrderBy, cols: ord}
		res := make([]types.Datum, store.n)
		zeros := make([]int32, store.n)
		for start := 0; start < len(perm); {
			end := start + 1
			for end < len(perm) && partSK.compare(perm[start], perm[end]) == 0 {
				end++
			}
			rows := perm[start:end]
			if err := computePartition(f, rows, ordSK, arg, res, zeros); err != nil {
				return err
			}
			start = end
		}
		results[fi] = res
	}
	nin := len(inTypes)
	for r := 0; r < store.n; r++ {
		out := w.out.row()
		appendFrom(out.Vecs[:nin], store.vecs, r)
		for fi := range w.node.Funcs {
			out.Vecs[nin+fi].Append(results[fi][r])
		}
	}
	w.out.flush()
	return nil
}

// computePartition fills res for the rows of one partition, in order.
func computePartition(f optimizer.WindowCall, rows []int, ord *sortKeys, arg *types.Vector, res []types.Datum, zeros []int32) error {
	switch f.Func {
	case "row_number":
		for i, r := range rows {
			res[r] = types.IntDatum(int64(i + 1))
		}
		return nil
	case "rank", "dense_rank":
		rank, dense := int64(0), int64(0)
		for i, r := range rows {
			if i == 0 || ord.compare(rows[i-1], r) != 0 {
				rank = int64(i + 1)
				dense++
			}
			if f.Func == "rank" {
				res[r] = types.IntDatum(rank)
			} else {
				res[r] = types.IntDatum(dense)
			}
		}
		return nil
	case "percent_rank", "cume_dist", "ntile", "lag", "lead", "first_value", "last_value", "nth_value":
		positional(f, rows, ord, arg, res)
		return nil
	}
	st := newAggState(optimizer.AggCall{Func: f.Func, Arg: f.Arg, Extra: f.Default, T: f.T})
	st.grow(1)
	if f.Frame != nil {
		return framedAggregate(f, rows, ord, arg, res, zeros)
	}
	if len(f.OrderBy) == 0 {
		if err := st.update(zeros, arg, rows); err != nil {
			return err
		}
		d := st.result(0)
		for _, r := range rows {
			res[r] = d
		}
		return nil
	}
	// With ORDER BY the frame runs from the partition start to the last
	// peer of the current row.
	for start := 0; start < len(rows); {
		end := start + 1
		for end < len(rows) && ord.compare(rows[start], rows[end]) == 0 {
			end++
		}
		if err := st.update(zeros, arg, rows[start:end]); err != nil {
			return err
		}
		d := st.result(0)
		for _, r := range rows[start:end] {
			res[r] = d
		}
		start = end
	}
	return nil
}

// peerRanges returns, for each position of a partition in order, where
// its peers (rows equal on the ORDER BY keys; all rows without ORDER BY)
// start and end.
func peerRanges(f optimizer.WindowCall, rows []int, ord *sortKeys) (start, end []int) {
	n := len(rows)
	start, end = make([]int, n), make([]int, n)
	for s := 0; s < n; {
		e := s + 1
		for len(f.OrderBy) > 0 && e < n && ord.compare(rows[s], rows[e]) == 0 {
			e++
		}
		if len(f.OrderBy) == 0 {
			e = n
		}
		for i := s; i < e; i++ {
			start[i], end[i] = s, e
		}
		s = e
	}
	return start, end
}

// frameBounds is the frame [lo, hi) of position i of a partition of n
// rows (RANGE bounds are peer groups; the binder refused RANGE offsets).
func frameBounds(fr *parser.WindowFrame, i, n int, peerStart, peerEnd []int) (lo, hi int) {
	at := func(b parser.FrameBound, end bool) int {
		switch b.Kind {
		case parser.UnboundedPreceding:
			return 0
		case parser.UnboundedFollowing:
			return n
		case parser.Preceding:
			return int(max(int64(i)-b.N, -1)) + btoi(end)
		case parser.Following:
			return int(min(int64(i)+b.N, int64(n))) + btoi(end)
		}
		if !fr.Rows { // CURRENT ROW of RANGE: the peer group
			if end {
				return peerEnd[i]
			}
			return peerStart[i]
		}
		return i + btoi(end)
	}
	lo, hi = min(max(at(fr.Start, false), 0), n), min(max(at(fr.End, true), 0), n)
	return lo, max(hi, lo)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// framedAggregate computes an aggregate over a written frame: by adding
// rows as the frame grows when it starts at the partition start, else
// afresh for each row.
func framedAggregate(f optimizer.WindowCall, rows []int, ord *sortKeys, arg *types.Vector, res []types.Datum, zeros []int32) error {
	call := optimizer.AggCall{Func: f.Func, Arg: f.Arg, Extra: f.Default, T: f.T}
	peerStart, peerEnd := peerRanges(f, rows, ord)
	var st aggState
	done := 0 // rows[:done] are in st (growing frames)
	for i, r := range rows {
		lo, hi := frameBounds(f.Frame, i, len(rows), peerStart, peerEnd)
		if f.Frame.Start.Kind != parser.UnboundedPreceding || st == nil {
			st, done = newAggState(call), lo
			st.grow(1)
		}
		if hi > done {
			if err := st.update(zeros, arg, rows[done:hi]); err != nil {
				return err
			}
			done = hi
		}
		res[r] = st.result(0)
	}
	return nil
}

// positional computes the window functions that depend on row positions
// in the partition. Their frame is PostgreSQL's default: from the
// partition start to the current row's last peer (the whole partition
// without ORDER BY).
func positional(f optimizer.WindowCall, rows []int, ord *sortKeys, arg *types.Vector, res []types.Datum) {
	n := len(rows)
	peerStart, peerEnd := peerRanges(f, rows, ord)
	frame := func(i int) (int, int) { // the default: start to last peer
		if f.Frame == nil {
			return 0, peerEnd[i]
		}
		return frameBounds(f.Frame, i, n, peerStart, peerEnd)
	}
	null := types.NullDatum(f.T)
	at := func(i int) types.Datum {
		d := arg.Get(rows[i])
		if d.Null {
			return null
		}
		d.Type = f.T
		return d
	}
	for i, r := range rows {
		switch f.Func {
		case "percent_rank":
			v := 0.0
			if n > 1 {
				v = float64(peerStart[i]) / float64(n-1) // (rank - 1) / (n - 1)
			}
			res[r] = types.Datum{Type: f.T, F: v}
		case "cume_dist":
			res[r] = types.Datum{Type: f.T, F: float64(peerEnd[i]) / float64(n)}
		case "ntile":
			// the first n % buckets buckets hold one row more
			size, extra := int64(n)/f.N, int64(n)%f.N
			j, b := int64(i), int64(0)
			if big := extra * (size + 1); j < big {
				b = j / (size + 1)
			} else {
				b = extra + (j-big)/size
			}
			res[r] = types.IntDatum(b + 1)
		case "lag", "lead":
			j := int64(i) - f.N
			if f.Func == "lead" {
				j = int64(i) + f.N
			}
			switch {
			case j >= 0 && j < int64(n):
				res[r] = at(int(j))
			case f.Default != nil:
				res[r] = f.Default.D
			default:
				res[r] = null
			}
		case "first_value", "last_value", "nth_value":
			lo, hi := frame(i)
			k := int64(lo)
			switch f.Func {
			case "last_value":
				k = int64(hi) - 1
			case "nth_value":
				k = int64(lo) + f.N - 1
			}
			res[r] = null
			if k >= int64(lo) && k < int64(hi) {
				res[r] = at(int(k))
			}
		}
	}
}

func (w *windowOp) Close() { w.in.Close() }
