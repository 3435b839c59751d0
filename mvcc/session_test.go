package mvcc

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/cockroachdb/datadriven"

	"github.com/aegisdb/aegis/engine"
)

// TestSessions runs the scripted sessions in testdata/sessions: each
// command is a transaction step, and its output shows the result and the
// engine writes behind it. Regenerate with
//
//	go test ./mvcc -run TestSessions -rewrite
//
// and review the diff like code. Commands:
//
//	begin t=<name> [iso=serializable] [readonly] [asof=<ts>]
//	put t=<name> k=<key> v=<value>       delete t=<name> k=<key>
//	get t=<name> k=<key>                 scan t=<name> [lower=<key>] [upper=<key>] [reverse]
//	commit t=<name>                      rollback t=<name>
//	gc [limit=<versions>]                engine (dump every engine key)
//	metrics
func TestSessions(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e engine.Engine) {
		datadriven.Walk(t, "testdata/sessions", func(t *testing.T, path string) {
			rec := &recordingEngine{Engine: e}
			// Every file starts from an empty engine: delete what the
			// previous one left.
			clearEngine(t, e)
			db := openDB(t, rec, Options{})
			txns := map[string]*Txn{}
			datadriven.RunTest(t, path, func(t *testing.T, td *datadriven.TestData) string {
				out := runSessionCmd(t, db, e, txns, td)
				if w := rec.take(); w != "" {
					out += "engine writes:\n" + w
				}
				return out
			})
			for _, txn := range txns {
				txn.Rollback()
			}
		})
	})
}

func runSessionCmd(t *testing.T, db *DB, e engine.Engine, txns map[string]*Txn, td *datadriven.TestData) string {
	arg := func(key string) string {
		var v string
		td.ScanArgs(t, key, &v)
		return v
	}
	txn := func() *Txn {
		name := arg("t")
		if txns[name] == nil {
			t.Fatalf("%s: no transaction %q", td.Pos, name)
		}
		return txns[name]
	}
	result := func(err error) string {
		if err != nil {
			return "error: " + err.Error() + "\n"
		}
		return "ok\n"
	}
	switch td.Cmd {
	case "begin":
		opts := TxnOptions{ReadOnly: td.HasArg("readonly")}
		if td.HasArg("iso") && arg("iso") == "serializable" {
			opts.Isolation = Serializable
		}
		if td.HasArg("asof") {
			td.ScanArgs(t, "asof", &opts.AsOf)
		}
		x, err := db.Begin(opts)
		if err != nil {
			return result(err)
		}
		txns[arg("t")] = x
		return fmt.Sprintf("%s: read ts %d, %s\n", arg("t"), x.ReadTS(), x.iso)
	case "put":
		return result(txn().Put([]byte(arg("k")), []byte(arg("v"))))
	case "delete":
		return result(txn().Delete([]byte(arg("k"))))
	case "get":
		v, err := txn().Get([]byte(arg("k")))
		if errors.Is(err, ErrNotFound) {
			return "not found\n"
		}
		if err != nil {
			return result(err)
		}
		return fmt.Sprintf("%q\n", v)
	case "scan":
		var lower, upper []byte
		if td.HasArg("lower") {
			lower = []byte(arg("lower"))
		}
		if td.HasArg("upper") {
			upper = []byte(arg("upper"))
		}
		scan := txn().Scan
		if td.HasArg("reverse") {
			scan = txn().ScanReverse
		}
		it := scan(lower, upper)
		defer it.Close()
		var sb strings.Builder
		for it.Next() {
			fmt.Fprintf(&sb, "%q = %q\n", it.Key(), it.Value())
		}
		if it.Err() != nil {
			return result(it.Err())
		}
		if sb.Len() == 0 {
			return "(empty)\n"
		}
		return sb.String()
	case "commit":
		x := txn()
		if err := x.Commit(); err != nil {
			return result(err)
		}
		if x.CommitTS() == 0 {
			return "committed (nothing written)\n"
		}
		return fmt.Sprintf("committed at ts %d\n", x.CommitTS())
	case "rollback":
		txn().Rollback()
		return "ok\n"
	case "gc":
		limit := 0
		if td.HasArg("limit") {
			td.ScanArgs(t, "limit", &limit)
		}
		st, err := db.GC(limit)
		if err != nil {
			return result(err)
		}
		return fmt.Sprintf("watermark %d: examined %d, collected %d, cycle done %t\n", st.Watermark, st.Examined, st.Collected, st.CycleDone)
	case "engine":
		return dumpEngine(e)
	case "metrics":
		m := db.Metrics()
		return fmt.Sprintf("commits %d (read-only %d), aborts %+v\nactive %d, last committed %d, watermark %d, gc horizon %d, versions collected %d, commit log %d\n",
			m.Commits, m.ReadOnlyCommits, m.Aborts, m.ActiveTxns, m.LastCommitted, m.Watermark, m.GCHorizon, m.VersionsCollected, m.CommitLogEntries)
	}
	t.Fatalf("%s: unknown command %q", td.Pos, td.Cmd)
	return ""
}

// recordingEngine logs the operations of every applied batch.
type recordingEngine struct {
	engine.Engine
	mu  sync.Mutex
	log strings.Builder
}

func (r *recordingEngine) Apply(b *engine.Batch, opts engine.WriteOptions) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintf(&r.log, "  batch of %d (sync %t)\n", b.Count(), opts.Sync)
	b.ForEach(func(kind engine.OpKind, k, v []byte) error {
		fmt.Fprintf(&r.log, "    %-6s %s\n", kind, formatEngineKV(k, v))
		return nil
	})
	return r.Engine.Apply(b, opts)
}

func (r *recordingEngine) take() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.log.String()
	r.log.Reset()
	return s
}

func clearEngine(t *testing.T, e engine.Engine) {
	it := e.NewIterator(engine.IterOptions{})
	b := engine.NewBatch()
	for ok := it.First(); ok; ok = it.Next() {
		b.Delete(it.Key())
	}
	it.Close()
	if err := e.Apply(b, engine.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
}
