package parser

import (
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
)

// Token types produced by the hand-written lexer. participle reserves -1
// for EOF; the others count down from there.
const (
	tokKeyword lexer.TokenType = -(iota + 2) // a reserved word, Value upper-cased
	tokIdent                                 // an unquoted name, Value as written
	tokQIdent                                // a "quoted" name, Value with its quotes and "" escapes
	tokInt                                   // digits
	tokDecimal                               // digits with a point, no exponent
	tokFloat                                 // a number with an exponent
	tokString                                // a 'string', Value with its quotes and '' escapes
	tokParam                                 // $n
	tokOp                                    // a binary operator: = <> != < <= > >= || + - * / % OR AND
	tokPunct                                 // other punctuation: ( ) , ; . ::
)

var tokenNames = map[string]lexer.TokenType{
	"EOF":     lexer.EOF,
	"Keyword": tokKeyword,
	"Ident":   tokIdent,
	"QIdent":  tokQIdent,
	"Int":     tokInt,
	"Decimal": tokDecimal,
	"Float":   tokFloat,
	"String":  tokString,
	"Param":   tokParam,
	"Op":      tokOp,
	"Punct":   tokPunct,
}

// binaryOperators are lexed as tokOp, so the grammar matches any of them
// with one token-type test (@Op) instead of trying each spelling in
// turn, which participle would do with a copy of its parse state for
// every spelling. Literals such as '-' or 'AND' still match them by
// value wherever the grammar names them.
var binaryOperators = map[string]bool{
	"=": true, "<>": true, "!=": true, "<": true, "<=": true, ">": true, ">=": true,
	"||": true, "+": true, "-": true, "*": true, "/": true, "%": true, "^": true, "OR": true, "AND": true,
}

// reserved words can never be used as unquoted names: they are lexed as
// tokKeyword. Every other word is an identifier; words such as ADD, INDEX
// or NULLS are matched case-insensitively by the grammar where they are
// keywords and stay usable as names elsewhere.
var reserved = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`ALL AND AS ASC BETWEEN BY CASE CAST COLUMN
		CREATE CROSS DEFAULT DELETE DESC DISTINCT DROP ELSE END EXCEPT EXISTS
		FALSE FETCH FROM FULL GROUP HAVING IN INNER INSERT INTERSECT INTO IS JOIN
		LEFT LIKE LIMIT NATURAL NOT NULL OFFSET ON OR ORDER OUTER PRIMARY
		REFERENCES RETURNING RIGHT SELECT SET TABLE THEN TRUE UNION UNIQUE
		UPDATE USING VALUES WHEN WHERE WINDOW WITH`) {
		reserved[w] = true
	}
}

// reservedWord returns the upper-case spelling of word if it is a
// reserved word, without allocating. Keywords are ASCII: a word with
// other letters is always a name.
func reservedWord(word string) (string, bool) {
	var buf [16]byte
	if len(word) > len(buf) {
		return "", false
	}
	for i := 0; i < len(word); i++ {
		c := word[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		} else if c >= 0x80 {
			return "", false
		}
		buf[i] = c
	}
	if kw, ok := reservedSpelling[string(buf[:len(word)])]; ok {
		return kw, true
	}
	return "", false
}

// reservedSpelling maps each reserved word to itself, so the lexer can
// hand out the map's string instead of allocating one per keyword.
var reservedSpelling = map[string]string{}

func init() {
	for w := range reserved {
		reservedSpelling[w] = w
	}
}

// keywordLike are the non-reserved words the grammar gives a meaning in
// some place. The printer quotes names that spell one of them (as it
// quotes reserved words), so printed SQL never depends on backtracking to
// tell a name from a keyword.
var keywordLike = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`ADD ALTER ANALYZE ANY ASYMMETRIC BEGIN BITMAP BOTH BTREE
		COMMIT CURRENT ESCAPE EXPLAIN FILTER FIRST FOLLOWING FOR IF ILIKE INDEX
		KEY LAST LEADING NEXT NULLS ONLY PRECEDING RANGE ROW ROWS UNBOUNDED
		OVER PARTITION PRECISION RECURSIVE RENAME ROLLBACK SHOW SOME START SYMMETRIC TABLES TO
		TRAILING TRANSACTION UNKNOWN WORK`) {
		keywordLike[w] = true
	}
}

