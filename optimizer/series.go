package optimizer

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aegisdb/aegis/model/timeseries"
	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/parser"
)

// The table function metric(name [, from [, to]]) reads the points of a
// time-series metric (model/timeseries) as rows:
//
//	ts     TIMESTAMP  the point's time (millisecond precision)
//	value  DOUBLE
//	<tag>  TEXT       one column per tag key any series of the metric
//	                  has, sorted by name; NULL for a series without it
//	tags   JSON       every tag of the series, as a JSON object
//
// A tag key named ts, value or tags gets no column of its own (it would
// shadow a fixed column); it is still in tags. The tag keys are read when
// the statement is bound, in its transaction, so the columns are those of
// the series that exist at that snapshot. from and to are constant
// TIMESTAMPs (or strings read as one) bounding the half-open range
// [from, to); NULL or a missing argument leaves that end open.

// SeriesCatalog is implemented by a Catalog that can answer metric(...):
// without it, or when MetricTagKeys fails with ErrNoTimeSeries,
// metric(...) is a bind error.
type SeriesCatalog interface {
	// MetricTagKeys returns the sorted tag keys of the metric's series;
	// the error matches timeseries.ErrUnknownMetric for an unknown metric.
	MetricTagKeys(metric string) ([]string, error)
}

// ErrNoTimeSeries: the engine has no time-series store for metric(...).
var ErrNoTimeSeries = errors.New("optimizer: no time-series store")

// SeriesScan reads the points of one metric in [Start, End] (inclusive
// milliseconds, the model's convention); End < Start reads nothing.
type SeriesScan struct {
	Estimate
	Metric     string
	Alias      string
	Start, End int64
	// TagKeys are the tags with a column of their own, in output order
	// from column 2; the tags JSON column is last.
	TagKeys []string
	Out     []Column
	// Range is the time range for EXPLAIN, empty when unbounded.
	Range string
	// Needed marks the output columns something reads (nil: all); the
	// tags JSON is built only when needed.
	Needed []bool
}

func (n *SeriesScan) Columns() []Column { return n.Out }
func (n *SeriesScan) Inputs() []Node    { return nil }

// seriesScanRows is the row estimate of a metric scan: the store keeps no
// statistics the planner could read cheaply.
const seriesScanRows = 1000

func (n *SeriesScan) describe() string {
	s := "SeriesScan metric(" + n.Metric + ")"
	if n.Alias != "" && n.Alias != "metric" {
		s += " AS " + n.Alias
	}
	if n.Range != "" {
		s += " [" + n.Range + "]"
	}
	return s
}

