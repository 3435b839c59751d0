package parser

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// dump prints an AST for golden files: expressions as fully
// parenthesised prefix forms, so precedence is visible at a glance, and
// other nodes as an indented list of their non-zero fields. Positions
// are left out (they have their own test).
func dump(n any) string {
	var b strings.Builder
	dumpValue(&b, reflect.ValueOf(n), 0)
	return strings.TrimRight(b.String(), "\n")
}

var exprType = reflect.TypeOf((*Expr)(nil)).Elem()

func dumpValue(b *strings.Builder, v reflect.Value, indent int) {
	if v.Kind() == reflect.Interface {
		if v.IsNil() {
			b.WriteString("nil\n")
			return
		}
		v = v.Elem()
	}
	if v.Kind() == reflect.Pointer && v.Type().Implements(exprType) && !v.IsNil() {
		b.WriteString(sexpr(v.Interface().(Expr)) + "\n")
		return
	}
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			b.WriteString("nil\n")
			return
		}
		v = v.Elem()
	}
	pad := strings.Repeat("  ", indent+1)
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(DataType{}) {
			b.WriteString(v.Interface().(DataType).String() + "\n")
			return
		}
		b.WriteString(v.Type().Name() + "\n")
		for i := 0; i < v.NumField(); i++ {
			f := v.Field(i)
			name := v.Type().Field(i).Name
			if name == "Pos" || f.IsZero() {
				continue
			}
			if f.Kind() == reflect.Slice {
				b.WriteString(pad + name + ":")
			} else {
				b.WriteString(pad + name + ": ")
			}
			dumpValue(b, f, indent+1)
		}
	case reflect.Slice:
		b.WriteString("\n")
		for i := 0; i < v.Len(); i++ {
			if v.Index(i).Kind() == reflect.Slice {
				b.WriteString(pad + "-")
			} else {
				b.WriteString(pad + "- ")
			}
			dumpValue(b, v.Index(i), indent+1)
		}
	case reflect.String:
		b.WriteString(strconv.Quote(v.String()) + "\n")
	default:
		if s, ok := v.Interface().(fmt.Stringer); ok {
			b.WriteString(s.String() + "\n")
		} else {
			fmt.Fprintf(b, "%v\n", v.Interface())
		}
	}
}

// sexpr prints an expression in prefix form: (+ a (* b c)).
func sexpr(e Expr) string {
	if e == nil {
		return "nil"
	}
	list := func(es []Expr) string {
		var parts []string
		for _, x := range es {
			parts = append(parts, sexpr(x))
		}
		return strings.Join(parts, " ")
	}
	neg := func(not bool, s string) string {
		if not {
			return "not-" + s
		}
		return s
	}
	switch e := e.(type) {
	case *ColumnRef:
		if e.Table != "" {
			return e.Table + "." + e.Column
		}
		return e.Column
	case *IntLit:
		return "int:" + e.String()
	case *NumericLit:
		return "numeric:" + e.Text
	case *FloatLit:
		return "float:" + e.String()
	case *StringLit, *BoolLit, *NullLit, *Param, *TypedLit:
		return e.String()
	case *UnaryExpr:
		return "(" + e.Op.String() + " " + sexpr(e.Operand) + ")"
	case *BinaryExpr:
		return "(" + e.Op.String() + " " + sexpr(e.Left) + " " + sexpr(e.Right) + ")"
	case *IsNullExpr:
		return "(" + neg(e.Not, "is-null") + " " + sexpr(e.Expr) + ")"
	case *InListExpr:
		return "(" + neg(e.Not, "in") + " " + sexpr(e.Expr) + " [" + list(e.List) + "])"
	case *InSubqueryExpr:
		return "(" + neg(e.Not, "in") + " " + sexpr(e.Expr) + " {" + e.Query.String() + "})"
	case *BetweenExpr:
		op := "between"
		if e.Symmetric {
			op = "between-symmetric"
		}
		return "(" + neg(e.Not, op) + " " + sexpr(e.Expr) + " " + sexpr(e.Low) + " " + sexpr(e.High) + ")"
	case *LikeExpr:
		op := "like"
		if e.ILike {
			op = "ilike"
		}
		s := "(" + neg(e.Not, op) + " " + sexpr(e.Expr) + " " + sexpr(e.Pattern)
		if e.Escape != nil {
			s += " (escape " + sexpr(e.Escape) + ")"
		}
		return s + ")"
	case *CaseExpr:
		s := "(case"
		if e.Operand != nil {
			s += " " + sexpr(e.Operand)
		}
		for _, w := range e.Whens {
			s += " (when " + sexpr(w.Cond) + " " + sexpr(w.Result) + ")"
		}
		if e.Else != nil {
			s += " (else " + sexpr(e.Else) + ")"
		}
		return s + ")"
	case *CastExpr:
		return "(cast " + sexpr(e.Expr) + " " + e.Type.String() + ")"
	case *FuncCall:
		s := "(call " + e.Name
		if e.Star {
			s += " *"
		}
		if e.Distinct {
			s += " distinct"
		}
		if len(e.Args) > 0 {
			s += " " + list(e.Args)
		}
		if e.Filter != nil {
			s += " (filter " + sexpr(e.Filter) + ")"
		}
		if e.Over != nil {
			s += " (over"
			if len(e.Over.PartitionBy) > 0 {
				s += " (partition " + list(e.Over.PartitionBy) + ")"
			}
			for _, o := range e.Over.OrderBy {
				s += " (order " + o.String() + ")"
			}
			if e.Over.Frame != nil {
				s += " (frame " + e.Over.Frame.String() + ")"
			}
			s += ")"
		}
		return s + ")"
	case *SubqueryExpr:
		return "(subquery {" + e.Query.String() + "})"
	case *ExistsExpr:
		return "(exists {" + e.Query.String() + "})"
	case *DefaultExpr:
		return "DEFAULT"
	case *QuantifiedExpr:
		q := "any"
		if e.All {
			q = "all"
		}
		return "(" + e.Op.String() + " " + q + " " + sexpr(e.Expr) + " {" + e.Query.String() + "})"
	}
	return fmt.Sprintf("<%T>", e)
}
