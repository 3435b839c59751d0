package table

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"sync"
	"testing"

	"github.com/aegisdb/aegis/bitmap"
	"github.com/aegisdb/aegis/internal/testutil"
	"github.com/aegisdb/aegis/model/keyenc"
	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/mvcc"
)

// paintKeys is how the test table "paint" is keyed, which decides how
// its rows are numbered.
type paintKeys int

const (
	// keysInt: id BIGINT PRIMARY KEY; the tests' ids are their own row numbers.
	keysInt paintKeys = iota
	// keysMixed: id BIGINT PRIMARY KEY, a third of the keys their own row
	// numbers (spread past 65,536), the others negative or past 2^32 and
	// numbered through the maps.
	keysMixed
	// keysComposite: PRIMARY KEY (id, k): every row through the maps.
	keysComposite
)

func (k paintKeys) String() string { return [...]string{"int", "mixed", "composite"}[k] }

func (k paintKeys) create(t testing.TB, c *Catalog) {
	t.Helper()
	cols := []Column{
		{Name: "id", Type: types.TypeBigInt},
		{Name: "color", Type: types.TypeText},
		{Name: "size", Type: types.TypeBigInt},
	}
	pk := []string{"id"}
	if k == keysComposite {
		cols = append(cols, Column{Name: "k", Type: types.TypeText})
		pk = append(pk, "k")
	}
	d, err := NewDesc("paint", cols, pk)
	must(t, err)
	must(t, inTxn(t, c, func(txn *mvcc.Txn) error { return c.CreateTable(txn, d) }))
}

// key is the stored id of the test's row id.
func (k paintKeys) key(id int64) int64 {
	if k != keysMixed {
		return id
	}
	switch id % 3 {
	case 0:
		return id * 4
	case 1:
		return -id
	}
	return id + 5_000_000_000
}

func (k paintKeys) row(id int64, r paintRow) []types.Datum {
	row := paint(k.key(id), r)
	if k == keysComposite {
		row = append(row, types.TextDatum("x"))
	}
	return row
}

func paintDesc(t testing.TB, c *Catalog) { keysInt.create(t, c) }

type paintRow struct {
	color string // "" is NULL
	size  int64
}

func paint(id int64, r paintRow) []types.Datum {
	row := []types.Datum{types.IntDatum(id), types.TextDatum(r.color), types.IntDatum(r.size)}
	if r.color == "" {
		row[1] = types.NullDatum(types.TypeText)
	}
	return row
}

func colorDatum(c string) types.Datum {
	if c == "" {
		return types.NullDatum(types.TypeText)
	}
	return types.TextDatum(c)
}

