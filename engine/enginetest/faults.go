package enginetest

import (
	"fmt"
	"testing"

	"github.com/aegisdb/aegis/engine"
	"github.com/aegisdb/aegis/vfs"
)

// testFailedSync fails syncs part way through a workload. A batch whose
// synced Apply failed is not acknowledged; the engine may keep working or
// fail every later call, but after a crash the acknowledged batches must
// still obey the rules.
func testFailedSync(t testing.TB, h CrashHarness, iterations int) {
	testFaults(t, h, iterations, func(r *crashRun) vfs.Rule {
		return vfs.Rule{Ops: vfs.OpSync, AfterNth: r.rng.IntN(5), Probability: 0.5}
	})
}

// testFailedWrite fails a write part way through, leaving part of it in
// the file, as a full disk or an I/O error would.
func testFailedWrite(t testing.TB, h CrashHarness, iterations int) {
	testFaults(t, h, iterations, func(r *crashRun) vfs.Rule {
		return vfs.Rule{Ops: vfs.OpWrite, Nth: 1 + r.rng.IntN(20), PartialWrite: true}
	})
}

func testFaults(t testing.TB, h CrashHarness, iterations int, rule func(*crashRun) vfs.Rule) {
	base := seed(t)
	injected := 0
	for i := range iterations {
		r := newCrashRun(t, h, base, i)
		mem := vfs.NewMem()
		faulty := vfs.NewFaultFS(mem, r.seed)
		e := r.open(faulty, "first open")
		hist := &history{}
		if res := hist.runWorkload(e, r.rng, r.rng.IntN(10), 0.3); res.failures > 0 {
			r.fatalf("workload before any fault was injected: %d calls failed", res.failures)
		}
		faulty.AddRule(rule(r))
		hist.runWorkload(e, r.rng, 1+r.rng.IntN(30), 0.5)
		injected += faulty.Injected()
		// Reads on an engine that saw a write fail must not panic; what
		// they return is not checked.
		e.Get(markerKey(1))
		it := e.NewIterator(engine.IterOptions{})
		for ok := it.First(); ok; ok = it.Next() {
		}
		it.Close()
		fs := r.crash(mem, e, r.randomMode())
		e, _ = r.recoverAndVerify(fs, hist, "recovery after injected faults")
		r.closeAndCheck(fs, e, "recovery after injected faults")
	}
	if injected == 0 {
		t.Errorf("no fault fired in %d iterations, so nothing was tested; the workload makes too few calls for the rule", iterations)
	}
}

// testFaultDuringOpen recovers a crashed store with its Nth file-system
// call failing, for N = 1, 2, ... until an open runs without reaching the
// fault. An open that fails must fail cleanly: a crash after it and a
// plain recovery must still keep the rules. An open that succeeds despite
// the fault must be correct.
func testFaultDuringOpen(t testing.TB, h CrashHarness, iterations int) {
	base := seed(t)
	for i := range max(1, iterations/10) {
		r := newCrashRun(t, h, base, i)
		mem := vfs.NewMem()
		e := r.open(mem, "first open")
		hist := &history{}
		hist.runWorkload(e, r.rng, 1+r.rng.IntN(30), 0.3)
		fs := r.crash(mem, e, r.randomMode())
		for n := 1; ; n++ {
			if n > 10000 {
				r.fatalf("open still reaches its %dth file-system call", n)
			}
			faulty := vfs.NewFaultFS(fs, r.seed)
			faulty.AddRule(vfs.Rule{Ops: vfs.OpAll, Nth: n})
			what := fmt.Sprintf("open with file-system call %d failing", n)
			e, err := h.Open(faulty, crashDir)
			if err == nil {
				s, verr := hist.verify(e)
				if verr != nil {
					e.Close()
					r.fatalf("%s: the open succeeded but: %v", what, verr)
				}
				hist.settle(s)
				e.Close()
				if faulty.Injected() == 0 {
					break
				}
			}
			fs = r.crash(fs, nil, r.randomMode())
			e, s := r.recoverAndVerify(fs, hist, "plain recovery after an "+what)
			hist.settle(s)
			e.Close()
			fs = r.crash(fs, nil, vfs.CrashDropUnsynced)
		}
		e, _ = r.recoverAndVerify(fs, hist, "the last open")
		r.closeAndCheck(fs, e, "the last open")
	}
}
