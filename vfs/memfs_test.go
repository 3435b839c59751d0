package vfs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"sync"
	"testing"
)

// The behaviour tests run against the operating system and against MemFS,
// so every expectation MemFS meets is one the OS meets too.
func TestBehaviour(t *testing.T) {
	t.Run("os", func(t *testing.T) { testBehaviour(t, Default, t.TempDir) })
	t.Run("mem", func(t *testing.T) {
		mem := NewMem()
		testBehaviour(t, mem, memTempDir(t, mem))
	})
	// A FaultFS without rules must be invisible.
	t.Run("fault-over-mem", func(t *testing.T) {
		mem := NewMem()
		testBehaviour(t, NewFaultFS(mem, 1), memTempDir(t, mem))
	})
	t.Run("fault-over-os", func(t *testing.T) { testBehaviour(t, NewFaultFS(Default, 1), t.TempDir) })
}

// memTempDir returns a function that makes a new directory in mem.
func memTempDir(t *testing.T, mem *MemFS) func() string {
	n := 0
	return func() string {
		n++
		dir := fmt.Sprintf("/data/%d", n)
		must(t, mem.MkdirAll(dir))
		return dir
	}
}

func testBehaviour(t *testing.T, fsys FS, tempDir func() string) {
	cases := []struct {
		name string
		run  func(t *testing.T, fsys FS, dir string)
	}{
		{"write-read", testWriteRead},
		{"write-position", testWritePosition},
		{"open-read-write-appends", testOpenReadWrite},
		{"create-truncates", testCreateTruncates},
		{"truncate", testTruncate},
		{"write-at-past-end", testWriteAtPastEnd},
		{"rename", testRename},
		{"remove", testRemove},
		{"list-stat", testListStat},
		{"mkdir-all", testMkdirAll},
		{"read-only", testReadOnly},
		{"closed", testClosed},
		{"lock", testLock},
		{"unlinked-handle", testUnlinkedHandle},
		{"helpers", testHelpers},
		{"concurrent", testConcurrent},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.run(t, fsys, tempDir()) })
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func mustIs(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("got error %v, want one matching %v", err, target)
	}
}

func wantContents(t *testing.T, fsys FS, name, want string) {
	t.Helper()
	got, err := ReadFile(fsys, name)
	must(t, err)
	if string(got) != want {
		t.Fatalf("%s holds %q, want %q", name, got, want)
	}
}

func writeString(t *testing.T, f File, s string) {
	t.Helper()
	n, err := f.Write([]byte(s))
	must(t, err)
	if n != len(s) {
		t.Fatalf("wrote %d bytes, want %d", n, len(s))
	}
}

func testWriteRead(t *testing.T, fsys FS, dir string) {
	name := filepath.Join(dir, "f")
	f, err := fsys.Create(name)
	must(t, err)
	defer f.Close()
	writeString(t, f, "hello, world")
	if size, err := f.Size(); err != nil || size != 12 {
		t.Fatalf("Size = %d, %v; want 12", size, err)
	}
	buf := make([]byte, 5)
	n, err := f.ReadAt(buf, 7)
	if n != 5 || err != nil || string(buf) != "world" {
		t.Fatalf("ReadAt(7) = %d %v %q", n, err, buf)
	}
	// A read that reaches past the end is short and says io.EOF.
	n, err = f.ReadAt(buf, 10)
	if n != 2 || err != io.EOF || string(buf[:n]) != "ld" {
		t.Fatalf("short ReadAt = %d %v %q", n, err, buf[:n])
	}
	n, err = f.ReadAt(buf, 12)
	if n != 0 || err != io.EOF {
		t.Fatalf("ReadAt at end = %d %v", n, err)
	}
	if _, err := f.ReadAt(buf, -1); err == nil {
		t.Fatal("ReadAt at a negative offset succeeded")
	}
	if _, err := f.WriteAt(buf, -1); err == nil {
		t.Fatal("WriteAt at a negative offset succeeded")
	}
	must(t, f.Sync())
}

func testWritePosition(t *testing.T, fsys FS, dir string) {
	name := filepath.Join(dir, "f")
	f, err := fsys.Create(name)
	must(t, err)
	writeString(t, f, "abc")
	_, err = f.WriteAt([]byte("X"), 0) // does not move the write position
	must(t, err)
	writeString(t, f, "def")
	_, err = f.WriteAt([]byte("YZ"), 5)
	must(t, err)
	must(t, f.Close())
	wantContents(t, fsys, name, "XbcdeYZ")
}

func testOpenReadWrite(t *testing.T, fsys FS, dir string) {
	name := filepath.Join(dir, "log")
	f, err := fsys.OpenReadWrite(name) // creates
	must(t, err)
	writeString(t, f, "one,")
	must(t, f.Close())
	f, err = fsys.OpenReadWrite(name) // appends
	must(t, err)
	writeString(t, f, "two")
	must(t, f.Close())
	wantContents(t, fsys, name, "one,two")
}

