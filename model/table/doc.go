// Package table maps SQL tables onto mvcc keys: a catalog of table
// descriptors, rows under their primary key, secondary index entries, and
// scans that decode rows straight into the typed column vectors of the
// executor.
//
// Uses: mvcc, model/keyenc, model/types. Used by: optimizer, vexec, sql.
//
// # Keys
//
// Everything lives in the shared mvcc keyspace under "sql\x00" (see
// keys.go for the full map). A table's rows and index entries are one
// contiguous range:
//
//	row:            sql\0 r <table id> <1>        <pk columns...>   -> row value
//	index entry:    sql\0 r <table id> <index id> <columns...> [<pk columns...>] -> <pk columns...>
//
// IDs and columns are model/keyenc values, so a range scan of the engine
// is a range scan of the table in key order, and a prefix of an index's
// columns bounds a range of rows. Non-unique indexes append the primary
// key to make each entry distinct; a unique index does too for a row
// whose indexed values hold a NULL (NULLs never collide), and otherwise
// relies on the key itself being unique. The index entry's value is the
// encoded primary key, which finds the row.
//
// # Row values
//
//	| 1 | (column ID delta << 2 | wire) varint | payload | ... |
//
// Non-NULL columns in column-ID order, each payload sized by its wire type
// (varint, 8-byte float, length-prefixed bytes). A missing column is NULL
// and an unknown column is skipped, so ADD COLUMN and DROP COLUMN rewrite
// no rows: column IDs are never reused within a table.
//
// # Catalog
//
// Descriptors are JSON under their table ID, found through a name entry,
// read and written in the caller's transaction: DDL commits or rolls back
// with everything else. The catalog caches descriptors keyed by a random
// nonce every DDL rewrites, so a statement pays one mvcc Get to learn the
// cache is still good. Sequences (SERIAL and the hidden rowid of a table
// without a primary key) are reserved in blocks by short transactions of
// their own, never rolled back: values are unique and increasing, with
// gaps after a restart, as in PostgreSQL.
//
// # Constraints
//
// The table layer enforces primary keys, unique indexes, NOT NULL and the
// length of VARCHAR(n)/CHAR(n). Under snapshot isolation two concurrent
// inserts of one key both pass the existence check, and mvcc's
// first-committer-wins rejects the second commit with mvcc.ErrConflict,
// so duplicates never commit. Casts, defaults and REFERENCES are the SQL
// layer's job.
//
// # Change data capture
//
// A descriptor's Capture field names where the table's row changes go
// (Catalog.SetCapture, stored like any DDL). Insert, Update and Delete
// then call the ChangeFunc installed with Catalog.OnChange, in the
// writing transaction, with the old and new row (capture.go); sql
// publishes to a model/stream channel there. The sink is a function so
// that this package stays below model/stream. A captured write with no
// receiver fails (ErrNoChangeReceiver) rather than lose the change.
//
// # Simplifications
//
//   - Rows store their primary key columns in the value as well as in the
//     key: simpler decoding at the cost of some bytes per row.
//   - DROP TABLE and DROP INDEX delete entries one key at a time in the
//     transaction, which buffers them all; a range tombstone in mvcc would
//     make them constant-size.
//   - Bitmap indexes (USING bitmap) are refused with ErrUnsupported until
//     the bitmap package lands. The columnar (PAX) block layout of
//     DESIGN.md is not built; Scanner is where it would plug in.
//   - ADD COLUMN does not fill existing rows with a DEFAULT; the SQL layer
//     must rewrite them if it wants the default stored.
package table
