package enginetest

import (
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/aegisdb/aegis/engine"
	"github.com/aegisdb/aegis/vfs"
)

// CrashHarness tells RunCrash how to open a persistent backend.
type CrashHarness struct {
	// Open opens the backend stored in dir on fs, creating it if dir is
	// empty and recovering it after a crash otherwise.
	Open func(fs vfs.FS, dir string) (engine.Engine, error)
	// Check, if not nil, is the backend's invariant checker. RunCrash calls
	// it on dir after each recovered engine has been verified and closed.
	Check func(fs vfs.FS, dir string) error
}

// crashDir is the directory the crash tests keep the store in.
const crashDir = "db"

// crashIterations is how many crashes each crash test simulates:
// AEGIS_CRASH_ITERATIONS, or 50.
func crashIterations(t testing.TB) int {
	if env := os.Getenv("AEGIS_CRASH_ITERATIONS"); env != "" {
		n, err := strconv.Atoi(env)
		if err != nil || n < 1 {
			t.Fatalf("AEGIS_CRASH_ITERATIONS=%q: want a positive number", env)
		}
		return n
	}
	return 50
}

// crashModes are the ways RunCrash crashes a file system.
var crashModes = []struct {
	name string
	mode vfs.CrashMode
}{
	{"DropUnsynced", vfs.CrashDropUnsynced},
	{"TornTail", vfs.CrashTornTail},
	{"RandomWrites", vfs.CrashRandomWrites},
}

// crashTest is one crash test, run for a number of iterations.
type crashTest struct {
	name string
	fn   func(t testing.TB, h CrashHarness, iterations int)
}

func crashTests() []crashTest {
	var tests []crashTest
	for _, m := range crashModes {
		tests = append(tests, crashTest{"Crash/" + m.name, func(t testing.TB, h CrashHarness, n int) { testCrash(t, h, m.mode, n) }})
	}
	return append(tests,
		crashTest{"CrashDuringWrites", testCrashDuringWrites},
		crashTest{"CrashDuringRecovery", testCrashDuringRecovery},
		crashTest{"RepeatedCrashes", testRepeatedCrashes},
		crashTest{"FailedSync", testFailedSync},
		crashTest{"FailedWrite", testFailedWrite},
		crashTest{"FaultDuringOpen", testFaultDuringOpen},
	)
}

// RunCrash runs the crash tests for a persistent backend on vfs.MemFS:
// random workloads of synced and unsynced batches, a simulated crash at a
// random point in each way vfs can crash, recovery, and a check that every
// acknowledged durable batch survived whole and nothing else appeared.
func RunCrash(t *testing.T, h CrashHarness) {
	if h.Open == nil {
		t.Fatal("enginetest: CrashHarness.Open is nil")
	}
	n := crashIterations(t)
	for _, tc := range crashTests() {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, h, n) })
	}
}

// crashRun is one iteration's state: its seed, for the failure message,
// and its random source.
type crashRun struct {
	t    testing.TB
	h    CrashHarness
	seed uint64
	rng  *rand.Rand
}

func newCrashRun(t testing.TB, h CrashHarness, base uint64, i int) *crashRun {
	s := base + uint64(i)*0x9e3779b97f4a7c15
	return &crashRun{t: t, h: h, seed: s, rng: newRand(s)}
}

func (r *crashRun) fatalf(format string, args ...any) {
	r.t.Helper()
	r.t.Fatalf("%s\n(iteration seed %d; replay the whole test with the AEGIS_SEED logged above)", fmt.Sprintf(format, args...), r.seed)
}

func (r *crashRun) open(fs vfs.FS, what string) engine.Engine {
	r.t.Helper()
	e, err := r.h.Open(fs, crashDir)
	if err != nil {
		r.fatalf("%s: Open: %v", what, err)
	}
	if e == nil {
		r.fatalf("%s: Open returned a nil engine", what)
	}
	return e
}

// crash simulates a crash of fs and closes the engine that was running on
// it; the engine's writes after the crash go to the old fs, unseen.
func (r *crashRun) crash(fs *vfs.MemFS, e engine.Engine, mode vfs.CrashMode) *vfs.MemFS {
	clone := fs.CrashClone(vfs.CrashOptions{Mode: mode, Rand: r.rng})
	if e != nil {
		e.Close() // errors are expected: the engine may have failed
	}
	return clone
}

// recoverAndVerify opens the store on fs, checks it against hist and
// returns the open engine and what survived.
func (r *crashRun) recoverAndVerify(fs vfs.FS, hist *history, what string) (engine.Engine, survivors) {
	r.t.Helper()
	e := r.open(fs, what)
	s, err := hist.verify(e)
	if err != nil {
		e.Close()
		r.fatalf("%s: %v", what, err)
	}
	return e, s
}

// closeAndCheck closes the engine and runs the backend's checker.
func (r *crashRun) closeAndCheck(fs vfs.FS, e engine.Engine, what string) {
	r.t.Helper()
	if err := e.Close(); err != nil {
		r.fatalf("%s: Close: %v", what, err)
	}
	if r.h.Check != nil {
		if err := r.h.Check(fs, crashDir); err != nil {
			r.fatalf("%s: Check: %v", what, err)
		}
	}
}

