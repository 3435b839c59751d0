package wal

import (
	"errors"
	"testing"

	"github.com/aegisdb/aegis/vfs"
)

// TestPoisonedAfterFailedSync: once an fsync fails, nothing may report
// success again, not even after the fault clears, because the kernel may
// have dropped the unsynced pages (fsyncgate). Only reopening recovers.
func TestPoisonedAfterFailedSync(t *testing.T) {
	for _, op := range []vfs.Op{vfs.OpSync, vfs.OpWrite} {
		t.Run(op.String(), func(t *testing.T) {
			mem := vfs.NewMem()
			ffs := vfs.NewFaultFS(mem, 1)
			l, err := Open(Options{FS: ffs, Dir: "wal"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := l.Commit([]byte("one")); err != nil {
				t.Fatal(err)
			}
			ffs.AddRule(vfs.Rule{Ops: op, Nth: 1})
			lsn, err := l.Commit([]byte("two"))
			if !errors.Is(err, ErrPoisoned) || !errors.Is(err, vfs.ErrInjected) || lsn != 2 {
				t.Fatalf("Commit with a failing %v = %d, %v; want LSN 2 and ErrPoisoned wrapping ErrInjected", op, lsn, err)
			}
			ffs.ClearRules() // the device is fine again; the log must not be
			calls := map[string]func() error{
				"Append":         func() error { _, err := l.Append([]byte("x")); return err },
				"Commit":         func() error { _, err := l.Commit([]byte("x")); return err },
				"Sync":           l.Sync,
				"SyncTo(1)":      func() error { return l.SyncTo(1) },
				"FlushTo(2)":     func() error { return l.FlushTo(2) },
				"TruncateBefore": func() error { return l.TruncateBefore(2) },
				"NewReader":      func() error { _, err := l.NewReader(1); return err },
				"Close":          l.Close,
			}
			for name, call := range calls {
				if err := call(); !errors.Is(err, ErrPoisoned) {
					t.Errorf("%s after a failed %v: %v, want ErrPoisoned", name, op, err)
				}
			}
			if d := l.DurableLSN(); d != 1 {
				t.Errorf("DurableLSN = %d, want 1", d)
			}

			l, err = Open(Options{FS: mem.CrashClone(vfs.CrashOptions{Mode: vfs.CrashDropUnsynced}), Dir: "wal"})
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			if got := l.Recovery().LastLSN; got != 1 {
				t.Errorf("after the crash the log ends at %d, want 1", got)
			}
		})
	}
}

// TestRollFailure: a failure while sealing a segment or creating the next
// one poisons the log too, and the records before it survive a crash.
func TestRollFailure(t *testing.T) {
	for _, op := range []vfs.Op{vfs.OpSync, vfs.OpCreate, vfs.OpSyncDir} {
		t.Run(op.String(), func(t *testing.T) {
			mem := vfs.NewMem()
			ffs := vfs.NewFaultFS(mem, 1)
			l, err := Open(Options{FS: ffs, Dir: "wal", SegmentSize: 100})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := l.Commit(make([]byte, 60)); err != nil {
				t.Fatal(err)
			}
			if _, err := l.Append(make([]byte, 10)); err != nil {
				t.Fatal(err)
			}
			ffs.AddRule(vfs.Rule{Ops: op, Nth: 1})
			if lsn, err := l.Append(make([]byte, 60)); !errors.Is(err, ErrPoisoned) || lsn != 0 {
				t.Fatalf("Append that rolls with a failing %v = %d, %v", op, lsn, err)
			}
			l.Close()
			l, err = Open(Options{FS: mem.CrashClone(vfs.CrashOptions{Mode: vfs.CrashDropUnsynced}), Dir: "wal", SegmentSize: 100})
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			if got := l.Recovery().LastLSN; got < 1 || got > 2 {
				t.Errorf("after the crash the log ends at %d, want 1 or 2", got)
			}
		})
	}
}
