package server

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// metrics is the server's Prometheus registry (its own, not the global
// one) with the user guide's metric names plus every layer's counters.
type metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	queries     *prometheus.CounterVec
	queryDur    *prometheus.HistogramVec
	connections prometheus.Gauge
}

func newMetrics(s *Server) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "aegis_requests_total", Help: "Total HTTP requests, by route, method, code and status (ok, client_error, error).",
	}, []string{"route", "method", "code", "status"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "aegis_request_duration_seconds", Help: "HTTP request latency.", Buckets: prometheus.ExponentialBuckets(0.0001, 4, 10),
	}, []string{"route"})
	m.queries = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "aegis_queries_total", Help: "Total data operations executed, by model and operation (kv get/set/delete/list; sql select/insert/update/delete/create_table/...).",
	}, []string{"model", "op"})
	m.queryDur = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "aegis_query_duration_seconds", Help: "Data operation latency, by model and operation.", Buckets: prometheus.ExponentialBuckets(0.00005, 4, 10),
	}, []string{"model", "op"})
	m.connections = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "aegis_connections_active", Help: "Open client connections.",
	})
	m.reg.MustRegister(m.requests, m.duration, m.queries, m.queryDur, m.connections,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&layerCollector{s: s})
	return m
}

func (m *metrics) observeQuery(model, op string, start time.Time) {
	m.queries.WithLabelValues(model, op).Inc()
	m.queryDur.WithLabelValues(model, op).Observe(time.Since(start).Seconds())
}

// layerCollector reads Metrics() of the engine, mvcc and the kv model at
// each scrape.
type layerCollector struct{ s *Server }

func (c *layerCollector) Describe(chan<- *prometheus.Desc) {} // unchecked: names depend on the backend

func (c *layerCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.s
	em := s.eng.Metrics()
	b := []string{"backend"}
	counter := func(name, help string, v float64, labels []string, values ...string) {
		ch <- prometheus.MustNewConstMetric(prometheus.NewDesc(name, help, labels, nil), prometheus.CounterValue, v, values...)
	}
	gauge := func(name, help string, v float64, labels []string, values ...string) {
		ch <- prometheus.MustNewConstMetric(prometheus.NewDesc(name, help, labels, nil), prometheus.GaugeValue, v, values...)
	}
	counter("aegis_engine_gets_total", "Engine point reads.", float64(em.Gets), b, em.Backend)
	counter("aegis_engine_batches_total", "Engine batches applied.", float64(em.BatchesApplied), b, em.Backend)
	counter("aegis_engine_synced_batches_total", "Engine batches applied with sync.", float64(em.SyncedBatches), b, em.Backend)
	counter("aegis_engine_keys_put_total", "Keys put through engine batches.", float64(em.KeysPut), b, em.Backend)
	counter("aegis_engine_keys_deleted_total", "Keys deleted through engine batches.", float64(em.KeysDeleted), b, em.Backend)
	counter("aegis_engine_bytes_written_total", "Key and value bytes handed to the engine.", float64(em.BytesWritten), b, em.Backend)
	counter("aegis_engine_iterators_total", "Engine iterators opened.", float64(em.IteratorsOpened), b, em.Backend)
	var hits float64
	for _, d := range em.Details {
		name := "aegis_engine_" + sanitize(d.Name)
		if strings.HasSuffix(d.Name, "_total") {
			counter(name, d.Help, d.Value, b, em.Backend)
		} else {
			gauge(name, d.Help, d.Value, b, em.Backend)
		}
		if strings.HasSuffix(d.Name, "hits_total") {
			hits += d.Value
		}
	}
	counter("aegis_cache_hits_total", "Cache hits of the storage engine (buffer pool or block cache; 0 on the memory backend, which has none).", hits, nil)
	gauge("aegis_storage_bytes", "Bytes on disk in the data directory (0 on the memory backend).", float64(s.storageBytes()), nil)

	mm := s.db.Metrics()
	counter("aegis_mvcc_commits_total", "Read-write transactions committed.", float64(mm.Commits), nil)
	counter("aegis_mvcc_readonly_commits_total", "Transactions committed with nothing to write.", float64(mm.ReadOnlyCommits), nil)
	reason := []string{"reason"}
	counter("aegis_mvcc_aborts_total", "Transactions aborted, by reason.", float64(mm.Aborts.WriteWrite), reason, "write_write")
	counter("aegis_mvcc_aborts_total", "Transactions aborted, by reason.", float64(mm.Aborts.ReadWrite), reason, "read_write")
	counter("aegis_mvcc_aborts_total", "Transactions aborted, by reason.", float64(mm.Aborts.Rollback), reason, "rollback")
	counter("aegis_mvcc_aborts_total", "Transactions aborted, by reason.", float64(mm.Aborts.EngineError), reason, "engine_error")
	gauge("aegis_mvcc_active_transactions", "Transactions in flight.", float64(mm.ActiveTxns), nil)
	gauge("aegis_mvcc_last_committed_ts", "The commit clock.", float64(mm.LastCommitted), nil)
	counter("aegis_mvcc_gc_versions_collected_total", "Versions deleted by MVCC garbage collection.", float64(mm.VersionsCollected), nil)
	counter("aegis_mvcc_gc_errors_total", "Failed GC passes.", float64(mm.GCErrors), nil)

	km := s.kv.Metrics()
	counter("aegis_kv_expired_total", "Expired keys deleted by the sweeper.", float64(km.Expired), nil)
	counter("aegis_kv_write_retries_total", "KV writes retried after an MVCC conflict.", float64(km.Conflicts), nil)
	counter("aegis_rate_limited_total", "Requests refused by the rate limiter.", float64(s.rateLimited()), nil)
	gauge("aegis_sessions_active", "Live session tokens.", float64(s.sessions.active()), nil)
}

func sanitize(name string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
			return r
		}
		return '_'
	}, name)
}

// dirSize caches the data directory's size for a few seconds, so scrapes
// and dashboard polls do not walk the tree each time.
type dirSize struct {
	mu    sync.Mutex
	at    time.Time
	bytes int64
}

func (d *dirSize) get(dir string) int64 {
	if dir == "" {
		return 0
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if time.Since(d.at) < 5*time.Second {
		return d.bytes
	}
	var n int64
	_ = filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && info.Mode().IsRegular() {
			n += info.Size()
		}
		return nil // a file removed during the walk is not an error
	})
	d.bytes, d.at = n, time.Now()
	return n
}
