package btreebench

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/aegisdb/aegis/btree"
	"github.com/aegisdb/aegis/engine"
)

const (
	batchSize   = 1000
	valueSize   = 100
	syncedPuts  = 2000
	defaultKeys = 1_000_000
)

func numKeys() int {
	if s := os.Getenv("AEGIS_BENCH_KEYS"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n > 0 {
			return n
		}
	}
	return defaultKeys
}

// key i is 16 bytes: the index big-endian, then 8 bytes of a hash of it.
func key(i int) []byte {
	k := make([]byte, 16)
	putKey(k, i)
	return k
}

func putKey(k []byte, i int) {
	binary.BigEndian.PutUint64(k, uint64(i))
	binary.BigEndian.PutUint64(k[8:], uint64(i)*0x9e3779b97f4a7c15)
}

func value(rng *rand.Rand) []byte {
	v := make([]byte, valueSize)
	for i := range v {
		v[i] = byte('a' + rng.IntN(26))
	}
	return v
}

// store is what the workloads need from each engine.
type store interface {
	apply(keys, values [][]byte, sync bool) error
	get(k []byte) error
	scan() (int, error)
	sync() error
	diskBytes() int64
	close() error
}

type btreeStore struct {
	db    *btree.DB
	dir   string
	batch *engine.Batch
}

func openBtree(dir string) (store, error) {
	db, err := btree.Open(btree.Options{Dir: dir, CacheSize: 1 << 30, CheckpointBytes: 1 << 30, SegmentSize: 64 << 20})
	return &btreeStore{db, dir, engine.NewBatch()}, err
}

func (s *btreeStore) apply(keys, values [][]byte, sync bool) error {
	b := s.batch
	b.Reset()
	for i := range keys {
		b.Put(keys[i], values[i])
	}
	return s.db.Apply(b, engine.WriteOptions{Sync: sync})
}

func (s *btreeStore) get(k []byte) error { _, err := s.db.Get(k); return err }

func (s *btreeStore) scan() (int, error) {
	it := s.db.NewIterator(engine.IterOptions{})
	defer it.Close()
	n := 0
	for ok := it.First(); ok; ok = it.Next() {
		n++
	}
	return n, it.Err()
}

func (s *btreeStore) sync() error      { return s.db.Flush() }
func (s *btreeStore) diskBytes() int64 { return dirSize(s.dir) }

// dataBytes leaves out the log, whose active segment Flush never deletes.
func (s *btreeStore) dataBytes() int64 { return dirSize(s.dir) - dirSize(filepath.Join(s.dir, "wal")) }
func (s *btreeStore) close() error     { return s.db.Close() }

type boltStore struct {
	db   *bolt.DB
	path string
}

var bucket = []byte("b")

func openBolt(dir string) (store, error) {
	path := filepath.Join(dir, "bolt.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		return nil, err
	}
	err = db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucketIfNotExists(bucket); return err })
	return &boltStore{db, path}, err
}

func (s *boltStore) apply(keys, values [][]byte, sync bool) error {
	s.db.NoSync = !sync
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucket)
		for i := range keys {
			if err := b.Put(keys[i], values[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *boltStore) get(k []byte) error {
	return s.db.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bucket).Get(k) == nil {
			return fmt.Errorf("bolt: key %x missing", k)
		}
		return nil
	})
}

func (s *boltStore) scan() (int, error) {
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucket).Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			n++
		}
		return nil
	})
	return n, err
}

func (s *boltStore) sync() error      { return s.db.Sync() }
func (s *boltStore) diskBytes() int64 { return dirSize(filepath.Dir(s.path)) }
func (s *boltStore) close() error     { return s.db.Close() }

func dirSize(dir string) int64 {
	var n int64
	filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n += info.Size()
		}
		return nil
	})
	return n
}

var engines = []struct {
	name string
	open func(dir string) (store, error)
}{
	{"btree", openBtree},
	{"bbolt", openBolt},
}

// fill loads keys in the given order in batches and syncs once at the end.
func fill(b *testing.B, s store, order []int) {
	rng := rand.New(rand.NewPCG(1, 1))
	keys := make([][]byte, 0, batchSize)
	values := make([][]byte, 0, batchSize)
	for start := 0; start < len(order); start += batchSize {
		keys, values = keys[:0], values[:0]
		for _, i := range order[start:min(start+batchSize, len(order))] {
			keys = append(keys, key(i))
			values = append(values, value(rng))
		}
		if err := s.apply(keys, values, false); err != nil {
			b.Fatal(err)
		}
	}
	if err := s.sync(); err != nil {
		b.Fatal(err)
	}
}

// reportSize reports the bytes on disk, and for the btree the data file
// alone (the log's active segment is never deleted by a checkpoint).
func reportSize(b *testing.B, s store) {
	b.ReportMetric(float64(s.diskBytes())/(1<<20), "MiB-on-disk")
	if bs, ok := s.(*btreeStore); ok {
		b.ReportMetric(float64(bs.dataBytes())/(1<<20), "MiB-data-file")
	}
}

func report(b *testing.B, ops int, d time.Duration) {
	b.ReportMetric(float64(ops)/d.Seconds(), "ops/s")
}

// BenchmarkCompare runs every workload on each engine; run it with
// -benchtime 1x (each sub-benchmark does a fixed amount of work).
func BenchmarkCompare(b *testing.B) {
	n := numKeys()
	seq := make([]int, n)
	for i := range seq {
		seq[i] = i
	}
	random := append([]int(nil), seq...)
	rand.New(rand.NewPCG(2, 2)).Shuffle(n, func(i, j int) { random[i], random[j] = random[j], random[i] })

	for _, eng := range engines {
		open := func(b *testing.B) store {
			s, err := eng.open(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			return s
		}
		b.Run("fillseq/"+eng.name, func(b *testing.B) {
			s := open(b)
			defer s.close()
			start := time.Now()
			fill(b, s, seq)
			report(b, n, time.Since(start))
			reportSize(b, s)
		})
		var filled store
		dir, err := os.MkdirTemp("", "btreebench")
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { os.RemoveAll(dir) }) // after the read benchmarks below
		b.Run("fillrandom/"+eng.name, func(b *testing.B) {
			if filled, err = eng.open(dir); err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			fill(b, filled, random)
			report(b, n, time.Since(start))
			reportSize(b, filled)
		})
		if filled == nil {
			continue
		}
		b.Run("readrandom/"+eng.name, func(b *testing.B) {
			start := time.Now()
			for _, i := range random {
				if err := filled.get(key(i)); err != nil {
					b.Fatal(err)
				}
			}
			report(b, n, time.Since(start))
		})
		b.Run("scan/"+eng.name, func(b *testing.B) {
			start := time.Now()
			got, err := filled.scan()
			if err != nil || got != n {
				b.Fatalf("scan: %d keys, %v", got, err)
			}
			report(b, n, time.Since(start))
		})
		b.Run("syncput/"+eng.name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(3, 3))
			start := time.Now()
			for i := range syncedPuts {
				if err := filled.apply([][]byte{key(n + i)}, [][]byte{value(rng)}, true); err != nil {
					b.Fatal(err)
				}
			}
			report(b, syncedPuts, time.Since(start))
		})
		if s, ok := filled.(*btreeStore); ok {
			var sb stringsBuilder
			s.db.Dump(&sb)
			st := s.db.Stats()
			b.Logf("btree after the runs:\n%sstats: %+v", sb.String(), st)
		}
		filled.close()
	}
}
