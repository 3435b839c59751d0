package lsm

import (
	"sync"
	"sync/atomic"
)

// cacheShards spreads the block cache over independent shards, so that
// concurrent readers rarely wait on one mutex.
const cacheShards = 16

type cacheKey struct {
	file   uint64
	offset uint64
}

type cacheEntry struct {
	key    cacheKey
	blk    block
	charge int64
	live   bool
	// used is set by every hit and cleared by the clock hand as it
	// passes: an entry is evicted once the hand finds it unused.
	used bool
}

// blockCache is a size-bounded cache of decoded, parsed blocks with
// CLOCK replacement, an approximation of LRU whose hits only set a flag
// (an LRU list moves three list nodes per hit and allocates one per
// insert). A block evicted while an iterator still holds it stays valid:
// blocks are plain Go memory, never reused.
type blockCache struct {
	shards [cacheShards]cacheShard
	hits   atomic.Uint64
	misses atomic.Uint64
}

type cacheShard struct {
	mu       sync.Mutex
	capacity int64
	used     int64
	entries  []cacheEntry // the clock; dead slots are listed in free
	free     []int32
	hand     int
	items    map[cacheKey]int32 // index into entries
}

func newBlockCache(capacity int64) *blockCache {
	c := &blockCache{}
	for i := range c.shards {
		c.shards[i] = cacheShard{capacity: max(1, capacity/cacheShards), items: map[cacheKey]int32{}}
	}
	return c
}

func (c *blockCache) shard(k cacheKey) *cacheShard {
	h := k.file*0x9e3779b97f4a7c15 ^ k.offset*0xbf58476d1ce4e5b9
	return &c.shards[(h>>32)%cacheShards]
}

func (c *blockCache) get(k cacheKey) (block, bool) {
	s := c.shard(k)
	s.mu.Lock()
	if i, ok := s.items[k]; ok {
		e := &s.entries[i]
		e.used = true
		blk := e.blk
		s.mu.Unlock()
		c.hits.Add(1)
		return blk, true
	}
	s.mu.Unlock()
	c.misses.Add(1)
	return block{}, false
}

func (c *blockCache) put(k cacheKey, blk block, size int) {
	charge := int64(size) + 96
	s := c.shard(k)
	s.mu.Lock()
	defer s.mu.Unlock()
	if charge > s.capacity {
		return
	}
	if i, ok := s.items[k]; ok {
		s.entries[i].used = true
		return
	}
	for s.used+charge > s.capacity {
		s.evictOne()
	}
	var i int32
	if n := len(s.free); n > 0 {
		i = s.free[n-1]
		s.free = s.free[:n-1]
	} else {
		s.entries = append(s.entries, cacheEntry{})
		i = int32(len(s.entries) - 1)
	}
	// A new entry starts unused: a block read once (a scan) goes at the
	// hand's next pass, one read again survives it.
	s.entries[i] = cacheEntry{key: k, blk: blk, charge: charge, live: true}
	s.items[k] = i
	s.used += charge
}

// evictOne advances the hand to the first live, unused entry (clearing
// the used flags it passes) and removes it. Called with s.mu held and
// s.used > 0, so a live entry exists and two turns of the clock find one.
func (s *cacheShard) evictOne() {
	for {
		if s.hand >= len(s.entries) {
			s.hand = 0
		}
		e := &s.entries[s.hand]
		s.hand++
		if !e.live {
			continue
		}
		if e.used {
			e.used = false
			continue
		}
		s.remove(int32(s.hand - 1))
		return
	}
}

func (s *cacheShard) remove(i int32) {
	e := &s.entries[i]
	delete(s.items, e.key)
	s.used -= e.charge
	*e = cacheEntry{} // drop the block for the garbage collector
	s.free = append(s.free, i)
}

// evictFile drops every block of a deleted table.
func (c *blockCache) evictFile(file uint64) {
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		for k, idx := range s.items {
			if k.file == file {
				s.remove(idx)
			}
		}
		s.mu.Unlock()
	}
}

// usage is the bytes charged now.
func (c *blockCache) usage() int64 {
	var n int64
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		n += s.used
		s.mu.Unlock()
	}
	return n
}
