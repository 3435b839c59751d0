package parser

import (
	"reflect"
	"testing"

	"github.com/cockroachdb/datadriven"
)

// TestWalkReachesEveryExpr checks, over every golden statement, that Walk
// visits exactly the expressions a reflection walk of the tree finds.
func TestWalkReachesEveryExpr(t *testing.T) {
	forEachGolden(t, func(t *testing.T, d *datadriven.TestData, stmts []Statement) {
		for _, s := range stmts {
			want := map[Expr]bool{}
			reflectExprs(reflect.ValueOf(s), want)
			got := map[Expr]bool{}
			Walk(s, func(n Node) bool {
				if e, ok := n.(Expr); ok {
					if got[e] {
						t.Errorf("%s: Walk visits %s twice", d.Pos, e)
					}
					got[e] = true
				}
				return true
			})
			if len(got) != len(want) {
				t.Errorf("%s: Walk visits %d expressions of %s, reflection finds %d", d.Pos, len(got), s, len(want))
			}
			for e := range want {
				if !got[e] {
					t.Errorf("%s: Walk misses %s", d.Pos, e)
				}
			}
		}
	})
}

func reflectExprs(v reflect.Value, out map[Expr]bool) {
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			return
		}
		if e, ok := v.Interface().(Expr); ok && v.Kind() == reflect.Pointer {
			out[e] = true
		}
		reflectExprs(v.Elem(), out)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			reflectExprs(v.Field(i), out)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			reflectExprs(v.Index(i), out)
		}
	}
}

func TestWalkStops(t *testing.T) {
	s, err := Parse("SELECT a + (SELECT b FROM t WHERE c = $1) FROM u WHERE d IN ($2, $3)")
	if err != nil {
		t.Fatal(err)
	}
	var params, cols []string
	Walk(s, func(n Node) bool {
		switch n := n.(type) {
		case *Param:
			params = append(params, n.String())
		case *ColumnRef:
			cols = append(cols, n.Column)
		case *SubqueryExpr:
			return false // do not look inside subqueries
		}
		return true
	})
	if len(params) != 2 || params[0] != "$2" {
		t.Errorf("params outside subqueries: %v, want [$2 $3]", params)
	}
	if len(cols) != 2 || cols[0] != "a" || cols[1] != "d" {
		t.Errorf("columns outside subqueries: %v, want [a d]", cols)
	}
}
