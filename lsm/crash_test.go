package lsm

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/aegisdb/aegis/engine"
	"github.com/aegisdb/aegis/vfs"
)

// model is the expected contents of the store after each batch.
type model map[string]string

func (m model) clone() model {
	c := model{}
	for k, v := range m {
		c[k] = v
	}
	return c
}

// crashWorkload applies synced batches (puts and deletes over 30 keys, with
// values large enough that the small options flush every few batches and
// compact often, and an explicit Flush now and then) until one fails. It
// returns the model after every acknowledged batch and the model the failed
// batch would have made (nil if none failed).
func crashWorkload(db *DB, batches int) (acked, failed model) {
	m := model{}
	for i := 0; i < batches; i++ {
		next := m.clone()
		b := engine.NewBatch()
		for j := 0; j < 4; j++ {
			k := fmt.Sprintf("k%02d", (i*7+j*3)%30)
			if (i+j)%5 == 0 {
				b.Delete([]byte(k))
				delete(next, k)
				continue
			}
			v := fmt.Sprintf("batch %d op %d %0300d", i, j, i)
			b.Put([]byte(k), []byte(v))
			next[k] = v
		}
		if err := db.Apply(b, engine.WriteOptions{Sync: true}); err != nil {
			return m, next
		}
		m = next
		if i%9 == 8 {
			if err := db.Flush(); err != nil {
				return m, nil
			}
		}
	}
	return m, nil
}

func readAll(t *testing.T, db *DB) model {
	t.Helper()
	got := model{}
	it := db.NewIterator(engine.IterOptions{})
	for ok := it.First(); ok; ok = it.Next() {
		got[string(it.Key())] = string(it.Value())
	}
	if err := it.Err(); err != nil {
		t.Fatalf("scan: %v", err)
	}
	it.Close()
	for k, v := range got {
		if g, err := db.Get([]byte(k)); err != nil || string(g) != v {
			t.Fatalf("Get(%q) = %q, %v; the scan saw %q", k, g, err, v)
		}
	}
	return got
}

func sameModel(a, b model) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestCrashAtEveryFileOp fails the Nth file-system call of a workload whose
// memtables flush every few batches and whose L0 compacts after two tables,
// for N = 1, 2, ... until the workload gets through, so the failure lands
// in turn on every WAL write and sync, table write, directory sync, manifest
// append, CURRENT switch and file removal of flushes and compactions. After
// each failure the file system crashes (unsynced data dropped, or a random
// part of it kept); the recovered store must hold exactly the state after
// the last acknowledged batch (every batch was synced) or after the batch
// that failed, whole: no synced write lost, no deleted key back. Check then
// runs on the closed store (no orphan table, no stale manifest).
func TestCrashAtEveryFileOp(t *testing.T) {
	const batches = 60
	step := 3 // every third call by default; AEGIS_LONG=1 tries them all
	if os.Getenv("AEGIS_LONG") != "" {
		step = 1
	}
	for n := 1; ; n += step {
		mem := vfs.NewMem()
		ffs := vfs.NewFaultFS(mem, uint64(n))
		db, err := Open(smallOptions(ffs, "db"))
		if err != nil {
			t.Fatalf("n=%d: first open: %v", n, err) // rules are added after Open
		}
		ffs.AddRule(vfs.Rule{Ops: vfs.OpAll, Nth: n})
		acked, failed := crashWorkload(db, batches)
		mode := []vfs.CrashMode{vfs.CrashDropUnsynced, vfs.CrashRandomWrites, vfs.CrashTornTail}[n%3]
		crashed := mem.CrashClone(vfs.CrashOptions{Mode: mode, Rand: rand.New(rand.NewPCG(uint64(n), 7))})
		db.Close()
		db2, err := Open(smallOptions(crashed, "db"))
		if err != nil {
			t.Fatalf("n=%d: recovery: %v", n, err)
		}
		got := readAll(t, db2)
		if !sameModel(got, acked) && (failed == nil || !sameModel(got, failed)) {
			t.Fatalf("n=%d (%v): recovered %d keys, want the %d keys of the last acknowledged batch (or the failed one whole)", n, mode, len(got), len(acked))
		}
		if err := db2.Close(); err != nil {
			t.Fatalf("n=%d: close after recovery: %v", n, err)
		}
		if err := Check(crashed, "db"); err != nil {
			t.Fatalf("n=%d: Check: %v", n, err)
		}
		if ffs.Injected() == 0 {
			s := db.Stats()
			t.Logf("workload ran through without a fault at n=%d; %d calls, %d flushes, %d compactions, %d trivial moves",
				n, ffs.Calls(vfs.OpAll), s.Flushes, s.Compactions, s.TrivialMoves)
			if s.Flushes == 0 || s.Compactions == 0 {
				t.Fatal("the workload must flush and compact for this test to mean anything")
			}
			return
		}
		if n > 100000 {
			t.Fatal("the workload never gets through")
		}
	}
}

// TestErrorsAfterBackgroundFailure: once a flush fails, writes return
// ErrBackground and reads still work.
func TestErrorsAfterBackgroundFailure(t *testing.T) {
	mem := vfs.NewMem()
	ffs := vfs.NewFaultFS(mem, 1)
	db, err := Open(smallOptions(ffs, "db"))
	if err != nil {
		t.Fatal(err)
	}
	b := engine.NewBatch()
	b.Put([]byte("a"), []byte("1"))
	if err := db.Apply(b, engine.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	ffs.AddRule(vfs.Rule{Ops: vfs.OpCreate, PathPattern: "*.sst", AfterNth: 0})
	if err := db.Flush(); !errors.Is(err, ErrBackground) {
		t.Fatalf("Flush with table creation failing: %v, want ErrBackground", err)
	}
	if err := db.Apply(b, engine.WriteOptions{}); !errors.Is(err, ErrBackground) {
		t.Fatalf("Apply after a failed flush: %v, want ErrBackground", err)
	}
	if v, err := db.Get([]byte("a")); err != nil || string(v) != "1" {
		t.Fatalf("Get after a failed flush: %q, %v", v, err)
	}
	db.Close()
}
