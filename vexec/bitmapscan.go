package vexec

import (
	"fmt"

	"github.com/aegisdb/aegis/bitmap"
	"github.com/aegisdb/aegis/model/table"
	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/mvcc"
	"github.com/aegisdb/aegis/optimizer"
)

// rowSource is what a scan operator reads batches from: a key-order
// table.Scanner or a row-number-order table.BitmapScanner.
type rowSource interface {
	NextBatch(b *types.Batch) (more bool, err error)
	Close()
}

// openBitmapScan combines the bitmaps of a bitmap access (AND intersects,
// OR unites) and returns the scanner of the rows left. The row numbers
// are all in memory before the first row is read: 4 bytes a row at
// worst, far less for runs.
func openBitmapScan(txn *mvcc.Txn, n *optimizer.Scan) (rowSource, error) {
	rows, err := evalBitmap(txn, n.Table, n.Bitmap.Expr)
	if err != nil {
		return nil, err
	}
	return table.NewBitmapScanner(txn, n.Table, rows, n.Cols), nil
}

func evalBitmap(txn *mvcc.Txn, d *table.Desc, e *optimizer.BitmapExpr) (*bitmap.Bitmap, error) {
	switch e.Op {
	case optimizer.BitmapLeaf:
		return table.ReadBitmap(txn, d, e.Index, e.Values)
	case optimizer.BitmapAnd, optimizer.BitmapOr:
		var acc *bitmap.Bitmap
		for i, a := range e.Args {
			b, err := evalBitmap(txn, d, a)
			if err != nil {
				return nil, err
			}
			switch {
			case i == 0:
				acc = b
			case e.Op == optimizer.BitmapAnd:
				acc = bitmap.And(acc, b)
			default:
				acc = bitmap.Or(acc, b)
			}
			if e.Op == optimizer.BitmapAnd && acc.IsEmpty() {
				break // nothing can come back
			}
		}
		if acc == nil {
			return bitmap.New(), nil
		}
		return acc, nil
	}
	return nil, fmt.Errorf("vexec: bitmap expression of unknown kind %d", e.Op)
}
