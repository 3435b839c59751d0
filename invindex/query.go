package invindex

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Query is a node of a search query. Words are analyzed when the query
// runs, with the index's analyzer. Field "" means every field searched
// (SearchOptions.Fields, or every indexed field).
type Query interface {
	String() string
	isQuery()
}

// Term matches documents containing a word.
type Term struct{ Field, Word string }

// Phrase matches documents containing the words of Text at the same
// relative positions (stop words keep their place).
type Phrase struct{ Field, Text string }

// Fuzzy matches documents containing a term within Distance (1 or 2)
// edits (insert, delete, substitute) of the analyzed word.
type Fuzzy struct {
	Field, Word string
	Distance    int
}

// And matches documents matching every clause that is not a Not, and
// none of the Not clauses.
type And struct{ Clauses []Query }

// Or matches documents matching any clause that is not a Not, minus the
// documents of its Not clauses; scores of matching clauses add up.
type Or struct{ Clauses []Query }

// Not matches the documents its query does not match (inside And and Or
// it excludes; alone, it is the complement within all documents).
type Not struct{ Query Query }

func (Term) isQuery()   {}
func (Phrase) isQuery() {}
func (Fuzzy) isQuery()  {}
func (And) isQuery()    {}
func (Or) isQuery()     {}
func (Not) isQuery()    {}

func fieldPrefix(f string) string {
	if f == "" {
		return ""
	}
	return f + ":"
}

func (q Term) String() string   { return fieldPrefix(q.Field) + q.Word }
func (q Phrase) String() string { return fieldPrefix(q.Field) + strconv.Quote(q.Text) }
func (q Fuzzy) String() string {
	return fmt.Sprintf("%s%s~%d", fieldPrefix(q.Field), q.Word, q.Distance)
}
func (q Not) String() string { return "NOT " + q.Query.String() }
func (q And) String() string { return join(q.Clauses, " AND ") }
func (q Or) String() string  { return join(q.Clauses, " OR ") }

func join(qs []Query, sep string) string {
	parts := make([]string, len(qs))
	for i, q := range qs {
		parts[i] = q.String()
	}
	return "(" + strings.Join(parts, sep) + ")"
}

// ParseQuery parses the query-string syntax:
//
//	query  := or
//	or     := and { ["OR"] and }        juxtaposition means OR
//	and    := unary { "AND" unary }
//	unary  := ("NOT" | "-") unary | "+" unary | atom
//	atom   := [field ":"] ( word ["~" [1|2]] | '"' phrase '"' | "(" or ")" )
//
// "+word" is shorthand for requiring the word: "+a b" parses as a AND b.
func ParseQuery(s string) (Query, error) {
	p := &parser{src: s}
	p.lex()
	if len(p.toks) == 0 {
		return nil, queryError(0, "empty query")
	}
	q, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.i < len(p.toks) {
		return nil, queryError(p.toks[p.i].pos, "unexpected %q", p.toks[p.i].text)
	}
	return q, nil
}

type token struct {
	kind byte // 'w' word, 'q' quoted, or one of ( ) + - :
	text string
	pos  int
}

type parser struct {
	src  string
	toks []token
	i    int
	err  error
}

func (p *parser) lex() {
	s := p.src
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsSpace(r):
			i += n
		case strings.ContainsRune("()+-:", r) && !(r == '-' && i > 0 && !unicode.IsSpace(rune(s[i-1])) && s[i-1] != '('):
			p.toks = append(p.toks, token{byte(r), string(r), i})
			i += n
		case r == '"':
			end := strings.IndexByte(s[i+1:], '"')
			if end < 0 {
				p.err = queryError(i, "unterminated phrase")
				return
			}
			p.toks = append(p.toks, token{'q', s[i+1 : i+1+end], i})
			i += end + 2
		default:
			j := i
			for j < len(s) {
				r, n := utf8.DecodeRuneInString(s[j:])
				if unicode.IsSpace(r) || strings.ContainsRune("()\":", r) {
					break
				}
				j += n
			}
			p.toks = append(p.toks, token{'w', s[i:j], i})
			i = j
		}
	}
}

func (p *parser) peek() *token {
	if p.i < len(p.toks) {
		return &p.toks[p.i]
	}
	return nil
}

func (p *parser) keyword(kw string) bool {
	t := p.peek()
	if t != nil && t.kind == 'w' && t.text == kw {
		p.i++
		return true
	}
	return false
}