// bitmapIDs reads the ids of the rows whose column of index ixName holds
// v, through ReadBitmap and BitmapScanner.
func bitmapIDs(t testing.TB, txn *mvcc.Txn, d *Desc, ixName string, v types.Datum) []int64 {
	t.Helper()
	b, err := ReadBitmap(txn, d, d.Index(ixName), []types.Datum{v})
	must(t, err)
	s := NewBitmapScanner(txn, d, b, []int{0})
	defer s.Close()
	batch := types.NewBatch([]types.Type{types.TypeBigInt})
	var ids []int64
	for {
		more, err := s.NextBatch(batch)
		must(t, err)
		ids = append(ids, batch.Vecs[0].Ints[:batch.Len]...)
		if !more {
			break
		}
	}
	if uint64(len(ids)) != b.Cardinality() {
		t.Fatalf("scanner gave %d rows for a bitmap of %d", len(ids), b.Cardinality())
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// checkPaint compares both bitmap indexes with the oracle: the ids of
// every color's rows when full, else the bitmaps' cardinalities.
func checkPaint(t testing.TB, c *Catalog, k paintKeys, oracle map[int64]paintRow, step int, full bool) {
	t.Helper()
	must(t, inTxn(t, c, func(txn *mvcc.Txn) error {
		d := c.mustTable(t, txn, "paint")
		for _, color := range []string{"red", "green", "blue", ""} {
			var want []int64
			for id, r := range oracle {
				if r.color == color {
					want = append(want, k.key(id))
				}
			}
			sort.Slice(want, func(i, j int) bool { return want[i] < want[j] })
			if !full {
				if n := cardinality(t, txn, d, "paint_color", colorDatum(color)); n != len(want) {
					t.Fatalf("step %d: color %q: %d rows in the bitmap, want %d", step, color, n, len(want))
				}
				continue
			}
			if got := bitmapIDs(t, txn, d, "paint_color", colorDatum(color)); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("step %d: color %q: got %d rows, want %d", step, color, len(got), len(want))
			}
		}
		if d.Index("paint_size") == nil {
			return nil
		}
		for size := int64(0); size < 4; size++ {
			n := 0
			for _, r := range oracle {
				if r.size == size {
					n++
				}
			}
			if got := cardinality(t, txn, d, "paint_size", types.IntDatum(size)); got != n {
				t.Fatalf("step %d: size %d: got %d rows, want %d", step, size, got, n)
			}
		}
		return nil
	}))
}

// cardinality counts the rows of one value with a scanner that reads no
// column (it counts without fetching), checked against the bitmap.
func cardinality(t testing.TB, txn *mvcc.Txn, d *Desc, ixName string, v types.Datum) int {
	t.Helper()
	b, err := ReadBitmap(txn, d, d.Index(ixName), []types.Datum{v})
	must(t, err)
	s := NewBitmapScanner(txn, d, b, nil)
	batch := types.NewBatch(nil)
	n := 0
	for {
		more, err := s.NextBatch(batch)
		must(t, err)
		if batch.Len > types.BatchSize {
			t.Fatalf("batch of %d rows", batch.Len)
		}
		n += batch.Len
		if !more {
			break
		}
	}
	if uint64(n) != b.Cardinality() {
		t.Fatalf("counting scan gave %d rows for a bitmap of %d", n, b.Cardinality())
	}
	return n
}

var paintColors = []string{"red", "green", "blue", ""}

// TestBitmapIndexModel keeps two bitmap indexes through inserts past the
// 65,536-row chunk boundary (of mapped numbers with a composite key, of
// integer keys that are their own numbers mixed with mapped ones), an index built over existing rows, updates
// of the indexed column and of the primary key, deletes and rolled-back
// transactions, and checks them against a map after every step.
func TestBitmapIndexModel(t *testing.T) {
	for _, tc := range []struct {
		keys paintKeys
		rows int64
	}{{keysComposite, 70_000}, {keysMixed, 20_000}} {
		t.Run(tc.keys.String(), func(t *testing.T) { testBitmapIndexModel(t, tc.keys, tc.rows) })
	}
}

func testBitmapIndexModel(t *testing.T, k paintKeys, rows int64) {
	seed := testutil.Seed(t)
	r := rand.New(rand.NewPCG(seed, 7))
	c := openCatalog(t)
	k.create(t, c)
	must(t, inTxn(t, c, func(txn *mvcc.Txn) error {
		_, err := c.CreateIndex(txn, "paint", "paint_color", []string{"color"}, nil, false, IndexBitmap)
		return err
	}))
	oracle := map[int64]paintRow{}
	for start := int64(0); start < rows; start += 10_000 {
		must(t, inTxn(t, c, func(txn *mvcc.Txn) error {
			d := c.mustTable(t, txn, "paint")
			for id := start; id < start+10_000; id++ {
				pr := paintRow{color: paintColors[r.IntN(len(paintColors))], size: int64(r.IntN(4))}
				if err := Insert(txn, d, k.row(id, pr)); err != nil {
					return err
				}
				oracle[id] = pr
			}
			return nil
		}))
	}
	checkPaint(t, c, k, oracle, 0, false)
	// Built over existing rows: numbers come from the by-key map.
	must(t, inTxn(t, c, func(txn *mvcc.Txn) error {
		_, err := c.CreateIndex(txn, "paint", "paint_size", []string{"size"}, nil, false, IndexBitmap)
		return err
	}))
	checkPaint(t, c, k, oracle, 1, true)

	nextID := int64(rows)
	for step := 2; step < 24; step++ {
		rollback := r.IntN(4) == 0
		changed := map[int64]*paintRow{} // nil: deleted
		txn, err := c.DB().Begin(mvcc.TxnOptions{})
		must(t, err)
		d := c.mustTable(t, txn, "paint")
		current := func(id int64) (paintRow, bool) {
			if p, ok := changed[id]; ok {
				if p == nil {
					return paintRow{}, false
				}
				return *p, true
			}
			p, ok := oracle[id]
			return p, ok
		}
		for op := 0; op < 200; op++ {
			id := int64(r.IntN(int(nextID)))
			cur, ok := current(id)
			switch op := r.IntN(4); {
			case !ok || op == 0:
				if ok {
					continue
				}
				pr := paintRow{color: paintColors[r.IntN(len(paintColors))], size: int64(r.IntN(4))}
				must(t, Insert(txn, d, k.row(id, pr)))
				changed[id] = &pr
			case op == 1:
				must(t, Delete(txn, d, k.row(id, cur)))
				changed[id] = nil
			case op == 2:
				pr := paintRow{color: paintColors[r.IntN(len(paintColors))], size: int64(r.IntN(4))}
				must(t, Update(txn, d, k.row(id, cur), k.row(id, pr)))
				changed[id] = &pr
			default: // move the row to a new primary key
				nid := nextID
				nextID++
				must(t, Update(txn, d, k.row(id, cur), k.row(nid, cur)))
				changed[id], changed[nid] = nil, &cur
			}
		}
		if rollback {
			txn.Rollback()
		} else {
			must(t, txn.Commit())
			for id, p := range changed {
				if p == nil {
					delete(oracle, id)
				} else {
					oracle[id] = *p
				}
			}
		}
		checkPaint(t, c, k, oracle, step, step%10 == 0 || step == 23)
	}
}

// TestBitmapIndexConflict: two transactions adding rows to one chunk of
// one value conflict at commit instead of losing a row.
func TestBitmapIndexConflict(t *testing.T) {
	c := openCatalog(t)
	paintDesc(t, c)
	must(t, inTxn(t, c, func(txn *mvcc.Txn) error {
		_, err := c.CreateIndex(txn, "paint", "paint_color", []string{"color"}, nil, false, IndexBitmap)
		return err
	}))
	a, err := c.DB().Begin(mvcc.TxnOptions{})
	must(t, err)
	b, err := c.DB().Begin(mvcc.TxnOptions{})
	must(t, err)
	must(t, Insert(a, c.mustTable(t, a, "paint"), paint(1, paintRow{color: "red"})))
	must(t, Insert(b, c.mustTable(t, b, "paint"), paint(2, paintRow{color: "red"})))
	must(t, a.Commit())
	if err := b.Commit(); !errors.Is(err, mvcc.ErrConflict) {
		t.Fatalf("second writer of a chunk committed with %v, want mvcc.ErrConflict", err)
	}
	checkPaint(t, c, keysInt, map[int64]paintRow{1: {color: "red"}}, 0, true)
}

// TestBitmapIndexConcurrentWriters: goroutines inserting, recoloring
// and deleting rows, each write retried on conflict, leave bitmaps that
// match what committed.
func TestBitmapIndexConcurrentWriters(t *testing.T) {
	c := openCatalog(t)
	keysMixed.create(t, c)
	must(t, inTxn(t, c, func(txn *mvcc.Txn) error {
		_, err := c.CreateIndex(txn, "paint", "paint_color", []string{"color"}, nil, false, IndexBitmap)
		return err
	}))
	const writers, perWriter = 4, 150
	var mu sync.Mutex
	oracle := map[int64]paintRow{}
	errs := make(chan error, writers)
	for w := range writers {
		go func() {
			r := rand.New(rand.NewPCG(uint64(w), 9))
			for i := range perWriter {
				id := int64(w*perWriter + i)
				pr := paintRow{color: paintColors[r.IntN(len(paintColors))]}
				var final *paintRow
				_, err := c.DB().Update(1000, func(txn *mvcc.Txn) error {
					d, err := c.Table(txn, "paint")
					if err != nil {
						return err
					}
					final = &pr
					if err := Insert(txn, d, keysMixed.row(id, pr)); err != nil {
						return err
					}
					switch r.IntN(3) { // then change it in the same transaction
					case 0:
						final = nil
						return Delete(txn, d, keysMixed.row(id, pr))
					case 1:
						nr := paintRow{color: paintColors[r.IntN(len(paintColors))]}
						final = &nr
						return Update(txn, d, keysMixed.row(id, pr), keysMixed.row(id, nr))
					}
					return nil
				})
				if err != nil {
					errs <- fmt.Errorf("writer %d row %d: %w", w, id, err)
					return
				}
				mu.Lock()
				if final != nil {
					oracle[id] = *final
				}
				mu.Unlock()
			}
			errs <- nil
		}()
	}
	for range writers {
		must(t, <-errs)
	}
	checkPaint(t, c, keysMixed, oracle, 0, true)
}

// TestBitmapIndexCorruptChunk: bad chunk bytes give ErrCorrupt on read
// and on write, never a panic.
func TestBitmapIndexCorruptChunk(t *testing.T) {
	good, _ := bitmap.Of(5).MarshalBinary()
	otherChunk, _ := bitmap.Of(1 << 20).MarshalBinary()
	empty, _ := bitmap.New().MarshalBinary()
	for name, value := range map[string][]byte{
		"garbage":     []byte("not a bitmap"),
		"truncated":   good[:len(good)-1],
		"empty":       empty,
		"other chunk": otherChunk,
	} {
		t.Run(name, func(t *testing.T) {
			c := openCatalog(t)
			paintDesc(t, c)
			must(t, inTxn(t, c, func(txn *mvcc.Txn) error {
				d, err := c.CreateIndex(txn, "paint", "paint_color", []string{"color"}, nil, false, IndexBitmap)
				if err != nil {
					return err
				}
				return txn.Put(d.chunkKey(d.Index("paint_color"), types.TextDatum("red"), 0), value)
			}))
			err := inTxn(t, c, func(txn *mvcc.Txn) error {
				d := c.mustTable(t, txn, "paint")
				_, err := ReadBitmap(txn, d, d.Index("paint_color"), []types.Datum{types.TextDatum("red")})
				return err
			})
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("read: %v, want ErrCorrupt", err)
			}
			err = inTxn(t, c, func(txn *mvcc.Txn) error {
				return Insert(txn, c.mustTable(t, txn, "paint"), paint(1, paintRow{color: "red"}))
			})
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("insert: %v, want ErrCorrupt", err)
			}
		})
	}
}

