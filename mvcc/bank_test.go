package mvcc

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aegisdb/aegis/engine"
	"github.com/aegisdb/aegis/vfs"
)

// The bank test: goroutines move money between accounts in transactions
// that conflict often, roll back at random and retry, while readers check
// that every snapshot sums to the same total. Each attempt also writes a
// record xfer/<id>, so after a crash the set of records tells which
// transfers survived.

const (
	bankAccounts = 8
	bankInitial  = 1000
)

type bankConfig struct {
	workers, transfers int // per worker
	readers            int
	syncOnCommit       bool
	gcInterval         time.Duration
	inFlight           int // transactions left open, written but not committed, at the end
}

func defaultBankConfig() bankConfig {
	c := bankConfig{workers: 8, transfers: 60, readers: 2, gcInterval: time.Millisecond, inFlight: 3}
	if os.Getenv("AEGIS_LONG") != "" {
		c.transfers = 3000
	}
	return c
}

func acctKey(i int) []byte { return fmt.Appendf(nil, "acct/%02d", i) }

type transfer struct {
	id               string
	from, to, amount int
}

func (x transfer) record() []byte { return fmt.Appendf(nil, "%d %d %d", x.from, x.to, x.amount) }

// bankOutcome is what the workers know when the run ends.
type bankOutcome struct {
	committed map[string]uint64 // id -> commit ts
	transfers map[string]transfer
	// failed are ids that must never be visible: rolled back, conflicted,
	// or still in flight.
	failed map[string]bool
}

func seedBank(t testing.TB, db *DB) {
	txn := begin(t, db, TxnOptions{})
	for i := 0; i < bankAccounts; i++ {
		if err := txn.Put(acctKey(i), []byte(strconv.Itoa(bankInitial))); err != nil {
			t.Fatal(err)
		}
	}
	mustCommit(t, txn)
}

// bankSnapshot reads every account and transfer record in one snapshot.
func bankSnapshot(txn *Txn) (balances []int, records map[string]string, err error) {
	it := txn.Scan([]byte("acct/"), []byte("acct0"))
	for it.Next() {
		n, err := strconv.Atoi(string(it.Value()))
		if err != nil {
			it.Close()
			return nil, nil, fmt.Errorf("account %s holds %q", it.Key(), it.Value())
		}
		balances = append(balances, n)
	}
	it.Close()
	if it.Err() != nil {
		return nil, nil, it.Err()
	}
	records = map[string]string{}
	it = txn.Scan([]byte("xfer/"), []byte("xfer0"))
	for it.Next() {
		records[string(it.Key()[len("xfer/"):])] = string(it.Value())
	}
	it.Close()
	return balances, records, it.Err()
}

func sum(xs []int) int {
	s := 0
	for _, x := range xs {
		s += x
	}
	return s
}

