package sql

// Differential queries whose plans use index nested-loop joins. The test
// first checks that each query's plan really holds the expected IndexJoin
// (so that the comparison with SQLite covers that operator, not a hash
// join the optimizer preferred), then compares the results.

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/aegisdb/aegis/mvcc"
	"github.com/aegisdb/aegis/optimizer"
	"github.com/aegisdb/aegis/parser"
)

// indexJoinSchema adds tables with a composite primary key and a
// two-column secondary index, with duplicate and NULL key values.
var indexJoinSchema = []string{
	"CREATE TABLE t4 (id INT PRIMARY KEY, g INT, n INT, s TEXT)",
	"CREATE TABLE t5 (g INT, n INT, w TEXT, PRIMARY KEY (g, n))",
}

var indexJoinIndexes = []string{
	"CREATE INDEX t4_gn ON t4 (g, n)",
	"CREATE INDEX t4_s ON t4 (s)",
}

// indexJoinData returns INSERT statements that grow t1 to 2,000 rows and
// t2 to 4,000 and fill t4 (4,000) and t5 (~1,500): a probe costs as much
// as scanning a few dozen rows, so an index join pays only when the
// probed table is much larger than the outer rows that probe it.
func indexJoinData(seed uint64) []string {
	rng := rand.New(rand.NewPCG(seed, 11))
	val := func(nullPct int, v string) string {
		if rng.IntN(100) < nullPct {
			return "NULL"
		}
		return v
	}
	num := func(nullPct, lo, hi int) string { return val(nullPct, strconv.Itoa(lo+rng.IntN(hi-lo+1))) }
	word := func() string { return "'" + words[rng.IntN(len(words))] + "'" }
	var out []string
	insert := func(tbl string, from, to int, row func(i int) string) {
		for start := from; start <= to; start += 100 {
			var rows []string
			for i := start; i <= min(start+99, to); i++ {
				rows = append(rows, row(i))
			}
			out = append(out, "INSERT INTO "+tbl+" VALUES "+strings.Join(rows, ", "))
		}
	}
	insert("t1", 121, 2000, func(i int) string {
		return fmt.Sprintf("(%d, %s, %s, %s, %s)", i, num(10, -5, 20), num(15, 0, 9), val(10, word()),
			val(10, strconv.FormatFloat(float64(rng.IntN(2000)-1000)/8, 'f', -1, 64)))
	})
	insert("t2", 201, 4000, func(i int) string {
		return fmt.Sprintf("(%d, %s, %s, %s)", i, num(8, 1, 2000), num(10, 0, 50), val(20, word()))
	})
	insert("t4", 1, 4000, func(i int) string {
		return fmt.Sprintf("(%d, %s, %s, %s)", i, num(10, 0, 99), num(10, -5, 24), val(10, fmt.Sprintf("'s%d'", rng.IntN(500))))
	})
	var t5 []string
	for g := 0; g < 100; g++ {
		for n := -5; n < 25; n += 1 + rng.IntN(3) {
			t5 = append(t5, fmt.Sprintf("(%d, %d, %s)", g, n, val(20, fmt.Sprintf("'w%d'", rng.IntN(50)))))
		}
	}
	for start := 0; start < len(t5); start += 100 {
		out = append(out, "INSERT INTO t5 VALUES "+strings.Join(t5[start:min(start+100, len(t5))], ", "))
	}
	return out
}