// TestBitmapIndexDDL: refused shapes, DROP INDEX removing chunks and,
// with the last bitmap index, the row-number maps.
func TestBitmapIndexDDL(t *testing.T) {
	for _, tc := range []struct {
		keys           paintKeys
		mapped, chunks int // row-number map entries, color chunks
	}{{keysComposite, 100, 4}, {keysMixed, 66, 8}, {keysInt, 0, 4}} {
		t.Run(tc.keys.String(), func(t *testing.T) { testBitmapIndexDDL(t, tc.keys, tc.mapped, tc.chunks) })
	}
}

func testBitmapIndexDDL(t *testing.T, k paintKeys, mapped, chunks int) {
	c := openCatalog(t)
	k.create(t, c)
	for _, tc := range []struct {
		cols   []string
		unique bool
	}{{[]string{"color", "size"}, false}, {[]string{"color"}, true}} {
		err := inTxn(t, c, func(txn *mvcc.Txn) error {
			_, err := c.CreateIndex(txn, "paint", "bad", tc.cols, nil, tc.unique, IndexBitmap)
			return err
		})
		if !errors.Is(err, ErrUnsupported) {
			t.Fatalf("bitmap index on %v unique=%v: %v, want ErrUnsupported", tc.cols, tc.unique, err)
		}
	}
	must(t, inTxn(t, c, func(txn *mvcc.Txn) error {
		d := c.mustTable(t, txn, "paint")
		for id := int64(0); id < 100; id++ {
			if err := Insert(txn, d, k.row(id, paintRow{color: paintColors[id%4], size: id % 3})); err != nil {
				return err
			}
		}
		for _, ix := range []string{"color", "size"} {
			if _, err := c.CreateIndex(txn, "paint", "paint_"+ix, []string{ix}, nil, false, IndexBitmap); err != nil {
				return err
			}
		}
		return nil
	}))
	count := func(id uint32) int {
		n := 0
		must(t, inTxn(t, c, func(txn *mvcc.Txn) error {
			p := IndexPrefix(c.mustTable(t, txn, "paint").ID, id)
			it := txn.Scan(p, keyenc.PrefixEnd(p))
			defer it.Close()
			for it.Next() {
				n++
			}
			return it.Err()
		}))
		return n
	}
	var d *Desc
	must(t, inTxn(t, c, func(txn *mvcc.Txn) error { d = c.mustTable(t, txn, "paint"); return nil }))
	rn, colorID := *d.RowNumbers, d.Index("paint_color").ID
	if n := count(rn.ByRow); n != mapped {
		t.Fatalf("%d row numbers, want %d", n, mapped)
	}
	if n := count(colorID); n != chunks {
		t.Fatalf("%d color chunks, want %d", n, chunks)
	}
	must(t, inTxn(t, c, func(txn *mvcc.Txn) error { _, err := c.DropIndex(txn, "paint_color"); return err }))
	if n := count(colorID); n != 0 {
		t.Fatalf("%d color chunks left after DROP INDEX", n)
	}
	if n := count(rn.ByKey); n != mapped {
		t.Fatalf("row numbers dropped while paint_size still needs them (%d left)", n)
	}
	must(t, inTxn(t, c, func(txn *mvcc.Txn) error { _, err := c.DropIndex(txn, "paint_size"); return err }))
	if n := count(rn.ByKey) + count(rn.ByRow); n != 0 {
		t.Fatalf("%d row-number entries left after the last bitmap index went", n)
	}
	must(t, inTxn(t, c, func(txn *mvcc.Txn) error {
		if d := c.mustTable(t, txn, "paint"); d.RowNumbers != nil {
			t.Fatal("descriptor keeps row numbers with no bitmap index")
		}
		return Insert(txn, c.mustTable(t, txn, "paint"), k.row(1000, paintRow{color: "red"}))
	}))
}

// FuzzDecodeChunk: any bytes under a chunk key decode or fail with
// ErrCorrupt, and a decoded chunk holds only its own row numbers.
func FuzzDecodeChunk(f *testing.F) {
	for _, b := range []*bitmap.Bitmap{bitmap.Of(1, 2, 3), bitmap.Of(1<<16 + 4), bitmap.Of(0, 65535)} {
		data, _ := b.MarshalBinary()
		f.Add(data, uint32(0))
		f.Add(data, uint32(1))
	}
	f.Fuzz(func(t *testing.T, data []byte, hi uint32) {
		hi &= 1<<(32-chunkBits) - 1
		b, err := decodeChunk([]byte("k"), data, hi)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v is not ErrCorrupt", err)
			}
			return
		}
		b.ForEach(func(v uint32) bool {
			if v>>chunkBits != hi {
				t.Fatalf("chunk %d decoded row number %d", hi, v)
			}
			return true
		})
	})
}
