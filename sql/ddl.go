package sql

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/aegisdb/aegis/model/table"
	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/mvcc"
	"github.com/aegisdb/aegis/optimizer"
	"github.com/aegisdb/aegis/parser"
)

func (s *Session) ddl(txn *mvcc.Txn, st parser.Statement) (*Result, error) {
	cat := s.eng.cat
	switch x := st.(type) {
	case *parser.CreateTableStmt:
		if x.IfNotExists {
			if _, err := cat.Table(txn, x.Name); err == nil {
				return &Result{Tag: "CREATE TABLE"}, nil
			}
		}
		if err := s.createTable(txn, x); err != nil {
			return nil, err
		}
		return &Result{Tag: "CREATE TABLE"}, nil
	case *parser.DropTableStmt:
		// The tables go together, so foreign keys among them do not
		// stand in the way.
		var names []string
		for _, name := range x.Names {
			_, err := cat.Table(txn, name)
			if errors.Is(err, table.ErrNoSuchTable) {
				if x.IfExists {
					continue
				}
				return nil, fmt.Errorf("%w: table %q does not exist", table.ErrNoSuchTable, name)
			}
			if err != nil {
				return nil, err
			}
			names = append(names, name)
		}
		if len(names) > 0 {
			if err := cat.DropTables(txn, names); err != nil {
				return nil, err
			}
		}
		return &Result{Tag: "DROP TABLE"}, nil
	case *parser.AlterTableStmt:
		if err := s.alter(txn, x); err != nil {
			return nil, err
		}
		return &Result{Tag: "ALTER TABLE"}, nil
	case *parser.CreateIndexStmt:
		if x.IfNotExists {
			if _, _, err := cat.FindIndex(txn, x.Name); err == nil {
				return &Result{Tag: "CREATE INDEX"}, nil
			}
		}
		kind := table.IndexBTree
		if x.Using == parser.IndexBitmap {
			kind = table.IndexBitmap
		}
		if _, err := cat.CreateIndex(txn, x.Table, x.Name, x.Columns, nil, x.Unique, kind); err != nil {
			return nil, err
		}
		return &Result{Tag: "CREATE INDEX"}, nil
	case *parser.DropIndexStmt:
		_, err := cat.DropIndex(txn, x.Name)
		if errors.Is(err, table.ErrNoSuchIndex) && x.IfExists {
			err = nil
		}
		if err != nil {
			return nil, err
		}
		return &Result{Tag: "DROP INDEX"}, nil
	}
	return nil, fmt.Errorf("%w: statement %T", optimizer.ErrUnsupported, st)
}

// column converts a column definition, checking its DEFAULT by binding it.
func (s *Session) column(txn *mvcc.Txn, def *parser.ColumnDef) (table.Column, error) {
	t, serial, err := optimizer.TypeFromAST(def.Type)
	if err != nil {
		return table.Column{}, fmt.Errorf("column %q: %w", def.Name, err)
	}
	col := table.Column{Name: def.Name, Type: t, NotNull: def.NotNull || def.PrimaryKey, Serial: serial}
	if def.Default != nil {
		col.Default = def.Default.String()
		b := optimizer.NewBinder(newCatalogView(s.eng.cat, txn), nil)
		e, err := b.BindExpr(def.Default)
		if err != nil {
			return table.Column{}, fmt.Errorf("column %q: DEFAULT: %w", def.Name, err)
		}
		if c, ok := e.(*optimizer.Const); ok && !c.D.Null {
			if _, err := optimizer.CastDatum(c.D, t); err != nil {
				return table.Column{}, fmt.Errorf("column %q: DEFAULT: %w", def.Name, err)
			}
		}
	}
	return col, nil
}

func (s *Session) createTable(txn *mvcc.Txn, x *parser.CreateTableStmt) error {
	var cols []table.Column
	var pk []string
	var uniques [][]string
	for _, def := range x.Columns {
		col, err := s.column(txn, def)
		if err != nil {
			return err
		}
		if def.PrimaryKey {
			if pk != nil {
				return fmt.Errorf("%w: multiple primary keys for table %q are not allowed", table.ErrBadDefinition, x.Name)
			}
			pk = []string{def.Name}
		}
		if def.Unique && !def.PrimaryKey {
			uniques = append(uniques, []string{def.Name})
		}
		cols = append(cols, col)
	}
	for _, c := range x.Constraints {
		switch c.Kind {
		case parser.ConstraintPrimaryKey:
			if pk != nil {
				return fmt.Errorf("%w: multiple primary keys for table %q are not allowed", table.ErrBadDefinition, x.Name)
			}
			pk = c.Columns
			for _, name := range pk {
				for i := range cols {
					if cols[i].Name == name {
						cols[i].NotNull = true
					}
				}
			}
		case parser.ConstraintUnique:
			uniques = append(uniques, c.Columns)
		}
	}
	d, err := table.NewDesc(x.Name, cols, pk)
	if err != nil {
		return err
	}
	if err := s.eng.cat.CreateTable(txn, d); err != nil {
		return err
	}
	for _, u := range uniques {
		name := x.Name + "_" + strings.Join(u, "_") + "_key"
		if _, err := s.eng.cat.CreateIndex(txn, x.Name, name, u, nil, true, table.IndexBTree); err != nil {
			return err
		}
	}
	// Foreign keys last: a table may reference its own primary key or
	// UNIQUE column, which must exist first.
	for _, def := range x.Columns {
		if err := s.addForeignKey(txn, x.Name, def); err != nil {
			return err
		}
	}
	return nil
}

