package table

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/aegisdb/aegis/bitmap"
	"github.com/aegisdb/aegis/model/keyenc"
	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/mvcc"
)

// Bitmap indexes. Rows are keyed by primary key, but a bitmap holds
// uint32s, so a table with a bitmap index numbers its rows. Three kinds of
// entries live in the table's key range, all written in the row's
// transaction:
//
//	by row:   r <table> <RowNumbers.ByRow> <row number>               -> <pk columns...>
//	by key:   r <table> <RowNumbers.ByKey> <pk columns...>            -> row number (4 bytes, big-endian)
//	chunk:    r <table> <index id> <value> <row number >> chunkBits>  -> bitmap.MarshalBinary of the chunk
//
// A chunk holds the row numbers of the rows whose indexed column is
// <value> within one aligned run of 2^chunkBits row numbers, so an insert
// rewrites one chunk of at most 8 KiB, never the value's whole bitmap.
// NULL is a value like any other (keyenc's NULL tag), so IS NULL reads
// chunks too. Row numbers are the key itself for an integer primary key
// in [0, 2^31); the other rows' come from a per-table sequence
// (rowNoSeqKey) reserved in blocks like SERIAL values: never reused, gaps
// allowed.

// chunkBits is the number of low row-number bits one chunk covers. A
// write rewrites a whole chunk, so its size is the price of every insert:
// with 4,096 row numbers a chunk of a value on 20% of the rows is an array
// of ~820 entries (1.6 KiB), where a whole 65,536-number container of the
// bitmap package would be an 8 KiB bitset. Measured on 1,000,000 rows
// (sql BenchmarkBitmapInsert, CPU): a 100-row insert into a table with two
// bitmap indexes cost 2.9 times the insert without them at 2^16, 1.4 to
// 2.2 times at 2^12 (two runs of the same code on a loaded machine); a
// count over three values' bitmaps went from 1.5 to 1.9 ms, as reads pay
// a key per 4,096 rows per value instead of per 65,536.
const chunkBits = 12

// tagRowNo is the key tag of a table's row-number sequence.
const tagRowNo = 'w'

func rowNoSeqKey(id uint32) []byte { return idKey(tagRowNo, id) }

// RowNumbering names the two row-number maps of a table with bitmap
// indexes. They are allocated index IDs, so they sit in the table's key
// range and DROP TABLE removes them with the rows.
type RowNumbering struct {
	ByRow uint32 `json:"by_row"` // row number -> primary key
	ByKey uint32 `json:"by_key"` // primary key -> row number
	// IntKey: the primary key is one integer column. A row whose key is
	// in [0, directRows) is numbered by its key and has no map entries;
	// any other row takes a number from directRows up, from the sequence.
	IntKey bool `json:"int_key,omitempty"`
}

// directRows bounds the integer keys that serve as their own row
// numbers; the numbers above are for the rows whose keys do not fit.
const directRows = 1 << 31

// intKeyTable reports whether d's primary key is one integer column,
// whose values can be row numbers.
func (d *Desc) intKeyTable() bool {
	if len(d.Primary.Columns) != 1 {
		return false
	}
	pos := d.ColumnByID(d.Primary.Columns[0])
	return pos >= 0 && d.Columns[pos].Type.Family == types.Int
}

// directNumber is the row number of row when its key is its own number.
func (d *Desc) directNumber(row []types.Datum) (uint32, bool) {
	if !d.RowNumbers.IntKey {
		return 0, false
	}
	v := row[d.ColumnByID(d.Primary.Columns[0])]
	if v.Null || v.I < 0 || v.I >= directRows {
		return 0, false
	}
	return uint32(v.I), true
}

// numberOf returns the row number of a stored row and whether it is
// direct (no map entries).
func (d *Desc) numberOf(txn *mvcc.Txn, row []types.Datum) (uint32, bool, error) {
	if rn, ok := d.directNumber(row); ok {
		return rn, true, nil
	}
	rn, err := d.rowNumberOf(txn, d.primaryKeySuffix(row))
	return rn, false, err
}

