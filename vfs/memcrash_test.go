package vfs

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"
)

// crashIterations is how many randomized rounds the crash tests run;
// AEGIS_CRASH_ITERATIONS raises it for a longer campaign.
func crashIterations(t *testing.T, def int) int {
	if s := os.Getenv("AEGIS_CRASH_ITERATIONS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("AEGIS_CRASH_ITERATIONS=%q: %v", s, err)
		}
		return n
	}
	return def
}

func testSeed(t *testing.T) uint64 {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("AEGIS_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("AEGIS_SEED=%q: %v", s, err)
		}
	}
	t.Logf("seed %d (rerun with AEGIS_SEED=%d)", seed, seed)
	return seed
}

// memWrite writes data to name in m, creating it; it syncs the file when
// syncFile is set and the directory when syncDir is set.
func memWrite(t *testing.T, m *MemFS, name, data string, syncFile, syncDir bool) {
	t.Helper()
	f, err := m.OpenReadWrite(name)
	must(t, err)
	writeString(t, f, data)
	if syncFile {
		must(t, f.Sync())
	}
	must(t, f.Close())
	if syncDir {
		must(t, m.SyncDir("/"))
	}
}

// contentsOrMissing reads name, or says "<missing>".
func contentsOrMissing(m *MemFS, name string) string {
	b, err := ReadFile(m, name)
	if err != nil {
		return "<missing>"
	}
	return string(b)
}

