package btreebench

import (
	"math/rand/v2"
	"os"
	"sync"
	"testing"
)

// BenchmarkReadRandom times random point reads alone, b.N of them, on
// stores filled once per process (AEGIS_BENCH_KEYS keys, random order,
// batches of 1000). It exists to profile the read path and to compare
// both engines back to back, alternating, which evens out a loaded
// machine better than one long run per engine:
//
//	cd bench && go test -run '^$' -bench ReadRandom -benchtime 300000x ./btreebench
func BenchmarkReadRandom(b *testing.B) {
	n := numKeys()
	for round := range readRounds {
		for _, eng := range engines {
			b.Run(eng.name, func(b *testing.B) {
				readRandom(b, filledStore(b, eng.name, eng.open, n), n, uint64(round))
			})
		}
	}
}

// readRounds alternates the engines this many times (sub-benchmarks
// after the first get a #01, #02 suffix), so a burst of load from other
// processes hits both rather than one.
const readRounds = 3

func readRandom(b *testing.B, s store, n int, seed uint64) {
	rng := rand.New(rand.NewPCG(4, seed))
	k := make([]byte, 16)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// Keys over the whole store, so reads miss the CPU cache as
		// readrandom's do; built in place so the loop allocates nothing
		// of its own.
		putKey(k, rng.IntN(n))
		if err := s.get(k); err != nil {
			b.Fatal(err)
		}
	}
}

var (
	filledMu   sync.Mutex
	filledBy   = map[string]store{}
	filledDirs []string
)

// TestMain closes and removes the stores BenchmarkReadRandom kept.
func TestMain(m *testing.M) {
	code := m.Run()
	for _, s := range filledBy {
		s.close()
	}
	for _, dir := range filledDirs {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

// filledStore opens and fills a store the first time name is asked for
// and keeps it for the rest of the process, so -count repeats time reads
// only.
func filledStore(b *testing.B, name string, open func(string) (store, error), n int) store {
	filledMu.Lock()
	defer filledMu.Unlock()
	if s, ok := filledBy[name]; ok {
		return s
	}
	dir, err := os.MkdirTemp("", "btreebench-read")
	if err != nil {
		b.Fatal(err)
	}
	filledDirs = append(filledDirs, dir)
	s, err := open(dir)
	if err != nil {
		b.Fatal(err)
	}
	order := rand.New(rand.NewPCG(2, 2)).Perm(n)
	fill(b, s, order)
	filledBy[name] = s
	return s
}
