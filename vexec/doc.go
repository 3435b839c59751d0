// Package vexec runs physical plans with vectorized operators: each
// operator's Next returns a batch of up to types.BatchSize rows held in
// typed column vectors (int64, float64 or []byte per column) with an
// optional selection vector naming the live rows.
//
// Uses: optimizer (the plan and expression nodes), model/table (scans,
// row writes, key encoding for hashing), model/timeseries (the points of
// metric(...)), model/types, mvcc (the transaction every operator reads
// and writes through).
// Used by: sql.
//
// # Operators
//
// Scan (a table or an index range, decoded straight into vectors,
// filter applied to the batch; or a bitmap scan, bitmapscan.go: at Open
// the plan's bitmap expression is evaluated bottom-up with
// table.ReadBitmap per leaf and bitmap.And/Or, stopping an AND once it is
// empty, and a table.BitmapScanner fetches the rows in row-number order,
// or only counts them when no column is needed), SeriesScan (tsscan.go: a metric's
// points from model/timeseries in the statement's transaction,
// collected at Open into batch-sized blocks of time/value/series, one
// block a batch; each series' tag values and tags JSON are built once),
// Values, Filter (narrows the selection vector, no copying), Project,
// hash and nested-loop Join (inner, left, right, full, semi, anti; the
// build side is materialized in column vectors, the probe side streams;
// a one-integer key uses a map[int64]), IndexJoin (indexjoin.go: inner,
// left, right, semi, anti; for each outer row the probe key is encoded with the
// table key codec and a table.Scanner walks that key's range of the
// index in the statement's transaction, the same snapshot every scan
// reads; found rows gather with their outer rows in a pair batch that the
// inner filter and the residual condition narrow by selection vector and
// that is itself the output; a NULL key probes nothing; a semi or anti
// join with nothing left to check stops at the first entry; under
// EXPLAIN ANALYZE the probed scan reports the rows it found, its probe
// count as batches and the time spent probing), hash Aggregate (one group index
// per row, then per-aggregate update loops over the batch;
// count/sum/avg/min/max, string_agg, bool_and/or, the variances with
// DISTINCT), Sort and TopN (a bounded heap), Limit, Distinct, Window
// (per partition in sort order: ranks, positional functions such as
// lag and nth_value, and aggregates over the default frame or a written
// one: added row by row while the frame starts at the partition start,
// recomputed per row otherwise), set operations (UNION, INTERSECT, EXCEPT
// with and without ALL), RecursiveUnion (recursive.go: WITH RECURSIVE by
// working-table iteration: the non-recursive term's rows, then the
// recursive term run again and again, its WorkTableScan reading the rows
// of the previous run from the Context, until a run yields none; without
// ALL a hash set of every row produced drops repeats, so cycles end;
// rows stream out as made, so a LIMIT above stops the recursion; a
// Cached input of the recursive term is read once per run and replayed
// on later iterations), and
// Insert/Update/Delete, which read their
// whole input before writing so an UPDATE never sees its own moved
// rows. An INSERT ... ON CONFLICT (upsert.go) looks each proposed row up
// in its arbiters (a primary-key Get, or a walk of the unique index's
// key) before writing, in the statement's transaction, which sees the
// statement's own writes: a row proposed twice meets its first copy, so
// DO NOTHING keeps the first, and DO UPDATE fails on a row the statement
// already inserted or updated (it keeps their primary keys), as
// PostgreSQL does. DO UPDATE evaluates its SET and WHERE over a one-row
// batch of the existing and the proposed row. A joined UPDATE or DELETE
// (FROM, USING) writes a table row only at its first match, by primary
// key, whichever of several matches comes first.
//
// # Expressions
//
// An evaluator computes an expression for the selected rows of a batch
// into a vector it owns. Comparisons and integer/float arithmetic have
// tight loops over whole vectors, as does a function with an IntKernel
// (time_bucket, its interval folded in at bind time); everything else
// goes a datum at a time through the optimizer's function table. AND, OR and CASE evaluate their
// later parts only on the rows the earlier parts left undecided, so a
// guarded division never divides by zero. Correlated subqueries publish
// the current row of their enclosing level in the Context and re-run;
// uncorrelated ones run once.
//
// EXPLAIN ANALYZE wraps every operator to count rows, batches and time.
//
// # Parallel scans
//
// A Scan the optimizer split (Scan.Splits, "parallel N" in EXPLAIN) runs
// one goroutine per key range (parallelscan.go). Each has its own MVCC
// iterator, filter evaluator and two batches, filling one while the
// consumer reads the other; a batch goes back to its worker when the
// consumer asks for the next, so nothing is copied. The scanners are all
// opened before the first goroutine starts, because opening one registers
// its range with the transaction and a transaction is not safe for
// concurrent use; after that a forward scanner reads only its own
// iterator. The first error stops every worker; so does Close, which a
// LIMIT above may call while workers still have rows. Batches come in no
// fixed order, which is why only order-free consumers get split scans.
//
// # Simplifications
//
//   - Everything that materializes (join build sides, sorts, windows,
//     aggregation state, a SeriesScan's points) lives in memory; there is
//     no spilling to disk. A SeriesScan holds at most the store's
//     MaxQueryPoints points and fails beyond (the store pushes points
//     through a callback, operators pull).
//   - Join output and materialized rows are copied a value at a time.
//   - ON CONFLICT checks and writes one row at a time (a lookup per
//     arbiter, and DO UPDATE expressions over one-row batches).
//   - A bitmap scan materializes its combined bitmap (4 bytes a row at
//     worst) before the first batch; leaves are read one after another.
//   - An index join opens a new table.Scanner (an MVCC iterator and a
//     row decoder) per probe, and a secondary index's rows are fetched one
//     Get at a time (model/table's Scanner does that).
//   - A recursive CTE may produce at most Context.MaxRecursionRows rows
//     (DefaultMaxRecursionRows, 1,000,000, when 0), counted after
//     UNION's duplicate removal; beyond, ErrRecursionLimit names the CTE.
//     A working table, UNION's set of seen rows and Cached inputs (a
//     whole table a graph walk joins with) live in memory.
//   - Window frames: RANGE takes no offsets (peer groups only); a frame
//     that does not start at the partition start costs its width per row.
package vexec
