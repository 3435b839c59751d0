package lsm

import (
	"bytes"
	"encoding/binary"
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
//
// A search visits a dozen or more nodes, each a cache miss; prefix (the
// key's first 8 bytes) settles most comparisons without a second miss on
// the key bytes in the arena, and the tower is allocated with the node
// (allocNode) rather than as a slice of its own.
type node struct {
	prefix  uint64
	trailer uint64
	next    []atomic.Pointer[node] // len = height; points into the node's own allocation
	ukey    []byte
	value   []byte
}

func (n *node) ikey() ikey { return ikey{n.ukey, n.trailer} }

// Nodes by tower size: with branching 4, three in four nodes have height
// 1 and fifteen in sixteen at most 2, so rounding up the rest wastes little.
// The tower comes first, right before the prefix, so that a search step
// (load a tower pointer, compare the next node's prefix) mostly touches
// one cache line per node.
type (
	node1 struct {
		tower [1]atomic.Pointer[node]
		node
	}
	node2 struct {
		tower [2]atomic.Pointer[node]
		node
	}
	node4 struct {
		tower [4]atomic.Pointer[node]
		node
	}
	nodeMax struct {
		tower [maxHeight]atomic.Pointer[node]
		node
	}
)

func allocNode(h int) *node {
	switch {
	case h == 1:
		n := new(node1)
		n.next = n.tower[:]
		return &n.node
	case h == 2:
		n := new(node2)
		n.next = n.tower[:]
		return &n.node
	case h <= 4:
		n := new(node4)
		n.next = n.tower[:h]
		return &n.node
	default:
		n := new(nodeMax)
		n.next = n.tower[:h]
		return &n.node
	}
}

// keyPrefix is the first 8 bytes of ukey as a big-endian number, zero
// padded. When two keys' prefixes differ they order as their prefixes
// do (a zero pad only meets a real byte where the shorter key ended, and
// a key sorts before its extensions).
func keyPrefix(ukey []byte) uint64 {
	if len(ukey) >= 8 {
		return binary.BigEndian.Uint64(ukey)
	}
	var b [8]byte
	copy(b[:], ukey)
	return binary.BigEndian.Uint64(b[:])
}

// searchKey is an internal key with its prefix computed once per search.
type searchKey struct {
	ikey
	prefix uint64
}

func makeSearchKey(k ikey) searchKey { return searchKey{k, keyPrefix(k.ukey)} }

// cmpNode orders n against k (cmpIkey(n.ikey(), k.ikey)).
func cmpNode(n *node, k *searchKey) int {
	if n.prefix != k.prefix {
		if n.prefix < k.prefix {
			return -1
		}
		return 1
	}
	return cmpIkey(n.ikey(), k.ikey)
}

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

	// filter is a bloom filter over the user keys, so that a Get of a key
	// the memtable lacks (most Gets, once the data outgrows one memtable)
	// costs one cache line instead of a skiplist search. See mayContain.
	filter []atomic.Uint64

	// lastLSN is the WAL record of the last batch applied to this
	// memtable; set by the writer, read after the memtable is frozen.
	lastLSN uint64
	// flushed is closed once the memtable is in an installed table.
	flushed chan struct{}
}

// newMemtable returns an empty memtable that will be frozen at about
// capacity bytes (which sizes its filter).
func newMemtable(capacity int64) *memtable {
	m := &memtable{
		filter:  make([]atomic.Uint64, memFilterWords(capacity)),
		arena:   arena.NewConcurrent(0),
		head:    allocNode(maxHeight),
		rng:     rand.New(rand.NewPCG(rand.Uint64(), 1)),
		flushed: make(chan struct{}),
	}
	m.height.Store(1)
	for i := range m.hint {
		m.hint[i] = m.head
	}
	return m
}

// memFilterWords sizes a memtable filter at one bit per 8 bytes of
// capacity: an entry costs at least about 60 bytes of capacity (node
// overhead included), so a full memtable has 7 or more bits per key, and
// 16-byte keys with 100-byte values get about 20.
func memFilterWords(capacity int64) int { return int(max(capacity/512, 64)) }

