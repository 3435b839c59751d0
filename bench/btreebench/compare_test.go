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

// sliceOps is how many operations one engine does before the other takes
// its turn (syncSlice for synced puts, one scan for scans). The machines
// these run on are shared and their load changes by the second;
// alternating in slices puts both engines under the same load, so the
// ratio means something even when the rates swing.
const (
	sliceOps  = 100_000
	syncSlice = 200
)

// pair is the two engines of one run, in the order of engines.
type pair [2]store

// openPair opens both engines, each in a new directory under dir.
func openPair(b *testing.B, dir string) pair {
	var p pair
	for i, eng := range engines {
		sub := filepath.Join(dir, eng.name)
		if err := os.MkdirAll(sub, 0o755); err != nil {
			b.Fatal(err)
		}
		s, err := eng.open(sub)
		if err != nil {
			b.Fatal(err)
		}
		p[i] = s
	}
	return p
}

func (p pair) close() {
	for _, s := range p {
		s.close()
	}
}

// alternate runs op(s, from, to) over [0, total) in slices of slice, the
// engines taking turns (and turns at going first), and returns each
// engine's total time. prepare(from, to), untimed, runs once per slice
// before either engine.
func alternate(p pair, total, slice int, prepare func(from, to int), op func(s store, from, to int)) [2]time.Duration {
	var spent [2]time.Duration
	for from, turn := 0, 0; from < total; from, turn = from+slice, turn+1 {
		to := min(from+slice, total)
		if prepare != nil {
			prepare(from, to)
		}
		for k := range p {
			i := (k + turn) % len(p)
			start := time.Now()
			op(p[i], from, to)
			spent[i] += time.Since(start)
		}
	}
	return spent
}

// fillPair loads keys in the given order into both engines in batches of
// batchSize (the same keys and values for both, made outside the timing)
// and ends each engine's load with one durable sync, timed.
func fillPair(b *testing.B, p pair, order []int) [2]time.Duration {
	rng := rand.New(rand.NewPCG(1, 1))
	var keys, values [][]byte
	spent := alternate(p, len(order), sliceOps, func(from, to int) {
		keys, values = keys[:0], values[:0]
		for _, i := range order[from:to] {
			keys = append(keys, key(i))
			values = append(values, value(rng))
		}
	}, func(s store, from, to int) {
		for at := 0; at < to-from; at += batchSize {
			end := min(at+batchSize, to-from)
			if err := s.apply(keys[at:end], values[at:end], false); err != nil {
				b.Fatal(err)
			}
		}
	})
	for i, s := range p {
		start := time.Now()
		if err := s.sync(); err != nil {
			b.Fatal(err)
		}
		spent[i] += time.Since(start)
	}
	return spent
}

// report reports each engine's rate and the ratio btree/bbolt (engines[0]
// over engines[1]).
func report(b *testing.B, unit string, ops int, spent [2]time.Duration) {
	var rate [2]float64
	for i, eng := range engines {
		rate[i] = float64(ops) / spent[i].Seconds()
		b.ReportMetric(rate[i], eng.name+"-"+unit)
	}
	b.ReportMetric(rate[0]/rate[1], "ratio")
}

// reportSize reports the bytes on disk, and for the btree the data file
// alone (the log's active segment is never deleted by a checkpoint).
func reportSize(b *testing.B, p pair) {
	for i, eng := range engines {
		b.ReportMetric(float64(p[i].diskBytes())/(1<<20), eng.name+"-MiB-on-disk")
		if bs, ok := p[i].(*btreeStore); ok {
			b.ReportMetric(float64(bs.dataBytes())/(1<<20), eng.name+"-MiB-data-file")
		}
	}
}

// scanRounds is how many full scans each engine makes, taking turns.
const scanRounds = 3

// BenchmarkCompare runs every workload on both engines, alternating them
// in slices (see sliceOps); run it with -benchtime 1x (each sub-benchmark
// does a fixed amount of work). Each reports btree-ops/s, bbolt-ops/s and
// their ratio.
func BenchmarkCompare(b *testing.B) {
	n := numKeys()
	seq := make([]int, n)
	for i := range seq {
		seq[i] = i
	}
	random := append([]int(nil), seq...)
	rand.New(rand.NewPCG(2, 2)).Shuffle(n, func(i, j int) { random[i], random[j] = random[j], random[i] })

	b.Run("fillseq", func(b *testing.B) {
		p := openPair(b, b.TempDir())
		defer p.close()
		report(b, "ops/s", n, fillPair(b, p, seq))
		reportSize(b, p)
	})
	// The filled stores outlive the fillrandom sub-benchmark (and its
	// TempDir): the read workloads below use them.
	dir, err := os.MkdirTemp("", "btreebench")
	if err != nil {
		b.Fatal(err)
	}
	defer os.RemoveAll(dir)
	var filled pair
	b.Run("fillrandom", func(b *testing.B) {
		filled = openPair(b, dir)
		report(b, "ops/s", n, fillPair(b, filled, random))
		reportSize(b, filled)
	})
	if filled[0] == nil {
		return
	}
	defer filled.close()
	b.Run("readrandom", func(b *testing.B) {
		report(b, "ops/s", n, alternate(filled, n, sliceOps, nil, func(s store, from, to int) {
			k := make([]byte, 16)
			for _, i := range random[from:to] {
				putKey(k, i)
				if err := s.get(k); err != nil {
					b.Fatal(err)
				}
			}
		}))
	})
	b.Run("scan", func(b *testing.B) {
		report(b, "keys/s", scanRounds*n, alternate(filled, scanRounds, 1, nil, func(s store, _, _ int) {
			got, err := s.scan()
			if err != nil || got != n {
				b.Fatalf("scan: %d keys, %v", got, err)
			}
		}))
	})
	b.Run("syncput", func(b *testing.B) {
		rng := rand.New(rand.NewPCG(3, 3))
		vals := make([][]byte, syncedPuts)
		for i := range vals {
			vals[i] = value(rng)
		}
		report(b, "ops/s", syncedPuts, alternate(filled, syncedPuts, syncSlice, nil, func(s store, from, to int) {
			for i := from; i < to; i++ {
				if err := s.apply([][]byte{key(n + i)}, [][]byte{vals[i]}, true); err != nil {
					b.Fatal(err)
				}
			}
		}))
		if s, ok := filled[0].(*btreeStore); ok {
			var sb stringsBuilder
			s.db.Dump(&sb)
			b.Logf("btree after the runs:\n%sstats: %+v", sb.String(), s.db.Stats())
		}
	})
}
