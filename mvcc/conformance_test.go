package mvcc

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/aegisdb/aegis/engine"
)

// The conformance tests: the anomalies each isolation level must prevent
// (and the one snapshot isolation allows), on every registered backend.
// Names follow Berenson et al., "A Critique of ANSI SQL Isolation Levels"
// (1995): P0 dirty write, P1 dirty read, P4 lost update, A5B write skew.

func TestReadYourWrites(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e engine.Engine) {
		db := openDB(t, e, Options{})
		put(t, db, "a", "old", "c", "gone")
		txn := begin(t, db, TxnOptions{})
		mustPut(t, txn, "a", "new")
		mustPut(t, txn, "b", "mine")
		if err := txn.Delete([]byte("c")); err != nil {
			t.Fatal(err)
		}
		wantGet(t, txn, "a", "new", false)
		wantGet(t, txn, "b", "mine", false)
		wantGet(t, txn, "c", "", true)
		if got, want := scanAll(t, txn, nil, nil), []string{"a=new", "b=mine"}; !slices.Equal(got, want) {
			t.Fatalf("scan = %q, want %q", got, want)
		}
		mustCommit(t, txn)
		after := begin(t, db, TxnOptions{ReadOnly: true})
		defer after.Rollback()
		if got, want := scanAll(t, after, nil, nil), []string{"a=new", "b=mine"}; !slices.Equal(got, want) {
			t.Fatalf("scan after commit = %q, want %q", got, want)
		}
	})
}

func TestRepeatableRead(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e engine.Engine) {
		db := openDB(t, e, Options{})
		put(t, db, "k", "v1", "m", "m1")
		reader := begin(t, db, TxnOptions{ReadOnly: true})
		defer reader.Rollback()
		wantGet(t, reader, "k", "v1", false)
		first := scanAll(t, reader, nil, nil)

		writer := begin(t, db, TxnOptions{})
		mustPut(t, writer, "k", "v2")
		mustPut(t, writer, "l", "phantom")
		if err := writer.Delete([]byte("m")); err != nil {
			t.Fatal(err)
		}
		mustCommit(t, writer)

		wantGet(t, reader, "k", "v1", false)
		wantGet(t, reader, "l", "", true)
		if again := scanAll(t, reader, nil, nil); !slices.Equal(first, again) {
			t.Fatalf("second scan %q differs from first %q", again, first)
		}
	})
}

func TestNoDirtyReads(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e engine.Engine) {
		db := openDB(t, e, Options{})
		writer := begin(t, db, TxnOptions{})
		mustPut(t, writer, "k", "uncommitted")
		reader := begin(t, db, TxnOptions{ReadOnly: true})
		wantGet(t, reader, "k", "", true)
		if got := scanAll(t, reader, nil, nil); len(got) != 0 {
			t.Fatalf("scan saw uncommitted %q", got)
		}
		mustCommit(t, writer)
		wantGet(t, reader, "k", "", true) // still its old snapshot
		reader.Rollback()

		// A rolled-back write is never seen by anyone.
		aborted := begin(t, db, TxnOptions{})
		mustPut(t, aborted, "k", "rolled back")
		aborted.Rollback()
		later := begin(t, db, TxnOptions{ReadOnly: true})
		defer later.Rollback()
		wantGet(t, later, "k", "uncommitted", false)
	})
}

func TestLostUpdatePrevented(t *testing.T) {
	for _, iso := range []Isolation{SnapshotIsolation, Serializable} {
		t.Run(iso.String(), func(t *testing.T) {
			forEachBackend(t, func(t *testing.T, e engine.Engine) {
				db := openDB(t, e, Options{})
				put(t, db, "counter", "0")
				increment := func(txn *Txn) {
					v, err := txn.Get([]byte("counter"))
					if err != nil {
						t.Fatal(err)
					}
					var n int
					fmt.Sscan(string(v), &n)
					mustPut(t, txn, "counter", fmt.Sprint(n+1))
				}
				t1 := begin(t, db, TxnOptions{Isolation: iso})
				t2 := begin(t, db, TxnOptions{Isolation: iso})
				increment(t1)
				increment(t2)
				mustCommit(t, t1)
				err := t2.Commit()
				var ce *ConflictError
				if !errors.Is(err, ErrConflict) || !errors.As(err, &ce) {
					t.Fatalf("second increment committed: %v", err)
				}
				if ce.Kind != WriteWrite || string(ce.Key) != "counter" || ce.ReadTS >= ce.CommitTS {
					t.Fatalf("conflict = %+v", ce)
				}
				// The retry sees the first increment.
				retry := begin(t, db, TxnOptions{Isolation: iso})
				increment(retry)
				mustCommit(t, retry)
				check := begin(t, db, TxnOptions{ReadOnly: true})
				defer check.Rollback()
				wantGet(t, check, "counter", "2", false)
				if m := db.Metrics(); m.Aborts.WriteWrite != 1 || m.Commits != 3 {
					t.Fatalf("metrics = %+v", m)
				}
			})
		})
	}
}

