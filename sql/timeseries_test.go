package sql

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/aegisdb/aegis/model/timeseries"
	"github.com/aegisdb/aegis/mvcc"
	"github.com/aegisdb/aegis/optimizer"
	"github.com/aegisdb/aegis/parser"
	"github.com/aegisdb/aegis/vexec"
)

var tsDay = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// tsEngine is an engine with a time-series store on its DB holding
// cpu_usage: 10 s points with jitter over two days for six series
// (host a..c × dc east/west; host c also has a region tag), in small
// chunks and hourly partitions so sealed chunks and heads both count.
func tsEngine(t *testing.T) (*Engine, *timeseries.Store, int) {
	t.Helper()
	db := openTestDB(t, "memory")
	eng := Open(db)
	ts := timeseries.New(db, timeseries.Options{ChunkPoints: 50, PartitionDuration: time.Hour, MaintenanceInterval: -1})
	t.Cleanup(func() { ts.Close() })
	eng.UseTimeSeries(ts)
	if _, err := ts.Register(timeseries.Metric{Name: "cpu_usage", Kind: timeseries.Gauge, Unit: "percent"}); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(7))
	start := tsDay.Add(-time.Hour).UnixMilli() // some points before the range
	n := 0
	for _, host := range []string{"a", "b", "c"} {
		for _, dc := range []string{"east", "west"} {
			tags := timeseries.Tags{"host": host, "dc": dc}
			if host == "c" {
				tags["region"] = "eu"
			}
			var batch []timeseries.Sample
			v := 50.0
			for ms := start; ms < start+50*3600*1000; ms += 10_000 + rng.Int63n(50) {
				v += math.Round(rng.NormFloat64()*100) / 100
				batch = append(batch, timeseries.Sample{Tags: tags, T: ms, V: v})
			}
			n += len(batch)
			if err := ts.Write("cpu_usage", batch); err != nil {
				t.Fatal(err)
			}
		}
	}
	return eng, ts, n
}

func TestMetricTableFunction(t *testing.T) {
	eng, ts, total := tsEngine(t)
	s := eng.NewSession()
	ctx := context.Background()
	from, to := tsDay.UnixMilli(), tsDay.Add(24*time.Hour).UnixMilli()
	q := `SELECT time_bucket('1 hour', ts) AS h, host, avg(value), count(*), min(value), max(value), sum(value)
		FROM metric('cpu_usage', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z') GROUP BY h, host ORDER BY h, host`
	res, err := s.Exec(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	rows := res[0].Rows
	if len(rows) != 24*3 {
		t.Fatalf("got %d rows, want %d", len(rows), 24*3)
	}
	// The model's own aggregation over [from, to) must agree, bucket by
	// bucket and host by host.
	for i, fn := range []string{"avg", "count", "min", "max", "sum"} {
		want, err := ts.Query(timeseries.Query{Metric: "cpu_usage", Start: from, End: to - 1,
			Agg: &timeseries.Aggregation{Function: fn, Interval: time.Hour, GroupBy: []string{"host"}}})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]float64{}
		for _, r := range rows {
			v := r[2+i].F
			if fn == "count" {
				v = float64(r[2+i].I)
			}
			got[r[1].String()+"@"+r[0].String()] = v
		}
		n := 0
		for _, sr := range want.Series {
			for _, p := range sr.Points {
				n++
				k := sr.Tags["host"] + "@" + time.UnixMilli(p.T).UTC().Format("2006-01-02 15:04:05")
				g, ok := got[k]
				if !ok || math.Abs(g-p.V) > 1e-9*math.Max(1, math.Abs(p.V)) {
					t.Fatalf("%s %s: SQL %v (present %v), model %v", fn, k, g, ok, p.V)
				}
			}
		}
		if n != len(rows) {
			t.Fatalf("%s: model has %d buckets, SQL %d", fn, n, len(rows))
		}
	}

	// Without a range every point is a row; columns follow the rule.
	res, err = s.Exec(ctx, `SELECT count(*) FROM metric('cpu_usage')`)
	if err != nil || res[0].Rows[0][0].I != int64(total) {
		t.Fatalf("count(*) = %v, %v; want %d", res, err, total)
	}
	res, err = s.Exec(ctx, `SELECT * FROM metric('cpu_usage', '2026-01-01', NULL) m WHERE m.host = 'c' ORDER BY ts, dc LIMIT 1`)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range res[0].Columns {
		names = append(names, c.Name+" "+c.Type)
	}
	if got := strings.Join(names, ", "); got != "ts TIMESTAMP, value DOUBLE, dc TEXT, host TEXT, region TEXT, tags JSON" {
		t.Fatalf("columns: %s", got)
	}
	r := res[0].Rows[0]
	var tags map[string]string
	if err := json.Unmarshal(r[5].B, &tags); err != nil || tags["region"] != "eu" || tags["host"] != "c" || r[4].String() != "eu" {
		t.Fatalf("row %v: tags %v, %v", r, tags, err)
	}
	if r[0].String() < "2026-01-01 00:00:00" {
		t.Fatalf("row before the range: %v", r)
	}
	res, err = s.Exec(ctx, `SELECT count(*) FROM metric('cpu_usage') WHERE region IS NULL`)
	if err != nil || res[0].Rows[0][0].I == 0 || res[0].Rows[0][0].I >= int64(total) {
		t.Fatalf("series without region: %v, %v", res, err)
	}
	// EXPLAIN shows the node with its range.
	res, err = s.Exec(ctx, `EXPLAIN `+q)
	if err != nil || !strings.Contains(formatLines(res[0]), "SeriesScan metric(cpu_usage) [ts >= '2026-01-01 00:00:00' AND ts < '2026-01-02 00:00:00']") {
		t.Fatalf("EXPLAIN: %v\n%s", err, formatLines(res[0]))
	}
}

