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
// SeriesScan, Values, Filter, Project, Join (hash, nested-loop or index
// join), Aggregate, Window, Sort (a TopN when it carries a limit), Limit,
// Distinct, SetOp, RecursiveUnion with its WorkTable and Cached inputs,
// Insert, Update, Delete. Each
// node's output is an ordered list of columns; expressions read input
// columns by position (ColRef).
//
// Writes (binder.go, upsert.go): an Insert's input is a projection to the
// table's columns in table order, defaults and assignment casts applied.
// Its OnConflict holds the arbiters (the primary key or the unique index
// whose column set equals the ON CONFLICT target; without a target, for
// DO NOTHING, the primary key and every unique index) and, for DO
// UPDATE, a new value per column and the WHERE, bound over the existing
// row followed by the proposed one: the table (by its name or INSERT's
// alias) names the first half, the pseudo-table excluded the second, so
// an unqualified column present in both is ambiguous, as in PostgreSQL.
// Update and Delete read their table joined (a cross join the WHERE
// filters, which the rules below turn into hash or index joins) with the
// tables of UPDATE ... FROM or DELETE ... USING; the table's columns come
// first, and Others tells the executor where the other tables' columns
// start (for RETURNING, which may name them, and to write each row once).
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
// histograms) when there are any and fixed guesses otherwise. A row found
// through a secondary index costs its entry plus a seek to the row (36
// units of one scanned row, the index join's measured constant below), so
// such an index is chosen only when very selective. Joins with equality keys are
// hash joins, built on the smaller input, or index joins (below); others
// are nested loops.
// A cluster of 3 to 8 inner-joined relations is reordered by dynamic
// programming over subsets of relations (joinorder.go), joining halves a
// predicate connects before considering cross products; a projection
// above restores the written column order. Projection pruning then tells
// every scan which columns anything above reads (prune.go).
// EXPLAIN prints the chosen plan with estimated rows and cost.
//
// Bitmap scans (bitmapscan.go). After the index choice, a scan whose
// filter holds equality, IN and IS NULL predicates on columns with a
// bitmap index (CREATE INDEX ... USING bitmap), alone or joined by AND and
// OR (across several bitmap indexes of the table), gets a BitmapAccess
// when it costs less than what the scan has: the leaves' bitmaps are
// intersected and united, the rows fetched in row-number order, and the
// predicates answered that way leave the filter. Leaf selectivity is
// values/distinct (ANALYZE) or nulls/rows for IS NULL, 5% per value
// without statistics; AND multiplies, OR adds as independent events.
// Cost: 16 units per value per 65,536 rows of bitmap read, plus 28 per
// fetched row (two point reads, measured against a sequential row), 14
// when the table's integer primary key numbers its rows (one read).
// When nothing above reads a column and no filter is left, the rows are
// counted, not fetched (EXPLAIN: "count only"): prune marks such scans
// and the optimizer revisits them after pruning with the fetch cost
// dropped, which is how count(*) with only such predicates is answered
// from the bitmaps. A scan an index join probes gives the predicates its
// bitmaps answered back to its filter (undoBitmap), and a plan optimized
// twice decides its bitmap access again from the filter it has then.
// EXPLAIN shows
//
//	BitmapScan t USING t_color (color = 'red') AND t_size (size IN (1, 2)) count only
//
// Index joins (indexjoin.go). An inner, LEFT, RIGHT, semi or anti join
// whose inner side is a table scan (a semi join from `x IN (SELECT col ...)`
// is read through its projection) can probe an index of that table once
// per outer row instead of scanning it: any btree index, primary or
// secondary, whose leading columns the join keys cover (with the same
// type, so the encoded key finds equal values), or cover together with
// constant equalities of the scan's filter (index (grp, v), join on v,
// WHERE grp = 'red'). Only the side of an outer join whose unmatched
// rows are dropped is probed (the right of a LEFT join, the left of a
// RIGHT one); an inner join may probe either side. The cost compared with the hash
// join's (outer + inner scan + 2·inner + output) is
//
//	outer + outer rows · (35 + rows per key · (1 primary | 36 secondary)) + output
//
// in units of one row scanned: a seek was measured at about 35 of them
// (3 µs against 85 ns on the memory backend), and a row found through a
// secondary index is fetched with another seek. Rows per key are the
// table's rows over the distinct counts of the probed columns (ANALYZE),
// 5% of the table per column without statistics, and 1 for a whole
// unique key; secondary-index scans are costed the same way. The
// probed scan keeps its filter, applied to what each probe finds; key
// pairs the probe does not use and the join's condition become the
// lookup's residual. The join-order DP prices each join of a relation it
// adds with the cheaper of the two, so a selective start followed by
// probes is found for clusters too. In EXPLAIN the probed scan shows the
// probe key as its range (`IndexScan ord USING ord_cust [cust_id = c.id]`)
// and the figures of one probe.
//
// Last (parallel.go), a primary-key scan of at least 100,000 rows whose
// consumers do not depend on row order (it sits below an aggregate, a
// sort or DISTINCT, through filters, projections and joins) is cut into
// up to min(GOMAXPROCS, MaxScanWorkers) (1 by default: off; see
// parallel.go) key ranges at quantiles of the
// first key column's histogram, which the executor reads concurrently.
// A table without ANALYZE statistics is scanned serially, and a bitmap
// scan never is split.
//
// # Simplifications
//
//   - Outer joins keep their written order; only inner-join clusters are
//     reordered, and a cluster holding a subquery keeps its order.
//   - Bitmap scans take only exact predicates: a NOT, a range, or an OR
//     with a branch no bitmap index answers leaves the whole conjunct to
//     the filter (no superset bitmaps with a recheck). They never
//     provide an order, so ORDER BY sorts.
//   - No merge join. An index join probes one key per outer row (no
//     batching or sorting of keys), and estimates rows per key from
//     distinct counts only, not from histograms or skew.
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
//   - ON CONFLICT names its arbiter by columns only (no ON CONSTRAINT
//     name, no WHERE of a partial index: there are none).
package optimizer
