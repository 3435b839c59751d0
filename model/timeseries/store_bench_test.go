package timeseries

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/aegisdb/aegis/model/modeltest"
)

// Ingest and query benchmarks of the model, on the lsm backend in a
// temporary directory (so sync=on means an fsync per Write).
//
//	go test ./model/timeseries -run '^$' -bench . -benchtime 2000x
//
// Ingest: each Write is one scrape of 100 series (one point each, 10 s
// apart per series); each writer owns its own 1,000 series.

func BenchmarkIngest(b *testing.B) {
	for _, syncOn := range []bool{false, true} {
		for _, writers := range []int{1, 8} {
			b.Run(fmt.Sprintf("backend=lsm/sync=%v/writers=%d/batch=100", syncOn, writers), func(b *testing.B) {
				s := openStore(b, modeltest.OpenDB(b, "lsm", syncOn), Options{})
				mustRegister(b, s, "cpu")
				b.ReportAllocs()
				b.ResetTimer()
				var wg sync.WaitGroup
				per := b.N / writers
				for w := range writers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						rng := rand.New(rand.NewPCG(uint64(w), 1))
						tags := make([]Tags, 1000)
						for i := range tags {
							tags[i] = Tags{"host": fmt.Sprintf("w%d-h%d", w, i), "dc": "east"}
						}
						batch := make([]Sample, 100)
						for i := range per {
							round, part := i/10, i%10
							for j := range batch {
								batch[j] = Sample{Tags: tags[part*100+j], T: int64(round) * 10_000, V: float64(rng.IntN(10000)) / 100}
							}
							if err := s.Write("cpu", batch); err != nil {
								b.Error(err)
								return
							}
						}
					}()
				}
				wg.Wait()
				b.ReportMetric(float64(per*writers*100)/b.Elapsed().Seconds(), "points/s")
			})
		}
	}
}

// BenchmarkQuery aggregates one day of 10 s data of 1,000 series hourly
// (8.64 million points): avg over all series, and avg grouped by host.
func BenchmarkQuery(b *testing.B) {
	s := openStore(b, modeltest.OpenDB(b, "memory", false), Options{})
	mustRegister(b, s, "cpu")
	rng := rand.New(rand.NewPCG(1, 1))
	const series, points = 1000, 8640
	for i := range series {
		batch := make([]Sample, points)
		walk := 50.0
		for j := range batch {
			walk += float64(rng.IntN(101)-50) / 100
			batch[j] = Sample{Tags: Tags{"host": fmt.Sprintf("h%d", i)}, T: int64(j) * 10_000, V: float64(int64(walk*100)) / 100}
		}
		if err := s.Write("cpu", batch); err != nil {
			b.Fatal(err)
		}
	}
	day := (24 * time.Hour).Milliseconds()
	for _, c := range []struct {
		name    string
		groupBy []string
	}{{"all", nil}, {"by-host", []string{"host"}}} {
		b.Run(fmt.Sprintf("series=1000/day=10s/agg=avg-1h/group=%s", c.name), func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				res, err := s.Query(Query{Metric: "cpu", Start: 0, End: day - 1,
					Agg: &Aggregation{Function: "avg", Interval: time.Hour, GroupBy: c.groupBy}})
				if err != nil {
					b.Fatal(err)
				}
				if res.Scanned != series*points {
					b.Fatalf("scanned %d points", res.Scanned)
				}
			}
			b.ReportMetric(float64(series*points)*float64(b.N)/b.Elapsed().Seconds(), "points/s")
		})
	}
}