// A statement reads points at its transaction's snapshot.
func TestMetricSnapshot(t *testing.T) {
	eng, ts, total := tsEngine(t)
	s := eng.NewSession()
	ctx := context.Background()
	count := func() int64 {
		res, err := s.Exec(ctx, `SELECT count(*) FROM metric('cpu_usage')`)
		if err != nil {
			t.Fatal(err)
		}
		return res[0].Rows[0][0].I
	}
	if _, err := s.Exec(ctx, "BEGIN"); err != nil {
		t.Fatal(err)
	}
	if got := count(); got != int64(total) {
		t.Fatalf("count %d, want %d", got, total)
	}
	late := tsDay.Add(100 * time.Hour).UnixMilli()
	if err := ts.Write("cpu_usage", []timeseries.Sample{{Tags: timeseries.Tags{"host": "z"}, T: late, V: 1}}); err != nil {
		t.Fatal(err)
	}
	if got := count(); got != int64(total) {
		t.Fatalf("inside the transaction count %d, want %d", got, total)
	}
	if _, err := s.Exec(ctx, "COMMIT"); err != nil {
		t.Fatal(err)
	}
	if got := count(); got != int64(total)+1 {
		t.Fatalf("after commit count %d, want %d", got, total+1)
	}
}

func TestTimeBucketSQL(t *testing.T) {
	eng := Open(openTestDB(t, "memory"))
	s := eng.NewSession()
	ctx := context.Background()
	for q, want := range map[string]string{
		`SELECT time_bucket('5 minutes', TIMESTAMP '2026-01-01 10:17:03')`:      "2026-01-01 10:15:00",
		`SELECT time_bucket('5 minutes', '2026-01-01 10:15:00')`:                "2026-01-01 10:15:00",
		`SELECT time_bucket('1 hour', TIMESTAMP '1969-12-31 23:30:00')`:         "1969-12-31 23:00:00",
		`SELECT time_bucket('1 day', CAST(NULL AS TIMESTAMP))`:                  "NULL",
		`SELECT time_bucket('1 day', NULL)`:                                     "NULL",
		`SELECT time_bucket('1 week', DATE '2026-01-01')`:                       "2025-12-29 00:00:00",
		`SELECT time_bucket('10 seconds', TIMESTAMP '2026-01-01 00:00:09.999')`: "2026-01-01 00:00:00",
	} {
		res, err := s.Exec(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if got := res[0].Rows[0][0].String(); got != want {
			t.Errorf("%s = %s, want %s", q, got, want)
		}
	}
	if _, err := s.Exec(ctx, `CREATE TABLE e (at TIMESTAMP, n INT); INSERT INTO e VALUES ('2026-01-01 00:01:00', 1), ('2026-01-01 00:04:59', 2), ('2026-01-01 00:05:00', 3), (NULL, 4)`); err != nil {
		t.Fatal(err)
	}
	res, err := s.Exec(ctx, `SELECT time_bucket('5 minutes', at) AS b, sum(n) FROM e GROUP BY b ORDER BY b`)
	if err != nil {
		t.Fatal(err)
	}
	if got := formatResult(res[0]); got != "b TIMESTAMP | sum BIGINT\n2026-01-01 00:00:00 | 3\n2026-01-01 00:05:00 | 3\nNULL | 4\n" {
		t.Fatalf("grouped:\n%s", got)
	}
	for q, want := range map[string]string{
		`SELECT time_bucket('5 fortnights', at) FROM e`:  `unknown unit "fortnights"`,
		`SELECT time_bucket('1 month', at) FROM e`:       "no fixed width",
		`SELECT time_bucket('0 s', at) FROM e`:           "must be positive",
		`SELECT time_bucket(NULL, at) FROM e`:            "must not be NULL",
		`SELECT time_bucket(CAST(n AS TEXT), at) FROM e`: "constant string",
		`SELECT time_bucket(5, at) FROM e`:               "constant string",
		`SELECT time_bucket('1 hour', n) FROM e`:         "must be a TIMESTAMP",
		`SELECT time_bucket('1 hour') FROM e`:            "takes 2 arguments",
		`SELECT * FROM metric('cpu')`:                    "no time-series store",
		`SELECT * FROM series('cpu')`:                    "table function series does not exist",
	} {
		_, err := s.Exec(ctx, q)
		if err == nil || !errors.Is(err, optimizer.ErrBind) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want a bind error mentioning %q", q, err, want)
		}
	}
}

