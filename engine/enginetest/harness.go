package enginetest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/aegisdb/aegis/engine"
	"github.com/aegisdb/aegis/internal/testutil"
)

// Harness tells Run how to open the backend under test.
type Harness struct {
	// Open returns a fresh, empty engine each call. The suite closes every
	// engine it opens; Open may register t.Cleanup for anything else.
	Open func(t testing.TB) engine.Engine
	// Reopen closes e and opens it again on the same storage, returning
	// the new engine. Nil skips the reopen tests (non-persistent backends).
	Reopen func(t testing.TB, e engine.Engine) engine.Engine
	// MaxKeySize and MaxValueSize are the largest key and value the backend
	// stores; 0 means no limit to test. A batch holding a larger key or
	// value must fail with engine.ErrKeyTooLarge or engine.ErrValueTooLarge
	// and apply nothing.
	MaxKeySize, MaxValueSize int
}

// test is one conformance test. It takes testing.TB rather than *testing.T
// so the suite's own tests can run it against broken engines through a
// recorder and check that it fails.
type test struct {
	name string
	fn   func(t testing.TB, h Harness)
}

// tests is the non-crash suite, in the order Run runs it.
var tests = []test{
	{"Basic", testBasic},
	{"EmptyValue", testEmptyValue},
	{"EmptyKey", testEmptyKey},
	{"BinaryKeys", testBinaryKeys},
	{"GetReturnsCopy", testGetReturnsCopy},
	{"BatchReuse", testBatchReuse},
	{"BatchLaterOpWins", testBatchLaterOpWins},
	{"DeleteMissing", testDeleteMissing},
	{"EmptyBatch", testEmptyBatch},
	{"IterBounds", testIterBounds},
	{"IterSeekClamps", testIterSeekClamps},
	{"IterRunOffEnds", testIterRunOffEnds},
	{"IterDirectionChanges", testIterDirectionChanges},
	{"IterKeyStable", testIterKeyStable},
	{"IterEmptyEngine", testIterEmptyEngine},
	{"IterClose", testIterClose},
	{"IterManyKeys", testIterManyKeys},
	{"Metrics", testMetrics},
	{"Closed", testClosed},
	{"SizeLimits", testSizeLimits},
	{"Reopen", testReopen},
	{"Model", testModel},
	{"ConcurrentDisjoint", testConcurrentDisjoint},
	{"ConcurrentAtomicity", testConcurrentAtomicity},
}

// Run runs the non-crash conformance tests as subtests of t.
func Run(t *testing.T, h Harness) {
	if h.Open == nil {
		t.Fatal("enginetest: Harness.Open is nil")
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, h) })
	}
}

// open opens a fresh engine and closes it when the test ends.
func (h Harness) open(t testing.TB) *handle {
	t.Helper()
	e := h.Open(t)
	if e == nil {
		t.Fatal("Harness.Open returned a nil engine")
	}
	hd := &handle{Engine: e}
	t.Cleanup(func() { hd.close(t) })
	return hd
}

// handle holds the engine a test works on; reopen replaces it.
type handle struct {
	engine.Engine
	closed bool
}

func (hd *handle) close(t testing.TB) {
	if hd.closed {
		return
	}
	hd.closed = true
	if err := hd.Engine.Close(); err != nil && !errors.Is(err, engine.ErrClosed) {
		t.Errorf("Close: %v", err)
	}
}

// reopen closes and reopens the engine through the harness.
func (h Harness) reopen(t testing.TB, hd *handle) {
	t.Helper()
	e := h.Reopen(t, hd.Engine)
	if e == nil {
		t.Fatal("Harness.Reopen returned a nil engine")
	}
	hd.Engine = e
}

// seed returns the random seed for a test (AEGIS_SEED if set), logged so
// a failure can be replayed.
func seed(t testing.TB) uint64 { t.Helper(); return testutil.Seed(t) }

func newRand(s uint64) *rand.Rand { return rand.New(rand.NewPCG(s, s^0x9e3779b97f4a7c15)) }

// apply applies b and fails the test on error.
func apply(t testing.TB, e engine.Engine, b *engine.Batch, sync bool) {
	t.Helper()
	if err := e.Apply(b, engine.WriteOptions{Sync: sync}); err != nil {
		t.Fatalf("Apply(%d ops): %v", b.Count(), err)
	}
}

// put applies a one-put batch.
func put(t testing.TB, e engine.Engine, key, value string) {
	t.Helper()
	b := engine.NewBatch()
	b.Put([]byte(key), []byte(value))
	apply(t, e, b, false)
}

// del applies a one-delete batch.
func del(t testing.TB, e engine.Engine, key string) {
	t.Helper()
	b := engine.NewBatch()
	b.Delete([]byte(key))
	apply(t, e, b, false)
}

// mustGet fails unless key holds want.
func mustGet(t testing.TB, e engine.Engine, key, want string) {
	t.Helper()
	got, err := e.Get([]byte(key))
	if err != nil {
		t.Fatalf("Get(%q): %v, want %q", key, err, want)
	}
	if string(got) != want {
		t.Fatalf("Get(%q) = %q, want %q", key, got, want)
	}
}

// mustMiss fails unless key is absent.
func mustMiss(t testing.TB, e engine.Engine, key string) {
	t.Helper()
	got, err := e.Get([]byte(key))
	if !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("Get(%q) = %q, %v; want engine.ErrNotFound", key, got, err)
	}
}

// short quotes a key for messages, abbreviating long ones.
func short(b []byte) string {
	if b == nil {
		return "nil"
	}
	if len(b) > 40 {
		return fmt.Sprintf("%q...(%d bytes)", b[:32], len(b))
	}
	return fmt.Sprintf("%q", b)
}