// TestWriteSkew is the doctors-on-call example: each of two doctors checks
// that the other is on call and then goes off call. Snapshot isolation lets
// both commit (A5B, write skew), leaving nobody on call; serializable must
// reject the second commit.
func TestWriteSkew(t *testing.T) {
	for _, tc := range []struct {
		iso         Isolation
		wantOnCall  int
		wantAborted bool
	}{
		{SnapshotIsolation, 0, false},
		{Serializable, 1, true},
	} {
		t.Run(tc.iso.String(), func(t *testing.T) {
			forEachBackend(t, func(t *testing.T, e engine.Engine) {
				db := openDB(t, e, Options{})
				put(t, db, "oncall/alice", "yes", "oncall/bob", "yes")
				goOffCall := func(txn *Txn, me string) {
					onCall := 0
					for _, kv := range scanAll(t, txn, []byte("oncall/"), []byte("oncall0")) {
						if kv[len(kv)-3:] == "yes" {
							onCall++
						}
					}
					if onCall >= 2 {
						mustPut(t, txn, "oncall/"+me, "no")
					}
				}
				alice := begin(t, db, TxnOptions{Isolation: tc.iso})
				bob := begin(t, db, TxnOptions{Isolation: tc.iso})
				goOffCall(alice, "alice")
				goOffCall(bob, "bob")
				mustCommit(t, alice)
				err := bob.Commit()
				if tc.wantAborted {
					var ce *ConflictError
					if !errors.As(err, &ce) || ce.Kind != ReadWrite || string(ce.Key) != "oncall/alice" {
						t.Fatalf("bob's commit: %v, want a read-write conflict on oncall/alice", err)
					}
				} else if err != nil {
					t.Fatalf("bob's commit: %v", err)
				}
				check := begin(t, db, TxnOptions{ReadOnly: true})
				defer check.Rollback()
				onCall := 0
				for _, kv := range scanAll(t, check, []byte("oncall/"), []byte("oncall0")) {
					if kv[len(kv)-3:] == "yes" {
						onCall++
					}
				}
				if onCall != tc.wantOnCall {
					t.Fatalf("%d doctors on call, want %d", onCall, tc.wantOnCall)
				}
			})
		})
	}
}

// TestSerializableWriteSkewWithGet is write skew through point reads
// rather than a scan, and a phantom: a key inserted into a scanned range.
func TestSerializablePointReadsAndPhantoms(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e engine.Engine) {
		db := openDB(t, e, Options{})
		put(t, db, "x", "1", "y", "1")
		t1 := begin(t, db, TxnOptions{Isolation: Serializable})
		t2 := begin(t, db, TxnOptions{Isolation: Serializable})
		wantGet(t, t1, "y", "1", false)
		mustPut(t, t1, "x", "0")
		wantGet(t, t2, "x", "1", false)
		mustPut(t, t2, "y", "0")
		mustCommit(t, t1)
		if err := t2.Commit(); !errors.Is(err, ErrConflict) {
			t.Fatalf("point-read write skew committed: %v", err)
		}

		scanner := begin(t, db, TxnOptions{Isolation: Serializable})
		scanAll(t, scanner, []byte("p/"), []byte("p0"))
		mustPut(t, scanner, "summary", "empty")
		put(t, db, "p/new", "phantom")
		if err := scanner.Commit(); !errors.Is(err, ErrConflict) {
			t.Fatalf("phantom in scanned range committed: %v", err)
		}

		// A write outside everything read does not conflict.
		t3 := begin(t, db, TxnOptions{Isolation: Serializable})
		wantGet(t, t3, "x", "0", false)
		mustPut(t, t3, "z", "1")
		put(t, db, "unrelated", "1")
		mustCommit(t, t3)
	})
}

