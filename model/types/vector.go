package types

// BatchSize is the number of rows the executor's operators pass at a time:
// large enough to amortize a call per batch, small enough for the
// columns of a batch to stay in the CPU caches.
const BatchSize = 1024

// Vector is one column of a Batch. Exactly one of Ints, Floats and Bytes
// is used, by Type.Physical(). Nulls is nil when no value is NULL, and
// otherwise as long as the values.
type Vector struct {
	Type   Type
	Ints   []int64
	Floats []float64
	Bytes  [][]byte
	Nulls  []bool
}

// NewVector returns an empty vector of type t with room for capacity rows.
func NewVector(t Type, capacity int) *Vector {
	v := &Vector{Type: t}
	switch t.Physical() {
	case PhysFloat:
		v.Floats = make([]float64, 0, capacity)
	case PhysBytes:
		v.Bytes = make([][]byte, 0, capacity)
	default:
		v.Ints = make([]int64, 0, capacity)
	}
	return v
}

// Len is the number of values.
func (v *Vector) Len() int {
	switch v.Type.Physical() {
	case PhysFloat:
		return len(v.Floats)
	case PhysBytes:
		return len(v.Bytes)
	}
	return len(v.Ints)
}

// Reset empties the vector, keeping its memory.
func (v *Vector) Reset() {
	v.Ints, v.Floats, v.Bytes = v.Ints[:0], v.Floats[:0], v.Bytes[:0]
	v.Nulls = v.Nulls[:0]
	if len(v.Nulls) == 0 {
		v.Nulls = nil
	}
}

// IsNull reports whether row i is NULL.
func (v *Vector) IsNull(i int) bool { return v.Nulls != nil && v.Nulls[i] }

// Append adds d at the end. The vector keeps d.B without copying it.
func (v *Vector) Append(d Datum) {
	if d.Null {
		v.AppendNull()
		return
	}
	switch v.Type.Physical() {
	case PhysFloat:
		v.Floats = append(v.Floats, d.F)
	case PhysBytes:
		v.Bytes = append(v.Bytes, d.B)
	default:
		v.Ints = append(v.Ints, d.I)
	}
	if v.Nulls != nil {
		v.Nulls = append(v.Nulls, false)
	}
}

// AppendNull adds a NULL at the end.
func (v *Vector) AppendNull() {
	n := v.Len()
	if v.Nulls == nil {
		v.Nulls = make([]bool, n, cap(v.Ints)+cap(v.Floats)+cap(v.Bytes)+1)
	}
	v.Nulls = append(v.Nulls, true)
	switch v.Type.Physical() {
	case PhysFloat:
		v.Floats = append(v.Floats, 0)
	case PhysBytes:
		v.Bytes = append(v.Bytes, nil)
	default:
		v.Ints = append(v.Ints, 0)
	}
}

// Get returns row i as a Datum (sharing its bytes).
func (v *Vector) Get(i int) Datum {
	d := Datum{Type: v.Type}
	if v.IsNull(i) {
		d.Null = true
		return d
	}
	switch v.Type.Physical() {
	case PhysFloat:
		d.F = v.Floats[i]
	case PhysBytes:
		d.B = v.Bytes[i]
	default:
		d.I = v.Ints[i]
	}
	return d
}

// Batch is a group of rows in column vectors. Sel, when not nil, lists the
// rows of the vectors that are live, in order; a filter narrows Sel rather
// than moving data. Len is the number of rows in the vectors.
type Batch struct {
	Vecs []*Vector
	Len  int
	Sel  []int
}

// NewBatch returns an empty batch with one vector per type.
func NewBatch(ts []Type) *Batch {
	b := &Batch{Vecs: make([]*Vector, len(ts))}
	for i, t := range ts {
		b.Vecs[i] = NewVector(t, BatchSize)
	}
	return b
}

// Reset empties the batch, keeping its vectors' memory.
func (b *Batch) Reset() {
	for _, v := range b.Vecs {
		v.Reset()
	}
	b.Len = 0
	b.Sel = nil
}

// Rows returns the number of live rows.
func (b *Batch) Rows() int {
	if b.Sel != nil {
		return len(b.Sel)
	}
	return b.Len
}

// Row returns the index into the vectors of the i-th live row.
func (b *Batch) Row(i int) int {
	if b.Sel != nil {
		return b.Sel[i]
	}
	return i
}
