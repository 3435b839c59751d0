package sql

import (
	"context"
	"testing"

	"github.com/aegisdb/aegis/engine"
	_ "github.com/aegisdb/aegis/engine/backends"
	"github.com/aegisdb/aegis/mvcc"
)

func TestSmoke(t *testing.T) {
	e, err := engine.Open("memory", engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db, err := mvcc.Open(e, mvcc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := Open(db).NewSession()
	for _, q := range []string{
		"SELECT 1 + 1 AS result",
		"CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL, age INT)",
		"INSERT INTO users VALUES (1, 'Alice', 25), (2, 'Bob', 30), (3, 'Carol', NULL)",
		"SELECT * FROM users WHERE age > $1",
		"SELECT name, age FROM users ORDER BY age DESC",
		"SELECT count(*), sum(age), avg(age), min(name), max(age) FROM users",
		"SELECT age > 26 AS old, count(*) FROM users GROUP BY 1 ORDER BY 1",
		"UPDATE users SET age = age + 1 WHERE id = 1",
		"SELECT * FROM users WHERE id = 1",
		"EXPLAIN SELECT * FROM users WHERE id = 1",
		"DELETE FROM users WHERE age IS NULL",
		"SELECT u.name, v.name FROM users u JOIN users v ON u.id < v.id",
		"SELECT name, row_number() OVER (ORDER BY age), rank() OVER (ORDER BY age) FROM users",
		"SELECT name FROM users WHERE id IN (SELECT id FROM users WHERE age > 26)",
		"SELECT name FROM users u WHERE EXISTS (SELECT 1 FROM users v WHERE v.id = u.id AND v.age > 26)",
		"SELECT name, (SELECT max(age) FROM users v WHERE v.id <> u.id) FROM users u",
		"SELECT 1 UNION SELECT 2 UNION ALL SELECT 2 ORDER BY 1",
		"WITH t AS (SELECT id * 10 AS x FROM users) SELECT sum(x) FROM t",
		"SELECT CASE WHEN age > 28 THEN 'old' ELSE 'young' END, CAST(age AS TEXT) || '!' FROM users",
		"EXPLAIN ANALYZE SELECT count(*) FROM users",
	} {
		res, err := s.Exec(context.Background(), q, 26)
		if err != nil {
			t.Errorf("%s: %v", q, err)
			continue
		}
		for _, r := range res {
			t.Logf("%s -> %s %v", q, r.Tag, r.Columns)
			for _, row := range r.Rows {
				t.Logf("   %v", row)
			}
		}
	}
}
