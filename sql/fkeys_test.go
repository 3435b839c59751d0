package sql

import (
	"context"
	"errors"
	"testing"

	"github.com/aegisdb/aegis/model/table"
	"github.com/aegisdb/aegis/mvcc"
)

func execOK(t *testing.T, s *Session, q string) {
	t.Helper()
	if _, err := s.Exec(context.Background(), q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// TestForeignKeyConcurrentSessions: one session inserts a child while
// another deletes its parent, each in an explicit transaction. Whichever
// commits second fails, so no orphan ever commits; the loser's retry
// then sees the winner's work and gets the foreign key error.
func TestForeignKeyConcurrentSessions(t *testing.T) {
	ctx := context.Background()
	for _, childFirst := range []bool{true, false} {
		eng := Open(openTestDB(t, "memory"))
		a, b := eng.NewSession(), eng.NewSession()
		execOK(t, a, `CREATE TABLE p (id INT PRIMARY KEY);
			CREATE TABLE c (id INT PRIMARY KEY, pid INT REFERENCES p);
			INSERT INTO p VALUES (1)`)
		execOK(t, a, `BEGIN; INSERT INTO c VALUES (10, 1)`)
		execOK(t, b, `BEGIN; DELETE FROM p WHERE id = 1`)
		first, second := a, b
		if !childFirst {
			first, second = b, a
		}
		execOK(t, first, `COMMIT`)
		if _, err := second.Exec(ctx, `COMMIT`); !errors.Is(err, mvcc.ErrConflict) {
			t.Fatalf("childFirst=%v: second COMMIT: %v, want a conflict", childFirst, err)
		}
		retry := `DELETE FROM p WHERE id = 1`
		if !childFirst {
			retry = `INSERT INTO c VALUES (10, 1)`
		}
		if _, err := second.Exec(ctx, retry); !errors.Is(err, table.ErrForeignKey) {
			t.Fatalf("childFirst=%v: retry: %v, want a foreign key violation", childFirst, err)
		}
		res, err := a.Exec(ctx, `SELECT count(*) FROM c WHERE pid NOT IN (SELECT id FROM p)`)
		if err != nil || res[0].Rows[0][0].I != 0 {
			t.Fatalf("orphans: %v %v", res, err)
		}
	}
}

// TestForeignKeyTxnVisibility: checks run in the statement's transaction,
// so they see its own uncommitted writes, and a failed statement aborts
// the block as any error does.
func TestForeignKeyTxnVisibility(t *testing.T) {
	ctx := context.Background()
	s := Open(openTestDB(t, "memory")).NewSession()
	execOK(t, s, `CREATE TABLE p (id INT PRIMARY KEY);
		CREATE TABLE c (id INT PRIMARY KEY, pid INT REFERENCES p)`)
	execOK(t, s, `BEGIN; INSERT INTO p VALUES (1); INSERT INTO c VALUES (1, 1); DELETE FROM c; DELETE FROM p; COMMIT`)
	_, err := s.Exec(ctx, `BEGIN; INSERT INTO p VALUES (2); DELETE FROM p; INSERT INTO c VALUES (2, 2)`)
	if !errors.Is(err, table.ErrForeignKey) {
		t.Fatalf("child of a parent deleted earlier in the transaction: %v", err)
	}
	if _, err := s.Exec(ctx, `SELECT 1`); !errors.Is(err, ErrTxnAborted) {
		t.Fatalf("after a failed statement: %v, want the block aborted", err)
	}
	execOK(t, s, `ROLLBACK`)
	res, err := s.Exec(ctx, `SELECT (SELECT count(*) FROM p) + (SELECT count(*) FROM c)`)
	if err != nil || res[0].Rows[0][0].I != 0 {
		t.Fatalf("rows after rollback: %v %v", res, err)
	}
}

// TestForeignKeyRename: a renamed referenced column keeps its foreign
// keys working (they hold IDs) and their shown text follows the name.
func TestForeignKeyRename(t *testing.T) {
	ctx := context.Background()
	eng := Open(openTestDB(t, "memory"))
	s := eng.NewSession()
	execOK(t, s, `CREATE TABLE tree (id INT PRIMARY KEY, up INT REFERENCES tree);
		ALTER TABLE tree RENAME COLUMN id TO node;
		INSERT INTO tree VALUES (1, NULL), (2, 1)`)
	info, err := eng.Table(ctx, "tree")
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Columns[1].References; got != "tree(node)" {
		t.Errorf("references shown as %q, want tree(node)", got)
	}
	if _, err := s.Exec(ctx, `DELETE FROM tree WHERE node = 1`); !errors.Is(err, table.ErrForeignKey) {
		t.Errorf("delete of a referenced row after the rename: %v", err)
	}
}