func TestMetricErrors(t *testing.T) {
	eng, _, _ := tsEngine(t)
	s := eng.NewSession()
	ctx := context.Background()
	for q, want := range map[string]string{
		`SELECT * FROM metric('nope')`:                          `metric "nope" does not exist`,
		`SELECT * FROM metric()`:                                "1 to 3 arguments",
		`SELECT * FROM metric('cpu_usage', 'yesterday')`:        "must be a timestamp",
		`SELECT * FROM metric(5)`:                               "metric name as a string",
		`SELECT * FROM metric('cpu_usage', now() + x)`:          `column "x" does not exist`,
		`SELECT m.nope FROM metric('cpu_usage') m`:              "nope",
		`SELECT * FROM metric('cpu_usage', '2026-01-01', 1, 2)`: "1 to 3 arguments",
	} {
		_, err := s.Exec(ctx, q)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want it to mention %q", q, err, want)
		}
	}
	_, err := s.Exec(ctx, `SELECT count(*) FROM metric('cpu_usage', '2026-01-02', '2026-01-01')`)
	if err == nil || !errors.Is(err, optimizer.ErrBind) || !strings.Contains(err.Error(), "ends before it starts") {
		t.Errorf("reversed range: err = %v", err)
	}
	// [t, t) is empty; so is [t, t + 1ms) when no point is at t.
	for q, want := range map[string]int64{
		`SELECT count(*) FROM metric('cpu_usage', '2026-01-01', '2026-01-01')`:                            0,
		`SELECT count(*) FROM metric('cpu_usage', '2026-01-01 00:00:00.0005', '2026-01-01 00:00:00.001')`: 0,
		`SELECT count(*) FROM metric('cpu_usage', NULL, '1970-01-01')`:                                    0,
	} {
		res, err := s.Exec(ctx, q)
		if err != nil || res[0].Rows[0][0].I != want {
			t.Errorf("%s = %v, %v; want %d", q, res, err, want)
		}
	}
}

