package lsm

import (
	"container/list"
	"sync"
	"sync/atomic"
)

// cacheShards spreads the block cache over independent LRU lists, so that
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
}

// blockCache is a size-bounded LRU of decoded, parsed blocks. A block
// evicted while an iterator still holds it stays valid: blocks are plain
// Go memory, never reused.
type blockCache struct {
	shards [cacheShards]cacheShard
	hits   atomic.Uint64
	misses atomic.Uint64
}

type cacheShard struct {
	mu       sync.Mutex
	capacity int64
	used     int64
	lru      *list.List // front = most recent; values *cacheEntry
	items    map[cacheKey]*list.Element
}

func newBlockCache(capacity int64) *blockCache {
	c := &blockCache{}
	for i := range c.shards {
		c.shards[i] = cacheShard{capacity: max(1, capacity/cacheShards), lru: list.New(), items: map[cacheKey]*list.Element{}}
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
	e, ok := s.items[k]
	if ok {
		s.lru.MoveToFront(e)
		blk := e.Value.(*cacheEntry).blk
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
	if e, ok := s.items[k]; ok {
		s.lru.MoveToFront(e)
		return
	}
	s.items[k] = s.lru.PushFront(&cacheEntry{key: k, blk: blk, charge: charge})
	s.used += charge
	for s.used > s.capacity {
		back := s.lru.Back()
		ent := back.Value.(*cacheEntry)
		s.lru.Remove(back)
		delete(s.items, ent.key)
		s.used -= ent.charge
	}
}

// evictFile drops every block of a deleted table.
func (c *blockCache) evictFile(file uint64) {
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		for k, e := range s.items {
			if k.file == file {
				s.lru.Remove(e)
				delete(s.items, k)
				s.used -= e.Value.(*cacheEntry).charge
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