func TestTimeTravel(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e engine.Engine) {
		db := openDB(t, e, Options{})
		ts1 := put(t, db, "k", "one")
		ts2 := put(t, db, "k", "two")
		txn := begin(t, db, TxnOptions{})
		if err := txn.Delete([]byte("k")); err != nil {
			t.Fatal(err)
		}
		mustCommit(t, txn)
		for ts, want := range map[uint64]string{ts1: "one", ts2: "two"} {
			old := begin(t, db, TxnOptions{AsOf: ts})
			wantGet(t, old, "k", want, false)
			if err := old.Put([]byte("k"), nil); !errors.Is(err, ErrReadOnly) {
				t.Fatalf("put in time travel: %v", err)
			}
			old.Rollback()
		}
		now := begin(t, db, TxnOptions{ReadOnly: true})
		wantGet(t, now, "k", "", true)
		now.Rollback()
		if _, err := db.Begin(TxnOptions{AsOf: db.LastCommitted() + 1}); !errors.Is(err, ErrFutureTimestamp) {
			t.Fatalf("begin in the future: %v", err)
		}
		if _, err := db.GCCycle(); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Begin(TxnOptions{AsOf: ts1}); !errors.Is(err, ErrSnapshotTooOld) {
			t.Fatalf("begin below the GC horizon: %v", err)
		}
	})
}

func TestTxnLifecycleErrors(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e engine.Engine) {
		db := openDB(t, e, Options{})
		ro := begin(t, db, TxnOptions{ReadOnly: true})
		if err := ro.Delete([]byte("k")); !errors.Is(err, ErrReadOnly) {
			t.Fatalf("delete in read-only txn: %v", err)
		}
		mustCommit(t, ro)
		if _, err := ro.Get([]byte("k")); !errors.Is(err, ErrTxnDone) {
			t.Fatalf("get after commit: %v", err)
		}
		if err := ro.Commit(); !errors.Is(err, ErrTxnDone) {
			t.Fatalf("second commit: %v", err)
		}
		it := ro.Scan(nil, nil)
		if it.Next() || !errors.Is(it.Err(), ErrTxnDone) {
			t.Fatalf("scan after commit: %v", it.Err())
		}
		ro.Rollback() // no-op
		if m := db.Metrics(); m.ActiveTxns != 0 || m.ReadOnlyCommits != 1 || m.Aborts.Rollback != 0 {
			t.Fatalf("metrics = %+v", m)
		}
		open := begin(t, db, TxnOptions{})
		mustPut(t, open, "k", "v")
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		if err := open.Commit(); !errors.Is(err, ErrClosed) {
			t.Fatalf("commit after close: %v", err)
		}
		if err := db.Close(); !errors.Is(err, ErrClosed) {
			t.Fatalf("second close: %v", err)
		}
		if _, err := db.Begin(TxnOptions{}); !errors.Is(err, ErrClosed) {
			t.Fatalf("begin after close: %v", err)
		}
	})
}

// TestReopenRestoresClock checks that the clock is recovered from the
// engine: a reopened DB continues after the last commit and sees its data.
func TestReopenRestoresClock(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e engine.Engine) {
		db := openDB(t, e, Options{SyncOnCommit: true})
		put(t, db, "a", "1")
		last := put(t, db, "a", "2", "b", "3")
		db.Close()
		db2 := openDB(t, e, Options{})
		if db2.LastCommitted() != last {
			t.Fatalf("reopened clock = %d, want %d", db2.LastCommitted(), last)
		}
		if ts := put(t, db2, "a", "4"); ts != last+1 {
			t.Fatalf("next commit ts = %d, want %d", ts, last+1)
		}
		old := begin(t, db2, TxnOptions{AsOf: last})
		defer old.Rollback()
		wantGet(t, old, "a", "2", false)
	})
}

