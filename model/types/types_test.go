package types

import (
	"errors"
	"math"
	"testing"
)

func TestTypeNames(t *testing.T) {
	dec, err := NewDecimal(10, 2)
	if err != nil {
		t.Fatal(err)
	}
	vc, _ := NewVarchar(20, false)
	ch, _ := NewVarchar(3, true)
	cases := map[Type]string{
		TypeInt: "INT", TypeBigInt: "BIGINT", TypeSmallInt: "SMALLINT", dec: "DECIMAL(10,2)",
		vc: "VARCHAR(20)", ch: "CHAR(3)", TypeText: "TEXT", TypeFloat: "DOUBLE", TypeBool: "BOOLEAN",
		TypeTimestamp: "TIMESTAMP", TypeJSON: "JSON", TypeBytes: "BLOB",
	}
	for typ, want := range cases {
		if got := typ.String(); got != want {
			t.Errorf("%#v.String() = %q, want %q", typ, got, want)
		}
	}
	for _, bad := range [][2]int{{0, 0}, {19, 2}, {5, 6}, {5, -1}} {
		if _, err := NewDecimal(bad[0], bad[1]); !errors.Is(err, ErrBadType) {
			t.Errorf("NewDecimal(%d,%d) err = %v, want ErrBadType", bad[0], bad[1], err)
		}
	}
	if typ, ok := ParseFamilyName("double precision"); !ok || typ != TypeFloat {
		t.Errorf("ParseFamilyName(double precision) = %v, %v", typ, ok)
	}
}

func TestDecimal(t *testing.T) {
	cases := []struct {
		in        string
		p, s      int
		want      int64
		text      string
		wantError bool
	}{
		{"12.345", 10, 2, 1235, "12.35", false},
		{"-12.344", 10, 2, -1234, "-12.34", false},
		{"0.5", 3, 0, 1, "1", false},
		{".25", 4, 2, 25, "0.25", false},
		{"-0.05", 4, 2, -5, "-0.05", false},
		{"007", 3, 0, 7, "7", false},
		{"99.995", 4, 2, 0, "", true}, // rounds to 100.00: too wide
		{"1000", 5, 2, 0, "", true},
		{"1e3", 10, 0, 0, "", true},
		{"", 10, 0, 0, "", true},
		{"-", 10, 0, 0, "", true},
		{"1.2.3", 10, 2, 0, "", true},
	}
	for _, c := range cases {
		got, err := ParseDecimal(c.in, c.p, c.s)
		if c.wantError {
			if !errors.Is(err, ErrBadValue) {
				t.Errorf("ParseDecimal(%q,%d,%d) err = %v, want ErrBadValue", c.in, c.p, c.s, err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("ParseDecimal(%q,%d,%d) = %d, %v; want %d", c.in, c.p, c.s, got, err, c.want)
			continue
		}
		if text := string(AppendDecimalText(nil, got, c.s)); text != c.text {
			t.Errorf("text of %d scale %d = %q, want %q", got, c.s, text, c.text)
		}
	}
}

func TestDatesAndTimes(t *testing.T) {
	for _, s := range []string{"1970-01-01", "1969-12-31", "2024-02-29", "0001-01-01", "9999-12-31"} {
		days, err := ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := (Datum{Type: TypeDate, I: days}).String(); got != s {
			t.Errorf("date %s -> %d -> %s", s, days, got)
		}
	}
	if d, _ := ParseDate("1969-12-31"); d != -1 {
		t.Errorf("1969-12-31 is day %d, want -1", d)
	}
	for in, want := range map[string]string{
		"2024-03-01 12:34:56":        "2024-03-01 12:34:56",
		"2024-03-01T12:34:56.5":      "2024-03-01 12:34:56.5",
		"2024-03-01 00:00:00.000001": "2024-03-01 00:00:00.000001",
		"2024-03-01":                 "2024-03-01 00:00:00",
		"2024-03-01T12:00:00+02:00":  "2024-03-01 10:00:00",
	} {
		us, err := ParseTimestamp(in)
		if err != nil {
			t.Fatalf("ParseTimestamp(%q): %v", in, err)
		}
		if got := (Datum{Type: TypeTimestamp, I: us}).String(); got != want {
			t.Errorf("timestamp %q -> %q, want %q", in, got, want)
		}
	}
	us, err := ParseTime("23:59:59.25")
	if err != nil || (Datum{Type: TypeTime, I: us}).String() != "23:59:59.25" {
		t.Errorf("time round trip: %d %v", us, err)
	}
	for _, bad := range []string{"2024-13-01", "yesterday", ""} {
		if _, err := ParseDate(bad); !errors.Is(err, ErrBadValue) {
			t.Errorf("ParseDate(%q) err = %v", bad, err)
		}
		if _, err := ParseTimestamp(bad); !errors.Is(err, ErrBadValue) {
			t.Errorf("ParseTimestamp(%q) err = %v", bad, err)
		}
	}
}

func TestDatumTextAndCompare(t *testing.T) {
	cases := map[string]Datum{
		"NULL": NullDatum(TypeInt), "42": IntDatum(42), "true": BoolDatum(true),
		"1.5": FloatDatum(1.5), "NaN": FloatDatum(math.NaN()), "-Infinity": FloatDatum(math.Inf(-1)),
		"1e+21": FloatDatum(1e21), "hi": TextDatum("hi"), `\x00ff`: {Type: TypeBytes, B: []byte{0, 255}},
	}
	for want, d := range cases {
		if got := d.String(); got != want {
			t.Errorf("%#v.String() = %q, want %q", d, got, want)
		}
	}
	if Compare(FloatDatum(math.NaN()), FloatDatum(math.Inf(1))) <= 0 {
		t.Error("NaN must sort after +Inf")
	}
	if Compare(TextDatum("a"), TextDatum("b")) >= 0 || Compare(IntDatum(-1), IntDatum(0)) >= 0 {
		t.Error("basic order broken")
	}
}

func TestVectorNulls(t *testing.T) {
	v := NewVector(TypeText, 4)
	v.Append(TextDatum("a"))
	v.AppendNull()
	v.Append(TextDatum("c"))
	if v.Len() != 3 || !v.IsNull(1) || v.IsNull(0) || v.IsNull(2) {
		t.Fatalf("vector %+v", v)
	}
	if got := v.Get(2).String(); got != "c" {
		t.Fatalf("Get(2) = %q", got)
	}
	v.Reset()
	v.Append(TextDatum("x"))
	if v.Len() != 1 || v.IsNull(0) {
		t.Fatalf("after reset: %+v", v)
	}
	b := NewBatch([]Type{TypeInt, TypeFloat})
	b.Vecs[0].Append(IntDatum(1))
	b.Vecs[1].Append(FloatDatum(2))
	b.Len = 1
	if b.Rows() != 1 || b.Row(0) != 0 {
		t.Fatal("batch rows")
	}
	b.Sel = []int{}
	if b.Rows() != 0 {
		t.Fatal("an empty selection has no rows")
	}
}