// sqlLexer implements participle's lexer.Definition. It is hand-written
// rather than built from regular expressions so that it can fold
// keywords, keep escapes intact for the converter, and report precise
// errors (unterminated strings, bad numbers) with their position.
type sqlLexer struct{}

func (sqlLexer) Symbols() map[string]lexer.TokenType { return tokenNames }

func (sqlLexer) Lex(filename string, r io.Reader) (lexer.Lexer, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("parser: reading input: %w", err)
	}
	return sqlLexer{}.LexString(filename, string(b))
}

func (sqlLexer) LexString(filename, input string) (lexer.Lexer, error) {
	toks, err := lex(input)
	if err != nil {
		return nil, err
	}
	return &sliceLexer{toks: toks}, nil
}

// sliceLexer hands out already lexed tokens; the last one is EOF.
type sliceLexer struct {
	toks []lexer.Token
	i    int
}

func (s *sliceLexer) Next() (lexer.Token, error) {
	t := s.toks[s.i]
	if s.i < len(s.toks)-1 {
		s.i++
	}
	return t, nil
}

// scanner walks the input keeping line and column (in runes, 1-based).
type scanner struct {
	src  string
	off  int
	line int
	col  int
}

func (s *scanner) pos() lexer.Position {
	return lexer.Position{Offset: s.off, Line: s.line, Column: s.col}
}

func (s *scanner) peek(k int) byte {
	if s.off+k < len(s.src) {
		return s.src[s.off+k]
	}
	return 0
}

// advance moves past n bytes, keeping line and column.
func (s *scanner) advance(n int) {
	end := s.off + n
	for s.off < end {
		r, size := utf8.DecodeRuneInString(s.src[s.off:])
		s.off += size
		if r == '\n' {
			s.line++
			s.col = 1
		} else {
			s.col++
		}
	}
}

func lexErr(p lexer.Position, format string, args ...any) *Error {
	return &Error{Line: p.Line, Column: p.Column, Msg: fmt.Sprintf(format, args...), Err: ErrSyntax}
}

// lex turns the whole input into tokens ending with EOF, or returns an
// *Error at the first character that cannot start or finish a token, or
// at the first token nested deeper than MaxDepth.
func lex(src string) ([]lexer.Token, error) {
	s := &scanner{src: src, line: 1, col: 1}
	toks := make([]lexer.Token, 0, min(len(src)/6+1, 256))
	var depth depthCheck
	for {
		if err := s.skipSpaceAndComments(); err != nil {
			return nil, err
		}
		if s.off >= len(s.src) {
			toks = append(toks, lexer.Token{Type: lexer.EOF, Pos: s.pos()})
			return toks, nil
		}
		t, err := s.next()
		if err == nil {
			err = depth.next(t)
		}
		if err != nil {
			return nil, err
		}
		toks = append(toks, t)
	}
}

func (s *scanner) skipSpaceAndComments() error {
	for s.off < len(s.src) {
		c := s.src[s.off]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			s.advance(1)
		case c == '-' && s.peek(1) == '-':
			n := strings.IndexByte(s.src[s.off:], '\n')
			if n < 0 {
				n = len(s.src) - s.off
			}
			s.advance(n)
		case c == '/' && s.peek(1) == '*':
			start := s.pos()
			n := strings.Index(s.src[s.off+2:], "*/")
			if n < 0 {
				return lexErr(start, "unterminated /* comment")
			}
			s.advance(n + 4)
		default:
			return nil
		}
	}
	return nil
}

func isIdentStart(r rune) bool { return r == '_' || unicode.IsLetter(r) }
func isIdentPart(r rune) bool {
	return r == '_' || r == '$' || unicode.IsLetter(r) || unicode.IsDigit(r)
}
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// twoCharOps are matched before single characters.
var twoCharOps = []string{"<>", "!=", "<=", ">=", "||", "::"}

const oneCharOps = "=<>+-*/%^(),;."

