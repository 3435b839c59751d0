package lsm

import (
	"fmt"
	"strings"
)

// internalIterator walks internal keys in order. The positioning methods
// report whether the iterator is at an entry. Key and Value are valid
// until the next positioning call.
type internalIterator interface {
	First() bool
	Last() bool
	SeekGE(k ikey) bool // first entry >= k
	SeekLT(k ikey) bool // last entry < k
	Next() bool
	Prev() bool
	Valid() bool
	Key() ikey
	Value() []byte
	Err() error
	Close() error
	String() string
}

// mergingIter merges child iterators, forward and backward, with a binary
// heap of the valid children: a min-heap on the way forward, a max-heap on
// the way back. Internal keys are unique across children (each seqnum is
// used once), so a direction change re-seeks every other child strictly
// past the current key.
type mergingIter struct {
	iters   []internalIterator
	heap    []int // indexes into iters
	forward bool
	err     error
}

func newMergingIter(iters []internalIterator) *mergingIter {
	return &mergingIter{iters: iters, heap: make([]int, 0, len(iters)), forward: true}
}

func (m *mergingIter) less(a, b int) bool {
	c := cmpIkey(m.iters[a].Key(), m.iters[b].Key())
	if m.forward {
		return c < 0
	}
	return c > 0
}

func (m *mergingIter) down(i int) {
	n := len(m.heap)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		j := l
		if r := l + 1; r < n && m.less(m.heap[r], m.heap[l]) {
			j = r
		}
		if !m.less(m.heap[j], m.heap[i]) {
			return
		}
		m.heap[i], m.heap[j] = m.heap[j], m.heap[i]
		i = j
	}
}

// build collects the valid children into the heap and notes child errors.
func (m *mergingIter) build(forward bool) bool {
	m.forward = forward
	m.heap = m.heap[:0]
	for i, it := range m.iters {
		if it.Valid() {
			m.heap = append(m.heap, i)
		} else if err := it.Err(); err != nil && m.err == nil {
			m.err = err
		}
	}
	for i := len(m.heap)/2 - 1; i >= 0; i-- {
		m.down(i)
	}
	return m.Valid()
}

func (m *mergingIter) First() bool {
	m.err = nil
	for _, it := range m.iters {
		it.First()
	}
	return m.build(true)
}

func (m *mergingIter) Last() bool {
	m.err = nil
	for _, it := range m.iters {
		it.Last()
	}
	return m.build(false)
}

func (m *mergingIter) SeekGE(k ikey) bool {
	m.err = nil
	for _, it := range m.iters {
		it.SeekGE(k)
	}
	return m.build(true)
}

func (m *mergingIter) SeekLT(k ikey) bool {
	m.err = nil
	for _, it := range m.iters {
		it.SeekLT(k)
	}
	return m.build(false)
}

// Valid is false after an error too.
func (m *mergingIter) Valid() bool { return m.err == nil && len(m.heap) > 0 }

func (m *mergingIter) Key() ikey     { return m.iters[m.heap[0]].Key() }
func (m *mergingIter) Value() []byte { return m.iters[m.heap[0]].Value() }

// step moves the top child one way and restores the heap.
func (m *mergingIter) step(next bool) bool {
	top := m.iters[m.heap[0]]
	var ok bool
	if next {
		ok = top.Next()
	} else {
		ok = top.Prev()
	}
	if !ok {
		if err := top.Err(); err != nil {
			m.err = err
			return false
		}
		last := len(m.heap) - 1
		m.heap[0] = m.heap[last]
		m.heap = m.heap[:last]
	}
	if len(m.heap) > 0 {
		m.down(0)
	}
	return m.Valid()
}

func (m *mergingIter) Next() bool {
	if !m.Valid() {
		return false
	}
	if !m.forward {
		// Every other child sits before the current key; move each to
		// the first entry after it.
		cur := m.heap[0]
		key := cloneIkey(m.iters[cur].Key())
		for i, it := range m.iters {
			if i == cur {
				continue
			}
			if it.SeekGE(key) && cmpIkey(it.Key(), key) == 0 {
				it.Next()
			}
		}
		m.iters[cur].Next()
		return m.build(true)
	}
	return m.step(true)
}

func (m *mergingIter) Prev() bool {
	if !m.Valid() {
		return false
	}
	if m.forward {
		cur := m.heap[0]
		key := cloneIkey(m.iters[cur].Key())
		for i, it := range m.iters {
			if i != cur {
				it.SeekLT(key)
			}
		}
		m.iters[cur].Prev()
		return m.build(false)
	}
	return m.step(false)
}

func (m *mergingIter) Err() error { return m.err }

func (m *mergingIter) Close() error {
	var first error
	for _, it := range m.iters {
		if err := it.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func (m *mergingIter) String() string {
	names := make([]string, len(m.iters))
	for i, it := range m.iters {
		names[i] = it.String()
	}
	return fmt.Sprintf("merge(%s)", strings.Join(names, ", "))
}

func cloneIkey(k ikey) ikey {
	return ikey{ukey: append([]byte(nil), k.ukey...), trailer: k.trailer}
}
