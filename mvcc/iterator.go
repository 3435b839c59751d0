package mvcc

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/aegisdb/aegis/engine"
)

// skipByNext is how many versions of one key an iterator steps over with
// Next before it seeks past the rest: Next is cheap when a key has few
// versions, a seek is cheaper when it has many.
const skipByNext = 4

// Scan returns an iterator over the user keys in [lower, upper) (nil bounds
// are open) in ascending order, as the transaction sees them: its snapshot
// merged with its own writes made before Scan was called. Close it when
// done. Under Serializable the whole range joins the read set, even if the
// caller stops early.
func (t *Txn) Scan(lower, upper []byte) *Iterator { return t.scan(lower, upper, false) }

// ScanReverse is Scan in descending key order. It costs two engine seeks
// per key returned (find the key's visible version, then step to the key
// before it), since versions are laid out for forward reads.
func (t *Txn) ScanReverse(lower, upper []byte) *Iterator { return t.scan(lower, upper, true) }

func (t *Txn) scan(lower, upper []byte, reverse bool) *Iterator {
	it := &Iterator{txn: t, reverse: reverse}
	if t.done {
		it.err = ErrTxnDone
		return it
	}
	lower, upper = cloneBound(lower), cloneBound(upper)
	if t.validatesReads() {
		t.ranges = append(t.ranges, keyRange{lower, upper})
	}
	opts := engine.IterOptions{LowerBound: dataStart}
	if lower != nil {
		opts.LowerBound = appendPrefix(nil, lower)
	}
	if upper != nil {
		opts.UpperBound = appendPrefix(nil, upper)
	}
	it.eng = t.db.eng.NewIterator(opts)
	if t.writes != nil {
		visit := func(w write) bool {
			if upper != nil && bytes.Compare(w.key, upper) >= 0 {
				return false
			}
			it.own = append(it.own, w)
			return true
		}
		if lower == nil {
			t.writes.Ascend(visit)
		} else {
			t.writes.AscendGreaterOrEqual(write{key: lower}, visit)
		}
		if reverse {
			slices.Reverse(it.own)
		}
	}
	return it
}

func cloneBound(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte{}, b...)
}

// Iterator walks a transaction's view of a key range, forward (Scan) or
// backward (ScanReverse). Call Next before the first Key. Key and Value are valid until the next call to Next.
type Iterator struct {
	txn     *Txn
	reverse bool
	eng     engine.Iterator
	own     []write // the transaction's writes in range, in iteration order

	started bool
	// The next visible committed entry, when engOK.
	engOK            bool
	engKey, engValue []byte
	// engReturned: a forward scan returned the look-ahead entry, a view
	// of the engine's position, so the engine must step past it first.
	engReturned bool
	// Buffers for decoded entries. A reverse scan uses both in turn: one
	// holds the entry the caller sees, the other the look-ahead (its
	// engine has already moved on). A forward scan needs only bufs[0].
	bufs   [2]struct{ key, value []byte }
	bufIdx int
	prefix []byte // scratch copy of the current encoded prefix
	seek   []byte // scratch seek key for reverse scans

	key, value []byte
	// keyLazy: key is the look-ahead's engine key, not yet unescaped
	// (engKeyLazy says the same of the look-ahead itself).
	keyLazy, engKeyLazy bool
	err                 error
}

func (it *Iterator) String() string {
	return fmt.Sprintf("mvcc.Iterator(read ts %d, at %q)", it.txn.readTS, it.key)
}

// Next moves to the next key and reports whether there is one. After it
// returns false, Err tells whether the range ended or an error stopped it.
func (it *Iterator) Next() bool {
	if it.err != nil {
		return false
	}
	if !it.started {
		it.started = true
		if it.reverse {
			it.eng.Last()
			it.advanceEngineReverse()
		} else {
			it.advanceEngine(engKeyIf(it.eng, it.eng.First()))
		}
	} else if it.engReturned {
		it.engReturned = false
		it.stepEngine()
	}
	for it.err == nil {
		ownOK := len(it.own) > 0
		if !ownOK && !it.engOK {
			return false
		}
		var cmp int // <0: the engine entry comes first
		if ownOK && it.engOK {
			if !it.decodeEngKey() {
				return false
			}
			cmp = bytes.Compare(it.engKey, it.own[0].key)
			if it.reverse {
				cmp = -cmp
			}
		} else if ownOK {
			cmp = 1
		} else {
			cmp = -1
		}
		if cmp < 0 {
			it.key, it.value, it.keyLazy = it.engKey, it.engValue, it.engKeyLazy
			if it.reverse {
				it.advanceEngineReverse()
			} else {
				// A forward entry is a view of the engine's current
				// version; the engine moves on at the next call.
				it.engReturned = true
			}
			return true
		}
		w := it.own[0]
		it.own = it.own[1:]
		if cmp == 0 { // the transaction's own write shadows the snapshot
			it.stepEngine()
		}
		if !w.tombstone {
			it.key, it.value, it.keyLazy = w.key, w.value, false
			return true
		}
	}
	return false
}

// decodeEngKey unescapes the look-ahead entry's user key if a forward
// scan has not yet done so, and reports whether that succeeded (a corrupt
// key stops the iteration with an error).
func (it *Iterator) decodeEngKey() bool {
	if !it.engKeyLazy {
		return true
	}
	buf := &it.bufs[0]
	k, err := appendUserKey(buf.key[:0], it.prefix)
	if err != nil {
		it.err = err
		return false
	}
	buf.key, it.engKey, it.engKeyLazy = k, k, false
	return true
}