// runBank runs the transfers and the checking readers on db.
func runBank(t *testing.T, db *DB, cfg bankConfig, seed uint64) bankOutcome {
	out := bankOutcome{committed: map[string]uint64{}, transfers: map[string]transfer{}, failed: map[string]bool{}}
	var mu sync.Mutex // guards out
	var stop atomic.Bool
	var wg, readers sync.WaitGroup
	total := bankAccounts * bankInitial

	for r := 0; r < cfg.readers; r++ {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for !stop.Load() {
				txn, err := db.Begin(TxnOptions{ReadOnly: true})
				if err != nil {
					t.Error(err)
					return
				}
				balances, _, err := bankSnapshot(txn)
				txn.Commit() // read-only: a Rollback would count as an abort
				if err != nil {
					t.Error(err)
					return
				}
				if len(balances) != bankAccounts || sum(balances) != total {
					t.Errorf("snapshot at ts %d: %d accounts summing to %d, want %d summing to %d", txn.ReadTS(), len(balances), sum(balances), bankAccounts, total)
					return
				}
			}
		}()
	}

	attempt := func(rng *rand.Rand, x transfer, iso Isolation) (ok bool, err error) {
		txn, err := db.Begin(TxnOptions{Isolation: iso})
		if err != nil {
			return false, err
		}
		get := func(i int) int {
			v, gerr := txn.Get(acctKey(i))
			if gerr != nil && err == nil {
				err = gerr
			}
			n, _ := strconv.Atoi(string(v))
			return n
		}
		from, to := get(x.from), get(x.to)
		if err != nil {
			txn.Rollback()
			return false, err
		}
		txn.Put(acctKey(x.from), []byte(strconv.Itoa(from-x.amount)))
		txn.Put(acctKey(x.to), []byte(strconv.Itoa(to+x.amount)))
		txn.Put([]byte("xfer/"+x.id), x.record())
		if rng.IntN(10) == 0 {
			txn.Rollback()
			return false, nil
		}
		err = txn.Commit()
		if errors.Is(err, ErrConflict) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		mu.Lock()
		out.committed[x.id] = txn.CommitTS()
		mu.Unlock()
		return true, nil
	}

	for w := 0; w < cfg.workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, uint64(w)))
			for n := 0; n < cfg.transfers; n++ {
				from := rng.IntN(bankAccounts)
				x := transfer{from: from, to: (from + 1 + rng.IntN(bankAccounts-1)) % bankAccounts, amount: 1 + rng.IntN(50)}
				for try := 0; ; try++ {
					x.id = fmt.Sprintf("%d-%d-%d", w, n, try)
					mu.Lock()
					out.transfers[x.id] = x
					out.failed[x.id] = true
					mu.Unlock()
					ok, err := attempt(rng, x, Isolation(rng.IntN(2)))
					if err != nil {
						t.Errorf("transfer %s: %v", x.id, err)
						return
					}
					if ok {
						mu.Lock()
						delete(out.failed, x.id)
						mu.Unlock()
						break
					}
				}
			}
		}()
	}
	wg.Wait()
	stop.Store(true)
	readers.Wait()

	// Leave some transactions written but uncommitted, as a crash would.
	for i := 0; i < cfg.inFlight; i++ {
		x := transfer{id: fmt.Sprintf("inflight-%d", i), from: 0, to: 1, amount: 7}
		out.transfers[x.id], out.failed[x.id] = x, true
		txn := begin(t, db, TxnOptions{})
		txn.Put(acctKey(0), []byte("-1"))
		txn.Put([]byte("xfer/"+x.id), x.record())
	}
	return out
}

// checkBank checks the state db holds against the outcome: exactly the
// transfers in survived are visible, and the balances are what applying
// them to the initial balances gives.
func checkBank(t *testing.T, db *DB, out bankOutcome, survived map[string]bool) {
	t.Helper()
	txn := begin(t, db, TxnOptions{ReadOnly: true})
	defer txn.Rollback()
	balances, records, err := bankSnapshot(txn)
	if err != nil {
		t.Fatal(err)
	}
	want := make([]int, bankAccounts)
	for i := range want {
		want[i] = bankInitial
	}
	for id := range survived {
		x := out.transfers[id]
		want[x.from] -= x.amount
		want[x.to] += x.amount
		if records[id] != string(x.record()) {
			t.Errorf("transfer %s: record %q, want %q", id, records[id], x.record())
		}
	}
	for id := range records {
		if !survived[id] {
			t.Errorf("transfer %s is visible but should not be (failed: %t)", id, out.failed[id])
		}
	}
	if fmt.Sprint(balances) != fmt.Sprint(want) {
		t.Errorf("balances %v, want %v", balances, want)
	}
	if sum(balances) != bankAccounts*bankInitial {
		t.Errorf("total %d, want %d", sum(balances), bankAccounts*bankInitial)
	}
}

func TestBankConcurrent(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	forEachBackend(t, func(t *testing.T, e engine.Engine) {
		cfg := defaultBankConfig()
		db := openDB(t, e, Options{GCInterval: cfg.gcInterval, GCBatchLimit: 16})
		seedBank(t, db)
		out := runBank(t, db, cfg, seed)
		committed := map[string]bool{}
		for id := range out.committed {
			committed[id] = true
		}
		checkBank(t, db, out, committed)
		m := db.Metrics()
		t.Logf("%d committed, aborts %+v, %d versions collected in %d GC passes", m.Commits, m.Aborts, m.VersionsCollected, m.GCPasses)
		if m.Commits != uint64(len(out.committed))+1 {
			t.Errorf("metrics count %d commits, workers saw %d (+1 seed)", m.Commits, len(out.committed))
		}
	})
}

