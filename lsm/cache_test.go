package lsm

import "testing"

// TestBlockCache checks the budget, that a block hit since the hand last
// passed survives an eviction round that takes unused ones, and evictFile.
func TestBlockCache(t *testing.T) {
	const size = 1000 // charge 1096 each
	c := newBlockCache(cacheShards * 10 * (size + 96))
	key := func(f, i int) cacheKey { return cacheKey{file: uint64(f), offset: uint64(i)} }
	for i := 0; i < 2000; i++ {
		c.put(key(1, i), block{numRestarts: i}, size)
		if _, ok := c.get(key(1, 0)); i > 0 && !ok {
			t.Fatalf("block 0, hit after every insert, evicted by insert %d", i)
		}
		if u := c.usage(); u > cacheShards*10*(size+96) {
			t.Fatalf("usage %d over the budget after insert %d", u, i)
		}
	}
	if b, ok := c.get(key(1, 1999)); !ok || b.numRestarts != 1999 {
		t.Fatalf("last block: %v %v", b, ok)
	}
	held := 0
	for i := 0; i < 2000; i++ {
		if _, ok := c.get(key(1, i)); ok {
			held++
		}
	}
	if held < 100 || held > 160 {
		t.Fatalf("cache holds %d of 2000 blocks, budget is about 160", held)
	}
	c.put(key(2, 0), block{}, size)
	c.evictFile(1)
	for i := 0; i < 2000; i++ {
		if _, ok := c.get(key(1, i)); ok {
			t.Fatalf("block %d of an evicted file still cached", i)
		}
	}
	if _, ok := c.get(key(2, 0)); !ok {
		t.Fatal("evictFile(1) dropped file 2's block")
	}
	if u := c.usage(); u != size+96 {
		t.Fatalf("usage %d after evictFile, want %d", u, size+96)
	}
}
