package vfs

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"sync"
	"testing"
)

// writeOutcomes makes n one-byte writes to name through f and returns a
// string with "." for a write that went through and "x" for one that failed.
func writeOutcomes(t *testing.T, f *FaultFS, name string, n int) string {
	t.Helper()
	file, err := f.OpenReadWrite(name)
	must(t, err)
	defer file.Close()
	var b bytes.Buffer
	for range n {
		if _, err := file.Write([]byte{'w'}); err != nil {
			mustIs(t, err, ErrInjected)
			b.WriteByte('x')
		} else {
			b.WriteByte('.')
		}
	}
	return b.String()
}

func TestFaultRules(t *testing.T) {
	cases := []struct {
		name  string
		rules []Rule
		file  string
		want  string
	}{
		{"no rules", nil, "a.log", "......"},
		{"nth", []Rule{{Ops: OpWrite, Nth: 3}}, "a.log", "..x..."},
		{"after nth", []Rule{{Ops: OpWrite, AfterNth: 4}}, "a.log", "....xx"},
		{"no trigger fails all", []Rule{{Ops: OpWrite}}, "a.log", "xxxxxx"},
		{"other op", []Rule{{Ops: OpSync | OpRead}}, "a.log", "......"},
		{"pattern matches", []Rule{{Ops: OpWrite, PathPattern: "*.log", Nth: 2}}, "a.log", ".x...."},
		{"pattern does not match", []Rule{{Ops: OpWrite, PathPattern: "*.sst", Nth: 2}}, "a.log", "......"},
		{"pattern is on the base name", []Rule{{Ops: OpWrite, PathPattern: "a.*", Nth: 1}}, "/db/a.log", "x....."},
		{"two rules", []Rule{{Ops: OpWrite, Nth: 1}, {Ops: OpAll, Nth: 5}}, "a.log", "x..x.."}, // the open is OpAll's first
		{"nth and after nth", []Rule{{Ops: OpWrite, Nth: 1, AfterNth: 5}}, "a.log", "x....x"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mem := NewMem()
			must(t, mem.MkdirAll("/db"))
			f := NewFaultFS(mem, 1)
			for _, r := range c.rules {
				f.AddRule(r)
			}
			if got := writeOutcomes(t, f, c.file, 6); got != c.want {
				t.Fatalf("outcomes %s, want %s", got, c.want)
			}
			wantInjected := bytes.Count([]byte(c.want), []byte("x"))
			if f.Injected() != wantInjected || f.Calls(OpWrite) != 6 || f.Calls(OpOpen) != 1 || f.Calls(OpSync) != 0 {
				t.Fatalf("Injected %d, Calls write %d open %d sync %d", f.Injected(), f.Calls(OpWrite), f.Calls(OpOpen), f.Calls(OpSync))
			}
		})
	}
}

// TestFaultOps checks that each operation is watched by its own flag, fails
// with an error matching the rule's, and leaves the inner FS untouched.
func TestFaultOps(t *testing.T) {
	errCustom := errors.New("disk on fire")
	cases := []struct {
		op   Op
		call func(f FS, file File) error
	}{
		{OpCreate, func(f FS, _ File) error { _, err := f.Create("new"); return err }},
		{OpCreate, func(f FS, _ File) error { return f.MkdirAll("dir") }},
		{OpOpen, func(f FS, _ File) error { _, err := f.Open("f"); return err }},
		{OpOpen, func(f FS, _ File) error { _, err := f.OpenReadWrite("f"); return err }},
		{OpOpen, func(f FS, _ File) error { _, err := f.Lock("LOCK"); return err }},
		{OpRemove, func(f FS, _ File) error { return f.Remove("f") }},
		{OpRename, func(f FS, _ File) error { return f.Rename("f", "g") }},
		{OpSyncDir, func(f FS, _ File) error { return f.SyncDir("/") }},
		{OpRead, func(_ FS, file File) error { _, err := file.ReadAt(make([]byte, 1), 0); return err }},
		{OpWrite, func(_ FS, file File) error { _, err := file.Write([]byte("x")); return err }},
		{OpWrite, func(_ FS, file File) error { _, err := file.WriteAt([]byte("x"), 0); return err }},
		{OpSync, func(_ FS, file File) error { return file.Sync() }},
		{OpTruncate, func(_ FS, file File) error { return file.Truncate(0) }},
	}
	for i, c := range cases {
		t.Run(fmt.Sprintf("%d-%v", i, c.op), func(t *testing.T) {
			mem := NewMem()
			memWrite(t, mem, "f", "abc", true, true)
			before := mem.String()
			f := NewFaultFS(mem, 1)
			file, err := f.OpenReadWrite("f")
			must(t, err)
			defer file.Close()
			f.AddRule(Rule{Ops: OpAll &^ c.op}) // every other op fails
			f.AddRule(Rule{Ops: c.op, Err: errCustom})
			err = c.call(f, file)
			mustIs(t, err, errCustom)
			var pe *fs.PathError
			var le *os.LinkError
			if !errors.As(err, &pe) && !errors.As(err, &le) {
				t.Fatalf("error %T does not say which path", err)
			}
			if after := mem.String(); after != before {
				t.Fatalf("a failed %v changed the inner FS:\n%s\nthen\n%s", c.op, before, after)
			}
			f.ClearRules()
			must(t, c.call(f, file))
			wantCalls := 2
			if c.op == OpOpen {
				wantCalls++ // the OpenReadWrite above
			}
			if f.Calls(c.op) != wantCalls || f.Injected() != 1 {
				t.Fatalf("Calls(%v) = %d, Injected = %d; want %d, 1", c.op, f.Calls(c.op), f.Injected(), wantCalls)
			}
		})
	}
}

