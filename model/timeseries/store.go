package timeseries

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aegisdb/aegis/gorilla"
	"github.com/aegisdb/aegis/internal/loop"
	"github.com/aegisdb/aegis/model/keyenc"
	"github.com/aegisdb/aegis/mvcc"
)

// Defaults used when Options leaves a field zero.
const (
	DefaultPartition           = 24 * time.Hour
	DefaultChunkPoints         = 120
	DefaultMaxQueryPoints      = 2_000_000
	DefaultMaintenanceInterval = time.Minute
)

// Options configure a Store.
type Options struct {
	// PartitionDuration is the width of a time partition: chunks never
	// straddle one, and retention drops whole partitions. Default 24h.
	PartitionDuration time.Duration
	// ChunkPoints is how many points a head chunk takes before it is
	// sealed. Default 120, as Prometheus.
	ChunkPoints int
	// MaxQueryPoints bounds the points one query may hold in memory (raw
	// points returned, or values kept for a percentile). Default 2,000,000.
	MaxQueryPoints int
	// MaintenanceInterval is how often the background goroutine applies
	// retention and downsampling; negative turns it off (Maintain still
	// works). Default one minute.
	MaintenanceInterval time.Duration
	// Now is the clock for retention and downsampling; nil is time.Now.
	Now func() time.Time
}

// MinTime and MaxTime bound timestamps (about ±146 million years in ms),
// so partition arithmetic never overflows.
const (
	MinTime = -1 << 62
	MaxTime = 1 << 62
)

// Sample is one point of one series of a metric: T is in milliseconds
// since the Unix epoch.
type Sample struct {
	Tags Tags
	T    int64
	V    float64
}

// head is the open chunk of one series, mirrored in memory from its head
// record so a write does not decode it again.
type head struct {
	enc         *gorilla.Encoder // nil when the last chunk was just sealed
	first, last int64            // first point of enc; last point ever written
	hasLast     bool
}

// Store is the time-series model over an mvcc DB. It is safe for
// concurrent use; writes are serialized by one mutex (see doc.go).
type Store struct {
	db     *mvcc.DB
	opts   Options
	partMs int64

	mu      sync.Mutex // guards everything below and every write transaction
	closed  bool
	series  map[string]uint64 // metric 0x00 canonical tags -> series id
	heads   map[uint64]*head
	nextID  uint64 // 0: not loaded yet
	metrics map[string]Metric

	loop      *loop.Loop // nil when maintenance is off
	closeOnce sync.Once

	written, sealed, queries, dropped, downsampled, maintErrors atomic.Uint64
}

// Stats are the Store's cumulative counters.
type Stats struct {
	PointsWritten, ChunksSealed, Queries uint64
	// ChunksDropped counts chunks deleted by retention; Downsampled counts
	// partitions a rule has rolled up.
	ChunksDropped, Downsampled, MaintenanceErrors uint64
}

// New returns a Store on db and starts its maintenance goroutine.
func New(db *mvcc.DB, opts Options) *Store {
	if opts.PartitionDuration < time.Millisecond {
		opts.PartitionDuration = DefaultPartition
	}
	if opts.ChunkPoints <= 0 {
		opts.ChunkPoints = DefaultChunkPoints
	}
	if opts.MaxQueryPoints <= 0 {
		opts.MaxQueryPoints = DefaultMaxQueryPoints
	}
	if opts.MaintenanceInterval == 0 {
		opts.MaintenanceInterval = DefaultMaintenanceInterval
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Store{
		db: db, opts: opts, partMs: opts.PartitionDuration.Milliseconds(),
		series: map[string]uint64{}, heads: map[uint64]*head{}, metrics: map[string]Metric{},
	}
	s.loop = loop.Maintain(opts.MaintenanceInterval, s.Maintain, &s.maintErrors)
	return s
}

// Close stops the maintenance goroutine. It does not close the DB.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.loop.Stop()
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
	})
	return nil
}

// Stats returns the Store's counters.
func (s *Store) Stats() Stats {
	return Stats{
		PointsWritten: s.written.Load(), ChunksSealed: s.sealed.Load(), Queries: s.queries.Load(),
		ChunksDropped: s.dropped.Load(), Downsampled: s.downsampled.Load(), MaintenanceErrors: s.maintErrors.Load(),
	}
}

