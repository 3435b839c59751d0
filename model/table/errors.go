package table

import (
	"errors"
	"fmt"
)

var (
	// ErrNoSuchTable: no table of that name (or ID) exists.
	ErrNoSuchTable = errors.New("table: no such table")
	// ErrTableExists: CREATE TABLE of a name already taken.
	ErrTableExists = errors.New("table: table already exists")
	// ErrNoSuchColumn: a column name the table does not have.
	ErrNoSuchColumn = errors.New("table: no such column")
	// ErrColumnExists: ADD or RENAME to a column name already taken.
	ErrColumnExists = errors.New("table: column already exists")
	// ErrNoSuchIndex: an index name no table has.
	ErrNoSuchIndex = errors.New("table: no such index")
	// ErrIndexExists: CREATE INDEX of a name already taken.
	ErrIndexExists = errors.New("table: index already exists")
	// ErrBadDefinition: a table or index definition that cannot be built
	// (no columns, a primary key naming a missing column, ...).
	ErrBadDefinition = errors.New("table: invalid definition")
	// ErrDuplicateKey: an insert or update would repeat a primary key or a
	// unique index value. Match *ConstraintError for the details.
	ErrDuplicateKey = errors.New("table: duplicate key")
	// ErrNotNull: a NULL in a NOT NULL column.
	ErrNotNull = errors.New("table: null value in a NOT NULL column")
	// ErrValueTooLong: a string longer than its VARCHAR(n) or CHAR(n).
	ErrValueTooLong = errors.New("table: value too long")
	// ErrTypeMismatch: a datum whose physical kind is not its column's.
	ErrTypeMismatch = errors.New("table: value type does not match column")
	// ErrCorrupt: stored bytes (descriptor, row, index entry) that do not
	// decode. Match *CorruptError for the key.
	ErrCorrupt = errors.New("table: corrupt data")
	// ErrNoChangeReceiver: a write to a table that captures its changes
	// while no Catalog.OnChange receiver is installed.
	ErrNoChangeReceiver = errors.New("table: changes are captured but nothing receives them")
	// ErrForeignKey: a write that would leave a referencing value without
	// its referenced row. Match *ForeignKeyError for the details.
	ErrForeignKey = errors.New("table: foreign key violation")
	// ErrDependentObjects: dropping a table or index a foreign key needs.
	ErrDependentObjects = errors.New("table: other objects depend on it")
	// ErrUnsupported: a feature the table layer does not have yet.
	ErrUnsupported = errors.New("table: not supported")
)

// ConstraintError names the constraint a write broke.
type ConstraintError struct {
	Table      string
	Constraint string // "primary key", an index name, or a column name
	Value      string // the offending value, formatted
	Err        error  // ErrDuplicateKey, ErrNotNull or ErrValueTooLong
}

func (e *ConstraintError) Error() string {
	switch e.Err {
	case ErrDuplicateKey:
		return fmt.Sprintf("table %s: duplicate key %s violates %s", e.Table, e.Value, e.Constraint)
	case ErrNotNull:
		return fmt.Sprintf("table %s: null value in column %q violates NOT NULL", e.Table, e.Constraint)
	}
	return fmt.Sprintf("table %s: column %q: %v: %s", e.Table, e.Constraint, e.Err, e.Value)
}

func (e *ConstraintError) Unwrap() error { return e.Err }

// CorruptError says which stored key failed to decode.
type CorruptError struct {
	Key    []byte
	Reason string
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("table: corrupt data at key %x: %s", e.Key, e.Reason)
}

func (e *CorruptError) Unwrap() error { return ErrCorrupt }
