package page

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

func newPage(t testing.TB, size int) Page {
	t.Helper()
	return Init(make([]byte, size), 7, TypeLeaf)
}

func cells(p Page) []string {
	var out []string
	for i := 0; i < p.NumCells(); i++ {
		out = append(out, string(p.Cell(i)))
	}
	return out
}

func TestValidSize(t *testing.T) {
	for _, tc := range []struct {
		n  int
		ok bool
	}{{512, false}, {1024, true}, {3000, false}, {4096, true}, {8192, true}, {65536, true}, {131072, false}, {0, false}, {-1024, false}} {
		if got := ValidSize(tc.n); got != tc.ok {
			t.Errorf("ValidSize(%d) = %v, want %v", tc.n, got, tc.ok)
		}
		if err := CheckSize(tc.n); (err == nil) != tc.ok || (err != nil && !errors.Is(err, ErrBadSize)) {
			t.Errorf("CheckSize(%d) = %v", tc.n, err)
		}
	}
}

func TestHeaderRoundTrip(t *testing.T) {
	p := Init(make([]byte, 4096), 42, TypeInternal)
	p.SetLSN(1 << 40)
	p.SetLevel(3)
	p.SetRight(9)
	p.SetAux(10)
	if p.ID() != 42 || p.Type() != TypeInternal || p.LSN() != 1<<40 || p.Level() != 3 || p.Right() != 9 || p.Aux() != 10 {
		t.Fatalf("header fields did not round-trip: %v", p)
	}
	if fresh := Init(make([]byte, 4096), 1, TypeMeta); fresh.Right() != Nil || fresh.Aux() != Nil || fresh.NumCells() != 0 {
		t.Fatalf("Init left pointers or cells set: %v", fresh)
	}
	if got, want := p.FreeSpace(), 4096-HeaderSize; got != want {
		t.Fatalf("free space of empty page = %d, want %d", got, want)
	}
}

