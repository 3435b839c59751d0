package sql

import (
	"fmt"

	"github.com/aegisdb/aegis/model/timeseries"
	"github.com/aegisdb/aegis/optimizer"
)

// The table function metric(name [, from [, to]]) reads a time-series
// metric as rows (ts, value, one TEXT column per tag key, tags JSON; the
// rule is in optimizer/series.go), and time_bucket(interval, ts) floors
// times to buckets, so SQL can aggregate points:
//
//	SELECT time_bucket('1 hour', ts) AS h, host, avg(value)
//	FROM metric('cpu_usage', '2026-01-01', '2026-01-02')
//	GROUP BY h, host ORDER BY h
//
// The store must be on the engine's own DB: the statement reads points
// in its transaction, so it sees them and its tables at one snapshot.

// UseTimeSeries gives the engine the time-series store metric(...)
// reads. Call it once, after Open and before serving statements; without
// it metric(...) is a bind error. ts must be on the DB given to Open.
func (e *Engine) UseTimeSeries(ts *timeseries.Store) { e.series = ts }

// MetricTagKeys implements optimizer.SeriesCatalog, in the statement's
// transaction.
func (v *catalogView) MetricTagKeys(metric string) ([]string, error) {
	if v.series == nil {
		return nil, fmt.Errorf("%w (Engine.UseTimeSeries)", optimizer.ErrNoTimeSeries)
	}
	return v.series.TagKeysIn(v.txn, metric)
}
