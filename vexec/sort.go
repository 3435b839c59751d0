package vexec

import (
	"bytes"
	"cmp"
	"container/heap"
	"sort"

	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/optimizer"
)

// sortKeys compares rows of a rowStore by evaluated key columns.
type sortKeys struct {
	keys []optimizer.SortKey
	cols []*types.Vector // one evaluated key column per key, row-aligned with the store
}

func (k *sortKeys) compare(a, b int) int {
	for i, key := range k.keys {
		if c := compareKey(key, k.cols[i], a, k.cols[i], b); c != 0 {
			return c
		}
	}
	return 0
}

// compareKey orders row a of va against row b of vb by one sort key.
// NULL is the largest value unless NULLS FIRST says otherwise, whatever
// the direction.
func compareKey(key optimizer.SortKey, va *types.Vector, a int, vb *types.Vector, b int) int {
	an, bn := va.IsNull(a), vb.IsNull(b)
	switch {
	case an && bn:
		return 0
	case an || bn:
		c := 1
		if bn {
			c = -1
		}
		if key.NullsFirst {
			c = -c
		}
		return c
	}
	var c int
	if va.Type == vb.Type {
		// Both sides hold one key expression's values (the usual case):
		// compare the payloads in place, without building datums.
		switch va.Type.Physical() {
		case types.PhysFloat:
			x, y := va.Floats[a], vb.Floats[b]
			switch {
			case x < y:
				c = -1
			case x > y:
				c = 1
			case x != y: // a NaN: types.Compare puts it last
				c = types.Compare(types.FloatDatum(x), types.FloatDatum(y))
			}
		case types.PhysBytes:
			c = bytes.Compare(va.Bytes[a], vb.Bytes[b])
		default:
			c = cmp.Compare(va.Ints[a], vb.Ints[b])
		}
	} else {
		c = optimizer.CompareDatums(va.Get(a), vb.Get(b))
	}
	if key.Desc {
		c = -c
	}
	return c
}

// materialize reads all of an operator's rows into a store, with the key
// expressions evaluated beside them.
func materialize(ctx *Context, in Operator, ts []types.Type, keyExprs []evaluator, keyTypes []types.Type) (*rowStore, []*types.Vector, error) {
	store := newRowStore(ts)
	keys := make([]*types.Vector, len(keyExprs))
	for i := range keys {
		keys[i] = types.NewVector(keyTypes[i], 64)
	}
	var all []int
	for {
		b, err := in.Next()
		if err != nil {
			return nil, nil, err
		}
		if b == nil {
			return store, keys, nil
		}
		all = fullSel(b, all)
		kv, err := evalKeys(ctx, keyExprs, b, all)
		if err != nil {
			return nil, nil, err
		}
		for _, r := range all {
			store.appendRow(b.Vecs, r)
			for i, v := range kv {
				keys[i].Append(v.Get(r))
			}
		}
	}
}

// sortOp sorts its input; with a limit it keeps a heap of the best rows.
type sortOp struct {
	node  *optimizer.Sort
	in    Operator
	exprs []evaluator
	ctx   *Context
	out   batchQueue
	done  bool
}

func newSort(in Operator, n *optimizer.Sort) *sortOp {
	s := &sortOp{node: n, in: in}
	for _, k := range n.Keys {
		s.exprs = append(s.exprs, compile(k.E))
	}
	s.out.ts = columnTypes(n.Input.Columns())
	return s
}

func (s *sortOp) Open(ctx *Context) error {
	s.ctx, s.done = ctx, false
	s.out.ready, s.out.cur = nil, nil
	return s.in.Open(ctx)
}

func (s *sortOp) Next() (*types.Batch, error) {
	if !s.done {
		s.done = true
		var err error
		if s.node.Limit >= 0 {
			err = s.topN()
		} else {
			err = s.sortAll()
		}
		if err != nil {
			return nil, err
		}
	}
	return s.out.pop(), nil
}

func (s *sortOp) keyTypes() []types.Type {
	ts := make([]types.Type, len(s.node.Keys))
	for i, k := range s.node.Keys {
		ts[i] = k.E.Type()
		if ts[i].Family == types.Unknown {
			ts[i] = types.TypeText
		}
	}
	return ts
}

