// Package keyenc is the one order-preserving key encoding of the data
// models: tuples of NULLs, integers, floats, booleans, strings and byte
// strings encoded so that comparing the encodings with bytes.Compare
// orders them as the values themselves, column by column, each column
// ascending or descending.
//
// Uses: nothing of the module. Used by: model/table (row and index keys),
// and the other data models as they land (documents, time series).
//
// # Format
//
// Each value starts with a tag byte, so a NULL sorts before every value and
// values of different kinds never interleave:
//
//	NULL     | 0x05 |
//	false    | 0x10 |
//	true     | 0x11 |
//	int64    | 0x20 | 8 bytes big-endian, sign bit flipped      |
//	float64  | 0x30 | 8 bytes big-endian, see below             |
//	string   | 0x40 | bytes, 0x00 escaped as 0x00 0xff | 0x00 0x01 |
//	bytes    | 0x41 | bytes, 0x00 escaped as 0x00 0xff | 0x00 0x01 |
//
// Integers: flipping the sign bit maps math.MinInt64..MaxInt64 onto
// 0..2^64-1 in order. Floats: a positive float has its sign bit set, a
// negative one has all bits inverted, which orders the IEEE bit patterns
// as the numbers; -0 is stored as +0 so the two are one key, and every NaN
// is stored as one NaN that sorts after +Inf (PostgreSQL's order). Strings
// end with 0x00 0x01 and escape their own zero bytes, so no encoded string
// is a prefix of another and "a" < "a\x00" < "ab" holds encoded too.
//
// A descending column is the ascending encoding with every byte inverted.
// Because every encoding above is prefix-free (none is a prefix of another
// encoding of the same kind), inverting it exactly reverses the order.
// Tuples are plain concatenations: prefix-freedom makes the first column
// decide, then the second, and so on, and lets a tuple's prefix serve as
// the start of a range scan over all tuples that extend it.
//
// Dates, times and timestamps are encoded as int64 (days or microseconds
// since the epoch) and decimals as scaled int64 by the layer that knows the
// column's type; this package knows only the physical kinds.
//
// # Simplifications
//
//   - Integers take 8 bytes whatever their size; a varint form would make
//     small keys shorter at the cost of a little decoding work.
//   - There is no arbitrary-precision decimal encoding.
package keyenc
