package timeseries

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"regexp"
	"sort"
	"time"

	"github.com/aegisdb/aegis/gorilla"
	"github.com/aegisdb/aegis/model/keyenc"
	"github.com/aegisdb/aegis/mvcc"
)

// MatchOp compares a tag with a value, as in PromQL.
type MatchOp string

// The tag matchers.
const (
	MatchEqual    MatchOp = "="
	MatchNotEqual MatchOp = "!="
	MatchRegex    MatchOp = "=~"
	MatchNotRegex MatchOp = "!~"
)

// Matcher selects series by one tag. A series without the tag has the
// empty value for it. Regexes are anchored at both ends.
type Matcher struct {
	Name  string
	Op    MatchOp
	Value string
	re    *regexp.Regexp
}

func (m *Matcher) compile() error {
	switch m.Op {
	case MatchEqual, MatchNotEqual:
	case MatchRegex, MatchNotRegex:
		re, err := regexp.Compile("^(?:" + m.Value + ")$")
		if err != nil {
			return invalid("matcher %s%s%q: %v", m.Name, m.Op, m.Value, err)
		}
		m.re = re
	default:
		return invalid("matcher on %q: operator %q: want =, !=, =~ or !~", m.Name, m.Op)
	}
	return nil
}

func (m *Matcher) matches(t Tags) bool {
	v := t[m.Name]
	switch m.Op {
	case MatchEqual:
		return v == m.Value
	case MatchNotEqual:
		return v != m.Value
	case MatchRegex:
		return m.re.MatchString(v)
	default:
		return !m.re.MatchString(v)
	}
}

// Aggregation rolls points up into fixed intervals aligned on the Unix
// epoch, one output series per distinct value of the GroupBy tags (all
// matching series form one group when GroupBy is empty).
type Aggregation struct {
	Function string // sum avg min max count first last stddev variance percentile(n)
	Interval time.Duration
	GroupBy  []string
	// BySeries makes every stored series its own group (GroupBy is then
	// ignored): how downsampling rolls series up one by one.
	BySeries bool
}

// Query selects the points of one metric in [Start, End] (milliseconds,
// both inclusive) from the series every matcher accepts.
type Query struct {
	Metric     string
	Start, End int64
	Matchers   []Matcher
	Agg        *Aggregation
}

// Point is one timestamp (ms) and value.
type Point struct {
	T int64
	V float64
}

// SeriesResult is one output series: a stored series for a raw query, a
// group for an aggregated one (Tags holds the GroupBy tags).
type SeriesResult struct {
	Tags   Tags
	Points []Point
}

// Result is a query's answer, series sorted by their tags.
type Result struct {
	Series []SeriesResult
	// Scanned counts the points decoded, Chunks the chunks read.
	Scanned, Chunks int
}

// Query runs q on one snapshot of the DB.
func (s *Store) Query(q Query) (Result, error) {
	if q.End < q.Start {
		return Result{}, invalid("time range ends (%d) before it starts (%d)", q.End, q.Start)
	}
	var fn aggFunc
	var intervalMs int64
	if q.Agg != nil {
		var err error
		if fn, err = parseFunc(q.Agg.Function); err != nil {
			return Result{}, err
		}
		if intervalMs = q.Agg.Interval.Milliseconds(); intervalMs <= 0 {
			return Result{}, invalid("aggregation interval %v: want at least 1ms", q.Agg.Interval)
		}
	}
	matchers := append([]Matcher(nil), q.Matchers...)
	for i := range matchers {
		if err := matchers[i].compile(); err != nil {
			return Result{}, err
		}
	}
	q.Start, q.End = max(q.Start, MinTime), min(q.End, MaxTime) // nothing is stored outside
	if q.End < q.Start {
		return Result{Series: nil}, nil
	}
	s.queries.Add(1)
	txn, err := s.db.Begin(mvcc.TxnOptions{ReadOnly: true})
	if err != nil {
		return Result{}, fmt.Errorf("timeseries: query %q: %w", q.Metric, err)
	}
	defer txn.Rollback()
	if _, err := s.metricIn(txn, q.Metric); err != nil {
		return Result{}, err
	}
	series, err := s.matchSeries(txn, q.Metric, matchers)
	if err != nil {
		return Result{}, err
	}
	sink := newSink(q, fn, intervalMs, s.opts.MaxQueryPoints)
	sink.prepare(series)
	var res Result
	err = s.scan(txn, q.Metric, q.Start, q.End, series, &res, sink.add)
	if err != nil {
		return Result{}, err
	}
	res.Series = sink.results(series)
	return res, nil
}

// matchSeries returns the id and tags of every series of metric the
// matchers accept.
func (s *Store) matchSeries(txn *mvcc.Txn, metric string, ms []Matcher) (map[uint64]Tags, error) {
	out := map[uint64]Tags{}
	p := seriesPrefix(metric)
	it := txn.Scan(p, keyenc.PrefixEnd(p))
	defer it.Close()
next:
	for it.Next() {
		tags, err := decodeTags(it.Key()[len(p):])
		if err != nil || len(it.Value()) != 8 {
			return nil, &CorruptionError{Key: bytes.Clone(it.Key()), Reason: "series key", Err: err}
		}
		for i := range ms {
			if !ms[i].matches(tags) {
				continue next
			}
		}
		out[binary.BigEndian.Uint64(it.Value())] = tags
	}
	if err := it.Err(); err != nil {
		return nil, fmt.Errorf("timeseries: series of %q: %w", metric, err)
	}
	return out, nil
}

