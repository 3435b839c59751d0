package parser

import (
	"strconv"
	"strings"
)

// TypeKind is an AegisQL data type. Synonyms parse to one kind: INTEGER
// is TypeInt, BOOL is TypeBool, NUMERIC is TypeDecimal, FLOAT and DOUBLE
// PRECISION are TypeDouble, BYTEA is TypeBlob.
type TypeKind int

const (
	TypeInt       TypeKind = iota + 1 // INT, INTEGER: 32-bit
	TypeBigInt                        // BIGINT: 64-bit
	TypeSmallInt                      // SMALLINT: 16-bit
	TypeReal                          // REAL: 32-bit float
	TypeDouble                        // DOUBLE [PRECISION], FLOAT: 64-bit float
	TypeDecimal                       // DECIMAL(p, s), NUMERIC(p, s)
	TypeVarchar                       // VARCHAR(n)
	TypeChar                          // CHAR(n)
	TypeText                          // TEXT
	TypeBool                          // BOOLEAN, BOOL
	TypeDate                          // DATE
	TypeTime                          // TIME
	TypeTimestamp                     // TIMESTAMP
	TypeJSON                          // JSON
	TypeBlob                          // BLOB, BYTEA
	TypeSerial                        // SERIAL: BIGINT filled from a sequence
)

// DataType is a column or cast type with its parameters.
type DataType struct {
	Kind TypeKind
	// Length is n of VARCHAR(n) / CHAR(n); 0 means not given.
	Length int
	// Precision and Scale are p and s of DECIMAL(p, s); Precision 0 means
	// not given (any precision), DECIMAL(p) has Scale 0.
	Precision int
	Scale     int
}

var typeNames = map[TypeKind]string{
	TypeInt: "INT", TypeBigInt: "BIGINT", TypeSmallInt: "SMALLINT", TypeReal: "REAL",
	TypeDouble: "DOUBLE", TypeDecimal: "DECIMAL", TypeVarchar: "VARCHAR", TypeChar: "CHAR",
	TypeText: "TEXT", TypeBool: "BOOLEAN", TypeDate: "DATE", TypeTime: "TIME",
	TypeTimestamp: "TIMESTAMP", TypeJSON: "JSON", TypeBlob: "BLOB", TypeSerial: "SERIAL",
}

// typeByName maps every accepted spelling (upper case) to its kind.
var typeByName = map[string]TypeKind{
	"INT": TypeInt, "INTEGER": TypeInt, "BIGINT": TypeBigInt, "SMALLINT": TypeSmallInt,
	"REAL": TypeReal, "FLOAT": TypeDouble, "DOUBLE": TypeDouble,
	"DECIMAL": TypeDecimal, "NUMERIC": TypeDecimal, "VARCHAR": TypeVarchar, "CHAR": TypeChar,
	"TEXT": TypeText, "BOOLEAN": TypeBool, "BOOL": TypeBool, "DATE": TypeDate, "TIME": TypeTime,
	"TIMESTAMP": TypeTimestamp, "JSON": TypeJSON, "BLOB": TypeBlob, "BYTEA": TypeBlob,
	"SERIAL": TypeSerial,
}

// String returns the canonical name of the kind (INT, VARCHAR, ...).
func (k TypeKind) String() string {
	if s, ok := typeNames[k]; ok {
		return s
	}
	return "TypeKind(" + strconv.Itoa(int(k)) + ")"
}

// String prints the type as it is written in SQL: VARCHAR(20), DECIMAL(10,2).
func (t DataType) String() string {
	var b strings.Builder
	b.WriteString(t.Kind.String())
	switch t.Kind {
	case TypeVarchar, TypeChar:
		if t.Length > 0 {
			b.WriteString("(" + strconv.Itoa(t.Length) + ")")
		}
	case TypeDecimal:
		if t.Precision > 0 {
			b.WriteString("(" + strconv.Itoa(t.Precision))
			if t.Scale > 0 {
				b.WriteString("," + strconv.Itoa(t.Scale))
			}
			b.WriteString(")")
		}
	}
	return b.String()
}

// maxTypeParam bounds VARCHAR lengths and DECIMAL precisions.
const maxTypeParam = 1 << 30

// makeType checks a parsed type name and its parameters.
func makeType(p Pos, name string, precisionWord bool, args []string) (DataType, error) {
	up := strings.ToUpper(name)
	kind, ok := typeByName[up]
	if !ok {
		return DataType{}, errorAt(p, "unknown type %q", name)
	}
	if precisionWord && up != "DOUBLE" {
		return DataType{}, errorAt(p, "PRECISION may follow only DOUBLE")
	}
	nums := make([]int, len(args))
	for i, a := range args {
		n, err := strconv.Atoi(a)
		if err != nil || n > maxTypeParam {
			return DataType{}, errorAt(p, "type %s: parameter %s is too large", up, a)
		}
		nums[i] = n
	}
	t := DataType{Kind: kind}
	switch kind {
	case TypeVarchar, TypeChar:
		if len(nums) > 1 {
			return DataType{}, errorAt(p, "type %s takes one length, got %d parameters", up, len(nums))
		}
		if len(nums) == 1 {
			if nums[0] < 1 {
				return DataType{}, errorAt(p, "type %s: length must be at least 1", up)
			}
			t.Length = nums[0]
		}
	case TypeDecimal:
		if len(nums) > 2 {
			return DataType{}, errorAt(p, "type %s takes (precision, scale), got %d parameters", up, len(nums))
		}
		if len(nums) >= 1 {
			if nums[0] < 1 {
				return DataType{}, errorAt(p, "type %s: precision must be at least 1", up)
			}
			t.Precision = nums[0]
		}
		if len(nums) == 2 {
			if nums[1] > nums[0] {
				return DataType{}, errorAt(p, "type %s: scale %d exceeds precision %d", up, nums[1], nums[0])
			}
			t.Scale = nums[1]
		}
	default:
		if len(nums) > 0 {
			return DataType{}, errorAt(p, "type %s takes no parameters", up)
		}
	}
	return t, nil
}
