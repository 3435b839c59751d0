// Package parser turns AegisQL text into a typed AST.
//
// Uses: github.com/alecthomas/participle/v2 (grammar), nothing of this
// module (it sits at the sql layer and imports no storage package).
// Used by: optimizer (binder), sql (sessions), server/pgwire.
//
// # Pipeline
//
//	text ──lex + depth check (lexer.go)──▶ tokens ──split at ";"──▶ one statement's tokens
//	     ──participle──▶ grammar structs (grammar*.go)
//	     ──convert (convert*.go)──▶ AST (ast*.go, types.go) ──String (format*.go)──▶ text
//
// The lexer is hand-written: reserved words become Keyword tokens,
// upper-cased; other words are identifiers, so non-reserved keywords
// (ADD, INDEX, NULLS, TABLES, type names ...) stay usable as names.
// Quoted names and strings keep their quotes in the token so they can
// never match a keyword. The grammar structs mirror the syntax; the
// converter builds the clean AST from them and checks what the grammar
// cannot (type names and parameters, $n ranges, number ranges, JOIN
// conditions, index methods). The participle parser is built once, at
// package initialisation.
//
// Walk visits a tree depth first (children in source order), for the
// binder's searches (aggregates, parameters, column references).
//
// # The invariants
//
//   - Parse and ParseScript never panic: every refusal is an *Error with
//     a 1-based line and column (in runes) and a message such as
//     `parser: 1:15: unexpected "FROM", expected expression`; it matches
//     ErrSyntax, or ErrTooDeep for over-nested input (FuzzParse).
//   - Round trip: for every statement s the parser returns,
//     Parse(s.String()) returns a tree equal to s except for positions,
//     and printing that tree gives the same text (TestRoundTrip,
//     FuzzParse). String prints canonical AegisQL: one line, keywords
//     upper case, synonyms unified (INTEGER → INT, x::t → CAST(x AS t),
//     LEFT OUTER JOIN → LEFT JOIN, START TRANSACTION → BEGIN), names
//     quoted only when needed, and parentheses only where the tree needs
//     them (plus around a comparison on the left of another, for
//     clarity).
//   - Nesting is bounded before the grammar recurses: parentheses, CASE
//     blocks and runs of prefix operators together at most MaxDepth
//     levels, and at most MaxOperators binary operators per statement, so
//     no input can exhaust the stack.
//
// # Grammar (EBNF-ish; keywords are case-insensitive, [x] optional,
// {x} repeated, | alternatives)
//
//	script      = [stmt] {";" [stmt]} .
//	stmt        = query | insert | update | delete | createTable | createIndex
//	            | dropTable | dropIndex | alterTable | "SHOW" "TABLES"
//	            | "EXPLAIN" ["ANALYZE"] (query | insert | update | delete)
//	            | "ANALYZE" [name]
//	            | "BEGIN" ["TRANSACTION" | "WORK"] | "START" "TRANSACTION"
//	            | "COMMIT" ["TRANSACTION" | "WORK"] | "ROLLBACK" ["TRANSACTION" | "WORK"] .
//	query       = [with] union ["ORDER" "BY" order {"," order}] ["LIMIT" (expr | "ALL")]
//	              ["OFFSET" expr ["ROW" | "ROWS"]]
//	              ["FETCH" ("FIRST" | "NEXT") [integer] ("ROW" | "ROWS") "ONLY"] .
//	with        = "WITH" ["RECURSIVE"] name ["(" names ")"] "AS" "(" query ")" {"," ...} .
//	union       = intersect {("UNION" | "EXCEPT") ["ALL" | "DISTINCT"] intersect} .
//	intersect   = operand {"INTERSECT" ["ALL" | "DISTINCT"] operand} .
//	operand     = select | "(" query ")" | "VALUES" row {"," row} .
//	select      = "SELECT" ["DISTINCT" ["ON" "(" expr {"," expr} ")"] | "ALL"] item {"," item}
//	              ["FROM" from {"," from}] ["WHERE" expr] ["GROUP" "BY" expr {"," expr}]
//	              ["HAVING" expr] ["WINDOW" name "AS" window {"," ...}] .
//	item        = "*" | name "." "*" | expr [["AS"] name] .
//	order       = expr ["ASC" | "DESC"] ["NULLS" ("FIRST" | "LAST")] .
//	from        = tablePrim {join} .
//	join        = ["NATURAL"] ["CROSS" | "INNER" | ("LEFT" | "RIGHT" | "FULL") ["OUTER"]] "JOIN"
//	              tablePrim ["ON" expr | "USING" "(" names ")"] .
//	tablePrim   = ("(" from ")" | "(" query ")" | name ["(" [expr {"," expr}] ")"])
//	              [["AS"] name ["(" names ")"]] .
//	insert      = "INSERT" "INTO" name ["AS" name] ["(" names ")"] ("VALUES" row {"," row}
//	              | "DEFAULT" "VALUES" | query) [onConflict] ["RETURNING" item {"," item}] .
//	row         = "(" (expr | "DEFAULT") {"," ...} ")" .
//	onConflict  = "ON" "CONFLICT" ["(" names ")"] "DO" ("NOTHING" | "UPDATE" "SET" assign
//	              {"," assign} ["WHERE" expr]) .
//	update      = "UPDATE" name [["AS"] name] "SET" assign {"," assign}
//	              ["FROM" from {"," from}] ["WHERE" expr] [returning] .
//	assign      = name "=" (expr | "DEFAULT") .
//	delete      = "DELETE" "FROM" name [["AS"] name] ["USING" from {"," from}]
//	              ["WHERE" expr] [returning] .
//	createTable = "CREATE" "TABLE" ["IF" "NOT" "EXISTS"] name "(" elem {"," elem} ")" .
//	elem        = ("PRIMARY" "KEY" | "UNIQUE") "(" names ")" | name type {colConstraint} .
//	colConstraint = "PRIMARY" "KEY" | "NOT" "NULL" | "NULL" | "UNIQUE"
//	            | "DEFAULT" concatExpr | "REFERENCES" name ["(" name ")"] .
//	createIndex = "CREATE" ["UNIQUE"] "INDEX" ["IF" "NOT" "EXISTS"] name "ON" name
//	              ["USING" method] "(" names ")" ["USING" method] .   method = btree | bitmap
//	dropTable   = "DROP" "TABLE" ["IF" "EXISTS"] name {"," name} .
//	dropIndex   = "DROP" "INDEX" ["IF" "EXISTS"] name .
//	alterTable  = "ALTER" "TABLE" name ("ADD" ["COLUMN"] name type {colConstraint}
//	            | "DROP" ["COLUMN"] name | "RENAME" ["COLUMN"] name "TO" name) .
//	type        = INT | INTEGER | BIGINT | SMALLINT | REAL | FLOAT | DOUBLE [PRECISION]
//	            | DECIMAL ["(" p ["," s] ")"] | NUMERIC [...] | VARCHAR ["(" n ")"] | CHAR ["(" n ")"]
//	            | TEXT | BOOLEAN | BOOL | DATE | TIME | TIMESTAMP | JSON | BLOB | BYTEA | SERIAL .
//
// Expressions, loosest binding first; binary operators associate to the left:
//
//	expr     = and {"OR" and} .
//	and      = not {"AND" not} .
//	not      = "NOT" not | pred .
//	pred     = concat { ("=" | "<>" | "!=" | "<" | "<=" | ">" | ">=")
//	                    (concat | ("ANY" | "SOME" | "ALL") "(" query ")")
//	                  | "IS" ["NOT"] ("NULL" | "UNKNOWN" | "TRUE" | "FALSE" | "DISTINCT" "FROM" concat)
//	                  | ["NOT"] "IN" "(" (expr {"," expr} | query) ")"
//	                  | ["NOT"] "BETWEEN" ["SYMMETRIC" | "ASYMMETRIC"] concat "AND" concat
//	                  | ["NOT"] ("LIKE" | "ILIKE") concat ["ESCAPE" unary] } .
//	concat   = add {"||" add} .
//	add      = mul {("+" | "-") mul} .
//	mul      = pow {("*" | "/" | "%") pow} .
//	pow      = unary {"^" unary} .          (left-associative, as in PostgreSQL)
//	unary    = ("-" | "+") unary | primary {"::" type} .
//	primary  = "EXISTS" "(" query ")" | case | "CAST" "(" expr "AS" type ")"
//	         | $n | integer | decimal | float | 'string' | TRUE | FALSE | NULL
//	         | (DATE | TIME | TIMESTAMP) 'string'
//	         | (name | "LEFT" | "RIGHT") "(" ["*" | ["DISTINCT" | "ALL"] args] ")"
//	           ["FILTER" "(" "WHERE" expr ")"] ["OVER" (window | name)]
//	         | name ["." name] | "(" expr ")" | "(" query ")" .
//	args     = expr {"," expr}                       -- and the keyword forms, turned into
//	         | expr ["FROM" expr] ["FOR" expr]        -- plain calls: substring(s FROM a FOR b),
//	         | ["BOTH" | "LEADING" | "TRAILING"] [expr] "FROM" expr   -- trim(...), extract(f FROM x),
//	         | expr "IN" concat .                     -- position(a IN b)
//	window   = "(" ["PARTITION" "BY" expr {"," expr}] ["ORDER" "BY" order {"," order}]
//	           [("ROWS" | "RANGE") (bound | "BETWEEN" bound "AND" bound)] ")" .
//	bound    = "UNBOUNDED" ("PRECEDING" | "FOLLOWING") | "CURRENT" "ROW"
//	         | integer ("PRECEDING" | "FOLLOWING") .
//	case     = "CASE" [expr] "WHEN" expr "THEN" expr {"WHEN" ...} ["ELSE" expr] "END" .
//
// Tokens: names are letters, digits, _ and $ (not first), folded to lower
// case, or "quoted" with "" for a quote (case kept); strings are '...'
// with a doubled quote for a quote; numbers are 12 (int64, else exact numeric), 1.5
// or .5 (exact numeric, text kept), 1e10 (float); comments are -- to end
// of line and /* ... */ (not nested). Keywords are ASCII words. Reserved
// words (never names unless quoted): ALL AND AS ASC BETWEEN BY CASE CAST COLUMN CREATE CROSS DEFAULT
// DELETE DESC DISTINCT DROP ELSE END EXCEPT EXISTS FALSE FETCH FROM FULL GROUP
// HAVING IN INNER INSERT INTERSECT INTO IS JOIN LEFT LIKE LIMIT NATURAL
// NOT NULL OFFSET ON OR ORDER OUTER PRIMARY REFERENCES RETURNING RIGHT
// SELECT SET TABLE THEN TRUE UNION UNIQUE UPDATE USING VALUES WHEN WHERE
// WINDOW WITH.
//
// Every alternative of the grammar is decided by its next token (or, in
// two places, an explicit (?= ...) lookahead), and participle runs with
// lookahead 0: an alternative that has consumed a token is committed,
// which keeps parsing free of backtracking and puts syntax errors where
// the input goes wrong. Expressions are flat chains in the grammar
// (operand {operator operand}); the converter builds the tree by
// precedence climbing.
//
// # Simplifications
//
//   - A subquery inside an expression or FROM must start with SELECT or
//     WITH: "((SELECT 1) UNION SELECT 2)" is refused as an expression
//     (drop the inner parentheses or move the query into WITH). The
//     source query of INSERT without a column list may not start with "(".
//   - NOT after another operator needs parentheses: a = (NOT b), not
//     a = NOT b (the printer writes them too). AND NOT and OR NOT are fine.
//   - No schema-qualified names (schema.table), no LATERAL, no UPDATE
//     ... FROM, no GROUPS frames or EXCLUDE, no named
//     constraints (CONSTRAINT name), no foreign keys at table level, no
//     index expressions or per-column ASC/DESC in CREATE INDEX, one
//     action per ALTER TABLE, no RENAME TO (table rename), no E'...'
//     strings, no row constructors.
//   - LIMIT must come before OFFSET; no CHECK constraints, no ORDER BY
//     inside an aggregate call.
//   - WINDOW w AS (...) is resolved while converting: OVER w copies the
//     definition into the call, so the AST and the printer know no
//     window names (and OVER w is not available in the query's ORDER BY).
//   - A column alias list on a plain table (t AS u (a, b)) becomes the
//     derived table (SELECT * FROM t) AS u (a, b).
//   - ANY, SOME, ILIKE, ESCAPE, FILTER, BOTH, LEADING, TRAILING, FOR and
//     the frame words are keywords only where the grammar expects them;
//     a column named "filter" right after a call's ")" must be quoted.
//   - DEFAULT takes an expression without top-level AND, OR, NOT or
//     comparisons (parenthesise them), as PostgreSQL's b_expr does.
//   - Comparison, IS, IN, BETWEEN and LIKE share one precedence level and
//     associate to the left (PostgreSQL ranks IS above =).
//   - The text of DATE/TIME/TIMESTAMP literals and the names of functions
//     are not checked here; that is the binder's job.
//   - Parsing uses participle's reflection-driven engine: the grammar is
//     easy to read and change, but a statement takes 40-300 µs and
//     500-1700 allocations (docs/benchmarks.md), and a list is limited to
//     participle's 1 000 000 iterations (an error beyond). The sql layer
//     should cache parsed statements by text, or use prepared statements,
//     for hot point queries.
//
// # Tests
//
// Golden files in testdata/golden (datadriven; regenerate with
// `go test ./parser/ -run TestGolden -rewrite` and review the diff), a
// round trip over every golden input, TestRandomTrees (random trees
// printed and parsed back; the seed is logged, AEGIS_SEED=n replays it,
// AEGIS_LONG=1 runs 50x more trees), and FuzzParse (seed corpus in
// testdata/fuzz/FuzzParse plus every golden input):
//
//	go test ./parser/ -run '^$' -fuzz FuzzParse -fuzztime 60s
package parser
