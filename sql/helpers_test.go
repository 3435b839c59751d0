package sql

import (
	"testing"

	"github.com/aegisdb/aegis/engine"
	_ "github.com/aegisdb/aegis/engine/backends"
	"github.com/aegisdb/aegis/mvcc"
)

// openTestDB opens an MVCC database on a fresh engine of the backend,
// closed when the test ends.
func openTestDB(tb testing.TB, backend string) *mvcc.DB {
	tb.Helper()
	opts := engine.Options{}
	if backend != "memory" {
		opts.Dir = tb.TempDir()
	}
	e, err := engine.Open(backend, opts)
	if err != nil {
		tb.Fatal(err)
	}
	db, err := mvcc.Open(e, mvcc.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close(); e.Close() })
	return db
}
