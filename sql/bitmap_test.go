package sql

import (
	"context"
	"strings"
	"testing"
)

// bitmapQueries run against SQLite (which has no bitmap indexes and
// answers them its own way) through the diffIndexes bitmap indexes. After
// ANALYZE the ones marked "bitmap:" must plan a bitmap scan: counts, and
// fetches selective enough to beat scanning the small tables.
var bitmapQueries = []string{
	"bitmap:SELECT count(*) FROM t1 WHERE b = 3",
	"bitmap:SELECT count(*) FROM t1 WHERE b = 3 AND c = 'apple'",
	"bitmap:SELECT count(*) FROM t1 WHERE b IN (1, 2, 7) AND c IN ('fig', 'grape')",
	"bitmap:SELECT count(*) FROM t1 WHERE b IS NULL",
	"bitmap:SELECT count(*) FROM t1 WHERE c IS NULL OR b = 0",
	"bitmap:SELECT count(*) FROM t1 WHERE (b = 1 AND c = 'date') OR (b = 2 AND c IS NULL)",
	"bitmap:SELECT id, a, d FROM t1 WHERE b = 4 AND c = 'cherry'",
	"SELECT id, c FROM t1 WHERE (c = 'Apple' AND b = 1) OR (c = 'b_x' AND b = 8)",
	"bitmap:SELECT count(*) FROM t3 WHERE grp IN ('red', 'blue')",
	"bitmap:SELECT count(*), sum(a) FROM t1 WHERE b = 9 AND c IN ('apple', 'nope')",
	"SELECT grp, count(*) FROM t3 WHERE grp IN ('red', 'blue') GROUP BY grp",
	"SELECT id FROM t1 WHERE b IN (5, NULL) AND a > 3",
	"SELECT id, c FROM t1 WHERE c = 'Apple' OR c = 'b_x'",
	"SELECT id FROM t2 WHERE x = 7 OR x IS NULL",
	"SELECT t2.id, t1.id FROM t2 JOIN t1 ON t1.id = t2.t1_id WHERE t2.x IN (3, 4) AND t1.b = 2",
	"SELECT k, v FROM t3 WHERE grp = 'black' OR grp = 'green'",
}

func TestDifferentialBitmap(t *testing.T) {
	env := newDiffEnv(t, "memory")
	if _, err := env.ours.Exec(context.Background(), "ANALYZE"); err != nil {
		t.Fatal(err)
	}
	queries := make([]string, len(bitmapQueries))
	for i, q := range bitmapQueries {
		queries[i] = strings.TrimPrefix(q, "bitmap:")
	}
	failed := env.checkAll(queries)
	for _, q := range bitmapQueries {
		q, ok := strings.CutPrefix(q, "bitmap:")
		if !ok {
			continue
		}
		res, err := env.ours.Exec(context.Background(), "EXPLAIN "+q)
		if err != nil {
			t.Fatalf("EXPLAIN %s: %v", q, err)
		}
		plan := formatLines(res[0])
		if !strings.Contains(plan, "BitmapScan") {
			t.Errorf("%s: plan uses no bitmap scan:\n%s", q, plan)
		}
	}
	// Writes through the bitmap indexes, then the same queries again.
	for _, q := range []string{
		"UPDATE t1 SET b = 3 WHERE id % 7 = 0",
		"UPDATE t1 SET c = NULL WHERE b = 4",
		"DELETE FROM t1 WHERE c = 'fig'",
		"UPDATE t1 SET id = id + 1000 WHERE b = 2",
		"INSERT INTO t1 VALUES (2001, 1, 3, 'apple', 1.5), (2002, 2, NULL, 'date', NULL)",
		"UPDATE t2 SET x = NULL WHERE x = 3",
	} {
		if _, err := env.ours.Exec(context.Background(), q); err != nil {
			t.Fatalf("ours: %s: %v", q, err)
		}
		if _, err := env.lite.Exec(q); err != nil {
			t.Fatalf("sqlite: %s: %v", q, err)
		}
	}
	failed += env.checkAll(queries)
	t.Logf("%d bitmap queries before and after writes, %d differ", 2*len(queries), failed)
}
