package sql

import (
	"context"
	"errors"
	"testing"

	"github.com/aegisdb/aegis/optimizer"
	"github.com/aegisdb/aegis/vexec"
)

// TestUpsertErrorsAndParams checks what the golden file cannot: the error
// kinds ON CONFLICT reports (the server maps them to client statuses) and
// parameters in DO UPDATE.
func TestUpsertErrorsAndParams(t *testing.T) {
	s := Open(openTestDB(t, "memory")).NewSession()
	ctx := context.Background()
	if _, err := s.Exec(ctx, "CREATE TABLE kv (k INT PRIMARY KEY, v INT); INSERT INTO kv VALUES (1, 10)"); err != nil {
		t.Fatal(err)
	}
	_, err := s.Exec(ctx, "INSERT INTO kv VALUES (2, 0), (2, 1) ON CONFLICT (k) DO UPDATE SET v = excluded.v")
	if !errors.Is(err, vexec.ErrUpdateTwice) || !errors.Is(err, vexec.ErrExec) {
		t.Errorf("row updated twice: got %v", err)
	}
	_, err = s.Exec(ctx, "INSERT INTO kv VALUES (1, 0) ON CONFLICT (v) DO NOTHING")
	if !errors.Is(err, optimizer.ErrBind) {
		t.Errorf("no arbiter: got %v", err)
	}
	res, err := s.Exec(ctx, "INSERT INTO kv VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET v = kv.v + $2 WHERE kv.v < $3 RETURNING v", 1, 5, 100)
	if err != nil {
		t.Fatal(err)
	}
	if r := res[0]; r.RowsAffected != 1 || len(r.Rows) != 1 || r.Rows[0][0].I != 15 {
		t.Errorf("upsert with parameters: %d rows affected, rows %v", r.RowsAffected, r.Rows)
	}
	res, err = s.Exec(ctx, "SELECT count(*) FROM kv")
	if err != nil || res[0].Rows[0][0].I != 1 {
		t.Errorf("the failed upsert left rows behind: %v %v", res, err)
	}
}
