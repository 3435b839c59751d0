package sql

// The differential test: the same schema, data and queries run on AegisDB
// and on SQLite (modernc.org/sqlite, in process, test only); the results
// must be equal, as multisets unless the query fixes the order.
//
// The queries avoid the places where SQLite and PostgreSQL (whose
// semantics AegisQL follows) disagree on purpose: division by zero (NULL
// in SQLite, an error here), NULL ordering (always written explicitly),
// LIKE's case (SQLite is told to be case-sensitive), booleans (SQLite's 0
// and 1 compare equal to false and true after normalization), a scalar
// subquery returning several rows (an error here), the column order of
// SELECT * over JOIN ... USING (merged columns first here), casts from
// float to integer (rounded here, truncated by SQLite), substr with a
// start before 1, and literals in set operations (typed by the other
// side here). testdata/golden/pg_semantics pins our answers to those.

import (
	"context"
	dbsql "database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aegisdb/aegis/model/types"
	_ "modernc.org/sqlite"
)

// diffSchema is created on both databases; indexes only on ours (SQLite
// does not need them to answer, and ours are there to be used).
var diffSchema = []string{
	"CREATE TABLE t1 (id INT PRIMARY KEY, a INT, b INT, c TEXT, d DOUBLE PRECISION)",
	"CREATE TABLE t2 (id INT PRIMARY KEY, t1_id INT, x INT, y TEXT)",
	"CREATE TABLE t3 (k INT PRIMARY KEY, grp TEXT NOT NULL, v INT)",
	// for recursive CTEs: a tree (parent links) and a graph with cycles
	"CREATE TABLE tree (id INT PRIMARY KEY, parent INT, name TEXT)",
	"CREATE TABLE edges (src INT, dst INT)",
}

var diffIndexes = []string{
	"CREATE INDEX t1_a ON t1 (a)",
	"CREATE INDEX t2_t1 ON t2 (t1_id)",
	"CREATE INDEX t3_grp ON t3 (grp, v)",
	// Bitmap indexes (bitmap_test.go checks that plans use them).
	"CREATE INDEX t1_b_bm ON t1 (b) USING bitmap",
	"CREATE INDEX t1_c_bm ON t1 (c) USING bitmap",
	"CREATE INDEX t2_x_bm ON t2 (x) USING bitmap",
	"CREATE INDEX t3_grp_bm ON t3 (grp) USING bitmap",
}

var words = []string{"apple", "banana", "cherry", "date", "elder", "fig", "grape", "Apple", "b_x", "c%d"}

// diffData returns INSERT statements of deterministic random rows.
func diffData(seed uint64) []string {
	rng := rand.New(rand.NewPCG(seed, 7))
	val := func(nullPct int, f func() string) string {
		if rng.IntN(100) < nullPct {
			return "NULL"
		}
		return f()
	}
	intv := func(lo, hi int) func() string { return func() string { return strconv.Itoa(lo + rng.IntN(hi-lo+1)) } }
	word := func() string { return "'" + words[rng.IntN(len(words))] + "'" }
	var out []string
	for i := 1; i <= 120; i++ {
		out = append(out, fmt.Sprintf("INSERT INTO t1 VALUES (%d, %s, %s, %s, %s)", i,
			val(10, intv(-5, 20)), val(15, intv(0, 9)), val(10, word),
			val(10, func() string { return strconv.FormatFloat(float64(rng.IntN(2000)-1000)/8, 'f', -1, 64) })))
	}
	for i := 1; i <= 200; i++ {
		out = append(out, fmt.Sprintf("INSERT INTO t2 VALUES (%d, %s, %s, %s)", i,
			val(8, intv(1, 130)), val(10, intv(0, 50)), val(20, word)))
	}
	groups := []string{"'red'", "'green'", "'blue'", "'black'"}
	for i := 1; i <= 60; i++ {
		out = append(out, fmt.Sprintf("INSERT INTO t3 VALUES (%d, %s, %s)", i, groups[rng.IntN(len(groups))], val(10, intv(0, 100))))
	}
	// A tree of 40 nodes, three children each, rooted at 1.
	out = append(out, "INSERT INTO tree VALUES (1, NULL, 'root')")
	for i := 2; i <= 40; i++ {
		out = append(out, fmt.Sprintf("INSERT INTO tree VALUES (%d, %d, 'n%d')", i, (i+1)/3, i))
	}
	// A graph on 0..29: a ring with chords (cycles everywhere), and a
	// component 30..33 not reachable from the ring.
	for i := 0; i < 30; i++ {
		out = append(out, fmt.Sprintf("INSERT INTO edges VALUES (%d, %d)", i, (i+1)%30))
		if i%4 == 0 {
			out = append(out, fmt.Sprintf("INSERT INTO edges VALUES (%d, %d)", i, (i*7+3)%30))
		}
	}
	out = append(out, "INSERT INTO edges VALUES (30, 31)", "INSERT INTO edges VALUES (31, 32)",
		"INSERT INTO edges VALUES (32, 30)", "INSERT INTO edges VALUES (33, 0)")
	return out
}

// normalize renders a value so both databases' answers compare: numbers
// to 10 significant digits (integers and equal floats meet), booleans as
// numbers, NULL as NULL.
func normalize(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case bool:
		if x {
			return "1"
		}
		return "0"
	case int64:
		return normFloat(float64(x))
	case float64:
		return normFloat(x)
	case []byte:
		return "s:" + string(x)
	case string:
		return "s:" + x
	}
	return fmt.Sprint(v)
}

func normFloat(f float64) string {
	if f == 0 {
		f = 0 // -0
	}
	if math.Abs(f) < 1e-9 {
		return "0"
	}
	return strconv.FormatFloat(f, 'g', 10, 64)
}

func normalizeDatum(d types.Datum) string {
	if d.Null {
		return "NULL"
	}
	switch d.Type.Family {
	case types.Bool:
		return normalize(d.I != 0)
	case types.Int:
		return normalize(d.I)
	case types.Float:
		return normalize(d.F)
	case types.Decimal:
		f, _ := strconv.ParseFloat(d.String(), 64)
		return normalize(f)
	}
	return "s:" + d.String()
}

type diffEnv struct {
	t    *testing.T
	ours *Session
	lite *dbsql.DB
}

func newDiffEnv(t *testing.T, backend string) *diffEnv {
	t.Helper()
	db := openTestDB(t, backend)
	lite, err := dbsql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	lite.SetMaxOpenConns(1)
	t.Cleanup(func() { lite.Close() })
	env := &diffEnv{t: t, ours: Open(db).NewSession(), lite: lite}
	if _, err := lite.Exec("PRAGMA case_sensitive_like = ON"); err != nil {
		t.Fatal(err)
	}
	setup := append(append([]string(nil), diffSchema...), diffData(1)...)
	for _, q := range setup {
		if _, err := env.ours.Exec(context.Background(), q); err != nil {
			t.Fatalf("ours: %s: %v", q, err)
		}
		if _, err := lite.Exec(q); err != nil {
			t.Fatalf("sqlite: %s: %v", q, err)
		}
	}
	for _, q := range diffIndexes {
		if _, err := env.ours.Exec(context.Background(), q); err != nil {
			t.Fatalf("ours: %s: %v", q, err)
		}
	}
	return env
}

// run returns the normalized rows of a query on both databases.
func (env *diffEnv) run(q string) (ours, theirs []string, err error) {
	res, err := env.ours.Exec(context.Background(), q)
	if err != nil {
		return nil, nil, fmt.Errorf("ours: %w", err)
	}
	for _, row := range res[len(res)-1].Rows {
		parts := make([]string, len(row))
		for i, d := range row {
			parts[i] = normalizeDatum(d)
		}
		ours = append(ours, strings.Join(parts, " | "))
	}
	rows, err := env.lite.Query(q)
	if err != nil {
		return nil, nil, fmt.Errorf("sqlite: %w", err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, nil, err
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = normalize(v)
		}
		theirs = append(theirs, strings.Join(parts, " | "))
	}
	return ours, theirs, rows.Err()
}

