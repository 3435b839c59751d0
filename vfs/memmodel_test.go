package vfs

import (
	"bytes"
	"math/rand/v2"
	"path"
	"slices"
	"testing"
)

// The model test drives MemFS with random operations and checks it, after
// every step and every crash, against a model that is too simple to be
// wrong: whole copies of each file on Sync and of each directory on SyncDir.

type modelFile struct{ data, synced []byte }

type modelDir struct{ now, durable map[string]*modelFile }

type model struct{ dirs map[string]*modelDir } // by path: "/" and "/d"

func newModel() *model {
	return &model{dirs: map[string]*modelDir{
		"/":  {now: map[string]*modelFile{}, durable: map[string]*modelFile{}},
		"/d": {now: map[string]*modelFile{}, durable: map[string]*modelFile{}},
	}}
}

func (m *model) lookup(p string) *modelFile { return m.dirs[path.Dir(p)].now[path.Base(p)] }

// crash keeps the durable entries with their synced bytes. An inode named
// twice stays one inode.
func (m *model) crash() *model {
	out := newModel()
	seen := map[*modelFile]*modelFile{}
	for name, d := range m.dirs {
		for base, f := range d.durable {
			if seen[f] == nil {
				seen[f] = &modelFile{data: bytes.Clone(f.synced), synced: bytes.Clone(f.synced)}
			}
			out.dirs[name].now[base] = seen[f]
			out.dirs[name].durable[base] = seen[f]
		}
	}
	return out
}

func modelWriteAt(data []byte, off int, p []byte) []byte {
	for len(data) < off+len(p) {
		data = append(data, 0)
	}
	copy(data[off:], p)
	return data
}

func modelResize(data []byte, size int) []byte {
	if size <= len(data) {
		return data[:size]
	}
	return modelWriteAt(data, size, nil)
}

func TestMemFSModel(t *testing.T) {
	seed := testSeed(t)
	r := rand.New(rand.NewPCG(seed, 1))
	paths := []string{"/a", "/b", "/c", "/d/a", "/d/b", "/d/c"}
	pick := func() string { return paths[r.IntN(len(paths))] }

	for round := range crashIterations(t, 30) {
		fsys, mod := NewMem(), newModel()
		must(t, fsys.MkdirAll("/d"))
		for step := range 200 {
			p := pick()
			f := mod.lookup(p)
			switch op := r.IntN(10); {
			case op == 0: // create or truncate to zero
				file, err := fsys.Create(p)
				must(t, err)
				must(t, file.Close())
				if f == nil {
					mod.dirs[path.Dir(p)].now[path.Base(p)] = &modelFile{}
				} else {
					f.data = f.data[:0]
				}
			case op <= 3: // append or write at an offset
				data := make([]byte, 1+r.IntN(20))
				for i := range data {
					data[i] = byte(r.Uint32())
				}
				off := r.IntN(64)
				file, err := fsys.OpenReadWrite(p)
				must(t, err)
				if f == nil {
					f = &modelFile{}
					mod.dirs[path.Dir(p)].now[path.Base(p)] = f
				}
				if op == 1 {
					off = len(f.data)
					_, err = file.Write(data)
				} else {
					_, err = file.WriteAt(data, int64(off))
				}
				must(t, err)
				must(t, file.Close())
				f.data = modelWriteAt(f.data, off, data)
			case op == 4 && f != nil:
				size := r.IntN(64)
				file, err := fsys.OpenReadWrite(p)
				must(t, err)
				must(t, file.Truncate(int64(size)))
				must(t, file.Close())
				f.data = modelResize(f.data, size)
			case op <= 6 && f != nil:
				file, err := fsys.Open(p)
				must(t, err)
				must(t, file.Sync())
				must(t, file.Close())
				f.synced = bytes.Clone(f.data)
			case op == 7:
				dir := path.Dir(p)
				must(t, fsys.SyncDir(dir))
				d := mod.dirs[dir]
				d.durable = make(map[string]*modelFile)
				for name, f := range d.now {
					d.durable[name] = f
				}
			case op == 8 && f != nil:
				to := pick()
				must(t, fsys.Rename(p, to))
				if to != p {
					delete(mod.dirs[path.Dir(p)].now, path.Base(p))
					mod.dirs[path.Dir(to)].now[path.Base(to)] = f
				}
			case op == 9 && f != nil:
				if r.IntN(2) == 0 {
					must(t, fsys.Remove(p))
					delete(mod.dirs[path.Dir(p)].now, path.Base(p))
				} else {
					fsys = fsys.CrashClone(CrashOptions{Mode: CrashDropUnsynced})
					mod = mod.crash()
				}
			}
			checkModel(t, fsys, mod, round, step)
		}
	}
}

func checkModel(t *testing.T, fsys *MemFS, mod *model, round, step int) {
	t.Helper()
	for dir, d := range mod.dirs {
		names, err := fsys.List(dir)
		must(t, err)
		names = slices.DeleteFunc(names, func(n string) bool { return n == "d" && dir == "/" })
		var want []string
		for name := range d.now {
			want = append(want, name)
		}
		slices.Sort(want)
		if !slices.Equal(names, want) {
			t.Fatalf("round %d step %d: %s lists %v, model %v\n%s", round, step, dir, names, want, fsys)
		}
		for name, f := range d.now {
			got, err := ReadFile(fsys, path.Join(dir, name))
			must(t, err)
			if !bytes.Equal(got, f.data) {
				t.Fatalf("round %d step %d: %s holds %x, model %x\n%s", round, step, path.Join(dir, name), got, f.data, fsys)
			}
		}
	}
}