func (p *parser) or() (Query, error) {
	if p.err != nil {
		return nil, p.err
	}
	var qs []Query
	for {
		q, err := p.and()
		if err != nil {
			return nil, err
		}
		qs = append(qs, q)
		p.keyword("OR")
		if t := p.peek(); t == nil || t.kind == ')' {
			break
		}
	}
	return flatten(qs, false), nil
}

func (p *parser) and() (Query, error) {
	q, err := p.unary()
	if err != nil {
		return nil, err
	}
	qs := []Query{q}
	for p.keyword("AND") {
		q, err := p.unary()
		if err != nil {
			return nil, err
		}
		qs = append(qs, q)
	}
	if len(qs) == 1 {
		return qs[0], nil // a lone "+x" stays marked for its OR group
	}
	return flatten(qs, true), nil
}

// required marks a clause written with a leading "+".
type required struct{ Query }

func (p *parser) unary() (Query, error) {
	t := p.peek()
	if t == nil {
		return nil, queryError(len(p.src), "expected a term")
	}
	switch {
	case t.kind == '-' || (t.kind == 'w' && t.text == "NOT"):
		p.i++
		q, err := p.unary()
		if err != nil {
			return nil, err
		}
		return Not{q}, nil
	case t.kind == '+':
		p.i++
		q, err := p.unary()
		if err != nil {
			return nil, err
		}
		return required{q}, nil
	}
	return p.atom("")
}

func (p *parser) atom(field string) (Query, error) {
	t := p.peek()
	if t == nil {
		return nil, queryError(len(p.src), "expected a term")
	}
	p.i++
	switch t.kind {
	case 'q':
		return Phrase{Field: field, Text: t.text}, nil
	case '(':
		q, err := p.or()
		if err != nil {
			return nil, err
		}
		if c := p.peek(); c == nil || c.kind != ')' {
			return nil, queryError(t.pos, "unclosed parenthesis")
		}
		p.i++
		if field != "" {
			return nil, queryError(t.pos, "a field cannot apply to a group")
		}
		return q, nil
	case 'w':
		if c := p.peek(); c != nil && c.kind == ':' && field == "" {
			p.i++
			if err := checkName("field", t.text); err != nil {
				return nil, queryError(t.pos, "bad field name")
			}
			return p.atom(t.text)
		}
		word, dist, fuzzy := strings.Cut(t.text, "~")
		if word == "" {
			return nil, queryError(t.pos, "empty word")
		}
		if !fuzzy {
			return Term{Field: field, Word: word}, nil
		}
		d := 2
		if dist != "" {
			var err error
			if d, err = strconv.Atoi(dist); err != nil || d < 1 || d > 2 {
				return nil, queryError(t.pos, "fuzzy distance %q is not 1 or 2", dist)
			}
		}
		return Fuzzy{Field: field, Word: word, Distance: d}, nil
	}
	return nil, queryError(t.pos, "unexpected %q", t.text)
}

// flatten builds the And (and=true) or Or of qs, hoisting required
// clauses: in an Or group with any required clause, the group becomes an
// And of the required clauses, its Not clauses, and (optionally) an Or of
// the rest, which then only adds to the score.
func flatten(qs []Query, and bool) Query {
	var req, rest []Query
	for _, q := range qs {
		if r, ok := q.(required); ok {
			req = append(req, r.Query)
		} else {
			rest = append(rest, q)
		}
	}
	if and {
		all := append(req, rest...)
		if len(all) == 1 {
			return all[0]
		}
		return And{all}
	}
	if len(req) == 0 {
		if len(rest) == 1 {
			return rest[0]
		}
		return Or{rest}
	}
	var optional []Query
	for _, q := range rest {
		if _, ok := q.(Not); ok {
			req = append(req, q)
		} else {
			optional = append(optional, q)
		}
	}
	switch len(optional) {
	case 0:
	case 1:
		req = append(req, Optional{optional[0]})
	default:
		req = append(req, Optional{Or{optional}})
	}
	if len(req) == 1 {
		return req[0]
	}
	return And{req}
}

// Optional, inside an And, adds its score to documents that match it but
// does not restrict the And's result.
type Optional struct{ Query Query }

func (Optional) isQuery()         {}
func (q Optional) String() string { return "[" + q.Query.String() + "]" }
