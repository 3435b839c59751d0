package sql

import (
	"context"
	"strings"
	"testing"
)

// The differential test of writes: INSERT ... ON CONFLICT, UPDATE ... FROM
// and DELETE with a join run on AegisDB and on SQLite (3.24+ has UPSERT
// with excluded., 3.33+ UPDATE ... FROM); after each statement the rows
// affected and the contents of every table written must be equal.
//
// The statements stay where SQLite and PostgreSQL agree: no row proposed
// twice to DO UPDATE (an error in PostgreSQL, allowed by SQLite), no
// UPDATE ... FROM with several matches for one target row (an arbitrary
// one is used), a WHERE in every INSERT ... SELECT (SQLite needs it to
// parse ON CONFLICT), and source orders fixed wherever DO NOTHING keeps
// the first of two proposals.

// dmlStep is one write; lite is SQLite's spelling when it differs.
type dmlStep struct {
	ours, lite string
	tables     []string // queries whose results must match afterwards
}

var upTable = "SELECT k, u, v, s FROM up ORDER BY k"

var dmlSteps = []dmlStep{
	{ours: "CREATE TABLE up (k INT PRIMARY KEY, u INT UNIQUE, v INT, s TEXT)", tables: []string{upTable}},
	{ours: "INSERT INTO up SELECT id, a, b, c FROM t1 WHERE id <= 40 ORDER BY id ON CONFLICT DO NOTHING", tables: []string{upTable}},
	{ours: "INSERT INTO up SELECT id, id + 100, b, c FROM t1 WHERE id BETWEEN 30 AND 60 ORDER BY id ON CONFLICT (k) DO NOTHING", tables: []string{upTable}},
	{ours: "INSERT INTO up SELECT id, id + 1000, a, c FROM t1 WHERE id BETWEEN 50 AND 80 ON CONFLICT (k) DO UPDATE SET v = coalesce(up.v, 0) + coalesce(excluded.v, 0), s = excluded.s || '/' || coalesce(up.s, '-')",
		tables: []string{upTable}},
	{ours: "INSERT INTO up AS x SELECT id, id + 2000, b, 'w' FROM t1 WHERE id % 3 = 0 ON CONFLICT (k) DO UPDATE SET v = excluded.v * 2 WHERE x.v IS NOT NULL AND x.v > 3",
		tables: []string{upTable}},
	{ours: "INSERT INTO up SELECT id + 500, id + 1000, -1, 'u' FROM t1 WHERE id BETWEEN 50 AND 55 ON CONFLICT (u) DO UPDATE SET s = 'hit ' || excluded.k",
		tables: []string{upTable}},
	{ours: "INSERT INTO up VALUES (1, NULL, 7, 'one'), (900, NULL, 8, 'new') ON CONFLICT (k) DO UPDATE SET u = excluded.u, v = up.v + excluded.v RETURNING k",
		tables: []string{upTable}},
	{ours: "UPDATE up SET v = t3.v, s = t3.grp FROM t3 WHERE t3.k = up.k AND t3.v IS NOT NULL", tables: []string{upTable}},
	{ours: "UPDATE t2 SET x = t2.x + t1.b, y = t1.c FROM t1 WHERE t1.id = t2.t1_id AND t1.b > 4",
		tables: []string{"SELECT * FROM t2 ORDER BY id"}},
	{ours: "UPDATE t1 SET a = s.n FROM (SELECT t1_id, count(*) AS n FROM t2 GROUP BY t1_id) AS s WHERE s.t1_id = t1.id",
		tables: []string{"SELECT * FROM t1 ORDER BY id"}},
	{ours: "UPDATE t1 SET b = t3.v FROM t3, t2 WHERE t3.k = t1.id AND t2.id = t1.id AND t2.x > 20",
		tables: []string{"SELECT * FROM t1 ORDER BY id", "SELECT id, b FROM t1 WHERE b = 3"}},
	{ours: "DELETE FROM t2 USING t1 WHERE t2.t1_id = t1.id AND t1.b > 5",
		lite:   "DELETE FROM t2 WHERE EXISTS (SELECT 1 FROM t1 WHERE t2.t1_id = t1.id AND t1.b > 5)",
		tables: []string{"SELECT * FROM t2 ORDER BY id"}},
	{ours: "DELETE FROM up USING t2 AS z WHERE z.t1_id = up.k",
		lite:   "DELETE FROM up WHERE EXISTS (SELECT 1 FROM t2 AS z WHERE z.t1_id = up.k)",
		tables: []string{upTable}},
	{ours: "INSERT INTO t1 SELECT k, v, v % 10, grp, CAST(NULL AS DOUBLE PRECISION) FROM t3 WHERE true ON CONFLICT (id) DO UPDATE SET c = excluded.c, b = excluded.b",
		tables: []string{"SELECT * FROM t1 ORDER BY id", "SELECT id FROM t1 WHERE c = 'red'", "SELECT id FROM t1 WHERE b = 2"}},
}

func TestDifferentialDML(t *testing.T) {
	env := newDiffEnv(t, "memory")
	ctx := context.Background()
	for _, st := range dmlSteps {
		res, err := env.ours.Exec(ctx, st.ours)
		if err != nil {
			t.Fatalf("ours: %s: %v", st.ours, err)
		}
		lite := st.lite
		if lite == "" {
			lite = st.ours
		}
		r, err := env.lite.Exec(lite)
		if err != nil {
			t.Fatalf("sqlite: %s: %v", lite, err)
		}
		n, err := r.RowsAffected()
		if err != nil {
			t.Fatal(err)
		}
		// SQLite's count after DDL is the previous statement's
		if got := res[len(res)-1].RowsAffected; !strings.HasPrefix(st.ours, "CREATE") && got != n {
			t.Errorf("%s: %d rows affected, sqlite %d", st.ours, got, n)
		}
		t.Logf("%d rows: %s", n, st.ours)
		for _, q := range st.tables {
			if !env.check(q, true) {
				t.Fatalf("after %s", st.ours)
			}
		}
	}
}
