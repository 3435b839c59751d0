package table

import (
	"fmt"

	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/mvcc"
)

// Change data capture, the table layer's half. A table whose descriptor
// names a Capture target reports every row it writes (Insert, Update,
// Delete) to the ChangeFunc installed on its Catalog, inside the writing
// transaction, after the row and index writes. The table layer does not
// know what the target is (the SQL layer publishes to a model/stream
// channel of that name): keeping the sink a function keeps model/table
// below model/stream.

// ChangeOp is the kind of a row change.
type ChangeOp uint8

// The row changes Insert, Update and Delete report.
const (
	ChangeInsert ChangeOp = iota + 1
	ChangeUpdate
	ChangeDelete
)

func (op ChangeOp) String() string {
	switch op {
	case ChangeInsert:
		return "insert"
	case ChangeUpdate:
		return "update"
	case ChangeDelete:
		return "delete"
	}
	return fmt.Sprintf("ChangeOp(%d)", uint8(op))
}

// Change is one row written to a captured table. Old is nil for an
// insert and New nil for a delete; both hold a datum per column of
// Table.Columns (hidden ones included) and are only valid during the call.
type Change struct {
	Table    *Desc
	Op       ChangeOp
	Old, New []types.Datum
}

// ChangeFunc receives the changes of captured tables in the writing
// transaction; an error fails the write (and so, as any failed write,
// the statement).
type ChangeFunc func(txn *mvcc.Txn, c Change) error

// OnChange installs fn as the receiver of every captured table's
// changes. Install it before serving writes: a write to a captured table
// with no receiver fails with ErrNoChangeReceiver rather than commit a
// change nobody saw.
func (c *Catalog) OnChange(fn ChangeFunc) { c.onChange.Store(&fn) }

// SetCapture sets where the named table's changes go (a name the
// ChangeFunc understands; "" turns capture off). It is DDL: stored in the
// descriptor in txn, so it commits or rolls back with txn and survives a
// restart.
func (c *Catalog) SetCapture(txn *mvcc.Txn, tableName, target string) (*Desc, error) {
	return c.alter(txn, tableName, func(d *Desc) error {
		d.Capture = target
		return nil
	})
}

// capture reports a row change of d to the catalog's ChangeFunc when d
// is captured.
func (d *Desc) capture(txn *mvcc.Txn, op ChangeOp, old, row []types.Datum) error {
	if d.Capture == "" {
		return nil
	}
	var fn *ChangeFunc
	if d.cat != nil {
		fn = d.cat.onChange.Load()
	}
	if fn == nil {
		return fmt.Errorf("%w: table %s captures its changes to %q", ErrNoChangeReceiver, d.Name, d.Capture)
	}
	return (*fn)(txn, Change{Table: d, Op: op, Old: old, New: row})
}
