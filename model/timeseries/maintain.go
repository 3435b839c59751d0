package timeseries

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/aegisdb/aegis/model/keyenc"
	"github.com/aegisdb/aegis/mvcc"
)

// Rule is a downsampling rule: once a partition of Source is older than
// After, its points are rolled up per series into Interval buckets with
// Function and written to Target with the same tags (e.g. cpu 1m points
// become cpu:1h averages after 7 days). Retention on Source can then drop
// the raw points while Target keeps the summary.
type Rule struct {
	Name     string        `json:"name"`
	Source   string        `json:"source"`
	Target   string        `json:"target"`
	Function string        `json:"function"`
	Interval time.Duration `json:"interval_ns"`
	After    time.Duration `json:"after_ns"`
}

// dropBatch bounds the deletions of one retention transaction.
const dropBatch = 1000

// AddRule stores a downsampling rule, registering Target as a gauge if it
// does not exist yet.
func (s *Store) AddRule(r Rule) error {
	if !validName(r.Name) {
		return invalid("rule name %q", r.Name)
	}
	if _, err := parseFunc(r.Function); err != nil {
		return err
	}
	if r.Interval < time.Millisecond || r.After < 0 {
		return invalid("rule %q: interval %v, after %v", r.Name, r.Interval, r.After)
	}
	if r.Source == r.Target {
		return invalid("rule %q: target is the source", r.Name)
	}
	src, err := s.Metric(r.Source)
	if err != nil {
		return err
	}
	_, err = s.Register(Metric{Name: r.Target, Kind: Gauge, Unit: src.Unit,
		Description: fmt.Sprintf("%s of %s per %v", r.Function, r.Source, r.Interval)})
	if err != nil && !errors.Is(err, ErrMetricExists) {
		return err
	}
	b, _ := json.Marshal(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.update(func(txn *mvcc.Txn) error { return txn.Put(ruleKey(r.Name), b) })
}

// Rules lists the downsampling rules in name order.
func (s *Store) Rules() ([]Rule, error) {
	txn, err := s.db.Begin(mvcc.TxnOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("timeseries: rules: %w", err)
	}
	defer txn.Rollback()
	var out []Rule
	it := txn.Scan(prefixRule, keyenc.PrefixEnd(prefixRule))
	defer it.Close()
	for it.Next() {
		var r Rule
		if err := json.Unmarshal(it.Value(), &r); err != nil {
			return nil, &CorruptionError{Key: bytes.Clone(it.Key()), Reason: "rule", Err: err}
		}
		out = append(out, r)
	}
	return out, it.Err()
}

// Maintain runs downsampling, then retention, once, at Options.Now. The
// background goroutine calls it every MaintenanceInterval.
func (s *Store) Maintain() error {
	now := s.opts.Now().UnixMilli()
	rules, err := s.Rules()
	if err != nil {
		return err
	}
	for _, r := range rules {
		if err := s.downsample(r, now); err != nil {
			return fmt.Errorf("timeseries: rule %q: %w", r.Name, err)
		}
	}
	metrics, err := s.Metrics()
	if err != nil {
		return err
	}
	for _, m := range metrics {
		if m.Retention <= 0 {
			continue
		}
		if err := s.dropBefore(m.Name, s.partition(now-m.Retention.Milliseconds())); err != nil {
			return fmt.Errorf("timeseries: retention of %q: %w", m.Name, err)
		}
	}
	return nil
}

// dropBefore deletes every chunk of metric in a partition before part,
// and empties heads whose open chunk lies there.
func (s *Store) dropBefore(metric string, part int64) error {
	lower, upper := chunkPrefix(metric), partitionKey(metric, part)
	for {
		n, err := s.dropBatch(lower, upper)
		if err != nil {
			return err
		}
		if n < dropBatch {
			break
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var emptied []uint64
	err := s.update(func(txn *mvcc.Txn) error {
		series, err := s.matchSeries(txn, metric, nil)
		if err != nil {
			return err
		}
		for id := range series {
			h, err := loadHead(txn, id)
			if err != nil {
				return err
			}
			if h.enc == nil || h.first >= part {
				continue
			}
			h.enc = nil
			rec, err := encodeHead(h)
			if err != nil {
				return err
			}
			if err := txn.Put(headKey(id), rec); err != nil {
				return err
			}
			emptied = append(emptied, id)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range emptied {
		delete(s.heads, id)
	}
	s.dropped.Add(uint64(len(emptied)))
	return nil
}

// dropBatch deletes up to dropBatch chunk keys in [lower, upper).
func (s *Store) dropBatch(lower, upper []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	err := s.update(func(txn *mvcc.Txn) error {
		it := txn.Scan(lower, upper)
		var keys [][]byte
		for len(keys) < dropBatch && it.Next() {
			keys = append(keys, bytes.Clone(it.Key()))
		}
		err := it.Err()
		it.Close()
		if err != nil {
			return err
		}
		for _, k := range keys {
			if err := txn.Delete(k); err != nil {
				return err
			}
		}
		n = len(keys)
		return nil
	})
	if err == nil {
		s.dropped.Add(uint64(n))
	}
	return n, err
}

// downsample rolls up, oldest first, every partition of r.Source that
// ended before now-r.After and that r has not done yet.
func (s *Store) downsample(r Rule, now int64) error {
	limit := s.partition(now - r.After.Milliseconds()) // partitions before it have ended
	parts, err := s.pendingPartitions(r, limit)
	if err != nil {
		return err
	}
	for _, p := range parts {
		res, err := s.Query(Query{Metric: r.Source, Start: p, End: p + s.partMs - 1,
			Agg: &Aggregation{Function: r.Function, Interval: r.Interval, BySeries: true}})
		if err != nil {
			return err
		}
		var samples []Sample
		for _, sr := range res.Series {
			for _, pt := range sr.Points {
				samples = append(samples, Sample{Tags: sr.Tags, T: pt.T, V: pt.V})
			}
		}
		mark := func(txn *mvcc.Txn) error { return txn.Put(doneKey(r.Name, p), []byte{1}) }
		if len(samples) == 0 {
			s.mu.Lock()
			err = s.update(mark)
			s.mu.Unlock()
		} else {
			err = s.write(r.Target, samples, mark)
		}
		if err != nil {
			return err
		}
		s.downsampled.Add(1)
	}
	return nil
}

// pendingPartitions lists the partitions of r.Source before limit that
// hold data (sealed or in a head) and have no done marker for r.
func (s *Store) pendingPartitions(r Rule, limit int64) ([]int64, error) {
	txn, err := s.db.Begin(mvcc.TxnOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer txn.Rollback()
	found := map[int64]bool{}
	cp := chunkPrefix(r.Source)
	it := txn.Scan(cp, partitionKey(r.Source, limit))
	for it.Next() {
		p, _, _, ok := parseChunkKey(it.Key()[len(cp):])
		if !ok {
			it.Close()
			return nil, &CorruptionError{Key: bytes.Clone(it.Key()), Reason: "chunk key"}
		}
		found[p] = true
		// Skip to the next partition.
		if p <= limit-s.partMs {
			it.Close()
			it = txn.Scan(partitionKey(r.Source, p+s.partMs), partitionKey(r.Source, limit))
		}
	}
	err = it.Err()
	it.Close()
	if err != nil {
		return nil, err
	}
	series, err := s.matchSeries(txn, r.Source, nil)
	if err != nil {
		return nil, err
	}
	for id := range series {
		h, err := loadHead(txn, id)
		if err != nil {
			return nil, err
		}
		if h.enc != nil && s.partition(h.first) < limit {
			found[s.partition(h.first)] = true
		}
	}
	var parts []int64
	for p := range found {
		_, err := txn.Get(doneKey(r.Name, p))
		if err == nil {
			continue
		}
		if !errors.Is(err, mvcc.ErrNotFound) {
			return nil, err
		}
		parts = append(parts, p)
	}
	sort.Slice(parts, func(i, j int) bool { return parts[i] < parts[j] })
	return parts, nil
}
