package vexec

import (
	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/optimizer"
)

// rowStore holds materialized rows in column vectors.
type rowStore struct {
	vecs []*types.Vector
	n    int
}

func newRowStore(ts []types.Type) *rowStore {
	s := &rowStore{vecs: make([]*types.Vector, len(ts))}
	for i, t := range ts {
		s.vecs[i] = types.NewVector(t, 64)
	}
	return s
}

// appendRow copies row r of src (vectors of the store's types).
func (s *rowStore) appendRow(src []*types.Vector, r int) {
	appendFrom(s.vecs, src, r)
	s.n++
}

func appendFrom(dst, src []*types.Vector, r int) {
	for c, v := range src {
		dst[c].Append(v.Get(r))
	}
}

func appendNulls(dst []*types.Vector) {
	for _, v := range dst {
		v.AppendNull()
	}
}

// batchQueue collects output rows into batches of up to BatchSize.
type batchQueue struct {
	ts    []types.Type
	ready []*types.Batch
	cur   *types.Batch
}

func (q *batchQueue) row() *types.Batch {
	if q.cur == nil || q.cur.Len == types.BatchSize {
		if q.cur != nil {
			q.ready = append(q.ready, q.cur)
		}
		q.cur = types.NewBatch(q.ts)
	}
	q.cur.Len++
	return q.cur
}

func (q *batchQueue) flush() {
	if q.cur != nil && q.cur.Len > 0 {
		q.ready = append(q.ready, q.cur)
	}
	q.cur = nil
}

func (q *batchQueue) pop() *types.Batch {
	if len(q.ready) == 0 {
		return nil
	}
	b := q.ready[0]
	q.ready = q.ready[1:]
	return b
}

// joinOp runs hash joins (equality keys) and nested-loop joins (no keys)
// of every kind. The build input is materialized; the probe input streams.
// Candidate pairs are checked against the residual condition a batch at a
// time.
type joinOp struct {
	node         *optimizer.Join
	left, right  Operator
	probe, build Operator
	buildLeft    bool
	probeKeys    []evaluator
	buildKeys    []evaluator
	cond         evaluator
	ctx          *Context

	store        *rowStore
	strTable     map[string][]int32
	intTable     map[int64][]int32
	intKey       bool
	buildMatched []bool
	leftTypes    []types.Type
	rightTypes   []types.Type
	out          batchQueue
	probeDone    bool
	key          []byte
	all          []int
}

func newJoin(l, r Operator, n *optimizer.Join) *joinOp {
	j := &joinOp{node: n, left: l, right: r, buildLeft: n.BuildLeft && n.Kind == optimizer.InnerJoin}
	j.probe, j.build = l, r
	j.probeKeys, j.buildKeys = compileAll(n.LeftKeys), compileAll(n.RightKeys)
	if j.buildLeft {
		j.probe, j.build = r, l
		j.probeKeys, j.buildKeys = j.buildKeys, j.probeKeys
	}
	j.cond = compile(n.Cond)
	j.leftTypes = columnTypes(n.Left.Columns())
	j.rightTypes = columnTypes(n.Right.Columns())
	out := j.leftTypes
	if n.Kind != optimizer.SemiJoin && n.Kind != optimizer.AntiJoin {
		out = append(append([]types.Type(nil), j.leftTypes...), j.rightTypes...)
	}
	j.out.ts = out
	j.intKey = len(n.LeftKeys) == 1 && n.LeftKeys[0].Type().Physical() == types.PhysInt &&
		n.LeftKeys[0].Type().Family != types.Decimal
	return j
}

func (j *joinOp) Open(ctx *Context) error {
	j.ctx = ctx
	j.probeDone = false
	j.out.ready, j.out.cur = nil, nil
	if err := j.build.Open(ctx); err != nil {
		return err
	}
	err := j.buildTable()
	j.build.Close()
	if err != nil {
		return err
	}
	return j.probe.Open(ctx)
}

func (j *joinOp) buildTypes() []types.Type {
	if j.buildLeft {
		return j.leftTypes
	}
	return j.rightTypes
}

func (j *joinOp) buildTable() error {
	j.store = newRowStore(j.buildTypes())
	j.strTable, j.intTable = map[string][]int32{}, map[int64][]int32{}
	for {
		b, err := j.build.Next()
		if err != nil {
			return err
		}
		if b == nil {
			break
		}
		j.all = fullSel(b, j.all)
		keys, err := evalKeys(j.ctx, j.buildKeys, b, j.all)
		if err != nil {
			return err
		}
		for _, r := range j.all {
			idx := int32(j.store.n)
			j.store.appendRow(b.Vecs, r)
			if len(keys) == 0 {
				continue
			}
			if j.intKey {
				if !keys[0].IsNull(r) {
					j.intTable[keys[0].Ints[r]] = append(j.intTable[keys[0].Ints[r]], idx)
				}
				continue
			}
			k, ok := j.encodeKey(keys, r)
			if ok {
				j.strTable[string(k)] = append(j.strTable[string(k)], idx)
			}
		}
	}
	j.buildMatched = make([]bool, j.store.n)
	return nil
}

// evalKeys evaluates key expressions, copying each so that later keys
// cannot overwrite earlier ones' buffers.
func evalKeys(ctx *Context, es []evaluator, b *types.Batch, sel []int) ([]*types.Vector, error) {
	out := make([]*types.Vector, len(es))
	for i, e := range es {
		v, err := e.eval(ctx, b, sel)
		if err != nil {
			return nil, err
		}
		if _, isCol := e.(colEval); !isCol && len(es) > 1 {
			v = cloneVector(v, sel)
		}
		out[i] = v
	}
	return out, nil
}

