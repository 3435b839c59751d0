package lsm

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aegisdb/aegis/engine"
	"github.com/aegisdb/aegis/vfs"
)

// TestDumpAndCheck fills a small store, closes it, and checks that
// DumpLayout and DumpTable describe it and that Check accepts it.
func TestDumpAndCheck(t *testing.T) {
	fs := vfs.NewMem()
	opts := smallOptions(fs, "db")
	opts.DisableWAL = true // Close then flushes everything to tables
	db, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 300; i++ {
		b := engine.NewBatch()
		b.Put(fmt.Appendf(nil, "key%04d", i), fmt.Appendf(nil, "value %d", i))
		if i%10 == 0 {
			b.Delete(fmt.Appendf(nil, "key%04d", i/2))
		}
		if err := db.Apply(b, engine.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := Check(fs, "db"); err != nil {
		t.Fatalf("Check: %v", err)
	}
	var layout strings.Builder
	if err := DumpLayout(&layout, fs, "db"); err != nil {
		t.Fatal(err)
	}
	t.Log(layout.String())
	if !strings.Contains(layout.String(), "L0:") || !strings.Contains(layout.String(), ".sst") {
		t.Fatalf("layout lacks levels or tables:\n%s", layout.String())
	}
	names, _ := fs.List("db")
	dumped := false
	for _, n := range names {
		if _, ok := parseTableName(n); !ok {
			continue
		}
		var out strings.Builder
		if err := DumpTable(&out, fs, filepath.Join("db", n), true); err != nil {
			t.Fatalf("DumpTable(%s): %v", n, err)
		}
		for _, want := range []string{"properties:", "num.entries", "index:", "#"} {
			if !strings.Contains(out.String(), want) {
				t.Fatalf("dump of %s lacks %q:\n%s", n, want, out.String())
			}
		}
		dumped = true
	}
	if !dumped {
		t.Fatal("no table to dump")
	}
}