// partition returns the start of t's partition (floor division, so
// negative times fall in the partition below).
func (s *Store) partition(t int64) int64 { return floorDiv(t, s.partMs) * s.partMs }

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// Register adds a metric. It fails with ErrMetricExists if the name is taken.
func (s *Store) Register(m Metric) (Metric, error) {
	if err := m.validate(); err != nil {
		return Metric{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return Metric{}, ErrClosed
	}
	m.CreatedAt = s.opts.Now().UTC()
	err := s.update(func(txn *mvcc.Txn) error {
		_, err := txn.Get(metricKey(m.Name))
		if err == nil {
			return fmt.Errorf("timeseries: register %q: %w", m.Name, ErrMetricExists)
		}
		if !errors.Is(err, mvcc.ErrNotFound) {
			return err
		}
		b, _ := json.Marshal(m)
		return txn.Put(metricKey(m.Name), b)
	})
	if err != nil {
		return Metric{}, err
	}
	s.metrics[m.Name] = m
	return m, nil
}

// SetRetention makes retention drop partitions of metric older than d
// (0: keep forever).
func (s *Store) SetRetention(metric string, d time.Duration) error {
	if d < 0 {
		return invalid("negative retention %v", d)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var m Metric
	err := s.update(func(txn *mvcc.Txn) error {
		var err error
		if m, err = s.metricIn(txn, metric); err != nil {
			return err
		}
		m.Retention = d
		b, _ := json.Marshal(m)
		return txn.Put(metricKey(metric), b)
	})
	if err == nil {
		s.metrics[metric] = m
	}
	return err
}

// Metric returns one registered metric.
func (s *Store) Metric(name string) (Metric, error) {
	txn, err := s.db.Begin(mvcc.TxnOptions{ReadOnly: true})
	if err != nil {
		return Metric{}, fmt.Errorf("timeseries: metric %q: %w", name, err)
	}
	defer txn.Rollback()
	return s.metricIn(txn, name)
}

// metricIn reads a metric's record in txn.
func (s *Store) metricIn(txn *mvcc.Txn, name string) (Metric, error) {
	k := metricKey(name)
	b, err := txn.Get(k)
	if errors.Is(err, mvcc.ErrNotFound) {
		return Metric{}, fmt.Errorf("timeseries: metric %q: %w", name, ErrUnknownMetric)
	}
	if err != nil {
		return Metric{}, fmt.Errorf("timeseries: metric %q: %w", name, err)
	}
	return decodeMetric(k, b)
}

// Metrics lists every registered metric in name order.
func (s *Store) Metrics() ([]Metric, error) {
	txn, err := s.db.Begin(mvcc.TxnOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("timeseries: list metrics: %w", err)
	}
	defer txn.Rollback()
	var out []Metric
	it := txn.Scan(prefixMetric, keyenc.PrefixEnd(prefixMetric))
	defer it.Close()
	for it.Next() {
		m, err := decodeMetric(it.Key(), it.Value())
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	if err := it.Err(); err != nil {
		return nil, fmt.Errorf("timeseries: list metrics: %w", err)
	}
	return out, nil
}

// update runs fn in a read-write transaction and commits it.
func (s *Store) update(fn func(txn *mvcc.Txn) error) error {
	txn, err := s.db.Begin(mvcc.TxnOptions{})
	if err != nil {
		return fmt.Errorf("timeseries: begin: %w", err)
	}
	if err := fn(txn); err != nil {
		txn.Rollback()
		return err
	}
	if err := txn.Commit(); err != nil {
		return fmt.Errorf("timeseries: commit: %w", err)
	}
	return nil
}

// Write appends samples of one metric as one transaction: all of them or,
// on any error, none. Within a series, points must come in increasing
// time order, later than any point already written (ErrOutOfOrder).
func (s *Store) Write(metric string, samples []Sample) error {
	return s.write(metric, samples, nil)
}

// write is Write with extra puts (a downsampling marker) in the same
// transaction.
func (s *Store) write(metric string, samples []Sample, extra func(txn *mvcc.Txn) error) error {
	for i := range samples {
		if t := samples[i].T; t < MinTime || t > MaxTime {
			return fmt.Errorf("timeseries: write %q, point %d: timestamp %d outside [%d, %d]: %w",
				metric, i, t, MinTime, MaxTime, ErrInvalid)
		}
		if err := validateTags(samples[i].Tags); err != nil {
			return fmt.Errorf("timeseries: write %q, point %d: %w", metric, i, err)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	if _, ok := s.metrics[metric]; !ok {
		m, err := s.Metric(metric)
		if err != nil {
			return err
		}
		s.metrics[metric] = m
	}
	txn, err := s.db.Begin(mvcc.TxnOptions{})
	if err != nil {
		return fmt.Errorf("timeseries: write %q: %w", metric, err)
	}
	w := writer{s: s, txn: txn, metric: metric, touched: map[uint64]*head{}}
	err = w.write(samples)
	if err == nil {
		err = w.finish()
	}
	if err == nil && extra != nil {
		err = extra(txn)
	}
	if err != nil {
		txn.Rollback()
		w.forget()
		return err
	}
	if err := txn.Commit(); err != nil {
		w.forget()
		return fmt.Errorf("timeseries: write %q: commit: %w", metric, err)
	}
	s.written.Add(uint64(len(samples)))
	s.sealed.Add(uint64(w.sealed))
	return nil
}

// writer is one Write's transaction and the in-memory state it touched,
// which is forgotten (to be reloaded from the DB) if the write fails.
type writer struct {
	s         *Store
	txn       *mvcc.Txn
	metric    string
	touched   map[uint64]*head
	newSeries []string
	sealed    int
}

func (w *writer) write(samples []Sample) error {
	s := w.s
	var lastTags Tags
	var id uint64
	for i, smp := range samples {
		if i == 0 || !sameTags(smp.Tags, lastTags) {
			var err error
			if id, err = w.seriesID(smp.Tags); err != nil {
				return err
			}
			lastTags = smp.Tags
		}
		h, err := w.head(id)
		if err != nil {
			return err
		}
		if h.hasLast && smp.T <= h.last {
			return fmt.Errorf("timeseries: write %q%s: point %d at %d not after %d: %w",
				w.metric, smp.Tags, i, smp.T, h.last, ErrOutOfOrder)
		}
		if h.enc != nil && (h.enc.Len() >= s.opts.ChunkPoints || s.partition(smp.T) != s.partition(h.first)) {
			if err := w.seal(id, h); err != nil {
				return err
			}
		}
		if h.enc == nil {
			h.enc, h.first = gorilla.NewEncoder(), smp.T
		}
		h.enc.Append(smp.T, smp.V)
		h.last, h.hasLast = smp.T, true
	}
	return nil
}

func sameTags(a, b Tags) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if bv, ok := b[k]; !ok || bv != v {
			return false
		}
	}
	return true
}

// seriesID finds or creates the series of the metric with these tags.
func (w *writer) seriesID(tags Tags) (uint64, error) {
	s := w.s
	enc := tags.encode()
	ck := w.metric + "\x00" + string(enc)
	if id, ok := s.series[ck]; ok {
		return id, nil
	}
	sk := seriesKey(w.metric, enc)
	b, err := w.txn.Get(sk)
	switch {
	case err == nil:
		if len(b) != 8 {
			return 0, &CorruptionError{Key: sk, Reason: fmt.Sprintf("series id of %d bytes", len(b))}
		}
		id := binary.BigEndian.Uint64(b)
		s.series[ck] = id
		return id, nil
	case !errors.Is(err, mvcc.ErrNotFound):
		return 0, fmt.Errorf("timeseries: series %s%s: %w", w.metric, tags, err)
	}
	if s.nextID == 0 {
		b, err := w.txn.Get(keyNextID)
		switch {
		case errors.Is(err, mvcc.ErrNotFound):
			s.nextID = 1
		case err != nil:
			return 0, fmt.Errorf("timeseries: next series id: %w", err)
		case len(b) != 8:
			return 0, &CorruptionError{Key: keyNextID, Reason: "next id"}
		default:
			s.nextID = binary.BigEndian.Uint64(b)
		}
	}
	id := s.nextID
	s.nextID++
	idRec := append([]byte(w.metric+"\x00"), enc...)
	for _, kv := range [][2][]byte{
		{sk, binary.BigEndian.AppendUint64(nil, id)},
		{idKey(id), idRec},
		{keyNextID, binary.BigEndian.AppendUint64(nil, s.nextID)},
	} {
		if err := w.txn.Put(kv[0], kv[1]); err != nil {
			return 0, fmt.Errorf("timeseries: new series %s%s: %w", w.metric, tags, err)
		}
	}
	s.series[ck] = id
	w.newSeries = append(w.newSeries, ck)
	return id, nil
}

// head returns the series' head, loading it from the DB on first use.
func (w *writer) head(id uint64) (*head, error) {
	if h, ok := w.touched[id]; ok {
		return h, nil
	}
	h, ok := w.s.heads[id]
	if !ok {
		var err error
		if h, err = loadHead(w.txn, id); err != nil {
			return nil, err
		}
		w.s.heads[id] = h
	}
	w.touched[id] = h
	return h, nil
}

// seal writes the head's chunk under its partition and empties the head.
func (w *writer) seal(id uint64, h *head) error {
	chunk, err := h.enc.Seal()
	if err != nil {
		return fmt.Errorf("timeseries: seal series %d: %w", id, err)
	}
	if err := w.txn.Put(chunkKey(w.metric, w.s.partition(h.first), id, h.first), chunk); err != nil {
		return fmt.Errorf("timeseries: seal series %d: %w", id, err)
	}
	h.enc = nil
	w.sealed++
	return nil
}

// finish writes the head record of every touched series.
func (w *writer) finish() error {
	for id, h := range w.touched {
		rec, err := encodeHead(h)
		if err != nil {
			return err
		}
		if err := w.txn.Put(headKey(id), rec); err != nil {
			return fmt.Errorf("timeseries: head of series %d: %w", id, err)
		}
	}
	return nil
}

// forget drops the in-memory state the failed write touched.
func (w *writer) forget() {
	for id := range w.touched {
		delete(w.s.heads, id)
	}
	for _, ck := range w.newSeries {
		delete(w.s.series, ck)
	}
}

// Head record:
//
//	| flags:1 (bit 0: has last) | last:8 BE | first:8 BE | open chunk (XOR), may be empty |
func encodeHead(h *head) ([]byte, error) {
	b := make([]byte, 17, 64)
	if h.hasLast {
		b[0] = 1
	}
	binary.BigEndian.PutUint64(b[1:], uint64(h.last))
	binary.BigEndian.PutUint64(b[9:], uint64(h.first))
	if h.enc == nil {
		return b, nil
	}
	chunk, err := h.enc.Bytes()
	if err != nil {
		return nil, fmt.Errorf("timeseries: head: %w", err)
	}
	return append(b, chunk...), nil
}

// decodeHeadRecord splits a head record; chunk is empty for an empty head.
func decodeHeadRecord(key, b []byte) (first, last int64, hasLast bool, chunk []byte, err error) {
	if len(b) < 17 || b[0] > 1 {
		return 0, 0, false, nil, &CorruptionError{Key: key, Reason: fmt.Sprintf("head record of %d bytes", len(b))}
	}
	return int64(binary.BigEndian.Uint64(b[9:])), int64(binary.BigEndian.Uint64(b[1:])), b[0] == 1, b[17:], nil
}

func loadHead(txn *mvcc.Txn, id uint64) (*head, error) {
	k := headKey(id)
	b, err := txn.Get(k)
	if errors.Is(err, mvcc.ErrNotFound) {
		return &head{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("timeseries: head of series %d: %w", id, err)
	}
	first, last, hasLast, chunk, err := decodeHeadRecord(k, b)
	if err != nil {
		return nil, err
	}
	h := &head{first: first, last: last, hasLast: hasLast}
	if len(chunk) > 0 {
		if h.enc, err = gorilla.Resume(chunk); err != nil {
			return nil, &CorruptionError{Key: k, Reason: "head chunk", Err: err}
		}
	}
	return h, nil
}