// TestWriteWriteSurvivesSweeps checks the recent-writes table: a conflict
// older than many sweeps of the table is still caught while the losing
// transaction's snapshot is active, and the table shrinks once it is not.
func TestWriteWriteSurvivesSweeps(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e engine.Engine) {
		db := openDB(t, e, Options{})
		old := begin(t, db, TxnOptions{})
		mustPut(t, old, "k", "old")
		put(t, db, "k", "winner")
		for i := 0; i < 5*minSweepSize; i += 100 {
			txn := begin(t, db, TxnOptions{})
			for j := i; j < i+100; j++ {
				mustPut(t, txn, fmt.Sprintf("filler%05d", j), "x")
			}
			mustCommit(t, txn)
		}
		if n := db.Metrics().RecentWrites; n < 5*minSweepSize {
			t.Fatalf("table holds %d keys with an old snapshot active, want all %d", n, 5*minSweepSize+1)
		}
		var ce *ConflictError
		if err := old.Commit(); !errors.As(err, &ce) || string(ce.Key) != "k" {
			t.Fatalf("old commit: %v, want a conflict on k", err)
		}
		// With nothing active the next sweep (once the table has doubled)
		// empties it but for the sweeping commit's own keys.
		for i := 0; db.Metrics().RecentWrites > 100; i++ {
			if i == 200 {
				t.Fatalf("table still holds %d keys after %d more commits with no transaction active", db.Metrics().RecentWrites, i)
			}
			txn := begin(t, db, TxnOptions{})
			for j := 0; j < 100; j++ {
				mustPut(t, txn, fmt.Sprintf("more%03d-%02d", i, j), "x")
			}
			mustCommit(t, txn)
		}
	})
}

// failingEngine fails every Apply with err once armed.
type failingEngine struct {
	engine.Engine
	err error
}

func (f *failingEngine) Apply(b *engine.Batch, opts engine.WriteOptions) error {
	if f.err != nil {
		return f.err
	}
	return f.Engine.Apply(b, opts)
}

func TestEngineFailureStopsCommits(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e engine.Engine) {
		fe := &failingEngine{Engine: e}
		db := openDB(t, fe, Options{})
		put(t, db, "a", "1")

		// A batch the engine refuses whole leaves the DB usable.
		fe.err = fmt.Errorf("test: %w", engine.ErrValueTooLarge)
		txn := begin(t, db, TxnOptions{})
		mustPut(t, txn, "a", "huge")
		if err := txn.Commit(); !errors.Is(err, engine.ErrValueTooLarge) {
			t.Fatalf("commit: %v", err)
		}
		fe.err = nil
		put(t, db, "a", "2")

		// An I/O failure leaves the batch's fate unknown: no more commits.
		ioErr := errors.New("test: fsync failed")
		fe.err = ioErr
		txn = begin(t, db, TxnOptions{})
		mustPut(t, txn, "a", "3")
		if err := txn.Commit(); !errors.Is(err, ioErr) {
			t.Fatalf("commit: %v", err)
		}
		fe.err = nil
		txn = begin(t, db, TxnOptions{})
		mustPut(t, txn, "b", "1")
		if err := txn.Commit(); !errors.Is(err, ErrFailed) || !errors.Is(err, ioErr) {
			t.Fatalf("commit after failure: %v, want ErrFailed wrapping the cause", err)
		}
		if m := db.Metrics(); m.Aborts.EngineError != 3 || m.Commits != 2 {
			t.Fatalf("metrics = %+v", m)
		}
		// Reopening recovers from what the engine holds.
		db.Close()
		db2 := openDB(t, e, Options{})
		check := begin(t, db2, TxnOptions{ReadOnly: true})
		defer check.Rollback()
		wantGet(t, check, "a", "2", false)
	})
}

// TestCorruptEngineData: bytes in the engine that are not mvcc versions
// give ErrCorrupt from Open, Get, Scan and GC, never a panic.
func TestCorruptEngineData(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e engine.Engine) {
		raw := func(k, v string) {
			b := engine.NewBatch()
			b.Put([]byte(k), []byte(v))
			if err := e.Apply(b, engine.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		raw(string(clockKey), "short")
		if _, err := Open(e, Options{GCInterval: -1}); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("open with a 5-byte clock: %v", err)
		}
		raw(string(clockKey), string(encodeUint64(5)))
		db := openDB(t, e, Options{})
		raw(string(appendVersionKey(nil, []byte("bad-value"), 1)), "\x07junk")
		raw("bad-key\x00\x01\x00", "\x01v") // too short for a timestamp
		txn := begin(t, db, TxnOptions{ReadOnly: true})
		defer txn.Rollback()
		if _, err := txn.Get([]byte("bad-value")); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("get of a corrupt value: %v", err)
		}
		for _, scan := range []func([]byte, []byte) *Iterator{txn.Scan, txn.ScanReverse} {
			it := scan(nil, nil)
			for it.Next() {
			}
			if !errors.Is(it.Err(), ErrCorrupt) {
				t.Fatalf("scan over corrupt versions: %v", it.Err())
			}
			it.Close()
		}
		if _, err := db.GCCycle(); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("gc over corrupt versions: %v", err)
		}
	})
}
