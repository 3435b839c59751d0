package parser

import (
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"
)

// TestGolden runs the datadriven files in testdata/golden. Directives:
//
//	parse         one statement: its canonical SQL, then its tree
//	parse-script  a script: the canonical SQL of each statement
//
// An input that does not parse prints "error: " and the message. Every
// parsed input is also round-tripped (see checkRoundTrip). Regenerate
// with: go test ./parser/ -run TestGolden -rewrite
func TestGolden(t *testing.T) {
	datadriven.Walk(t, "testdata/golden", func(t *testing.T, path string) {
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			switch d.Cmd {
			case "parse":
				s, err := Parse(d.Input)
				if err != nil {
					return "error: " + err.Error() + "\n"
				}
				checkRoundTrip(t, d.Input, s)
				return s.String() + "\n" + dump(s) + "\n"
			case "parse-script":
				stmts, err := ParseScript(d.Input)
				if err != nil {
					return "error: " + err.Error() + "\n"
				}
				var b strings.Builder
				for _, s := range stmts {
					checkRoundTrip(t, d.Input, s)
					b.WriteString(s.String() + ";\n")
				}
				return b.String()
			}
			t.Fatalf("%s: unknown directive %q", d.Pos, d.Cmd)
			return ""
		})
	})
}

// forEachGolden calls f with the statements of every golden input that
// parses; the golden outputs are not compared.
func forEachGolden(t *testing.T, f func(t *testing.T, d *datadriven.TestData, stmts []Statement)) {
	datadriven.Walk(t, "testdata/golden", func(t *testing.T, path string) {
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			if stmts, err := ParseScript(d.Input); err == nil {
				f(t, d, stmts)
			}
			return d.Expected
		})
	})
}

// TestRoundTrip checks, over every statement of the golden files, that
// printing and parsing again gives the same tree (positions aside) and
// the same text.
func TestRoundTrip(t *testing.T) {
	n := 0
	forEachGolden(t, func(t *testing.T, d *datadriven.TestData, stmts []Statement) {
		for _, s := range stmts {
			checkRoundTrip(t, d.Input, s)
			n++
		}
	})
	if n < 100 {
		t.Errorf("only %d statements round-tripped; the golden files should hold more", n)
	}
}

// checkRoundTrip parses s.String() and compares with s.
func checkRoundTrip(t testing.TB, input string, s Statement) {
	t.Helper()
	text := s.String()
	again, err := Parse(text)
	if err != nil {
		t.Errorf("round trip of %q: printed %q does not parse: %v", input, text, err)
		return
	}
	if !reflect.DeepEqual(stripPos(s), stripPos(again)) {
		t.Errorf("round trip of %q changed the tree:\nfirst:  %s\nsecond: %s", input, dump(s), dump(again))
	}
	if again.String() != text {
		t.Errorf("round trip of %q: printed %q, then %q", input, text, again.String())
	}
}

var posType = reflect.TypeOf(Pos{})

// stripPos returns a deep copy of n with every Pos zeroed.
func stripPos(n Statement) Statement {
	v := reflect.ValueOf(n)
	c := reflect.New(v.Elem().Type())
	copyNoPos(c.Elem(), v.Elem())
	return c.Interface().(Statement)
}

func copyNoPos(dst, src reflect.Value) {
	switch src.Kind() {
	case reflect.Pointer:
		if src.IsNil() {
			return
		}
		p := reflect.New(src.Elem().Type())
		copyNoPos(p.Elem(), src.Elem())
		dst.Set(p)
	case reflect.Interface:
		if src.IsNil() {
			return
		}
		inner := reflect.New(src.Elem().Type()).Elem()
		copyNoPos(inner, src.Elem())
		dst.Set(inner)
	case reflect.Struct:
		if src.Type() == posType {
			return
		}
		for i := 0; i < src.NumField(); i++ {
			copyNoPos(dst.Field(i), src.Field(i))
		}
	case reflect.Slice:
		if src.IsNil() {
			return
		}
		s := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		for i := 0; i < src.Len(); i++ {
			copyNoPos(s.Index(i), src.Index(i))
		}
		dst.Set(s)
	default:
		dst.Set(src)
	}
}

