package table

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aegisdb/aegis/model/types"
)

// PrimaryIndexID is the index ID of every table's rows.
const PrimaryIndexID = 1

// RowIDColumn names the hidden primary key of a table declared without one.
const RowIDColumn = "rowid"

// Column is one column of a table.
type Column struct {
	ID      uint32     `json:"id"`   // stable across renames; never reused in a table
	Name    string     `json:"name"` // lower-cased unless it was quoted
	Type    types.Type `json:"type"`
	NotNull bool       `json:"not_null,omitempty"`
	// Default is the SQL text of the DEFAULT expression ("" for none); the
	// SQL layer parses and evaluates it.
	Default string `json:"default,omitempty"`
	// Serial columns take the next value of the table's sequence when an
	// insert gives none.
	Serial bool `json:"serial,omitempty"`
	// Hidden columns (the implicit rowid) are left out of SELECT *.
	Hidden bool `json:"hidden,omitempty"`
	// References is "table(column)" for a REFERENCES constraint, as
	// shown to users. ForeignKey is what is enforced (fkeys.go); a
	// descriptor stored before enforcement has References alone.
	References string      `json:"references,omitempty"`
	ForeignKey *ForeignKey `json:"foreign_key,omitempty"`
}

// IndexKind is how an index is stored.
type IndexKind string

const (
	IndexBTree  IndexKind = "btree"
	IndexBitmap IndexKind = "bitmap"
)

// Index is the primary index or a secondary index of a table.
type Index struct {
	ID      uint32    `json:"id"`
	Name    string    `json:"name"`
	Columns []uint32  `json:"columns"` // column IDs, in key order
	Desc    []bool    `json:"desc,omitempty"`
	Unique  bool      `json:"unique,omitempty"`
	Kind    IndexKind `json:"kind"`
}

// Descending reports whether the i-th key column sorts descending.
func (ix *Index) Descending(i int) bool { return i < len(ix.Desc) && ix.Desc[i] }

// Desc describes a table: what the catalog stores for it.
type Desc struct {
	ID      uint32   `json:"id"`
	Name    string   `json:"name"`
	Columns []Column `json:"columns"`
	Primary Index    `json:"primary"`
	Indexes []Index  `json:"indexes,omitempty"` // secondary indexes
	// NextColumnID and NextIndexID keep IDs from being reused after a drop,
	// so stale row bytes of a dropped column never decode as a new one.
	NextColumnID uint32 `json:"next_column_id"`
	NextIndexID  uint32 `json:"next_index_id"`
	// Version counts the changes to the descriptor.
	Version uint64 `json:"version"`
	// Capture names where the table's row changes are published (see
	// capture.go); empty when they are not.
	Capture string `json:"capture,omitempty"`
	// RowNumbers is set while the table has a bitmap index: the index IDs
	// of its row-number maps (bitmapindex.go).
	RowNumbers *RowNumbering `json:"row_numbers,omitempty"`

	cat *Catalog // the catalog that loaded d, for its ChangeFunc; nil for a new Desc
}

// ColumnIndex returns the position in Columns of the named column, or -1.
func (d *Desc) ColumnIndex(name string) int {
	for i := range d.Columns {
		if d.Columns[i].Name == name {
			return i
		}
	}
	return -1
}

// ColumnByID returns the position in Columns of the column with that ID,
// or -1.
func (d *Desc) ColumnByID(id uint32) int {
	for i := range d.Columns {
		if d.Columns[i].ID == id {
			return i
		}
	}
	return -1
}

// Index returns the secondary index of that name, or nil.
func (d *Desc) Index(name string) *Index {
	for i := range d.Indexes {
		if d.Indexes[i].Name == name {
			return &d.Indexes[i]
		}
	}
	return nil
}

// VisibleColumns returns the positions of the columns SELECT * shows.
func (d *Desc) VisibleColumns() []int {
	out := make([]int, 0, len(d.Columns))
	for i := range d.Columns {
		if !d.Columns[i].Hidden {
			out = append(out, i)
		}
	}
	return out
}

// Types returns the column types in column order.
func (d *Desc) Types() []types.Type {
	out := make([]types.Type, len(d.Columns))
	for i := range d.Columns {
		out[i] = d.Columns[i].Type
	}
	return out
}

