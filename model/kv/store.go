package kv

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aegisdb/aegis/mvcc"
)

// Default limits and sweeper settings, used when Options leaves them zero.
const (
	DefaultMaxKeySize    = 1 << 10 // 1 KiB
	DefaultMaxValueSize  = 1 << 20 // 1 MiB
	DefaultSweepInterval = 30 * time.Second
	DefaultSweepBatch    = 1000
	// writeRetries bounds how often a write is retried after an mvcc
	// write-write conflict with a concurrent writer of the same key.
	writeRetries = 16
)

// Options configure a Store.
type Options struct {
	// MaxKeySize and MaxValueSize bound keys and values in bytes; 0 means
	// the default (1 KiB, 1 MiB).
	MaxKeySize   int
	MaxValueSize int
	// Now is the clock used for TTLs; nil means time.Now.
	Now func() time.Time
	// SweepInterval is how often a background goroutine deletes expired
	// keys; 0 means DefaultSweepInterval, negative turns it off
	// (CollectExpired still works).
	SweepInterval time.Duration
	// SweepBatch bounds the keys one sweep transaction deletes; 0 means
	// DefaultSweepBatch.
	SweepBatch int
}

// Entry is one stored key with its value and expiry (zero: never).
type Entry struct {
	Key       []byte
	Value     []byte
	ExpiresAt time.Time
}

// Store is the key-value model over an mvcc DB. It is safe for concurrent
// use. It does not own the DB: Close the Store, then the DB.
type Store struct {
	db   *mvcc.DB
	opts Options

	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once

	gets, sets, deletes, lists, expired, conflicts, sweepErrors atomic.Uint64
}

// Metrics are the Store's cumulative counters.
type Metrics struct {
	Gets, Sets, Deletes, Lists uint64
	// Expired counts keys deleted by the expiry sweeper.
	Expired uint64
	// Conflicts counts write retries after an mvcc conflict.
	Conflicts   uint64
	SweepErrors uint64
}

// New returns a Store on db and starts its expiry sweeper.
func New(db *mvcc.DB, opts Options) *Store {
	if opts.MaxKeySize <= 0 {
		opts.MaxKeySize = DefaultMaxKeySize
	}
	if opts.MaxValueSize <= 0 {
		opts.MaxValueSize = DefaultMaxValueSize
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.SweepInterval == 0 {
		opts.SweepInterval = DefaultSweepInterval
	}
	if opts.SweepBatch <= 0 {
		opts.SweepBatch = DefaultSweepBatch
	}
	s := &Store{db: db, opts: opts}
	if opts.SweepInterval > 0 {
		s.stop, s.done = make(chan struct{}), make(chan struct{})
		go s.sweep()
	}
	return s
}

// Limits returns the key and value size limits in force.
func (s *Store) Limits() (maxKey, maxValue int) { return s.opts.MaxKeySize, s.opts.MaxValueSize }

// Close stops the sweeper. It does not close the DB.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		if s.stop != nil {
			close(s.stop)
			<-s.done
		}
	})
	return nil
}

// Metrics returns the Store's counters.
func (s *Store) Metrics() Metrics {
	return Metrics{
		Gets: s.gets.Load(), Sets: s.sets.Load(), Deletes: s.deletes.Load(), Lists: s.lists.Load(),
		Expired: s.expired.Load(), Conflicts: s.conflicts.Load(), SweepErrors: s.sweepErrors.Load(),
	}
}

func (s *Store) checkKey(key []byte) error {
	if len(key) == 0 {
		return ErrEmptyKey
	}
	if len(key) > s.opts.MaxKeySize {
		return fmt.Errorf("kv: key of %d bytes exceeds the limit of %d: %w", len(key), s.opts.MaxKeySize, ErrKeyTooLarge)
	}
	return nil
}

// live reports whether a record expiring at exp is visible now.
func live(exp, now time.Time) bool { return exp.IsZero() || now.Before(exp) }

// Get returns the entry stored under key, or ErrNotFound if there is none
// or it has expired.
func (s *Store) Get(key []byte) (Entry, error) {
	if err := s.checkKey(key); err != nil {
		return Entry{}, err
	}
	s.gets.Add(1)
	txn, err := s.db.Begin(mvcc.TxnOptions{ReadOnly: true})
	if err != nil {
		return Entry{}, fmt.Errorf("kv: get %q: %w", key, err)
	}
	defer txn.Rollback()
	e, err := s.read(txn, key)
	if err != nil {
		return Entry{}, err
	}
	return e, nil
}

// read returns the live entry of key in txn's snapshot.
func (s *Store) read(txn *mvcc.Txn, key []byte) (Entry, error) {
	rec, err := txn.Get(storeKey(key))
	if errors.Is(err, mvcc.ErrNotFound) {
		return Entry{}, ErrNotFound
	}
	if err != nil {
		return Entry{}, fmt.Errorf("kv: get %q: %w", key, err)
	}
	value, exp, err := decodeRecord(key, rec)
	if err != nil {
		return Entry{}, err
	}
	if !live(exp, s.opts.Now()) {
		return Entry{}, ErrNotFound
	}
	return Entry{Key: bytes.Clone(key), Value: value, ExpiresAt: exp}, nil
}

