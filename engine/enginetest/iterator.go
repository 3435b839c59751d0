package enginetest

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/aegisdb/aegis/engine"
)

// letters stores the keys "b", "d", ..., "t" (every other letter), so every
// stored key has an absent key on each side to seek to.
func letters(t testing.TB, h Harness) (*handle, *oracle) {
	e := h.open(t)
	o := newOracle()
	b := engine.NewBatch()
	for c := byte('b'); c <= 't'; c += 2 {
		k, v := []byte{c}, []byte{c, c}
		b.Put(k, v)
		o.put(k, v)
	}
	apply(t, e, b, false)
	return e, o
}

// boundCases are iterator bounds against the letters store: on keys,
// between keys, outside all keys, empty, inverted.
var boundCases = []struct{ lower, upper string }{
	{"", ""}, {"d", ""}, {"", "h"}, {"d", "h"}, {"c", "i"}, {"d", "e"},
	{"d", "d"}, {"h", "d"}, {"a", "z"}, {"u", "z"}, {"0", "a"}, {"b", "c"},
	{"s", "t"}, {"t", "u"}, {"c", "c\x00"}, {"b\x00", "d"},
}

func boundOpts(lower, upper string) engine.IterOptions {
	var o engine.IterOptions
	if lower != "" {
		o.LowerBound = []byte(lower)
	}
	if upper != "" {
		o.UpperBound = []byte(upper)
	}
	return o
}

func testIterBounds(t testing.TB, h Harness) {
	e, o := letters(t, h)
	for _, bc := range boundCases {
		checkScans(t, e, o, boundOpts(bc.lower, bc.upper))
	}
}

func testIterSeekClamps(t testing.TB, h Harness) {
	e, o := letters(t, h)
	seeks := []string{"", "a", "b", "c", "d", "e", "h", "i", "s", "t", "u", "z", "\xff"}
	for _, bc := range boundCases {
		c := newIterChecker(t, e, o, boundOpts(bc.lower, bc.upper))
		for _, s := range seeks {
			// SeekGE below the lower bound lands on the first key in
			// bounds; SeekLT above the upper bound on the last.
			if c.SeekGE([]byte(s)) {
				c.Prev()
			}
			if c.SeekLT([]byte(s)) {
				c.Next()
			}
			c.SeekGE([]byte(s))
			c.Next()
			c.SeekLT([]byte(s))
			c.Prev()
		}
		c.close()
	}
}

func testIterRunOffEnds(t testing.TB, h Harness) {
	e, o := letters(t, h)
	for _, bc := range boundCases {
		c := newIterChecker(t, e, o, boundOpts(bc.lower, bc.upper))
		// Off the far end: Next and Prev both stay false until repositioned.
		if c.Last() {
			c.Next()
			c.Next()
			c.Prev()
			c.Prev()
		}
		// Off the near end.
		if c.First() {
			c.Prev()
			c.Next()
			c.Prev()
		}
		// Repositioning works after running off.
		c.First()
		c.Next()
		c.SeekLT([]byte("zz"))
		c.Prev()
		// Next and Prev on an unpositioned iterator return false.
		fresh := newIterChecker(t, e, o, boundOpts(bc.lower, bc.upper))
		fresh.Next()
		fresh.Prev()
		fresh.close()
		c.close()
	}
}

func testIterDirectionChanges(t testing.TB, h Harness) {
	e, o := letters(t, h)
	patterns := [][]string{
		{"First", "Next", "Prev", "Prev", "Next", "Next", "Next", "Prev"},
		{"Last", "Prev", "Next", "Next", "Prev", "Prev", "Prev", "Next"},
		{"SeekGE:e", "Prev", "Next", "Next", "Prev"},
		{"SeekGE:d", "Prev", "Prev", "Next", "Next"},
		{"SeekLT:e", "Next", "Prev", "Prev", "Next"},
		{"SeekLT:d", "Next", "Next", "Prev", "Prev"},
		{"First", "Prev", "Next"},
		{"Last", "Next", "Prev"},
		{"SeekGE:t", "Next", "Prev", "Prev"},
		{"SeekLT:c", "Prev", "Next", "Next"},
	}
	for _, bc := range boundCases {
		for _, p := range patterns {
			c := newIterChecker(t, e, o, boundOpts(bc.lower, bc.upper))
			for _, move := range p {
				name, arg, _ := bytes.Cut([]byte(move), []byte(":"))
				switch string(name) {
				case "First":
					c.First()
				case "Last":
					c.Last()
				case "Next":
					c.Next()
				case "Prev":
					c.Prev()
				case "SeekGE":
					c.SeekGE(arg)
				case "SeekLT":
					c.SeekLT(arg)
				}
			}
			c.close()
		}
	}
}