// scan calls emit for every point of the given series in [start, end]:
// sealed chunks partition by partition, then the head chunks. Within a
// series the points come in time order.
func (s *Store) scan(txn *mvcc.Txn, metric string, start, end int64, series map[uint64]Tags,
	res *Result, emit func(id uint64, t int64, v float64) error) error {
	if len(series) == 0 {
		return nil
	}
	lower := partitionKey(metric, s.partition(start))
	upper := keyenc.PrefixEnd(chunkPrefix(metric))
	if lastPart := s.partition(end); lastPart <= math.MaxInt64-s.partMs {
		upper = partitionKey(metric, lastPart+s.partMs)
	}
	cp := len(chunkPrefix(metric))
	var it gorilla.Iterator
	decode := func(key, chunk []byte, id uint64) error {
		if err := it.Reset(chunk); err != nil {
			return &CorruptionError{Key: bytes.Clone(key), Reason: "chunk", Err: err}
		}
		res.Chunks++
		for it.Next() {
			t, v := it.At()
			res.Scanned++
			if t > end {
				break
			}
			if t >= start {
				if err := emit(id, t, v); err != nil {
					return err
				}
			}
		}
		if err := it.Err(); err != nil {
			return &CorruptionError{Key: bytes.Clone(key), Reason: "chunk", Err: err}
		}
		return nil
	}
	ci := txn.Scan(lower, upper)
	defer ci.Close()
	for ci.Next() {
		_, id, first, ok := parseChunkKey(ci.Key()[cp:])
		if !ok {
			return &CorruptionError{Key: bytes.Clone(ci.Key()), Reason: "chunk key"}
		}
		if _, want := series[id]; !want || first > end {
			continue
		}
		if err := decode(ci.Key(), ci.Value(), id); err != nil {
			return err
		}
	}
	if err := ci.Err(); err != nil {
		return fmt.Errorf("timeseries: chunks of %q: %w", metric, err)
	}
	ids := make([]uint64, 0, len(series))
	for id := range series {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		k := headKey(id)
		b, err := txn.Get(k)
		if err != nil {
			if isNotFound(err) {
				continue
			}
			return fmt.Errorf("timeseries: head of series %d: %w", id, err)
		}
		first, _, _, chunk, err := decodeHeadRecord(k, b)
		if err != nil {
			return err
		}
		if len(chunk) == 0 || first > end {
			continue
		}
		if err := decode(k, chunk, id); err != nil {
			return err
		}
	}
	return nil
}

// sink collects a query's points: raw per series, or into buckets.
type sink struct {
	fn         aggFunc
	agg        *Aggregation
	intervalMs int64
	limit      int
	held       int
	raw        map[uint64][]Point
	groupOf    map[uint64]string // series id -> group key
	groupTags  map[string]Tags
	buckets    map[string]map[int64]*acc
	// The accumulator of the last point, which the next point of the same
	// series most likely shares.
	cur      *acc
	curID    uint64
	curStart int64
}

func newSink(q Query, fn aggFunc, intervalMs int64, limit int) *sink {
	return &sink{fn: fn, agg: q.Agg, intervalMs: intervalMs, limit: limit,
		raw: map[uint64][]Point{}, groupOf: map[uint64]string{}, groupTags: map[string]Tags{},
		buckets: map[string]map[int64]*acc{}}
}

func (k *sink) add(id uint64, t int64, v float64) error {
	if k.agg == nil {
		if k.held++; k.held > k.limit {
			return fmt.Errorf("timeseries: more than %d points: %w", k.limit, ErrTooManyPoints)
		}
		k.raw[id] = append(k.raw[id], Point{t, v})
		return nil
	}
	start := floorDiv(t, k.intervalMs) * k.intervalMs
	if k.cur == nil || id != k.curID || start != k.curStart {
		k.cur, k.curID, k.curStart = k.bucket(id, start), id, start
	}
	if k.fn.kind == aggPercentile {
		if k.held++; k.held > k.limit {
			return fmt.Errorf("timeseries: percentile over more than %d points: %w", k.limit, ErrTooManyPoints)
		}
	}
	k.cur.add(k.fn, t, v)
	return nil
}

// bucket finds or makes the accumulator of id's group for one interval.
func (k *sink) bucket(id uint64, start int64) *acc {
	g := k.groupOf[id]
	b := k.buckets[g]
	if b == nil {
		b = map[int64]*acc{}
		k.buckets[g] = b
	}
	a := b[start]
	if a == nil {
		a = &acc{}
		b[start] = a
	}
	return a
}

// results orders the output series by their tags.
func (k *sink) results(series map[uint64]Tags) []SeriesResult {
	var out []SeriesResult
	if k.agg == nil {
		for id, pts := range k.raw {
			out = append(out, SeriesResult{Tags: series[id], Points: pts})
		}
	} else {
		for g, b := range k.buckets {
			starts := make([]int64, 0, len(b))
			for t := range b {
				starts = append(starts, t)
			}
			sort.Slice(starts, func(i, j int) bool { return starts[i] < starts[j] })
			pts := make([]Point, len(starts))
			for i, t := range starts {
				pts[i] = Point{t, b[t].result(k.fn)}
			}
			out = append(out, SeriesResult{Tags: k.groupTags[g], Points: pts})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Tags.String() < out[j].Tags.String() })
	return out
}

// prepare assigns every matched series to its group.
func (k *sink) prepare(series map[uint64]Tags) {
	if k.agg == nil {
		return
	}
	for id, tags := range series {
		gt := Tags{}
		for _, name := range k.agg.GroupBy {
			if v, ok := tags[name]; ok {
				gt[name] = v
			}
		}
		if k.agg.BySeries {
			gt = tags
		}
		g := string(gt.encode())
		k.groupOf[id] = g
		k.groupTags[g] = gt
	}
}

func isNotFound(err error) bool { return err != nil && errors.Is(err, mvcc.ErrNotFound) }