func TestCellOps(t *testing.T) {
	type op struct {
		kind string // insert, delete, replace, compact, truncate
		i    int
		cell string
	}
	for _, tc := range []struct {
		name string
		ops  []op
		want []string
	}{
		{"append", []op{{"insert", 0, "a"}, {"insert", 1, "b"}, {"insert", 2, "c"}}, []string{"a", "b", "c"}},
		{"insert front", []op{{"insert", 0, "b"}, {"insert", 0, "a"}}, []string{"a", "b"}},
		{"insert middle", []op{{"insert", 0, "a"}, {"insert", 1, "c"}, {"insert", 1, "b"}}, []string{"a", "b", "c"}},
		{"delete middle", []op{{"insert", 0, "a"}, {"insert", 1, "b"}, {"insert", 2, "c"}, {"delete", 1, ""}}, []string{"a", "c"}},
		{"delete all", []op{{"insert", 0, "a"}, {"delete", 0, ""}}, nil},
		{"replace shorter", []op{{"insert", 0, "hello"}, {"replace", 0, "hi"}}, []string{"hi"}},
		{"replace longer", []op{{"insert", 0, "hi"}, {"insert", 1, "x"}, {"replace", 0, "hello world"}}, []string{"hello world", "x"}},
		{"replace empty", []op{{"insert", 0, "abc"}, {"replace", 0, ""}}, []string{""}},
		{"empty cell", []op{{"insert", 0, ""}, {"insert", 1, "z"}, {"compact", 0, ""}}, []string{"", "z"}},
		{"compact keeps order", []op{{"insert", 0, "aa"}, {"insert", 1, "bb"}, {"insert", 2, "cc"}, {"delete", 0, ""}, {"compact", 0, ""}}, []string{"bb", "cc"}},
		{"truncate", []op{{"insert", 0, "a"}, {"insert", 1, "b"}, {"insert", 2, "c"}, {"truncate", 1, ""}}, []string{"a"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPage(t, MinSize)
			for _, o := range tc.ops {
				var err error
				switch o.kind {
				case "insert":
					err = p.Insert(o.i, []byte(o.cell))
				case "delete":
					p.Delete(o.i)
				case "replace":
					err = p.Replace(o.i, []byte(o.cell))
				case "compact":
					p.Compact()
				case "truncate":
					p.Truncate(o.i)
				}
				if err != nil {
					t.Fatalf("%s %d %q: %v", o.kind, o.i, o.cell, err)
				}
				if err := CheckStructure(p); err != nil {
					t.Fatalf("after %s: %v", o.kind, err)
				}
			}
			if got := cells(p); strings.Join(got, ",") != strings.Join(tc.want, ",") || len(got) != len(tc.want) {
				t.Fatalf("cells = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestPageFull(t *testing.T) {
	p := newPage(t, MinSize)
	cell := bytes.Repeat([]byte("x"), 100)
	n := 0
	for ; ; n++ {
		if err := p.Insert(n, cell); err != nil {
			if !errors.Is(err, ErrPageFull) {
				t.Fatalf("insert %d: %v, want ErrPageFull", n, err)
			}
			break
		}
	}
	if want := (MinSize - HeaderSize) / (SlotSize + 100); n != want {
		t.Fatalf("fit %d cells, want %d", n, want)
	}
	// Deleting every other cell leaves fragmented room that compaction reclaims.
	for i := n - 1; i >= 0; i -= 2 {
		p.Delete(i)
	}
	big := bytes.Repeat([]byte("y"), 300)
	if err := p.Insert(0, big); err != nil {
		t.Fatalf("insert after deletes (needs compaction): %v", err)
	}
	if err := CheckStructure(p); err != nil {
		t.Fatal(err)
	}
	if err := p.Insert(0, make([]byte, MaxCell(MinSize)+1)); !errors.Is(err, ErrPageFull) {
		t.Fatalf("oversized cell: %v", err)
	}
	if err := p.Replace(0, make([]byte, MinSize)); !errors.Is(err, ErrPageFull) {
		t.Fatalf("oversized replace: %v", err)
	}
	if !bytes.Equal(p.Cell(0), big) {
		t.Fatal("failed replace changed the cell")
	}
}

func TestMaxCellFitsAlone(t *testing.T) {
	for _, size := range []int{MinSize, DefaultSize, MaxSize} {
		p := Init(make([]byte, size), 1, TypeOverflow)
		if err := p.Insert(0, make([]byte, MaxCell(size))); err != nil {
			t.Fatalf("size %d: %v", size, err)
		}
		if p.FreeSpace() != 0 {
			t.Fatalf("size %d: free %d after max cell", size, p.FreeSpace())
		}
		p.Seal()
		if _, err := Decode(p); err != nil {
			t.Fatalf("size %d: %v", size, err)
		}
	}
}

func TestVerifyDetectsCorruption(t *testing.T) {
	good := func() Page {
		p := newPage(t, MinSize)
		for i, c := range []string{"alpha", "beta", "gamma"} {
			if err := p.Insert(i, []byte(c)); err != nil {
				t.Fatal(err)
			}
		}
		return p
	}
	for _, tc := range []struct {
		name   string
		damage func(p Page) []byte
		reseal bool // fix the checksum so the structural check is reached
		reason string
	}{
		{"flipped bit", func(p Page) []byte { p[MinSize-1] ^= 1; return p }, false, "checksum"},
		{"torn write", func(p Page) []byte { clear(p[512:]); return p }, false, "checksum"},
		{"short", func(p Page) []byte { return p[:MinSize-1] }, false, "length"},
		{"empty", func(p Page) []byte { return nil }, false, "length"},
		{"not power of two", func(p Page) []byte { return append(p, make([]byte, 500)...) }, false, "length"},
		{"unknown type", func(p Page) []byte { p[offType] = 200; return p }, true, "unknown page type"},
		{"slots past upper", func(p Page) []byte { p.setNumCells(300); return p }, true, "slots end"},
		{"upper past end", func(p Page) []byte { p.setUpper(MinSize + 1); return p }, true, "slots end"},
		{"cell out of range", func(p Page) []byte { p.setSlot(1, MinSize-2, 10); return p }, true, "outside the cell area"},
		{"cell before upper", func(p Page) []byte { p.setSlot(1, 100, 4); return p }, true, "outside the cell area"},
		{"overlapping cells", func(p Page) []byte {
			off, _ := p.slot(0)
			p.setSlot(1, off, 4)
			p.setGarbage(p.garbage() + 4 - 4)
			return p
		}, true, ""},
		{"garbage too big", func(p Page) []byte { p.setGarbage(MinSize); return p }, true, "garbage"},
		{"garbage mismatch", func(p Page) []byte { p.setGarbage(3); return p }, true, "do not fill"},
		{"empty cell past end", func(p Page) []byte { p.setSlot(2, 5000, 0); p.setGarbage(5); return p }, true, "past the page end"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			buf := tc.damage(good())
			if tc.reseal {
				Page(buf).Seal()
			}
			_, err := Decode(buf)
			var ce *CorruptionError
			if !errors.As(err, &ce) || !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Decode = %v, want a *CorruptionError", err)
			}
			if !strings.Contains(err.Error(), tc.reason) {
				t.Fatalf("error %q does not mention %q", err, tc.reason)
			}
		})
	}
	p := good()
	p.Seal()
	if _, err := Decode(p); err != nil {
		t.Fatalf("good page: %v", err)
	}
}

func TestString(t *testing.T) {
	p := Init(make([]byte, MinSize), 3, TypeLeaf)
	p.SetLSN(17)
	p.SetRight(4)
	_ = p.Insert(0, []byte("abcd"))
	_ = p.Insert(1, []byte{0, 1, 2, 0xff})
	want := `page 3 leaf level=0 lsn=17 cells=2 free=968 garbage=0 right=4 aux=nil
  [0] off=1020 len=4 "abcd"
  [1] off=1016 len=4 000102ff`
	if got := p.String(); got != want {
		t.Fatalf("String:\n%s\nwant:\n%s", got, want)
	}
	p.setNumCells(1000)
	if got := p.String(); !strings.Contains(got, "corrupt") {
		t.Fatalf("String of a damaged page = %q", got)
	}
}

// TestModel applies random inserts, deletes and replaces to a page and to
// a slice of cells, and checks they agree after every step.
func TestModel(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	for _, size := range []int{MinSize, 4096} {
		p := newPage(t, size)
		var model [][]byte
		for step := 0; step < 20000; step++ {
			cell := make([]byte, rng.IntN(size/8))
			for i := range cell {
				cell[i] = byte(rng.Uint32())
			}
			switch op := rng.IntN(10); {
			case op < 4 || len(model) == 0:
				i := rng.IntN(len(model) + 1)
				err := p.Insert(i, cell)
				fits := SlotSize+len(cell) <= modelFree(size, model)
				if (err == nil) != fits {
					t.Fatalf("seed %d step %d: insert %d bytes with model free %d: %v", seed, step, len(cell), modelFree(size, model), err)
				}
				if err == nil {
					model = append(model[:i], append([][]byte{cell}, model[i:]...)...)
				}
			case op < 7:
				i := rng.IntN(len(model))
				p.Delete(i)
				model = append(model[:i], model[i+1:]...)
			default:
				i := rng.IntN(len(model))
				err := p.Replace(i, cell)
				fits := len(cell) <= modelFree(size, model)+len(model[i])
				if (err == nil) != fits {
					t.Fatalf("seed %d step %d: replace: %v", seed, step, err)
				}
				if err == nil {
					model[i] = cell
				}
			}
			if err := CheckStructure(p); err != nil {
				t.Fatalf("seed %d step %d: %v", seed, step, err)
			}
			if p.NumCells() != len(model) {
				t.Fatalf("seed %d step %d: %d cells, model has %d", seed, step, p.NumCells(), len(model))
			}
			for i, c := range model {
				if !bytes.Equal(p.Cell(i), c) {
					t.Fatalf("seed %d step %d: cell %d differs", seed, step, i)
				}
			}
		}
	}
}

func modelFree(size int, model [][]byte) int {
	free := size - HeaderSize
	for _, c := range model {
		free -= SlotSize + len(c)
	}
	return free
}

func FuzzDecode(f *testing.F) {
	p := Init(make([]byte, MinSize), 1, TypeLeaf)
	for i := 0; i < 5; i++ {
		_ = p.Insert(i, []byte(fmt.Sprintf("cell-%d", i)))
	}
	p.Delete(2)
	p.Seal()
	f.Add([]byte(p))
	f.Add(make([]byte, MinSize))
	f.Add([]byte("short"))
	empty := Init(make([]byte, MinSize), 0, TypeMeta)
	empty.Seal()
	f.Add([]byte(empty))
	f.Fuzz(func(t *testing.T, data []byte) {
		// Structure first, so the fuzzer need not forge checksums to get deep.
		if err := CheckStructure(data); err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v does not match ErrCorrupt", err)
			}
			return
		}
		exercise(t, Page(data))
		_, _ = Decode(data)
	})
}

// exercise calls every accessor and mutator on a page that passed
// CheckStructure; none may panic and the page must stay valid.
func exercise(t *testing.T, p Page) {
	_ = p.String()
	_ = p.ID() + ID(p.Type()) + p.Right() + p.Aux()
	_, _ = p.LSN(), p.Level()
	for i := 0; i < p.NumCells(); i++ {
		_ = p.Cell(i)
	}
	q := Page(append([]byte(nil), p...))
	q.Compact()
	if err := CheckStructure(q); err != nil {
		t.Fatalf("after Compact: %v", err)
	}
	if q.NumCells() > 0 {
		_ = q.Replace(0, []byte("replacement"))
		q.Delete(q.NumCells() - 1)
	}
	_ = q.Insert(0, []byte("new"))
	if err := CheckStructure(q); err != nil {
		t.Fatalf("after edits: %v", err)
	}
}
