package lsm

import (
	"encoding/binary"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/aegisdb/aegis/engine"
	"github.com/aegisdb/aegis/vfs"
)

// dirSize sums the sizes of the files under dir (tables, manifest, WAL).
func dirSize(t testing.TB, fs vfs.FS, dir string) (total int64) {
	names, err := fs.List(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		p := filepath.Join(dir, n)
		fi, err := fs.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.IsDir() {
			total += dirSize(t, fs, p)
		} else {
			total += fi.Size()
		}
	}
	return total
}

// TestSpaceAmplification overwrites the same keys five times with 16-byte
// keys and 100-byte random (incompressible) values, lets compaction
// settle, and requires the store to take less than 1.5x the live data.
// By default 20,000 keys with memtables and levels scaled down to match;
// AEGIS_LSM_SPACE=1 runs 1,000,000 keys with the default options on the
// OS file system (about a minute):
//
//	AEGIS_LSM_SPACE=1 go test ./lsm -run TestSpaceAmplification -v
func TestSpaceAmplification(t *testing.T) {
	n := 20000
	opts := Options{FS: vfs.NewMem(), Dir: "db", MemtableSize: 256 << 10, LevelBaseSize: 1 << 20, TargetFileSize: 256 << 10}
	if os.Getenv("AEGIS_LSM_SPACE") != "" {
		n = 1000000
		opts = Options{FS: vfs.Default, Dir: t.TempDir()}
	}
	db, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	key := make([]byte, 16)
	val := make([]byte, 104)
	b := engine.NewBatch()
	for round := 0; round < 5; round++ {
		for i := 0; i < n; i++ {
			binary.BigEndian.PutUint64(key, uint64(i)*0x9e3779b97f4a7c15) // the same n keys each round, scattered
			binary.BigEndian.PutUint64(key[8:], uint64(i))
			for j := 0; j < len(val); j += 8 {
				binary.LittleEndian.PutUint64(val[j:], rng.Uint64())
			}
			b.Put(key, val[:100])
			if b.Count() == 1000 {
				if err := db.Apply(b, engine.WriteOptions{}); err != nil {
					t.Fatal(err)
				}
				b.Reset()
			}
		}
	}
	if b.Count() > 0 {
		if err := db.Apply(b, engine.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := db.WaitIdle(); err != nil {
		t.Fatal(err)
	}
	live := int64(n) * (16 + 100)
	s := db.Stats()
	tables := int64(s.DiskBytes())
	total := dirSize(t, opts.FS, opts.Dir)
	t.Logf("%d keys x 5 overwrites: live %d bytes; tables %d bytes (%.3fx); all files incl. WAL and manifest %d bytes (%.3fx); write amp %.2f; levels %v",
		n, live, tables, float64(tables)/float64(live), total, float64(total)/float64(live), s.WriteAmp(), s.LevelBytes)
	if float64(total) >= 1.5*float64(live) {
		t.Errorf("on-disk size %d is %.2fx the live data %d, want < 1.5x", total, float64(total)/float64(live), live)
	}
}
