package sql

import (
	"context"
	"strings"
	"testing"
)

// bitmapQueries run against SQLite (which has no bitmap indexes and
// answers them its own way) through the diffIndexes bitmap indexes; each
// plan must use a bitmap scan.
var bitmapQueries = []string{
	"SELECT count(*) FROM t1 WHERE b = 3",
	"SELECT count(*) FROM t1 WHERE b = 3 AND c = 'apple'",
	"SELECT count(*) FROM t1 WHERE b IN (1, 2, 7) AND c IN ('fig', 'grape')",
	"SELECT count(*) FROM t1 WHERE b IS NULL",
	"SELECT count(*) FROM t1 WHERE c IS NULL OR b = 0",
	"SELECT count(*) FROM t1 WHERE (b = 1 AND c = 'date') OR (b = 2 AND c IS NULL)",
	"SELECT id, a, d FROM t1 WHERE b = 4 AND c = 'cherry'",
	"SELECT id FROM t1 WHERE b IN (5, NULL) AND a > 3",
	"SELECT id, c FROM t1 WHERE c = 'Apple' OR c = 'b_x'",
	"SELECT count(*), sum(a) FROM t1 WHERE b = 9 AND c IN ('apple', 'banana', 'nope')",
	"SELECT id FROM t2 WHERE x = 7 OR x IS NULL",
	"SELECT t2.id, t1.id FROM t2 JOIN t1 ON t1.id = t2.t1_id WHERE t2.x IN (3, 4) AND t1.b = 2",
	"SELECT grp, count(*) FROM t3 WHERE grp IN ('red', 'blue') GROUP BY grp",
	"SELECT k, v FROM t3 WHERE grp = 'black' OR grp = 'green'",
}

func TestDifferentialBitmap(t *testing.T) {
	env := newDiffEnv(t, "memory")
	failed := env.checkAll(bitmapQueries)
	for _, q := range bitmapQueries {
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
	failed += env.checkAll(bitmapQueries)
	t.Logf("%d bitmap queries before and after writes, %d differ", 2*len(bitmapQueries), failed)
}
