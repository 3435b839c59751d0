package btree_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aegisdb/aegis/btree"
	"github.com/aegisdb/aegis/engine"
	"github.com/aegisdb/aegis/vfs"
)

// sortedInput yields n ascending keys; every 50th value overflows.
func sortedInput(n int) func() ([]byte, []byte, bool) {
	i := 0
	return func() ([]byte, []byte, bool) {
		if i == n {
			return nil, nil, false
		}
		i++
		return bulkKey(i), bulkValue(i), true
	}
}

func bulkKey(i int) []byte { return fmt.Appendf(nil, "key/%07d", i) }

func bulkValue(i int) []byte {
	if i%50 == 0 {
		return bytes.Repeat([]byte{byte(i)}, 5000)
	}
	return fmt.Appendf(nil, "value %d", i)
}

func TestBulkLoad(t *testing.T) {
	fs := vfs.NewMem()
	db := openSmall(t, fs)
	const n = 5000
	if err := db.BulkLoad(sortedInput(n)); err != nil {
		t.Fatal(err)
	}
	if err := db.Check(); err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	if err := db.Dump(&sb); err != nil {
		t.Fatal(err)
	}
	t.Logf("after bulk load:\n%s", sb.String())
	if err := db.BulkLoad(sortedInput(1)); !errors.Is(err, btree.ErrBulkLoad) {
		t.Fatalf("second bulk load: %v, want ErrBulkLoad", err)
	}
	// Survives a crash right after: the meta batch was synced.
	crashed := fs.CrashClone(vfs.CrashOptions{Mode: vfs.CrashDropUnsynced})
	db.Close()
	db = openSmall(t, crashed)
	defer db.Close()
	for i := 1; i <= n; i++ {
		got, err := db.Get(bulkKey(i))
		if err != nil || !bytes.Equal(got, bulkValue(i)) {
			t.Fatalf("Get(%s) after crash: %d bytes, %v", bulkKey(i), len(got), err)
		}
	}
	if err := db.Check(); err != nil {
		t.Fatal(err)
	}
}

func TestBulkLoadRejectsUnsortedInput(t *testing.T) {
	db := openSmall(t, vfs.NewMem())
	defer db.Close()
	keys := []string{"a", "c", "b"}
	i := 0
	err := db.BulkLoad(func() ([]byte, []byte, bool) {
		if i == len(keys) {
			return nil, nil, false
		}
		i++
		return []byte(keys[i-1]), []byte("v"), true
	})
	if !errors.Is(err, btree.ErrBulkLoad) {
		t.Fatalf("BulkLoad of unsorted keys: %v, want ErrBulkLoad", err)
	}
	if _, err := db.Get([]byte("a")); !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("a failed bulk load left key a: %v", err)
	}
	if err := db.Check(); err != nil {
		t.Fatal(err)
	}
	// The pages the failed load wrote past the page count are reused.
	b := engine.NewBatch()
	for i := range 500 {
		b.Put(bulkKey(i), bulkValue(i))
	}
	if err := db.Apply(b, engine.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := db.Check(); err != nil {
		t.Fatal(err)
	}
}

// TestRedistribution empties most of one leaf of a bulk-loaded tree,
// whose leaves are 90% full, so the leaf cannot merge with its sibling
// and must take cells from it.
func TestRedistribution(t *testing.T) {
	db := openSmall(t, vfs.NewMem())
	defer db.Close()
	const n = 3000
	if err := db.BulkLoad(sortedInput(n)); err != nil {
		t.Fatal(err)
	}
	for i := 1000; i < 1100; i++ {
		b := engine.NewBatch()
		b.Delete(bulkKey(i))
		if err := db.Apply(b, engine.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := db.Check(); err != nil {
			t.Fatalf("after deleting %s: %v", bulkKey(i), err)
		}
	}
	s := db.Stats()
	if s.Redistributions == 0 {
		t.Fatalf("no redistribution: %+v", s)
	}
	t.Logf("stats: %+v", s)
}
