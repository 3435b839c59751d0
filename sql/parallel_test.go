package sql

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/aegisdb/aegis/model/table"
	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/mvcc"
	"github.com/aegisdb/aegis/optimizer"
)

// TestParallelScan checks queries whose big table scan the optimizer
// splits across goroutines against answers computed here, including a
// scan closed early (LIMIT over DISTINCT) and an error raised inside a
// worker's filter.
func TestParallelScan(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("one CPU: scans are never split")
	}
	defer func(saved int) { optimizer.MaxScanWorkers = saved }(optimizer.MaxScanWorkers)
	optimizer.MaxScanWorkers = 4
	for _, backend := range []string{"memory", "btree", "lsm"} {
		t.Run(backend, func(t *testing.T) { testParallelScan(t, backend) })
	}
}

func testParallelScan(t *testing.T, backend string) {
	const rows = 120_000
	ctx := context.Background()
	s := Open(openTestDB(t, backend)).NewSession()
	exec := func(q string) *Result {
		t.Helper()
		res, err := s.Exec(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return res[len(res)-1]
	}
	exec("CREATE TABLE big (id INT PRIMARY KEY, grp INT NOT NULL, v INT, s TEXT)")
	exec("CREATE TABLE small (g INT PRIMARY KEY, name TEXT)")
	exec("INSERT INTO small VALUES (0, 'zero'), (1, 'one'), (2, 'two')")
	var sumV, countOdd int64
	groupSum := map[int64]int64{}
	db := s.eng.db
	for start := 0; start < rows; start += 10_000 {
		// Straight through the table layer: parsing 120,000 rows of
		// INSERT text would be most of the test's time.
		txn, err := db.Begin(mvcc.TxnOptions{})
		if err != nil {
			t.Fatal(err)
		}
		d, err := s.eng.cat.Table(txn, "big")
		if err != nil {
			t.Fatal(err)
		}
		for i := start; i < start+10_000; i++ {
			v := int64(i*7919) % 1000
			row := []types.Datum{
				{Type: types.TypeInt, I: int64(i)}, {Type: types.TypeInt, I: int64(i % 7)},
				{Type: types.TypeInt, I: v}, types.TextDatum(fmt.Sprintf("s%d", i%13)),
			}
			if err := table.Insert(txn, d, row); err != nil {
				t.Fatal(err)
			}
			sumV += v
			groupSum[int64(i%7)] += v
			if v%2 == 1 {
				countOdd++
			}
		}
		if err := txn.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	exec("ANALYZE")

	plan := exec("EXPLAIN SELECT count(*) FROM big WHERE v % 2 = 1")
	if !strings.Contains(fmt.Sprint(plan.Rows), "parallel") {
		t.Fatalf("the scan is not split: %v", plan.Rows)
	}
	if got := exec("SELECT count(*), sum(v) FROM big").Rows[0]; got[0].I != rows || got[1].I != sumV {
		t.Fatalf("count, sum = %v, want %d, %d", got, rows, sumV)
	}
	if got := exec("SELECT count(*) FROM big WHERE v % 2 = 1").Rows[0][0].I; got != countOdd {
		t.Fatalf("filtered count = %d, want %d", got, countOdd)
	}
	res := exec("SELECT grp, sum(v) FROM big GROUP BY grp ORDER BY grp")
	if len(res.Rows) != 7 {
		t.Fatalf("%d groups, want 7", len(res.Rows))
	}
	for _, r := range res.Rows {
		if r[1].I != groupSum[r[0].I] {
			t.Fatalf("group %d: sum %d, want %d", r[0].I, r[1].I, groupSum[r[0].I])
		}
	}
	res = exec("SELECT name, count(*) FROM big JOIN small ON big.grp = small.g GROUP BY name ORDER BY name")
	if len(res.Rows) != 3 {
		t.Fatalf("join: %v", res.Rows)
	}
	res = exec("SELECT id, s FROM big ORDER BY v DESC, id LIMIT 3")
	if len(res.Rows) != 3 || res.Rows[0][0].I == res.Rows[1][0].I {
		t.Fatalf("top 3: %v", res.Rows)
	}
	for range 20 { // the workers are stopped while they still have rows
		if got := exec("SELECT DISTINCT grp FROM big LIMIT 2"); len(got.Rows) != 2 {
			t.Fatalf("distinct limit: %v", got.Rows)
		}
	}
	if _, err := s.Exec(ctx, "SELECT count(*) FROM big WHERE v / (id - 100000) > 0"); err == nil ||
		!strings.Contains(err.Error(), "division by zero") {
		t.Fatalf("division by zero in a worker: err = %v", err)
	}
	// The session still works after a worker's error.
	if got := exec("SELECT count(*) FROM big WHERE id >= 100000").Rows[0][0].I; got != rows-100000 {
		t.Fatalf("count after error = %d", got)
	}
}