// encodeKey encodes the key of row r; false when a key part is NULL
// (NULL never equals anything).
func (j *joinOp) encodeKey(keys []*types.Vector, r int) ([]byte, bool) {
	j.key = j.key[:0]
	for _, v := range keys {
		if v.IsNull(r) {
			return nil, false
		}
		j.key = hashKey(j.key, v.Get(r))
	}
	return j.key, true
}

func (j *joinOp) Next() (*types.Batch, error) {
	for {
		if b := j.out.pop(); b != nil {
			return b, nil
		}
		if j.probeDone {
			return nil, nil
		}
		b, err := j.probe.Next()
		if err != nil {
			return nil, err
		}
		if b == nil {
			j.probeDone = true
			j.finish()
			j.out.flush()
			continue
		}
		if err := j.probeBatch(b); err != nil {
			return nil, err
		}
		j.out.flush()
	}
}

// candidates returns the build rows that may join probe row r.
func (j *joinOp) candidates(keys []*types.Vector, r int, all []int32) []int32 {
	if len(j.probeKeys) == 0 {
		return all
	}
	if j.intKey {
		if keys[0].IsNull(r) {
			return nil
		}
		return j.intTable[keys[0].Ints[r]]
	}
	k, ok := j.encodeKey(keys, r)
	if !ok {
		return nil
	}
	return j.strTable[string(k)]
}

func (j *joinOp) probeBatch(b *types.Batch) error {
	sel := fullSel(b, nil)
	keys, err := evalKeys(j.ctx, j.probeKeys, b, sel)
	if err != nil {
		return err
	}
	var all []int32
	if len(j.probeKeys) == 0 {
		all = make([]int32, j.store.n)
		for i := range all {
			all[i] = int32(i)
		}
	}
	kind := j.node.Kind
	matched := make([]bool, b.Len)
	type pair struct{ p, b int32 }
	var pairs []pair
	for _, r := range sel {
		for _, c := range j.candidates(keys, r, all) {
			pairs = append(pairs, pair{int32(r), c})
		}
	}
	// Check the residual condition on the combined rows, a batch at a time.
	emitPairs := kind != optimizer.SemiJoin && kind != optimizer.AntiJoin
	lw := len(j.leftTypes)
	for start := 0; start < len(pairs); start += types.BatchSize {
		chunk := pairs[start:min(start+types.BatchSize, len(pairs))]
		if j.cond == nil && emitPairs {
			for _, p := range chunk {
				j.emitPair(b, int(p.p), int(p.b))
				matched[p.p] = true
				j.buildMatched[p.b] = true
			}
			continue
		}
		if j.cond == nil {
			for _, p := range chunk {
				matched[p.p] = true
			}
			continue
		}
		pb := types.NewBatch(append(append([]types.Type(nil), j.leftTypes...), j.rightTypes...))
		for _, p := range chunk {
			if j.buildLeft {
				appendFrom(pb.Vecs[:lw], j.store.vecs, int(p.b))
				appendFrom(pb.Vecs[lw:], b.Vecs, int(p.p))
			} else {
				appendFrom(pb.Vecs[:lw], b.Vecs, int(p.p))
				appendFrom(pb.Vecs[lw:], j.store.vecs, int(p.b))
			}
			pb.Len++
		}
		psel := fullSel(pb, nil)
		v, err := j.cond.eval(j.ctx, pb, psel)
		if err != nil {
			return err
		}
		for k, p := range chunk {
			if v.IsNull(k) || v.Ints[k] == 0 {
				continue
			}
			matched[p.p] = true
			j.buildMatched[p.b] = true
			if emitPairs {
				out := j.out.row()
				appendFrom(out.Vecs, pb.Vecs, k)
			}
		}
	}
	switch kind {
	case optimizer.SemiJoin, optimizer.AntiJoin:
		want := kind == optimizer.SemiJoin
		for _, r := range sel {
			if matched[r] == want {
				out := j.out.row()
				appendFrom(out.Vecs, b.Vecs, r)
			}
		}
	case optimizer.LeftJoin, optimizer.FullJoin:
		for _, r := range sel {
			if !matched[r] {
				out := j.out.row()
				appendFrom(out.Vecs[:lw], b.Vecs, r)
				appendNulls(out.Vecs[lw:])
			}
		}
	}
	return nil
}

func (j *joinOp) emitPair(b *types.Batch, p, bi int) {
	out := j.out.row()
	lw := len(j.leftTypes)
	if j.buildLeft {
		appendFrom(out.Vecs[:lw], j.store.vecs, bi)
		appendFrom(out.Vecs[lw:], b.Vecs, p)
	} else {
		appendFrom(out.Vecs[:lw], b.Vecs, p)
		appendFrom(out.Vecs[lw:], j.store.vecs, bi)
	}
}

// finish emits the build rows no probe row matched (RIGHT and FULL joins).
func (j *joinOp) finish() {
	k := j.node.Kind
	if k != optimizer.RightJoin && k != optimizer.FullJoin {
		return
	}
	lw := len(j.leftTypes)
	for i, m := range j.buildMatched {
		if !m {
			out := j.out.row()
			appendNulls(out.Vecs[:lw])
			appendFrom(out.Vecs[lw:], j.store.vecs, i)
		}
	}
}

func (j *joinOp) Close() { j.probe.Close() }
