package table

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/aegisdb/aegis/engine"
	_ "github.com/aegisdb/aegis/engine/memory"
	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/mvcc"
)

func openCatalog(t testing.TB) *Catalog {
	t.Helper()
	e, err := engine.Open("memory", engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db, err := mvcc.Open(e, mvcc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close(); e.Close() })
	return NewCatalog(db)
}

// inTxn runs fn in a read-write transaction and commits it.
func inTxn(t testing.TB, c *Catalog, fn func(txn *mvcc.Txn) error) error {
	t.Helper()
	txn, err := c.DB().Begin(mvcc.TxnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := fn(txn); err != nil {
		txn.Rollback()
		return err
	}
	return txn.Commit()
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func usersDesc(t testing.TB) *Desc {
	name, _ := types.NewVarchar(5, false)
	d, err := NewDesc("users", []Column{
		{Name: "id", Type: types.TypeBigInt},
		{Name: "name", Type: name},
		{Name: "score", Type: types.TypeFloat},
		{Name: "email", Type: types.TypeText},
	}, []string{"id"})
	must(t, err)
	return d
}

func user(id int64, name string, score float64, email string) []types.Datum {
	row := []types.Datum{types.IntDatum(id), types.TextDatum(name), types.FloatDatum(score), types.TextDatum(email)}
	row[1].Type, _ = types.NewVarchar(5, false)
	if email == "" {
		row[3] = types.NullDatum(types.TypeText)
	}
	return row
}

// scanAll returns every row of d as text, via NextBatch on all columns.
func scanAll(t testing.TB, txn *mvcc.Txn, d *Desc, opts ScanOptions) []string {
	t.Helper()
	if opts.Columns == nil {
		opts.Columns = d.VisibleColumns()
	}
	s := NewScanner(txn, d, opts)
	defer s.Close()
	b := types.NewBatch(pick(d.Types(), opts.Columns))
	var out []string
	for {
		more, err := s.NextBatch(b)
		must(t, err)
		for r := 0; r < b.Len; r++ {
			line := ""
			for vi, v := range b.Vecs {
				if vi > 0 {
					line += " "
				}
				line += v.Get(r).String()
			}
			out = append(out, line)
		}
		if !more {
			return out
		}
	}
}

func pick(ts []types.Type, cols []int) []types.Type {
	out := make([]types.Type, len(cols))
	for i, c := range cols {
		out[i] = ts[c]
	}
	return out
}

func TestCreateInsertScan(t *testing.T) {
	c := openCatalog(t)
	must(t, inTxn(t, c, func(txn *mvcc.Txn) error { return c.CreateTable(txn, usersDesc(t)) }))
	err := inTxn(t, c, func(txn *mvcc.Txn) error { return c.CreateTable(txn, usersDesc(t)) })
	if !errors.Is(err, ErrTableExists) {
		t.Fatalf("second CREATE: %v", err)
	}
	must(t, inTxn(t, c, func(txn *mvcc.Txn) error {
		d, err := c.Table(txn, "users")
		if err != nil {
			return err
		}
		for _, r := range [][]types.Datum{user(3, "cy", 1.5, "c@x"), user(1, "ann", -2, ""), user(2, "bo", 0, "b@x")} {
			if err := Insert(txn, d, r); err != nil {
				return err
			}
		}
		return nil
	}))
	txn, _ := c.DB().Begin(mvcc.TxnOptions{ReadOnly: true})
	defer txn.Rollback()
	d, err := c.Table(txn, "users")
	must(t, err)
	got := fmt.Sprint(scanAll(t, txn, d, ScanOptions{}))
	if want := "[1 ann -2 NULL 2 bo 0 b@x 3 cy 1.5 c@x]"; got != want {
		t.Fatalf("scan = %s, want %s", got, want)
	}
	got = fmt.Sprint(scanAll(t, txn, d, ScanOptions{Reverse: true, Columns: []int{3, 0}}))
	if want := "[c@x 3 b@x 2 NULL 1]"; got != want {
		t.Fatalf("reverse projected scan = %s, want %s", got, want)
	}
	row, found, err := Lookup(txn, d, []types.Datum{types.IntDatum(2)})
	if err != nil || !found || row[1].String() != "bo" {
		t.Fatalf("Lookup(2) = %v, %v, %v", row, found, err)
	}
	if _, found, _ := Lookup(txn, d, []types.Datum{types.IntDatum(9)}); found {
		t.Fatal("Lookup(9) found a row")
	}
}

func TestConstraints(t *testing.T) {
	c := openCatalog(t)
	var d *Desc
	must(t, inTxn(t, c, func(txn *mvcc.Txn) error {
		if err := c.CreateTable(txn, usersDesc(t)); err != nil {
			return err
		}
		var err error
		d, err = c.CreateIndex(txn, "users", "users_email", []string{"email"}, nil, true, IndexBTree)
		if err != nil {
			return err
		}
		return Insert(txn, d, user(1, "ann", 1, "a@x"))
	}))
	cases := []struct {
		name string
		row  []types.Datum
		want error
	}{
		{"duplicate primary key", user(1, "x", 0, "new@x"), ErrDuplicateKey},
		{"duplicate unique value", user(2, "x", 0, "a@x"), ErrDuplicateKey},
		{"too long", user(3, "abcdef", 0, ""), ErrValueTooLong},
		{"null key", func() []types.Datum { r := user(4, "x", 0, ""); r[0] = types.NullDatum(types.TypeBigInt); return r }(), ErrNotNull},
		{"wrong kind", func() []types.Datum { r := user(5, "x", 0, ""); r[2] = types.TextDatum("1"); return r }(), ErrTypeMismatch},
		{"short row", user(6, "x", 0, "")[:2], ErrTypeMismatch},
	}
	for _, tc := range cases {
		err := inTxn(t, c, func(txn *mvcc.Txn) error { return Insert(txn, d, tc.row) })
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
	}
	// NULLs never collide in a unique index.
	must(t, inTxn(t, c, func(txn *mvcc.Txn) error {
		if err := Insert(txn, d, user(7, "n1", 0, "")); err != nil {
			return err
		}
		return Insert(txn, d, user(8, "n2", 0, ""))
	}))
	var ce *ConstraintError
	err := inTxn(t, c, func(txn *mvcc.Txn) error { return Insert(txn, d, user(1, "x", 0, "")) })
	if !errors.As(err, &ce) || ce.Value != "(1)" {
		t.Fatalf("constraint error %v does not name the key", err)
	}
}

func TestUpdateMovesIndexEntries(t *testing.T) {
	c := openCatalog(t)
	var d *Desc
	must(t, inTxn(t, c, func(txn *mvcc.Txn) error {
		must(t, c.CreateTable(txn, usersDesc(t)))
		for i := int64(1); i <= 5; i++ {
			must(t, Insert(txn, c.mustTable(t, txn, "users"), user(i, fmt.Sprint("u", i), float64(10-i), fmt.Sprintf("%d@x", i))))
		}
		var err error
		d, err = c.CreateIndex(txn, "users", "by_score", []string{"score"}, []bool{true}, false, "")
		return err
	}))
	must(t, inTxn(t, c, func(txn *mvcc.Txn) error {
		old, _, err := Lookup(txn, d, []types.Datum{types.IntDatum(5)})
		must(t, err)
		nu := append([]types.Datum(nil), old...)
		nu[0], nu[2] = types.IntDatum(50), types.FloatDatum(100) // new key and new score
		return Update(txn, d, old, nu)
	}))
	txn, _ := c.DB().Begin(mvcc.TxnOptions{ReadOnly: true})
	defer txn.Rollback()
	byScore := fmt.Sprint(scanAll(t, txn, d, ScanOptions{Index: d.Index("by_score"), Columns: []int{0, 2}}))
	if want := "[50 100 1 9 2 8 3 7 4 6]"; byScore != want {
		t.Fatalf("index scan = %s, want %s", byScore, want)
	}
	// A range on the index: scores in [7, 9) descending order means keys
	// from 9 (exclusive) down... walk bounds built from values.
	ix := d.Index("by_score")
	lower := AppendIndexValues(IndexPrefix(d.ID, ix.ID), ix, []types.Datum{types.FloatDatum(8)})
	upper := AppendIndexValues(IndexPrefix(d.ID, ix.ID), ix, []types.Datum{types.FloatDatum(6)})
	got := fmt.Sprint(scanAll(t, txn, d, ScanOptions{Index: ix, Lower: lower, Upper: upper, Columns: []int{2}}))
	if want := "[8 7]"; got != want {
		t.Fatalf("descending index range = %s, want %s", got, want)
	}
	must(t, inTxn(t, c, func(txn *mvcc.Txn) error {
		row, _, _ := Lookup(txn, d, []types.Datum{types.IntDatum(50)})
		return Delete(txn, d, row)
	}))
	txn2, _ := c.DB().Begin(mvcc.TxnOptions{ReadOnly: true})
	defer txn2.Rollback()
	if got := len(scanAll(t, txn2, d, ScanOptions{Index: ix})); got != 4 {
		t.Fatalf("after delete the index has %d entries, want 4", got)
	}
}

func (c *Catalog) mustTable(t testing.TB, txn *mvcc.Txn, name string) *Desc {
	d, err := c.Table(txn, name)
	must(t, err)
	return d
}

func TestAlterKeepsOldRows(t *testing.T) {
	c := openCatalog(t)
	must(t, inTxn(t, c, func(txn *mvcc.Txn) error {
		must(t, c.CreateTable(txn, usersDesc(t)))
		return Insert(txn, c.mustTable(t, txn, "users"), user(1, "ann", 1, "a@x"))
	}))
	must(t, inTxn(t, c, func(txn *mvcc.Txn) error {
		if _, err := c.DropColumn(txn, "users", "score"); err != nil {
			return err
		}
		if _, err := c.AddColumn(txn, "users", Column{Name: "age", Type: types.TypeInt}); err != nil {
			return err
		}
		_, err := c.RenameColumn(txn, "users", "name", "nick")
		return err
	}))
	must(t, inTxn(t, c, func(txn *mvcc.Txn) error {
		d := c.mustTable(t, txn, "users")
		return Insert(txn, d, []types.Datum{types.IntDatum(2), {Type: d.Columns[1].Type, B: []byte("bo")}, types.TextDatum("b@x"), {Type: types.TypeInt, I: 40}})
	}))
	txn, _ := c.DB().Begin(mvcc.TxnOptions{ReadOnly: true})
	defer txn.Rollback()
	d := c.mustTable(t, txn, "users")
	if d.String() != "CREATE TABLE users (id BIGINT NOT NULL, nick VARCHAR(5), email TEXT, age INT, PRIMARY KEY (id))" {
		t.Fatalf("descriptor: %s", d)
	}
	if got, want := fmt.Sprint(scanAll(t, txn, d, ScanOptions{})), "[1 ann a@x NULL 2 bo b@x 40]"; got != want {
		t.Fatalf("rows after ALTER = %s, want %s", got, want)
	}
	for _, tc := range []struct {
		name string
		fn   func(txn *mvcc.Txn) error
		want error
	}{
		{"drop pk", func(txn *mvcc.Txn) error { _, err := c.DropColumn(txn, "users", "id"); return err }, ErrBadDefinition},
		{"drop missing", func(txn *mvcc.Txn) error { _, err := c.DropColumn(txn, "users", "zz"); return err }, ErrNoSuchColumn},
		{"rename onto", func(txn *mvcc.Txn) error { _, err := c.RenameColumn(txn, "users", "nick", "email"); return err }, ErrColumnExists},
		{"not null on rows", func(txn *mvcc.Txn) error {
			_, err := c.AddColumn(txn, "users", Column{Name: "x", Type: types.TypeInt, NotNull: true})
			return err
		}, ErrNotNull},
		{"missing table", func(txn *mvcc.Txn) error { _, err := c.AddColumn(txn, "nope", Column{Name: "x"}); return err }, ErrNoSuchTable},
		{"two-column bitmap index", func(txn *mvcc.Txn) error {
			_, err := c.CreateIndex(txn, "users", "bm", []string{"age", "id"}, nil, false, IndexBitmap)
			return err
		}, ErrUnsupported},
		{"drop missing index", func(txn *mvcc.Txn) error { _, err := c.DropIndex(txn, "nope"); return err }, ErrNoSuchIndex},
	} {
		if err := inTxn(t, c, tc.fn); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
	}
}

func TestDDLIsTransactional(t *testing.T) {
	c := openCatalog(t)
	txn, _ := c.DB().Begin(mvcc.TxnOptions{})
	must(t, c.CreateTable(txn, usersDesc(t)))
	if _, err := c.Table(txn, "users"); err != nil {
		t.Fatalf("the creating transaction must see its table: %v", err)
	}
	other, _ := c.DB().Begin(mvcc.TxnOptions{ReadOnly: true})
	if _, err := c.Table(other, "users"); !errors.Is(err, ErrNoSuchTable) {
		t.Fatalf("another transaction sees an uncommitted table: %v", err)
	}
	other.Rollback()
	txn.Rollback()
	txn, _ = c.DB().Begin(mvcc.TxnOptions{ReadOnly: true})
	if _, err := c.Table(txn, "users"); !errors.Is(err, ErrNoSuchTable) {
		t.Fatalf("a rolled-back CREATE left its table (cache?): %v", err)
	}
	txn.Rollback()
	// Create, drop, create again: the new table starts empty with a new ID.
	must(t, inTxn(t, c, func(txn *mvcc.Txn) error {
		must(t, c.CreateTable(txn, usersDesc(t)))
		return Insert(txn, c.mustTable(t, txn, "users"), user(1, "a", 0, ""))
	}))
	must(t, inTxn(t, c, func(txn *mvcc.Txn) error { return c.DropTable(txn, "users") }))
	must(t, inTxn(t, c, func(txn *mvcc.Txn) error { return c.CreateTable(txn, usersDesc(t)) }))
	txn, _ = c.DB().Begin(mvcc.TxnOptions{ReadOnly: true})
	defer txn.Rollback()
	d := c.mustTable(t, txn, "users")
	if d.ID != 2 || len(scanAll(t, txn, d, ScanOptions{})) != 0 {
		t.Fatalf("recreated table: id %d, rows %v", d.ID, scanAll(t, txn, d, ScanOptions{}))
	}
	tables, err := c.Tables(txn)
	if err != nil || len(tables) != 1 {
		t.Fatalf("Tables = %v, %v", tables, err)
	}
}

func TestRowIDAndSerial(t *testing.T) {
	c := openCatalog(t)
	d, err := NewDesc("log", []Column{{Name: "msg", Type: types.TypeText}}, nil)
	must(t, err)
	if len(d.VisibleColumns()) != 1 || d.Columns[1].Name != RowIDColumn {
		t.Fatalf("hidden rowid missing: %+v", d.Columns)
	}
	must(t, inTxn(t, c, func(txn *mvcc.Txn) error { return c.CreateTable(txn, d) }))
	seen := map[int64]bool{}
	for i := 0; i < 200; i++ {
		v, err := c.NextSerial(d.ID)
		must(t, err)
		if seen[v] || v < 1 {
			t.Fatalf("serial %d repeated or below 1", v)
		}
		seen[v] = true
	}
	// A second catalog (another process after a restart) never repeats.
	c2 := NewCatalog(c.DB())
	v, err := c2.NextSerial(d.ID)
	must(t, err)
	if seen[v] {
		t.Fatalf("a new catalog handed out %d again", v)
	}
}

// TestModel runs random inserts, updates and deletes against a map, with a
// secondary index, and compares scans of both indexes after each round.
func TestModel(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 1))
	c := openCatalog(t)
	var d *Desc
	must(t, inTxn(t, c, func(txn *mvcc.Txn) error {
		dd, err := NewDesc("m", []Column{{Name: "k", Type: types.TypeBigInt}, {Name: "v", Type: types.TypeBigInt}}, []string{"k"})
		must(t, err)
		must(t, c.CreateTable(txn, dd))
		d, err = c.CreateIndex(txn, "m", "m_v", []string{"v"}, nil, false, IndexBTree)
		return err
	}))
	model := map[int64]int64{}
	for round := 0; round < 30; round++ {
		must(t, inTxn(t, c, func(txn *mvcc.Txn) error {
			for op := 0; op < 20; op++ {
				k, v := r.Int64N(50), r.Int64N(10)
				old, exists := model[k]
				row := []types.Datum{types.IntDatum(k), types.IntDatum(v)}
				oldRow := []types.Datum{types.IntDatum(k), types.IntDatum(old)}
				switch {
				case !exists:
					must(t, Insert(txn, d, row))
					model[k] = v
				case r.IntN(2) == 0:
					must(t, Update(txn, d, oldRow, row))
					model[k] = v
				default:
					must(t, Delete(txn, d, oldRow))
					delete(model, k)
				}
			}
			return nil
		}))
		txn, _ := c.DB().Begin(mvcc.TxnOptions{ReadOnly: true})
		var want, wantByV []string
		for k, v := range model {
			want = append(want, fmt.Sprintf("%03d %03d", k, v))
			wantByV = append(wantByV, fmt.Sprintf("%03d %03d", v, k))
		}
		sort.Strings(want)
		sort.Strings(wantByV)
		got := scanAll(t, txn, d, ScanOptions{})
		gotByV := scanAll(t, txn, d, ScanOptions{Index: d.Index("m_v"), Columns: []int{1, 0}})
		txn.Rollback()
		if len(got) != len(want) || len(gotByV) != len(want) {
			t.Fatalf("round %d: %d rows, %d index rows, model has %d", round, len(got), len(gotByV), len(want))
		}
		for i := range want {
			var k, v, v2, k2 int64
			fmt.Sscan(got[i], &k, &v)
			fmt.Sscan(gotByV[i], &v2, &k2)
			if fmt.Sprintf("%03d %03d", k, v) != want[i] || fmt.Sprintf("%03d %03d", v2, k2) != wantByV[i] {
				t.Fatalf("round %d row %d: table %q index %q, want %q / %q", round, i, got[i], gotByV[i], want[i], wantByV[i])
			}
		}
	}
}
