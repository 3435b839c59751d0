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
// into blocks of a batch's worth of (time, value, series number), at most
// MaxQueryPoints points, because the store pushes points through a
// callback while operators are pulled; Next then returns a block per
// batch. Fixed blocks, not growing slices: growing copied every point
// about twice and was a third of a query's time. Each series' tag columns
// and tags JSON are built once and shared by its rows.
type seriesScanOp struct {
	node   *optimizer.SeriesScan
	ctx    *Context
	blocks []*pointBlock
	points int
	tags   []seriesRow
	pos    int // the next block Next returns
	out    *types.Batch
}

type pointBlock struct {
	n      int
	ts     [types.BatchSize]int64 // microseconds, as TIMESTAMP
	vals   [types.BatchSize]float64
	series [types.BatchSize]int32 // index into tags
}

// seriesRow is what one series contributes to each of its rows: a value
// per tag column (nil: the series has no such tag) and the tags as JSON.
type seriesRow struct {
	cols [][]byte
	json []byte
}

func (s *seriesScanOp) Open(ctx *Context) error {
	s.ctx, s.pos = ctx, 0
	s.blocks, s.points, s.tags = s.blocks[:0], 0, s.tags[:0]
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
	lastID, last := uint64(0), int32(-1) // points come in runs of one series
	var blk *pointBlock
	err := ctx.TimeSeries.ScanIn(ctx.Txn, s.node.Metric, s.node.Start, s.node.End,
		func(id uint64, tags timeseries.Tags, t int64, v float64) error {
			i, ok := last, last >= 0 && id == lastID
			if !ok {
				i, ok = index[id]
			}
			if !ok {
				i = int32(len(s.tags))
				index[id] = i
				row, err := s.seriesRow(tags)
				if err != nil {
					return err
				}
				s.tags = append(s.tags, row)
			}
			lastID, last = id, i
			if t > math.MaxInt64/1000 || t < math.MinInt64/1000 {
				return fmt.Errorf("%w: metric(%q) has a point at %d ms, outside the TIMESTAMP range; bound the range with from/to",
					ErrExec, s.node.Metric, t)
			}
			if s.points >= limit {
				return fmt.Errorf("%w: metric(%q) holds more than %d points in the range; narrow the time range",
					timeseries.ErrTooManyPoints, s.node.Metric, limit)
			}
			if blk == nil || blk.n == types.BatchSize {
				blk = &pointBlock{}
				s.blocks = append(s.blocks, blk)
			}
			blk.ts[blk.n], blk.vals[blk.n], blk.series[blk.n] = t*1000, v, i
			blk.n++
			s.points++
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
	if s.pos >= len(s.blocks) {
		return nil, nil
	}
	blk := s.blocks[s.pos]
	n := blk.n
	b := s.out
	b.Reset()
	last := len(s.node.Out) - 1
	for c, v := range b.Vecs {
		if !s.needed(c) {
			for range n {
				v.AppendNull()
			}
			continue
		}
		switch {
		case c == 0:
			v.Ints = append(v.Ints, blk.ts[:n]...)
		case c == 1:
			v.Floats = append(v.Floats, blk.vals[:n]...)
		case c == last:
			for _, i := range blk.series[:n] {
				v.Append(types.Datum{Type: types.TypeJSON, B: s.tags[i].json})
			}
		default:
			for _, i := range blk.series[:n] {
				if x := s.tags[i].cols[c-2]; x != nil {
					v.Append(types.Datum{Type: types.TypeText, B: x})
				} else {
					v.AppendNull()
				}
			}
		}
	}
	b.Len = n
	s.pos++
	return b, nil
}

func (s *seriesScanOp) Close() {
	s.blocks, s.tags = nil, nil
}
