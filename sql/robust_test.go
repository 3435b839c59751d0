package sql

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestParserCorpusRuns executes every statement of the parser's golden
// files against a small schema whose names they use. Most fail to bind
// (unknown tables, wrong types): what matters is that each one returns a
// result or an error, and none panics.
func TestParserCorpusRuns(t *testing.T) {
	db := openTestDB(t, "memory")
	s := Open(db).NewSession()
	ctx := context.Background()
	setup := `CREATE TABLE t (a INT PRIMARY KEY, b TEXT, c DOUBLE PRECISION, d DATE);
CREATE TABLE u (a INT, x INT, y TEXT);
CREATE TABLE users (id INT PRIMARY KEY, name TEXT, age INT, email TEXT);
CREATE TABLE orders (id INT PRIMARY KEY, user_id INT, total DECIMAL(10,2));
INSERT INTO t VALUES (1, 'x', 1.5, '2024-01-01'), (2, NULL, NULL, NULL);
INSERT INTO u VALUES (1, 2, 'y'), (NULL, 3, NULL);
INSERT INTO users VALUES (1, 'a', 30, 'a@x'), (2, 'b', NULL, NULL);
INSERT INTO orders VALUES (1, 1, 9.99)`
	if _, err := s.Exec(ctx, setup); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("../parser/testdata/golden/*")
	if len(files) == 0 {
		t.Fatal("no parser golden files found")
	}
	ran, ok := 0, 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, input := range goldenInputs(string(data)) {
			if strings.Contains(strings.ToUpper(input), "DROP") {
				continue
			}
			ran++
			if s.InTransaction() {
				s.Exec(ctx, "ROLLBACK")
			}
			if _, err := s.Exec(ctx, input, 1, "two", 3.5); err == nil {
				ok++
			}
		}
	}
	t.Logf("%d statements run, %d succeeded, none panicked", ran, ok)
}

// goldenInputs returns the inputs of a datadriven file: the lines between
// a directive line and its "----".
func goldenInputs(file string) []string {
	var out []string
	var cur []string
	in := false
	for _, line := range strings.Split(file, "\n") {
		switch {
		case !in && (line == "parse" || line == "parse-script"):
			in, cur = true, nil
		case in && line == "----":
			out = append(out, strings.Join(cur, "\n"))
			in = false
		case in:
			cur = append(cur, line)
		}
	}
	return out
}

// FuzzExec runs arbitrary text as SQL against a small schema: any input
// must give a result or an error, never a panic.
//
//	go test ./sql -run '^$' -fuzz FuzzExec -fuzztime 60s
func FuzzExec(f *testing.F) {
	for _, q := range handQueries {
		f.Add(strings.TrimPrefix(q, "ordered:"))
	}
	f.Add("SELECT a / 0 FROM t1")
	f.Add("INSERT INTO t1 VALUES (1000, 1, 2, 'x', 1e308 * 10)")
	f.Add("SELECT CAST('x' AS DATE)")
	db := openTestDB(f, "memory")
	eng := Open(db)
	// A runaway recursion must fail well inside the fuzzer's 10 s limit
	// for one input (at the default cap it takes seconds).
	eng.MaxRecursionRows = 10_000
	s := eng.NewSession()
	ctx := context.Background()
	for _, q := range append(append([]string(nil), diffSchema...), diffData(1)[:40]...) {
		if _, err := s.Exec(ctx, q); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, q string) {
		if len(q) > 2000 {
			return
		}
		s.Exec(ctx, q, 1, "x")
		if s.InTransaction() {
			s.Exec(ctx, "ROLLBACK")
		}
	})
}
