package sql_test

import (
	"context"
	"fmt"
	"time"

	"github.com/aegisdb/aegis/engine"
	_ "github.com/aegisdb/aegis/engine/backends"
	"github.com/aegisdb/aegis/model/timeseries"
	"github.com/aegisdb/aegis/mvcc"
	"github.com/aegisdb/aegis/sql"
)

// The README's time-series example: metric(...) and time_bucket.
func ExampleEngine_UseTimeSeries() {
	e, _ := engine.Open("memory", engine.Options{})
	db, _ := mvcc.Open(e, mvcc.Options{})
	ts := timeseries.New(db, timeseries.Options{})
	defer ts.Close()
	ts.Register(timeseries.Metric{Name: "cpu_usage", Kind: timeseries.Gauge})
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, v := range []float64{40, 50, 60, 70} { // every 30 minutes
		ts.Write("cpu_usage", []timeseries.Sample{{Tags: timeseries.Tags{"host": "a"},
			T: t0.Add(time.Duration(i) * 30 * time.Minute).UnixMilli(), V: v}})
	}
	eng := sql.Open(db)
	eng.UseTimeSeries(ts) // after every Open; ts must be on the same db
	res, err := eng.NewSession().Exec(context.Background(), `
	SELECT time_bucket('1 hour', ts) AS h, host, avg(value)
	FROM metric('cpu_usage', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z')
	GROUP BY h, host ORDER BY h`)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range res[0].Rows {
		fmt.Println(r[0], r[1], r[2])
	}
	// Output:
	// 2026-01-01 00:00:00 a 45
	// 2026-01-01 01:00:00 a 65
}
