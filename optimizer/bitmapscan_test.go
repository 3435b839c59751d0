package optimizer

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/aegisdb/aegis/model/table"
	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/parser"
)

// paintCatalog is one analyzed 1,000,000-row table with bitmap indexes on
// color (5 values) and size (10 values) and none on note.
type paintCatalog struct {
	d, pick *table.Desc // pick: 10 rows naming paint rows
	st      *table.Stats
}

func newPaintCatalog(t *testing.T) *paintCatalog {
	t.Helper()
	d, err := table.NewDesc("paint", []table.Column{
		{Name: "id", Type: types.TypeBigInt},
		{Name: "color", Type: types.TypeText},
		{Name: "size", Type: types.TypeBigInt},
		{Name: "note", Type: types.TypeText},
	}, []string{"id"})
	if err != nil {
		t.Fatal(err)
	}
	d.ID = 7
	for _, c := range []string{"color", "size"} {
		if _, err := d.NewIndex("paint_"+c, []string{c}, nil, false, table.IndexBitmap); err != nil {
			t.Fatal(err)
		}
	}
	st := &table.Stats{RowCount: 1_000_000, Columns: []table.ColumnStats{
		{ColumnID: d.Columns[1].ID, Distinct: 5, Nulls: 1000},
		{ColumnID: d.Columns[2].ID, Distinct: 10},
		{ColumnID: d.Columns[3].ID, Distinct: 1000},
	}}
	id := table.ColumnStats{ColumnID: d.Columns[0].ID, Distinct: 1_000_000}
	for i := 1; i <= 32; i++ {
		id.Histogram = append(id.Histogram, types.Datum{Type: types.TypeBigInt, I: int64(i * 31250)})
	}
	st.Columns = append(st.Columns, id)
	pick, err := table.NewDesc("pick", []table.Column{
		{Name: "id", Type: types.TypeBigInt},
		{Name: "paint_id", Type: types.TypeBigInt},
	}, []string{"id"})
	if err != nil {
		t.Fatal(err)
	}
	pick.ID = 8
	return &paintCatalog{d: d, pick: pick, st: st}
}

func (c *paintCatalog) Table(name string) (*table.Desc, error) {
	switch name {
	case "paint":
		return c.d, nil
	case "pick":
		return c.pick, nil
	}
	return nil, fmt.Errorf("%w: %s", table.ErrNoSuchTable, name)
}

func (c *paintCatalog) Stats(d *table.Desc) *table.Stats {
	if d == c.pick {
		return &table.Stats{RowCount: 10, Columns: []table.ColumnStats{{ColumnID: d.Columns[1].ID, Distinct: 10}}}
	}
	return c.st
}

func planOf(t *testing.T, cat Catalog, sql string) (Node, *Scan) {
	t.Helper()
	st, err := parser.Parse(sql)
	if err != nil {
		t.Fatal(err)
	}
	n, err := NewBinder(cat, nil).Bind(st)
	if err != nil {
		t.Fatal(err)
	}
	if n, err = Optimize(n, cat); err != nil {
		t.Fatal(err)
	}
	var scan *Scan
	var find func(Node)
	find = func(n Node) {
		if s, ok := n.(*Scan); ok {
			scan = s
		}
		for _, in := range n.Inputs() {
			find(in)
		}
	}
	find(n)
	return n, scan
}

