package modeltest

import (
	"testing"

	"github.com/aegisdb/aegis/engine"
	_ "github.com/aegisdb/aegis/engine/backends" // register every backend
	"github.com/aegisdb/aegis/mvcc"
)

// OpenDB opens an mvcc DB on a fresh engine of the named backend (in a
// temporary directory for the on-disk ones), closed when the test ends.
func OpenDB(tb testing.TB, backend string, syncOnCommit bool) *mvcc.DB {
	tb.Helper()
	e, err := engine.Open(backend, engine.Options{Dir: tb.TempDir()})
	if err != nil {
		tb.Fatal(err)
	}
	db, err := mvcc.Open(e, mvcc.Options{SyncOnCommit: syncOnCommit, GCInterval: -1})
	if err != nil {
		e.Close()
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		db.Close()
		e.Close()
	})
	return db
}