// indexJoinQueries pairs each query with a text its plan must contain.
var indexJoinQueries = []struct{ plan, sql string }{
	// inner joins by primary key, the indexed side on either input
	{"IndexJoin (Inner) lookup t1 USING primary key", "SELECT t1.id, t2.id, t1.c FROM t2 JOIN t1 ON t1.id = t2.t1_id WHERE t2.id BETWEEN 100 AND 400 AND t2.x = 7"},
	{"IndexJoin (Inner) lookup t1 USING primary key", "SELECT t1.id, t2.id, t2.y FROM t1 JOIN t2 ON t1.id = t2.t1_id WHERE t2.id < 40"},
	// a secondary index, filters on both sides (the inner one applied after the lookup)
	{"IndexJoin (Inner) lookup t2 USING t2_t1", "SELECT t1.id, t2.id, t2.y FROM t1 JOIN t2 ON t2.t1_id = t1.id WHERE t1.id BETWEEN 10 AND 30 AND t2.x > 10"},
	{"IndexJoin (Inner) lookup t2 USING t2_t1", "SELECT t1.id, t2.x FROM t1 JOIN t2 ON t2.t1_id = t1.id WHERE t1.id < 25 AND t1.b < 5 AND t2.y LIKE 'a%'"},
	// a residual condition across both sides
	{"IndexJoin (Inner) lookup t2 USING t2_t1", "SELECT t1.id, t2.id FROM t1 JOIN t2 ON t2.t1_id = t1.id AND t2.x > t1.a WHERE t1.id BETWEEN 50 AND 70"},
	// an outer key that is an expression
	{"IndexJoin (Inner) lookup t1 USING primary key", "SELECT t1.id, t2.id FROM t2 JOIN t1 ON t1.id = t2.x + 1 WHERE t2.id < 40"},
	// LEFT joins: unmatched and NULL-key outer rows are padded
	{"IndexJoin (Left) lookup t2 USING t2_t1", "SELECT t1.id, t2.id FROM t1 LEFT JOIN t2 ON t2.t1_id = t1.id AND t2.x < 30 WHERE t1.id < 30"},
	{"IndexJoin (Left) lookup t2 USING t2_t1", "SELECT t1.id, t1.a, t2.id FROM t1 LEFT JOIN t2 ON t2.t1_id = t1.a WHERE t1.id < 40"},
	{"IndexJoin (Left) lookup t1 AS y USING primary key", "SELECT x.id, y.id, y.c FROM t2 x LEFT JOIN t1 y ON y.id = x.t1_id WHERE x.id < 60"},
	// RIGHT joins probe the left side
	{"IndexJoin (Right) lookup t2 USING t2_t1", "SELECT t2.id, t1.id, t1.a FROM t2 RIGHT JOIN t1 ON t2.t1_id = t1.id AND t2.x > 20 WHERE t1.id < 30"},
	{"IndexJoin (Right) lookup t1 AS y USING primary key", "SELECT y.id, y.c, x.id FROM t1 y RIGHT JOIN t2 x ON y.id = x.t1_id WHERE x.id < 60"},
	// NULL keys on the outer side of an inner join never match
	{"IndexJoin (Inner) lookup t1 AS y USING primary key", "SELECT x.id, x.t1_id, y.id FROM t2 x JOIN t1 y ON y.id = x.t1_id WHERE x.id < 60"},
	// multi-column keys: a two-column secondary index and a composite primary key
	{"IndexJoin (Inner) lookup t4 USING t4_gn", "SELECT t1.id, t4.id FROM t1 JOIN t4 ON t4.g = t1.b AND t4.n = t1.a WHERE t1.id < 40"},
	{"IndexJoin (Left) lookup t4 USING t4_gn", "SELECT t1.id, t4.id, t4.s FROM t1 LEFT JOIN t4 ON t4.g = t1.b AND t4.n = t1.a WHERE t1.id BETWEEN 60 AND 90"},
	{"IndexJoin (Inner) lookup t5 USING primary key", "SELECT t4.id, t5.w FROM t4 JOIN t5 ON t5.g = t4.g AND t5.n = t4.n WHERE t4.id < 50"},
	// a prefix of a composite key: duplicates per key
	{"IndexJoin (Inner) lookup t5 USING primary key", "SELECT t1.id, t5.n, t5.w FROM t1 JOIN t5 ON t5.g = t1.b WHERE t1.id < 10"},
	{"IndexJoin (Inner) lookup t4 USING t4_gn", "SELECT t1.id, t4.id FROM t1 JOIN t4 ON t4.g = t1.b WHERE t1.id = 3 AND t4.n > 10"},
	// a constant equality of the inner filter extends the probe key
	{"IndexJoin (Inner) lookup t4 USING t4_gn", "SELECT t1.id, t4.id FROM t1 JOIN t4 ON t4.n = t1.a WHERE t4.g = 7 AND t1.id = 5"},
	// a text key, and a table joined to itself
	{"IndexJoin (Inner) lookup t4 AS b USING t4_s", "SELECT a.id, b.id FROM t4 a JOIN t4 b ON b.s = a.s WHERE a.id < 300 AND a.g = 3"},
	// semi and anti joins from EXISTS
	{"IndexJoin (Semi) lookup t2 USING t2_t1", "SELECT id FROM t1 WHERE id < 40 AND EXISTS (SELECT 1 FROM t2 WHERE t2.t1_id = t1.id)"},
	{"IndexJoin (Semi) lookup t2 USING t2_t1", "SELECT id FROM t1 WHERE id < 40 AND EXISTS (SELECT 1 FROM t2 WHERE t2.t1_id = t1.id AND t2.x > 20)"},
	{"IndexJoin (Anti) lookup t2 USING t2_t1", "SELECT id FROM t1 WHERE id < 40 AND NOT EXISTS (SELECT 1 FROM t2 WHERE t2.t1_id = t1.id)"},
	{"IndexJoin (Anti) lookup t2 USING t2_t1", "SELECT id, a FROM t1 WHERE id < 40 AND NOT EXISTS (SELECT 1 FROM t2 WHERE t2.t1_id = t1.id AND t2.x > t1.a)"},
	// semi joins from IN (the subquery's projection is read through)
	{"IndexJoin (Semi) lookup t2 USING t2_t1", "SELECT id FROM t1 WHERE id < 40 AND id IN (SELECT t1_id FROM t2 WHERE x > 5)"},
	{"IndexJoin (Semi) lookup t4 USING t4_s", "SELECT id, s FROM t4 a WHERE id < 300 AND g = 5 AND s IN (SELECT s FROM t4 WHERE n < 3)"},
	// an index join inside an IN subquery, whose plan is optimized twice
	{"IndexJoin (Inner) lookup t1 AS y USING primary key", "SELECT id FROM t1 WHERE a IN (SELECT t2.x FROM t2 JOIN t1 y ON y.id = t2.t1_id WHERE t2.id < 30)"},
	// inside a correlated subquery: the operator is opened again per row
	{"IndexJoin (Inner) lookup t4 USING t4_gn", "SELECT id, (SELECT count(*) FROM t2 JOIN t4 ON t4.g = t2.x WHERE t2.t1_id = t1.id) FROM t1 WHERE t1.id < 30"},
	// inside a reordered cluster of three and four relations
	{"IndexJoin (Inner)", "SELECT t1.id, t2.id, t4.id FROM t2, t4, t1 WHERE t1.id = t2.t1_id AND t4.g = t1.b AND t4.n = t1.a AND t2.id < 50"},
	{"IndexJoin (Inner)", "SELECT count(*), sum(t4.n) FROM t3, t1, t2, t4 WHERE t1.id = t2.t1_id AND t2.x = t3.v AND t3.grp = 'red' AND t4.g = t1.b AND t3.k < 10"},
	// aggregated over an index join
	{"IndexJoin (Inner)", "SELECT t1.c, count(*), sum(t2.x) FROM t1 JOIN t2 ON t2.t1_id = t1.id WHERE t1.id < 50 GROUP BY t1.c"},
}

