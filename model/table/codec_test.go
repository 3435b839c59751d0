package table

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/aegisdb/aegis/model/types"
)

func codecDesc(t testing.TB) *Desc {
	dec, _ := types.NewDecimal(10, 2)
	d, err := NewDesc("c", []Column{
		{Name: "i", Type: types.TypeBigInt}, {Name: "f", Type: types.TypeFloat},
		{Name: "s", Type: types.TypeText}, {Name: "b", Type: types.TypeBool},
		{Name: "d", Type: dec}, {Name: "j", Type: types.TypeJSON},
	}, []string{"i"})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestRowRoundTrip(t *testing.T) {
	d := codecDesc(t)
	rows := [][]types.Datum{
		{types.IntDatum(math.MinInt64), types.FloatDatum(math.Inf(-1)), types.TextDatum(""), types.BoolDatum(true), {Type: d.Columns[4].Type, I: -12345}, {Type: types.TypeJSON, B: []byte(`{"a":1}`)}},
		{types.IntDatum(7), types.NullDatum(types.TypeFloat), types.NullDatum(types.TypeText), types.NullDatum(types.TypeBool), types.NullDatum(d.Columns[4].Type), types.NullDatum(types.TypeJSON)},
	}
	for _, row := range rows {
		b := encodeRow(nil, d, row)
		got, err := newRowDecoder(d, nil).decodeDatums([]byte("k"), b)
		if err != nil {
			t.Fatal(err)
		}
		for i := range row {
			if got[i].Null != row[i].Null || !got[i].Null && types.Compare(got[i], row[i]) != 0 {
				t.Errorf("column %d: got %v, want %v", i, got[i], row[i])
			}
		}
	}
}

func TestCorruptRows(t *testing.T) {
	d := codecDesc(t)
	good := encodeRow(nil, d, []types.Datum{types.IntDatum(1), types.FloatDatum(2), types.TextDatum("abc"),
		types.BoolDatum(false), {Type: d.Columns[4].Type, I: 5}, types.NullDatum(types.TypeJSON)})
	cases := map[string][]byte{
		"empty":           {},
		"bad version":     {9},
		"cut float":       good[:6],
		"cut string":      good[:15],
		"zero column id":  {1, 0x00, 0x02},
		"wrong wire type": {1, 1<<2 | wireBytes, 1, 'x'},
		"bad wire":        {1, 7<<2 | 3},
		"huge length":     {1, 3<<2 | wireBytes, 0xff, 0xff, 0xff, 0xff, 0x0f},
	}
	for name, b := range cases {
		_, err := newRowDecoder(d, nil).decodeDatums([]byte("k"), b)
		var ce *CorruptError
		if !errors.Is(err, ErrCorrupt) || !errors.As(err, &ce) {
			t.Errorf("%s: err = %v, want a *CorruptError", name, err)
		}
	}
	for name, b := range map[string]string{
		"not json":         "{",
		"no columns":       `{"name":"x","columns":[]}`,
		"index on nothing": `{"name":"x","columns":[{"id":1,"name":"a","type":{"Family":2}}],"primary":{"id":1,"columns":[9]},"next_column_id":2,"next_index_id":2}`,
		"bad family":       `{"name":"x","columns":[{"id":1,"name":"a","type":{"Family":99}}],"primary":{"id":1,"columns":[1]},"next_column_id":2,"next_index_id":2}`,
	} {
		if _, err := decodeDesc([]byte("k"), []byte(b)); !errors.Is(err, ErrCorrupt) {
			t.Errorf("descriptor %s: err = %v, want ErrCorrupt", name, err)
		}
	}
}

// TestDecodeIntoBatchRollsBackOnError: a row that fails halfway leaves
// the batch's vectors as they were. (Decoding stops after the last wanted
// column, so the cut is placed in a wanted one.)
func TestDecodeIntoBatchRollsBackOnError(t *testing.T) {
	d := codecDesc(t)
	rd := newRowDecoder(d, []int{0, 2, 3})
	b := types.NewBatch([]types.Type{types.TypeBigInt, types.TypeText, types.TypeBool})
	good := encodeRow(nil, d, []types.Datum{types.IntDatum(1), types.FloatDatum(2), types.TextDatum("abc"),
		types.BoolDatum(false), types.NullDatum(d.Columns[4].Type), types.NullDatum(types.TypeJSON)})
	if err := rd.decodeInto(nil, good, b); err != nil {
		t.Fatal(err)
	}
	if err := rd.decodeInto(nil, good[:len(good)-1], b); err == nil {
		t.Fatal("a cut row decoded")
	}
	if b.Len != 1 || b.Vecs[0].Len() != 1 || b.Vecs[1].Len() != 1 || b.Vecs[2].Len() != 1 {
		t.Fatalf("batch after a failed row: len %d, vectors %d %d %d", b.Len, b.Vecs[0].Len(), b.Vecs[1].Len(), b.Vecs[2].Len())
	}
}

func FuzzDecodeRow(f *testing.F) {
	d := codecDesc(f)
	f.Add(encodeRow(nil, d, []types.Datum{types.IntDatum(1), types.FloatDatum(2), types.TextDatum("abc"),
		types.BoolDatum(true), {Type: d.Columns[4].Type, I: 5}, {Type: types.TypeJSON, B: []byte("[]")}}))
	f.Add([]byte{1, 0x40 | wireBytes, 2, 'h', 'i'})
	f.Add([]byte{1})
	f.Fuzz(func(t *testing.T, value []byte) {
		rd := newRowDecoder(d, []int{5, 0, 2})
		b := types.NewBatch([]types.Type{types.TypeJSON, types.TypeBigInt, types.TypeText})
		err := rd.decodeInto([]byte("k"), value, b)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v is not ErrCorrupt", err)
			}
			return
		}
		for _, v := range b.Vecs {
			if v.Len() != 1 {
				t.Fatalf("a decoded row filled %d values of a vector", v.Len())
			}
		}
	})
}

