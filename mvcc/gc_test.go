package mvcc

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/aegisdb/aegis/engine"
)

// TestBackgroundGC checks that the background collector runs by itself,
// keeps what an open snapshot needs, and stops on Close. It waits for
// progress (up to a generous limit) rather than asserting any timing.
func TestBackgroundGC(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e engine.Engine) {
		db, err := Open(e, Options{GCInterval: time.Millisecond, GCBatchLimit: 3})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 10; i++ {
			put(t, db, "k", fmt.Sprint(i), "other", fmt.Sprint(i))
		}
		pinned := begin(t, db, TxnOptions{ReadOnly: true})
		put(t, db, "k", "new")
		waitFor(t, func() bool { return db.Metrics().VersionsCollected >= 18 })
		wantGet(t, pinned, "k", "9", false) // the version the snapshot reads survived
		pinned.Commit()
		waitFor(t, func() bool { return db.Metrics().VersionsCollected >= 19 })
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		select {
		case <-db.gcDone: // the collector goroutine has exited
		default:
			t.Fatal("Close returned with the collector still running")
		}
		if _, err := db.GC(0); err == nil {
			t.Fatal("GC after Close succeeded")
		}
	})
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("no progress within 30s")
		}
		runtime.Gosched()
		time.Sleep(time.Millisecond)
	}
}
