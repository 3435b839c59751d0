// Package optimizer turns a parsed AegisQL statement into a physical plan:
// binder → logical plan → rewrite rules → access paths and join
// algorithms chosen by estimated cost.
//
// Uses: parser (the AST), model/table (descriptors, statistics, key
// encoding of index bounds), model/types (types and datums),
// model/timeseries (time bounds and errors of metric(...)).
// Used by: vexec (runs the plans), sql (the session).
//
// # Binding
//
// The Binder resolves every name against a stack of scopes, one per query
// level (a subquery is one level down). A column found in an enclosing
// level becomes an OuterRef and marks the subquery correlated. Types are
// fixed here: comparison operands are coerced to a common type (integers
// widen, decimals take the larger scale, an untyped string literal takes
// the other side's type: `d = '2024-01-01'` compares dates), arithmetic
// follows PostgreSQL (integer division truncates, a decimal divided gives
// a double), and INSERT/UPDATE values get assignment casts to the column
// types. Errors name the position and the problem (unknown column,
// ambiguous reference, type mismatch, aggregate in WHERE, column not in
// GROUP BY).
//
// A SELECT binds in the order SQL evaluates it: FROM (joins), WHERE,
// GROUP BY and aggregates (select items are rewritten over the
// Aggregate's output: a sub-expression equal to a GROUP BY key becomes
// that key's column), HAVING, window functions, the projection, DISTINCT,
// ORDER BY (an output name, a position, or an expression added as a
// hidden column and projected away after the sort), LIMIT/OFFSET.
//
// A CTE is bound where it is referenced (each reference gets its own
// plan), but in its own scope, as in PostgreSQL: the CTEs before it in
// its WITH (all of them under WITH RECURSIVE), enclosing WITHs, and the
// query levels around its WITH clause; the levels between that clause
// and the reference stay on the scope stack as empty scopes, so the
// body's outer references keep the levels where it is placed. A correlated subquery in the select list or HAVING of a grouped
// query (grouped.go) runs per group over the Aggregate's output, so, as
// in PostgreSQL, it may read only the outer query's grouping columns
// (rebased onto the Aggregate's key columns) and aggregates of the outer
// query: an aggregate whose argument reads only columns of an enclosing
// level belongs to that level (OuterAgg), which computes it per group;
// any other column is refused ("subquery uses ungrouped column ...").
//
// WITH RECURSIVE (recursive.go). A CTE of a WITH RECURSIVE that names
// itself must be `non_recursive_term UNION [ALL] recursive_term`; it
// binds to a RecursiveUnion whose recursive input reads the previous
// iteration's rows through a WorkTable. Column names come from the CTE's
// column list or the non-recursive term, types from the non-recursive
// term (the recursive term's values get assignment casts to them; a
// type that cannot convert is an error naming the column). The
// self-reference is checked where it binds, with PostgreSQL's rules and
// messages: exactly once, in the recursive term, not inside a subquery
// (a derived table is fine), not on the nullable side of an outer join,
// not under INTERSECT or EXCEPT, not in a query level that computes
// aggregates;
// ORDER BY/LIMIT on the CTE's own query and mutual recursion between
// WITH items are refused. After physical planning, every largest subtree
// of a recursive term that does not read the working table is wrapped
// in a Cached node: its rows cannot change between iterations (functions
// are deterministic within a statement), so they are read once per run.
//
// Time series. The FROM item metric(name [, from [, to]]) binds to a
// SeriesScan (series.go): its arguments must be constants; the range is
// [from, to) turned into the model's inclusive milliseconds; its columns
// are ts, value, one TEXT column per tag key of the metric's series (read
// through the optional SeriesCatalog interface, in the statement's
// transaction) and a tags JSON column. time_bucket(interval, ts)
// (timebucket.go) parses its constant interval once, at bind time, into
// a width the Call's Func closes over; buckets follow TimescaleDB (origin
// 2000-01-03, fixed widths only).
//
// # Plan
//
// Logical and physical plans share one set of nodes (plan.go): Scan,
// SeriesScan, Values, Filter, Project, Join, Aggregate, Window, Sort (a TopN when it
// carries a limit), Limit, Distinct, SetOp, RecursiveUnion with its
// WorkTable and Cached inputs, Insert, Update, Delete. Each
// node's output is an ordered list of columns; expressions read input
// columns by position (ColRef).
//
// # Rules
//
//   - Constant folding, including AND/OR with a constant side. A constant
//     expression that fails (1/0) is left for run time, where it fails only
//     if it is reached.
//   - Predicate pushdown: WHERE conjuncts move into scans (and narrow a
//     SeriesScan's time range), through
//     projections (by substitution) and into the inputs of joins; equality
//     conjuncts between the two sides of a join become hash keys; a
//     cross join with such a conjunct becomes an inner join.
//   - Subquery decorrelation: `x IN (uncorrelated subquery)` becomes a
//     semi join, and `[NOT] EXISTS (subquery correlated by equalities)`
//     a semi (anti) join. Other subqueries run as expressions: once when
//     uncorrelated, per row otherwise.
//   - TopN: a Sort under a Limit keeps only the rows the limit needs.
//
// # Physical planning and costs
//
// Scans look for the cheapest index: equality conditions on a prefix of
// an index's columns and one range after them give key bounds. Estimates
// come from ANALYZE's statistics (row counts, distinct counts, equi-depth
// histograms) when there are any and fixed guesses otherwise. A secondary
// index costs three units per row (the index entry and a lookup of the
// row), so it is chosen only when selective. Joins with equality keys are
// hash joins, built on the smaller input; others are nested loops.
// A cluster of 3 to 8 inner-joined relations is reordered by dynamic
// programming over subsets of relations (joinorder.go), joining halves a
// predicate connects before considering cross products; a projection
// above restores the written column order. Projection pruning then tells
// every scan which columns anything above reads (prune.go).
// EXPLAIN prints the chosen plan with estimated rows and cost.
//
// Last (parallel.go), a primary-key scan of at least 100,000 rows whose
// consumers do not depend on row order (it sits below an aggregate, a
// sort or DISTINCT, through filters, projections and joins) is cut into
// up to min(GOMAXPROCS, MaxScanWorkers) key ranges at quantiles of the
// first key column's histogram, which the executor reads concurrently.
// A table without ANALYZE statistics is scanned serially.
//
// # Simplifications
//
//   - Outer joins keep their written order; only inner-join clusters are
//     reordered, and a cluster holding a subquery keeps its order.
//   - No index nested-loop join and no merge join.
//   - DISTINCT inside window aggregates is refused (ErrUnsupported).
//   - A recursive CTE is estimated, as in PostgreSQL, at ten iterations
//     of a working table as large as the non-recursive term. Each
//     reference to a CTE runs it again (no shared materialization), and
//     a predicate on a recursive CTE's output stays above it (it cannot
//     be pushed into the iteration). The recursive term's values are
//     cast to the non-recursive term's types, where PostgreSQL would
//     insist on equal types.
//   - A SeriesScan is estimated at a fixed 1,000 rows. Pushed-down WHERE
//     conjuncts comparing ts with a constant narrow its range (they stay
//     in a Filter above, so the range only has to be a superset); OR and
//     other shapes are left to the Filter.
//   - DECIMAL is held in an int64 (at most 18 digits); a bare DECIMAL is
//     DECIMAL(18,6).
package optimizer