// bindTableFunc binds a table function call in FROM.
func (b *Binder) bindTableFunc(tf *parser.TableFunc) (Node, *scope, error) {
	name := strings.ToLower(tf.Name)
	if name == "generate_series" {
		return b.bindGenerateSeries(tf) // genseries.go
	}
	if name != "metric" {
		return nil, nil, bindErr(tf.Pos, "table function %s does not exist (the table functions are metric and generate_series)", tf.Name)
	}
	if len(tf.Args) < 1 || len(tf.Args) > 3 {
		return nil, nil, bindErr(tf.Pos, "metric takes 1 to 3 arguments (name [, from [, to]]), got %d", len(tf.Args))
	}
	sc, ok := b.cat.(SeriesCatalog)
	if !ok {
		return nil, nil, bindErr(tf.Pos, "metric(...): this engine has no time-series store")
	}
	args := make([]types.Datum, len(tf.Args))
	b.scopes = append(b.scopes, &scope{}) // arguments see no columns
	for i, a := range tf.Args {
		e, err := b.bindExpr(a, exprCtx{clause: "table function arguments"})
		if err != nil {
			b.scopes = b.scopes[:len(b.scopes)-1]
			return nil, nil, err
		}
		c, ok := foldConst(e).(*Const)
		if !ok {
			b.scopes = b.scopes[:len(b.scopes)-1]
			return nil, nil, bindErr(a.Position(), "metric: argument %d must be a constant, not %s", i+1, e)
		}
		args[i] = c.D
	}
	b.scopes = b.scopes[:len(b.scopes)-1]
	if args[0].Null || args[0].Type.Family != types.String {
		return nil, nil, bindErr(tf.Args[0].Position(), "metric: the first argument must be the metric name as a string")
	}
	n := &SeriesScan{Metric: string(args[0].B), Alias: tf.Alias, Start: timeseries.MinTime, End: timeseries.MaxTime}
	if n.Alias == "" {
		n.Alias = "metric"
	}
	var bounds []string
	var us [3]int64
	for i := 1; i < len(args); i++ {
		if args[i].Null {
			continue
		}
		d, err := CastDatum(args[i], types.TypeTimestamp)
		if err != nil {
			return nil, nil, bindErr(tf.Args[i].Position(), "metric: argument %d must be a timestamp: %v", i+1, err)
		}
		us[i] = d.I
		if i == 2 && !args[1].Null && us[2] < us[1] {
			return nil, nil, bindErr(tf.Args[2].Position(), "metric: the time range ends before it starts")
		}
		// Points have millisecond times; [from, to) in microseconds is
		// [ceil(from/1000), ceil(to/1000) - 1] in milliseconds.
		ms := ceilDiv(d.I, 1000)
		if i == 1 {
			n.Start = max(ms, timeseries.MinTime)
			bounds = append(bounds, "ts >= "+(&Const{D: d}).String())
		} else {
			n.End = min(ms-1, timeseries.MaxTime)
			bounds = append(bounds, "ts < "+(&Const{D: d}).String())
		}
	}
	n.Range = strings.Join(bounds, " AND ")
	keys, err := sc.MetricTagKeys(n.Metric)
	if err != nil {
		if errors.Is(err, timeseries.ErrUnknownMetric) {
			return nil, nil, bindErr(tf.Args[0].Position(), "metric %q does not exist", n.Metric)
		}
		if errors.Is(err, ErrNoTimeSeries) {
			return nil, nil, bindErr(tf.Pos, "metric(...): this engine has no time-series store")
		}
		return nil, nil, fmt.Errorf("metric %q: %w", n.Metric, err)
	}
	n.Out = []Column{{Name: "ts", Table: n.Alias, Type: types.TypeTimestamp}, {Name: "value", Table: n.Alias, Type: types.TypeFloat}}
	for _, k := range keys {
		if k == "ts" || k == "value" || k == "tags" {
			continue
		}
		n.TagKeys = append(n.TagKeys, k)
		n.Out = append(n.Out, Column{Name: k, Table: n.Alias, Type: types.TypeText})
	}
	n.Out = append(n.Out, Column{Name: "tags", Table: n.Alias, Type: types.TypeJSON})
	s := &scope{}
	for _, c := range n.Out {
		s.cols = append(s.cols, scopeCol{table: n.Alias, name: c.Name, t: c.Type})
	}
	return n, s, nil
}

func ceilDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) == (b < 0) {
		q++
	}
	return q
}

// narrow tightens the scan's time range by the conjuncts that compare ts
// (column 0) with a constant timestamp. The conjuncts stay in a Filter
// above: the range only has to cover every row they can accept, and points
// have millisecond times while the constants have microseconds.
func (n *SeriesScan) narrow(conj []Expr) {
	for _, c := range conj {
		call, ok := c.(*Call)
		if !ok || !IsComparison(call.Fn) || call.Fn == fnNe || len(call.Args) != 2 {
			continue
		}
		fn, col, k := call.Fn, call.Args[0], call.Args[1]
		if _, isConst := col.(*Const); isConst {
			fn, col, k = mirror[fn], k, col
		}
		ref, ok1 := col.(*ColRef)
		kc, ok2 := k.(*Const)
		if !ok1 || !ok2 || ref.Idx != 0 || kc.D.Null || kc.D.Type.Family != types.Timestamp {
			continue
		}
		us := kc.D.I
		lo, hi := n.Start, n.End
		switch fn {
		case fnGe:
			lo = ceilDiv(us, 1000)
		case fnGt:
			lo = floorDiv(us, 1000) + 1
		case fnLe:
			hi = floorDiv(us, 1000)
		case fnLt:
			hi = ceilDiv(us, 1000) - 1
		case fnEq:
			lo, hi = ceilDiv(us, 1000), floorDiv(us, 1000)
		}
		if lo > n.Start || hi < n.End {
			n.Start, n.End = max(lo, n.Start), min(hi, n.End)
			if n.Range != "" {
				n.Range += " AND "
			}
			n.Range += c.String()
		}
	}
}