// The memtable filter is register-blocked: a key's hash picks one 64-bit
// word and sets memFilterProbes bits in it, so a lookup reads one word.
// That costs more false positives than a classic filter of the same size
// (keys share few words' worth of bits), which a false positive, a
// skiplist search, can afford.
const memFilterProbes = 5

func memFilterSlot(h uint64, words int) (int, uint64) {
	idx := int((h >> 32) * uint64(words) >> 32) // h's high half, scaled to [0, words)
	var mask uint64
	for i := 0; i < memFilterProbes; i++ {
		mask |= 1 << ((h >> (6 * i)) & 63) // six low bits per probe
	}
	return idx, mask
}

// mayContain reports whether the memtable may hold ukey, whose bloomHash
// is h. add sets a key's bits before it links the node, and readers see a
// node only after that, so a visible key is never filtered out.
func (m *memtable) mayContain(h uint64) bool {
	idx, mask := memFilterSlot(h, len(m.filter))
	return m.filter[idx].Load()&mask == mask
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
func (m *memtable) findGE(k *searchKey, prev *[maxHeight]*node) *node {
	x := m.head
	level := int(m.height.Load()) - 1
	for {
		next := x.next[level].Load()
		if next != nil && cmpNode(next, k) < 0 {
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
func (m *memtable) findLT(k *searchKey) *node {
	x := m.head
	level := int(m.height.Load()) - 1
	for {
		next := x.next[level].Load()
		if next != nil && (k == nil || cmpNode(next, k) < 0) {
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
	key := makeSearchKey(ikey{ukey: ukey, trailer: makeTrailer(seq, k)})
	if m.last != nil && cmpNode(m.last, &key) < 0 {
		// Every hint is before key. Descend as findGE does, but start
		// each level from its hint when that is further along.
		x := m.head
		for i := int(m.height.Load()) - 1; i >= 0; i-- {
			if hn := m.hint[i]; hn != m.head && (x == m.head || cmpIkey(hn.ikey(), x.ikey()) > 0) {
				x = hn
			}
			for next := x.next[i].Load(); next != nil && cmpNode(next, &key) < 0; next = x.next[i].Load() {
				x = next
			}
			prev[i] = x
		}
	} else {
		m.findGE(&key, &prev)
	}
	h := m.randomHeight()
	if cur := int(m.height.Load()); h > cur {
		for i := cur; i < h; i++ {
			prev[i] = m.head
		}
		m.height.Store(int32(h))
	}
	fi, fmask := memFilterSlot(bloomHash(ukey), len(m.filter))
	m.filter[fi].Or(fmask)
	n := allocNode(h)
	n.prefix = key.prefix
	n.ukey = m.arena.Copy(ukey)
	n.trailer = key.trailer
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

// get returns the newest entry for ukey, whose bloomHash is h, with
// seq <= snap.
func (m *memtable) get(ukey []byte, h, snap uint64) (value []byte, k kind, found bool) {
	if !m.mayContain(h) {
		return nil, 0, false
	}
	sk := makeSearchKey(ikey{ukey: ukey, trailer: makeTrailer(snap, kindMax)})
	n := m.findGE(&sk, nil)
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

func (it *memIter) First() bool { it.cur = it.m.head.next[0].Load(); return it.cur != nil }
func (it *memIter) Last() bool  { it.cur = it.m.findLT(nil); return it.cur != nil }
func (it *memIter) SeekGE(k ikey) bool {
	sk := makeSearchKey(k)
	it.cur = it.m.findGE(&sk, nil)
	return it.cur != nil
}
func (it *memIter) SeekLT(k ikey) bool {
	sk := makeSearchKey(k)
	it.cur = it.m.findLT(&sk)
	return it.cur != nil
}
func (it *memIter) Valid() bool    { return it.cur != nil }
func (it *memIter) Key() ikey      { return it.cur.ikey() }
func (it *memIter) Value() []byte  { return it.cur.value }
func (it *memIter) Err() error     { return nil }
func (it *memIter) Close() error   { return nil }
func (it *memIter) String() string { return "memtable" }
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
	k := searchKey{it.cur.ikey(), it.cur.prefix}
	it.cur = it.m.findLT(&k)
	return it.cur != nil
}