// checkBitmapIndex refuses the bitmap indexes this package does not build.
func (d *Desc) checkBitmapIndex(name string, columns []string, unique bool) error {
	if len(columns) != 1 {
		return fmt.Errorf("%w: bitmap index %s on %d columns (a bitmap index has one column; create one per column and combine them in queries)", ErrUnsupported, name, len(columns))
	}
	if unique {
		return fmt.Errorf("%w: unique bitmap index %s (use a btree index for uniqueness)", ErrUnsupported, name)
	}
	return nil
}

func (d *Desc) validateRowNumbers() error {
	hasBitmap := false
	for i := range d.Indexes {
		ix := &d.Indexes[i]
		if ix.Kind == IndexBitmap {
			hasBitmap = true
			if len(ix.Columns) != 1 {
				return fmt.Errorf("bitmap index %q has %d columns", ix.Name, len(ix.Columns))
			}
		}
	}
	rn := d.RowNumbers
	if rn == nil {
		if hasBitmap {
			return fmt.Errorf("bitmap index without row numbers")
		}
		return nil
	}
	if rn.IntKey && !d.intKeyTable() {
		return fmt.Errorf("row numbers from a primary key that is not one integer column")
	}
	if rn.ByRow <= PrimaryIndexID || rn.ByRow >= d.NextIndexID || rn.ByKey <= PrimaryIndexID || rn.ByKey >= d.NextIndexID || rn.ByRow == rn.ByKey {
		return fmt.Errorf("bad row-number map IDs %d, %d", rn.ByRow, rn.ByKey)
	}
	for i := range d.Indexes {
		if id := d.Indexes[i].ID; id == rn.ByRow || id == rn.ByKey {
			return fmt.Errorf("index %q shares ID %d with a row-number map", d.Indexes[i].Name, id)
		}
	}
	return nil
}

// BitmapIndexes returns the table's bitmap indexes.
func (d *Desc) BitmapIndexes() []*Index {
	var out []*Index
	for i := range d.Indexes {
		if d.Indexes[i].Kind == IndexBitmap {
			out = append(out, &d.Indexes[i])
		}
	}
	return out
}

func (d *Desc) byRowKey(rn uint32) []byte {
	return keyenc.AppendInt(IndexPrefix(d.ID, d.RowNumbers.ByRow), int64(rn), keyenc.Ascending)
}

func (d *Desc) byKeyKey(pk []byte) []byte {
	return append(IndexPrefix(d.ID, d.RowNumbers.ByKey), pk...)
}

// bitmapValuePrefix is the key prefix of every chunk of one value.
func (d *Desc) bitmapValuePrefix(ix *Index, v types.Datum) []byte {
	return AppendDatum(IndexPrefix(d.ID, ix.ID), v, false)
}

func (d *Desc) chunkKey(ix *Index, v types.Datum, rn uint32) []byte {
	return keyenc.AppendInt(d.bitmapValuePrefix(ix, v), int64(rn>>chunkBits), keyenc.Ascending)
}

// nextRowNumber hands out a row number of the table's sequence.
func (d *Desc) nextRowNumber() (uint32, error) {
	if d.cat == nil {
		return 0, fmt.Errorf("%w: table %s has a bitmap index but its descriptor was not loaded from a catalog", ErrBadDefinition, d.Name)
	}
	c := d.cat
	c.mu.Lock()
	defer c.mu.Unlock()
	b := c.rownos[d.ID]
	if b == nil || b.next >= b.end {
		start, err := c.reserve(rowNoSeqKey(d.ID), seqBlockSize)
		if err != nil {
			return 0, err
		}
		b = &seqBlock{next: start, end: start + seqBlockSize}
		c.rownos[d.ID] = b
	}
	v := b.next
	b.next++
	return checkRowNumber(d, v)
}

// checkRowNumber turns the sequence value v into a row number: above the
// direct ones for an integer key.
func checkRowNumber(d *Desc, v int64) (uint32, error) {
	if d.RowNumbers.IntKey {
		v += directRows
	}
	if v < 0 || v > 1<<32-1 {
		return 0, fmt.Errorf("%w: table %s has used up the row numbers its bitmap indexes can give (the sequence is never reset: drop the bitmap indexes, or copy the table)", ErrUnsupported, d.Name)
	}
	return uint32(v), nil
}

