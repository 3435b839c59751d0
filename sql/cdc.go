package sql

import (
	"context"
	"errors"
	"fmt"

	"github.com/aegisdb/aegis/model/stream"
	"github.com/aegisdb/aegis/model/table"
	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/mvcc"
)

// Change data capture: every committed row change of a captured table
// is published to a model/stream channel as an event of type "change"
// with data {"table", "op", "old", "new"}, old and new being JSON objects
// keyed by column name (old null for an insert, new null for a delete).
//
// The table layer calls the catalog's ChangeFunc after each row write,
// inside the statement's transaction, and the engine publishes there
// with stream.PublishChangeIn. So the event exists if and only if the
// change commits (nothing for a rolled-back transaction or a failed
// statement), and channel offsets follow commit order: two transactions
// publishing to one channel both write its state key, and the later to
// commit fails with a conflict (autocommit statements retry it; an
// explicit transaction's COMMIT returns it). That serializes the writers
// of captured tables sharing a channel, the cost of exact CDC.
//
// Every row write of the table layer counts: ALTER TABLE ADD COLUMN with
// a DEFAULT, which fills existing rows by an UPDATE, publishes an update
// per row; DROP TABLE publishes nothing (the setting goes with the table).
//
// Which table goes to which channel is in the table's descriptor
// (table.Desc.Capture), so the setting is transactional DDL and survives
// a restart; the engine only needs UseStreams again after opening.

// ErrNoStreams: CaptureChanges on an engine without UseStreams.
var ErrNoStreams = errors.New("sql: change data capture needs a stream store (Engine.UseStreams)")

// UseStreams gives the engine the stream store that captured tables
// publish to. Call it once, after Open and before serving statements:
// until then a write to a captured table fails (table.ErrNoChangeReceiver)
// rather than commit a change nobody published.
func (e *Engine) UseStreams(st *stream.Store) {
	e.streams = st
	e.cat.OnChange(func(txn *mvcc.Txn, c table.Change) error {
		_, err := st.PublishChangeIn(txn, c.Table.Capture, c.Table.Name, c.Op.String(),
			rowObject(c.Table, c.Old), rowObject(c.Table, c.New))
		if err != nil {
			return fmt.Errorf("sql: capturing a change of %s to channel %q: %w", c.Table.Name, c.Table.Capture, err)
		}
		return nil
	})
}

// CaptureChanges publishes every later committed row change of the
// named table to the stream channel (which must exist); channel ""
// turns capture off. The setting commits at once, in a transaction of
// its own.
func (e *Engine) CaptureChanges(ctx context.Context, tableName, channel string) error {
	if e.streams == nil {
		return ErrNoStreams
	}
	if channel != "" {
		if _, err := e.streams.Channel(channel); err != nil {
			return err
		}
	}
	_, err := e.db.Update(5, func(txn *mvcc.Txn) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		_, err := e.cat.SetCapture(txn, tableName, channel)
		if errors.Is(err, table.ErrNoSuchTable) {
			return fmt.Errorf("%w: %q", table.ErrNoSuchTable, tableName)
		}
		return err
	})
	return err
}

// committed runs after a session's transaction commits: if it wrote, it
// may have published change events, whose subscribers the stream store
// cannot see being committed.
func (e *Engine) committed(txn *mvcc.Txn) {
	if e.streams != nil && txn.CommitTS() != 0 {
		e.streams.Notify()
	}
}

// rowObject is a row as the JSON object of a change event: visible
// columns by name, values as Value gives them (nil row: nil).
func rowObject(d *table.Desc, row []types.Datum) map[string]any {
	if row == nil {
		return nil
	}
	m := make(map[string]any, len(row))
	for i := range d.Columns {
		if !d.Columns[i].Hidden {
			m[d.Columns[i].Name] = Value(row[i])
		}
	}
	return m
}
