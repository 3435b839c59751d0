package parser_test

import (
	"errors"
	"fmt"

	"github.com/aegisdb/aegis/parser"
)

func ExampleParse() {
	stmt, err := parser.Parse("select name, count(*) from users u where u.age > $1 group by name")
	if err != nil {
		panic(err)
	}
	fmt.Println(stmt)
	core := stmt.(*parser.SelectStmt).Body.(*parser.SelectCore)
	where := core.Where.(*parser.BinaryExpr)
	fmt.Println(where.Op, where.Position())
	// Output:
	// SELECT name, count(*) FROM users AS u WHERE u.age > $1 GROUP BY name
	// > {1 48}
}

func ExampleParse_error() {
	_, err := parser.Parse("SELECT a,\n  FROM t")
	var pe *parser.Error
	if errors.As(err, &pe) && errors.Is(err, parser.ErrSyntax) {
		fmt.Println(pe.Line, pe.Column)
	}
	fmt.Println(err)
	// Output:
	// 2 3
	// parser: 2:3: unexpected "FROM", expected expression
}

func ExampleParseScript() {
	stmts, err := parser.ParseScript("BEGIN; UPDATE t SET n = n + 1 WHERE id = 7; COMMIT;")
	if err != nil {
		panic(err)
	}
	for _, s := range stmts {
		fmt.Printf("%T: %s\n", s, s)
	}
	// Output:
	// *parser.BeginStmt: BEGIN
	// *parser.UpdateStmt: UPDATE t SET n = n + 1 WHERE id = 7
	// *parser.CommitStmt: COMMIT
}

func ExampleWalk() {
	stmt, _ := parser.Parse("SELECT sum(price * qty) FROM items WHERE order_id = $1 AND price > $2")
	parser.Walk(stmt, func(n parser.Node) bool {
		switch n := n.(type) {
		case *parser.FuncCall:
			fmt.Println("call", n.Name)
		case *parser.Param:
			fmt.Println("param", n.Index)
		}
		return true
	})
	// Output:
	// call sum
	// param 1
	// param 2
}
