package sql

// WITH RECURSIVE against SQLite, both in memory, on a generated graph
// (10,000 nodes, 3 out-edges each):
//
//	go test ./sql -run '^$' -bench Recursive -benchtime 20x
//
// count_1e4 measures the cost of an iteration (one row each), reach_union
// a graph walk that joins the working table with the edges and drops
// repeats across iterations.

import (
	"context"
	dbsql "database/sql"
	"fmt"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

var recursiveBenchQueries = []struct{ name, sql string }{
	{"count_1e4", "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 10000) SELECT count(*), sum(n) FROM c"},
	{"reach_union", "WITH RECURSIVE r(n) AS (SELECT 0 UNION SELECT g.dst FROM r JOIN g ON g.src = r.n) SELECT count(*) FROM r"},
	{"tree_depth", "WITH RECURSIVE t(n, d) AS (SELECT 0, 0 UNION ALL SELECT g.dst, t.d + 1 FROM t JOIN g ON g.src = t.n WHERE g.dst > t.n AND t.d < 6) SELECT count(*), max(d) FROM t"},
}

func BenchmarkRecursive(b *testing.B) {
	ctx := context.Background()
	s := Open(openTestDB(b, "memory")).NewSession()
	lite, err := dbsql.Open("sqlite", ":memory:")
	if err != nil {
		b.Fatal(err)
	}
	defer lite.Close()
	lite.SetMaxOpenConns(1)
	const nodes = 10_000
	var ins strings.Builder
	ins.WriteString("INSERT INTO g VALUES ")
	for i := 0; i < nodes; i++ {
		for k, step := range []int{1, 7, 331} {
			if i > 0 || k > 0 {
				ins.WriteString(", ")
			}
			fmt.Fprintf(&ins, "(%d, %d)", i, (i*step+k+1)%nodes)
		}
	}
	for _, q := range []string{"CREATE TABLE g (src INT, dst INT)", ins.String()} {
		if _, err := s.Exec(ctx, q); err != nil {
			b.Fatal(err)
		}
		if _, err := lite.Exec(q); err != nil {
			b.Fatal(err)
		}
	}
	env := &diffEnv{t: &testing.T{}, ours: s, lite: lite}
	for _, q := range recursiveBenchQueries {
		// Both must compute the same answer for the figures to compare.
		if ours, theirs, err := env.run(q.sql); err != nil || strings.Join(ours, ";") != strings.Join(theirs, ";") {
			b.Fatalf("%s: ours %v, sqlite %v, %v", q.name, ours, theirs, err)
		}
		b.Run("engine=aegis/"+q.name, func(b *testing.B) {
			reportCPU(b, func(int) {
				if _, err := s.Exec(ctx, q.sql); err != nil {
					b.Fatal(err)
				}
			})
		})
		b.Run("engine=sqlite/"+q.name, func(b *testing.B) {
			reportCPU(b, func(int) {
				rows, err := lite.Query(q.sql)
				if err != nil {
					b.Fatal(err)
				}
				for rows.Next() {
				}
				rows.Close()
			})
		})
	}
}