// rowNumberOf returns the row number of the row with primary key pk.
func (d *Desc) rowNumberOf(txn *mvcc.Txn, pk []byte) (uint32, error) {
	k := d.byKeyKey(pk)
	v, err := txn.Get(k)
	if errors.Is(err, mvcc.ErrNotFound) {
		return 0, &CorruptError{Key: k, Reason: "row has no row number though the table has a bitmap index"}
	}
	if err != nil {
		return 0, err
	}
	if len(v) != 4 {
		return 0, &CorruptError{Key: k, Reason: fmt.Sprintf("row number is %d bytes, want 4", len(v))}
	}
	return binary.BigEndian.Uint32(v), nil
}

// putRowNumber writes both map entries of a row.
func (d *Desc) putRowNumber(txn *mvcc.Txn, pk []byte, rn uint32) error {
	if err := txn.Put(d.byKeyKey(pk), binary.BigEndian.AppendUint32(nil, rn)); err != nil {
		return err
	}
	return txn.Put(d.byRowKey(rn), pk)
}

// decodeChunk decodes the chunk stored under key, which must hold row
// numbers of chunk hi only.
func decodeChunk(key, value []byte, hi uint32) (*bitmap.Bitmap, error) {
	b := bitmap.New()
	if err := b.UnmarshalBinary(value); err != nil {
		return nil, &CorruptError{Key: key, Reason: "bitmap chunk: " + err.Error()}
	}
	lo, ok := b.Minimum()
	if !ok {
		return nil, &CorruptError{Key: key, Reason: "empty bitmap chunk"}
	}
	last, _ := b.Maximum()
	if lo>>chunkBits != hi || last>>chunkBits != hi {
		return nil, &CorruptError{Key: key, Reason: fmt.Sprintf("bitmap chunk %d holds row numbers %d..%d of another chunk", hi, lo, last)}
	}
	return b, nil
}

// chunkNumber reads the chunk number that ends a chunk key after prefix.
func chunkNumber(key, prefix []byte) (uint32, error) {
	if !bytes.HasPrefix(key, prefix) {
		return 0, &CorruptError{Key: key, Reason: "bitmap chunk key outside its value"}
	}
	dec := keyenc.NewDecoder(key[len(prefix):])
	v, err := dec.Next(keyenc.Ascending)
	if err != nil || v.Kind != keyenc.KindInt || !dec.Done() || v.Int < 0 || v.Int >= 1<<(32-chunkBits) {
		return 0, &CorruptError{Key: key, Reason: "bitmap chunk key does not end in a chunk number"}
	}
	return uint32(v.Int), nil
}

// changeChunk adds (add) or removes row number rn in the chunk of value v
// of index ix. The chunk is read and rewritten in txn, so two
// transactions changing one chunk conflict at commit (mvcc.ErrConflict)
// like any two writers of one key.
func (d *Desc) changeChunk(txn *mvcc.Txn, ix *Index, v types.Datum, rn uint32, add bool) error {
	k := d.chunkKey(ix, v, rn)
	b := bitmap.New()
	old, err := txn.Get(k)
	switch {
	case err == nil:
		if b, err = decodeChunk(k, old, rn>>chunkBits); err != nil {
			return err
		}
	case !errors.Is(err, mvcc.ErrNotFound):
		return err
	}
	if add && !b.Add(rn) {
		return &CorruptError{Key: k, Reason: fmt.Sprintf("row number %d of a new row is already in bitmap index %s", rn, ix.Name)}
	}
	if !add && !b.Remove(rn) {
		return &CorruptError{Key: k, Reason: fmt.Sprintf("row number %d is missing from bitmap index %s", rn, ix.Name)}
	}
	if b.IsEmpty() {
		return txn.Delete(k)
	}
	return putChunk(txn, k, b)
}

func putChunk(txn *mvcc.Txn, k []byte, b *bitmap.Bitmap) error {
	b.RunOptimize()
	data, err := b.MarshalBinary()
	if err != nil {
		return err
	}
	return txn.Put(k, data)
}

