package enginetest

import (
	"bytes"
	"errors"
	"testing"

	"github.com/aegisdb/aegis/engine"
)

func testBasic(t testing.TB, h Harness) {
	e := h.open(t)
	mustMiss(t, e, "a")
	put(t, e, "a", "1")
	put(t, e, "b", "2")
	mustGet(t, e, "a", "1")
	mustGet(t, e, "b", "2")
	put(t, e, "a", "one")
	mustGet(t, e, "a", "one")
	del(t, e, "a")
	mustMiss(t, e, "a")
	mustGet(t, e, "b", "2")
	if err := e.Flush(); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	mustGet(t, e, "b", "2")
}

func testEmptyValue(t testing.TB, h Harness) {
	e := h.open(t)
	put(t, e, "k", "")
	got, err := e.Get([]byte("k"))
	if err != nil || len(got) != 0 {
		t.Fatalf("Get of an empty value = %q, %v; want an empty value and no error", got, err)
	}
	it := e.NewIterator(engine.IterOptions{})
	defer it.Close()
	if !it.First() || string(it.Key()) != "k" || len(it.Value()) != 0 {
		t.Fatalf("iterator over one empty value: First=%v Err=%v", it.Valid(), it.Err())
	}
}

func testEmptyKey(t testing.TB, h Harness) {
	e := h.open(t)
	put(t, e, "", "empty")
	put(t, e, "a", "A")
	mustGet(t, e, "", "empty")
	if v, err := e.Get(nil); err != nil || string(v) != "empty" {
		t.Fatalf("Get(nil) = %q, %v; want the empty key's value", v, err)
	}
	it := e.NewIterator(engine.IterOptions{})
	defer it.Close()
	if !it.First() || len(it.Key()) != 0 || string(it.Value()) != "empty" {
		t.Fatalf("First did not land on the empty key (valid=%v)", it.Valid())
	}
	if it.Prev() {
		t.Fatalf("Prev from the empty key moved to %s", short(it.Key()))
	}
	if it.SeekLT(nil) || it.SeekLT([]byte{}) {
		t.Fatalf("SeekLT(empty key) found %s; nothing sorts below the empty key", short(it.Key()))
	}
	if !it.SeekGE(nil) || len(it.Key()) != 0 {
		t.Fatalf("SeekGE(nil) did not land on the empty key")
	}
	// An empty, non-nil lower bound includes the empty key; an empty upper
	// bound excludes everything.
	lo := e.NewIterator(engine.IterOptions{LowerBound: []byte{}})
	defer lo.Close()
	if !lo.First() || len(lo.Key()) != 0 {
		t.Fatalf("LowerBound=[]byte{}: First did not land on the empty key")
	}
	up := e.NewIterator(engine.IterOptions{UpperBound: []byte{}})
	defer up.Close()
	if up.First() || up.Last() || up.SeekGE(nil) || up.SeekLT([]byte("z")) {
		t.Fatalf("UpperBound=[]byte{} must hold no key, found %s", short(up.Key()))
	}
	del(t, e, "")
	mustMiss(t, e, "")
	mustGet(t, e, "a", "A")
}

func testBinaryKeys(t testing.TB, h Harness) {
	e := h.open(t)
	keys := []string{"\xff\xff", "a\x00", "a", "\x00", "a\xff", "", "\x00\x00", "a\x00\x00", "a\x01", "ab", "\xff", "b"}
	o := newOracle()
	b := engine.NewBatch()
	for i, k := range keys {
		v := []byte{byte(i), 0, 0xff, byte(i)}
		b.Put([]byte(k), v)
		o.put([]byte(k), v)
	}
	apply(t, e, b, false)
	for _, k := range keys {
		mustGet(t, e, k, string(o.values[k]))
	}
	checkScans(t, e, o, engine.IterOptions{})
	checkScans(t, e, o, engine.IterOptions{LowerBound: []byte("a\x00"), UpperBound: []byte("a\xff")})
	checkScans(t, e, o, engine.IterOptions{LowerBound: []byte("\x00"), UpperBound: []byte("\xff")})
}

