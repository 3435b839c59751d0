package table

import (
	"errors"
	"fmt"

	"github.com/aegisdb/aegis/model/keyenc"
	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/mvcc"
)

// ScanOptions choose what a Scanner reads.
type ScanOptions struct {
	// Index is the secondary index to walk; nil walks the rows in primary
	// key order.
	Index *Index
	// Lower and Upper bound the walk by full index keys (IndexPrefix plus
	// AppendIndexValues); nil means the start or end of the index. Lower
	// is inclusive, Upper exclusive.
	Lower, Upper []byte
	// Reverse walks from Upper down to Lower.
	Reverse bool
	// Columns lists the column positions to produce, in the order of the
	// batch's vectors.
	Columns []int
}

// Scanner reads rows of a table into column batches, straight from the
// row bytes into typed vectors.
type Scanner struct {
	txn  *mvcc.Txn
	d    *Desc
	opts ScanOptions
	it   *mvcc.Iterator
	dec  *rowDecoder
	err  error
	// Rows counts the rows produced, for EXPLAIN ANALYZE.
	Rows int64
	// copyValues is set when a batch column holds bytes that would alias
	// the iterator's value buffer, which the next step reuses.
	copyValues bool
}

// NewScanner starts a scan of d in txn.
func NewScanner(txn *mvcc.Txn, d *Desc, opts ScanOptions) *Scanner {
	ixID := uint32(PrimaryIndexID)
	if opts.Index != nil {
		ixID = opts.Index.ID
	}
	p := IndexPrefix(d.ID, ixID)
	lower, upper := opts.Lower, opts.Upper
	if lower == nil {
		lower = p
	}
	if upper == nil {
		upper = keyenc.PrefixEnd(p)
	}
	s := &Scanner{txn: txn, d: d, opts: opts, dec: newRowDecoder(d, opts.Columns)}
	for _, pos := range opts.Columns {
		if d.Columns[pos].Type.Physical() == types.PhysBytes {
			s.copyValues = true // batch vectors will alias the value bytes
		}
	}
	if opts.Reverse {
		s.it = txn.ScanReverse(lower, upper)
	} else {
		s.it = txn.Scan(lower, upper)
	}
	return s
}

// String describes the scan for plans and debugging.
func (s *Scanner) String() string {
	ix := "primary"
	if s.opts.Index != nil {
		ix = s.opts.Index.Name
	}
	return fmt.Sprintf("table.Scanner(%s@%s, reverse=%v)", s.d.Name, ix, s.opts.Reverse)
}

// NextBatch resets b and fills it with up to types.BatchSize rows; b's
// vectors match Columns. It returns false when the scan is over (b may
// still hold the last rows: check b.Len) or failed (see the error).
func (s *Scanner) NextBatch(b *types.Batch) (more bool, err error) {
	b.Reset()
	if s.err != nil {
		return false, s.err
	}
	for b.Len < types.BatchSize {
		if !s.it.Next() {
			if err := s.it.Err(); err != nil {
				s.err = err
				return false, err
			}
			return false, nil
		}
		var key, value []byte
		if s.opts.Index == nil {
			// A primary row carries every column in its value, so the key
			// is read (unescaped by mvcc) only to name a corrupt row.
			value = s.it.Value()
			if s.copyValues {
				value = append([]byte(nil), value...)
			}
		} else {
			key, value, err = s.rowBytes(s.copyValues)
			if err != nil {
				s.err = err
				return false, err
			}
			if value == nil {
				continue
			}
		}
		if err := s.dec.decodeInto(key, value, b); err != nil {
			var ce *CorruptError
			if errors.As(err, &ce) && ce.Key == nil {
				ce.Key = s.it.Key()
			}
			s.err = err
			return false, err
		}
		s.Rows++
	}
	return true, nil
}

// rowBytes returns the current row's key and a copy of its value,
// following a secondary index entry to its row. A nil value means the
// entry's row is gone, which only a corrupt index can cause.
func (s *Scanner) rowBytes(copyValue bool) (key, value []byte, err error) {
	key, value = s.it.Key(), s.it.Value()
	if s.opts.Index == nil {
		if !copyValue {
			return key, value, nil
		}
		return key, append([]byte(nil), value...), nil
	}
	rowKey, err := s.d.rowKeyFromEntry(key, value)
	if err != nil {
		return nil, nil, err
	}
	v, err := s.txn.Get(rowKey)
	if err != nil {
		return nil, nil, &CorruptError{Key: key, Reason: fmt.Sprintf("index %s points at row %x: %v", s.opts.Index.Name, rowKey, err)}
	}
	return rowKey, v, nil
}

// NextRow returns the next row as one datum per column position (all
// columns, whatever Columns says), for the slow paths: DML and backfills.
func (s *Scanner) NextRow() ([]types.Datum, bool, error) {
	if s.err != nil {
		return nil, false, s.err
	}
	if !s.it.Next() {
		s.err = s.it.Err()
		return nil, false, s.err
	}
	key, value, err := s.rowBytes(true)
	if err != nil {
		s.err = err
		return nil, false, err
	}
	row, err := s.dec.decodeDatums(key, value)
	if err != nil {
		s.err = err
		return nil, false, err
	}
	s.Rows++
	return row, true, nil
}

// Close releases the scan.
func (s *Scanner) Close() { s.it.Close() }
