package server

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aegisdb/aegis/model/stream"
	"github.com/aegisdb/aegis/model/timeseries"
	"github.com/aegisdb/aegis/mvcc"
	"github.com/julienschmidt/httprouter"
)

// Limits of the time-series and streaming routes.
const (
	tsBodyLimit     = 1 << 20 // write, query, register, publish (plus event size)
	maxWritePoints  = 100_000
	maxHistoryLimit = 10_000
)

// tsStreams holds the time-series and streaming models, and the channel
// closed at shutdown that ends live (server-sent events) subscriptions so
// the HTTP server can drain.
type tsStreams struct {
	series  *timeseries.Store
	streams *stream.Store
	live    chan struct{}
	once    sync.Once
}

func newTSStreams(db *mvcc.DB) *tsStreams {
	return &tsStreams{
		series:  timeseries.New(db, timeseries.Options{}),
		streams: stream.New(db, stream.Options{}),
		live:    make(chan struct{}),
	}
}

// stopLive ends every live subscription (safe on nil, and twice).
func (m *tsStreams) stopLive() {
	if m != nil {
		m.once.Do(func() { close(m.live) })
	}
}

func (m *tsStreams) close() error {
	if m == nil {
		return nil
	}
	m.stopLive()
	return errors.Join(m.series.Close(), m.streams.Close())
}

// parseSpan reads a duration as Go writes it ("90s", "1h30m") or with a
// day or week suffix ("7d", "2w").
func parseSpan(field, s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		if v, err := strconv.ParseFloat(n, 64); err == nil && v > 0 && v < 1e5 {
			return time.Duration(v * float64(24*time.Hour)), nil
		}
	} else if n, ok := strings.CutSuffix(s, "w"); ok {
		if v, err := strconv.ParseFloat(n, 64); err == nil && v > 0 && v < 1e4 {
			return time.Duration(v * float64(7*24*time.Hour)), nil
		}
	} else if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return d, nil
	}
	return 0, badRequest("field %q = %q: want a positive duration like 90s, 1h, 7d or 2w", field, s)
}

// parseTime reads an RFC 3339 timestamp.
func parseTime(field, s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, badRequest("field %q = %q: want an RFC 3339 time like 2024-01-15T10:00:00Z", field, s)
	}
	return t, nil
}