func (s *sortOp) sortAll() error {
	store, keys, err := materialize(s.ctx, s.in, s.out.ts, s.exprs, s.keyTypes())
	if err != nil {
		return err
	}
	sk := &sortKeys{keys: s.node.Keys, cols: keys}
	perm := make([]int, store.n)
	for i := range perm {
		perm[i] = i
	}
	sort.SliceStable(perm, func(a, b int) bool { return sk.compare(perm[a], perm[b]) < 0 })
	for _, r := range perm {
		out := s.out.row()
		appendFrom(out.Vecs, store.vecs, r)
	}
	s.out.flush()
	return nil
}

// topN keeps the Limit smallest rows in a max-heap as they stream by.
func (s *sortOp) topN() error {
	limit := int(s.node.Limit)
	h := &rowHeap{sk: &sortKeys{keys: s.node.Keys}}
	if limit > 0 {
		h.store = newRowStore(s.out.ts)
		kt := s.keyTypes()
		h.sk.cols = make([]*types.Vector, len(kt))
		for i, t := range kt {
			h.sk.cols[i] = types.NewVector(t, limit+1)
		}
		var all []int
		for {
			b, err := s.in.Next()
			if err != nil {
				return err
			}
			if b == nil {
				break
			}
			all = fullSel(b, all)
			kv, err := evalKeys(s.ctx, s.exprs, b, all)
			if err != nil {
				return err
			}
			for _, r := range all {
				if len(h.idx) == limit {
					// Compare with the worst kept row before copying anything.
					worst := h.idx[0]
					if cmpAgainst(h.sk, kv, r, worst) >= 0 {
						continue
					}
				}
				slot := h.store.n
				if len(h.free) > 0 {
					slot = h.free[len(h.free)-1]
					h.free = h.free[:len(h.free)-1]
					setRow(h.store.vecs, slot, b.Vecs, r)
					for i, v := range kv {
						setRow(h.sk.cols[i:i+1], slot, []*types.Vector{v}, r)
					}
				} else {
					h.store.appendRow(b.Vecs, r)
					for i, v := range kv {
						h.sk.cols[i].Append(v.Get(r))
					}
				}
				heap.Push(h, slot)
				if len(h.idx) > limit {
					h.free = append(h.free, heap.Pop(h).(int))
				}
			}
		}
	} else {
		for {
			b, err := s.in.Next()
			if err != nil || b == nil {
				if err != nil {
					return err
				}
				break
			}
		}
	}
	order := append([]int(nil), h.idx...)
	sort.SliceStable(order, func(a, b int) bool { return h.sk.compare(order[a], order[b]) < 0 })
	for _, r := range order {
		out := s.out.row()
		appendFrom(out.Vecs, h.store.vecs, r)
	}
	s.out.flush()
	return nil
}

// cmpAgainst compares row r of fresh key vectors with stored row slot.
func cmpAgainst(sk *sortKeys, kv []*types.Vector, r, slot int) int {
	for i, key := range sk.keys {
		if c := compareKey(key, kv[i], r, sk.cols[i], slot); c != 0 {
			return c
		}
	}
	return 0
}

// setRow overwrites row slot of dst with row r of src.
func setRow(dst []*types.Vector, slot int, src []*types.Vector, r int) {
	for c, v := range src {
		d := v.Get(r)
		w := dst[c]
		if d.Null {
			setNull(w, slot)
			continue
		}
		if w.Nulls != nil {
			w.Nulls[slot] = false
		}
		switch w.Type.Physical() {
		case types.PhysFloat:
			w.Floats[slot] = d.F
		case types.PhysBytes:
			w.Bytes[slot] = d.B
		default:
			w.Ints[slot] = d.I
		}
	}
}

// rowHeap is a max-heap of store slots by sort key: the root is the worst
// row kept.
type rowHeap struct {
	sk    *sortKeys
	store *rowStore
	idx   []int
	free  []int
}

func (h *rowHeap) Len() int           { return len(h.idx) }
func (h *rowHeap) Less(a, b int) bool { return h.sk.compare(h.idx[a], h.idx[b]) > 0 }
func (h *rowHeap) Swap(a, b int)      { h.idx[a], h.idx[b] = h.idx[b], h.idx[a] }
func (h *rowHeap) Push(x any)         { h.idx = append(h.idx, x.(int)) }
func (h *rowHeap) Pop() any {
	x := h.idx[len(h.idx)-1]
	h.idx = h.idx[:len(h.idx)-1]
	return x
}

func (s *sortOp) Close() { s.in.Close() }