func (r *crashRun) randomMode() vfs.CrashMode {
	return crashModes[r.rng.IntN(len(crashModes))].mode
}

// testCrash: workload, crash, recover, verify; then write more, close
// cleanly, reopen and verify that a clean close kept everything.
func testCrash(t testing.TB, h CrashHarness, mode vfs.CrashMode, iterations int) {
	base := seed(t)
	for i := range iterations {
		r := newCrashRun(t, h, base, i)
		fs := vfs.NewMem()
		e := r.open(fs, "first open")
		hist := &history{}
		if res := hist.runWorkload(e, r.rng, r.rng.IntN(40), 0.3); res.failures > 0 {
			r.fatalf("workload on a healthy file system: %d calls failed", res.failures)
		}
		if r.rng.IntN(4) == 0 {
			// The workload's state must be readable before any crash too.
			if _, err := hist.verify(e); err != nil {
				r.fatalf("before the crash: %v", err)
			}
		}
		fs = r.crash(fs, e, mode)
		e, s := r.recoverAndVerify(fs, hist, "after the crash")
		hist.settle(s)

		if res := hist.runWorkload(e, r.rng, r.rng.IntN(10), 0.3); res.failures > 0 {
			r.fatalf("workload after recovery: %d calls failed", res.failures)
		}
		r.closeAndCheck(fs, e, "after recovery")
		hist.durable = len(hist.batches) // Close made everything durable
		e, _ = r.recoverAndVerify(fs, hist, "reopen after a clean close")
		r.closeAndCheck(fs, e, "reopen after a clean close")
	}
}

// testCrashDuringRecovery crashes again right after recovery, before any
// write: whatever the first recovery showed must still be there.
func testCrashDuringRecovery(t testing.TB, h CrashHarness, iterations int) {
	base := seed(t)
	for i := range iterations {
		r := newCrashRun(t, h, base, i)
		fs := vfs.NewMem()
		e := r.open(fs, "first open")
		hist := &history{}
		hist.runWorkload(e, r.rng, 1+r.rng.IntN(40), 0.3)
		fs = r.crash(fs, e, r.randomMode())
		e, s := r.recoverAndVerify(fs, hist, "first recovery")
		hist.settle(s)
		fs = r.crash(fs, e, r.randomMode())
		e, s2 := r.recoverAndVerify(fs, hist, "recovery after a crash during recovery")
		if len(s2.present) != len(s.present) {
			r.fatalf("the first recovery showed batches %v; after crashing right after it: %v", s, s2)
		}
		r.closeAndCheck(fs, e, "second recovery")
	}
}

// testRepeatedCrashes runs cycles of workload, crash and recovery on one
// store, so each recovery starts from a recovered store.
func testRepeatedCrashes(t testing.TB, h CrashHarness, iterations int) {
	base := seed(t)
	for i := range max(1, iterations/5) {
		r := newCrashRun(t, h, base, i)
		fs := vfs.NewMem()
		hist := &history{}
		for cycle := range 8 {
			what := fmt.Sprintf("cycle %d", cycle)
			e, s := r.recoverAndVerify(fs, hist, what)
			hist.settle(s)
			hist.runWorkload(e, r.rng, r.rng.IntN(30), 0.3)
			if r.rng.IntN(4) == 0 {
				r.closeAndCheck(fs, e, what)
				hist.durable = len(hist.batches)
				e = nil
			}
			fs = r.crash(fs, e, r.randomMode())
		}
		e, _ := r.recoverAndVerify(fs, hist, "last cycle")
		r.closeAndCheck(fs, e, "last cycle")
	}
}

// testCrashDuringWrites crashes while a writer goroutine is inside Apply,
// so the crash can land in the middle of a log write, a group commit or a
// memtable flush. A batch whose Apply had not returned before the crash
// began counts as unacknowledged: it may be there or not, but whole.
func testCrashDuringWrites(t testing.TB, h CrashHarness, iterations int) {
	base := seed(t)
	for i := range iterations {
		r := newCrashRun(t, h, base, i)
		fs := vfs.NewMem()
		e := r.open(fs, "first open")
		hist := &history{}
		writerRng := newRand(r.seed + 1)
		var crashing atomic.Bool
		var applied atomic.Int64
		done := make(chan struct{})
		go func() {
			defer close(done)
			for !crashing.Load() {
				cb := hist.newBatch(writerRng)
				sync := writerRng.IntN(3) == 0
				err := e.Apply(cb.batch, engine.WriteOptions{Sync: sync})
				// Only an Apply that returned before the crash began is
				// acknowledged to it.
				cb.acked = err == nil && !crashing.Load()
				hist.batches = append(hist.batches, cb)
				if cb.acked && sync {
					hist.durable = len(hist.batches)
				}
				applied.Add(1)
			}
		}()
		for target := r.rng.Int64N(40); applied.Load() < target; {
			runtime.Gosched()
		}
		crashing.Store(true)
		crashed := fs.CrashClone(vfs.CrashOptions{Mode: r.randomMode(), Rand: r.rng})
		<-done
		e.Close()
		e, _ = r.recoverAndVerify(crashed, hist, "after a crash during writes")
		r.closeAndCheck(crashed, e, "after a crash during writes")
	}
}