// An engine without the store refuses metric(...) at bind time; a plan
// run without one fails cleanly in the operator.
func TestMetricWithoutStore(t *testing.T) {
	eng, _, _ := tsEngine(t)
	txn, err := eng.db.Begin(mvcc.TxnOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer txn.Rollback()
	st, err := parser.Parse(`SELECT count(*) FROM metric('cpu_usage')`)
	if err != nil {
		t.Fatal(err)
	}
	view := newCatalogView(eng.cat, txn)
	view.series = eng.series
	n, err := optimizer.NewBinder(view, nil).Bind(st)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := vexec.Run(&vexec.Context{Txn: txn, Catalog: eng.cat}, n); !errors.Is(err, vexec.ErrNoTimeSeries) {
		t.Fatalf("run without a store: %v", err)
	}
}

// A scan holds at most the store's MaxQueryPoints points.
func TestMetricTooManyPoints(t *testing.T) {
	db := openTestDB(t, "memory")
	eng := Open(db)
	ts := timeseries.New(db, timeseries.Options{MaxQueryPoints: 10, MaintenanceInterval: -1})
	defer ts.Close()
	eng.UseTimeSeries(ts)
	if _, err := ts.Register(timeseries.Metric{Name: "m", Kind: timeseries.Gauge}); err != nil {
		t.Fatal(err)
	}
	var batch []timeseries.Sample
	for i := range 11 {
		batch = append(batch, timeseries.Sample{T: int64(i) * 1000, V: float64(i)})
	}
	if err := ts.Write("m", batch); err != nil {
		t.Fatal(err)
	}
	s := eng.NewSession()
	ctx := context.Background()
	if _, err := s.Exec(ctx, `SELECT count(*) FROM metric('m')`); !errors.Is(err, timeseries.ErrTooManyPoints) {
		t.Fatalf("11 points over a limit of 10: %v", err)
	}
	res, err := s.Exec(ctx, `SELECT count(*), min(ts) FROM metric('m', '1970-01-01 00:00:01')`)
	if err != nil || res[0].Rows[0][0].I != 10 || res[0].Rows[0][1].String() != "1970-01-01 00:00:01" {
		t.Fatalf("10 points: %v, %v", res, err)
	}
}

// A point too far in time for a TIMESTAMP is an error, not a wrapped
// value; a range that leaves it out reads the rest.
func TestMetricPointOutOfTimestampRange(t *testing.T) {
	db := openTestDB(t, "memory")
	eng := Open(db)
	ts := timeseries.New(db, timeseries.Options{MaintenanceInterval: -1})
	defer ts.Close()
	eng.UseTimeSeries(ts)
	if _, err := ts.Register(timeseries.Metric{Name: "m", Kind: timeseries.Gauge}); err != nil {
		t.Fatal(err)
	}
	if err := ts.Write("m", []timeseries.Sample{{T: -5000, V: 1}, {T: 1 << 61, V: 2}}); err != nil {
		t.Fatal(err)
	}
	s := eng.NewSession()
	ctx := context.Background()
	if _, err := s.Exec(ctx, `SELECT * FROM metric('m')`); !errors.Is(err, vexec.ErrExec) || !strings.Contains(err.Error(), "outside the TIMESTAMP range") {
		t.Fatalf("far point: %v", err)
	}
	res, err := s.Exec(ctx, `SELECT time_bucket('1 minute', ts), value FROM metric('m', NULL, '2000-01-01')`)
	if err != nil || len(res[0].Rows) != 1 || res[0].Rows[0][0].String() != "1969-12-31 23:59:00" {
		t.Fatalf("pre-epoch point: %v, %v", res, err)
	}
}
