package table

import (
	"errors"
	"fmt"

	"github.com/aegisdb/aegis/bitmap"
	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/mvcc"
)

// BitmapScanner reads the rows of a set of row numbers (from ReadBitmap
// and the bitmap package's And/Or) into column batches, in row-number
// order: per row, one Get of its primary key and one of the row.
type BitmapScanner struct {
	txn   *mvcc.Txn
	d     *Desc
	rows  *bitmap.Bitmap
	it    *bitmap.Iterator
	dec   *rowDecoder
	fetch bool
	left  uint64 // rows not yet counted, when not fetching
	err   error
	// Rows counts the rows produced, for EXPLAIN ANALYZE.
	Rows int64
}

// NewBitmapScanner starts reading the rows numbered in rows, decoding the
// column positions columns. With no columns the rows are only counted,
// never read: a batch then carries its length and no vectors.
func NewBitmapScanner(txn *mvcc.Txn, d *Desc, rows *bitmap.Bitmap, columns []int) *BitmapScanner {
	return &BitmapScanner{txn: txn, d: d, rows: rows, it: rows.Iterator(), dec: newRowDecoder(d, columns),
		fetch: len(columns) > 0, left: rows.Cardinality()}
}

// String describes the scan for plans and debugging.
func (s *BitmapScanner) String() string {
	return fmt.Sprintf("table.BitmapScanner(%s, %d rows)", s.d.Name, s.rows.Cardinality())
}

// NextBatch resets b and fills it with up to types.BatchSize rows, as
// Scanner.NextBatch does.
func (s *BitmapScanner) NextBatch(b *types.Batch) (more bool, err error) {
	b.Reset()
	if s.err != nil {
		return false, s.err
	}
	if s.d.RowNumbers == nil {
		s.err = fmt.Errorf("%w: table %s has no bitmap index to scan", ErrBadDefinition, s.d.Name)
		return false, s.err
	}
	if !s.fetch {
		// Counting needs no row numbers, only how many are left.
		n := min(s.left, types.BatchSize)
		b.Len, s.left = int(n), s.left-n
		s.Rows += int64(n)
		return s.left > 0, nil
	}
	for b.Len < types.BatchSize {
		if !s.it.Next() {
			return false, nil
		}
		rowKey, value, err := s.row(s.it.Value())
		if err != nil {
			s.err = err
			return false, err
		}
		if err := s.dec.decodeInto(rowKey, value, b); err != nil {
			s.err = err
			return false, err
		}
		s.Rows++
	}
	return true, nil
}

// row follows a row number to the row's key and value: straight to the
// key when the number is an integer key, else through the by-row map.
func (s *BitmapScanner) row(rn uint32) (key, value []byte, err error) {
	nk := s.d.byRowKey(rn)
	if s.d.RowNumbers.IntKey && rn < directRows {
		nk = AppendDatum(IndexPrefix(s.d.ID, PrimaryIndexID), types.IntDatum(int64(rn)), s.d.Primary.Descending(0))
		key = nk
	} else {
		pk, err := s.txn.Get(nk)
		if errors.Is(err, mvcc.ErrNotFound) {
			return nil, nil, &CorruptError{Key: nk, Reason: fmt.Sprintf("row number %d is in a bitmap index but names no row", rn)}
		}
		if err != nil {
			return nil, nil, err
		}
		key = append(IndexPrefix(s.d.ID, PrimaryIndexID), pk...)
	}
	value, err = s.txn.Get(key)
	if errors.Is(err, mvcc.ErrNotFound) {
		return nil, nil, &CorruptError{Key: nk, Reason: fmt.Sprintf("row number %d points at missing row %x", rn, key)}
	}
	return key, value, err
}

// Close releases the scan.
func (s *BitmapScanner) Close() {}
