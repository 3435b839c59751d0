package sql

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aegisdb/aegis/model/timeseries"
	"github.com/aegisdb/aegis/mvcc"
	"github.com/aegisdb/aegis/optimizer"
	"github.com/aegisdb/aegis/parser"
	"github.com/cockroachdb/datadriven"
)

// TestGolden runs the datadriven files in testdata/golden, each on a fresh
// database. Directives:
//
//	exec     run statements; print each one's tag (or the error)
//	query    run a query; print its columns and rows
//	plan     the bound logical plan, before any rule
//	explain  EXPLAIN: the optimized physical plan with estimates
//	explain-analyze  EXPLAIN ANALYZE with times masked
//	write-points  write time-series points, one per line:
//	              metric tag=v,tag=v 2026-01-01T00:00:00Z value
//	              (the metric is registered as a gauge on first use)
//
// Regenerate with: go test ./sql/ -run TestGolden -rewrite
func TestGolden(t *testing.T) {
	datadriven.Walk(t, "testdata/golden", func(t *testing.T, path string) {
		db := openTestDB(t, "memory")
		eng := Open(db)
		ts := timeseries.New(db, timeseries.Options{MaintenanceInterval: -1})
		defer ts.Close()
		eng.UseTimeSeries(ts)
		s := eng.NewSession()
		ctx := context.Background()
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			switch d.Cmd {
			case "exec":
				res, err := s.Exec(ctx, d.Input)
				var b strings.Builder
				for _, r := range res {
					b.WriteString(r.Tag + "\n")
				}
				if err != nil {
					b.WriteString("error: " + err.Error() + "\n")
				}
				return b.String()
			case "query":
				res, err := s.Exec(ctx, d.Input)
				if err != nil {
					return "error: " + err.Error() + "\n"
				}
				return formatResult(res[len(res)-1])
			case "write-points":
				if err := writePoints(ts, d.Input); err != nil {
					return "error: " + err.Error() + "\n"
				}
				return "ok\n"
			case "plan":
				return logicalPlan(t, eng, d.Input)
			case "explain", "explain-analyze":
				q := "EXPLAIN " + d.Input
				if d.Cmd == "explain-analyze" {
					q = "EXPLAIN ANALYZE " + d.Input
				}
				res, err := s.Exec(ctx, q)
				if err != nil {
					return "error: " + err.Error() + "\n"
				}
				out := formatLines(res[0])
				if d.Cmd == "explain-analyze" {
					out = timeRE.ReplaceAllString(out, "time=X")
					out = execRE.ReplaceAllString(out, "Execution time: X")
				}
				return out
			}
			t.Fatalf("%s: unknown directive %q", d.Pos, d.Cmd)
			return ""
		})
	})
}

var (
	timeRE = regexp.MustCompile(`time=[0-9.]+ms`)
	execRE = regexp.MustCompile(`Execution time: [0-9.]+ ms`)
)

func formatLines(r *Result) string {
	var b strings.Builder
	for _, row := range r.Rows {
		b.WriteString(row[0].String() + "\n")
	}
	return b.String()
}

func formatResult(r *Result) string {
	var b strings.Builder
	for i, c := range r.Columns {
		if i > 0 {
			b.WriteString(" | ")
		}
		b.WriteString(c.Name + " " + c.Type)
	}
	b.WriteString("\n")
	for _, row := range r.Rows {
		for i, d := range row {
			if i > 0 {
				b.WriteString(" | ")
			}
			b.WriteString(d.String())
		}
		b.WriteString("\n")
	}
	return b.String()
}

// logicalPlan binds a statement and prints the plan before optimization.
func logicalPlan(t *testing.T, eng *Engine, text string) string {
	st, err := parser.Parse(text)
	if err != nil {
		return "error: " + err.Error() + "\n"
	}
	txn, err := eng.db.Begin(mvcc.TxnOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer txn.Rollback()
	view := newCatalogView(eng.cat, txn)
	view.series = eng.series
	n, err := optimizer.NewBinder(view, nil).Bind(st)
	if err != nil {
		return "error: " + err.Error() + "\n"
	}
	var b strings.Builder
	for _, l := range optimizer.Explain(n, nil) {
		b.WriteString(strings.TrimSuffix(l, "  (rows=0 cost=0)") + "\n")
	}
	return b.String()
}

// writePoints writes the points of a write-points directive.
func writePoints(ts *timeseries.Store, input string) error {
	for _, line := range strings.Split(strings.TrimSpace(input), "\n") {
		f := strings.Fields(line)
		if len(f) != 4 {
			return fmt.Errorf("want: metric tags time value, got %q", line)
		}
		tags := timeseries.Tags{}
		for _, kv := range strings.Split(f[1], ",") {
			k, v, _ := strings.Cut(kv, "=")
			tags[k] = v
		}
		at, err := time.Parse(time.RFC3339Nano, f[2])
		if err != nil {
			return err
		}
		v, err := strconv.ParseFloat(f[3], 64)
		if err != nil {
			return err
		}
		if _, err := ts.Metric(f[0]); errors.Is(err, timeseries.ErrUnknownMetric) {
			if _, err := ts.Register(timeseries.Metric{Name: f[0], Kind: timeseries.Gauge}); err != nil {
				return err
			}
		}
		if err := ts.Write(f[0], []timeseries.Sample{{Tags: tags, T: at.UnixMilli(), V: v}}); err != nil {
			return err
		}
	}
	return nil
}
