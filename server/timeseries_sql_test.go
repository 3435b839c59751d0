package server_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aegisdb/aegis/server/config"
)

// SQL over a metric through POST /api/v1/query: metric(...) with
// time_bucket and GROUP BY gives what the time-series query route gives.
func TestTimeSeriesSQL(t *testing.T) {
	ts := start(t, func(c *config.Config) { c.RateLimit.Enabled = false })
	tok := ts.login("root", adminPass)
	ts.must(ts.do("POST", "/api/v1/timeseries/metrics", tok, map[string]any{"name": "cpu_usage", "metric_type": "gauge"}), 201, "register")
	var points []map[string]any
	for i := range 180 { // three hours of one point a minute, two hosts
		for _, host := range []string{"server-1", "server-2"} {
			at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)
			v := float64(i%17) + 0.25
			if host == "server-2" {
				v *= 3
			}
			points = append(points, map[string]any{"timestamp": at.Format(time.RFC3339), "value": v, "tags": map[string]string{"host": host, "dc": "east"}})
		}
	}
	ts.must(ts.do("POST", "/api/v1/timeseries/write", tok, map[string]any{"metric": "cpu_usage", "points": points}), 200, "write")

	r := ts.sqlq(tok, 200, `SELECT time_bucket('1 hour', ts) AS h, host, avg(value) FROM metric('cpu_usage', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z') GROUP BY h, host ORDER BY h, host`)
	var got struct {
		Data struct{ Rows [][]any }
	}
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Fatal(err)
	}
	q := ts.must(ts.do("POST", "/api/v1/timeseries/query", tok, map[string]any{
		"metric": "cpu_usage", "start_time": "2026-01-01T00:00:00Z", "end_time": "2026-01-01T23:59:59.999Z",
		"aggregation": map[string]any{"function": "avg", "interval": "1h", "group_by": []string{"host"}}}), 200, "query")
	var want struct {
		Series []struct {
			Tags   map[string]string
			Points []struct {
				Timestamp time.Time
				Value     float64
			}
		}
	}
	if err := json.Unmarshal(q.body, &want); err != nil {
		t.Fatal(err)
	}
	wantRows := map[string]bool{}
	for _, s := range want.Series {
		for _, p := range s.Points {
			wantRows[fmt.Sprintf("%s|%s|%.9g", p.Timestamp.UTC().Format("2006-01-02 15:04:05"), s.Tags["host"], p.Value)] = true
		}
	}
	if len(got.Data.Rows) != 6 || len(wantRows) != 6 {
		t.Fatalf("SQL rows %d, route buckets %d: %s", len(got.Data.Rows), len(wantRows), r.body)
	}
	for _, row := range got.Data.Rows {
		k := fmt.Sprintf("%v|%v|%.9g", row[0], row[1], row[2])
		if !wantRows[k] {
			t.Fatalf("SQL row %s not in the route's answer %v", k, wantRows)
		}
	}
	bad := ts.sqlq(tok, 400, `SELECT * FROM metric('nope')`)
	if !strings.Contains(string(bad.body), `metric \"nope\" does not exist`) {
		t.Fatalf("unknown metric: %s", bad.body)
	}
	bad = ts.sqlq(tok, 400, `SELECT time_bucket('1 month', ts) FROM metric('cpu_usage')`)
	if !strings.Contains(string(bad.body), "no fixed width") {
		t.Fatalf("bad interval: %s", bad.body)
	}
	ex := ts.sqlq(tok, 200, `EXPLAIN SELECT count(*) FROM metric('cpu_usage')`)
	if !strings.Contains(string(ex.body), "SeriesScan metric(cpu_usage)") {
		t.Fatalf("EXPLAIN: %s", ex.body)
	}
}