// testIterKeyStable checks that Key and Value stay put until the next
// move, even when the key is overwritten or deleted meanwhile.
func testIterKeyStable(t testing.TB, h Harness) {
	e, _ := letters(t, h)
	it := e.NewIterator(engine.IterOptions{})
	defer it.Close()
	if !it.SeekGE([]byte("h")) {
		t.Fatalf("SeekGE(h) found nothing: %v", it.Err())
	}
	key, value := bytes.Clone(it.Key()), bytes.Clone(it.Value())
	if !it.Valid() || !bytes.Equal(it.Key(), key) || !bytes.Equal(it.Value(), value) {
		t.Fatal("Key/Value changed between two calls with no move")
	}
	put(t, e, "h", "overwritten")
	del(t, e, "j")
	for i := range 100 {
		put(t, e, fmt.Sprintf("h%03d", i), "filler")
	}
	if !bytes.Equal(it.Key(), key) || !bytes.Equal(it.Value(), value) {
		t.Fatalf("after writes, Key/Value = %s/%s; they must stay %s/%s until the next move",
			short(it.Key()), short(it.Value()), short(key), short(value))
	}
	// Whatever the iterator sees of those writes, it moves forward in order.
	prev := key
	for it.Next() {
		if bytes.Compare(it.Key(), prev) <= 0 {
			t.Fatalf("Next went from %s to %s", short(prev), short(it.Key()))
		}
		prev = bytes.Clone(it.Key())
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
}

func testIterEmptyEngine(t testing.TB, h Harness) {
	e := h.open(t)
	o := newOracle()
	for _, bc := range boundCases {
		c := newIterChecker(t, e, o, boundOpts(bc.lower, bc.upper))
		c.First()
		c.Next()
		c.Last()
		c.Prev()
		c.SeekGE([]byte("m"))
		c.SeekLT([]byte("m"))
		c.close()
	}
}

func testIterClose(t testing.TB, h Harness) {
	e, o := letters(t, h)
	unpositioned := e.NewIterator(engine.IterOptions{})
	if err := unpositioned.Close(); err != nil {
		t.Fatalf("Close of an unpositioned iterator: %v", err)
	}
	mid := e.NewIterator(engine.IterOptions{})
	mid.First()
	mid.Next()
	if err := mid.Close(); err != nil {
		t.Fatalf("Close in the middle of a walk: %v", err)
	}
	// Many iterators opened and closed leave the engine working.
	for range 1000 {
		it := e.NewIterator(engine.IterOptions{LowerBound: []byte("c")})
		it.First()
		if err := it.Close(); err != nil {
			t.Fatal(err)
		}
	}
	put(t, e, "new", "v")
	o.put([]byte("new"), []byte("v"))
	checkScans(t, e, o, engine.IterOptions{})
}

// testIterManyKeys walks enough keys to cross any node, block or chunk
// boundary a backend has, with random walks that change direction often.
func testIterManyKeys(t testing.TB, h Harness) {
	e := h.open(t)
	o := newOracle()
	rng := newRand(seed(t))
	b := engine.NewBatch()
	for i := range 5000 {
		k := fmt.Appendf(nil, "key/%05d", i*2)
		v := fmt.Appendf(nil, "value-%d", i)
		b.Put(k, v)
		o.put(k, v)
		if b.Count() == 500 {
			apply(t, e, b, false)
			b.Reset()
		}
	}
	bounds := []engine.IterOptions{
		{},
		{LowerBound: []byte("key/01000"), UpperBound: []byte("key/07001")},
		{LowerBound: []byte("key/04999")},
		{UpperBound: []byte("key/00129")},
	}
	pick := func() []byte { return fmt.Appendf(nil, "key/%05d", rng.IntN(10100)) }
	for _, opts := range bounds {
		checkScans(t, e, o, opts)
		c := newIterChecker(t, e, o, opts)
		randomWalk(c, rng, 3000, pick)
		c.close()
	}
}
