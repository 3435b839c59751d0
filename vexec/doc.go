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
// filter applied to the batch), SeriesScan (tsscan.go: a metric's
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
// count/sum/avg/min/max with DISTINCT), Sort and TopN (a bounded heap),
// Limit, Distinct, Window (row_number, rank, dense_rank and running or
// whole-partition aggregates), set operations (UNION, INTERSECT, EXCEPT
// with and without ALL), and Insert/Update/Delete, which read their
// whole input before writing so an UPDATE never sees its own moved
// rows.
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
// # Simplifications
//
//   - Everything that materializes (join build sides, sorts, windows,
//     aggregation state, a SeriesScan's points) lives in memory; there is
//     no spilling to disk. A SeriesScan holds at most the store's
//     MaxQueryPoints points and fails beyond (the store pushes points
//     through a callback, operators pull).
//   - Join output and materialized rows are copied a value at a time.
//   - An index join opens a new table.Scanner (an MVCC iterator and a
//     row decoder) per probe, and a secondary index's rows are fetched one
//     Get at a time (model/table's Scanner does that).
//   - Window frames are the SQL default only (partition start to the
//     current row's last peer with ORDER BY, the whole partition without).
package vexec