func TestCrashDropUnsynced(t *testing.T) {
	cases := []struct {
		name  string
		setup func(t *testing.T, m *MemFS)
		want  map[string]string // file -> contents after the crash
	}{
		{
			name:  "unsynced data is dropped",
			setup: func(t *testing.T, m *MemFS) { memWrite(t, m, "f", "abc", false, true) },
			want:  map[string]string{"f": ""},
		},
		{
			name:  "synced data is kept",
			setup: func(t *testing.T, m *MemFS) { memWrite(t, m, "f", "abc", true, true) },
			want:  map[string]string{"f": "abc"},
		},
		{
			name: "only the synced prefix is kept",
			setup: func(t *testing.T, m *MemFS) {
				memWrite(t, m, "f", "abc", true, true)
				memWrite(t, m, "f", "def", false, false)
			},
			want: map[string]string{"f": "abc"},
		},
		{
			name:  "a synced file vanishes without SyncDir",
			setup: func(t *testing.T, m *MemFS) { memWrite(t, m, "f", "abc", true, false) },
			want:  map[string]string{"f": "<missing>"},
		},
		{
			name: "a rename reverts without SyncDir",
			setup: func(t *testing.T, m *MemFS) {
				memWrite(t, m, "a", "abc", true, true)
				must(t, m.Rename("a", "b"))
			},
			want: map[string]string{"a": "abc", "b": "<missing>"},
		},
		{
			name: "a rename over a file reverts without SyncDir",
			setup: func(t *testing.T, m *MemFS) {
				memWrite(t, m, "a", "new", true, false)
				memWrite(t, m, "b", "old", true, true)
				must(t, m.Rename("a", "b"))
			},
			want: map[string]string{"a": "new", "b": "old"},
		},
		{
			name: "a rename is durable after SyncDir",
			setup: func(t *testing.T, m *MemFS) {
				memWrite(t, m, "a", "abc", true, true)
				must(t, m.Rename("a", "b"))
				must(t, m.SyncDir("/"))
			},
			want: map[string]string{"a": "<missing>", "b": "abc"},
		},
		{
			name: "a remove comes back without SyncDir",
			setup: func(t *testing.T, m *MemFS) {
				memWrite(t, m, "f", "abc", true, true)
				must(t, m.Remove("f"))
			},
			want: map[string]string{"f": "abc"},
		},
		{
			name: "a remove is durable after SyncDir",
			setup: func(t *testing.T, m *MemFS) {
				memWrite(t, m, "f", "abc", true, true)
				must(t, m.Remove("f"))
				must(t, m.SyncDir("/"))
			},
			want: map[string]string{"f": "<missing>"},
		},
		{
			name: "an unsynced truncate reverts",
			setup: func(t *testing.T, m *MemFS) {
				memWrite(t, m, "f", "abcdef", true, true)
				f, err := m.OpenReadWrite("f")
				must(t, err)
				must(t, f.Truncate(2))
				must(t, f.Close())
			},
			want: map[string]string{"f": "abcdef"},
		},
		{
			name: "a synced truncate is kept",
			setup: func(t *testing.T, m *MemFS) {
				memWrite(t, m, "f", "abcdef", true, true)
				f, err := m.OpenReadWrite("f")
				must(t, err)
				must(t, f.Truncate(2))
				must(t, f.Sync())
				must(t, f.Close())
			},
			want: map[string]string{"f": "ab"},
		},
		{
			name: "Create over a synced file reverts to the old contents",
			setup: func(t *testing.T, m *MemFS) {
				memWrite(t, m, "f", "old", true, true)
				f, err := m.Create("f")
				must(t, err)
				writeString(t, f, "new")
				must(t, f.Close())
			},
			want: map[string]string{"f": "old"},
		},
		{
			name: "WriteFileAtomic survives",
			setup: func(t *testing.T, m *MemFS) {
				must(t, WriteFileAtomic(m, "/", "CURRENT", []byte("v1")))
				must(t, WriteFileAtomic(m, "/", "CURRENT", []byte("v2")))
			},
			want: map[string]string{"CURRENT": "v2", "CURRENT.tmp": "<missing>"},
		},
		{
			name: "directories from MkdirAll are durable",
			setup: func(t *testing.T, m *MemFS) {
				must(t, m.MkdirAll("/db/wal"))
				memWrite(t, m, "/db/wal/1.log", "rec", true, false)
				must(t, m.SyncDir("/db/wal"))
				memWrite(t, m, "/db/unsynced", "x", true, false)
			},
			want: map[string]string{"/db/wal/1.log": "rec", "/db/unsynced": "<missing>"},
		},
		{
			name: "SyncDir of another directory does not help",
			setup: func(t *testing.T, m *MemFS) {
				must(t, m.MkdirAll("/db"))
				memWrite(t, m, "/db/f", "x", true, false)
				must(t, m.SyncDir("/"))
			},
			want: map[string]string{"/db/f": "<missing>"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := NewMem()
			c.setup(t, m)
			before := m.String()
			crashed := m.CrashClone(CrashOptions{Mode: CrashDropUnsynced})
			if after := m.String(); after != before {
				t.Fatalf("CrashClone changed the original:\nbefore\n%s\nafter\n%s", before, after)
			}
			for name, want := range c.want {
				if got := contentsOrMissing(crashed, name); got != want {
					t.Errorf("after crash %s holds %q, want %q\noriginal:\n%s", name, got, want, before)
				}
			}
		})
	}
}

func TestCrashCloneIsIndependent(t *testing.T) {
	m := NewMem()
	memWrite(t, m, "f", "durable", true, true)
	lock, err := m.Lock("LOCK")
	must(t, err)
	f, err := m.OpenReadWrite("f")
	must(t, err)
	writeString(t, f, "+pending")

	crashed := m.CrashClone(CrashOptions{Mode: CrashDropUnsynced})
	// The clone holds no locks, even though m does.
	l2, err := crashed.Lock("LOCK")
	must(t, err)
	must(t, l2.Close())
	// The "dead process" keeps writing into m; the clone does not see it.
	writeString(t, f, "+more")
	must(t, f.Sync())
	if got := contentsOrMissing(crashed, "f"); got != "durable" {
		t.Fatalf("clone holds %q, want %q", got, "durable")
	}
	// And the clone's writes do not reach m.
	memWrite(t, crashed, "f", "+clone", true, true)
	if got := contentsOrMissing(m, "f"); got != "durable+pending+more" {
		t.Fatalf("original holds %q", got)
	}
	must(t, f.Close())
	must(t, lock.Close())
}

