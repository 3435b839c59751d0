package parser

import (
	"strings"
	"testing"

	"github.com/alecthomas/participle/v2/lexer"
)

func TestLexTokens(t *testing.T) {
	names := map[lexer.TokenType]string{}
	for n, tt := range tokenNames {
		names[tt] = n
	}
	cases := []struct {
		name, in, want string
	}{
		{"keywords fold, names keep case", "select Foo FROM", "Keyword:SELECT Ident:Foo Keyword:FROM"},
		{"OR and AND are operators", "a or b And c", "Ident:a Op:OR Ident:b Op:AND Ident:c"},
		{"non-reserved words are names", "index nulls", "Ident:index Ident:nulls"},
		{"quoted name keeps quotes", `"a""b" "SELECT"`, `QIdent:"a""b" QIdent:"SELECT"`},
		{"string keeps quotes", `'it''s' ''`, `String:'it''s' String:''`},
		{"numbers", "1 1.5 .5 5. 1e3 1.5E-3 2e+1", "Int:1 Decimal:1.5 Decimal:.5 Decimal:5. Float:1e3 Float:1.5E-3 Float:2e+1"},
		{"params", "$1 $23", "Param:$1 Param:$23"},
		{"two-character operators", "<> != <= >= || ::", "Op:<> Op:!= Op:<= Op:>= Op:|| Punct:::"},
		{"operators run together", "a<=-b", "Ident:a Op:<= Op:- Ident:b"},
		{"punctuation", "( ) , ; . * %", "Punct:( Punct:) Punct:, Punct:; Punct:. Op:* Op:%"},
		{"comments", "a -- x\n/* y\n z */ b--", "Ident:a Ident:b"},
		{"names with digits, _ and $", "a1 _b c$d", "Ident:a1 Ident:_b Ident:c$d"},
		{"unicode names", "über", "Ident:über"},
		{"keywords are ASCII", "ſelect SELECT", "Ident:ſelect Keyword:SELECT"},
		{"qualified name", "t.c", "Ident:t Punct:. Ident:c"},
	}
	for _, c := range cases {
		toks, err := lex(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		var got []string
		for _, tk := range toks[:len(toks)-1] {
			got = append(got, names[tk.Type]+":"+tk.Value)
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("%s: lex(%q) = %s, want %s", c.name, c.in, strings.Join(got, " "), c.want)
		}
		if last := toks[len(toks)-1]; !last.EOF() {
			t.Errorf("%s: last token %v is not EOF", c.name, last)
		}
	}
}

func TestLexPositions(t *testing.T) {
	toks, err := lex("a\n  über b\n\tc")
	if err != nil {
		t.Fatal(err)
	}
	want := []Pos{{1, 1}, {2, 3}, {2, 8}, {3, 2}, {3, 3}}
	for i, w := range want {
		if got := (Pos{toks[i].Pos.Line, toks[i].Pos.Column}); got != w {
			t.Errorf("token %d (%q) at %v, want %v", i, toks[i].Value, got, w)
		}
	}
}

func TestQuoteIdent(t *testing.T) {
	cases := map[string]string{
		"a": "a", "a_1$": "a_1$", "A": `"A"`, "select": `"select"`, "nulls": `"nulls"`,
		"1a": `"1a"`, "a b": `"a b"`, `a"b`: `"a""b"`, "über": `"über"`, "date": "date", "$a": `"$a"`,
	}
	for in, want := range cases {
		if got := QuoteIdent(in); got != want {
			t.Errorf("QuoteIdent(%q) = %s, want %s", in, got, want)
		}
		s, err := Parse("SELECT " + QuoteIdent(in))
		if err != nil {
			t.Errorf("SELECT %s: %v", QuoteIdent(in), err)
			continue
		}
		if got := s.(*SelectStmt).Body.(*SelectCore).Items[0].Expr.(*ColumnRef).Column; got != in {
			t.Errorf("SELECT %s reads the name %q, want %q", QuoteIdent(in), got, in)
		}
	}
}

// Hand-built trees print as text that parses back to them, including
// shapes the parser never produces itself.
func TestPrintHandBuilt(t *testing.T) {
	col := func(n string) Expr { return &ColumnRef{Column: n} }
	cases := []struct {
		e    Expr
		want string
	}{
		{&UnaryExpr{Op: OpNeg, Operand: &UnaryExpr{Op: OpNeg, Operand: col("a")}}, "-(-a)"},
		{&BinaryExpr{Op: OpSub, Left: col("a"), Right: &BinaryExpr{Op: OpSub, Left: col("b"), Right: col("c")}}, "a - (b - c)"},
		{&BinaryExpr{Op: OpMul, Left: &BinaryExpr{Op: OpAdd, Left: col("a"), Right: col("b")}, Right: col("c")}, "(a + b) * c"},
		{&UnaryExpr{Op: OpNot, Operand: &BinaryExpr{Op: OpOr, Left: col("a"), Right: col("b")}}, "NOT (a OR b)"},
		{&IsNullExpr{Expr: &BinaryExpr{Op: OpEq, Left: col("a"), Right: col("b")}}, "(a = b) IS NULL"},
		{&BinaryExpr{Op: OpEq, Left: col("a"), Right: &IsNullExpr{Expr: col("b")}}, "a = (b IS NULL)"},
		{&BetweenExpr{Expr: col("a"), Low: &BinaryExpr{Op: OpAnd, Left: col("b"), Right: col("c")}, High: col("d")}, "a BETWEEN (b AND c) AND d"},
		{&FloatLit{Value: 100000}, "1e+05"},
		{&CastExpr{Expr: &UnaryExpr{Op: OpNeg, Operand: col("a")}, Type: DataType{Kind: TypeDecimal, Precision: 5, Scale: 2}}, "CAST(-a AS DECIMAL(5,2))"},
	}
	for _, c := range cases {
		if got := c.e.String(); got != c.want {
			t.Errorf("printed %s, want %s", got, c.want)
			continue
		}
		s := &SelectStmt{Body: &SelectCore{Items: []*SelectItem{{Expr: c.e}}}}
		checkRoundTrip(t, c.want, s)
	}
}
