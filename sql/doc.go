// Package sql is the SQL front door: an Engine over one mvcc.DB and
// Sessions that run statements.
//
// Uses: parser, optimizer, vexec, model/table (the catalog), model/stream
// (change data capture), model/timeseries (metric(...)), mvcc.
// Used by: server (POST /api/v1/query), cmd/aegis.
//
// A Session runs a script of statements. Outside BEGIN ... COMMIT each
// statement is its own transaction (autocommit), retried a few times
// when it loses a write-write race at commit, since it has had no
// visible effect. Inside an explicit transaction a failed statement
// aborts the block, as in PostgreSQL: later statements are refused until
// ROLLBACK, and COMMIT rolls back. DDL is transactional (the catalog is
// stored through MVCC).
//
// Statements: queries, INSERT/UPDATE/DELETE [RETURNING], EXPLAIN
// [ANALYZE], CREATE/DROP TABLE, ALTER TABLE ADD/DROP/RENAME COLUMN
// (existing rows take an added column's DEFAULT), CREATE/DROP INDEX,
// SHOW TABLES, ANALYZE [table] (row counts, distinct counts, NULL counts
// and 32-bucket equi-depth histograms from a 10,000-value reservoir
// sample per column), BEGIN/COMMIT/ROLLBACK.
//
// Parameters $1..$n are Go values (nil, bool, integers, floats, strings,
// json.Number, []byte); a string parameter is typed by its context, like
// a literal. Value converts result datums for JSON: decimals stay exact
// as json.Number.
//
// Change data capture (cdc.go): after UseStreams(store),
// CaptureChanges(ctx, table, channel) stores the channel in the table's
// descriptor, and every row the table layer writes is published to it as
// a "change" event {"table", "op", "old", "new"} by stream.PublishChangeIn
// inside the statement's transaction — so an event exists if and only if
// its change commits, in commit order. Writers of captured tables that
// share a channel serialize on it through write-write conflicts.
//
// Time series (timeseries.go): after UseTimeSeries(store), the table
// function metric(name [, from [, to]]) reads a model/timeseries metric
// as rows (ts, value, a TEXT column per tag key, tags JSON) in the
// statement's transaction, and time_bucket(interval, ts) buckets times,
// so GROUP BY time_bucket('1 hour', ts), host aggregates points in SQL.
// The store must be on the engine's DB; the server wires both.
//
// Foreign keys: a column's REFERENCES becomes a constraint of
// model/table (Catalog.AddForeignKey) once the table and its unique
// indexes exist, so a table can reference itself; vexec's DML operator
// checks it at the end of each statement (PostgreSQL's NO ACTION).
// DROP TABLE drops all its tables together, so foreign keys among them
// do not block it. See docs/sql.md, Constraints.
//
// Simplifications: no ON DELETE/ON UPDATE actions and no table-level
// FOREIGN KEY (the parser has neither); no savepoints; ANALYZE counts distinct values exactly up to 2^20 per
// column and stops counting there.
package sql
