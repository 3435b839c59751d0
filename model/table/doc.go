// Package table maps SQL tables onto mvcc keys: a catalog of table
// descriptors, rows under their primary key, secondary index entries, and
// scans that decode rows straight into the typed column vectors of the
// executor.
//
// Uses: mvcc, model/keyenc, model/types, bitmap. Used by: optimizer,
// vexec, sql.
//
// # Keys
//
// Everything lives in the shared mvcc keyspace under "sql\x00" (see
// keys.go for the full map). A table's rows and index entries are one
// contiguous range:
//
//	row:            sql\0 r <table id> <1>        <pk columns...>   -> row value
//	index entry:    sql\0 r <table id> <index id> <columns...> [<pk columns...>] -> <pk columns...>
//	bitmap chunk:   sql\0 r <table id> <index id> <value> <row number >> 12>    -> serialized bitmap
//	row number:     sql\0 r <table id> <by-row id> <row number>                 -> <pk columns...>
//	                sql\0 r <table id> <by-key id> <pk columns...>              -> row number
//
// IDs and columns are model/keyenc values, so a range scan of the engine
// is a range scan of the table in key order, and a prefix of an index's
// columns bounds a range of rows. Non-unique indexes append the primary
// key to make each entry distinct; a unique index does too for a row
// whose indexed values hold a NULL (NULLs never collide), and otherwise
// relies on the key itself being unique. The index entry's value is the
// encoded primary key, which finds the row.
//
// # Bitmap indexes
//
// CREATE INDEX ... USING bitmap (bitmapindex.go, bitmapscan.go) keeps,
// per distinct value of one column (NULL included, so IS NULL can use
// it), the set of rows holding it as a bitmap of the bitmap package. A
// bitmap holds uint32s and rows are keyed by primary key, so a table with
// a bitmap index numbers its rows: a per-table sequence (like SERIAL,
// reserved in blocks, never reused) gives each inserted row a number, and
// two maps kept in the row's transaction translate it (row number ->
// primary key, to fetch rows in row-number order; primary key -> row
// number, for delete and update, which are handed the row's values, not
// its number). The maps are allocated index IDs inside the table's range,
// created with the first bitmap index (numbering the rows already there)
// and dropped with the last. Why maps and not a number stored in the
// row: that would change the row format of every table and force a
// rewrite of all rows at CREATE INDEX, while the maps cost two small
// entries per row only on tables that have a bitmap index.
//
// The common case skips the maps: when the primary key is one integer
// column (the hidden rowid, id INT PRIMARY KEY, ...), a row whose key is
// in [0, 2^31) is numbered by its key (RowNumbering.IntKey). It has no map
// entries, its number is known from its values on delete and update, and
// a bitmap scan reads it with one point read instead of two. Keys outside
// that range (negative, huge) still work: their rows take numbers from
// 2^31 up from the sequence, through the maps. Such a row moving to an
// in-range key (or back) changes number, which an UPDATE of the primary
// key handles like a change of the indexed value.
//
// A value's bitmap is cut into chunks of 4,096 row numbers (a sixteenth
// of a bitmap-package container; chunkBits says why), each under its own
// key, so an insert, update or delete reads and rewrites one chunk (at
// most 8 KiB, 1.6 KiB for a value on a fifth of the rows) per bitmap
// index, never a whole bitmap; an emptied chunk is deleted. A read unites
// a value's chunks with bitmap.FastOr. Chunks go through
// mvcc like rows, so two transactions touching one chunk conflict at
// commit (mvcc.ErrConflict, first committer wins) and a reader sees its
// snapshot's chunks. CREATE INDEX gathers chunks in memory over one scan
// and writes each once; a table's second bitmap index reads the row
// numbers by walking the by-key map in step with the rows (both are in
// primary key order). A chunk whose bytes do not decode, or hold
// numbers of another chunk, is a *CorruptError (FuzzDecodeChunk).
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
// The table layer enforces primary keys, unique indexes, NOT NULL, the
// length of VARCHAR(n)/CHAR(n) and foreign keys (below). Under snapshot isolation two concurrent
// inserts of one key both pass the existence check, and mvcc's
// first-committer-wins rejects the second commit with mvcc.ErrConflict,
// so duplicates never commit. Casts and defaults are the SQL layer's
// job.
//
// # Foreign keys
//
// A column's ForeignKey names the parent table and column by ID (so a
// renamed column keeps working) and the constraint's name. The parent
// column must be the parent's one-column primary key or have a unique
// btree index of its own: then "does the parent have v" is one point
// read of a row key or unique index entry. AddForeignKey checks that,
// the types (equal values must encode to equal key bytes) and the rows
// already there; DROP TABLE and DROP INDEX refuse to take away what a
// foreign key needs (ErrDependentObjects).
//
// Who references a table is derived, not stored: refGraph is built from
// all descriptors and cached under the schema nonce like descriptors
// are, so it is rebuilt only after DDL and costs a statement one mvcc Get.
//
// Checks run per statement, as PostgreSQL's NO ACTION: the writer Adds
// each written row to a RefChecks and calls Check once the statement has
// written all of them (vexec's DML operator does), so one statement may
// insert a child before its parent or delete a row together with the
// rows referencing it. Check looks up each new referencing value in the
// parent, and for each referenced value a delete or update took away
// (and did not put back) looks for referencing rows: with a btree index
// or primary key led by the referencing column, one seek per value;
// otherwise one scan of the child table per statement and foreign key,
// matching against the set of removed values. Insert, Update and Delete
// themselves do not check foreign keys: only the statement knows where
// it ends.
//
// Concurrency. Under snapshot isolation a child insert and a delete of
// its parent in two transactions each see the other's row as it was (the
// parent present, no child), so both checks pass. mvcc detects only
// write-write conflicts here (Serializable read sets are not used by SQL
// sessions), so both sides write one lock key per referenced value,
//
//	fk lock:        sql\0 r <parent id> <0> <column id> <value>   -> empty
//
// (index ID 0 is never a real index, and the key lies in the parent's
// table span, so DROP TABLE removes it): the child's check Puts it after
// finding the parent row, the parent's Check Deletes it for every value
// taken away. Whichever commits second fails with mvcc.ErrConflict, in
// either order, and a retry sees the other's effect and reports the
// violation. The lock key is separate from the parent row so that
// updating a parent's other columns does not conflict with child inserts
// (PostgreSQL's FOR KEY SHARE vs FOR NO KEY UPDATE). The cost: two
// transactions inserting children of the same parent value both write
// its lock key and conflict, where PostgreSQL's shared lock lets both
// commit. Autocommitted statements retry, so with 8 sessions inserting
// children of one parent on 2 cores about 8% of statements conflict and
// about 1% still fail after five attempts (BenchmarkForeignKeyHotParent
// in sql). Striping the lock (a child writes one of N keys at random, a
// delete writes all N) was tried: 16 stripes cut the failures to about
// 0.25% but made deleting 100 parent rows about 6 times slower (16
// tombstones a row), so there is one lock key. Removing the conflict
// needs a shared lock in mvcc: a key a transaction declares read and
// that commit validates even under snapshot isolation.
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
//   - Bitmap indexes have one column; several columns, and UNIQUE, are
//     refused with ErrUnsupported (create one per column: queries combine
//     them). Concurrent writers of rows with one indexed value in one
//     chunk (rows numbered close together, the usual case for concurrent
//     inserts) conflict and must retry: bitmap indexes suit read-mostly,
//     low-cardinality columns. Row numbers are 32-bit and the sequence
//     is never reset: a table that has numbered 2^32 rows through the maps
//     (2^31 with an integer key) fails further such inserts while it has
//     a bitmap index.
//     Fetching a row numbered through the maps costs two point reads (row
//     number -> key -> row); an integer key in [0, 2^31) costs one.
//   - The columnar (PAX) block layout of DESIGN.md is not built; Scanner
//     is where it would plug in.
//   - ADD COLUMN does not fill existing rows with a DEFAULT; the SQL layer
//     must rewrite them if it wants the default stored.
package table