func FuzzDecodeDesc(f *testing.F) {
	b, _ := encodeDesc(codecDesc(f))
	f.Add(b)
	f.Add([]byte(`{"name":"x"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := decodeDesc([]byte("k"), b)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v is not ErrCorrupt", err)
			}
			return
		}
		// What validates must be usable: print it and build keys.
		_ = d.String()
		row := make([]types.Datum, len(d.Columns))
		for i := range row {
			row[i] = types.NullDatum(d.Columns[i].Type)
		}
		_ = d.PrimaryKey(row)
		for i := range d.Indexes {
			d.indexEntry(&d.Indexes[i], row)
		}
	})
}

// BenchmarkDecodeRow decodes one column of a five-column row, the way a
// scan that reads a single column does.
func BenchmarkDecodeRow(b *testing.B) {
	d, err := NewDesc("fact", []Column{
		{Name: "id", Type: types.TypeInt}, {Name: "grp", Type: types.TypeInt}, {Name: "dim_id", Type: types.TypeInt},
		{Name: "val", Type: types.TypeInt}, {Name: "price", Type: types.TypeFloat},
	}, []string{"id"})
	if err != nil {
		b.Fatal(err)
	}
	value := encodeRow(nil, d, []types.Datum{
		{Type: types.TypeInt, I: 654321}, {Type: types.TypeInt, I: 7}, {Type: types.TypeInt, I: 512},
		{Type: types.TypeInt, I: 733}, {Type: types.TypeFloat, F: 12.5},
	})
	dec := newRowDecoder(d, []int{3})
	batch := types.NewBatch([]types.Type{types.TypeInt})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if batch.Len == types.BatchSize {
			batch.Reset()
		}
		if err := dec.decodeInto(nil, value, batch); err != nil {
			b.Fatal(err)
		}
	}
}

// TestDecodeRowDroppedColumns decodes a row written when the table had
// more columns: the header of column 7 has the same byte as the header
// column 5 would have right after column 1, and must not be taken for it.
func TestDecodeRowDroppedColumns(t *testing.T) {
	var cols []Column
	for i := 1; i <= 7; i++ {
		cols = append(cols, Column{Name: fmt.Sprintf("c%d", i), Type: types.TypeBigInt})
	}
	wide, err := NewDesc("t", cols, []string{"c1"})
	if err != nil {
		t.Fatal(err)
	}
	row := make([]types.Datum, 7)
	for i := range row {
		row[i] = types.NullDatum(types.TypeBigInt)
	}
	row[0], row[2], row[6] = types.IntDatum(10), types.IntDatum(30), types.IntDatum(70)
	value := encodeRow(nil, wide, row)

	narrow := *wide
	narrow.Columns = []Column{wide.Columns[0], wide.Columns[4]} // IDs 1 and 5
	dec := newRowDecoder(&narrow, []int{0, 1})
	b := types.NewBatch([]types.Type{types.TypeBigInt, types.TypeBigInt})
	if err := dec.decodeInto(nil, value, b); err != nil {
		t.Fatal(err)
	}
	if got := b.Vecs[0].Get(0); got.Null || got.I != 10 {
		t.Fatalf("c1 = %v, want 10", got)
	}
	if got := b.Vecs[1].Get(0); !got.Null {
		t.Fatalf("c5 = %v, want NULL (the row stored c7, not c5)", got)
	}
}