// keyPositions returns the column positions of an index's key columns.
func (d *Desc) keyPositions(ix *Index) []int {
	out := make([]int, len(ix.Columns))
	for i, id := range ix.Columns {
		out[i] = d.ColumnByID(id)
	}
	return out
}

// NewDesc builds the descriptor of a new table from its columns (IDs are
// assigned here) and the names of its primary key columns. With no primary
// key a hidden serial rowid column is added and used as one. Names are
// taken as given: the SQL layer folds case. The table ID is assigned by
// the catalog.
func NewDesc(name string, cols []Column, primaryKey []string) (*Desc, error) {
	if name == "" {
		return nil, fmt.Errorf("%w: a table needs a name", ErrBadDefinition)
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("%w: table %s has no columns", ErrBadDefinition, name)
	}
	d := &Desc{Name: name, NextColumnID: 1, NextIndexID: PrimaryIndexID + 1}
	for _, c := range cols {
		if c.Name == "" {
			return nil, fmt.Errorf("%w: table %s: a column needs a name", ErrBadDefinition, name)
		}
		if d.ColumnIndex(c.Name) >= 0 {
			return nil, fmt.Errorf("%w: table %s: column %q declared twice", ErrColumnExists, name, c.Name)
		}
		if c.Serial && c.Type.Family != types.Int {
			return nil, fmt.Errorf("%w: table %s: SERIAL column %q must be an integer", ErrBadDefinition, name, c.Name)
		}
		c.ID = d.NextColumnID
		d.NextColumnID++
		d.Columns = append(d.Columns, c)
	}
	d.Primary = Index{ID: PrimaryIndexID, Name: name + "_pkey", Unique: true, Kind: IndexBTree}
	if len(primaryKey) == 0 {
		if d.ColumnIndex(RowIDColumn) >= 0 {
			return nil, fmt.Errorf("%w: table %s: a table without a primary key cannot have a column named %q", ErrBadDefinition, name, RowIDColumn)
		}
		d.Columns = append(d.Columns, Column{ID: d.NextColumnID, Name: RowIDColumn, Type: types.TypeBigInt, NotNull: true, Serial: true, Hidden: true})
		d.NextColumnID++
		primaryKey = []string{RowIDColumn}
	}
	for _, pk := range primaryKey {
		i := d.ColumnIndex(pk)
		if i < 0 {
			return nil, fmt.Errorf("%w: table %s: primary key column %q", ErrNoSuchColumn, name, pk)
		}
		for _, id := range d.Primary.Columns {
			if id == d.Columns[i].ID {
				return nil, fmt.Errorf("%w: table %s: column %q appears twice in the primary key", ErrBadDefinition, name, pk)
			}
		}
		d.Columns[i].NotNull = true
		d.Primary.Columns = append(d.Primary.Columns, d.Columns[i].ID)
	}
	return d, nil
}

// NewIndex builds a secondary index on the named columns and adds it to d.
func (d *Desc) NewIndex(name string, columns []string, desc []bool, unique bool, kind IndexKind) (*Index, error) {
	if name == "" || len(columns) == 0 {
		return nil, fmt.Errorf("%w: an index needs a name and columns", ErrBadDefinition)
	}
	if d.Index(name) != nil || name == d.Primary.Name {
		return nil, fmt.Errorf("%w: %s", ErrIndexExists, name)
	}
	if kind == "" {
		kind = IndexBTree
	}
	switch kind {
	case IndexBTree:
	case IndexBitmap:
		if err := d.checkBitmapIndex(name, columns, unique); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("%w: index kind %q (btree or bitmap)", ErrUnsupported, kind)
	}
	ix := Index{ID: d.NextIndexID, Name: name, Unique: unique, Kind: kind}
	for i, c := range columns {
		pos := d.ColumnIndex(c)
		if pos < 0 {
			return nil, fmt.Errorf("%w: %q in index %s on table %s", ErrNoSuchColumn, c, name, d.Name)
		}
		ix.Columns = append(ix.Columns, d.Columns[pos].ID)
		if i < len(desc) && desc[i] {
			ix.Desc = make([]bool, len(columns))
			copy(ix.Desc, desc)
		}
	}
	d.NextIndexID++
	if kind == IndexBitmap && d.RowNumbers == nil {
		d.RowNumbers = &RowNumbering{ByRow: d.NextIndexID, ByKey: d.NextIndexID + 1, IntKey: d.intKeyTable()}
		d.NextIndexID += 2
	}
	d.Indexes = append(d.Indexes, ix)
	return &d.Indexes[len(d.Indexes)-1], nil
}

