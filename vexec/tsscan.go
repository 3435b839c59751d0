package vexec

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/aegisdb/aegis/model/timeseries"
	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/optimizer"
)

// ErrNoTimeSeries: a plan reads a metric but the Context has no store.
var ErrNoTimeSeries = fmt.Errorf("%w: no time-series store for metric(...)", ErrExec)

// seriesScanOp runs a SeriesScan: the metric table function. Open reads
// every point of the range from the store in the statement's transaction
// into three flat arrays (time, value, series number), at most
// MaxQueryPoints of them, because the store pushes points through a
// callback while operators are pulled; Next then slices them into
// batches. Each series' tag columns and tags JSON are built once and
// shared by its rows.
type seriesScanOp struct {
	node   *optimizer.SeriesScan
	ctx    *Context
	ts     []int64 // microseconds, as TIMESTAMP
	vals   []float64
	series []int32 // index into tags
	tags   []seriesRow
	pos    int
	out    *types.Batch
}

// seriesRow is what one series contributes to each of its rows: a value
// per tag column (nil: the series has no such tag) and the tags as JSON.
type seriesRow struct {
	cols [][]byte
	json []byte
}

func (s *seriesScanOp) Open(ctx *Context) error {
	s.ctx, s.pos = ctx, 0
	s.ts, s.vals, s.series, s.tags = s.ts[:0], s.vals[:0], s.series[:0], s.tags[:0]
	if s.out == nil {
		s.out = newBatch(columnTypes(s.node.Out))
	}
	if ctx.TimeSeries == nil {
		return ErrNoTimeSeries
	}
	if s.node.End < s.node.Start {
		return nil // an empty range: [t, t)
	}
	limit := ctx.TimeSeries.MaxQueryPoints()
	index := map[uint64]int32{}
	err := ctx.TimeSeries.ScanIn(ctx.Txn, s.node.Metric, s.node.Start, s.node.End,
		func(id uint64, tags timeseries.Tags, t int64, v float64) error {
			i, ok := index[id]
			if !ok {
				i = int32(len(s.tags))
				index[id] = i
				row, err := s.seriesRow(tags)
				if err != nil {
					return err
				}
				s.tags = append(s.tags, row)
			}
			if t > math.MaxInt64/1000 || t < math.MinInt64/1000 {
				return fmt.Errorf("%w: metric(%q) has a point at %d ms, outside the TIMESTAMP range; bound the range with from/to",
					ErrExec, s.node.Metric, t)
			}
			if len(s.ts) >= limit {
				return fmt.Errorf("%w: metric(%q) holds more than %d points in the range; narrow the time range",
					timeseries.ErrTooManyPoints, s.node.Metric, limit)
			}
			s.ts = append(s.ts, t*1000)
			s.vals = append(s.vals, v)
			s.series = append(s.series, i)
			return nil
		})
	if err != nil {
		return fmt.Errorf("vexec: %w", err)
	}
	return nil
}

func (s *seriesScanOp) seriesRow(tags timeseries.Tags) (seriesRow, error) {
	row := seriesRow{cols: make([][]byte, len(s.node.TagKeys))}
	for i, k := range s.node.TagKeys {
		if v, ok := tags[k]; ok {
			row.cols[i] = []byte(v)
		}
	}
	if s.needed(len(s.node.Out) - 1) {
		b, err := json.Marshal(map[string]string(tags)) // keys sorted: one text per tag set
		if err != nil {
			return row, err
		}
		row.json = b
	}
	return row, nil
}

func (s *seriesScanOp) needed(col int) bool {
	return s.node.Needed == nil || s.node.Needed[col]
}

func (s *seriesScanOp) Next() (*types.Batch, error) {
	if s.pos >= len(s.ts) {
		return nil, nil
	}
	end := min(s.pos+types.BatchSize, len(s.ts))
	b := s.out
	b.Reset()
	last := len(s.node.Out) - 1
	for c, v := range b.Vecs {
		if !s.needed(c) {
			for i := s.pos; i < end; i++ {
				v.AppendNull()
			}
			continue
		}
		switch {
		case c == 0:
			v.Ints = append(v.Ints, s.ts[s.pos:end]...)
		case c == 1:
			v.Floats = append(v.Floats, s.vals[s.pos:end]...)
		case c == last:
			for i := s.pos; i < end; i++ {
				v.Append(types.Datum{Type: types.TypeJSON, B: s.tags[s.series[i]].json})
			}
		default:
			for i := s.pos; i < end; i++ {
				if x := s.tags[s.series[i]].cols[c-2]; x != nil {
					v.Append(types.Datum{Type: types.TypeText, B: x})
				} else {
					v.AppendNull()
				}
			}
		}
	}
	b.Len = end - s.pos
	s.pos = end
	return b, nil
}

func (s *seriesScanOp) Close() {
	s.ts, s.vals, s.series, s.tags = nil, nil, nil, nil
}
