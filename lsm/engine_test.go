package lsm

import (
	"testing"

	"github.com/aegisdb/aegis/engine"
	"github.com/aegisdb/aegis/engine/enginetest"
	"github.com/aegisdb/aegis/vfs"
)

// smallOptions make every code path run on small workloads: memtables of
// a few KiB flush after a handful of batches, tiny blocks and tables, and
// L0 compacts after two tables, so crashes land during flushes,
// compactions and manifest writes.
func smallOptions(fs vfs.FS, dir string) Options {
	return Options{
		FS: fs, Dir: dir,
		MemtableSize:        4 << 10,
		BlockSize:           256,
		RestartInterval:     4,
		L0CompactionTrigger: 2,
		L0StopWritesTrigger: 8,
		LevelBaseSize:       16 << 10,
		LevelMultiplier:     4,
		TargetFileSize:      8 << 10,
		CacheSize:           64 << 10,
	}
}

// TestConformance runs the engine suite on small options (so data moves
// through flushes and compactions) and on the defaults.
//
//	go test -race ./lsm -run TestConformance
//	AEGIS_SEED=123 go test -run 'TestConformance/small/Model' ./lsm
func TestConformance(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts func(fs vfs.FS, dir string) Options
	}{
		{"small", smallOptions},
		{"default", func(fs vfs.FS, dir string) Options { return Options{FS: fs, Dir: dir} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			open := func(t testing.TB, fs vfs.FS) engine.Engine {
				db, err := Open(tc.opts(fs, "db"))
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				return db
			}
			fsOf := map[engine.Engine]vfs.FS{}
			enginetest.Run(t, enginetest.Harness{
				Open: func(t testing.TB) engine.Engine {
					fs := vfs.NewMem()
					e := open(t, fs)
					fsOf[e] = fs
					return e
				},
				Reopen: func(t testing.TB, e engine.Engine) engine.Engine {
					fs := fsOf[e]
					if err := e.Close(); err != nil {
						t.Fatalf("Close: %v", err)
					}
					e2 := open(t, fs)
					fsOf[e2] = fs
					return e2
				},
				MaxKeySize:   MaxKeySize,
				MaxValueSize: MaxValueSize,
			})
		})
	}
}

// TestCrash runs the crash suite with small options.
func TestCrash(t *testing.T) {
	enginetest.RunCrash(t, enginetest.CrashHarness{
		Open: func(fs vfs.FS, dir string) (engine.Engine, error) {
			return Open(smallOptions(fs, dir))
		},
		Check: func(fs vfs.FS, dir string) error { return Check(fs, dir) },
	})
}
