// Package types holds the SQL data types, their single values (Datum) and
// their columnar form (Vector, Batch): the vocabulary the table layer, the
// optimizer and the vectorized executor share.
//
// Uses: nothing of the module. Used by: model/table, optimizer, vexec, sql.
//
// # Logical and physical types
//
// Every SQL type maps onto one of four physical representations, which is
// what vectors store and what the row and key codecs write:
//
//	SQL type                               Family     physical
//	SMALLINT INT/INTEGER BIGINT SERIAL     Int        int64 (Width 16/32/64)
//	DECIMAL(p,s) NUMERIC(p,s), p <= 18      Decimal    int64, the value times 10^s
//	DATE                                   Date       int64, days since 1970-01-01
//	TIME                                   Time       int64, microseconds since midnight
//	TIMESTAMP                              Timestamp  int64, microseconds since the epoch (UTC)
//	BOOLEAN                                Bool       int64, 0 or 1
//	REAL FLOAT DOUBLE                      Float      float64
//	TEXT VARCHAR(n) CHAR(n)                String     []byte (UTF-8)
//	JSON                                   JSON       []byte (the JSON text)
//	BLOB BYTEA                             Bytes      []byte
//
// Keeping the physical kinds to int64, float64 and []byte keeps the
// executor's kernels few: one comparison loop serves INT, DATE, TIMESTAMP
// and DECIMAL alike (decimals of one scale compare as integers).
//
// # Vectors
//
// A Vector is one column of a Batch: a typed slice for the values and a
// null mask. A Batch is the unit the executor's operators pass along
// (open / next batch / close): up to BatchSize rows in column vectors plus
// an optional selection vector listing the live rows, so a filter marks
// rows instead of copying them.
//
// # Simplifications
//
//   - Decimals are fixed-point in an int64: precision up to 18 digits.
//     Wider decimals are refused with a clear error rather than rounded.
//   - TIME and TIMESTAMP have no time zone (TIMESTAMP is read as UTC).
package types
