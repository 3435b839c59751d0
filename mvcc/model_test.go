package mvcc

import (
	"errors"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/aegisdb/aegis/engine"
)

// TestModel interleaves random transactions in one goroutine and checks
// every read, scan and commit outcome against a model: the committed
// state after each timestamp, each transaction's own writes and read set,
// and the conflict rules written out naively. GC runs at random points
// with small pass limits, so reads also check that it drops nothing a
// snapshot can see.
func TestModel(t *testing.T) {
	steps := 20000
	if os.Getenv("AEGIS_LONG") != "" {
		steps = 1000000
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("AEGIS_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (steps %d)", seed, steps)
	forEachBackend(t, func(t *testing.T, e engine.Engine) {
		runModel(t, e, seed, steps)
	})
}

type modelTxn struct {
	txn    *Txn
	iso    Isolation
	ro     bool
	readTS uint64
	own    map[string]*string // nil value: deleted
	reads  map[string]bool
	ranges []keyRange
}

func runModel(t *testing.T, e engine.Engine, seed uint64, steps int) {
	rng := rand.New(rand.NewPCG(seed, 0))
	db := openDB(t, e, Options{GCBatchLimit: 7})
	keys := []string{"", "\x00", "a", "a\x00", "a\x00b", "ab", "b", "c", "\xff"}
	history := []map[string]string{{}} // history[ts]: state after commit ts
	written := []map[string]bool{nil}  // written[ts]: keys the commit at ts wrote
	var open []*modelTxn

	randKey := func() string { return keys[rng.IntN(len(keys))] }
	expectGet := func(m *modelTxn, k string) (string, bool) {
		if v, ok := m.own[k]; ok {
			if v == nil {
				return "", false
			}
			return *v, true
		}
		v, ok := history[m.readTS][k]
		return v, ok
	}
	finish := func(i int) { open = slices.Delete(open, i, i+1) }

	for step := 0; step < steps; step++ {
		if len(open) == 0 || rng.IntN(6) == 0 {
			m := &modelTxn{iso: Isolation(rng.IntN(2)), ro: rng.IntN(5) == 0, own: map[string]*string{}, reads: map[string]bool{}}
			opts := TxnOptions{ReadOnly: m.ro, Isolation: m.iso}
			if rng.IntN(8) == 0 && len(history) > 1 {
				opts.AsOf = 1 + uint64(rng.IntN(len(history)-1))
				if opts.AsOf < db.Metrics().GCHorizon {
					if _, err := db.Begin(opts); !errors.Is(err, ErrSnapshotTooOld) {
						t.Fatalf("step %d: begin as of %d below horizon: %v", step, opts.AsOf, err)
					}
					continue
				}
				m.ro = true
			}
			m.txn = begin(t, db, opts)
			m.readTS = m.txn.ReadTS()
			if opts.AsOf == 0 && m.readTS != uint64(len(history)-1) {
				t.Fatalf("step %d: read ts %d, want last commit %d", step, m.readTS, len(history)-1)
			}
			open = append(open, m)
			continue
		}
		i := rng.IntN(len(open))
		m := open[i]
		switch op := rng.IntN(20); {
		case op < 6: // get
			k := randKey()
			want, found := expectGet(m, k)
			if _, own := m.own[k]; !own {
				m.reads[k] = true
			}
			wantGet(t, m.txn, k, want, !found)
		case op < 10 && !m.ro: // put
			k, v := randKey(), string(rune('A'+rng.IntN(26)))
			mustPut(t, m.txn, k, v)
			m.own[k] = &v
		case op < 12 && !m.ro: // delete
			k := randKey()
			if err := m.txn.Delete([]byte(k)); err != nil {
				t.Fatal(err)
			}
			m.own[k] = nil
		case op < 14: // scan
			var lower, upper []byte
			if rng.IntN(3) > 0 {
				lower = []byte(randKey())
			}
			if rng.IntN(3) > 0 {
				upper = []byte(randKey())
			}
			r := keyRange{lower, upper}
			m.ranges = append(m.ranges, r)
			view := maps.Clone(history[m.readTS])
			for k, v := range m.own {
				if v == nil {
					delete(view, k)
				} else {
					view[k] = *v
				}
			}
			var want []string
			for _, k := range slices.Sorted(maps.Keys(view)) {
				if r.contains([]byte(k)) {
					want = append(want, k+"="+view[k])
				}
			}
			if got := scanAll(t, m.txn, lower, upper); !slices.Equal(got, want) {
				t.Fatalf("step %d: scan [%q, %q) at ts %d = %q, want %q (own %v)\n%s", step, lower, upper, m.readTS, got, want, m.own, dumpEngine(e))
			}
			slices.Reverse(want)
			if got := scanReverseAll(t, m.txn, lower, upper); !slices.Equal(got, want) {
				t.Fatalf("step %d: reverse scan [%q, %q) at ts %d = %q, want %q (own %v)\n%s", step, lower, upper, m.readTS, got, want, m.own, dumpEngine(e))
			}
		case op < 17: // commit
			finish(i)
			var wantKind ConflictKind
			if len(m.own) > 0 {
				for ts := m.readTS + 1; ts < uint64(len(history)) && wantKind != WriteWrite; ts++ {
					for k := range written[ts] {
						if _, w := m.own[k]; w {
							wantKind = WriteWrite
						} else if wantKind == 0 && m.iso == Serializable && (m.reads[k] || slices.ContainsFunc(m.ranges, func(r keyRange) bool { return r.contains([]byte(k)) })) {
							wantKind = ReadWrite // unless a later key is a write-write conflict
						}
					}
				}
			}
			err := m.txn.Commit()
			var ce *ConflictError
			switch {
			case wantKind == 0 && err != nil:
				t.Fatalf("step %d: commit failed: %v", step, err)
			case wantKind != 0 && (!errors.As(err, &ce) || ce.Kind != wantKind):
				t.Fatalf("step %d: commit = %v, want a %s conflict", step, err, wantKind)
			case wantKind == 0 && len(m.own) > 0:
				next := maps.Clone(history[len(history)-1])
				w := map[string]bool{}
				for k, v := range m.own {
					w[k] = true
					if v == nil {
						delete(next, k)
					} else {
						next[k] = *v
					}
				}
				history = append(history, next)
				written = append(written, w)
				if m.txn.CommitTS() != uint64(len(history)-1) {
					t.Fatalf("step %d: commit ts %d, want %d", step, m.txn.CommitTS(), len(history)-1)
				}
			}
		case op < 18:
			finish(i)
			m.txn.Rollback()
		default:
			if _, err := db.GC(1 + rng.IntN(10)); err != nil {
				t.Fatalf("step %d: gc: %v", step, err)
			}
		}
	}
	for _, m := range open {
		m.txn.Rollback()
	}
	// With nothing active, a full cycle leaves exactly one version per
	// live key, and the final state reads back.
	if _, err := db.GCCycle(); err != nil {
		t.Fatal(err)
	}
	if _, err := db.GCCycle(); err != nil {
		t.Fatal(err)
	}
	final := history[len(history)-1]
	it := e.NewIterator(engine.IterOptions{LowerBound: dataStart})
	defer it.Close()
	versions := 0
	for ok := it.First(); ok; ok = it.Next() {
		versions++
	}
	if versions != len(final) {
		t.Log(dumpEngine(e))
		t.Fatalf("%d versions left after GC, want one per live key (%d)", versions, len(final))
	}
	put(t, db, "after", "all") // the commit log is pruned at commits
	m := db.Metrics()
	t.Logf("commits %d, aborts %+v, versions collected %d, commit log %d", m.Commits, m.Aborts, m.VersionsCollected, m.CommitLogEntries)
	if m.ActiveTxns != 0 {
		t.Fatalf("%d transactions active after all ended", m.ActiveTxns)
	}
	if m.CommitLogEntries != 0 {
		t.Fatalf("commit log holds %d entries with no transaction active", m.CommitLogEntries)
	}
}
