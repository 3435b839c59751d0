package main

import (
	"errors"
	"fmt"

	"github.com/cockroachdb/pebble/v2"
	badger "github.com/dgraph-io/badger/v4"
	"github.com/syndtr/goleveldb/leveldb"
	"github.com/syndtr/goleveldb/leveldb/opt"

	"github.com/aegisdb/aegis/engine"
	"github.com/aegisdb/aegis/lsm"
)

func init() {
	openers["aegis-lsm"] = openAegis
	openers["pebble"] = openPebble
	openers["badger"] = openBadger
	openers["goleveldb"] = openLevel
}

type aegisKV struct{ db *lsm.DB }

func openAegis(dir string) (kv, error) {
	db, err := lsm.Open(lsm.Options{Dir: dir})
	return aegisKV{db}, err
}

func (a aegisKV) putBatch(keys, vals [][]byte) error {
	b := engine.NewBatch()
	for i := range keys {
		b.Put(keys[i], vals[i])
	}
	return a.db.Apply(b, engine.WriteOptions{})
}

func (a aegisKV) put(k, v []byte, sync bool) error {
	b := engine.NewBatch()
	b.Put(k, v)
	return a.db.Apply(b, engine.WriteOptions{Sync: sync})
}

func (a aegisKV) get(k []byte) ([]byte, error) { return a.db.Get(k) }

func (a aegisKV) scan() (int, error) {
	it := a.db.NewIterator(engine.IterOptions{})
	defer it.Close()
	n := 0
	for ok := it.First(); ok; ok = it.Next() {
		n++
	}
	return n, it.Err()
}

func (a aegisKV) close() error { return a.db.Close() }

func (a aegisKV) notes() string {
	s := a.db.Stats()
	return fmt.Sprintf("stalls %d (%.1fs), write amp %.2f, L0 files %d, tables/get %.2f, cache hit %.2f, bloom useful %d fp %d",
		s.Stalls, s.StallSeconds, s.WriteAmp(), s.LevelFiles[0], float64(s.TablesProbed)/float64(max(s.Gets, 1)),
		s.CacheHitRatio(), s.BloomUseful, s.BloomFP)
}

type pebbleKV struct{ db *pebble.DB }

func openPebble(dir string) (kv, error) {
	db, err := pebble.Open(dir, &pebble.Options{})
	return pebbleKV{db}, err
}

func (p pebbleKV) putBatch(keys, vals [][]byte) error {
	b := p.db.NewBatch()
	for i := range keys {
		b.Set(keys[i], vals[i], nil)
	}
	return b.Commit(pebble.NoSync)
}

func (p pebbleKV) put(k, v []byte, sync bool) error {
	o := pebble.NoSync
	if sync {
		o = pebble.Sync
	}
	return p.db.Set(k, v, o)
}

func (p pebbleKV) get(k []byte) ([]byte, error) {
	v, closer, err := p.db.Get(k)
	if err != nil {
		return nil, err
	}
	out := append([]byte(nil), v...)
	closer.Close()
	return out, nil
}

func (p pebbleKV) scan() (int, error) {
	it, err := p.db.NewIter(nil)
	if err != nil {
		return 0, err
	}
	n := 0
	for ok := it.First(); ok; ok = it.Next() {
		n++
	}
	return n, errors.Join(it.Error(), it.Close())
}

func (p pebbleKV) close() error { return p.db.Close() }

type badgerKV struct{ db *badger.DB }

func openBadger(dir string) (kv, error) {
	db, err := badger.Open(badger.DefaultOptions(dir).WithLogger(nil))
	return badgerKV{db}, err
}

func (b badgerKV) putBatch(keys, vals [][]byte) error {
	wb := b.db.NewWriteBatch()
	for i := range keys {
		if err := wb.Set(keys[i], vals[i]); err != nil {
			return err
		}
	}
	return wb.Flush()
}

func (b badgerKV) put(k, v []byte, sync bool) error {
	if err := b.db.Update(func(txn *badger.Txn) error { return txn.Set(k, v) }); err != nil {
		return err
	}
	if sync {
		return b.db.Sync()
	}
	return nil
}

func (b badgerKV) get(k []byte) (out []byte, err error) {
	err = b.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(k)
		if err != nil {
			return err
		}
		out, err = item.ValueCopy(nil)
		return err
	})
	return out, err
}

func (b badgerKV) scan() (int, error) {
	n := 0
	err := b.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.DefaultIteratorOptions)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if err := it.Item().Value(func([]byte) error { return nil }); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

func (b badgerKV) close() error { return b.db.Close() }

type levelKV struct{ db *leveldb.DB }

func openLevel(dir string) (kv, error) {
	db, err := leveldb.OpenFile(dir, nil)
	return levelKV{db}, err
}

func (l levelKV) putBatch(keys, vals [][]byte) error {
	b := new(leveldb.Batch)
	for i := range keys {
		b.Put(keys[i], vals[i])
	}
	return l.db.Write(b, nil)
}

func (l levelKV) put(k, v []byte, sync bool) error {
	return l.db.Put(k, v, &opt.WriteOptions{Sync: sync})
}

func (l levelKV) get(k []byte) ([]byte, error) { return l.db.Get(k, nil) }

func (l levelKV) scan() (int, error) {
	it := l.db.NewIterator(nil, nil)
	defer it.Release()
	n := 0
	for it.Next() {
		n++
	}
	return n, it.Error()
}

func (l levelKV) close() error { return l.db.Close() }