// pendingWrite is a write the crash tests make without syncing.
type pendingWrite struct {
	off  int64
	data []byte
}

// randomPending makes durable contents and a list of unsynced writes on
// file "f" of a new MemFS. Every byte written is distinct from the zero,
// from the durable bytes and from every other byte written, so the tests
// can tell where each byte came from.
func randomPending(t *testing.T, r *rand.Rand, appendOnly bool) (*MemFS, []byte, []pendingWrite) {
	m := NewMem()
	durable := bytes.Repeat([]byte{'d'}, r.IntN(20))
	memWrite(t, m, "f", string(durable), true, true)
	f, err := m.OpenReadWrite("f")
	must(t, err)
	defer f.Close()
	var writes []pendingWrite
	end := int64(len(durable))
	for i := range r.IntN(6) {
		data := make([]byte, 1+r.IntN(10))
		for j := range data {
			data[j] = byte(128 + 16*i + j) // names its write and its place in it
		}
		off := end
		if !appendOnly {
			off = r.Int64N(end + 10)
		}
		_, err := f.WriteAt(data, off)
		must(t, err)
		writes = append(writes, pendingWrite{off, data})
		end = max(end, off+int64(len(data)))
	}
	return m, durable, writes
}

func applyWrites(durable []byte, writes []pendingWrite) []byte {
	data := bytes.Clone(durable)
	for _, w := range writes {
		data = applyChange(data, memChange{off: w.off, data: w.data})
	}
	return data
}

// tornTailOutcomes lists every contents CrashTornTail may leave.
func tornTailOutcomes(durable []byte, writes []pendingWrite) [][]byte {
	outcomes := [][]byte{bytes.Clone(durable)}
	for k := 1; k <= len(writes); k++ {
		last := writes[k-1]
		for cut := 1; cut <= len(last.data); cut++ {
			prefix := append(append([]pendingWrite(nil), writes[:k-1]...), pendingWrite{last.off, last.data[:cut]})
			outcomes = append(outcomes, applyWrites(durable, prefix))
		}
	}
	return outcomes
}

func TestCrashTornTail(t *testing.T) {
	seed := testSeed(t)
	r := rand.New(rand.NewPCG(seed, 0))
	partial := 0 // crashes that kept some but not all of the pending bytes
	for i := range crashIterations(t, 300) {
		m, durable, writes := randomPending(t, r, i%2 == 0)
		got := []byte(contentsOrMissing(m.CrashClone(CrashOptions{Mode: CrashTornTail, Rand: r}), "f"))
		found := false
		for _, o := range tornTailOutcomes(durable, writes) {
			found = found || bytes.Equal(o, got)
		}
		if !found {
			t.Fatalf("iteration %d: torn tail left %q, not durable %q plus a prefix of %v", i, got, durable, writes)
		}
		if !bytes.Equal(got, durable) && !bytes.Equal(got, applyWrites(durable, writes)) {
			partial++
		}
	}
	if partial == 0 {
		t.Fatal("no crash tore anything: the mode acts like drop-all or keep-all")
	}
}

func TestCrashRandomWrites(t *testing.T) {
	seed := testSeed(t)
	r := rand.New(rand.NewPCG(seed, 0))
	partial := 0
	for i := range crashIterations(t, 300) {
		m, durable, writes := randomPending(t, r, false)
		got := []byte(contentsOrMissing(m.CrashClone(CrashOptions{Mode: CrashRandomWrites, Rand: r}), "f"))
		if err := checkSubset(got, durable, writes); err != nil {
			t.Fatalf("iteration %d: random writes left %q from durable %q and %v: %v", i, got, durable, writes, err)
		}
		if !bytes.Equal(got, durable) && !bytes.Equal(got, applyWrites(durable, writes)) {
			partial++
		}
	}
	if partial == 0 {
		t.Fatal("no crash kept a strict subset: the mode acts like drop-all or keep-all")
	}
}

