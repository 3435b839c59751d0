package parser

import (
	"errors"
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// MaxDepth bounds how deeply a statement may nest: open parentheses,
// open CASE ... END blocks and runs of prefix operators (NOT, -, +)
// together. The grammar recurses once per level, so the bound keeps the
// parser's stack small whatever the input; deeper input gets ErrTooDeep.
const MaxDepth = 200

// lookahead is how many tokens participle may read into an alternative
// and still back out of it. Zero: every alternative of the grammar is
// decided by its first token. Where a name and a keyword could start
// alike, the grammar either reads the name first and decides on the
// next token (gNamed: a name followed by '(' is a call, by a string a
// typed literal) or asks with an explicit (?= ...) lookahead (IF NOT
// EXISTS against a table named if, an INSERT column list against a
// parenthesised query). So an alternative that has consumed a token is
// committed, parsing never backtracks, and a syntax error is reported
// where the input goes wrong, not where an earlier alternative began.
const lookahead = 0

// stmtParser is built once: building a participle grammar walks every
// struct by reflection and is far slower than a parse.
var stmtParser = participle.MustBuild[gStatement](
	participle.Lexer(sqlLexer{}),
	participle.CaseInsensitive("Ident"),
	participle.UseLookahead(lookahead),
)

// Parse parses exactly one statement, optionally followed by semicolons.
// It returns an *Error (matching ErrSyntax or ErrTooDeep) for anything
// else, never panics.
func Parse(sql string) (Statement, error) {
	stmts, eof, err := parseAll(sql)
	if err != nil {
		return nil, err
	}
	switch len(stmts) {
	case 0:
		return nil, &Error{Line: eof.Line, Column: eof.Column, Msg: "empty statement", Err: ErrSyntax}
	case 1:
		return stmts[0].stmt, nil
	default:
		p := stmts[1].pos
		return nil, &Error{Line: p.Line, Column: p.Column, Err: ErrSyntax,
			Msg: "more than one statement; use ParseScript"}
	}
}

// ParseScript parses a script of statements separated by semicolons.
// Empty statements (;;) are skipped. It stops at the first error.
func ParseScript(sql string) ([]Statement, error) {
	stmts, _, err := parseAll(sql)
	if err != nil {
		return nil, err
	}
	out := make([]Statement, len(stmts))
	for i, s := range stmts {
		out[i] = s.stmt
	}
	return out, nil
}

// parseAll lexes and parses sql, returning its statements and the
// position of its end.
func parseAll(sql string) ([]posStmt, lexer.Position, error) {
	toks, err := lex(sql)
	if err != nil {
		return nil, lexer.Position{}, err
	}
	stmts, err := parseTokens(toks)
	return stmts, toks[len(toks)-1].Pos, err
}

type posStmt struct {
	stmt Statement
	pos  lexer.Position
}

// parseTokens splits the token stream at semicolons (a semicolon can
// appear nowhere else, strings and names being single tokens) and parses
// each piece.
func parseTokens(toks []lexer.Token) ([]posStmt, error) {
	var out []posStmt
	start := 0
	for i, t := range toks {
		if t.Type != lexer.EOF && !(t.Type == tokPunct && t.Value == ";") {
			continue
		}
		if i > start {
			piece := make([]lexer.Token, i-start+1)
			copy(piece, toks[start:i])
			piece[len(piece)-1] = lexer.Token{Type: lexer.EOF, Pos: t.Pos}
			s, err := parseStatement(piece)
			if err != nil {
				return nil, err
			}
			out = append(out, posStmt{stmt: s, pos: toks[start].Pos})
		}
		start = i + 1
	}
	return out, nil
}

// parseStatement parses the tokens of one statement (ending with EOF).
func parseStatement(toks []lexer.Token) (Statement, error) {
	pl, err := lexer.Upgrade(&sliceLexer{toks: toks})
	if err != nil {
		return nil, err
	}
	g, err := stmtParser.ParseFromLexer(pl)
	if err != nil {
		return nil, translate(err, toks[0].Pos)
	}
	c := &converter{}
	return c.statement(g)
}

// depthCheck refuses statements nested deeper than MaxDepth. The lexer
// feeds it every token, so over-nested input is refused before the rest
// is even lexed, and long before the grammar recurses into it.
type depthCheck struct {
	parens, cases, prefix int
}

func (d *depthCheck) next(t lexer.Token) error {
	switch {
	case t.Type == tokPunct && t.Value == ";":
		*d = depthCheck{}
		return nil
	case t.Type == tokPunct && t.Value == "(":
		d.parens++
	case t.Type == tokPunct && t.Value == ")":
		d.parens--
	case t.Type == tokKeyword && t.Value == "CASE":
		d.cases++
	case t.Type == tokKeyword && t.Value == "END":
		d.cases--
	}
	// A run of NOT, - and + nests one level per token whether the first
	// is binary or not; any other token ends the run.
	if (t.Type == tokKeyword && t.Value == "NOT") || (t.Type == tokOp && (t.Value == "-" || t.Value == "+")) {
		d.prefix++
	} else {
		d.prefix = 0
	}
	if max(d.parens, 0)+max(d.cases, 0)+d.prefix > MaxDepth {
		return &Error{Line: t.Pos.Line, Column: t.Pos.Column, Err: ErrTooDeep,
			Msg: "nesting deeper than " + strconv.Itoa(MaxDepth) + " levels"}
	}
	return nil
}

// translate turns a participle error into an *Error with a message in
// our words: unexpected X, expected Y.
func translate(err error, start lexer.Position) error {
	var perr participle.Error
	if !errors.As(err, &perr) {
		return &Error{Line: 1, Column: 1, Msg: err.Error(), Err: ErrSyntax}
	}
	p := perr.Position()
	e := &Error{Line: p.Line, Column: p.Column, Err: ErrSyntax}
	var ute *participle.UnexpectedTokenError
	if errors.As(err, &ute) {
		e.Msg = "unexpected " + describeToken(ute.Unexpected)
		if exp := expected(ute.Message()); exp != "" {
			e.Msg += ", expected " + exp
		} else if p == start {
			e.Msg += ", expected a statement (SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, EXPLAIN, SHOW, BEGIN, COMMIT, ROLLBACK)"
		} else {
			e.Msg += ", expected end of statement"
		}
		return e
	}
	e.Msg = perr.Message()
	return e
}

func describeToken(t lexer.Token) string {
	if t.EOF() {
		return "end of input"
	}
	return strconv.Quote(t.Value)
}

// friendly names for grammar productions as participle prints them (type
// name with the first letter upper-cased).
var friendly = map[string]string{
	"GExpr": "expression", "GOperand": "expression", "GArith": "expression",
	"GPrimary": "expression", "GSelectItem": "expression",
	"GIdent": "name", "GType": "type name",
	"GTableExpr": "table", "GTablePrimary": "table", "GTableArgs": "table function arguments", "GColumnDef": "column definition",
	"GTableElem": "column definition", "GQuery": `"SELECT"`, "GParen": `"("`, "GNamed": "name", "GCallArgs": `"("`,
	"GUnion": `"SELECT"`, "GIntersect": `"SELECT"`, "GSetOperand": `"SELECT"`, "GSelectCore": `"SELECT"`,
	"GOrderItem": "expression", "GRow": `"("`, "GRowValue": "expression or DEFAULT", "GAssign": "column name", "GCTE": "name",
	"GWhen": `"WHEN"`, "GInRHS": `"("`, "GKwCall": "function name", "GFrame": `"ROWS" or "RANGE"`, "GFetch": `"FETCH"`, "GNamedWindow": "window name", "GFrameBound": "frame bound", "GBetween": "expression", "GWindow": `"("`,
	"GRenameColumn": "column name", "GRename": `"RENAME"`, "GReferences": "table name", "GCastCall": `"CAST"`,
	"GStatement": "statement", "GExplain": `"EXPLAIN"`, "GAnalyze": `"ANALYZE"`, "GInsert": `"INSERT"`, "GOnConflict": `"ON"`, "GUpdate": `"UPDATE"`,
	"GDelete": `"DELETE"`, "GCreate": `"CREATE"`, "GDrop": `"DROP"`, "GAlter": `"ALTER"`,
	"GCreateTable": `"TABLE"`, "GCreateIndex": `"INDEX"`, "GDropTable": `"TABLE"`, "GDropIndex": `"INDEX"`,
	"GTableConstraint": `"PRIMARY" or "UNIQUE"`, "GColConstraint": "column constraint",
	"GWith": `"WITH"`, "GCase": `"CASE"`, "GCast": `"::"`, "GTail": "operator", "GArithTail": "operator",
	"GJoin": `"JOIN"`, "GIntersectOp": `"INTERSECT"`, "GUnionOp": `"UNION" or "EXCEPT"`,
	"<ident>": "name", "<qident>": "name", "<int>": "integer", "<string>": "string",
	"<decimal>": "number", "<float>": "number", "<param>": "parameter", "<op>": "operator",
}

// expected extracts the first thing the grammar wanted from participle's
// message `unexpected token "x" (expected <ebnf>)`: the EBNF of the rest
// of the failed sequence, of which only the first term matters.
func expected(msg string) string {
	i := strings.Index(msg, "(expected ")
	if i < 0 {
		return ""
	}
	ebnf := strings.TrimSuffix(msg[i+len("(expected "):], ")")
	return firstTerm(ebnf)
}

// firstTerm returns a readable form of the first term of an EBNF
// sequence: a quoted literal, a production name, or the alternatives of
// a leading group joined with "or".
func firstTerm(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	switch s[0] {
	case '"':
		if j := strings.IndexByte(s[1:], '"'); j >= 0 {
			return s[:j+2]
		}
		return s
	case '(':
		closing := -1
		scanTop(s, func(j, depth int) bool {
			if s[j] == ')' && depth == 0 {
				closing = j
				return false
			}
			return true
		})
		if closing < 0 {
			return s
		}
		var names []string
		seen := map[string]bool{}
		for _, a := range splitAlternatives(s[1:closing]) {
			if n := firstTerm(a); n != "" && !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
		return strings.Join(names, " or ")
	}
	end := strings.IndexAny(s, " ?*+()|")
	if end < 0 {
		end = len(s)
	}
	word := s[:end]
	if f, ok := friendly[word]; ok {
		return f
	}
	return word
}

// splitAlternatives splits a group body at its top-level "|".
func splitAlternatives(s string) []string {
	var out []string
	start := 0
	scanTop(s, func(j, depth int) bool {
		if s[j] == '|' && depth == 0 {
			out = append(out, s[start:j])
			start = j + 1
		}
		return true
	})
	return append(out, s[start:])
}

// scanTop calls visit with each byte offset of s outside quoted literals
// and the parenthesis depth there (a ")" counts as outside its group);
// visit returns false to stop.
func scanTop(s string, visit func(j, depth int) bool) {
	depth := 0
	for j := 0; j < len(s); j++ {
		switch s[j] {
		case '"':
			if k := strings.IndexByte(s[j+1:], '"'); k >= 0 {
				j += k + 1
			}
			continue
		case ')':
			depth--
		}
		if !visit(j, depth) {
			return
		}
		if s[j] == '(' {
			depth++
		}
	}
}