func testCreateTruncates(t *testing.T, fsys FS, dir string) {
	name := filepath.Join(dir, "f")
	must(t, WriteFileAtomic(fsys, dir, name, []byte("old contents")))
	f, err := fsys.Create(name)
	must(t, err)
	writeString(t, f, "new")
	must(t, f.Close())
	wantContents(t, fsys, name, "new")
}

func testTruncate(t *testing.T, fsys FS, dir string) {
	name := filepath.Join(dir, "f")
	f, err := fsys.Create(name)
	must(t, err)
	defer f.Close()
	writeString(t, f, "0123456789")
	must(t, f.Truncate(4))
	wantContents(t, fsys, name, "0123")
	// Extending fills with zeros, even where bytes were cut before.
	must(t, f.Truncate(6))
	wantContents(t, fsys, name, "0123\x00\x00")
	if err := f.Truncate(-1); err == nil {
		t.Fatal("Truncate(-1) succeeded")
	}
	// The write position is not moved by Truncate.
	writeString(t, f, "ab")
	wantContents(t, fsys, name, "0123\x00\x00\x00\x00\x00\x00ab")
}

func testWriteAtPastEnd(t *testing.T, fsys FS, dir string) {
	name := filepath.Join(dir, "f")
	f, err := fsys.Create(name)
	must(t, err)
	defer f.Close()
	writeString(t, f, "abcdef")
	must(t, f.Truncate(2))
	_, err = f.WriteAt([]byte("Z"), 4)
	must(t, err)
	wantContents(t, fsys, name, "ab\x00\x00Z")
}

func testRename(t *testing.T, fsys FS, dir string) {
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	must(t, WriteFileAtomic(fsys, dir, a, []byte("A")))
	must(t, WriteFileAtomic(fsys, dir, b, []byte("B")))
	must(t, fsys.Rename(a, b)) // replaces b
	wantContents(t, fsys, b, "A")
	if Exists(fsys, a) {
		t.Fatal("old name still exists after Rename")
	}
	mustIs(t, fsys.Rename(a, b), fs.ErrNotExist)
	sub := filepath.Join(dir, "sub")
	must(t, fsys.MkdirAll(sub))
	mustIs(t, fsys.Rename(b, sub), fs.ErrExist)
	mustIs(t, fsys.Rename(b, filepath.Join(dir, "missing", "x")), fs.ErrNotExist)
	must(t, fsys.Rename(b, filepath.Join(sub, "moved")))
	wantContents(t, fsys, filepath.Join(sub, "moved"), "A")
	must(t, fsys.Rename(sub, filepath.Join(dir, "sub2"))) // directories move too
	wantContents(t, fsys, filepath.Join(dir, "sub2", "moved"), "A")
}

func testRemove(t *testing.T, fsys FS, dir string) {
	name := filepath.Join(dir, "f")
	must(t, WriteFileAtomic(fsys, dir, name, []byte("x")))
	must(t, fsys.Remove(name))
	if Exists(fsys, name) {
		t.Fatal("file exists after Remove")
	}
	mustIs(t, fsys.Remove(name), fs.ErrNotExist)
	sub := filepath.Join(dir, "sub")
	must(t, fsys.MkdirAll(sub))
	must(t, WriteFileAtomic(fsys, sub, filepath.Join(sub, "g"), nil))
	if err := fsys.Remove(sub); err == nil {
		t.Fatal("Remove of a non-empty directory succeeded")
	}
	must(t, fsys.Remove(filepath.Join(sub, "g")))
	must(t, fsys.Remove(sub))
}

func testListStat(t *testing.T, fsys FS, dir string) {
	for _, n := range []string{"c", "a", "b"} {
		must(t, WriteFileAtomic(fsys, dir, filepath.Join(dir, n), []byte(n+n)))
	}
	must(t, fsys.MkdirAll(filepath.Join(dir, "d")))
	names, err := fsys.List(dir)
	must(t, err)
	if got := filepath.Join(names...); got != filepath.Join("a", "b", "c", "d") {
		t.Fatalf("List = %v", names)
	}
	fi, err := fsys.Stat(filepath.Join(dir, "b"))
	must(t, err)
	if fi.Name() != "b" || fi.Size() != 2 || fi.IsDir() || !fi.Mode().IsRegular() {
		t.Fatalf("Stat(b) = %s size=%d dir=%v mode=%v", fi.Name(), fi.Size(), fi.IsDir(), fi.Mode())
	}
	fi, err = fsys.Stat(filepath.Join(dir, "d"))
	must(t, err)
	if !fi.IsDir() || !fi.Mode().IsDir() {
		t.Fatal("Stat(d) is not a directory")
	}
	_, err = fsys.Stat(filepath.Join(dir, "missing"))
	mustIs(t, err, fs.ErrNotExist)
	var pe *fs.PathError
	if !errors.As(err, &pe) {
		t.Fatalf("Stat error %T is not a *fs.PathError", err)
	}
	_, err = fsys.List(filepath.Join(dir, "missing"))
	mustIs(t, err, fs.ErrNotExist)
	_, err = fsys.Open(filepath.Join(dir, "missing"))
	mustIs(t, err, fs.ErrNotExist)
	_, err = fsys.Create(filepath.Join(dir, "missing", "f"))
	mustIs(t, err, fs.ErrNotExist)
}