func testGetReturnsCopy(t testing.TB, h Harness) {
	e := h.open(t)
	put(t, e, "k", "value")
	got, err := e.Get([]byte("k"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		got[i] = 'X'
	}
	mustGet(t, e, "k", "value")
	key := []byte("k")
	if _, err := e.Get(key); err != nil {
		t.Fatal(err)
	}
	key[0] = 'z'
	mustGet(t, e, "k", "value")
}

func testBatchReuse(t testing.TB, h Harness) {
	e := h.open(t)
	b := engine.NewBatch()
	key, value := []byte("key1"), []byte("value1")
	b.Put(key, value)
	b.Put([]byte("key2"), []byte("value2"))
	apply(t, e, b, true)
	// Neither the caller's slices nor the batch's buffer may be retained.
	copy(key, "XXXX")
	copy(value, "XXXXXX")
	repr := b.Repr()
	for i := range repr {
		repr[i] = 0xee
	}
	mustGet(t, e, "key1", "value1")
	mustGet(t, e, "key2", "value2")
	b.Reset()
	b.Put([]byte("key3"), []byte("value3"))
	b.Delete([]byte("key1"))
	apply(t, e, b, false)
	mustMiss(t, e, "key1")
	mustGet(t, e, "key2", "value2")
	mustGet(t, e, "key3", "value3")
	o := newOracle()
	o.put([]byte("key2"), []byte("value2"))
	o.put([]byte("key3"), []byte("value3"))
	checkScans(t, e, o, engine.IterOptions{})
}

func testBatchLaterOpWins(t testing.TB, h Harness) {
	e := h.open(t)
	put(t, e, "gone", "old")
	put(t, e, "back", "old")
	b := engine.NewBatch()
	b.Put([]byte("twice"), []byte("first"))
	b.Put([]byte("twice"), []byte("second"))
	b.Put([]byte("put-del"), []byte("x"))
	b.Delete([]byte("put-del"))
	b.Delete([]byte("gone"))
	b.Delete([]byte("back"))
	b.Put([]byte("back"), []byte("new"))
	b.Delete([]byte("del-put"))
	b.Put([]byte("del-put"), []byte("y"))
	apply(t, e, b, false)
	o := newOracle()
	o.apply(b)
	o.put([]byte("back"), []byte("new")) // the oracle started empty
	for _, k := range []string{"twice", "put-del", "gone", "back", "del-put"} {
		if v, ok := o.values[k]; ok {
			mustGet(t, e, k, string(v))
		} else {
			mustMiss(t, e, k)
		}
	}
	checkScans(t, e, o, engine.IterOptions{})
}

func testDeleteMissing(t testing.TB, h Harness) {
	e := h.open(t)
	put(t, e, "a", "1")
	del(t, e, "never-written")
	del(t, e, "a")
	del(t, e, "a")
	mustMiss(t, e, "a")
	mustMiss(t, e, "never-written")
	checkScans(t, e, newOracle(), engine.IterOptions{})
}

func testEmptyBatch(t testing.TB, h Harness) {
	e := h.open(t)
	apply(t, e, engine.NewBatch(), false)
	apply(t, e, engine.NewBatch(), true)
	put(t, e, "a", "1")
	apply(t, e, engine.NewBatch(), true)
	mustGet(t, e, "a", "1")
}

func testMetrics(t testing.TB, h Harness) {
	e := h.open(t)
	before := e.Metrics()
	if before.Backend == "" {
		t.Error("Metrics().Backend is empty")
	}
	b := engine.NewBatch()
	b.Put([]byte("k1"), []byte("v1"))
	b.Put([]byte("k1"), []byte("v11")) // counted: counters count operations
	b.Delete([]byte("missing"))
	apply(t, e, b, true)
	b.Reset()
	b.Put([]byte("k2"), []byte(""))
	b.Delete([]byte("k1"))
	apply(t, e, b, false)
	e.Get([]byte("k1"))
	e.Get([]byte("k2"))
	e.Get([]byte("k3"))
	it := e.NewIterator(engine.IterOptions{})
	for ok := it.First(); ok; ok = it.Next() {
	}
	it.Close()
	after := e.Metrics()
	checks := []struct {
		name           string
		before, after  uint64
		wantDifference uint64
	}{
		{"Gets", before.Gets, after.Gets, 3},
		{"BatchesApplied", before.BatchesApplied, after.BatchesApplied, 2},
		{"SyncedBatches", before.SyncedBatches, after.SyncedBatches, 1},
		{"KeysPut", before.KeysPut, after.KeysPut, 3},
		{"KeysDeleted", before.KeysDeleted, after.KeysDeleted, 2},
		{"BytesWritten", before.BytesWritten, after.BytesWritten, 2 + 2 + 2 + 3 + len64("missing") + 2 + 2},
		{"IteratorsOpened", before.IteratorsOpened, after.IteratorsOpened, 1},
	}
	for _, c := range checks {
		if c.after-c.before != c.wantDifference {
			t.Errorf("Metrics().%s moved by %d, want %d (before %d, after %d)", c.name, c.after-c.before, c.wantDifference, c.before, c.after)
		}
	}
}

func len64(s string) uint64 { return uint64(len(s)) }

func testClosed(t testing.TB, h Harness) {
	e := h.open(t)
	put(t, e, "a", "1")
	open := e.NewIterator(engine.IterOptions{})
	if err := e.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	e.closed = true
	// An iterator opened before Close may keep working or fail with an
	// error; it must not panic, and Close must not fail on it.
	for ok := open.First(); ok; ok = open.Next() {
	}
	open.Close()

	if _, err := e.Get([]byte("a")); !errors.Is(err, engine.ErrClosed) {
		t.Errorf("Get after Close: %v, want engine.ErrClosed", err)
	}
	b := engine.NewBatch()
	b.Put([]byte("b"), []byte("2"))
	if err := e.Apply(b, engine.WriteOptions{}); !errors.Is(err, engine.ErrClosed) {
		t.Errorf("Apply after Close: %v, want engine.ErrClosed", err)
	}
	if err := e.Apply(b, engine.WriteOptions{Sync: true}); !errors.Is(err, engine.ErrClosed) {
		t.Errorf("synced Apply after Close: %v, want engine.ErrClosed", err)
	}
	if err := e.Flush(); !errors.Is(err, engine.ErrClosed) {
		t.Errorf("Flush after Close: %v, want engine.ErrClosed", err)
	}
	it := e.NewIterator(engine.IterOptions{})
	if it.First() || it.Last() || it.SeekGE([]byte("a")) {
		t.Errorf("iterator opened after Close found a key")
	}
	if !errors.Is(it.Err(), engine.ErrClosed) {
		t.Errorf("iterator opened after Close: Err() = %v, want engine.ErrClosed", it.Err())
	}
	it.Close()
	if err := e.Close(); !errors.Is(err, engine.ErrClosed) {
		t.Errorf("second Close: %v, want engine.ErrClosed", err)
	}
	e.Metrics() // must not panic
}

func testSizeLimits(t testing.TB, h Harness) {
	if h.MaxKeySize == 0 && h.MaxValueSize == 0 {
		t.Skip("the harness sets no size limits")
	}
	e := h.open(t)
	put(t, e, "existing", "old")
	try := func(what string, key, value []byte, wantErr error) {
		t.Helper()
		b := engine.NewBatch()
		b.Put([]byte("before"), []byte("x"))
		b.Delete([]byte("existing"))
		b.Put(key, value)
		b.Put([]byte("after"), []byte("y"))
		err := e.Apply(b, engine.WriteOptions{Sync: true})
		if wantErr == nil {
			if err != nil {
				t.Fatalf("%s: Apply: %v, want success", what, err)
			}
			got, err := e.Get(key)
			if err != nil || !bytes.Equal(got, value) {
				t.Fatalf("%s: Get after Apply = %d bytes, %v; want the %d-byte value", what, len(got), err, len(value))
			}
			// Put "existing" back for the next try.
			put(t, e, "existing", "old")
			for _, k := range []string{"before", "after"} {
				del(t, e, k)
			}
			b := engine.NewBatch()
			b.Delete(key)
			apply(t, e, b, false)
			return
		}
		if !errors.Is(err, wantErr) {
			t.Fatalf("%s: Apply = %v, want %v", what, err, wantErr)
		}
		mustMiss(t, e, "before")
		mustMiss(t, e, "after")
		mustGet(t, e, "existing", "old")
	}
	if n := h.MaxKeySize; n > 0 {
		try("key of MaxKeySize", bytes.Repeat([]byte{'k'}, n), []byte("v"), nil)
		try("key of MaxKeySize+1", bytes.Repeat([]byte{'k'}, n+1), []byte("v"), engine.ErrKeyTooLarge)
		try("key of 2*MaxKeySize", bytes.Repeat([]byte{'k'}, 2*n), []byte("v"), engine.ErrKeyTooLarge)
	}
	if n := h.MaxValueSize; n > 0 {
		try("value of MaxValueSize", []byte("big"), bytes.Repeat([]byte{'v'}, n), nil)
		try("value of MaxValueSize+1", []byte("big"), bytes.Repeat([]byte{'v'}, n+1), engine.ErrValueTooLarge)
	}
	o := newOracle()
	o.put([]byte("existing"), []byte("old"))
	checkScans(t, e, o, engine.IterOptions{})
}

func testReopen(t testing.TB, h Harness) {
	if h.Reopen == nil {
		t.Skip("the harness has no Reopen")
	}
	e := h.open(t)
	h.reopen(t, e) // an empty engine reopens empty
	checkScans(t, e, newOracle(), engine.IterOptions{})
	o := newOracle()
	b := engine.NewBatch()
	for i := range 200 {
		k := []byte{'k', byte(i / 16), byte(i)}
		b.Put(k, bytes.Repeat(k, i%7))
		o.put(k, bytes.Repeat(k, i%7))
	}
	apply(t, e, b, true)
	b.Reset()
	b.Delete([]byte{'k', 0, 3})
	o.delete([]byte{'k', 0, 3})
	apply(t, e, b, false) // unsynced: Close must flush it
	h.reopen(t, e)
	checkScans(t, e, o, engine.IterOptions{})
	h.reopen(t, e) // twice in a row, with nothing written between
	checkScans(t, e, o, engine.IterOptions{})
	put(t, e, "after-reopen", "x")
	o.put([]byte("after-reopen"), []byte("x"))
	checkScans(t, e, o, engine.IterOptions{})
	for _, k := range o.keys {
		mustGet(t, e, k, string(o.values[k]))
	}
}