func (s *scanner) next() (lexer.Token, error) {
	p := s.pos()
	rest := s.src[s.off:]
	c := rest[0]
	tok := func(tt lexer.TokenType, n int, value string) lexer.Token {
		s.advance(n)
		return lexer.Token{Type: tt, Value: value, Pos: p}
	}
	switch {
	case c == '\'':
		n, err := quotedLen(rest, '\'')
		if err != nil {
			return lexer.Token{}, lexErr(p, "unterminated string literal")
		}
		return tok(tokString, n, rest[:n]), nil
	case c == '"':
		n, err := quotedLen(rest, '"')
		if err != nil {
			return lexer.Token{}, lexErr(p, "unterminated quoted identifier")
		}
		if n == 2 {
			return lexer.Token{}, lexErr(p, "zero-length quoted identifier")
		}
		return tok(tokQIdent, n, rest[:n]), nil
	case c == '$':
		n := 1
		for n < len(rest) && isDigit(rest[n]) {
			n++
		}
		if n == 1 {
			return lexer.Token{}, lexErr(p, "expected a parameter number after \"$\"")
		}
		return tok(tokParam, n, rest[:n]), nil
	case isDigit(c) || (c == '.' && len(rest) > 1 && isDigit(rest[1])):
		return s.number(p, rest)
	}
	r, size := utf8.DecodeRuneInString(rest)
	if isIdentStart(r) {
		n := size
		for n < len(rest) {
			r, size := utf8.DecodeRuneInString(rest[n:])
			if !isIdentPart(r) {
				break
			}
			n += size
		}
		word := rest[:n]
		if kw, ok := reservedWord(word); ok {
			if binaryOperators[kw] {
				return tok(tokOp, n, kw), nil
			}
			return tok(tokKeyword, n, kw), nil
		}
		return tok(tokIdent, n, word), nil
	}
	for _, op := range twoCharOps {
		if strings.HasPrefix(rest, op) {
			return tok(punctType(op), 2, op), nil
		}
	}
	if strings.IndexByte(oneCharOps, c) >= 0 {
		return tok(punctType(rest[:1]), 1, rest[:1]), nil
	}
	if r == utf8.RuneError && size <= 1 {
		return lexer.Token{}, lexErr(p, "invalid UTF-8 byte 0x%02x", c)
	}
	return lexer.Token{}, lexErr(p, "unexpected character %q", r)
}

func punctType(op string) lexer.TokenType {
	if binaryOperators[op] {
		return tokOp
	}
	return tokPunct
}

// quotedLen returns the length of the quoted token at the start of s,
// quotes included, where a doubled quote stands for one quote character.
func quotedLen(s string, q byte) (int, error) {
	for i := 1; i < len(s); i++ {
		if s[i] != q {
			continue
		}
		if i+1 < len(s) && s[i+1] == q {
			i++
			continue
		}
		return i + 1, nil
	}
	return 0, ErrSyntax
}

// number lexes 12, 1.5, .5, 5., 1e10, 2.5E-3. A letter right after a
// number (12abc) is an error, not two tokens.
func (s *scanner) number(p lexer.Position, rest string) (lexer.Token, error) {
	n := 0
	for n < len(rest) && isDigit(rest[n]) {
		n++
	}
	tt := tokInt
	if n < len(rest) && rest[n] == '.' {
		tt = tokDecimal
		n++
		for n < len(rest) && isDigit(rest[n]) {
			n++
		}
	}
	if n < len(rest) && (rest[n] == 'e' || rest[n] == 'E') {
		tt = tokFloat
		n++
		if n < len(rest) && (rest[n] == '+' || rest[n] == '-') {
			n++
		}
		digits := n
		for n < len(rest) && isDigit(rest[n]) {
			n++
		}
		if n == digits {
			return lexer.Token{}, lexErr(p, "invalid number %q: exponent has no digits", rest[:n])
		}
	}
	if n < len(rest) {
		if r, _ := utf8.DecodeRuneInString(rest[n:]); isIdentPart(r) || r == '.' {
			return lexer.Token{}, lexErr(p, "invalid number: %q is followed by %q", rest[:n], r)
		}
	}
	s.advance(n)
	return lexer.Token{Type: tt, Value: rest[:n], Pos: p}, nil
}