func (s *Session) addForeignKey(txn *mvcc.Txn, tableName string, def *parser.ColumnDef) error {
	if def.References == nil {
		return nil
	}
	_, err := s.eng.cat.AddForeignKey(txn, tableName, def.Name, def.References.Table, def.References.Column)
	return err
}

func (s *Session) alter(txn *mvcc.Txn, x *parser.AlterTableStmt) error {
	cat := s.eng.cat
	switch a := x.Action.(type) {
	case *parser.AddColumn:
		if a.Column.PrimaryKey {
			return fmt.Errorf("%w: ALTER TABLE ADD COLUMN cannot add a primary key", optimizer.ErrUnsupported)
		}
		col, err := s.column(txn, a.Column)
		if err != nil {
			return err
		}
		if _, err := cat.AddColumn(txn, x.Table, col); err != nil {
			return err
		}
		if col.Default != "" {
			// Existing rows take the default.
			upd := &parser.UpdateStmt{Table: &parser.TableName{Name: x.Table},
				Set: []*parser.Assignment{{Column: col.Name, Value: a.Column.Default}}}
			if _, err := s.query(context.Background(), txn, upd, nil); err != nil {
				return err
			}
		}
		if a.Column.Unique {
			if _, err := cat.CreateIndex(txn, x.Table, x.Table+"_"+col.Name+"_key", []string{col.Name}, nil, true, table.IndexBTree); err != nil {
				return err
			}
		}
		// After the DEFAULT fill, so the filled rows are checked.
		return s.addForeignKey(txn, x.Table, a.Column)
	case *parser.DropColumn:
		_, err := cat.DropColumn(txn, x.Table, a.Name)
		return err
	case *parser.RenameColumn:
		_, err := cat.RenameColumn(txn, x.Table, a.Old, a.New)
		return err
	case *parser.RenameTable:
		return cat.RenameTable(txn, x.Table, a.New)
	}
	return fmt.Errorf("%w: ALTER TABLE action %T", optimizer.ErrUnsupported, x.Action)
}

// histogramBuckets is the number of equi-depth buckets ANALYZE keeps per
// column; sampleSize bounds the values it sorts to find them.
const (
	histogramBuckets = 32
	sampleSize       = 10000
)

// analyze gathers row counts, distinct counts, NULL counts and
// histograms for the optimizer.
func (s *Session) analyze(ctx context.Context, txn *mvcc.Txn, x *parser.AnalyzeStmt) (*Result, error) {
	cat := s.eng.cat
	var descs []*table.Desc
	if x.Table != "" {
		d, err := cat.Table(txn, x.Table)
		if err != nil {
			return nil, err
		}
		descs = []*table.Desc{d}
	} else {
		var err error
		if descs, err = cat.Tables(txn); err != nil {
			return nil, err
		}
	}
	for _, d := range descs {
		st, err := gatherStats(ctx, txn, d)
		if err != nil {
			return nil, err
		}
		if err := cat.SetStats(txn, d.ID, st); err != nil {
			return nil, err
		}
	}
	return &Result{Tag: "ANALYZE"}, nil
}

func gatherStats(ctx context.Context, txn *mvcc.Txn, d *table.Desc) (*table.Stats, error) {
	cols := make([]int, len(d.Columns))
	for i := range cols {
		cols[i] = i
	}
	sc := table.NewScanner(txn, d, table.ScanOptions{Columns: cols})
	defer sc.Close()
	b := types.NewBatch(d.Types())
	distinct := make([]map[string]struct{}, len(cols))
	samples := make([][]types.Datum, len(cols))
	nulls := make([]int64, len(cols))
	for i := range distinct {
		distinct[i] = map[string]struct{}{}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var rows int64
	var key []byte
	for more := true; more; {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var err error
		if more, err = sc.NextBatch(b); err != nil {
			return nil, err
		}
		for r := 0; r < b.Len; r++ {
			rows++
			for c, v := range b.Vecs {
				dt := v.Get(r)
				if dt.Null {
					nulls[c]++
					continue
				}
				key = table.AppendDatum(key[:0], dt, false)
				if len(distinct[c]) < 1<<20 {
					distinct[c][string(key)] = struct{}{}
				}
				if dt.B != nil {
					dt.B = append([]byte(nil), dt.B...)
				}
				// Reservoir sampling keeps a uniform sample of the values.
				if len(samples[c]) < sampleSize {
					samples[c] = append(samples[c], dt)
				} else if k := rng.Int64N(rows); k < sampleSize {
					samples[c][k] = dt
				}
			}
		}
	}
	st := &table.Stats{RowCount: rows}
	for c := range cols {
		cs := table.ColumnStats{ColumnID: d.Columns[c].ID, Distinct: int64(len(distinct[c])), Nulls: nulls[c]}
		smp := samples[c]
		sort.Slice(smp, func(i, j int) bool { return optimizer.CompareDatums(smp[i], smp[j]) < 0 })
		if len(smp) > 0 && d.Columns[c].Type.Family != types.JSON {
			for k := 1; k <= histogramBuckets; k++ {
				cs.Histogram = append(cs.Histogram, smp[min(len(smp)-1, k*len(smp)/histogramBuckets)])
			}
		}
		st.Columns = append(st.Columns, cs)
	}
	return st, nil
}
