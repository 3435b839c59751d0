package timeseries

import (
	"fmt"
	"sort"

	"github.com/aegisdb/aegis/mvcc"
)

// Reading inside a caller's transaction, for the SQL table function
// metric(...) (see sql and vexec): the statement's snapshot covers its
// tables and its points alike. txn must belong to the DB the Store was
// opened on.

// TagKeysIn returns the tag names used by any series of metric, sorted;
// the error matches ErrUnknownMetric when the metric is not registered.
func (s *Store) TagKeysIn(txn *mvcc.Txn, metric string) ([]string, error) {
	if _, err := s.metricIn(txn, metric); err != nil {
		return nil, err
	}
	series, err := s.matchSeries(txn, metric, nil)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var keys []string
	for _, tags := range series {
		for k := range tags {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	return keys, nil
}

// ScanIn calls emit with the series id and tags of every point of every
// series of metric in [start, end] (milliseconds, both inclusive),
// reading in txn. Points of
// one series come in time order; series interleave partition by
// partition. tags must not be modified. An error of emit stops the scan
// and is returned.
func (s *Store) ScanIn(txn *mvcc.Txn, metric string, start, end int64, emit func(id uint64, tags Tags, t int64, v float64) error) error {
	if end < start {
		return invalid("time range ends (%d) before it starts (%d)", end, start)
	}
	start, end = max(start, MinTime), min(end, MaxTime)
	if end < start {
		return nil
	}
	if _, err := s.metricIn(txn, metric); err != nil {
		return err
	}
	series, err := s.matchSeries(txn, metric, nil)
	if err != nil {
		return err
	}
	s.queries.Add(1)
	var res Result
	if err := s.scan(txn, metric, start, end, series, &res, func(id uint64, t int64, v float64) error {
		return emit(id, series[id], t, v)
	}); err != nil {
		return fmt.Errorf("timeseries: scan of %q: %w", metric, err)
	}
	return nil
}

// MaxQueryPoints is the Options.MaxQueryPoints in effect: the most points
// one query may hold in memory.
func (s *Store) MaxQueryPoints() int { return s.opts.MaxQueryPoints }
