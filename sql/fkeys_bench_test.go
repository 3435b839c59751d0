package sql

import (
	"context"
	dbsql "database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aegisdb/aegis/mvcc"
)

// BenchmarkForeignKeyInsert inserts 100 child rows per autocommitted
// statement into a table whose parent column REFERENCES a 1,000-row
// parent (fk=on) and into the same table without the constraint
// (fk=off), in AegisDB and in SQLite with PRAGMA foreign_keys on and off:
//
//	go test ./sql -run '^$' -bench ForeignKeyInsert -benchtime 200x
func BenchmarkForeignKeyInsert(b *testing.B) {
	const parents, batch = 1000, 100
	ctx := context.Background()
	setup := []string{"CREATE TABLE p (id INT PRIMARY KEY, name TEXT)"}
	var sb strings.Builder
	sb.WriteString("INSERT INTO p VALUES ")
	for i := 0; i < parents; i++ {
		if i > 0 {
			sb.WriteString(", ")
		}
		fmt.Fprintf(&sb, "(%d, 'p%d')", i, i)
	}
	setup = append(setup, sb.String())
	// Parameters keep the statement text fixed, so it is parsed once.
	stmt := func(mark func(int) string) string {
		var sb strings.Builder
		sb.WriteString("INSERT INTO c VALUES ")
		for r := 0; r < batch; r++ {
			if r > 0 {
				sb.WriteString(", ")
			}
			fmt.Fprintf(&sb, "(%s, %s)", mark(2*r+1), mark(2*r+2))
		}
		return sb.String()
	}
	args := func(next *int) []any {
		out := make([]any, 0, 2*batch)
		for r := 0; r < batch; r++ {
			*next++
			out = append(out, *next, (*next*7)%parents)
		}
		return out
	}
	for _, fk := range []bool{false, true} {
		child := "CREATE TABLE c (id INT PRIMARY KEY, pid INT)"
		if fk {
			child = "CREATE TABLE c (id INT PRIMARY KEY, pid INT REFERENCES p(id))"
		}
		b.Run(fmt.Sprintf("engine=aegis/fk=%v", onOff(fk)), func(b *testing.B) {
			s := Open(openTestDB(b, "memory")).NewSession()
			if _, err := s.Exec(ctx, strings.Join(append(setup, child), ";\n")); err != nil {
				b.Fatal(err)
			}
			q, next := stmt(func(n int) string { return "$" + strconv.Itoa(n) }), 0
			b.ResetTimer()
			reportCPU(b, func(int) {
				if _, err := s.Exec(ctx, q, args(&next)...); err != nil {
					b.Fatal(err)
				}
			})
			b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
		b.Run(fmt.Sprintf("engine=sqlite/fk=%v", onOff(fk)), func(b *testing.B) {
			lite, err := dbsql.Open("sqlite", ":memory:")
			if err != nil {
				b.Fatal(err)
			}
			defer lite.Close()
			lite.SetMaxOpenConns(1) // one connection: the PRAGMA and the tables stay with it
			for _, q := range append([]string{"PRAGMA foreign_keys = " + onOff(fk)}, append(setup, child)...) {
				if _, err := lite.Exec(q); err != nil {
					b.Fatal(err)
				}
			}
			st, err := lite.Prepare(stmt(func(int) string { return "?" }))
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			next := 0
			b.ResetTimer()
			reportCPU(b, func(int) {
				if _, err := st.Exec(args(&next)...); err != nil {
					b.Fatal(err)
				}
			})
			b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

// BenchmarkForeignKeyHotParent: 8 sessions at once insert rows that all
// reference one parent row, autocommitted. Every insert writes the
// parent value's lock key, so some lose a write-write race; the session
// retries, and a statement fails only when five attempts lose.
// Reports conflicts and failed statements per statement:
//
//	go test ./sql -run '^$' -bench ForeignKeyHotParent -benchtime 1600x -count 3
func BenchmarkForeignKeyHotParent(b *testing.B) {
	ctx := context.Background()
	db := openTestDB(b, "memory")
	eng := Open(db)
	if _, err := eng.NewSession().Exec(ctx, `CREATE TABLE p (id INT PRIMARY KEY);
		CREATE TABLE c (id SERIAL PRIMARY KEY, pid INT REFERENCES p);
		INSERT INTO p VALUES (1)`); err != nil {
		b.Fatal(err)
	}
	before := db.Metrics().Aborts.WriteWrite
	var failed atomic.Int64
	b.SetParallelism(4) // 4 x GOMAXPROCS (2 here) = 8 sessions
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		s := eng.NewSession()
		for pb.Next() {
			if _, err := s.Exec(ctx, `INSERT INTO c (pid) VALUES (1)`); err != nil {
				if !errors.Is(err, mvcc.ErrConflict) {
					b.Error(err)
					return
				}
				failed.Add(1)
			}
		}
	})
	b.ReportMetric(float64(db.Metrics().Aborts.WriteWrite-before)/float64(b.N), "conflicts/stmt")
	b.ReportMetric(float64(failed.Load())/float64(b.N), "failed/stmt")
}

// BenchmarkForeignKeyDelete deletes 100 unreferenced parent rows per
// statement (inserting them again, untimed, before each), with and
// without a table whose indexed column REFERENCES them: the cost of the
// parent side, a point read (was the value put back?), one seek into the
// child index and one lock-key tombstone per deleted row. cpu-ms/op
// includes the untimed re-insert; compare ns/op.
//
//	go test ./sql -run '^$' -bench ForeignKeyDelete -benchtime 300x -count 3
func BenchmarkForeignKeyDelete(b *testing.B) {
	ctx := context.Background()
	var sb strings.Builder
	sb.WriteString("INSERT INTO p VALUES ")
	for i := 0; i < 100; i++ {
		if i > 0 {
			sb.WriteString(", ")
		}
		fmt.Fprintf(&sb, "(%d)", i)
	}
	fill := sb.String()
	for _, fk := range []bool{false, true} {
		b.Run("fk="+onOff(fk), func(b *testing.B) {
			child := "CREATE TABLE c (id INT PRIMARY KEY, pid INT)"
			if fk {
				child = "CREATE TABLE c (id INT PRIMARY KEY, pid INT REFERENCES p)"
			}
			s := Open(openTestDB(b, "memory")).NewSession()
			if _, err := s.Exec(ctx, "CREATE TABLE p (id INT PRIMARY KEY);"+child+";CREATE INDEX c_pid ON c (pid)"); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			reportCPU(b, func(int) {
				b.StopTimer()
				if _, err := s.Exec(ctx, fill); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if _, err := s.Exec(ctx, "DELETE FROM p"); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}