// check compares one query; ordered compares the row order too.
func (env *diffEnv) check(q string, ordered bool) bool {
	env.t.Helper()
	ours, theirs, err := env.run(q)
	if err != nil {
		env.t.Errorf("%s\n  %v", q, err)
		return false
	}
	if !ordered {
		slices.Sort(ours)
		slices.Sort(theirs)
	}
	if !slices.Equal(ours, theirs) {
		env.t.Errorf("%s\n  ours   (%d rows): %s\n  sqlite (%d rows): %s", q, len(ours), preview(ours), len(theirs), preview(theirs))
		return false
	}
	return true
}

func preview(rows []string) string {
	if len(rows) > 8 {
		return strings.Join(rows[:8], "; ") + "; ..."
	}
	return strings.Join(rows, "; ")
}

// handQueries are written by hand, one or more per feature. A leading
// "ordered:" compares row order.
var handQueries = []string{
	// projections, expressions, literals
	"SELECT * FROM t1",
	"SELECT id, a, b FROM t1",
	"SELECT id, a + b, a - b, a * b FROM t1",
	"SELECT id, a * 2 + 1, -a, +b FROM t1",
	"SELECT id, d * 2, d + a FROM t1",
	"SELECT id, a / 3, a % 3 FROM t1 WHERE a IS NOT NULL",
	"SELECT id, b / 2.0 FROM t1",
	"SELECT 1, 'x', NULL, 2.5, 1 + 2 * 3, (1 + 2) * 3",
	"SELECT 7 / 2, 7 % 3, -7 / 2, 7.0 / 2",
	"SELECT id, c || '!' FROM t1",
	"SELECT id, c || a FROM t1",
	"SELECT id, a = b, a < b, a <> b FROM t1",
	"SELECT id, a IS NULL, c IS NOT NULL FROM t1",
	"SELECT id, NOT (a > 3) FROM t1",
	"SELECT id, a > 3 AND b < 5, a > 3 OR b < 5 FROM t1",
	// WHERE
	"SELECT id FROM t1 WHERE a > 5",
	"SELECT id FROM t1 WHERE a >= 5 AND a <= 10",
	"SELECT id FROM t1 WHERE a BETWEEN 5 AND 10",
	"SELECT id FROM t1 WHERE a NOT BETWEEN 5 AND 10",
	"SELECT id FROM t1 WHERE a = 3 OR b = 3",
	"SELECT id FROM t1 WHERE NOT (a = 3 OR b = 3)",
	"SELECT id FROM t1 WHERE a IN (1, 2, 3)",
	"SELECT id FROM t1 WHERE a NOT IN (1, 2, 3)",
	"SELECT id FROM t1 WHERE a IN (1, NULL)",
	"SELECT id FROM t1 WHERE a NOT IN (1, NULL)",
	"SELECT id FROM t1 WHERE a IS NULL",
	"SELECT id FROM t1 WHERE a IS NOT NULL AND b IS NULL",
	"SELECT id FROM t1 WHERE c = 'apple'",
	"SELECT id FROM t1 WHERE c <> 'apple'",
	"SELECT id FROM t1 WHERE c < 'c'",
	"SELECT id FROM t1 WHERE c LIKE 'a%'",
	"SELECT id FROM t1 WHERE c LIKE '%e'",
	"SELECT id FROM t1 WHERE c LIKE '%an%'",
	"SELECT id FROM t1 WHERE c LIKE '_ig'",
	"SELECT id FROM t1 WHERE c NOT LIKE 'A%'",
	"SELECT id FROM t1 WHERE d > 10.5",
	"SELECT id FROM t1 WHERE d < a",
	"SELECT id FROM t1 WHERE id = 5",
	"SELECT id FROM t1 WHERE id > 100",
	"SELECT id FROM t1 WHERE id >= 10 AND id < 20",
	"SELECT id FROM t1 WHERE id BETWEEN 50 AND 55 AND a > 0",
	"SELECT id FROM t1 WHERE id = 5 OR id = 7",
	"SELECT id FROM t1 WHERE a = 7",
	"SELECT id FROM t1 WHERE a > 100",
	"SELECT id FROM t1 WHERE 1 = 1",
	"SELECT id FROM t1 WHERE 1 = 0",
	"SELECT id FROM t1 WHERE NULL",
	"SELECT id FROM t1 WHERE a > b AND c IS NOT NULL",
	"SELECT k FROM t3 WHERE grp = 'red' AND v > 50",
	"SELECT id FROM t1 WHERE b <> 0 AND a / b > 1",
	// functions
	"SELECT id, abs(a), abs(d) FROM t1",
	"SELECT id, length(c), upper(c), lower(c) FROM t1",
	"SELECT id, substr(c, 2, 3), substr(c, 2) FROM t1",
	"SELECT id, coalesce(a, b, -1), nullif(a, b) FROM t1",
	"SELECT id, replace(c, 'a', 'A'), trim('  ' || c || '  ') FROM t1",
	"SELECT id, CASE WHEN a > 10 THEN 'big' WHEN a > 0 THEN 'small' ELSE 'none' END FROM t1",
	"SELECT id, CASE a WHEN 1 THEN 'one' WHEN 2 THEN 'two' END FROM t1",
	"SELECT id, CASE WHEN a IS NULL THEN 0 ELSE a END FROM t1",
	"SELECT id, CAST(a AS TEXT), CAST(b AS DOUBLE PRECISION) FROM t1",
	"SELECT id, CAST('12' AS INT) + a FROM t1",
	// aggregates
	"SELECT count(*) FROM t1",
	"SELECT count(a), count(c), count(*) FROM t1",
	"SELECT sum(a), min(a), max(a), avg(a) FROM t1",
	"SELECT sum(d), min(d), max(d), avg(d) FROM t1",
	"SELECT min(c), max(c) FROM t1",
	"SELECT count(DISTINCT a), count(DISTINCT c), sum(DISTINCT b) FROM t1",
	"SELECT count(*), sum(a) FROM t1 WHERE 1 = 0",
	"SELECT a, count(*) FROM t1 GROUP BY a",
	"SELECT b, sum(a), avg(d) FROM t1 GROUP BY b",
	"SELECT c, count(*), min(id), max(id) FROM t1 GROUP BY c",
	"SELECT a, b, count(*) FROM t1 GROUP BY a, b",
	"SELECT a % 3, count(*) FROM t1 WHERE a IS NOT NULL GROUP BY a % 3",
	"SELECT b, count(*) FROM t1 GROUP BY b HAVING count(*) > 10",
	"SELECT b, sum(a) FROM t1 GROUP BY b HAVING sum(a) > 50 AND b > 2",
	"SELECT grp, count(*), sum(v), avg(v) FROM t3 GROUP BY grp",
	"SELECT grp, max(v) - min(v) FROM t3 GROUP BY grp",
	"SELECT count(*) FROM t1 HAVING count(*) > 5",
	"SELECT c, count(*) FROM t1 WHERE a > 0 GROUP BY c HAVING count(*) >= 2",
	"SELECT b * 2, count(*) FROM t1 GROUP BY b * 2",
	"SELECT CASE WHEN a > 5 THEN 1 ELSE 0 END AS big, count(*) FROM t1 GROUP BY 1",
	// DISTINCT
	"SELECT DISTINCT a FROM t1",
	"SELECT DISTINCT b, c FROM t1",
	"SELECT DISTINCT grp FROM t3",
	// ORDER BY / LIMIT
	"ordered:SELECT id, a FROM t1 ORDER BY id",
	"ordered:SELECT id, a FROM t1 ORDER BY a NULLS LAST, id",
	"ordered:SELECT id, a FROM t1 ORDER BY a DESC NULLS FIRST, id DESC",
	"ordered:SELECT id, a FROM t1 ORDER BY a NULLS FIRST, id LIMIT 10",
	"ordered:SELECT id, c FROM t1 ORDER BY c NULLS LAST, id LIMIT 5 OFFSET 3",
	"ordered:SELECT id FROM t1 ORDER BY id DESC LIMIT 7",
	"ordered:SELECT id, a + b AS s FROM t1 ORDER BY s NULLS LAST, id",
	"ordered:SELECT id, a FROM t1 ORDER BY 2 NULLS LAST, 1",
	"ordered:SELECT id FROM t1 ORDER BY b NULLS LAST, d NULLS LAST, id",
	"ordered:SELECT a, count(*) FROM t1 GROUP BY a ORDER BY count(*) DESC, a NULLS LAST",
	"ordered:SELECT grp, sum(v) FROM t3 GROUP BY grp ORDER BY sum(v) DESC NULLS LAST",
	"ordered:SELECT DISTINCT b FROM t1 ORDER BY b NULLS LAST",
	"ordered:SELECT id FROM t1 WHERE a > 0 ORDER BY a * -1 NULLS LAST, id LIMIT 10",
	"SELECT id FROM t1 LIMIT 0",
	"ordered:SELECT id FROM t1 ORDER BY id LIMIT 5 OFFSET 118",
	// joins
	"SELECT t1.id, t2.id FROM t1 JOIN t2 ON t1.id = t2.t1_id",
	"SELECT t1.id, t2.id FROM t1 INNER JOIN t2 ON t2.t1_id = t1.id AND t2.x > 10",
	"SELECT t1.id, t2.id FROM t1 LEFT JOIN t2 ON t1.id = t2.t1_id",
	"SELECT t1.id, t2.id FROM t1 LEFT JOIN t2 ON t1.id = t2.t1_id AND t2.x > 25",
	"SELECT t1.id, t2.id FROM t1 LEFT JOIN t2 ON t1.id = t2.t1_id WHERE t2.id IS NULL",
	"SELECT t1.id, t2.id FROM t1 RIGHT JOIN t2 ON t1.id = t2.t1_id",
	"SELECT t1.id, t2.id FROM t1 FULL JOIN t2 ON t1.id = t2.t1_id",
	"SELECT t1.id, t2.id FROM t1 FULL OUTER JOIN t2 ON t1.id = t2.t1_id AND t1.a > 5",
	"SELECT t1.id, t3.k FROM t1 CROSS JOIN t3 WHERE t1.id < 4 AND t3.k < 4",
	"SELECT t1.id, t3.k FROM t1, t3 WHERE t1.a = t3.v",
	"SELECT t1.id, t2.id, t3.k FROM t1 JOIN t2 ON t1.id = t2.t1_id JOIN t3 ON t3.v = t2.x",
	"SELECT t1.id, t2.id, t3.k FROM t1, t2, t3 WHERE t1.id = t2.t1_id AND t2.x = t3.v AND t3.grp = 'red'",
	"SELECT t1.id, t2.id FROM t1 JOIN t2 ON t1.a < t2.x WHERE t1.id < 5 AND t2.id < 10",
	"SELECT t1.c, count(*) FROM t1 JOIN t2 ON t1.id = t2.t1_id GROUP BY t1.c",
	"SELECT t1.id, count(t2.id) FROM t1 LEFT JOIN t2 ON t1.id = t2.t1_id GROUP BY t1.id",
	"SELECT x.id, y.id FROM t1 x JOIN t1 y ON x.a = y.b WHERE x.id < y.id",
	"SELECT a.id FROM t1 a JOIN t2 b ON a.id = b.t1_id AND a.c = b.y",
	"SELECT t1.id, t2.id FROM t1 JOIN t2 ON t1.id = t2.t1_id OR t1.a = t2.x WHERE t1.id < 20",
	"SELECT t1.id, t2.id FROM t1 LEFT JOIN t2 ON t1.id = t2.t1_id LEFT JOIN t3 ON t2.x = t3.v",
	"SELECT t1.id FROM t1 JOIN t2 USING (id)",
	"SELECT * FROM t1 JOIN t2 USING (id) WHERE t1.id < 10",
	"SELECT count(*) FROM t1 a, t2 b, t3 c, t1 d WHERE a.id = b.t1_id AND b.x = c.v AND d.a = c.v AND d.id < 50",
	"SELECT a.id, b.id, c.k, d.id FROM t3 c, t1 d, t2 b, t1 a WHERE a.id = b.t1_id AND b.x = c.v AND d.b = a.b AND c.grp = 'red'",
	"SELECT c.grp, count(*) FROM t2 b JOIN t1 a ON a.id = b.t1_id JOIN t3 c ON c.v = a.a JOIN t1 e ON e.id = c.k GROUP BY c.grp",
	"SELECT a.id, c.k FROM t1 a, t3 c, t2 b WHERE a.id = b.t1_id AND a.b < c.k AND c.k < 5 AND b.x > 40",
	// subqueries
	"SELECT id FROM t1 WHERE a IN (SELECT x FROM t2)",
	"SELECT id FROM t1 WHERE a NOT IN (SELECT x FROM t2 WHERE x IS NOT NULL)",
	"SELECT id FROM t1 WHERE a NOT IN (SELECT x FROM t2)",
	"SELECT id FROM t1 WHERE a IN (SELECT v FROM t3 WHERE grp = 'red')",
	"SELECT id FROM t1 WHERE EXISTS (SELECT 1 FROM t2 WHERE t2.t1_id = t1.id)",
	"SELECT id FROM t1 WHERE NOT EXISTS (SELECT 1 FROM t2 WHERE t2.t1_id = t1.id)",
	"SELECT id FROM t1 WHERE EXISTS (SELECT 1 FROM t2 WHERE t2.t1_id = t1.id AND t2.x > t1.a)",
	"SELECT id FROM t1 WHERE EXISTS (SELECT 1 FROM t2 WHERE t2.x > 45)",
	"SELECT id, (SELECT count(*) FROM t2 WHERE t2.t1_id = t1.id) FROM t1",
	"SELECT id, (SELECT max(x) FROM t2 WHERE t2.t1_id = t1.id) FROM t1",
	"SELECT id FROM t1 WHERE a > (SELECT avg(a) FROM t1)",
	"SELECT id FROM t1 WHERE a = (SELECT max(a) FROM t1)",
	"SELECT id FROM t1 WHERE b > (SELECT avg(x) FROM t2 WHERE t2.t1_id = t1.id)",
	"SELECT grp, (SELECT count(*) FROM t1 WHERE t1.b = 3) FROM t3",
	"SELECT * FROM (SELECT id, a + b AS s FROM t1) q WHERE s > 10",
	"SELECT s, count(*) FROM (SELECT a + b AS s FROM t1) q GROUP BY s",
	"SELECT q.c, q.n FROM (SELECT c, count(*) AS n FROM t1 GROUP BY c) q WHERE q.n > 10",
	"SELECT id FROM t1 WHERE a IN (SELECT a FROM t1 WHERE b = 2) AND c IS NOT NULL",
	// CTEs
	"WITH big AS (SELECT id, a FROM t1 WHERE a > 10) SELECT count(*) FROM big",
	"WITH big AS (SELECT id, a FROM t1 WHERE a > 10), small AS (SELECT id FROM big WHERE a < 15) SELECT * FROM small",
	"WITH g AS (SELECT grp, sum(v) AS s FROM t3 GROUP BY grp) SELECT grp FROM g WHERE s > 100",
	"WITH x (n) AS (SELECT a FROM t1) SELECT n, count(*) FROM x GROUP BY n",
	"WITH j AS (SELECT t1.id, t2.x FROM t1 JOIN t2 ON t1.id = t2.t1_id) SELECT id, sum(x) FROM j GROUP BY id",
	"WITH x AS (SELECT id, a FROM t1 WHERE a > 15) SELECT p.id, q.id FROM x p JOIN x q ON p.a = q.a AND p.id < q.id",
	// set operations
	"SELECT a FROM t1 UNION SELECT x FROM t2",
	"SELECT a FROM t1 UNION ALL SELECT x FROM t2",
	"SELECT a FROM t1 INTERSECT SELECT x FROM t2",
	"SELECT a FROM t1 EXCEPT SELECT x FROM t2",
	"SELECT c FROM t1 UNION SELECT y FROM t2",
	"SELECT id, a FROM t1 WHERE a > 10 UNION SELECT id, x FROM t2 WHERE x > 40",
	"ordered:SELECT a FROM t1 UNION SELECT x FROM t2 ORDER BY 1 NULLS LAST",
	"ordered:SELECT a AS n FROM t1 UNION SELECT x FROM t2 ORDER BY n DESC NULLS LAST LIMIT 5",
	"SELECT b FROM t1 EXCEPT SELECT b FROM t1 WHERE b > 5",
	"SELECT a FROM t1 INTERSECT SELECT v FROM t3 UNION SELECT 1000",
	// window functions
	"SELECT id, row_number() OVER (ORDER BY id) FROM t1",
	"SELECT id, row_number() OVER (PARTITION BY b ORDER BY id) FROM t1",
	"SELECT id, rank() OVER (ORDER BY a NULLS LAST) FROM t1",
	"SELECT id, dense_rank() OVER (ORDER BY a NULLS LAST) FROM t1",
	"SELECT id, rank() OVER (PARTITION BY c ORDER BY a DESC NULLS LAST) FROM t1",
	"SELECT id, sum(a) OVER (PARTITION BY b) FROM t1",
	"SELECT id, sum(a) OVER (PARTITION BY b ORDER BY id) FROM t1",
	"SELECT id, count(*) OVER (PARTITION BY c) FROM t1",
	"SELECT id, avg(d) OVER (PARTITION BY b) FROM t1",
	"SELECT id, min(a) OVER (ORDER BY id), max(a) OVER (ORDER BY id) FROM t1",
	"SELECT k, grp, v, sum(v) OVER (PARTITION BY grp ORDER BY v NULLS LAST, k) FROM t3",
	"SELECT grp, sum(v), rank() OVER (ORDER BY sum(v) DESC NULLS LAST) FROM t3 GROUP BY grp",
	"ordered:SELECT id, row_number() OVER (ORDER BY a NULLS LAST, id) AS rn FROM t1 ORDER BY rn LIMIT 10",
	// misc
	"SELECT count(*) FROM t1 JOIN t2 ON t1.id = t2.t1_id WHERE t1.a > 3 AND t2.x < 30",
	"SELECT t1.b, avg(t2.x) FROM t1 JOIN t2 ON t1.id = t2.t1_id GROUP BY t1.b HAVING avg(t2.x) > 20",
	"SELECT DISTINCT t1.c FROM t1 JOIN t2 ON t1.id = t2.t1_id WHERE t2.y = 'fig'",
	"SELECT id FROM t1 WHERE c IN ('apple', 'fig') AND (a > 5 OR b IS NULL)",
	"SELECT sum(CASE WHEN a > 5 THEN 1 ELSE 0 END), sum(CASE WHEN b > 5 THEN b END) FROM t1",
	"SELECT coalesce(c, 'none'), count(*) FROM t1 GROUP BY coalesce(c, 'none')",
	"SELECT id, a FROM t1 WHERE a = (SELECT min(x) FROM t2 WHERE t2.t1_id = t1.id)",
	"SELECT upper(c) AS u, count(*) FROM t1 GROUP BY upper(c)",
	"SELECT length(c) AS l, sum(a) FROM t1 GROUP BY l",
	// recursive CTEs
	"WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 100) SELECT n FROM c",
	"WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 100) SELECT sum(n), count(*), max(n) FROM c",
	"WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT n FROM c LIMIT 10",
	"WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 50) SELECT n FROM c WHERE n % 7 = 0",
	"WITH RECURSIVE f(i, a, b) AS (SELECT 1, 0, 1 UNION ALL SELECT i + 1, b, a + b FROM f WHERE i < 40) SELECT i, a FROM f",
	"WITH RECURSIVE sub(id, depth) AS (SELECT id, 0 FROM tree WHERE id = 2 UNION ALL SELECT tree.id, sub.depth + 1 FROM tree JOIN sub ON tree.parent = sub.id) SELECT id, depth FROM sub",
	"WITH RECURSIVE up(id, parent) AS (SELECT id, parent FROM tree WHERE id = 37 UNION ALL SELECT tree.id, tree.parent FROM up JOIN tree ON tree.id = up.parent) SELECT id FROM up",
	"WITH RECURSIVE p(id, path) AS (SELECT id, name FROM tree WHERE parent IS NULL UNION ALL SELECT tree.id, p.path || '/' || tree.name FROM tree JOIN p ON tree.parent = p.id) SELECT id, path FROM p",
	"WITH RECURSIVE r(n) AS (SELECT 0 UNION SELECT edges.dst FROM edges JOIN r ON edges.src = r.n) SELECT n FROM r",
	"WITH RECURSIVE r(n) AS (SELECT 30 UNION SELECT edges.dst FROM r, edges WHERE edges.src = r.n) SELECT count(*) FROM r",
	"WITH RECURSIVE r(s, d) AS (SELECT src, dst FROM edges UNION SELECT r.s, e.dst FROM r JOIN edges e ON e.src = r.d) SELECT s, count(*) FROM r GROUP BY s",
	"WITH RECURSIVE hop(n, k) AS (SELECT 0, 0 UNION ALL SELECT e.dst, hop.k + 1 FROM hop JOIN edges e ON e.src = hop.n WHERE hop.k < 5) SELECT n, min(k), count(*) FROM hop GROUP BY n",
	"WITH RECURSIVE s(str, k) AS (SELECT 'a', 1 UNION ALL SELECT str || 'b', k + 1 FROM s WHERE k < 12) SELECT str, length(str) FROM s",
	"WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 30) SELECT c.n, t1.a, t1.c FROM c JOIN t1 ON t1.id = c.n * 3",
	"WITH RECURSIVE r(n) AS (SELECT a FROM t1 WHERE a IS NOT NULL UNION SELECT n - 1 FROM r WHERE n > -3) SELECT n FROM r",
	"WITH RECURSIVE a(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM a WHERE n < 10), b(m) AS (SELECT n * n FROM a) SELECT x.n, y.n, b.m FROM a x JOIN a y ON y.n = x.n + 1 JOIN b ON b.m = x.n * x.n",
	"WITH RECURSIVE a(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM a WHERE n < 5), z(m) AS (SELECT 10 UNION ALL SELECT m + 10 FROM z WHERE m < 40) SELECT n, m FROM a, z",
	"WITH RECURSIVE r(id, lvl) AS (SELECT id, 0 FROM t1 WHERE id <= 3 UNION ALL SELECT t2.id, r.lvl + 1 FROM r JOIN t2 ON t2.t1_id = r.id WHERE r.lvl < 3) SELECT id, lvl FROM r",
	"WITH RECURSIVE c(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM c WHERE EXISTS (SELECT 1 FROM edges WHERE edges.src = c.n AND edges.dst = c.n + 1) AND n < 40) SELECT n FROM c",
	"WITH RECURSIVE c(n, k) AS (SELECT 0, 0 UNION ALL SELECT (SELECT max(dst) FROM edges WHERE edges.src = c.n), k + 1 FROM c WHERE k < 12) SELECT n, k FROM c",
	"SELECT * FROM (SELECT id, (SELECT count(*) FROM t2 WHERE t2.t1_id = t1.id) AS n FROM t1) q WHERE n > 1",
	"SELECT id, (WITH RECURSIVE r(n) AS (SELECT 0 UNION SELECT e.dst FROM r JOIN edges e ON e.src = r.n AND e.dst <> tree.id) SELECT count(*) FROM r) FROM tree WHERE id < 12",
	"SELECT id, (WITH RECURSIVE d(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM d WHERE k < 4) SELECT sum(k) FROM d) FROM tree WHERE id < 4",
	// correlated subqueries of grouped queries
	"SELECT b, (SELECT count(*) FROM t2 WHERE t2.x = t1.b) FROM t1 GROUP BY b",
	"SELECT c, count(*), (SELECT max(x) FROM t2 WHERE t2.y = t1.c) FROM t1 GROUP BY c",
	"SELECT grp, count(*) FROM t3 GROUP BY grp HAVING max(v) > (SELECT avg(v) * 1.5 FROM t3 AS s WHERE s.grp = t3.grp)",
	"SELECT grp, sum(v) FROM t3 GROUP BY grp HAVING sum(v) > (SELECT sum(x) FROM t2 WHERE t2.y IS NOT NULL AND length(t2.y) > length(t3.grp))",
	"SELECT b, EXISTS (SELECT 1 FROM t2 WHERE t2.x = t1.b * 5) FROM t1 GROUP BY b",
	"SELECT b, count(*) FROM t1 GROUP BY b HAVING b IN (SELECT x FROM t2 WHERE t2.t1_id > t1.b * 10)",
	"SELECT b, (SELECT count(*) FROM t2 WHERE t2.x > max(t1.a)) FROM t1 GROUP BY b",
	"SELECT b, sum(a), (SELECT sum(x) FROM t2 WHERE t2.x < t1.b) AS below FROM t1 GROUP BY b",
	"ordered:SELECT b, sum(a) FROM t1 GROUP BY b ORDER BY (SELECT count(*) FROM t2 WHERE t2.x < t1.b) DESC, b NULLS LAST",
	"SELECT t1.b, avg(t2.x), (SELECT count(*) FROM t3 WHERE t3.v > t1.b * 10) FROM t1 JOIN t2 ON t1.id = t2.t1_id GROUP BY t1.b",
	"SELECT (SELECT count(*) FROM t2 WHERE t2.x = t1.b) AS cnt, count(*) FROM t1 GROUP BY cnt",
	"SELECT b, (SELECT sum(x) + sum(t1.a) FROM t2 WHERE t2.t1_id = t1.b) FROM t1 GROUP BY b",
	"SELECT b, (SELECT (SELECT max(t1.a)) FROM t3 WHERE t3.k = 1) FROM t1 GROUP BY b",
	"SELECT b, (SELECT count(*) FROM (SELECT t1_id FROM t2 GROUP BY t1_id HAVING count(*) > t1.b) AS q) FROM t1 GROUP BY b",
	"SELECT b, sum(a), rank() OVER (ORDER BY (SELECT count(*) FROM t2 WHERE t2.x < t1.b) DESC, b NULLS LAST) FROM t1 GROUP BY b",
	"SELECT count(*), (SELECT count(*) FROM t2 WHERE t2.x < count(t1.id) / 4) FROM t1",
	// conformance sweep (issue #6): DISTINCT, joins, NULLs, grouping,
	// ordering, limits, subqueries with NULLs, set operations, CASE,
	// CAST, strings, arithmetic, empty aggregates, window peers
	"SELECT DISTINCT a, b FROM t1 WHERE a IS NULL OR b IS NULL",
	"ordered:SELECT DISTINCT a FROM t1 ORDER BY a DESC NULLS FIRST",
	"ordered:SELECT DISTINCT c FROM t1 ORDER BY c NULLS FIRST LIMIT 4",
	"ordered:SELECT DISTINCT a % 4 AS m FROM t1 ORDER BY m NULLS LAST",
	"SELECT DISTINCT t1.c, t2.y FROM t1 JOIN t2 ON t1.id = t2.t1_id",
	"SELECT count(*) FROM (SELECT DISTINCT a, c FROM t1) q",
	"SELECT t1.id, t2.id FROM t1 LEFT JOIN t2 ON t1.a = t2.x",
	"SELECT t1.id, t2.id FROM t1 RIGHT JOIN t2 ON t1.a = t2.x",
	"SELECT t1.id, t2.id FROM t1 FULL JOIN t2 ON t1.a = t2.x",
	"SELECT t1.id, t2.id FROM t1 FULL JOIN t2 ON t1.a = t2.x WHERE t1.id IS NULL OR t2.id IS NULL",
	"SELECT t1.id, t2.id FROM t1 LEFT JOIN t2 ON t1.id = t2.t1_id WHERE t2.x > 10 OR t2.x IS NULL",
	"SELECT t1.id, t2.id FROM t1 LEFT JOIN t2 ON t1.id = t2.t1_id AND t1.a > 5",
	"SELECT t1.id, t2.id FROM t1 RIGHT JOIN t2 ON t1.id = t2.t1_id AND t2.x > 5",
	"SELECT t1.id, t2.id FROM t1 LEFT JOIN t2 ON 1 = 0",
	"SELECT t1.id, t2.id FROM t1 FULL JOIN t2 ON 1 = 0",
	"SELECT t1.id, t3.k FROM t1 CROSS JOIN t3 WHERE t1.id < 3",
	"SELECT x.id, y.id FROM t1 x LEFT JOIN t1 y ON x.a = y.b AND y.id < 10",
	"SELECT a, x.id, y.b FROM t1 x JOIN t1 y USING (a) WHERE x.id < 10",
	"SELECT a, x.id, y.id FROM t1 x LEFT JOIN t1 y USING (a) WHERE x.id < 30",
	"SELECT a, b, x.id, y.id FROM t1 x FULL JOIN t1 y USING (a, b) WHERE x.id < 30 OR y.id < 30",
	"SELECT id, x, t1_id FROM t2 FULL JOIN t1 USING (id)",
	"SELECT * FROM t2 RIGHT JOIN t1 USING (id)",
	"SELECT a, count(*) FROM t1 x FULL JOIN t1 y USING (a) GROUP BY a",
	"SELECT t1.id, t2.id, t3.k FROM t1 LEFT JOIN t2 ON t1.id = t2.t1_id RIGHT JOIN t3 ON t3.k = t1.id",
	"SELECT t1.id, t2.id, t3.k FROM t1 FULL JOIN t2 ON t1.id = t2.t1_id FULL JOIN t3 ON t3.k = t2.x",
	"SELECT t1.id, q.n FROM t1 LEFT JOIN (SELECT t1_id, count(*) AS n FROM t2 GROUP BY t1_id) q ON q.t1_id = t1.id",
	"SELECT a, count(*) FROM t1 GROUP BY a HAVING a IS NULL",
	"SELECT c, b, count(*) FROM t1 GROUP BY c, b HAVING count(*) > 1",
	"SELECT a + b AS s, count(*) FROM t1 GROUP BY a + b HAVING a + b > 10",
	"SELECT a, count(*), count(b), sum(b) FROM t1 GROUP BY a HAVING sum(b) IS NULL",
	"SELECT b, max(c), min(c) FROM t1 GROUP BY b HAVING max(c) > 'c'",
	"SELECT b % 3, avg(a) FROM t1 GROUP BY b % 3 HAVING avg(a) > 7",
	"SELECT count(*) FROM t1 GROUP BY a",
	"SELECT b, count(*) FROM t1 WHERE a > 100 GROUP BY b",
	"ordered:SELECT id, a FROM t1 ORDER BY 2 DESC NULLS FIRST, 1 DESC",
	"ordered:SELECT id AS i, a AS z FROM t1 ORDER BY z NULLS FIRST, i",
	"ordered:SELECT id, a FROM t1 ORDER BY a + id NULLS LAST, id",
	"ordered:SELECT id FROM t1 ORDER BY id LIMIT 0 OFFSET 5",
	"ordered:SELECT id FROM t1 ORDER BY id LIMIT 10 OFFSET 200",
	"ordered:SELECT id FROM t1 ORDER BY id LIMIT 1000",
	"ordered:SELECT c, count(*) AS n FROM t1 GROUP BY c ORDER BY n DESC, c NULLS FIRST",
	"ordered:SELECT c, count(*) FROM t1 GROUP BY c ORDER BY 2 DESC, 1 NULLS FIRST",
	"ordered:SELECT id FROM t1 ORDER BY c DESC NULLS LAST, id DESC LIMIT 15",
	"ordered:SELECT id, d FROM t1 ORDER BY d NULLS FIRST, id",
	"ordered:SELECT id FROM t1 ORDER BY length(c) NULLS FIRST, c NULLS FIRST, id",
	"ordered:SELECT a FROM t1 UNION ALL SELECT x FROM t2 ORDER BY 1 NULLS FIRST LIMIT 20",
	"SELECT id FROM t1 WHERE a NOT IN (SELECT x FROM t2 WHERE x < 3)",
	"SELECT id FROM t1 WHERE a NOT IN (SELECT b FROM t1 WHERE b IS NULL)",
	"SELECT id FROM t1 WHERE a NOT IN (SELECT b FROM t1 WHERE 1 = 0)",
	"SELECT id FROM t1 WHERE a IN (SELECT b FROM t1 WHERE 1 = 0)",
	"SELECT id, a IN (1, 2, NULL), a NOT IN (1, 2, NULL) FROM t1",
	"SELECT id, a IN (SELECT x FROM t2), a NOT IN (SELECT x FROM t2) FROM t1",
	"SELECT id, a IN (SELECT x FROM t2 WHERE x IS NOT NULL) FROM t1",
	"SELECT id, EXISTS (SELECT 1 FROM t2 WHERE t2.x = t1.a) FROM t1",
	"SELECT id FROM t1 WHERE (SELECT x FROM t2 WHERE t2.id = t1.id) > 20",
	"SELECT id, (SELECT y FROM t2 WHERE t2.id = t1.a) FROM t1",
	"SELECT id FROM t1 WHERE NULL IN (SELECT x FROM t2)",
	"SELECT id FROM t1 WHERE NULL NOT IN (SELECT x FROM t2 WHERE 1 = 0)",
	"SELECT (SELECT max(x) FROM t2 WHERE 1 = 0)",
	"SELECT (SELECT x FROM t2 WHERE 1 = 0) IS NULL",
	"SELECT a FROM t1 UNION ALL SELECT a FROM t1",
	"SELECT c FROM t1 INTERSECT SELECT y FROM t2",
	"SELECT c FROM t1 EXCEPT SELECT y FROM t2 WHERE y IS NOT NULL",
	"SELECT NULL UNION SELECT NULL",
	"SELECT NULL INTERSECT SELECT NULL",
	"SELECT 1 EXCEPT SELECT NULL",
	"SELECT a FROM t1 UNION SELECT NULL",
	"SELECT a, NULL FROM t1 UNION ALL SELECT NULL, c FROM t1",
	"SELECT a, b FROM t1 UNION SELECT b, a FROM t1",
	"SELECT a, c FROM t1 INTERSECT SELECT x, y FROM t2",
	"ordered:SELECT a FROM t1 UNION ALL SELECT x FROM t2 ORDER BY a DESC NULLS LAST LIMIT 10 OFFSET 5",
	"SELECT count(*) FROM (SELECT a FROM t1 UNION SELECT x FROM t2) q",
	"SELECT id, CASE a WHEN b THEN 'eq' WHEN NULL THEN 'null' ELSE 'ne' END FROM t1",
	"SELECT id, CASE WHEN a IS NULL THEN NULL WHEN a > 5 THEN a ELSE -a END FROM t1",
	"SELECT id, CASE c WHEN 'apple' THEN 1 WHEN 'fig' THEN 2 ELSE 0 END FROM t1",
	"SELECT id, CASE WHEN b = 0 THEN 0 ELSE a / b END FROM t1",
	"SELECT CAST('  12' AS INT)",
	"SELECT CAST(a AS DOUBLE PRECISION) / 2 FROM t1",
	"SELECT CAST(1 AS TEXT) || CAST(2 AS TEXT)",
	"SELECT CAST('1.5' AS DOUBLE PRECISION) * 2",
	"SELECT coalesce(NULL, NULL, 3), coalesce(c, y) FROM t1 JOIN t2 ON t1.id = t2.id",
	"SELECT nullif(a, 3), nullif(c, 'apple'), nullif(NULL, 1) FROM t1",
	"SELECT lower('ABC'), upper('abc'), length(''), length('h\u00e9llo')",
	"SELECT substr('hello', 3, 100), substr('hello', 6), substring('hello', 2, 3)",
	"SELECT trim('  x  '), ltrim('  x  '), rtrim('  x  ')",
	"SELECT replace('aaa', 'a', 'bb'), replace('abc', 'z', 'x')",
	"SELECT 'a' || NULL, NULL || 'b', 'a' || 1 || 'b'",
	"SELECT id FROM t1 WHERE c LIKE 'c%%d'",
	"SELECT id FROM t1 WHERE c LIKE '____'",
	"SELECT id FROM t1 WHERE c LIKE '%'",
	"SELECT id FROM t1 WHERE c NOT LIKE '%a%'",
	"SELECT id FROM t1 WHERE c LIKE 'b_x'",
	"SELECT 7 / 2, -7 / 2, 7 / -2, -7 / -2",
	"SELECT 7 % 3, -7 % 3, 7 % -3, -7 % -3",
	"SELECT 1 + 2.5, 3 * 0.5, 10 - 0.25",
	"SELECT 2147483647 + 1",
	"SELECT id, a * d, a - d FROM t1",
	"SELECT id, d / 4 FROM t1",
	"SELECT abs(-5), abs(-2.5)",
	"SELECT count(*), sum(a), avg(a), min(a), max(a), count(a) FROM t1 WHERE id < 0",
	"SELECT count(DISTINCT a), sum(DISTINCT a) FROM t1 WHERE id < 0",
	"SELECT b, count(DISTINCT a), count(DISTINCT c) FROM t1 GROUP BY b",
	"SELECT count(DISTINCT a + b) FROM t1",
	"SELECT sum(a) FROM t1 WHERE a IS NULL",
	"SELECT max(c), min(d) FROM t1 WHERE 1 = 0",
	"SELECT b, sum(a) FROM t1 WHERE 1 = 0 GROUP BY b",
	"SELECT avg(b), sum(b), count(b) FROM t1",
	"SELECT id, a, rank() OVER (ORDER BY a NULLS FIRST), dense_rank() OVER (ORDER BY a NULLS FIRST), row_number() OVER (ORDER BY a NULLS FIRST, id) FROM t1",
	"SELECT id, sum(a) OVER (ORDER BY b NULLS LAST) FROM t1",
	"SELECT id, count(*) OVER (ORDER BY b NULLS FIRST), count(b) OVER (ORDER BY b NULLS FIRST) FROM t1",
	"SELECT id, avg(a) OVER (PARTITION BY c ORDER BY b NULLS LAST) FROM t1",
	"SELECT id, min(d) OVER (PARTITION BY b ORDER BY a DESC NULLS LAST), max(d) OVER (PARTITION BY b ORDER BY a DESC NULLS LAST) FROM t1",
	"SELECT id, sum(a) OVER (), count(*) OVER () FROM t1",
	"SELECT id, sum(a) OVER (PARTITION BY a) FROM t1",
	"SELECT id, rank() OVER (PARTITION BY b ORDER BY c NULLS LAST), dense_rank() OVER (PARTITION BY b ORDER BY c NULLS LAST) FROM t1",
	"ordered:SELECT id, rank() OVER (ORDER BY a DESC NULLS LAST) AS r FROM t1 ORDER BY r, id LIMIT 10",
	"SELECT * FROM (SELECT id, row_number() OVER (PARTITION BY c ORDER BY id) AS rn FROM t1) q WHERE rn = 1",
	"SELECT id, sum(a) OVER (PARTITION BY b ORDER BY a NULLS LAST, id DESC) FROM t1",
	"SELECT id FROM t1 WHERE c LIKE 'b\\_x' ESCAPE '\\'",
	"SELECT id FROM t1 WHERE c LIKE 'b!_x' ESCAPE '!'",
	"SELECT id FROM t1 WHERE c LIKE 'c!%d' ESCAPE '!'",
	"SELECT id FROM t1 WHERE c NOT LIKE '%!%%' ESCAPE '!'",
	"SELECT 'a%c' LIKE 'a\\%c' ESCAPE '\\', 'abc' LIKE 'a\\%c' ESCAPE '\\', NULL LIKE 'a'",
	"SELECT id, a IS DISTINCT FROM b, a IS NOT DISTINCT FROM b FROM t1",
	"SELECT id FROM t1 WHERE c IS DISTINCT FROM 'apple'",
	"SELECT id FROM t1 WHERE a IS NOT DISTINCT FROM NULL",
	"SELECT t1.id, t2.id FROM t1 JOIN t2 ON t1.a IS NOT DISTINCT FROM t2.x WHERE t1.id < 20",
	"SELECT id, trim(c), ltrim(c, 'a'), rtrim(c, 'e') FROM t1",
	"SELECT trim('  a  '), ltrim('xxa', 'x'), rtrim('axx', 'x'), trim('xxaxx', 'x')",
	"SELECT id, replace(c, 'p', ''), upper(c) || lower(c) FROM t1",
	"SELECT id, substr(c, 2, 2), substring(c, 3) FROM t1",
	"SELECT id, a, x FROM t1 NATURAL JOIN t2",
	"SELECT id, a, x FROM t2 NATURAL LEFT JOIN t1",
	"SELECT count(*) FROM t1 NATURAL JOIN t3",
	"SELECT t1.id, y.id FROM t1 NATURAL JOIN (SELECT id, a FROM t1 WHERE id < 30) y",
	"SELECT id, a, b FROM t1 NATURAL JOIN (SELECT id, a, b FROM t1 WHERE b > 3) y",
	"VALUES (1, 'a'), (2, NULL), (3, 'c')",
	"SELECT column1, column2 FROM (VALUES (1, 'a'), (2, 'b')) AS v WHERE column1 > 1",
	"SELECT v.column1, t1.c FROM (VALUES (1), (2), (3)) v JOIN t1 ON t1.id = v.column1",
	"SELECT id FROM t1 WHERE a IN (VALUES (1), (2))",
	"SELECT c, sum(a) FILTER (WHERE b > 3), count(*) FILTER (WHERE a > 5), count(*) FROM t1 GROUP BY c",
	"SELECT count(*) FILTER (WHERE a > 5), avg(d) FILTER (WHERE c LIKE 'a%'), count(DISTINCT b) FILTER (WHERE a < 10) FROM t1",
	"SELECT id, sum(a) FILTER (WHERE b > 3) OVER (PARTITION BY c ORDER BY id) FROM t1",
	// window frames
	"SELECT id, sum(a) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM t1",
	"SELECT id, sum(a) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM t1",
	"SELECT id, sum(a) OVER (ORDER BY a NULLS LAST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM t1",
	"SELECT id, count(*) OVER (PARTITION BY b ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW), avg(d) OVER (PARTITION BY b ORDER BY id ROWS 3 PRECEDING) FROM t1",
	"SELECT id, max(a) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING), min(a) OVER (ORDER BY id ROWS BETWEEN 3 FOLLOWING AND 5 FOLLOWING) FROM t1",
	"SELECT id, sum(a) OVER (PARTITION BY c ORDER BY b NULLS FIRST RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) FROM t1",
	"SELECT id, last_value(a) OVER (PARTITION BY b ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING), first_value(a) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND 1 PRECEDING) FROM t1",
	"SELECT id, nth_value(a, 2) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM t1",
	"SELECT id, sum(a) OVER (ORDER BY id ROWS BETWEEN 5 PRECEDING AND 3 PRECEDING) FROM t1",
	"SELECT id, count(a) OVER (ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM t1",
	"SELECT id, rank() OVER (ORDER BY a NULLS LAST ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING), percent_rank() OVER (PARTITION BY b ORDER BY c NULLS LAST) FROM t1",
	"SELECT id, row_number() OVER w, rank() OVER w, sum(a) OVER w FROM t1 WINDOW w AS (PARTITION BY b ORDER BY id)",
	"SELECT id, count(*) OVER w1, max(a) OVER w2 FROM t1 WINDOW w1 AS (ORDER BY c NULLS FIRST), w2 AS (PARTITION BY c ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING)",
	// window functions by position, aggregates in window arguments
	"SELECT id, lag(a) OVER (ORDER BY id), lead(a) OVER (ORDER BY id) FROM t1",
	"SELECT id, lag(a, 2, 0) OVER (ORDER BY id), lead(c, 3, 'none') OVER (PARTITION BY b ORDER BY id) FROM t1",
	"SELECT id, first_value(a) OVER (PARTITION BY b ORDER BY id), last_value(a) OVER (PARTITION BY b ORDER BY id) FROM t1",
	"SELECT id, first_value(d) OVER (PARTITION BY b ORDER BY a NULLS FIRST, id), last_value(d) OVER (PARTITION BY b ORDER BY a NULLS LAST) FROM t1",
	"SELECT id, last_value(id) OVER (PARTITION BY c) FROM t1 WHERE c IS NULL",
	"SELECT id, ntile(4) OVER (ORDER BY id), ntile(7) OVER (PARTITION BY b ORDER BY id), ntile(200) OVER (ORDER BY id) FROM t1",
	"SELECT id, percent_rank() OVER (ORDER BY a NULLS LAST), cume_dist() OVER (ORDER BY a NULLS LAST) FROM t1",
	"SELECT id, percent_rank() OVER (PARTITION BY c ORDER BY b NULLS FIRST), cume_dist() OVER (PARTITION BY c ORDER BY b NULLS FIRST) FROM t1",
	"SELECT id, percent_rank() OVER (), cume_dist() OVER () FROM t1",
	"SELECT id, nth_value(a, 2) OVER (ORDER BY id), nth_value(a, 3) OVER (PARTITION BY b ORDER BY a NULLS LAST) FROM t1",
	"SELECT b, count(*), sum(count(*)) OVER (ORDER BY b NULLS LAST), rank() OVER (ORDER BY count(*) DESC) FROM t1 GROUP BY b",
	"SELECT c, sum(a), lag(sum(a)) OVER (ORDER BY c NULLS FIRST) FROM t1 GROUP BY c",
	"SELECT grp, avg(v), max(sum(v)) OVER () FROM t3 GROUP BY grp",
	"SELECT id, lag(a) OVER (ORDER BY id), lag(a, 2) OVER (ORDER BY id) FROM t1",
	// CTE scope: a CTE referenced from a subquery, a nested WITH
	"WITH w AS (SELECT v FROM t3 WHERE grp = 'red') SELECT id, (SELECT count(*) FROM w WHERE w.v > t1.a) FROM t1",
	"WITH w AS (SELECT t1_id FROM t2 WHERE x > 40) SELECT id FROM t1 WHERE EXISTS (SELECT 1 FROM w WHERE w.t1_id = t1.id)",
	"SELECT id, (WITH w AS (SELECT v FROM t3 WHERE v < t1.a) SELECT count(*) FROM w) FROM t1",
	"WITH w AS (SELECT k FROM t3), x AS (SELECT count(*) AS n FROM w) SELECT (SELECT n FROM x) FROM t1 WHERE id < 4",
}

