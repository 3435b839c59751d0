package table

import (
	"fmt"

	"github.com/aegisdb/aegis/model/keyenc"
	"github.com/aegisdb/aegis/model/types"
)

// The table model's keys in the shared mvcc keyspace all start with
// "sql\x00" (the kv model uses "kv\x00"), followed by one tag byte:
//
//	sql\0 d <id>                       descriptor of table id (JSON)
//	sql\0 n <name>                     table name -> id
//	sql\0 m "next-table-id"            the next table ID to hand out
//	sql\0 m "schema"                   a random nonce, rewritten by every DDL
//	sql\0 q <id>                       the table's sequence (SERIAL, rowid)
//	sql\0 w <id>                       the table's row-number sequence (bitmap indexes)
//	sql\0 s <id>                       the table's statistics (JSON)
//	sql\0 r <id> <index id> <columns>  rows and index entries
//
// <id>, <index id> and <name> are keyenc values, so one table's rows are
// one contiguous range in primary-key order and each index is another.
var prefix = []byte("sql\x00")

const (
	tagDesc  = 'd'
	tagName  = 'n'
	tagMeta  = 'm'
	tagSeq   = 'q'
	tagStats = 's'
	tagStVer = 'v'
	tagRow   = 'r'
)

func metaKey(name string) []byte {
	return append(append(append([]byte{}, prefix...), tagMeta), name...)
}

var (
	nextTableIDKey = metaKey("next-table-id")
	schemaKey      = metaKey("schema")
)

func idKey(tag byte, id uint32) []byte {
	k := append(append(make([]byte, 0, 16), prefix...), tag)
	return keyenc.AppendInt(k, int64(id), keyenc.Ascending)
}

func descKey(id uint32) []byte  { return idKey(tagDesc, id) }
func seqKey(id uint32) []byte   { return idKey(tagSeq, id) }
func statsKey(id uint32) []byte { return idKey(tagStats, id) }

// statsVersionKey holds a random version of a table's statistics, so a
// reader can tell its cached copy is current without reading them.
func statsVersionKey(id uint32) []byte { return idKey(tagStVer, id) }

func nameKey(name string) []byte {
	k := append(append([]byte{}, prefix...), tagName)
	return keyenc.AppendString(k, name, keyenc.Ascending)
}

// namesSpan bounds every name key.
func namesSpan() (lower, upper []byte) {
	lower = append(append([]byte{}, prefix...), tagName)
	return lower, keyenc.PrefixEnd(lower)
}

// IndexPrefix returns the key prefix every entry of index ixID of table
// tableID starts with. Row keys are the primary index's entries.
func IndexPrefix(tableID, ixID uint32) []byte {
	k := append(append(make([]byte, 0, 32), prefix...), tagRow)
	k = keyenc.AppendInt(k, int64(tableID), keyenc.Ascending)
	return keyenc.AppendInt(k, int64(ixID), keyenc.Ascending)
}

// TableSpan bounds every row and index entry of a table.
func TableSpan(tableID uint32) (lower, upper []byte) {
	k := append(append(make([]byte, 0, 16), prefix...), tagRow)
	k = keyenc.AppendInt(k, int64(tableID), keyenc.Ascending)
	return k, keyenc.PrefixEnd(k)
}

// AppendDatum appends the key encoding of d, ascending or descending.
func AppendDatum(dst []byte, d types.Datum, desc bool) []byte {
	dir := keyenc.Direction(desc)
	if d.Null {
		return keyenc.AppendNull(dst, dir)
	}
	switch d.Type.Physical() {
	case types.PhysFloat:
		return keyenc.AppendFloat(dst, d.F, dir)
	case types.PhysBytes:
		if d.Type.Family == types.Bytes {
			return keyenc.AppendBytes(dst, d.B, dir)
		}
		return keyenc.AppendString(dst, string(d.B), dir)
	}
	return keyenc.AppendInt(dst, d.I, dir)
}

// AppendIndexValues appends the encodings of vals as the leading key
// columns of ix (fewer values than key columns make a prefix, for range
// scans). The values must have the columns' physical types.
func AppendIndexValues(dst []byte, ix *Index, vals []types.Datum) []byte {
	for i, v := range vals {
		dst = AppendDatum(dst, v, ix.Descending(i))
	}
	return dst
}

// PrimaryKey returns the row key of row (a datum per column position).
func (d *Desc) PrimaryKey(row []types.Datum) []byte {
	k := IndexPrefix(d.ID, PrimaryIndexID)
	for i, id := range d.Primary.Columns {
		k = AppendDatum(k, row[d.ColumnByID(id)], d.Primary.Descending(i))
	}
	return k
}

// primaryKeySuffix is the primary key columns alone: what a secondary
// index entry stores to find its row.
func (d *Desc) primaryKeySuffix(row []types.Datum) []byte {
	var k []byte
	for i, id := range d.Primary.Columns {
		k = AppendDatum(k, row[d.ColumnByID(id)], d.Primary.Descending(i))
	}
	return k
}

// indexEntry returns the key of row's entry in secondary index ix and
// whether the key must be unique. Non-unique indexes (and unique ones on a
// row with a NULL key column, since NULLs never collide) append the
// primary key to make each row's entry distinct.
func (d *Desc) indexEntry(ix *Index, row []types.Datum) (key []byte, unique bool) {
	key = IndexPrefix(d.ID, ix.ID)
	hasNull := false
	for i, id := range ix.Columns {
		v := row[d.ColumnByID(id)]
		hasNull = hasNull || v.Null
		key = AppendDatum(key, v, ix.Descending(i))
	}
	if ix.Unique && !hasNull {
		return key, true
	}
	return append(key, d.primaryKeySuffix(row)...), false
}

// rowKeyFromEntry rebuilds the row key from a secondary index entry's value.
func (d *Desc) rowKeyFromEntry(entryKey, value []byte) ([]byte, error) {
	if len(value) == 0 {
		return nil, &CorruptError{Key: entryKey, Reason: "index entry holds no primary key"}
	}
	return append(IndexPrefix(d.ID, PrimaryIndexID), value...), nil
}

// formatKey prints the values of a key's columns for error messages.
func formatKey(d *Desc, ix *Index, row []types.Datum) string {
	s := "("
	for i, id := range ix.Columns {
		if i > 0 {
			s += ", "
		}
		s += row[d.ColumnByID(id)].String()
	}
	return s + ")"
}

// checkTableID is the guard of every decoder: an ID read from storage must
// fit in 32 bits.
func checkTableID(key []byte, v int64) (uint32, error) {
	if v <= 0 || v > 1<<32-1 {
		return 0, &CorruptError{Key: key, Reason: fmt.Sprintf("table ID %d out of range", v)}
	}
	return uint32(v), nil
}
