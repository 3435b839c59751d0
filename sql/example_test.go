package sql_test

import (
	"context"
	"fmt"

	"github.com/aegisdb/aegis/engine"
	_ "github.com/aegisdb/aegis/engine/backends"
	"github.com/aegisdb/aegis/mvcc"
	"github.com/aegisdb/aegis/sql"
)

// The README's example.
func Example() {
	e, _ := engine.Open("memory", engine.Options{})
	db, _ := mvcc.Open(e, mvcc.Options{})
	s := sql.Open(db).NewSession()
	res, err := s.Exec(context.Background(), `
	CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL, age INT);
	INSERT INTO users VALUES (1, 'Alice', 25), (2, 'Bob', 30);
	SELECT name FROM users WHERE age > $1`, 26)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range res {
		fmt.Println(r.Tag, r.Rows)
	}
	// Output:
	// CREATE TABLE []
	// INSERT 0 2 []
	// SELECT 1 [[Bob]]
}
