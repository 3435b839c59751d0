package enginetest

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/aegisdb/aegis/engine"
)

// iterChecker drives an engine iterator and the oracle's model of it with
// the same moves and fails the test at the first move where they differ.
type iterChecker struct {
	t     testing.TB
	it    engine.Iterator
	model *oracleIter
	trail []string // the moves so far, for the failure message
}

func newIterChecker(t testing.TB, e engine.Engine, o *oracle, opts engine.IterOptions) *iterChecker {
	return &iterChecker{
		t:     t,
		it:    e.NewIterator(opts),
		model: o.iter(opts),
		trail: []string{fmt.Sprintf("NewIterator(lower=%s, upper=%s)", short(opts.LowerBound), short(opts.UpperBound))},
	}
}

func (c *iterChecker) close() {
	if err := c.it.Close(); err != nil {
		c.t.Fatalf("Iterator.Close: %v", err)
	}
}

func (c *iterChecker) First() bool {
	c.t.Helper()
	return c.check("First()", c.it.First(), c.model.First())
}
func (c *iterChecker) Last() bool {
	c.t.Helper()
	return c.check("Last()", c.it.Last(), c.model.Last())
}
func (c *iterChecker) Next() bool {
	c.t.Helper()
	return c.check("Next()", c.it.Next(), c.model.Next())
}
func (c *iterChecker) Prev() bool {
	c.t.Helper()
	return c.check("Prev()", c.it.Prev(), c.model.Prev())
}

func (c *iterChecker) SeekGE(k []byte) bool {
	c.t.Helper()
	return c.check("SeekGE("+short(k)+")", c.it.SeekGE(k), c.model.SeekGE(k))
}

func (c *iterChecker) SeekLT(k []byte) bool {
	c.t.Helper()
	return c.check("SeekLT("+short(k)+")", c.it.SeekLT(k), c.model.SeekLT(k))
}

// check compares the engine iterator with the model after one move.
func (c *iterChecker) check(move string, got, want bool) bool {
	c.t.Helper()
	c.trail = append(c.trail, move)
	fail := func(format string, args ...any) {
		c.t.Helper()
		trail := c.trail
		if len(trail) > 20 {
			trail = append([]string{"..."}, trail[len(trail)-20:]...)
		}
		c.t.Fatalf("%s: %s\nmoves: %v", move, fmt.Sprintf(format, args...), trail)
	}
	if got != want {
		if want {
			fail("returned false (Err=%v), want true at %s", c.it.Err(), short([]byte(c.model.key())))
		}
		fail("returned true at %s, want false", short(c.it.Key()))
	}
	if c.it.Valid() != got {
		fail("returned %v but Valid() = %v", got, c.it.Valid())
	}
	if !got {
		if err := c.it.Err(); err != nil {
			fail("Err() = %v after reaching the end, want nil", err)
		}
		return false
	}
	wantKey := c.model.key()
	if string(c.it.Key()) != wantKey {
		fail("at key %s, want %s", short(c.it.Key()), short([]byte(wantKey)))
	}
	if wantValue := c.model.o.values[wantKey]; !bytes.Equal(c.it.Value(), wantValue) {
		fail("at key %s value %s, want %s", short(c.it.Key()), short(c.it.Value()), short(wantValue))
	}
	return true
}

// checkScans checks a full forward and a full backward scan within opts.
func checkScans(t testing.TB, e engine.Engine, o *oracle, opts engine.IterOptions) {
	t.Helper()
	c := newIterChecker(t, e, o, opts)
	defer c.close()
	n := 0
	for ok := c.First(); ok; ok = c.Next() {
		n++
	}
	c.Next() // off the end stays off
	for ok := c.Last(); ok; ok = c.Prev() {
		n--
	}
	c.Prev()
	if n != 0 {
		t.Fatalf("forward and backward scans saw different numbers of keys (difference %d)", n)
	}
}

// randomWalk makes n random moves, checking each against the oracle. Seek
// targets come from pick, which should return keys near the stored ones.
func randomWalk(c *iterChecker, rng *rand.Rand, n int, pick func() []byte) {
	c.t.Helper()
	for range n {
		switch r := rng.IntN(100); {
		case r < 5:
			c.First()
		case r < 10:
			c.Last()
		case r < 20:
			c.SeekGE(pick())
		case r < 30:
			c.SeekLT(pick())
		case r < 65:
			c.Next()
		default:
			c.Prev()
		}
	}
}