// TestDifferentialIndexJoin runs the hand-written index-join queries,
// then generated ones, on one environment (it takes a while to load).
func TestDifferentialIndexJoin(t *testing.T) {
	env := newIndexJoinEnv(t)
	t.Run("hand", func(t *testing.T) {
		env.t = t
		indexJoinHand(t, env)
	})
	t.Run("random", func(t *testing.T) {
		env.t = t
		indexJoinRandom(t, env)
	})
}

func indexJoinHand(t *testing.T, env *diffEnv) {
	for _, q := range indexJoinQueries {
		plan, err := optimizedPlan(env.ours, q.sql)
		if err != nil {
			t.Errorf("%s: %v", q.sql, err)
			continue
		}
		if !strings.Contains(strings.Join(plan, "\n"), q.plan) {
			t.Errorf("%s\n  plan has no %q:\n  %s", q.sql, q.plan, strings.Join(plan, "\n  "))
		}
		for _, line := range plan {
			if strings.Contains(line, " lookup ") && !strings.Contains(line, "IndexJoin") {
				t.Errorf("%s\n  a lookup on a join that is not an index join: %s", q.sql, line)
			}
		}
		env.check(q.sql, false)
	}
}

// indexJoinRandom runs generated joins with a selective outer side and
// random predicates on both sides (AEGIS_DIFF_QUERIES sets how many;
// default 150), and checks that most plans use an index join.
func indexJoinRandom(t *testing.T, env *diffEnv) {
	n, seed := randomRun(t, 150)
	g := &queryGen{rng: rand.New(rand.NewPCG(seed, 5))}
	t1, t2 := genTables[0], genTables[1]
	used, failed := 0, 0
	for i := 0; i < n; i++ {
		outer := fmt.Sprintf("t1.id < %d AND %s", 1+g.rng.IntN(60), g.pred("t1", t1, 1))
		var q string
		switch g.rng.IntN(5) {
		case 0, 1:
			q = fmt.Sprintf("SELECT t1.id, t1.a, t2.id, t2.x FROM t1 %s t2 ON t2.t1_id = t1.id AND %s WHERE %s",
				g.pick([]string{"JOIN", "LEFT JOIN"}), g.pred("t2", t2, 1), outer)
		case 2:
			q = fmt.Sprintf("SELECT t2.id, t2.x, t1.id FROM t2 RIGHT JOIN t1 ON t2.t1_id = t1.id AND %s WHERE %s",
				g.pred("t2", t2, 1), outer)
		case 3:
			q = fmt.Sprintf("SELECT t1.id, t1.b FROM t1 WHERE %s AND %sEXISTS (SELECT 1 FROM t2 WHERE t2.t1_id = t1.id AND %s)",
				outer, g.pick([]string{"", "NOT "}), g.pred("t2", t2, 1))
		default:
			q = fmt.Sprintf("SELECT t2.id, t1.id, t1.c FROM t2 %s t1 ON t1.id = t2.t1_id AND %s WHERE t2.id < %d AND %s",
				g.pick([]string{"JOIN", "LEFT JOIN"}), g.pred("t1", t1, 0), 1+g.rng.IntN(60), g.pred("t2", t2, 1))
		}
		if plan, err := optimizedPlan(env.ours, q); err == nil && strings.Contains(strings.Join(plan, "\n"), "IndexJoin") {
			used++
		}
		if !env.check(q, false) {
			if failed++; failed > 20 {
				t.Fatal("too many differences; stopping")
			}
		}
	}
	t.Logf("%d generated queries, %d with an index join, %d differ", n, used, failed)
	if used < n/2 {
		t.Errorf("only %d of %d generated queries used an index join", used, n)
	}
}