// checkSubset checks that every byte of got comes from the durable contents
// (or the zero fill past them) or from a pending write that covers it, and
// that got is no longer than the writes could make it.
func checkSubset(got, durable []byte, writes []pendingWrite) error {
	maxLen := int64(len(durable))
	for _, w := range writes {
		maxLen = max(maxLen, w.off+int64(len(w.data)))
	}
	if int64(len(got)) < int64(len(durable)) || int64(len(got)) > maxLen {
		return fmt.Errorf("length %d outside [%d, %d]", len(got), len(durable), maxLen)
	}
	for i, b := range got {
		ok := (i < len(durable) && b == durable[i]) || (i >= len(durable) && b == 0)
		for _, w := range writes {
			if j := int64(i) - w.off; j >= 0 && j < int64(len(w.data)) && b == w.data[j] {
				ok = true
			}
		}
		if !ok {
			return fmt.Errorf("byte %d = %q comes from nowhere", i, b)
		}
	}
	return nil
}

// TestCrashDeterministic checks that one seed gives one clone.
func TestCrashDeterministic(t *testing.T) {
	for _, mode := range []CrashMode{CrashTornTail, CrashRandomWrites} {
		r := rand.New(rand.NewPCG(1, 2))
		m, _, _ := randomPending(t, r, false)
		memWrite(t, m, "g", "ghij", false, true)
		a := m.CrashClone(CrashOptions{Mode: mode, Rand: rand.New(rand.NewPCG(7, 7))})
		b := m.CrashClone(CrashOptions{Mode: mode, Rand: rand.New(rand.NewPCG(7, 7))})
		if a.String() != b.String() || contentsOrMissing(a, "f") != contentsOrMissing(b, "f") {
			t.Fatalf("%v: two clones from one seed differ", mode)
		}
	}
}

func TestCrashCloneMisuse(t *testing.T) {
	for name, opts := range map[string]CrashOptions{
		"no rand":      {Mode: CrashTornTail},
		"unknown mode": {Mode: CrashMode(9), Rand: rand.New(rand.NewPCG(1, 1))},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("CrashClone did not panic")
				}
			}()
			NewMem().CrashClone(opts)
		})
	}
}

func TestMemString(t *testing.T) {
	m := NewMem()
	must(t, m.MkdirAll("/db"))
	memWrite(t, m, "/db/a", "12345", true, false)
	must(t, m.SyncDir("/db"))
	memWrite(t, m, "/db/b", "xy", false, false)
	memWrite(t, m, "/db/c", "gone", true, false)
	must(t, m.SyncDir("/db"))
	must(t, m.Remove("/db/c"))
	want := "/\n" +
		"  db/\n" +
		"    a size=5 synced=5\n" +
		"    b size=2 synced=0 pending=1\n" +
		"    - c size=4 synced=4\n"
	if got := m.String(); got != want {
		t.Fatalf("String() =\n%s\nwant\n%s", got, want)
	}
}

// TestCrashDirectoryCycle makes unsynced directory renames whose durable
// entries form a cycle; the clone must still be a tree.
func TestCrashDirectoryCycle(t *testing.T) {
	m := NewMem()
	must(t, m.MkdirAll("/a"))
	must(t, m.MkdirAll("/b"))
	must(t, m.Rename("/b", "/a/b"))
	must(t, m.SyncDir("/a")) // durable: / {a b}, a {b}
	must(t, m.Rename("/a/b", "/b"))
	must(t, m.Rename("/a", "/b/a"))
	must(t, m.SyncDir("/b")) // durable: b {a}, so a -> b -> a
	crashed := m.CrashClone(CrashOptions{Mode: CrashDropUnsynced})
	// Depth first in sorted order: / reaches a, a reaches b, and b's own
	// entry for a is dropped, as is /'s second name for b.
	want := "/\n  a/\n    b/\n"
	if got := crashed.String(); got != want {
		t.Fatalf("clone =\n%s\nwant\n%s", got, want)
	}
}
