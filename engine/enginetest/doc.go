// Package enginetest is the conformance suite every storage backend runs:
// one call checks that a backend keeps the engine.Engine contract.
//
// Uses: engine, vfs (and, in its own tests, engine/memory). Used by: the
// tests of engine/memory, btree and lsm.
//
// A backend's test file needs a few lines:
//
//	func TestConformance(t *testing.T) {
//		enginetest.Run(t, enginetest.Harness{
//			Open:   func(t testing.TB) engine.Engine { ... a fresh, empty engine ... },
//			Reopen: func(t testing.TB, e engine.Engine) engine.Engine { ... close e, open its storage again ... },
//		})
//	}
//
//	func TestCrash(t *testing.T) {
//		enginetest.RunCrash(t, enginetest.CrashHarness{
//			Open:  func(fs vfs.FS, dir string) (engine.Engine, error) { ... },
//			Check: func(fs vfs.FS, dir string) error { ... the backend's checker ... },
//		})
//	}
//
// # What Run checks
//
//   - A model test: random batches (puts and deletes, keys repeating within
//     a batch), Gets and iterator walks with random bounds and random
//     First/Last/SeekGE/SeekLT/Next/Prev sequences, each result compared
//     with a sorted map (the oracle), with reopens in between when the
//     harness can reopen. Keys share prefixes, include the empty key, 0x00
//     and 0xff bytes and keys up to 1000 bytes; values are empty, short or
//     up to 64 KiB (all capped by the harness's size limits).
//   - The iterator contract of engine.go case by case: inclusive lower and
//     exclusive upper bounds (empty, inverted, between keys), SeekGE and
//     SeekLT clamped to the bounds, Next and Prev false after running off
//     either end, direction changes, Key and Value stable until the next
//     move even across writes, Err nil at the end, Close.
//   - Batches: a later op on a key wins, Apply keeps no reference to the
//     batch or its slices, empty values, deleting missing keys, empty
//     batches; Get returns a copy; Metrics counters move by what was
//     handed in; every call after Close returns engine.ErrClosed; keys and
//     values above the harness's limits fail and apply nothing.
//   - Concurrency (run it with -race): workers writing disjoint key ranges
//     check their own reads exactly while others write; and one writer
//     applies batches stamping a generation number on a group of keys
//     while readers check what the contract promises: a Get sees every
//     batch applied before it started, successive Gets never go back a
//     generation (which a half-applied batch would cause), and iterators
//     see every batch applied before they opened and keys in order within
//     bounds. Iterators are not required to see one generation across the
//     group, since the engine keeps no snapshots.
//
// # What RunCrash checks
//
// RunCrash runs workloads of synced and unsynced batches on a vfs.MemFS,
// crashes it (vfs.MemFS.CrashClone in each mode: drop unsynced data, keep
// a torn prefix of it, keep a random subset of unsynced writes), recovers
// the copy and checks the
// durability contract of engine.Engine.Apply: the batches present are a
// prefix of those applied, covering every batch up to the last synced
// Apply or Flush that returned nil; every batch present is whole; nothing
// else is there. Crashes land between batches and, with a writer running,
// in the middle of one (a batch whose Apply had not returned is not
// acknowledged: it may survive or not, but whole). Each batch writes a marker key naming itself plus data
// values naming it, so the check knows which batches survived and what
// exactly the store must hold. It also crashes again right after a
// recovery, runs repeated crash/recover cycles on one store, and fails
// syncs and writes with vfs.FaultFS: a batch whose Apply failed is not
// counted as acknowledged, and the engine may keep working or fail every
// later call cleanly, but recovery must still keep the rules. Last, it
// fails the Nth file-system call of a recovery for N = 1, 2, ... until a
// recovery gets through: a failed Open must leave a store that recovers.
// After each recovery the harness's Check runs on the closed store.
//
// The suite's own tests run both suites on a tiny log-structured reference
// engine, and run each check on broken variants (a sync acknowledged but
// not done, a batch logged op by op, appending after a torn tail or after
// a failed write, a directory never synced; an iterator ignoring its lower
// bound, a half-applied batch, ...) to show that it fails them.
//
// # Knobs
//
//   - AEGIS_SEED=n replays a failure: every randomized test logs its seed.
//   - AEGIS_LONG=1 makes the model test ten times as long.
//   - AEGIS_CRASH_ITERATIONS=n sets the crash iterations per test (default
//     50, which keeps a backend's crash suite to seconds).
//   - go test -short shortens the concurrency tests.
//
// # Simplifications
//
// The suite checks behaviour, not performance. The concurrency checks are
// only as strong as the schedules the Go runtime happens to produce; a
// backend with a narrow race may pass a run and fail the next. Crashes
// are taken between Apply calls (background work of the engine may be in
// flight) or while one writer goroutine is inside Apply; the suite never
// crashes in the middle of Open except by failing its calls. Crash
// workloads have one writer, since the survivors are checked against the
// order batches were applied in; crashes under concurrent writers (group
// commit with many waiters) are not tested here.
package enginetest