// newIndexJoinEnv is the differential environment with the index-join
// tables and data added, ANALYZEd on our side.
func newIndexJoinEnv(t *testing.T) *diffEnv {
	env := newDiffEnv(t, "memory")
	ctx := context.Background()
	for _, q := range append(append(indexJoinSchema, indexJoinData(2)...), indexJoinIndexes...) {
		if _, err := env.ours.Exec(ctx, q); err != nil {
			t.Fatalf("ours: %s: %v", q, err)
		}
		if strings.HasPrefix(q, "CREATE INDEX") {
			continue
		}
		if _, err := env.lite.Exec(q); err != nil {
			t.Fatalf("sqlite: %s: %v", q, err)
		}
	}
	// Statistics make the estimates real: without them every table looks
	// like 1,000 rows and only primary-key probes look cheap.
	if _, err := env.ours.Exec(ctx, "ANALYZE"); err != nil {
		t.Fatal(err)
	}
	return env
}

// optimizedPlan returns the EXPLAIN lines of a query's physical plan
// followed by those of the plans of its subqueries, which EXPLAIN does
// not show.
func optimizedPlan(s *Session, q string) ([]string, error) {
	st, err := parser.Parse(q)
	if err != nil {
		return nil, err
	}
	txn, err := s.eng.db.Begin(mvcc.TxnOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer txn.Rollback()
	n, err := s.plan(txn, st, nil)
	if err != nil {
		return nil, err
	}
	var lines []string
	var add func(n optimizer.Node)
	add = func(n optimizer.Node) {
		lines = append(lines, optimizer.Explain(n, nil)...)
		optimizer.WalkPlanExprs(n, func(e optimizer.Expr) {
			optimizer.Walk(e, func(x optimizer.Expr) bool {
				if sub, ok := x.(*optimizer.Subquery); ok {
					add(sub.Plan)
				}
				return true
			})
		})
	}
	add(n)
	return lines, nil
}