// TestChooseBitmap checks which filters get a bitmap scan, what it
// answers, the count-only form, and that a bitmap scan is never cut into
// parallel key ranges (they would read the primary index, not the rows
// the bitmap names).
func TestChooseBitmap(t *testing.T) {
	cat := newPaintCatalog(t)
	for _, tc := range []struct {
		sql    string
		bitmap string // the BitmapExpr, "" for no bitmap scan
		count  bool   // count only
		filter string // what stays in the scan's filter
	}{
		{"SELECT count(*) FROM paint WHERE color = 'red' AND size IN (1, 2)",
			"paint_color (color = 'red') AND paint_size (size IN (1, 2))", true, ""},
		{"SELECT sum(id) FROM paint WHERE color = 'red' AND size = 3",
			"paint_color (color = 'red') AND paint_size (size = 3)", false, ""},
		{"SELECT id FROM paint WHERE color IS NULL AND note = 'x'",
			"paint_color (color IS NULL)", false, "(note = 'x')"},
		{"SELECT count(*) FROM paint WHERE color = 'red' OR (size = 1 AND color IS NULL)",
			"paint_color (color = 'red') OR (paint_size (size = 1) AND paint_color (color IS NULL))", true, ""},
		// 20% of the rows: fetching them costs more than the scan.
		{"SELECT id FROM paint WHERE color = 'red'", "", false, ""},
		// ... but counting them does not.
		{"SELECT count(*) FROM paint WHERE color = 'red'", "paint_color (color = 'red')", true, ""},
		// A count with a filter left over must fetch rows.
		{"SELECT count(*) FROM paint WHERE color = 'red' AND note = 'x'", "", false, ""},
		// No bitmap index answers one branch of the OR, or a range.
		{"SELECT count(*) FROM paint WHERE color = 'red' OR note = 'x'", "", false, ""},
		{"SELECT count(*) FROM paint WHERE size > 3", "", false, ""},
		{"SELECT count(*) FROM paint WHERE NOT (color = 'red')", "", false, ""},
	} {
		_, s := planOf(t, cat, tc.sql)
		if s == nil {
			t.Fatalf("%s: no scan", tc.sql)
		}
		if tc.bitmap == "" {
			if s.Bitmap != nil {
				t.Errorf("%s: unexpected bitmap scan %s", tc.sql, s.Bitmap.Expr)
			}
			continue
		}
		if s.Bitmap == nil {
			t.Errorf("%s: no bitmap scan: %s", tc.sql, Describe(s))
			continue
		}
		if got := s.Bitmap.Expr.String(); got != tc.bitmap {
			t.Errorf("%s: bitmap %s, want %s", tc.sql, got, tc.bitmap)
		}
		if s.Bitmap.CountOnly != tc.count {
			t.Errorf("%s: count only = %v", tc.sql, s.Bitmap.CountOnly)
		}
		filter := ""
		if s.Filter != nil {
			filter = s.Filter.String()
		}
		if filter != tc.filter {
			t.Errorf("%s: filter %q, want %q", tc.sql, filter, tc.filter)
		}
		if len(s.Splits) > 0 {
			t.Errorf("%s: bitmap scan split into %d ranges", tc.sql, len(s.Splits)+1)
		}
		if !strings.HasPrefix(Describe(s), "BitmapScan paint USING ") {
			t.Errorf("%s: EXPLAIN line %q", tc.sql, Describe(s))
		}
	}
	// The guard above must be what stops the split: the same table scanned
	// whole is split when there are cores for it.
	if runtime.GOMAXPROCS(0) >= 2 && MaxScanWorkers >= 2 {
		if _, s := planOf(t, cat, "SELECT count(*) FROM paint WHERE note = 'x'"); len(s.Splits) == 0 {
			t.Errorf("full scan of 1,000,000 analyzed rows not split: the bitmap check proves nothing")
		}
	}
}

// TestBitmapUnderIndexJoin: a scan an index join probes gives its bitmap
// predicates back to its filter, which every probed row must pass.
func TestBitmapUnderIndexJoin(t *testing.T) {
	cat := newPaintCatalog(t)
	n, _ := planOf(t, cat, "SELECT pick.id, paint.note FROM pick JOIN paint ON paint.id = pick.paint_id WHERE paint.color = 'red' AND paint.size = 3")
	var probed *Scan
	var find func(Node)
	find = func(n Node) {
		if j, ok := n.(*Join); ok && j.Lookup != nil {
			probed = j.InnerScan()
		}
		for _, in := range n.Inputs() {
			find(in)
		}
	}
	find(n)
	if probed == nil || probed.Table != cat.d {
		t.Fatalf("paint is not probed by an index join:\n%s", Describe(n))
	}
	if probed.Bitmap != nil {
		t.Fatalf("probed scan keeps bitmap access %s", probed.Bitmap.Expr)
	}
	f := ""
	if probed.Filter != nil {
		f = probed.Filter.String()
	}
	for _, want := range []string{"(paint.color = 'red')", "(paint.size = 3)"} {
		if !strings.Contains(f, want) {
			t.Errorf("probed scan filter %q lacks %s", f, want)
		}
	}
}