// String prints the descriptor as a CREATE TABLE statement with its indexes.
func (d *Desc) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE TABLE %s (", d.Name)
	first := true
	for _, c := range d.Columns {
		if c.Hidden {
			continue
		}
		if !first {
			b.WriteString(", ")
		}
		first = false
		fmt.Fprintf(&b, "%s %s", c.Name, c.Type)
		if c.NotNull {
			b.WriteString(" NOT NULL")
		}
		if c.Default != "" {
			fmt.Fprintf(&b, " DEFAULT %s", c.Default)
		}
		if c.References != "" {
			fmt.Fprintf(&b, " REFERENCES %s", c.References)
		}
	}
	if pk := d.Primary.Columns; len(pk) > 0 && !d.Columns[d.ColumnByID(pk[0])].Hidden {
		b.WriteString(", PRIMARY KEY (")
		for i, id := range pk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(d.Columns[d.ColumnByID(id)].Name)
		}
		b.WriteString(")")
	}
	b.WriteString(")")
	for _, ix := range d.Indexes {
		b.WriteString(";\nCREATE ")
		if ix.Unique {
			b.WriteString("UNIQUE ")
		}
		fmt.Fprintf(&b, "INDEX %s ON %s (", ix.Name, d.Name)
		for i, id := range ix.Columns {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(d.Columns[d.ColumnByID(id)].Name)
			if ix.Descending(i) {
				b.WriteString(" DESC")
			}
		}
		fmt.Fprintf(&b, ") USING %s", ix.Kind)
	}
	return b.String()
}

func encodeDesc(d *Desc) ([]byte, error) { return json.Marshal(d) }

// decodeDesc parses a stored descriptor and checks what the rest of the
// package relies on, so corrupt bytes give an error rather than a panic.
func decodeDesc(key, b []byte) (*Desc, error) {
	var d Desc
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, &CorruptError{Key: key, Reason: "descriptor: " + err.Error()}
	}
	if err := d.validate(); err != nil {
		return nil, &CorruptError{Key: key, Reason: "descriptor: " + err.Error()}
	}
	return &d, nil
}

func (d *Desc) validate() error {
	if d.Name == "" || len(d.Columns) == 0 {
		return fmt.Errorf("no name or no columns")
	}
	seen := map[uint32]bool{}
	for _, c := range d.Columns {
		if c.ID == 0 || c.ID >= d.NextColumnID || seen[c.ID] {
			return fmt.Errorf("bad column ID %d", c.ID)
		}
		if c.Type.Family > types.JSON {
			return fmt.Errorf("column %q has unknown type family %d", c.Name, c.Type.Family)
		}
		seen[c.ID] = true
	}
	check := func(ix *Index) error {
		if len(ix.Columns) == 0 {
			return fmt.Errorf("index %q has no columns", ix.Name)
		}
		for _, id := range ix.Columns {
			if !seen[id] {
				return fmt.Errorf("index %q names missing column %d", ix.Name, id)
			}
		}
		return nil
	}
	if d.Primary.ID != PrimaryIndexID {
		return fmt.Errorf("primary index ID %d", d.Primary.ID)
	}
	if err := check(&d.Primary); err != nil {
		return err
	}
	for i := range d.Indexes {
		if d.Indexes[i].ID <= PrimaryIndexID || d.Indexes[i].ID >= d.NextIndexID {
			return fmt.Errorf("index %q has bad ID %d", d.Indexes[i].Name, d.Indexes[i].ID)
		}
		if err := check(&d.Indexes[i]); err != nil {
			return err
		}
	}
	return d.validateRowNumbers()
}