// stepEngine moves the engine past the user key of the current look-ahead
// entry and on to the next live one.
func (it *Iterator) stepEngine() {
	if it.reverse {
		it.advanceEngineReverse() // a reverse look-ahead is already stepped past
		return
	}
	it.advanceEngine(it.skipPast(it.prefix))
}

// advanceEngine finds the next user key (in the iteration's direction),
// starting at the engine's position, that has a live (non-tombstone)
// version at or below the read timestamp, and makes that version the
// look-ahead entry (engOK, engKey, engValue).
//
// Forward, the engine stays on that version and engValue aliases the
// engine's value; only the encoded prefix is copied (skipPast needs it),
// and the user key is unescaped from it on demand (decodeEngKey).
// stepEngine moves on when the caller is done with the entry.
//
// ek is the engine's current key, nil when it is at none: the caller has
// just positioned it and passes the key on rather than having it asked
// for again.
func (it *Iterator) advanceEngine(ek []byte) {
	it.engOK = false
	readTS := it.txn.readTS
	e := it.eng
	for ek != nil {
		prefix, ts, err := splitVersionKey(ek)
		if err != nil {
			it.err = err
			return
		}
		if ts > readTS { // too new for this snapshot; an older one follows
			ek = engKeyIf(e, e.Next())
			continue
		}
		value, tombstone, err := decodeValue(ek, e.Value())
		if err != nil {
			it.err = err
			return
		}
		// skipPast needs the prefix after the engine has moved, when ek
		// may be reused, so it keeps a copy.
		it.prefix = append(it.prefix[:0], prefix...)
		if tombstone {
			ek = it.skipPast(it.prefix)
			continue
		}
		it.engOK, it.engKey, it.engKeyLazy, it.engValue = true, nil, true, value
		return
	}
	if err := e.Err(); err != nil {
		it.err = fmt.Errorf("mvcc: scan: %w", err)
	}
}

// advanceEngineReverse is advanceEngine walking backwards. The iterator
// sits on some version (the oldest, in practice) of a user key; seeking to
// prefix|^readTS finds its visible version, and SeekLT(prefix) then moves
// to the oldest version of the key before it.
func (it *Iterator) advanceEngineReverse() {
	it.engOK = false
	e := it.eng
	for e.Valid() {
		prefix, _, err := splitVersionKey(e.Key())
		if err != nil {
			it.err = err
			return
		}
		it.prefix = append(it.prefix[:0], prefix...)
		it.seek = binary.BigEndian.AppendUint64(append(it.seek[:0], it.prefix...), ^it.txn.readTS)
		target := it.seek
		live := false
		if e.SeekGE(target) && bytes.HasPrefix(e.Key(), it.prefix) {
			value, tombstone, err := decodeValue(e.Key(), e.Value())
			if err != nil {
				it.err = err
				return
			}
			if !tombstone {
				buf := &it.bufs[it.bufIdx]
				it.bufIdx ^= 1
				if buf.key, err = appendUserKey(buf.key[:0], it.prefix); err != nil {
					it.err = err
					return
				}
				buf.value = append(buf.value[:0], value...)
				it.engKey, it.engValue, live = buf.key, buf.value, true
			}
		} else if err := e.Err(); err != nil {
			it.err = fmt.Errorf("mvcc: reverse scan: %w", err)
			return
		}
		e.SeekLT(it.prefix)
		if live {
			it.engOK = true
			return
		}
	}
	if err := e.Err(); err != nil {
		it.err = fmt.Errorf("mvcc: reverse scan: %w", err)
	}
}

// skipPast positions the engine iterator at the first version of the user
// key after the one whose encoded prefix is prefix, and returns its key
// (nil when there is none).
func (it *Iterator) skipPast(prefix []byte) []byte {
	e := it.eng
	for i := 0; i < skipByNext; i++ {
		if !e.Next() {
			return nil
		}
		if k := e.Key(); len(k) != len(prefix)+tsLen || !bytes.HasPrefix(k, prefix) {
			return k
		}
	}
	return engKeyIf(e, e.SeekGE(prefixEnd(prefix)))
}

// engKeyIf returns e's key if at says it is at one, else nil. Engine keys
// of versions are never empty, so nil is free to mean "none".
func engKeyIf(e engine.Iterator, at bool) []byte {
	if !at {
		return nil
	}
	return e.Key()
}

// Key returns the current user key. A forward scan unescapes it only
// when asked: row scans that read every column from the value never pay
// for it. If the stored key is corrupt, Key returns nil and Err says why.
func (it *Iterator) Key() []byte {
	if it.keyLazy {
		it.keyLazy = false
		if !it.decodeEngKey() {
			return nil
		}
		it.key = it.engKey
	}
	return it.key
}

// Value returns the current value.
func (it *Iterator) Value() []byte { return it.value }

// Err returns the error that stopped the iteration, if any.
func (it *Iterator) Err() error { return it.err }

// Close releases the engine iterator.
func (it *Iterator) Close() error {
	if it.eng == nil {
		return nil
	}
	err := it.eng.Close()
	it.eng = nil
	return err
}
