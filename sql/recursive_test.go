package sql

import (
	"context"
	"errors"
	"testing"

	"github.com/aegisdb/aegis/optimizer"
	"github.com/aegisdb/aegis/vexec"
)

// TestRecursiveErrors checks that the refusals of WITH RECURSIVE and of
// grouped correlated subqueries carry the sentinel the server maps to a
// 4xx status (the golden file "recursive" holds their messages).
func TestRecursiveErrors(t *testing.T) {
	s := Open(openTestDB(t, "memory")).NewSession()
	ctx := context.Background()
	if _, err := s.Exec(ctx, `CREATE TABLE e (src INT, dst INT);
INSERT INTO e VALUES (1, 2), (2, 1), (2, 3);
CREATE TABLE g (grp INT, v INT)`); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, q string
		want    error
	}{
		{"no non-recursive term", "WITH RECURSIVE c(n) AS (SELECT n FROM c) SELECT * FROM c", optimizer.ErrBind},
		{"self-reference in subquery", "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n FROM c WHERE n IN (SELECT n FROM c)) SELECT * FROM c", optimizer.ErrBind},
		{"self-reference in aggregate", "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT max(n) FROM c) SELECT * FROM c", optimizer.ErrBind},
		{"outer join", "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT c.n FROM e FULL JOIN c ON c.n = e.src) SELECT * FROM c", optimizer.ErrBind},
		{"type", "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n || 'x' FROM c) SELECT * FROM c", optimizer.ErrBind},
		{"order by", "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n FROM c ORDER BY 1) SELECT * FROM c", optimizer.ErrUnsupported},
		{"mutual", "WITH RECURSIVE a(n) AS (SELECT 1 UNION ALL SELECT n FROM b), b(n) AS (SELECT n FROM a) SELECT * FROM a", optimizer.ErrUnsupported},
		{"runaway", "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT c.n + 1 FROM c, e) SELECT count(*) FROM c", vexec.ErrRecursionLimit},
		{"runaway is an execution error", "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT c.n + 1 FROM c, e) SELECT count(*) FROM c", vexec.ErrExec},
		{"ungrouped column", "SELECT grp, (SELECT count(*) FROM e WHERE e.src = g.v) FROM g GROUP BY grp", optimizer.ErrBind},
		{"outer aggregate in WHERE", "SELECT grp FROM g WHERE v > (SELECT max(g.v) FROM e)", optimizer.ErrBind},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.Exec(ctx, c.q)
			if !errors.Is(err, c.want) {
				t.Fatalf("%s\n  got %v, want an error matching %v", c.q, err, c.want)
			}
		})
	}
	// A cycle under UNION ends; under UNION ALL with a stop it ends too.
	for _, q := range []string{
		"WITH RECURSIVE r(n) AS (SELECT 1 UNION SELECT e.dst FROM r JOIN e ON e.src = r.n) SELECT count(*) FROM r",
		"WITH RECURSIVE r(n, k) AS (SELECT 1, 0 UNION ALL SELECT e.dst, k + 1 FROM r JOIN e ON e.src = r.n WHERE k < 10) SELECT count(*) FROM r",
	} {
		if _, err := s.Exec(ctx, q); err != nil {
			t.Errorf("%s: %v", q, err)
		}
	}
}