// bankCrash runs the bank on the engine open returns, crashes it while
// some transactions are in flight, reopens it with the function crash
// returns, and checks that every acknowledged commit survived (with
// sync_on_commit) or that a prefix of the commits in timestamp order did
// (without), and that nothing uncommitted did. Point it at any backend
// that can crash.
func bankCrash(t *testing.T, syncOnCommit bool, seed uint64,
	open func() (engine.Engine, error),
	crash func(e engine.Engine) (reopen func() (engine.Engine, error), err error),
) {
	e, err := open()
	if err != nil {
		t.Fatal(err)
	}
	cfg := defaultBankConfig()
	cfg.syncOnCommit = syncOnCommit
	db, err := Open(e, Options{SyncOnCommit: syncOnCommit, GCInterval: cfg.gcInterval, GCBatchLimit: 16})
	if err != nil {
		t.Fatal(err)
	}
	txn := begin(t, db, TxnOptions{})
	for i := 0; i < bankAccounts; i++ {
		txn.Put(acctKey(i), []byte(strconv.Itoa(bankInitial)))
	}
	mustCommit(t, txn)
	if err := e.Flush(); err != nil { // the seed is durable either way
		t.Fatal(err)
	}
	out := runBank(t, db, cfg, seed)
	db.Close() // stops GC; neither flushes nor closes the engine
	reopen, err := crash(e)
	if err != nil {
		t.Fatal(err)
	}
	e2, err := reopen()
	if err != nil {
		t.Fatalf("reopen after crash: %v", err)
	}
	defer e2.Close()
	db2 := openDB(t, e2, Options{})
	recovered := db2.LastCommitted()
	survived := map[string]bool{}
	var lastTS uint64
	for id, ts := range out.committed {
		if ts <= recovered {
			survived[id] = true
		} else if syncOnCommit {
			t.Errorf("acknowledged transfer %s at ts %d lost: recovered clock is %d", id, ts, recovered)
		}
		lastTS = max(lastTS, ts)
	}
	t.Logf("recovered clock %d of %d; %d of %d commits survived", recovered, lastTS, len(survived), len(out.committed))
	checkBank(t, db2, out, survived)
	if ts := put(t, db2, "after-crash", "1"); ts != recovered+1 {
		t.Errorf("first commit after crash at ts %d, want %d", ts, recovered+1)
	}
}

func TestBankCrashSimulated(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	for _, syncOnCommit := range []bool{true, false} {
		t.Run(fmt.Sprintf("sync=%t", syncOnCommit), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 1))
			bankCrash(t, syncOnCommit, seed,
				func() (engine.Engine, error) { return newCrashEngine(), nil },
				func(e engine.Engine) (func() (engine.Engine, error), error) {
					after, err := e.(*crashEngine).crash(rng)
					return func() (engine.Engine, error) { return after, err }, err
				})
		})
	}
}

// crashModes are the vfs crash modes the backends' bank test runs under:
// a WAL must survive losing its unsynced tail, and losing it torn.
var crashModes = []vfs.CrashMode{vfs.CrashDropUnsynced, vfs.CrashTornTail}

// TestBankCrashBackends runs bankCrash on every registered backend that
// keeps data in files (all but memory), on a crashing file system.
func TestBankCrashBackends(t *testing.T) {
	var names []string
	for _, name := range engine.Backends() {
		if name != "memory" {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		t.Skipf("no crash-capable backend registered (have %s); TestBankCrashSimulated covers the logic", strings.Join(engine.Backends(), ", "))
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	for _, name := range names {
		for _, mode := range crashModes {
			for _, syncOnCommit := range []bool{true, false} {
				t.Run(fmt.Sprintf("%s/%s/sync=%t", name, mode, syncOnCommit), func(t *testing.T) {
					fs := vfs.NewMem()
					rng := rand.New(rand.NewPCG(seed, uint64(mode)))
					opts := engine.Options{FS: fs, Dir: "db"}
					bankCrash(t, syncOnCommit, seed,
						func() (engine.Engine, error) { return engine.Open(name, opts) },
						func(engine.Engine) (func() (engine.Engine, error), error) {
							after := opts
							after.FS = fs.CrashClone(vfs.CrashOptions{Mode: mode, Rand: rng})
							return func() (engine.Engine, error) { return engine.Open(name, after) }, nil
						})
				})
			}
		}
	}
}
