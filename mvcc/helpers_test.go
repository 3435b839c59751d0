package mvcc

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aegisdb/aegis/engine"
	_ "github.com/aegisdb/aegis/engine/backends"
)

// forEachBackend runs fn once per registered backend, on a fresh engine
// opened in a temporary directory.
func forEachBackend(t *testing.T, fn func(t *testing.T, e engine.Engine)) {
	t.Helper()
	for _, name := range engine.Backends() {
		t.Run(name, func(t *testing.T) {
			e, err := engine.Open(name, engine.Options{Dir: t.TempDir()})
			if err != nil {
				t.Fatalf("open %s: %v", name, err)
			}
			t.Cleanup(func() { e.Close() })
			fn(t, e)
		})
	}
}

// openDB opens a DB with the background collector off, closed at cleanup.
func openDB(t testing.TB, e engine.Engine, opts Options) *DB {
	t.Helper()
	if opts.GCInterval == 0 {
		opts.GCInterval = -1
	}
	db, err := Open(e, opts)
	if err != nil {
		t.Fatalf("mvcc.Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func begin(t testing.TB, db *DB, opts TxnOptions) *Txn {
	t.Helper()
	txn, err := db.Begin(opts)
	if err != nil {
		t.Fatalf("begin: %v", err)
	}
	return txn
}

func mustPut(t testing.TB, txn *Txn, k, v string) {
	t.Helper()
	if err := txn.Put([]byte(k), []byte(v)); err != nil {
		t.Fatalf("put %q: %v", k, err)
	}
}

func mustCommit(t testing.TB, txn *Txn) {
	t.Helper()
	if err := txn.Commit(); err != nil {
		t.Fatalf("commit: %v", err)
	}
}

// wantGet checks txn.Get(k): want "" with missing=true means ErrNotFound.
func wantGet(t testing.TB, txn *Txn, k, want string, missing bool) {
	t.Helper()
	v, err := txn.Get([]byte(k))
	if missing {
		if !errors.Is(err, ErrNotFound) {
			t.Fatalf("get %q = %q, %v; want ErrNotFound", k, v, err)
		}
		return
	}
	if err != nil || string(v) != want {
		t.Fatalf("get %q = %q, %v; want %q", k, v, err, want)
	}
}

// scanAll returns the key=value pairs of txn.Scan(lower, upper).
func scanAll(t testing.TB, txn *Txn, lower, upper []byte) []string {
	t.Helper()
	return drain(t, txn.Scan(lower, upper))
}

// scanReverseAll returns the key=value pairs of txn.ScanReverse(lower, upper).
func scanReverseAll(t testing.TB, txn *Txn, lower, upper []byte) []string {
	t.Helper()
	return drain(t, txn.ScanReverse(lower, upper))
}

func drain(t testing.TB, it *Iterator) []string {
	t.Helper()
	defer it.Close()
	var out []string
	for it.Next() {
		out = append(out, string(it.Key())+"="+string(it.Value()))
	}
	if err := it.Err(); err != nil {
		t.Fatalf("scan: %v", err)
	}
	return out
}

// put commits one transaction writing the given key/value pairs.
func put(t testing.TB, db *DB, kvs ...string) uint64 {
	t.Helper()
	txn := begin(t, db, TxnOptions{})
	for i := 0; i+1 < len(kvs); i += 2 {
		mustPut(t, txn, kvs[i], kvs[i+1])
	}
	mustCommit(t, txn)
	return txn.CommitTS()
}

// dumpEngine renders every engine key, decoded, one per line.
func dumpEngine(e engine.Engine) string {
	it := e.NewIterator(engine.IterOptions{})
	defer it.Close()
	var sb strings.Builder
	for ok := it.First(); ok; ok = it.Next() {
		sb.WriteString(formatEngineKV(it.Key(), it.Value()))
		sb.WriteByte('\n')
	}
	return sb.String()
}

// formatEngineKV renders one engine key and value the way doc.go draws them.
func formatEngineKV(k, v []byte) string {
	if bytes.HasPrefix(k, metaPrefix) {
		n, err := decodeUint64(k, v)
		if err != nil {
			return fmt.Sprintf("meta %q = %x", k[len(metaPrefix):], v)
		}
		return fmt.Sprintf("meta %s = %d", k[len(metaPrefix):], n)
	}
	uk, ts, err := decodeVersionKey(k)
	if err != nil {
		return fmt.Sprintf("corrupt %x: %v", k, err)
	}
	if v == nil {
		return fmt.Sprintf("%q@%d", uk, ts)
	}
	val, tomb, err := decodeValue(k, v)
	switch {
	case err != nil:
		return fmt.Sprintf("%q@%d = corrupt %x", uk, ts, v)
	case tomb:
		return fmt.Sprintf("%q@%d = tombstone", uk, ts)
	}
	return fmt.Sprintf("%q@%d = %q", uk, ts, val)
}