// Set stores value under key, replacing any earlier value. A positive ttl
// makes the key expire that long from now; 0 means never.
func (s *Store) Set(key, value []byte, ttl time.Duration) (Entry, error) {
	if err := s.checkKey(key); err != nil {
		return Entry{}, err
	}
	if len(value) > s.opts.MaxValueSize {
		return Entry{}, fmt.Errorf("kv: value of %d bytes for key %q exceeds the limit of %d: %w",
			len(value), key, s.opts.MaxValueSize, ErrValueTooLarge)
	}
	if ttl < 0 {
		return Entry{}, fmt.Errorf("kv: set %q: ttl %v: %w", key, ttl, ErrBadTTL)
	}
	s.sets.Add(1)
	var exp time.Time
	if ttl > 0 {
		exp = s.opts.Now().Add(ttl)
	}
	rec := encodeRecord(value, exp)
	err := s.retry(func(txn *mvcc.Txn) error { return txn.Put(storeKey(key), rec) })
	if err != nil {
		return Entry{}, fmt.Errorf("kv: set %q: %w", key, err)
	}
	return Entry{Key: bytes.Clone(key), Value: bytes.Clone(value), ExpiresAt: exp}, nil
}

// Delete removes key. It returns ErrNotFound if the key is not there (or
// has expired).
func (s *Store) Delete(key []byte) error {
	if err := s.checkKey(key); err != nil {
		return err
	}
	s.deletes.Add(1)
	err := s.retry(func(txn *mvcc.Txn) error {
		if _, err := s.read(txn, key); err != nil {
			return err
		}
		return txn.Delete(storeKey(key))
	})
	if errors.Is(err, ErrNotFound) {
		return err
	}
	if err != nil {
		return fmt.Errorf("kv: delete %q: %w", key, err)
	}
	return nil
}

// retry runs fn in a fresh transaction and commits, again after each
// write-write conflict, up to writeRetries times.
func (s *Store) retry(fn func(*mvcc.Txn) error) error {
	for range writeRetries {
		txn, err := s.db.Begin(mvcc.TxnOptions{})
		if err != nil {
			return err
		}
		if err := fn(txn); err != nil {
			txn.Rollback()
			return err
		}
		err = txn.Commit()
		if errors.Is(err, mvcc.ErrConflict) {
			s.conflicts.Add(1)
			continue
		}
		return err
	}
	return ErrBusy
}

// List returns the live entries whose key starts with keyPrefix, in key
// order, at most limit of them (limit <= 0: all).
func (s *Store) List(keyPrefix []byte, limit int) ([]Entry, error) {
	if len(keyPrefix) > s.opts.MaxKeySize {
		return nil, fmt.Errorf("kv: list prefix of %d bytes exceeds the key limit of %d: %w",
			len(keyPrefix), s.opts.MaxKeySize, ErrKeyTooLarge)
	}
	s.lists.Add(1)
	txn, err := s.db.Begin(mvcc.TxnOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("kv: list: %w", err)
	}
	defer txn.Rollback()
	lower := storeKey(keyPrefix)
	it := txn.Scan(lower, prefixEnd(lower))
	defer it.Close()
	now := s.opts.Now()
	var out []Entry
	for it.Next() {
		k := userKey(it.Key())
		value, exp, err := decodeRecord(k, it.Value())
		if err != nil {
			return nil, err
		}
		if !live(exp, now) {
			continue
		}
		out = append(out, Entry{Key: bytes.Clone(k), Value: bytes.Clone(value), ExpiresAt: exp})
		if limit > 0 && len(out) >= limit {
			break
		}
	}
	if err := it.Err(); err != nil {
		return nil, fmt.Errorf("kv: list %q: %w", keyPrefix, err)
	}
	return out, nil
}

// CollectExpired deletes up to max expired keys (max <= 0: SweepBatch) in
// one transaction and returns how many it deleted. A key re-set between
// the scan and the commit makes the commit conflict; it is then retried.
func (s *Store) CollectExpired(max int) (int, error) {
	if max <= 0 {
		max = s.opts.SweepBatch
	}
	n := 0
	err := s.retry(func(txn *mvcc.Txn) error {
		n = 0
		lower := storeKey(nil)
		it := txn.Scan(lower, prefixEnd(lower))
		defer it.Close()
		now := s.opts.Now()
		var dead [][]byte
		for it.Next() && len(dead) < max {
			_, exp, err := decodeRecord(userKey(it.Key()), it.Value())
			if err != nil {
				return err
			}
			if !live(exp, now) {
				dead = append(dead, bytes.Clone(it.Key()))
			}
		}
		if err := it.Err(); err != nil {
			return err
		}
		for _, k := range dead {
			if err := txn.Delete(k); err != nil {
				return err
			}
		}
		n = len(dead)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("kv: collecting expired keys: %w", err)
	}
	s.expired.Add(uint64(n))
	return n, nil
}

func (s *Store) sweep() {
	defer close(s.done)
	t := time.NewTicker(s.opts.SweepInterval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			for {
				n, err := s.CollectExpired(0)
				if err != nil {
					s.sweepErrors.Add(1)
					break
				}
				if n < s.opts.SweepBatch {
					break
				}
			}
		}
	}
}

// Count returns the number of live keys starting with keyPrefix. It scans
// them: O(keys).
func (s *Store) Count(keyPrefix []byte) (int, error) {
	txn, err := s.db.Begin(mvcc.TxnOptions{ReadOnly: true})
	if err != nil {
		return 0, fmt.Errorf("kv: count: %w", err)
	}
	defer txn.Rollback()
	lower := storeKey(keyPrefix)
	it := txn.Scan(lower, prefixEnd(lower))
	defer it.Close()
	now, n := s.opts.Now(), 0
	for it.Next() {
		_, exp, err := decodeRecord(userKey(it.Key()), it.Value())
		if err != nil {
			return 0, err
		}
		if live(exp, now) {
			n++
		}
	}
	if err := it.Err(); err != nil {
		return 0, fmt.Errorf("kv: count %q: %w", keyPrefix, err)
	}
	return n, nil
}
