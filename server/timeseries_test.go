package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aegisdb/aegis/server/config"
)

// The time-series routes end to end, with the user guide's bodies.
func TestTimeSeriesRoutes(t *testing.T) {
	ts := start(t, func(c *config.Config) { c.RateLimit.Enabled = false })
	tok := ts.login("root", adminPass)
	reg := ts.must(ts.do("POST", "/api/v1/timeseries/metrics", tok, map[string]any{
		"name": "cpu_usage", "metric_type": "gauge", "description": "CPU usage percentage", "unit": "percent"}), 201, "register")
	if reg.str("name") != "cpu_usage" || reg.str("metric_type") != "gauge" || reg.str("unit") != "percent" {
		t.Fatalf("register: %s", reg.body)
	}
	ts.must(ts.do("POST", "/api/v1/timeseries/metrics", tok, map[string]any{"name": "cpu_usage"}), 409, "register twice")
	list := ts.must(ts.do("GET", "/api/v1/timeseries/metrics", tok, nil), 200, "list")
	if ms, _ := list.json["metrics"].([]any); len(ms) != 1 || list.json["count"] != 1.0 {
		t.Fatalf("list: %s", list.body)
	}
	var points []map[string]any
	for i := range 120 { // two hours of one point a minute, two hosts
		for _, host := range []string{"server-1", "server-2"} {
			ts := time.Date(2024, 1, 15, 10, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)
			v := float64(i)
			if host == "server-2" {
				v += 1000
			}
			points = append(points, map[string]any{"timestamp": ts.Format(time.RFC3339), "value": v, "tags": map[string]string{"host": host}})
		}
	}
	w := ts.must(ts.do("POST", "/api/v1/timeseries/write", tok, map[string]any{"metric": "cpu_usage", "points": points}), 200, "write")
	if w.json["success"] != true || w.json["points_written"] != 240.0 {
		t.Fatalf("write: %s", w.body)
	}
	ts.must(ts.do("POST", "/api/v1/timeseries/write", tok, map[string]any{"metric": "cpu_usage", "points": points[:1]}), 400, "out of order")
	ts.must(ts.do("POST", "/api/v1/timeseries/write", tok, map[string]any{"metric": "nope", "points": points[:1]}), 404, "unknown metric")

	q := ts.must(ts.do("POST", "/api/v1/timeseries/query", tok, map[string]any{
		"metric": "cpu_usage", "start_time": "2024-01-15T00:00:00Z", "end_time": "2024-01-15T23:59:59Z",
		"tags": map[string]string{"host": "server-1"}, "aggregation": map[string]any{"function": "avg", "interval": "1h"}}), 200, "query")
	var res struct {
		Series []struct {
			Tags   map[string]string
			Points []struct {
				Timestamp time.Time
				Value     float64
			}
		}
		PointsScanned int `json:"points_scanned"`
	}
	if err := json.Unmarshal(q.body, &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Series) != 1 || len(res.Series[0].Points) != 2 || res.Series[0].Points[0].Value != 29.5 ||
		res.Series[0].Points[1].Value != 89.5 || !res.Series[0].Points[1].Timestamp.Equal(time.Date(2024, 1, 15, 11, 0, 0, 0, time.UTC)) {
		t.Fatalf("avg per hour of server-1: %s", q.body)
	}
	q = ts.must(ts.do("POST", "/api/v1/timeseries/query", tok, map[string]any{
		"metric": "cpu_usage", "start_time": "2024-01-15T10:00:00Z", "end_time": "2024-01-15T10:04:00Z",
		"matchers":    []map[string]string{{"tag": "host", "op": "=~", "value": "server-.*"}},
		"aggregation": map[string]any{"function": "max", "interval": "1d", "group_by": []string{"host"}}}), 200, "group by")
	if err := json.Unmarshal(q.body, &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Series) != 2 || res.Series[1].Tags["host"] != "server-2" || res.Series[1].Points[0].Value != 1004 {
		t.Fatalf("max by host: %s", q.body)
	}
	raw := ts.must(ts.do("POST", "/api/v1/timeseries/query", tok, map[string]any{
		"metric": "cpu_usage", "start_time": "2024-01-15T10:00:00Z", "end_time": "2024-01-15T10:02:00Z"}), 200, "raw")
	if err := json.Unmarshal(raw.body, &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Series) != 2 || len(res.Series[0].Points) != 3 {
		t.Fatalf("raw points: %s", raw.body)
	}
	ts.must(ts.do("POST", "/api/v1/timeseries/query", tok, map[string]any{"metric": "nope"}), 404, "query unknown metric")
	viewer := ts.userWithRole(tok, "viewer")
	ts.must(ts.do("POST", "/api/v1/timeseries/query", viewer, map[string]any{"metric": "cpu_usage"}), 200, "viewer queries")
	ts.must(ts.do("POST", "/api/v1/timeseries/write", viewer, map[string]any{"metric": "cpu_usage", "points": points[:1]}), 403, "viewer writes")
}