func TestFaultProbabilityIsDeterministic(t *testing.T) {
	run := func(seed uint64) string {
		f := NewFaultFS(NewMem(), seed)
		f.AddRule(Rule{Ops: OpWrite, Probability: 0.3})
		f.AddRule(Rule{Ops: OpWrite, Nth: 7}) // count rules draw nothing
		return writeOutcomes(t, f, "f", 200)
	}
	a, b := run(42), run(42)
	if a != b {
		t.Fatalf("one seed gave two outcomes:\n%s\n%s", a, b)
	}
	if run(43) == a {
		t.Fatal("two seeds gave one outcome")
	}
	// 0.3 of 200 writes plus the 7th: far from none and far from all.
	if n := bytes.Count([]byte(a), []byte("x")); n < 30 || n > 100 {
		t.Fatalf("%d of 200 writes failed with probability 0.3: %s", n, a)
	}
}

func TestFaultPartialWrite(t *testing.T) {
	for seed := range uint64(20) {
		mem := NewMem()
		f := NewFaultFS(mem, seed)
		file, err := f.Create("f")
		must(t, err)
		writeString(t, file, "head:")
		f.AddRule(Rule{Ops: OpWrite, Nth: 1, PartialWrite: true})
		payload := []byte("0123456789")
		n, err := file.Write(payload)
		mustIs(t, err, ErrInjected)
		if n < 0 || n >= len(payload) {
			t.Fatalf("seed %d: a partial write reported %d of %d bytes", seed, n, len(payload))
		}
		// The short write moved the write position like a real one.
		writeString(t, file, "|tail")
		wantContents(t, mem, "f", "head:"+string(payload[:n])+"|tail")
		must(t, file.Close())
	}
}

// TestFaultFailEachStep is the pattern the engine tests use: fail the Nth
// operation of a run for N = 1, 2, ... until the run succeeds, and after
// each failure check what a crash would leave. Here the run is
// WriteFileAtomic, which must leave either the old or the new contents.
func TestFaultFailEachStep(t *testing.T) {
	for n := 1; ; n++ {
		mem := NewMem()
		must(t, WriteFileAtomic(mem, "/", "CURRENT", []byte("old")))
		f := NewFaultFS(mem, uint64(n))
		f.AddRule(Rule{Ops: OpAll, Nth: n, PartialWrite: true})
		err := WriteFileAtomic(f, "/", "CURRENT", []byte("new"))
		for _, mode := range []CrashMode{CrashDropUnsynced, CrashTornTail, CrashRandomWrites} {
			crashed := mem.CrashClone(CrashOptions{Mode: mode, Rand: rand.New(rand.NewPCG(uint64(n), 0))})
			got := contentsOrMissing(crashed, "CURRENT")
			if got != "old" && !(err == nil && got == "new") {
				t.Fatalf("failing op %d (err %v), %v crash: CURRENT holds %q", n, err, mode, got)
			}
		}
		if err == nil {
			if f.Injected() != 0 {
				t.Fatalf("run succeeded with %d faults injected", f.Injected())
			}
			if n != 6 { // create, write, sync, rename, syncdir, then none
				t.Fatalf("run succeeded with op %d failing", n)
			}
			return
		}
		mustIs(t, err, ErrInjected)
	}
}

func TestFaultConcurrent(t *testing.T) {
	f := NewFaultFS(NewMem(), 9)
	f.AddRule(Rule{Ops: OpWrite | OpRead, Probability: 0.1})
	const workers, ops = 4, 200
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			file, err := f.Create(fmt.Sprintf("f%d", w))
			if err != nil {
				t.Error(err)
				return
			}
			defer file.Close()
			buf := make([]byte, 1)
			for range ops {
				file.Write([]byte{1})
				file.ReadAt(buf, 0)
			}
		}()
	}
	wg.Wait()
	if got := f.Calls(OpWrite | OpRead); got != 2*workers*ops {
		t.Fatalf("Calls = %d, want %d", got, 2*workers*ops)
	}
}

func TestFaultBadPattern(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("AddRule with a malformed pattern did not panic")
		}
	}()
	NewFaultFS(NewMem(), 1).AddRule(Rule{PathPattern: "["})
}

func TestOpString(t *testing.T) {
	for op, want := range map[Op]string{0: "none", OpRead: "read", OpWrite | OpSyncDir: "write|syncdir", 1 << 15: "0x8000"} {
		if got := op.String(); got != want {
			t.Errorf("Op(%#x).String() = %q, want %q", uint16(op), got, want)
		}
	}
}