// bitmapInsert numbers a new row and adds it to every bitmap index.
func (d *Desc) bitmapInsert(txn *mvcc.Txn, row []types.Datum) error {
	if d.RowNumbers == nil {
		return nil
	}
	rn, direct := d.directNumber(row)
	if !direct {
		var err error
		if rn, err = d.nextRowNumber(); err != nil {
			return err
		}
		if err := d.putRowNumber(txn, d.primaryKeySuffix(row), rn); err != nil {
			return err
		}
	}
	for _, ix := range d.BitmapIndexes() {
		if err := d.changeChunk(txn, ix, row[d.ColumnByID(ix.Columns[0])], rn, true); err != nil {
			return err
		}
	}
	return nil
}

// bitmapDelete removes a row from every bitmap index and its row number.
func (d *Desc) bitmapDelete(txn *mvcc.Txn, row []types.Datum) error {
	if d.RowNumbers == nil {
		return nil
	}
	rn, direct, err := d.numberOf(txn, row)
	if err != nil {
		return err
	}
	for _, ix := range d.BitmapIndexes() {
		if err := d.changeChunk(txn, ix, row[d.ColumnByID(ix.Columns[0])], rn, false); err != nil {
			return err
		}
	}
	if direct {
		return nil
	}
	if err := txn.Delete(d.byKeyKey(d.primaryKeySuffix(row))); err != nil {
		return err
	}
	return txn.Delete(d.byRowKey(rn))
}

// bitmapUpdate moves a row between values of each bitmap index whose
// column changed. A row keeps its number across an update unless its
// primary key changed and one of the keys is its own number (an integer
// key in [0, directRows)); the maps follow a changed primary key.
func (d *Desc) bitmapUpdate(txn *mvcc.Txn, old, row []types.Datum) error {
	if d.RowNumbers == nil {
		return nil
	}
	oldPK, newPK := d.primaryKeySuffix(old), d.primaryKeySuffix(row)
	oldRN, oldDirect, err := d.numberOf(txn, old)
	if err != nil {
		return err
	}
	newRN, newDirect := oldRN, oldDirect
	if !bytes.Equal(oldPK, newPK) {
		newRN, newDirect = d.directNumber(row)
		if !newDirect && !oldDirect {
			newRN = oldRN // a mapped row keeps its number
		} else if !newDirect {
			if newRN, err = d.nextRowNumber(); err != nil {
				return err
			}
		}
		if !oldDirect {
			if err := txn.Delete(d.byKeyKey(oldPK)); err != nil {
				return err
			}
			if newRN != oldRN {
				if err := txn.Delete(d.byRowKey(oldRN)); err != nil {
					return err
				}
			}
		}
		if !newDirect {
			if err := d.putRowNumber(txn, newPK, newRN); err != nil {
				return err
			}
		}
	}
	for _, ix := range d.BitmapIndexes() {
		pos := d.ColumnByID(ix.Columns[0])
		ov, nv := old[pos], row[pos]
		if oldRN == newRN && bytes.Equal(AppendDatum(nil, ov, false), AppendDatum(nil, nv, false)) {
			continue
		}
		if err := d.changeChunk(txn, ix, ov, oldRN, false); err != nil {
			return err
		}
		if err := d.changeChunk(txn, ix, nv, newRN, true); err != nil {
			return err
		}
	}
	return nil
}

