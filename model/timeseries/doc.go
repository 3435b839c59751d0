// Package timeseries is the time-series data model: metrics, series
// (metric + sorted tags), points appended to a head chunk per series and
// sealed into Gorilla chunks stored through mvcc per time partition;
// queries with tag matchers and aggregations over fixed intervals with
// group-by; retention that drops old partitions; downsampling rules run in
// the background.
//
// Uses: mvcc, gorilla, model/keyenc. Used by: server (the
// /api/v1/timeseries routes), optimizer, vexec and sql (metric(...)).
//
//	s := timeseries.New(db, timeseries.Options{})
//	_, err := s.Register(timeseries.Metric{Name: "cpu_usage", Kind: timeseries.Gauge, Unit: "percent"})
//	err = s.Write("cpu_usage", []timeseries.Sample{{Tags: timeseries.Tags{"host": "a"}, T: ms, V: 45.5}})
//	res, err := s.Query(timeseries.Query{Metric: "cpu_usage", Start: from, End: to,
//		Matchers: []timeseries.Matcher{{Name: "host", Op: timeseries.MatchRegex, Value: "a|b"}},
//		Agg: &timeseries.Aggregation{Function: "percentile(95)", Interval: time.Hour, GroupBy: []string{"dc"}}})
//	err = s.SetRetention("cpu_usage", 30*24*time.Hour)
//	err = s.AddRule(timeseries.Rule{Name: "cpu_1h", Source: "cpu_usage", Target: "cpu_usage:1h",
//		Function: "avg", Interval: time.Hour, After: 7 * 24 * time.Hour})
//
// Timestamps are int64 milliseconds since the Unix epoch, within
// [MinTime, MaxTime] = ±2^62 so partition arithmetic cannot overflow.
//
// # Layout
//
// The model owns the mvcc keys under "ts" 0x00 (ids and times are 8 bytes
// big-endian; times have their sign bit flipped so they sort as numbers):
//
//	"ts\x00m" name                              -> metric record (JSON)
//	"ts\x00s" metric 0x00 tags                  -> series id
//	"ts\x00i" id                                -> metric 0x00 tags  (reverse index)
//	"ts\x00n"                                   -> next series id
//	"ts\x00h" id                                -> head record
//	"ts\x00c" metric 0x00 partition id first    -> sealed gorilla chunk
//	"ts\x00r" rule                              -> downsampling rule (JSON)
//	"ts\x00d" rule 0x00 partition               -> partition done by the rule
//
//	tags:        | len uvarint | name | len uvarint | value | ... sorted by name
//	head record: | flags:1 (bit 0: has last) | last:8 | first:8 | open XOR chunk, may be empty |
//
// Chunk keys are partition-major, so a time range is one key range per
// metric and retention deletes a key prefix range; within a partition the
// chunks of one series sort by their first timestamp.
//
// # Invariants
//
//   - Within a series, points are strictly increasing in time: a point not
//     after the series' last point fails the whole Write with
//     ErrOutOfOrder. A Write is one mvcc transaction: all its points or
//     none.
//   - A chunk never straddles a partition and holds at most ChunkPoints
//     points; it is sealed (gorilla Seal: the decimal codec when smaller)
//     when it is full or the next point falls in a later partition.
//   - Every point is in exactly one place: a sealed chunk or its series'
//     head record. Queries read both from one mvcc snapshot, so they never
//     see a half-applied Write; the in-memory copies of the heads only
//     spare writes from decoding, and are dropped whenever a write fails
//     (reloaded from the DB on next use), so they cannot drift.
//   - Downsampling writes a partition's roll-up and its done marker in one
//     transaction, so a crash never doubles or loses a roll-up.
//
// # Queries
//
// Matchers are =, !=, =~, !~ on one tag (a missing tag reads as ""),
// regexes anchored as in PromQL. Without an aggregation a query returns
// the raw points of each matching series. With one, points fall in
// buckets [k*interval, (k+1)*interval) aligned on the epoch, one output
// series per distinct GroupBy tag values (all series in one group when
// GroupBy is empty); functions are sum avg min max count first last
// stddev variance (population) and percentile(n) (linear interpolation).
// first/last break timestamp ties between series by value. Output points
// carry their bucket's start; empty buckets are left out.
//
// # Simplifications
//
//   - Writes are serialized by one mutex held across the transaction, and
//     every Write rewrites the head record of each series it touches
//     (O(chunk) bytes per series per Write, not per point): batching points
//     per Write is what makes ingest fast. A separate append-only head log
//     would remove that cost.
//   - Out-of-order and late points are rejected, not merged; a point late
//     enough to land in an already downsampled partition is not rolled up
//     again.
//   - Retention and downsampling work on whole partitions
//     (PartitionDuration, a day by default). Retention empties an old head
//     but keeps the series' last timestamp, so ordering still holds.
//   - Percentile keeps every value of a bucket in memory, bounded by
//     Options.MaxQueryPoints (as are raw results).
//   - Series are never deleted, even when retention has dropped all their
//     points; the series index grows with the number of distinct tag sets.
//   - time_bucket and the SQL table function metric(...) are not here:
//     the SQL layers own them and read through TagKeysIn and ScanIn
//     (scanin.go), which work in the caller's transaction.
//
// # Tests
//
// A model test writes random batches (some deliberately out of order) to a
// few series with 7-point chunks and 50 ms partitions, restarts the store
// now and then, and checks random raw and aggregated queries against a
// naive computation (seed logged; AEGIS_SEED=<n> replays, AEGIS_LONG=1 runs
// 50 times longer). Table tests cover functions and errors; retention and
// downsampling run on a fake clock. Benchmarks (store_bench_test.go):
// ingest points/s with 1 and 8 writers, sync off and on; query of one day
// of 10 s data over 1,000 series aggregated hourly.
package timeseries
