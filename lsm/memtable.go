package lsm

import (
	"bytes"
	"math/rand/v2"
	"sync/atomic"

	"github.com/aegisdb/aegis/arena"
)

// maxHeight bounds the skiplist towers; with branching 4 it serves tens of
// millions of entries.
const maxHeight = 12

// node is one skiplist entry. Its key and value bytes live in the
// memtable's arena; the node itself is a Go object because its tower holds
// pointers, which an arena slab (pointer-free bytes) cannot.
type node struct {
	ukey    []byte
	trailer uint64
	value   []byte
	next    []atomic.Pointer[node] // len = height
}

func (n *node) ikey() ikey { return ikey{n.ukey, n.trailer} }

// memtable is a skiplist ordered by internal key. One writer at a time
// inserts (the DB's write mutex serializes them); any number of readers
// walk it concurrently without locks: a node is fully built before the
// atomic store that links it in at level 0, and towers above level 0 are
// only shortcuts.
type memtable struct {
	arena  *arena.ConcurrentArena
	head   *node
	height atomic.Int32
	size   atomic.Int64 // bytes of keys, values and node overhead
	count  atomic.Int64
	rng    *rand.Rand // used by the single writer only
	// last and hint speed up ascending inserts (sequential loads, and the
	// ops of one batch in key order): hint[i] is the node at level i just
	// before the last insert's position, or that node itself. Writer only.
	last *node
	hint [maxHeight]*node

	// lastLSN is the WAL record of the last batch applied to this
	// memtable; set by the writer, read after the memtable is frozen.
	lastLSN uint64
	// flushed is closed once the memtable is in an installed table.
	flushed chan struct{}
}

func newMemtable() *memtable {
	m := &memtable{
		arena:   arena.NewConcurrent(0),
		head:    &node{next: make([]atomic.Pointer[node], maxHeight)},
		rng:     rand.New(rand.NewPCG(rand.Uint64(), 1)),
		flushed: make(chan struct{}),
	}
	m.height.Store(1)
	for i := range m.hint {
		m.hint[i] = m.head
	}
	return m
}

func (m *memtable) empty() bool { return m.count.Load() == 0 }

func (m *memtable) randomHeight() int {
	h := 1
	for h < maxHeight && m.rng.Uint32()&3 == 0 {
		h++
	}
	return h
}

// findGE returns the first node >= k, and when prev is not nil fills it
// with the last node < k at every level.
func (m *memtable) findGE(k ikey, prev *[maxHeight]*node) *node {
	x := m.head
	level := int(m.height.Load()) - 1
	for {
		next := x.next[level].Load()
		if next != nil && cmpIkey(next.ikey(), k) < 0 {
			x = next
			continue
		}
		if prev != nil {
			prev[level] = x
		}
		if level == 0 {
			return next
		}
		level--
	}
}

// findLT returns the last node < k (the last node of all when k is nil),
// or nil if there is none.
func (m *memtable) findLT(k *ikey) *node {
	x := m.head
	level := int(m.height.Load()) - 1
	for {
		next := x.next[level].Load()
		if next != nil && (k == nil || cmpIkey(next.ikey(), *k) < 0) {
			x = next
			continue
		}
		if level == 0 {
			if x == m.head {
				return nil
			}
			return x
		}
		level--
	}
}

// add inserts an entry. Callers serialize add; readers may run meanwhile.
func (m *memtable) add(seq uint64, k kind, ukey, value []byte) {
	var prev [maxHeight]*node
	key := ikey{ukey: ukey, trailer: makeTrailer(seq, k)}
	if m.last != nil && cmpIkey(key, m.last.ikey()) > 0 {
		// Every hint is before key. Descend as findGE does, but start
		// each level from its hint when that is further along.
		x := m.head
		for i := int(m.height.Load()) - 1; i >= 0; i-- {
			if hn := m.hint[i]; hn != m.head && (x == m.head || cmpIkey(hn.ikey(), x.ikey()) > 0) {
				x = hn
			}
			for next := x.next[i].Load(); next != nil && cmpIkey(next.ikey(), key) < 0; next = x.next[i].Load() {
				x = next
			}
			prev[i] = x
		}
	} else {
		m.findGE(key, &prev)
	}
	h := m.randomHeight()
	if cur := int(m.height.Load()); h > cur {
		for i := cur; i < h; i++ {
			prev[i] = m.head
		}
		m.height.Store(int32(h))
	}
	n := &node{
		ukey:    m.arena.Copy(ukey),
		trailer: key.trailer,
		next:    make([]atomic.Pointer[node], h),
	}
	if k == kindSet {
		n.value = m.arena.Copy(value)
	}
	for i := 0; i < h; i++ {
		n.next[i].Store(prev[i].next[i].Load())
		prev[i].next[i].Store(n)
	}
	for i := 0; i < maxHeight; i++ {
		if i < h {
			m.hint[i] = n
		} else if prev[i] != nil {
			m.hint[i] = prev[i]
		} else {
			m.hint[i] = m.head
		}
	}
	m.last = n
	m.size.Add(int64(len(ukey) + len(value) + 48 + 8*h))
	m.count.Add(1)
}

// get returns the newest entry for ukey with seq <= snap.
func (m *memtable) get(ukey []byte, snap uint64) (value []byte, k kind, found bool) {
	n := m.findGE(ikey{ukey: ukey, trailer: makeTrailer(snap, kindMax)}, nil)
	if n == nil || !bytes.Equal(n.ukey, ukey) {
		return nil, 0, false
	}
	return n.value, n.ikey().kind(), true
}

// memIter walks a memtable. It implements internalIterator.
type memIter struct {
	m   *memtable
	cur *node
}

func (it *memIter) First() bool        { it.cur = it.m.head.next[0].Load(); return it.cur != nil }
func (it *memIter) Last() bool         { it.cur = it.m.findLT(nil); return it.cur != nil }
func (it *memIter) SeekGE(k ikey) bool { it.cur = it.m.findGE(k, nil); return it.cur != nil }
func (it *memIter) SeekLT(k ikey) bool { it.cur = it.m.findLT(&k); return it.cur != nil }
func (it *memIter) Valid() bool        { return it.cur != nil }
func (it *memIter) Key() ikey          { return it.cur.ikey() }
func (it *memIter) Value() []byte      { return it.cur.value }
func (it *memIter) Err() error         { return nil }
func (it *memIter) Close() error       { return nil }
func (it *memIter) String() string     { return "memtable" }
func (it *memIter) Next() bool {
	if it.cur == nil {
		return false
	}
	it.cur = it.cur.next[0].Load()
	return it.cur != nil
}
func (it *memIter) Prev() bool {
	if it.cur == nil {
		return false
	}
	k := it.cur.ikey()
	it.cur = it.m.findLT(&k)
	return it.cur != nil
}