// The streaming routes end to end, and a live subscription over SSE.
func TestStreamingRoutes(t *testing.T) {
	ts := start(t, func(c *config.Config) { c.RateLimit.Enabled = false })
	tok := ts.login("root", adminPass)
	ch := ts.must(ts.do("POST", "/api/v1/streaming/channels", tok, map[string]any{"name": "orders", "retention": "7d"}), 201, "create")
	if ch.str("name") != "orders" || ch.str("retention") != "168h0m0s" {
		t.Fatalf("create: %s", ch.body)
	}
	ts.must(ts.do("POST", "/api/v1/streaming/channels", tok, map[string]any{"name": "orders"}), 409, "create twice")
	for i := range 5 {
		p := ts.must(ts.do("POST", "/api/v1/streaming/publish", tok, map[string]any{"channel": "orders", "event_type": "order_created",
			"data": map[string]any{"order_id": fmt.Sprintf("ORD-%d", i), "total": 99.99}}), 200, "publish")
		if p.json["success"] != true || p.json["offset"] != float64(i) {
			t.Fatalf("publish %d: %s", i, p.body)
		}
	}
	ts.must(ts.do("POST", "/api/v1/streaming/publish", tok, map[string]any{"channel": "nope", "event_type": "x"}), 404, "publish to unknown channel")
	h := ts.must(ts.do("GET", "/api/v1/streaming/channels/orders/history?limit=2", tok, nil), 200, "history")
	evs, _ := h.json["events"].([]any)
	if len(evs) != 2 {
		t.Fatalf("history: %s", h.body)
	}
	last, _ := evs[1].(map[string]any)
	data, _ := last["data"].(map[string]any)
	if last["offset"] != 4.0 || last["event_type"] != "order_created" || data["order_id"] != "ORD-4" {
		t.Fatalf("history event: %s", h.body)
	}
	if h := ts.must(ts.do("GET", "/api/v1/streaming/channels/orders/history?from=1&limit=2", tok, nil), 200, "history from"); !strings.Contains(string(h.body), `"offset":1,`) {
		t.Fatalf("history from 1: %s", h.body)
	}
	ts.must(ts.do("GET", "/api/v1/streaming/channels/orders/history?limit=0", tok, nil), 400, "limit 0")
	ts.must(ts.do("GET", "/api/v1/streaming/channels/orders/history?limit=x", tok, nil), 400, "limit x")
	ts.must(ts.do("GET", "/api/v1/streaming/channels/nope/history", tok, nil), 404, "history of unknown channel")
	ts.must(ts.do("GET", "/api/v1/streaming/channels/nope/subscribe", tok, nil), 404, "subscribe to unknown channel")
	list := ts.must(ts.do("GET", "/api/v1/streaming/channels", tok, nil), 200, "list")
	if cs, _ := list.json["channels"].([]any); len(cs) != 1 || !strings.Contains(string(list.body), `"event_count":5`) {
		t.Fatalf("list: %s", list.body)
	}

	// A consumer group: each event to one member, acked ones never again.
	g := "/api/v1/streaming/channels/orders/groups/billing/"
	f1 := ts.must(ts.do("POST", g+"fetch", tok, map[string]any{"consumer": "w1", "max": 3}), 200, "fetch w1")
	f2 := ts.must(ts.do("POST", g+"fetch", tok, map[string]any{"consumer": "w2"}), 200, "fetch w2")
	if f1.json["count"] != 3.0 || f2.json["count"] != 2.0 || !strings.Contains(string(f2.body), `"offset":3,`) || !strings.Contains(string(f1.body), `"attempt":1`) {
		t.Fatalf("fetch: %s / %s", f1.body, f2.body)
	}
	if a := ts.must(ts.do("POST", g+"ack", tok, map[string]any{"offsets": []int{0, 1, 2, 99}}), 200, "ack"); a.json["acked"] != 3.0 {
		t.Fatalf("ack: %s", a.body)
	}
	if pd := ts.must(ts.do("GET", g+"pending", tok, nil), 200, "pending"); pd.json["count"] != 2.0 || !strings.Contains(string(pd.body), `"consumer":"w2"`) {
		t.Fatalf("pending: %s", pd.body)
	}
	ts.must(ts.do("POST", "/api/v1/streaming/channels/nope/groups/billing/fetch", tok, map[string]any{"consumer": "w1"}), 404, "fetch from unknown channel")

	// Subscribe from offset 3: the two stored events, then a live one.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", ts.url+"/api/v1/streaming/channels/orders/subscribe?from=3", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("subscribe: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	sc := bufio.NewScanner(resp.Body)
	next := func() (id, typ string, ev map[string]any) {
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "id: "):
				id = line[4:]
			case strings.HasPrefix(line, "event: "):
				typ = line[7:]
			case strings.HasPrefix(line, "data: "):
				if err := json.Unmarshal([]byte(line[6:]), &ev); err != nil {
					t.Fatalf("data line %q: %v", line, err)
				}
			case line == "" && id != "":
				return id, typ, ev
			}
		}
		t.Fatalf("stream ended: %v", sc.Err())
		return
	}
	for _, want := range []string{"3", "4"} {
		if id, typ, _ := next(); id != want || typ != "order_created" {
			t.Fatalf("event %s: got id %s type %s", want, id, typ)
		}
	}
	ts.must(ts.do("POST", "/api/v1/streaming/publish", tok, map[string]any{"channel": "orders", "event_type": "order_paid", "data": 1}), 200, "publish live")
	if id, typ, ev := next(); id != "5" || typ != "order_paid" || ev["data"] != 1.0 || ev["channel"] != "orders" {
		t.Fatalf("live event: %s %s %v", id, typ, ev)
	}
}