func TestDifferentialSQLite(t *testing.T) {
	env := newDiffEnv(t, "memory")
	failed := env.checkAll(handQueries)
	t.Logf("%d hand-written queries, %d differ", len(handQueries), failed)
}

// checkAll checks each query ("ordered:" first when the order counts)
// and returns how many differ.
func (env *diffEnv) checkAll(queries []string) int {
	failed := 0
	for _, q := range queries {
		ordered := strings.HasPrefix(q, "ordered:")
		if !env.check(strings.TrimPrefix(q, "ordered:"), ordered) {
			failed++
		}
	}
	return failed
}

// TestDifferentialRandom runs generated queries (AEGIS_DIFF_QUERIES sets
// how many; default 400).
func TestDifferentialRandom(t *testing.T) {
	n, seed := randomRun(t, 400)
	env := newDiffEnv(t, "memory")
	g := &queryGen{rng: rand.New(rand.NewPCG(seed, 3))}
	failed := 0
	for i := 0; i < n; i++ {
		q, ordered := g.query()
		if !env.check(q, ordered) {
			failed++
			if failed > 20 {
				t.Fatal("too many differences; stopping")
			}
		}
	}
	t.Logf("%d generated queries, %d differ", n, failed)
}

// randomRun returns how many generated queries to run (AEGIS_DIFF_QUERIES,
// else def) and the seed (AEGIS_SEED, else random), logged for replay.
func randomRun(t *testing.T, def int) (n int, seed uint64) {
	n = def
	if s := os.Getenv("AEGIS_DIFF_QUERIES"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	seed = uint64(rand.Int64())
	if s := os.Getenv("AEGIS_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (replay with AEGIS_SEED=%d)", seed, seed)
	return n, seed
}

// queryGen generates queries over the diff schema.
type queryGen struct{ rng *rand.Rand }

type genTable struct {
	name string
	ints []string
	text []string
	key  string
}

var genTables = []genTable{
	{"t1", []string{"id", "a", "b"}, []string{"c"}, "id"},
	{"t2", []string{"id", "t1_id", "x"}, []string{"y"}, "id"},
	{"t3", []string{"k", "v"}, []string{"grp"}, "k"},
}

func (g *queryGen) pick(xs []string) string { return xs[g.rng.IntN(len(xs))] }

func (g *queryGen) intExpr(alias string, t genTable, depth int) string {
	col := alias + "." + g.pick(t.ints)
	if depth <= 0 {
		return col
	}
	switch g.rng.IntN(6) {
	case 0:
		return fmt.Sprintf("(%s + %s)", col, g.intExpr(alias, t, depth-1))
	case 1:
		return fmt.Sprintf("(%s - %d)", col, g.rng.IntN(10))
	case 2:
		return fmt.Sprintf("(%s * %d)", col, g.rng.IntN(5))
	case 3:
		return fmt.Sprintf("coalesce(%s, %d)", col, g.rng.IntN(10))
	case 4:
		return fmt.Sprintf("CASE WHEN %s THEN %s ELSE %d END", g.pred(alias, t, 0), col, g.rng.IntN(10))
	}
	return fmt.Sprintf("abs(%s)", col)
}

func (g *queryGen) pred(alias string, t genTable, depth int) string {
	if depth > 0 && g.rng.IntN(3) == 0 {
		op := g.pick([]string{"AND", "OR"})
		p := fmt.Sprintf("(%s %s %s)", g.pred(alias, t, depth-1), op, g.pred(alias, t, depth-1))
		if g.rng.IntN(4) == 0 {
			p = "NOT " + p
		}
		return p
	}
	switch g.rng.IntN(8) {
	case 0:
		return fmt.Sprintf("%s.%s IS NULL", alias, g.pick(append(t.ints, t.text...)))
	case 1:
		return fmt.Sprintf("%s.%s IN (%d, %d, %d)", alias, g.pick(t.ints), g.rng.IntN(20), g.rng.IntN(20), g.rng.IntN(20))
	case 2:
		lo := g.rng.IntN(20)
		return fmt.Sprintf("%s.%s BETWEEN %d AND %d", alias, g.pick(t.ints), lo, lo+g.rng.IntN(20))
	case 3:
		return fmt.Sprintf("%s.%s LIKE '%s%%'", alias, g.pick(t.text), g.pick([]string{"a", "b", "c", "g", "r", "A"}))
	case 4:
		return fmt.Sprintf("%s.%s %s '%s'", alias, g.pick(t.text), g.pick([]string{"=", "<>", "<", ">="}), g.pick(append(words, "red", "blue")))
	}
	return fmt.Sprintf("%s %s %d", g.intExpr(alias, t, 1), g.pick([]string{"=", "<>", "<", "<=", ">", ">="}), g.rng.IntN(30)-5)
}

// query returns a generated query and whether its order is fixed.
func (g *queryGen) query() (string, bool) {
	t := genTables[g.rng.IntN(len(genTables))]
	switch g.rng.IntN(7) {
	case 0: // plain filter + projection
		return fmt.Sprintf("SELECT %s.%s, %s FROM %s WHERE %s", t.name, t.key, g.intExpr(t.name, t, 2), t.name, g.pred(t.name, t, 2)), false
	case 1: // aggregation
		gcol := g.pick(append(t.ints[1:], t.text...))
		having := ""
		if g.rng.IntN(2) == 0 {
			having = fmt.Sprintf(" HAVING count(*) > %d", g.rng.IntN(5))
		}
		return fmt.Sprintf("SELECT %s, count(*), sum(%s), min(%s), max(%s) FROM %s WHERE %s GROUP BY %s%s",
			gcol, g.intExpr(t.name, t, 1), g.pick(t.ints), g.pick(t.ints), t.name, g.pred(t.name, t, 1), gcol, having), false
	case 2: // ordered with limit: order by the key last so the order is total
		return fmt.Sprintf("SELECT %s, %s FROM %s WHERE %s ORDER BY %s %s NULLS %s, %s LIMIT %d",
			t.key, g.pick(t.ints), t.name, g.pred(t.name, t, 1), g.intExpr(t.name, t, 1), g.pick([]string{"ASC", "DESC"}),
			g.pick([]string{"FIRST", "LAST"}), t.key, 1+g.rng.IntN(20)), true
	case 3: // join
		kind := g.pick([]string{"JOIN", "LEFT JOIN", "JOIN", "RIGHT JOIN", "FULL JOIN"})
		return fmt.Sprintf("SELECT t1.id, t2.id, t2.x FROM t1 %s t2 ON t1.id = t2.t1_id AND %s WHERE %s",
			kind, g.pred("t2", genTables[1], 0), g.pred("t1", genTables[0], 1)), false
	case 4: // subquery
		sub := g.pick([]string{
			"t1.a IN (SELECT x FROM t2 WHERE %s)",
			"EXISTS (SELECT 1 FROM t2 WHERE t2.t1_id = t1.id AND %s)",
			"NOT EXISTS (SELECT 1 FROM t2 WHERE t2.t1_id = t1.id AND %s)",
			"t1.b < (SELECT count(*) FROM t2 WHERE t2.t1_id = t1.id AND %s)",
		})
		return fmt.Sprintf("SELECT t1.id, t1.a FROM t1 WHERE "+sub+" AND %s", g.pred("t2", genTables[1], 1), g.pred("t1", genTables[0], 0)), false
	case 5: // set operation
		op := g.pick([]string{"UNION", "UNION ALL", "INTERSECT", "EXCEPT"})
		return fmt.Sprintf("SELECT %s FROM t1 WHERE %s %s SELECT x FROM t2 WHERE %s", g.pick(genTables[0].ints), g.pred("t1", genTables[0], 1), op, g.pred("t2", genTables[1], 1)), false
	}
	// window function
	part := g.pick(append(t.ints[1:], t.text...))
	fn := g.pick([]string{"row_number()", "rank()", "dense_rank()", "sum(%s)", "count(*)", "min(%s)", "max(%s)"})
	if strings.Contains(fn, "%s") {
		fn = fmt.Sprintf(fn, g.pick(t.ints))
	}
	return fmt.Sprintf("SELECT %s, %s OVER (PARTITION BY %s ORDER BY %s) FROM %s WHERE %s", t.key, fn, part, t.key, t.name, g.pred(t.name, t, 1)), false
}