func testMkdirAll(t *testing.T, fsys FS, dir string) {
	deep := filepath.Join(dir, "x", "y", "z")
	must(t, fsys.MkdirAll(deep))
	must(t, fsys.MkdirAll(deep)) // idempotent
	must(t, WriteFileAtomic(fsys, deep, filepath.Join(deep, "f"), nil))
	if err := fsys.MkdirAll(filepath.Join(deep, "f", "g")); err == nil {
		t.Fatal("MkdirAll through a file succeeded")
	}
	must(t, fsys.SyncDir(deep))
	mustIs(t, fsys.SyncDir(filepath.Join(dir, "missing")), fs.ErrNotExist)
}

func testReadOnly(t *testing.T, fsys FS, dir string) {
	name := filepath.Join(dir, "f")
	must(t, WriteFileAtomic(fsys, dir, name, []byte("abc")))
	f, err := fsys.Open(name)
	must(t, err)
	defer f.Close()
	if _, err := f.Write([]byte("x")); err == nil {
		t.Fatal("Write on a read-only file succeeded")
	}
	if _, err := f.WriteAt([]byte("x"), 0); err == nil {
		t.Fatal("WriteAt on a read-only file succeeded")
	}
	if err := f.Truncate(0); err == nil {
		t.Fatal("Truncate on a read-only file succeeded")
	}
	wantContents(t, fsys, name, "abc")
}

func testClosed(t *testing.T, fsys FS, dir string) {
	f, err := fsys.Create(filepath.Join(dir, "f"))
	must(t, err)
	must(t, f.Close())
	_, err = f.Write([]byte("x"))
	mustIs(t, err, fs.ErrClosed)
	_, err = f.ReadAt(make([]byte, 1), 0)
	mustIs(t, err, fs.ErrClosed)
	mustIs(t, f.Sync(), fs.ErrClosed)
	mustIs(t, f.Close(), fs.ErrClosed)
}

func testLock(t *testing.T, fsys FS, dir string) {
	name := filepath.Join(dir, "LOCK")
	l, err := fsys.Lock(name)
	must(t, err)
	if !Exists(fsys, name) {
		t.Fatal("Lock did not create its file")
	}
	if l2, err := fsys.Lock(name); err == nil {
		l2.Close()
		t.Fatal("second Lock of a held lock succeeded")
	}
	must(t, l.Close())
	l, err = fsys.Lock(name)
	must(t, err)
	must(t, l.Close())
}

func testUnlinkedHandle(t *testing.T, fsys FS, dir string) {
	name := filepath.Join(dir, "f")
	f, err := fsys.Create(name)
	must(t, err)
	defer f.Close()
	writeString(t, f, "still here")
	must(t, fsys.Remove(name))
	buf := make([]byte, 10)
	n, err := f.ReadAt(buf, 0)
	if n != 10 || err != nil || string(buf) != "still here" {
		t.Fatalf("ReadAt after Remove = %d %v %q", n, err, buf)
	}
}

func testHelpers(t *testing.T, fsys FS, dir string) {
	name := filepath.Join(dir, "CURRENT")
	must(t, WriteFileAtomic(fsys, dir, name, []byte("MANIFEST-000001")))
	must(t, WriteFileAtomic(fsys, dir, name, []byte("MANIFEST-000002")))
	wantContents(t, fsys, name, "MANIFEST-000002")
	if Exists(fsys, name+".tmp") {
		t.Fatal("temporary file left behind")
	}
	must(t, WriteFileAtomic(fsys, dir, filepath.Join(dir, "empty"), nil))
	wantContents(t, fsys, filepath.Join(dir, "empty"), "")
}

// testConcurrent has goroutines write disjoint blocks of one file while
// others read; run it with -race.
func testConcurrent(t *testing.T, fsys FS, dir string) {
	name := filepath.Join(dir, "f")
	f, err := fsys.Create(name)
	must(t, err)
	defer f.Close()
	const writers, blocks, blockSize = 4, 50, 64
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(2)
		go func() {
			defer wg.Done()
			block := bytes.Repeat([]byte{byte('a' + w)}, blockSize)
			for i := range blocks {
				if _, err := f.WriteAt(block, int64((i*writers+w)*blockSize)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
		go func() {
			defer wg.Done()
			buf := make([]byte, blockSize)
			for i := range blocks {
				f.ReadAt(buf, int64(i*blockSize)) // any outcome; only races matter
			}
		}()
	}
	wg.Wait()
	got, err := ReadFile(fsys, name)
	must(t, err)
	for i := range writers * blocks {
		want := bytes.Repeat([]byte{byte('a' + i%writers)}, blockSize)
		if !bytes.Equal(got[i*blockSize:(i+1)*blockSize], want) {
			t.Fatalf("block %d holds the wrong bytes", i)
		}
	}
}
