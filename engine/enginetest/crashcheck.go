package enginetest

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"

	"github.com/aegisdb/aegis/engine"
)

// The crash tests name every batch. Batch id writes a marker key
// "m/<id>" = "<id>" plus puts and deletes of data keys "d/<nn>" whose
// values name the batch. After a crash the markers say which batches
// survived, and replaying exactly those batches on an oracle says what the
// whole store must hold, so a half-applied batch, a lost acknowledged one
// or a stray value all show up as a difference.

// crashBatch is one batch of a crash workload.
type crashBatch struct {
	id    int
	batch *engine.Batch // a private copy, never reused
	acked bool          // Apply returned nil
}

// history is everything a crash workload applied to one store, in order.
type history struct {
	batches []crashBatch
	// durable counts the leading batches that must survive any crash: all
	// of them up to the last synced Apply or Flush that returned nil, or
	// that a recovery already showed.
	durable int
	nextID  int
}

func markerKey(id int) []byte { return fmt.Appendf(nil, "m/%08d", id) }

// newBatch builds the next batch of the workload.
func (h *history) newBatch(rng *rand.Rand) crashBatch {
	h.nextID++
	id := h.nextID
	b := engine.NewBatch()
	b.Put(markerKey(id), strconv.AppendInt(nil, int64(id), 10))
	for op := range 1 + rng.IntN(8) {
		key := fmt.Appendf(nil, "d/%02d", rng.IntN(40))
		if rng.IntN(4) == 0 {
			b.Delete(key)
			continue
		}
		value := fmt.Appendf(nil, "batch %d op %d", id, op)
		if rng.IntN(10) == 0 { // long values cross pages and blocks
			value = append(value, bytes.Repeat([]byte{'.'}, 500+rng.IntN(4000))...)
		}
		b.Put(key, value)
	}
	return crashBatch{id: id, batch: b}
}

// workloadResult says how a workload ended.
type workloadResult struct {
	failures int // Apply or Flush calls that returned an error
}

// runWorkload applies n batches, a fraction syncProb of them synced, with
// an occasional Flush. Errors are recorded, not fatal: a batch whose Apply
// fails is not acknowledged, and the workload goes on, since an engine may
// keep working after a failed write or fail every later call cleanly.
func (h *history) runWorkload(e engine.Engine, rng *rand.Rand, n int, syncProb float64) workloadResult {
	var res workloadResult
	for range n {
		cb := h.newBatch(rng)
		sync := rng.Float64() < syncProb
		err := e.Apply(cb.batch, engine.WriteOptions{Sync: sync})
		cb.acked = err == nil
		h.batches = append(h.batches, cb)
		if err != nil {
			res.failures++
			continue
		}
		if sync {
			h.durable = len(h.batches)
		}
		if rng.IntN(20) == 0 {
			if err := e.Flush(); err != nil {
				res.failures++
			} else {
				h.durable = len(h.batches)
			}
		}
	}
	return res
}

// survivors is what verify found: which batches are in the store.
type survivors struct {
	present map[int]bool
}

func (s survivors) String() string {
	ids := make([]int, 0, len(s.present))
	for id := range s.present {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	return fmt.Sprint(ids)
}

// verify checks the store against the history: the acknowledged batches
// present are a prefix of the acknowledged ones that covers every durable
// batch, any batch present is whole, and nothing else is there.
func (h *history) verify(e engine.Engine) (survivors, error) {
	state := map[string][]byte{}
	it := e.NewIterator(engine.IterOptions{})
	for ok := it.First(); ok; ok = it.Next() {
		state[string(it.Key())] = bytes.Clone(it.Value())
	}
	err := it.Err()
	it.Close()
	if err != nil {
		return survivors{}, fmt.Errorf("scanning the recovered store: %w", err)
	}

	s := survivors{present: map[int]bool{}}
	known := map[int]bool{}
	for _, cb := range h.batches {
		known[cb.id] = true
	}
	for k, v := range state {
		idText, ok := bytes.CutPrefix([]byte(k), []byte("m/"))
		if !ok {
			continue
		}
		id, err := strconv.Atoi(string(idText))
		if err != nil || !known[id] || string(v) != strconv.Itoa(id) {
			return s, fmt.Errorf("marker %q = %q belongs to no batch the workload applied", k, v)
		}
		s.present[id] = true
	}

	firstMissing := -1
	for i, cb := range h.batches {
		switch {
		case !cb.acked:
			// An Apply that failed may or may not have taken effect.
		case !s.present[cb.id] && i < h.durable:
			return s, fmt.Errorf("batch %d (#%d of %d) is lost, but batches up to #%d were acknowledged durable; present: %v",
				cb.id, i+1, len(h.batches), h.durable, s)
		case !s.present[cb.id] && firstMissing < 0:
			firstMissing = cb.id
		case s.present[cb.id] && firstMissing >= 0:
			return s, fmt.Errorf("batch %d survived but the earlier batch %d did not: the survivors must be a prefix; present: %v",
				cb.id, firstMissing, s)
		}
	}

	o := newOracle()
	for _, cb := range h.batches {
		if s.present[cb.id] {
			o.apply(cb.batch)
		}
	}
	if len(state) != len(o.values) || !sameState(state, o.values) {
		return s, fmt.Errorf("the store is not the result of applying the surviving batches %v whole: %s", s, stateDiff(state, o))
	}
	for _, k := range o.keys {
		got, err := e.Get([]byte(k))
		if err != nil || !bytes.Equal(got, o.values[k]) {
			return s, fmt.Errorf("Get(%q) = %s, %v after recovery; a scan shows %s", k, short(got), err, short(o.values[k]))
		}
	}
	return s, nil
}

// settle drops the batches that did not survive a recovery and makes the
// survivors durable: a crash must not take back what a recovery showed.
func (h *history) settle(s survivors) {
	kept := h.batches[:0]
	for _, cb := range h.batches {
		if s.present[cb.id] {
			cb.acked = true
			kept = append(kept, cb)
		}
	}
	h.batches = kept
	h.durable = len(kept)
}

func sameState(got map[string][]byte, want map[string][]byte) bool {
	for k, v := range want {
		if g, ok := got[k]; !ok || !bytes.Equal(g, v) {
			return false
		}
	}
	return true
}

// stateDiff describes the first few differences between the store and
// the oracle.
func stateDiff(got map[string][]byte, o *oracle) string {
	var diffs []string
	keys := map[string]bool{}
	for k := range got {
		keys[k] = true
	}
	for k := range o.values {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		g, gok := got[k]
		w, wok := o.values[k]
		switch {
		case gok && !wok:
			diffs = append(diffs, fmt.Sprintf("%q = %s should not be there", k, short(g)))
		case !gok && wok:
			diffs = append(diffs, fmt.Sprintf("%q is missing, want %s", k, short(w)))
		case !bytes.Equal(g, w):
			diffs = append(diffs, fmt.Sprintf("%q = %s, want %s", k, short(g), short(w)))
		}
		if len(diffs) == 5 {
			diffs = append(diffs, "...")
			break
		}
	}
	return fmt.Sprint(diffs)
}
