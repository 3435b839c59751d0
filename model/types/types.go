package types

import (
	"errors"
	"fmt"
	"strings"
)

// ErrBadType is matched by errors about a type's parameters.
var ErrBadType = errors.New("types: invalid type")

// Family is the logical kind of a SQL type.
type Family uint8

const (
	Unknown Family = iota // the type of a bare NULL
	Bool
	Int
	Float
	Decimal
	String
	Bytes
	Date
	Time
	Timestamp
	JSON
)

var familyNames = [...]string{
	Unknown: "UNKNOWN", Bool: "BOOLEAN", Int: "BIGINT", Float: "DOUBLE",
	Decimal: "DECIMAL", String: "TEXT", Bytes: "BLOB", Date: "DATE",
	Time: "TIME", Timestamp: "TIMESTAMP", JSON: "JSON",
}

func (f Family) String() string {
	if int(f) < len(familyNames) {
		return familyNames[f]
	}
	return fmt.Sprintf("Family(%d)", uint8(f))
}

// Physical is how values of a type are stored in vectors and rows.
type Physical uint8

const (
	PhysInt   Physical = iota // int64
	PhysFloat                 // float64
	PhysBytes                 // []byte
)

// MaxDecimalPrecision is the widest DECIMAL an int64 holds exactly.
const MaxDecimalPrecision = 18

// Type is a SQL type: a family and its parameters.
type Type struct {
	Family Family
	// Width is the size in bits of an Int (16, 32 or 64) and the maximum
	// length in characters of a String (0: unbounded, as TEXT).
	Width int32
	// Fixed marks CHAR(n) (blank-padded on output) as opposed to VARCHAR(n).
	Fixed bool
	// Precision and Scale of a Decimal.
	Precision, Scale int8
}

// The common types.
var (
	TypeUnknown   = Type{Family: Unknown}
	TypeBool      = Type{Family: Bool}
	TypeSmallInt  = Type{Family: Int, Width: 16}
	TypeInt       = Type{Family: Int, Width: 32}
	TypeBigInt    = Type{Family: Int, Width: 64}
	TypeFloat     = Type{Family: Float}
	TypeText      = Type{Family: String}
	TypeBytes     = Type{Family: Bytes}
	TypeDate      = Type{Family: Date}
	TypeTime      = Type{Family: Time}
	TypeTimestamp = Type{Family: Timestamp}
	TypeJSON      = Type{Family: JSON}
)

// NewDecimal returns DECIMAL(precision, scale), or an error naming the
// problem when the parameters are out of range.
func NewDecimal(precision, scale int) (Type, error) {
	if precision < 1 || precision > MaxDecimalPrecision {
		return Type{}, fmt.Errorf("%w: DECIMAL precision %d out of range 1..%d", ErrBadType, precision, MaxDecimalPrecision)
	}
	if scale < 0 || scale > precision {
		return Type{}, fmt.Errorf("%w: DECIMAL scale %d out of range 0..%d", ErrBadType, scale, precision)
	}
	return Type{Family: Decimal, Precision: int8(precision), Scale: int8(scale)}, nil
}

// NewVarchar returns VARCHAR(n) (CHAR(n) when fixed).
func NewVarchar(n int, fixed bool) (Type, error) {
	if n < 1 || n > 1<<24 {
		return Type{}, fmt.Errorf("%w: length %d out of range 1..%d", ErrBadType, n, 1<<24)
	}
	return Type{Family: String, Width: int32(n), Fixed: fixed}, nil
}

// Physical returns the storage representation of t.
func (t Type) Physical() Physical {
	switch t.Family {
	case Float:
		return PhysFloat
	case String, Bytes, JSON:
		return PhysBytes
	}
	return PhysInt
}

// IsNumeric reports whether t takes part in arithmetic.
func (t Type) IsNumeric() bool {
	return t.Family == Int || t.Family == Float || t.Family == Decimal
}

// String prints t as SQL.
func (t Type) String() string {
	switch t.Family {
	case Int:
		switch t.Width {
		case 16:
			return "SMALLINT"
		case 32:
			return "INT"
		}
		return "BIGINT"
	case Decimal:
		return fmt.Sprintf("DECIMAL(%d,%d)", t.Precision, t.Scale)
	case String:
		switch {
		case t.Width == 0:
			return "TEXT"
		case t.Fixed:
			return fmt.Sprintf("CHAR(%d)", t.Width)
		}
		return fmt.Sprintf("VARCHAR(%d)", t.Width)
	}
	return t.Family.String()
}

// Equal reports whether a and b are the same type with the same parameters.
func (t Type) Equal(u Type) bool { return t == u }

// ParseFamilyName maps a type name of the grammar to its type, for names
// that take no parameters; "" and false for an unknown name.
func ParseFamilyName(name string) (Type, bool) {
	switch strings.ToUpper(name) {
	case "BOOLEAN", "BOOL":
		return TypeBool, true
	case "SMALLINT", "INT2":
		return TypeSmallInt, true
	case "INT", "INTEGER", "INT4":
		return TypeInt, true
	case "BIGINT", "INT8", "SERIAL", "BIGSERIAL":
		return TypeBigInt, true
	case "FLOAT", "DOUBLE", "REAL", "FLOAT8", "FLOAT4", "DOUBLE PRECISION":
		return TypeFloat, true
	case "TEXT", "VARCHAR", "STRING":
		return TypeText, true
	case "BLOB", "BYTEA", "BYTES":
		return TypeBytes, true
	case "DATE":
		return TypeDate, true
	case "TIME":
		return TypeTime, true
	case "TIMESTAMP", "DATETIME":
		return TypeTimestamp, true
	case "JSON", "JSONB":
		return TypeJSON, true
	}
	return Type{}, false
}
