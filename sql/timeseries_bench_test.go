package sql

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aegisdb/aegis/model/timeseries"
)

// BenchmarkMetricHourly: 100 series (10 hosts × 10 cores) of 10 s points
// over 6 hours, averaged per hour and host — through SQL (metric(...) +
// time_bucket + GROUP BY) and through the model's own aggregation query,
// in one run so the two can be compared.
func BenchmarkMetricHourly(b *testing.B) {
	db := openTestDB(b, "memory")
	ts := timeseries.New(db, timeseries.Options{MaintenanceInterval: -1})
	defer ts.Close()
	eng := Open(db)
	eng.UseTimeSeries(ts)
	if _, err := ts.Register(timeseries.Metric{Name: "cpu", Kind: timeseries.Gauge}); err != nil {
		b.Fatal(err)
	}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	const hours, step = 6, 10_000
	points := 0
	for h := range 10 {
		for c := range 10 {
			tags := timeseries.Tags{"host": fmt.Sprintf("h%02d", h), "core": fmt.Sprint(c)}
			var batch []timeseries.Sample
			for t := start; t < start+hours*3600_000; t += step {
				batch = append(batch, timeseries.Sample{Tags: tags, T: t, V: float64((t/step)%97) / 4})
			}
			points += len(batch)
			if err := ts.Write("cpu", batch); err != nil {
				b.Fatal(err)
			}
		}
	}
	want := 10 * hours
	b.Run("sql", func(b *testing.B) {
		s := eng.NewSession()
		q := `SELECT time_bucket('1 hour', ts) AS h, host, avg(value) FROM metric('cpu', '2026-01-01', '2026-01-02') GROUP BY h, host`
		for b.Loop() {
			res, err := s.Exec(context.Background(), q)
			if err != nil || len(res[0].Rows) != want {
				b.Fatalf("%v rows, %v", len(res[0].Rows), err)
			}
		}
		b.ReportMetric(float64(points)*float64(b.N)/b.Elapsed().Seconds(), "points/s")
	})
	b.Run("model", func(b *testing.B) {
		q := timeseries.Query{Metric: "cpu", Start: start, End: start + 24*3600_000 - 1,
			Agg: &timeseries.Aggregation{Function: "avg", Interval: time.Hour, GroupBy: []string{"host"}}}
		for b.Loop() {
			res, err := ts.Query(q)
			if err != nil || len(res.Series) != 10 {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(points)*float64(b.N)/b.Elapsed().Seconds(), "points/s")
	})
}
