package mvcc

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/aegisdb/aegis/engine"
)

// TestHistoryLinearizable records a concurrent history of one-key
// transactions and checks it with porcupine against a sequential register
// per key. Under snapshot isolation a transaction on a single key is
// atomic at one instant inside its call: a read at Begin, a blind write or
// a read-modify-write at Commit (first committer wins makes the read still
// current then). So the history must be linearizable, with aborted
// transactions having no effect at all.
func TestHistoryLinearizable(t *testing.T) {
	clients, ops := 6, 150
	if os.Getenv("AEGIS_LONG") != "" {
		ops = 1500
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	forEachBackend(t, func(t *testing.T, e engine.Engine) {
		db := openDB(t, e, Options{GCInterval: time.Millisecond, GCBatchLimit: 4})
		history := recordHistory(t, db, clients, ops, seed)
		res, info := porcupine.CheckOperationsVerbose(registerModel, history, 30*time.Second)
		switch res {
		case porcupine.Ok:
		case porcupine.Illegal:
			path := fmt.Sprintf("%s/history-%d.html", os.TempDir(), seed)
			if f, err := os.Create(path); err == nil {
				porcupine.Visualize(registerModel, info, f)
				f.Close()
			}
			t.Fatalf("history of %d operations is not linearizable; visualization in %s", len(history), path)
		default:
			t.Fatalf("porcupine could not decide within the timeout (%d operations)", len(history))
		}
	})
}

type regOp uint8

const (
	regGet regOp = iota
	regPut
	regRMW // read the value, then write a new one, in one transaction
)

type regInput struct {
	op    regOp
	key   string
	value string // written by put and rmw
}

type regOutput struct {
	read      string // value read by get and rmw ("" when missing)
	committed bool   // false: the transaction aborted and had no effect
}

var registerModel = porcupine.Model{
	Partition: func(history []porcupine.Operation) [][]porcupine.Operation {
		byKey := map[string][]porcupine.Operation{}
		for _, op := range history {
			k := op.Input.(regInput).key
			byKey[k] = append(byKey[k], op)
		}
		var out [][]porcupine.Operation
		for _, ops := range byKey {
			out = append(out, ops)
		}
		return out
	},
	Init: func() any { return "" },
	Step: func(state, input, output any) (bool, any) {
		in, out, cur := input.(regInput), output.(regOutput), state.(string)
		if !out.committed {
			return true, cur
		}
		switch in.op {
		case regGet:
			return out.read == cur, cur
		case regPut:
			return true, in.value
		default:
			return out.read == cur, in.value
		}
	},
	DescribeOperation: func(input, output any) string {
		in, out := input.(regInput), output.(regOutput)
		status := ""
		if !out.committed {
			status = " (aborted)"
		}
		switch in.op {
		case regGet:
			return fmt.Sprintf("get(%s) -> %q%s", in.key, out.read, status)
		case regPut:
			return fmt.Sprintf("put(%s, %q)%s", in.key, in.value, status)
		}
		return fmt.Sprintf("rmw(%s): read %q, write %q%s", in.key, out.read, in.value, status)
	},
}

func recordHistory(t *testing.T, db *DB, clients, ops int, seed uint64) []porcupine.Operation {
	var clock atomic.Int64
	var mu sync.Mutex
	var history []porcupine.Operation
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, uint64(c)))
			for n := 0; n < ops; n++ {
				in := regInput{op: regOp(rng.IntN(3)), key: fmt.Sprintf("r%d", rng.IntN(3)), value: fmt.Sprintf("c%d-%d", c, n)}
				call := clock.Add(1)
				out, err := runRegisterOp(db, in, Isolation(rng.IntN(2)), rng.IntN(8) == 0)
				ret := clock.Add(1)
				if err != nil {
					t.Errorf("client %d op %d: %v", c, n, err)
					return
				}
				mu.Lock()
				history = append(history, porcupine.Operation{ClientId: c, Input: in, Call: call, Output: out, Return: ret})
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return history
}

// runRegisterOp runs one single-key transaction; rollback makes it abort
// on purpose after doing its reads and writes.
func runRegisterOp(db *DB, in regInput, iso Isolation, rollback bool) (regOutput, error) {
	txn, err := db.Begin(TxnOptions{Isolation: iso, ReadOnly: in.op == regGet})
	if err != nil {
		return regOutput{}, err
	}
	var out regOutput
	if in.op != regPut {
		v, err := txn.Get([]byte(in.key))
		if err != nil && !errors.Is(err, ErrNotFound) {
			txn.Rollback()
			return out, err
		}
		out.read = string(v)
	}
	if in.op != regGet {
		if err := txn.Put([]byte(in.key), []byte(in.value)); err != nil {
			txn.Rollback()
			return out, err
		}
	}
	if rollback {
		txn.Rollback()
		return out, nil
	}
	err = txn.Commit()
	if errors.Is(err, ErrConflict) {
		return out, nil
	}
	out.committed = err == nil
	return out, err
}
