package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aegisdb/aegis/engine"
	"github.com/aegisdb/aegis/mvcc"
	"github.com/aegisdb/aegis/sql"
)

// Lead bug (found by the httpload run, see docs/benchmarks.md): after
// ANALYZE, planning a primary-key SELECT decodes the table's JSON
// statistics (histograms) from the catalog several times per statement
// (optimizer estimate, tableRows, rangeSelectivity, ndv, chooseIndex each
// call Catalog.Stats), which took 76% of the server's CPU and cut
// SELECT-by-key throughput about fourfold. The test compares allocations,
// not time: a point query should cost about the same with or without
// statistics (it costs 1.66 times the allocations, and the JSON decoding
// dominates the CPU profile).
func TestStatisticsDoNotSlowPlanning(t *testing.T) {
	eng, err := engine.Open("memory", engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	db, err := mvcc.Open(eng, mvcc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := sql.Open(db).NewSession()
	ctx := context.Background()
	if _, err := s.Exec(ctx, "CREATE TABLE a (aid INT PRIMARY KEY, abalance INT, filler VARCHAR(84))"); err != nil {
		t.Fatal(err)
	}
	for b := 0; b < 20; b++ {
		q := "INSERT INTO a VALUES "
		for i := 0; i < 500; i++ {
			if i > 0 {
				q += ", "
			}
			q += fmt.Sprintf("(%d, 0, 'filler-%d')", b*500+i, i)
		}
		if _, err := s.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	point := func() {
		if _, err := s.Exec(ctx, "SELECT abalance FROM a WHERE aid = $1", 4242); err != nil {
			t.Fatal(err)
		}
	}
	before := testing.AllocsPerRun(50, point)
	if _, err := s.Exec(ctx, "ANALYZE a"); err != nil {
		t.Fatal(err)
	}
	after := testing.AllocsPerRun(50, point)
	// Measured at the time of writing: 590 before, 980 after.
	if after > 1.5*before {
		t.Fatalf("PK SELECT allocates %.0f times before ANALYZE and %.0f after", before, after)
	}
}

// Was a bug: sql.Params turned a json.Number with a fraction into a float64,
// so a DECIMAL parameter with more than ~15 significant digits loses its
// last digits (123456789.123456789 is stored as 123456789.123456784),
// although the server decodes params with UseNumber to keep them exact.
func TestDecimalParamsExact(t *testing.T) {
	ts := start(t, nil)
	admin := ts.login("root", adminPass)
	ts.sqlq(admin, 200, "CREATE TABLE d (id INT PRIMARY KEY, x DECIMAL(18,9))")
	ts.do("POST", "/api/v1/query", admin, `{"sql": "INSERT INTO d VALUES (1, $1)", "params": [123456789.123456789]}`)
	if r := ts.sqlq(admin, 200, "SELECT x FROM d"); !strings.Contains(string(r.body), `"rows":[[123456789.123456789]]`) {
		t.Fatalf("DECIMAL param: %s", r.body)
	}
}
