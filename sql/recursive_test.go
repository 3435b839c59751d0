package sql

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aegisdb/aegis/mvcc"
	"github.com/aegisdb/aegis/optimizer"
	"github.com/aegisdb/aegis/parser"
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

// TestRecursionCap runs recursive plans under Context.MaxRecursionRows:
// the cap counts every row the CTE produces, and a plan runs the same
// twice (the operators reopen cleanly).
func TestRecursionCap(t *testing.T) {
	eng := Open(openTestDB(t, "memory"))
	s := eng.NewSession()
	txn, err := eng.db.Begin(mvcc.TxnOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer txn.Rollback()
	run := func(q string, limit int64) (int, error) {
		st, err := parser.Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		plan, err := s.plan(txn, st, nil)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for range 2 {
			rows, err := vexec.Run(&vexec.Context{Txn: txn, Catalog: eng.cat, MaxRecursionRows: limit}, plan)
			if err != nil {
				return 0, err
			}
			if n != 0 && len(rows) != n {
				t.Fatalf("%s: %d rows, then %d", q, n, len(rows))
			}
			n = len(rows)
		}
		return n, nil
	}
	const upTo50 = "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 50) SELECT n FROM c"
	if n, err := run(upTo50, 50); err != nil || n != 50 {
		t.Fatalf("50 rows under a cap of 50: got %d, %v", n, err)
	}
	if _, err := run(upTo50, 49); !errors.Is(err, vexec.ErrRecursionLimit) || !strings.Contains(err.Error(), `"c" produced more than 49 rows`) {
		t.Fatalf("50 rows under a cap of 49: got %v", err)
	}
	const endless = "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT n FROM c"
	if _, err := run(endless, 1000); !errors.Is(err, vexec.ErrRecursionLimit) {
		t.Fatalf("endless recursion: got %v", err)
	}
	if n, err := run(endless+" LIMIT 7", 1000); err != nil || n != 7 {
		t.Fatalf("endless recursion under LIMIT 7: got %d, %v", n, err)
	}
}
