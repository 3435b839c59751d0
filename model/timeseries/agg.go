package timeseries

import (
	"math"
	"slices"
	"strconv"
	"strings"
)

// aggKind is one aggregation function of the user guide.
type aggKind uint8

const (
	aggSum aggKind = iota
	aggAvg
	aggMin
	aggMax
	aggCount
	aggFirst
	aggLast
	aggStddev
	aggVariance
	aggPercentile
)

var aggNames = map[string]aggKind{
	"sum": aggSum, "avg": aggAvg, "min": aggMin, "max": aggMax, "count": aggCount,
	"first": aggFirst, "last": aggLast, "stddev": aggStddev, "variance": aggVariance,
}

// aggFunc is a parsed function: percentile carries its rank in [0, 100].
type aggFunc struct {
	kind aggKind
	p    float64
}

// parseFunc accepts sum avg min max count first last stddev variance and
// percentile(n) with 0 <= n <= 100 (also written p95 or percentile95).
func parseFunc(s string) (aggFunc, error) {
	name := strings.ToLower(strings.TrimSpace(s))
	if k, ok := aggNames[name]; ok {
		return aggFunc{kind: k}, nil
	}
	var arg string
	switch {
	case strings.HasPrefix(name, "percentile(") && strings.HasSuffix(name, ")"):
		arg = name[len("percentile(") : len(name)-1]
	case strings.HasPrefix(name, "percentile"):
		arg = name[len("percentile"):]
	case strings.HasPrefix(name, "p") && len(name) > 1:
		arg = name[1:]
	default:
		return aggFunc{}, invalid("aggregation function %q: want sum, avg, min, max, count, first, last, stddev, variance or percentile(n)", s)
	}
	p, err := strconv.ParseFloat(strings.TrimSpace(arg), 64)
	if err != nil || !(p >= 0 && p <= 100) {
		return aggFunc{}, invalid("aggregation function %q: percentile wants a number from 0 to 100", s)
	}
	return aggFunc{kind: aggPercentile, p: p}, nil
}

// acc accumulates the points of one bucket of one group. Variance uses
// Welford's update, so it stays exact-ish for large values.
type acc struct {
	n             int
	sum, min, max float64
	mean, m2      float64
	firstT, lastT int64
	first, last   float64
	vals          []float64 // only for percentile
}

func (a *acc) add(f aggFunc, t int64, v float64) {
	if a.n == 0 {
		a.min, a.max, a.firstT, a.first, a.lastT, a.last = v, v, t, v, t, v
	}
	a.n++
	a.sum += v
	a.min = math.Min(a.min, v)
	a.max = math.Max(a.max, v)
	// Ties between series at one timestamp are broken by value, so the
	// answer does not depend on the order series are read in.
	if t < a.firstT || t == a.firstT && v < a.first {
		a.firstT, a.first = t, v
	}
	if t > a.lastT || t == a.lastT && v > a.last {
		a.lastT, a.last = t, v
	}
	switch f.kind {
	case aggStddev, aggVariance:
		d := v - a.mean
		a.mean += d / float64(a.n)
		a.m2 += d * (v - a.mean)
	case aggPercentile:
		a.vals = append(a.vals, v)
	}
}

func (a *acc) result(f aggFunc) float64 {
	switch f.kind {
	case aggSum:
		return a.sum
	case aggAvg:
		return a.sum / float64(a.n)
	case aggMin:
		return a.min
	case aggMax:
		return a.max
	case aggCount:
		return float64(a.n)
	case aggFirst:
		return a.first
	case aggLast:
		return a.last
	case aggVariance:
		return a.m2 / float64(a.n) // population variance
	case aggStddev:
		return math.Sqrt(a.m2 / float64(a.n))
	default:
		return percentile(a.vals, f.p)
	}
}

// percentile interpolates linearly between the closest ranks (the
// "linear" method of numpy and of PostgreSQL's percentile_cont).
func percentile(vals []float64, p float64) float64 {
	slices.Sort(vals)
	pos := p / 100 * float64(len(vals)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(vals)-1)
	return vals[lo] + (vals[hi]-vals[lo])*(pos-float64(lo))
}
