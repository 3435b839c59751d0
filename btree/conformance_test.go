package btree_test

import (
	"testing"

	"github.com/aegisdb/aegis/btree"
	"github.com/aegisdb/aegis/engine"
	"github.com/aegisdb/aegis/engine/enginetest"
	"github.com/aegisdb/aegis/vfs"
)

// TestConformance runs the engine conformance suite on a MemFS store, and
// runs the tree checker after every reopen.
//
//	go test -race ./btree
//	AEGIS_SEED=123 go test -run 'TestConformance/Model' ./btree
func TestConformance(t *testing.T) {
	type store struct {
		fs  *vfs.MemFS
		dir string
	}
	stores := map[engine.Engine]store{}
	open := func(t testing.TB, s store) engine.Engine {
		db, err := btree.Open(btree.Options{FS: s.fs, Dir: s.dir, CacheSize: 8 << 20})
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		stores[db] = s
		return db
	}
	enginetest.Run(t, enginetest.Harness{
		Open: func(t testing.TB) engine.Engine { return open(t, store{vfs.NewMem(), "db"}) },
		Reopen: func(t testing.TB, e engine.Engine) engine.Engine {
			s := stores[e]
			if err := e.Close(); err != nil {
				t.Fatalf("close: %v", err)
			}
			if err := btree.Check(s.fs, s.dir); err != nil {
				t.Fatalf("check after close: %v", err)
			}
			return open(t, s)
		},
		MaxKeySize:   btree.MaxKeySize,
		MaxValueSize: btree.MaxValueSize,
	})
}

// TestCrash runs the conformance crash suite with small checkpoints, so
// crashes land before, during and after checkpoints and log truncation.
//
//	AEGIS_CRASH_ITERATIONS=500 go test -run TestCrash ./btree
func TestCrash(t *testing.T) {
	enginetest.RunCrash(t, enginetest.CrashHarness{
		Open: func(fs vfs.FS, dir string) (engine.Engine, error) {
			return btree.Open(btree.Options{FS: fs, Dir: dir, PageSize: 4096, CacheSize: 1 << 20,
				CheckpointBytes: 64 << 10, SegmentSize: 32 << 10})
		},
		Check: btree.Check,
	})
}
