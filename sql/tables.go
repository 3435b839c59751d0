package sql

import (
	"context"
	"errors"
	"fmt"

	"github.com/aegisdb/aegis/model/table"
	"github.com/aegisdb/aegis/mvcc"
)

// TableInfo describes a table for the REST API and the CLI.
type TableInfo struct {
	Name    string       `json:"name"`
	Columns []ColumnInfo `json:"columns"`
	// PrimaryKey lists the primary key's columns; empty when the table
	// has the hidden rowid key.
	PrimaryKey []string    `json:"primary_key"`
	Indexes    []IndexInfo `json:"indexes"`
	// RowCount is the count of the last ANALYZE, -1 when never analyzed.
	RowCount int64 `json:"row_count"`
	// Capture is the stream channel the table's changes are published
	// to (Engine.CaptureChanges), empty when none.
	Capture string `json:"capture,omitempty"`
}

// ColumnInfo describes a column.
type ColumnInfo struct {
	Name       string `json:"name"`
	Type       string `json:"type"`
	Nullable   bool   `json:"nullable"`
	Default    string `json:"default,omitempty"`
	PrimaryKey bool   `json:"primary_key"`
	References string `json:"references,omitempty"`
}

// IndexInfo describes a secondary index.
type IndexInfo struct {
	Name    string   `json:"name"`
	Columns []string `json:"columns"`
	Unique  bool     `json:"unique"`
	Using   string   `json:"using"`
}

// Tables describes every table, ordered by name.
func (e *Engine) Tables(ctx context.Context) ([]TableInfo, error) {
	var out []TableInfo
	err := e.readOnly(func(txn *mvcc.Txn) error {
		descs, err := e.cat.Tables(txn)
		if err != nil {
			return err
		}
		for _, d := range descs {
			out = append(out, e.describe(txn, d))
		}
		return nil
	})
	return out, err
}

// Table describes one table; the error matches table.ErrNoSuchTable when
// there is none of that name.
func (e *Engine) Table(ctx context.Context, name string) (TableInfo, error) {
	var out TableInfo
	err := e.readOnly(func(txn *mvcc.Txn) error {
		d, err := e.cat.Table(txn, name)
		if errors.Is(err, table.ErrNoSuchTable) {
			return fmt.Errorf("%w: %q", table.ErrNoSuchTable, name)
		}
		if err != nil {
			return err
		}
		out = e.describe(txn, d)
		return nil
	})
	return out, err
}

func (e *Engine) readOnly(fn func(*mvcc.Txn) error) error {
	txn, err := e.db.Begin(mvcc.TxnOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer txn.Rollback()
	return fn(txn)
}

func (e *Engine) describe(txn *mvcc.Txn, d *table.Desc) TableInfo {
	info := TableInfo{Name: d.Name, RowCount: -1, Columns: []ColumnInfo{}, PrimaryKey: []string{}, Indexes: []IndexInfo{}, Capture: d.Capture}
	pk := map[uint32]bool{}
	for _, id := range d.Primary.Columns {
		if c := d.ColumnByID(id); c >= 0 && !d.Columns[c].Hidden {
			pk[id] = true
			info.PrimaryKey = append(info.PrimaryKey, d.Columns[c].Name)
		}
	}
	for _, c := range d.Columns {
		if c.Hidden {
			continue
		}
		t := c.Type.String()
		if c.Serial {
			t = "SERIAL"
		}
		info.Columns = append(info.Columns, ColumnInfo{Name: c.Name, Type: t, Nullable: !c.NotNull,
			Default: c.Default, PrimaryKey: pk[c.ID], References: c.References})
	}
	for _, ix := range d.Indexes {
		ii := IndexInfo{Name: ix.Name, Unique: ix.Unique, Using: string(ix.Kind), Columns: []string{}}
		for _, id := range ix.Columns {
			if c := d.ColumnByID(id); c >= 0 {
				ii.Columns = append(ii.Columns, d.Columns[c].Name)
			}
		}
		info.Indexes = append(info.Indexes, ii)
	}
	if st, err := e.cat.Stats(txn, d.ID); err == nil && st != nil {
		info.RowCount = st.RowCount
	}
	return info
}