func TestPositions(t *testing.T) {
	s, err := Parse("SELECT a,\n  t.b + $1\nFROM  t")
	if err != nil {
		t.Fatal(err)
	}
	core := s.(*SelectStmt).Body.(*SelectCore)
	cases := []struct {
		name string
		got  Pos
		want Pos
	}{
		{"column a", core.Items[0].Expr.Position(), Pos{1, 8}},
		{"operator +", core.Items[1].Expr.Position(), Pos{2, 7}},
		{"column t.b", core.Items[1].Expr.(*BinaryExpr).Left.Position(), Pos{2, 3}},
		{"param", core.Items[1].Expr.(*BinaryExpr).Right.Position(), Pos{2, 9}},
		{"table", core.From[0].(*TableName).Pos, Pos{3, 7}},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s at %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestDMLPositions(t *testing.T) {
	s, err := Parse("UPDATE accounts AS a\n  SET balance = 0")
	if err != nil {
		t.Fatal(err)
	}
	u := s.(*UpdateStmt)
	if u.Table.Pos != (Pos{1, 8}) || u.Table.Alias != "a" || u.Set[0].Pos != (Pos{2, 7}) {
		t.Errorf("table at %v alias %q, assignment at %v; want 1:8, a, 2:7", u.Table.Pos, u.Table.Alias, u.Set[0].Pos)
	}
	d, err := Parse("DELETE FROM\n\tt")
	if err != nil {
		t.Fatal(err)
	}
	if p := d.(*DeleteStmt).Table.Pos; p != (Pos{2, 2}) {
		t.Errorf("DELETE table at %v, want 2:2", p)
	}
}

func TestErrorsAreTyped(t *testing.T) {
	cases := []struct {
		in        string
		sentinel  error
		line, col int
	}{
		{"SELECT * FROM", ErrSyntax, 1, 14},
		{"SELECT 1 +\n  FROM t", ErrSyntax, 2, 3},
		{"SELECT " + strings.Repeat("(", MaxDepth+1) + "1" + strings.Repeat(")", MaxDepth+1), ErrTooDeep, 1, 8 + MaxDepth},
		{"SELECT " + strings.Repeat("- ", MaxDepth+1) + "1", ErrTooDeep, 1, 8 + 2*MaxDepth},
		{"SELECT " + strings.Repeat("NOT ", MaxDepth+1) + "TRUE", ErrTooDeep, 1, 8 + 4*MaxDepth},
		{"SELECT " + strings.Repeat("CASE WHEN TRUE THEN ", MaxDepth+1) + "1", ErrTooDeep, 1, 8 + 20*MaxDepth},
		{"SELECT " + strings.Repeat("1+", MaxOperators+1) + "1", ErrTooDeep, 1, 9 + 2*MaxOperators},
	}
	for _, c := range cases {
		_, err := Parse(c.in)
		var pe *Error
		if !errors.As(err, &pe) {
			t.Errorf("%.40q: got %v, want an *Error", c.in, err)
			continue
		}
		if !errors.Is(err, c.sentinel) || pe.Line != c.line || pe.Column != c.col {
			t.Errorf("%.40q: got %v (line %d col %d), want %v at %d:%d", c.in, err, pe.Line, pe.Column, c.sentinel, c.line, c.col)
		}
	}
}

// Nesting just under the limits parses.
func TestDepthJustUnderLimit(t *testing.T) {
	ins := []string{
		"SELECT " + strings.Repeat("(", MaxDepth) + "1" + strings.Repeat(")", MaxDepth),
		"SELECT " + strings.Repeat("1+", MaxOperators) + "1",
		"SELECT " + strings.Repeat("- ", MaxDepth) + "1",
	}
	for _, in := range ins {
		s, err := Parse(in)
		if err != nil {
			t.Errorf("%.40q: %v", in, err)
			continue
		}
		checkRoundTrip(t, in[:40], s)
	}
}

func TestParseRefusesEmptyAndSeveral(t *testing.T) {
	for _, in := range []string{"", "  -- only a comment\n", ";;", "SELECT 1; SELECT 2"} {
		if s, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) = %v, want an error", in, s)
		}
	}
	if s, err := Parse("SELECT 1;;"); err != nil || s.String() != "SELECT 1" {
		t.Errorf("Parse with trailing semicolons: %v, %v", s, err)
	}
}

// Every production and token type of the grammar has a readable name for
// error messages, so no message says "expected GSomething".
func TestFriendlyNamesCoverGrammar(t *testing.T) {
	ebnf := stmtParser.String()
	for _, m := range regexp.MustCompile(`(?m)^(\w+) = |(<\w+>)`).FindAllStringSubmatch(ebnf, -1) {
		name := m[1] + m[2]
		if _, ok := friendly[name]; !ok {
			t.Errorf("grammar name %s has no entry in friendly", name)
		}
	}
}