// fillBitmapIndex builds bitmap index ix over the rows already in the
// table, numbering them first when fresh (the table had no bitmap index
// before). Chunks are gathered in memory and each written once.
func (c *Catalog) fillBitmapIndex(txn *mvcc.Txn, d *Desc, ix *Index, fresh bool) error {
	all := make([]int, len(d.Columns))
	for i := range all {
		all[i] = i
	}
	pos := d.ColumnByID(ix.Columns[0])
	type valueChunks struct {
		v      types.Datum
		chunks map[uint32]*bitmap.Bitmap
	}
	values := map[string]*valueChunks{}
	var order []string // first-seen order, so writes are deterministic
	var block seqBlock
	s := NewScanner(txn, d, ScanOptions{Columns: all})
	defer s.Close()
	var numbers *mvcc.Iterator // the by-key map, walked in step with the rows
	if !fresh {
		p := IndexPrefix(d.ID, d.RowNumbers.ByKey)
		numbers = txn.Scan(p, keyenc.PrefixEnd(p))
		defer numbers.Close()
	}
	for {
		row, ok, err := s.NextRow()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		pk := d.primaryKeySuffix(row)
		rn, direct := d.directNumber(row)
		switch {
		case direct:
		case fresh:
			if block.next >= block.end {
				// One reservation per 65,536 rows, not per row.
				start, err := c.reserve(rowNoSeqKey(d.ID), 1<<16)
				if err != nil {
					return err
				}
				block = seqBlock{next: start, end: start + 1<<16}
			}
			if rn, err = checkRowNumber(d, block.next); err != nil {
				return err
			}
			block.next++
			if err := d.putRowNumber(txn, pk, rn); err != nil {
				return err
			}
		default:
			if rn, err = d.nextNumbered(numbers, pk); err != nil {
				return err
			}
		}
		v := row[pos]
		ek := string(AppendDatum(nil, v, false))
		vc := values[ek]
		if vc == nil {
			vc = &valueChunks{v: v, chunks: map[uint32]*bitmap.Bitmap{}}
			values[ek] = vc
			order = append(order, ek)
		}
		b := vc.chunks[rn>>chunkBits]
		if b == nil {
			b = bitmap.New()
			vc.chunks[rn>>chunkBits] = b
		}
		b.Add(rn)
	}
	for _, ek := range order {
		vc := values[ek]
		for hi, b := range vc.chunks {
			if err := putChunk(txn, d.chunkKey(ix, vc.v, hi<<chunkBits), b); err != nil {
				return err
			}
		}
	}
	return nil
}

// nextNumbered reads the row number of the row with primary key pk from
// the by-key map's iterator: rows and map entries are both in primary key
// order, one entry a row, so the next entry must be pk's.
func (d *Desc) nextNumbered(it *mvcc.Iterator, pk []byte) (uint32, error) {
	want := d.byKeyKey(pk)
	if !it.Next() {
		if err := it.Err(); err != nil {
			return 0, err
		}
		return 0, &CorruptError{Key: want, Reason: "row has no row number though the table has a bitmap index"}
	}
	if !bytes.Equal(it.Key(), want) {
		return 0, &CorruptError{Key: it.Key(), Reason: fmt.Sprintf("row-number entry out of step with the rows (expected key %x)", want)}
	}
	if v := it.Value(); len(v) == 4 {
		return binary.BigEndian.Uint32(v), nil
	}
	return 0, &CorruptError{Key: want, Reason: fmt.Sprintf("row number is %d bytes, want 4", len(it.Value()))}
}

// dropRowNumbers deletes the row-number maps of a table whose last
// bitmap index went away.
func dropRowNumbers(txn *mvcc.Txn, tableID uint32, rn *RowNumbering) error {
	for _, id := range []uint32{rn.ByRow, rn.ByKey} {
		p := IndexPrefix(tableID, id)
		if err := deleteRange(txn, p, keyenc.PrefixEnd(p)); err != nil {
			return err
		}
	}
	return nil
}

// ReadBitmap returns the row numbers of the rows whose column of bitmap
// index ix holds one of vals (a NULL datum stands for IS NULL). Each value
// must have the column's physical type, as for AppendDatum.
func ReadBitmap(txn *mvcc.Txn, d *Desc, ix *Index, vals []types.Datum) (*bitmap.Bitmap, error) {
	if ix.Kind != IndexBitmap {
		return nil, fmt.Errorf("%w: index %s is not a bitmap index", ErrBadDefinition, ix.Name)
	}
	var parts []*bitmap.Bitmap
	for _, v := range vals {
		p := d.bitmapValuePrefix(ix, v)
		it := txn.Scan(p, keyenc.PrefixEnd(p))
		for it.Next() {
			hi, err := chunkNumber(it.Key(), p)
			if err != nil {
				it.Close()
				return nil, err
			}
			b, err := decodeChunk(it.Key(), it.Value(), hi)
			if err != nil {
				it.Close()
				return nil, err
			}
			parts = append(parts, b)
		}
		err := it.Err()
		it.Close()
		if err != nil {
			return nil, err
		}
	}
	// FastOr unites the chunks of one container in one step; a pairwise
	// Or merged arrays again at every level (2.4 times the CPU of the
	// count in sql BenchmarkBitmapIndex, 16 chunks a container).
	return bitmap.FastOr(parts...), nil
}