// tsMetric is a metric as the API shows it.
type tsMetric struct {
	Name        string    `json:"name"`
	MetricType  string    `json:"metric_type"`
	Description string    `json:"description"`
	Unit        string    `json:"unit"`
	Retention   string    `json:"retention,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

func apiMetric(m timeseries.Metric) tsMetric {
	out := tsMetric{Name: m.Name, MetricType: string(m.Kind), Description: m.Description, Unit: m.Unit, CreatedAt: m.CreatedAt}
	if m.Retention > 0 {
		out.Retention = m.Retention.String()
	}
	return out
}

func (s *Server) tsListMetrics(w http.ResponseWriter, _ *http.Request, _ httprouter.Params, _ *caller) error {
	start := time.Now()
	ms, err := s.tss.series.Metrics()
	s.metrics.observeQuery("timeseries", "list", start)
	if err != nil {
		return err
	}
	out := make([]tsMetric, len(ms))
	for i, m := range ms {
		out[i] = apiMetric(m)
	}
	writeJSON(w, http.StatusOK, map[string]any{"metrics": out, "count": len(out)})
	return nil
}

type tsRegisterRequest struct {
	Name        *string `json:"name"`
	MetricType  string  `json:"metric_type"`
	Description string  `json:"description"`
	Unit        string  `json:"unit"`
	Retention   string  `json:"retention"`
}

func (s *Server) tsRegister(w http.ResponseWriter, r *http.Request, _ httprouter.Params, _ *caller) error {
	var req tsRegisterRequest
	if err := decodeBody(w, r, tsBodyLimit, &req); err != nil {
		return err
	}
	if req.Name == nil {
		return badRequest(`field "name" is required`)
	}
	if req.MetricType == "" {
		req.MetricType = string(timeseries.Gauge)
	}
	m := timeseries.Metric{Name: *req.Name, Kind: timeseries.Kind(req.MetricType), Description: req.Description, Unit: req.Unit}
	if req.Retention != "" {
		d, err := parseSpan("retention", req.Retention)
		if err != nil {
			return err
		}
		m.Retention = d
	}
	start := time.Now()
	m, err := s.tss.series.Register(m)
	s.metrics.observeQuery("timeseries", "register", start)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, apiMetric(m))
	return nil
}

type tsPoint struct {
	Timestamp *string           `json:"timestamp"`
	Value     *float64          `json:"value"`
	Tags      map[string]string `json:"tags"`
}

type tsWriteRequest struct {
	Metric *string   `json:"metric"`
	Points []tsPoint `json:"points"`
}

func (s *Server) tsWrite(w http.ResponseWriter, r *http.Request, _ httprouter.Params, _ *caller) error {
	var req tsWriteRequest
	if err := decodeBody(w, r, tsBodyLimit, &req); err != nil {
		return err
	}
	switch {
	case req.Metric == nil:
		return badRequest(`field "metric" is required`)
	case len(req.Points) == 0:
		return badRequest(`field "points" is required: a non-empty array`)
	case len(req.Points) > maxWritePoints:
		return fmt.Errorf("%w: %d points, at most %d per write", ErrTooLarge, len(req.Points), maxWritePoints)
	}
	samples := make([]timeseries.Sample, len(req.Points))
	for i, p := range req.Points {
		if p.Timestamp == nil || p.Value == nil {
			return badRequest(`points[%d]: "timestamp" and "value" are required`, i)
		}
		t, err := parseTime(fmt.Sprintf("points[%d].timestamp", i), *p.Timestamp)
		if err != nil {
			return err
		}
		samples[i] = timeseries.Sample{Tags: p.Tags, T: t.UnixMilli(), V: *p.Value}
	}
	start := time.Now()
	err := s.tss.series.Write(*req.Metric, samples)
	s.metrics.observeQuery("timeseries", "write", start)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "metric": *req.Metric, "points_written": len(samples)})
	return nil
}

type tsMatcher struct {
	Tag   string `json:"tag"`
	Op    string `json:"op"`
	Value string `json:"value"`
}

type tsAggregation struct {
	Function string   `json:"function"`
	Interval string   `json:"interval"`
	GroupBy  []string `json:"group_by"`
}

type tsQueryRequest struct {
	Metric      *string           `json:"metric"`
	StartTime   string            `json:"start_time"`
	EndTime     string            `json:"end_time"`
	Tags        map[string]string `json:"tags"`
	Matchers    []tsMatcher       `json:"matchers"`
	Aggregation *tsAggregation    `json:"aggregation"`
}

type tsOutPoint struct {
	Timestamp time.Time `json:"timestamp"`
	Value     *float64  `json:"value"` // null for NaN and infinities, which JSON cannot carry
}

type tsOutSeries struct {
	Tags   map[string]string `json:"tags"`
	Points []tsOutPoint      `json:"points"`
}

// tsQuery answers a query. tags are equality matchers; matchers add
// =, !=, =~ and !~; without start_time/end_time the last 24 hours.
func (s *Server) tsQuery(w http.ResponseWriter, r *http.Request, _ httprouter.Params, _ *caller) error {
	var req tsQueryRequest
	if err := decodeBody(w, r, tsBodyLimit, &req); err != nil {
		return err
	}
	if req.Metric == nil {
		return badRequest(`field "metric" is required`)
	}
	end := s.now()
	if req.EndTime != "" {
		var err error
		if end, err = parseTime("end_time", req.EndTime); err != nil {
			return err
		}
	}
	begin := end.Add(-24 * time.Hour)
	if req.StartTime != "" {
		var err error
		if begin, err = parseTime("start_time", req.StartTime); err != nil {
			return err
		}
	}
	q := timeseries.Query{Metric: *req.Metric, Start: begin.UnixMilli(), End: end.UnixMilli()}
	names := make([]string, 0, len(req.Tags))
	for k := range req.Tags {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		q.Matchers = append(q.Matchers, timeseries.Matcher{Name: k, Op: timeseries.MatchEqual, Value: req.Tags[k]})
	}
	for _, m := range req.Matchers {
		q.Matchers = append(q.Matchers, timeseries.Matcher{Name: m.Tag, Op: timeseries.MatchOp(m.Op), Value: m.Value})
	}
	if a := req.Aggregation; a != nil {
		if a.Function == "" || a.Interval == "" {
			return badRequest(`aggregation needs "function" and "interval"`)
		}
		iv, err := parseSpan("aggregation.interval", a.Interval)
		if err != nil {
			return err
		}
		q.Agg = &timeseries.Aggregation{Function: a.Function, Interval: iv, GroupBy: a.GroupBy}
	}
	start := time.Now()
	res, err := s.tss.series.Query(q)
	s.metrics.observeQuery("timeseries", "query", start)
	if err != nil {
		return err
	}
	series := make([]tsOutSeries, len(res.Series))
	for i, sr := range res.Series {
		pts := make([]tsOutPoint, len(sr.Points))
		for j, p := range sr.Points {
			pts[j].Timestamp = time.UnixMilli(p.T).UTC()
			if v := p.V; !math.IsNaN(v) && !math.IsInf(v, 0) {
				pts[j].Value = &v
			}
		}
		tags := map[string]string(sr.Tags)
		if tags == nil {
			tags = map[string]string{}
		}
		series[i] = tsOutSeries{Tags: tags, Points: pts}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"metric": *req.Metric, "series": series, "points_scanned": res.Scanned,
		"execution_time_ms": time.Since(start).Milliseconds(),
	})
	return nil
}
