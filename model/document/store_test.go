package document

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/aegisdb/aegis/engine/memory"
	"github.com/aegisdb/aegis/internal/testutil"
	"github.com/aegisdb/aegis/mvcc"
)

func openStore(t testing.TB) (*Store, *mvcc.DB) {
	t.Helper()
	db, err := mvcc.Open(memory.New(), mvcc.Options{GCInterval: -1}) // the memory engine needs no Close
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return New(db, Options{}), db
}

func docIDs(docs []*Document) []string {
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.ID
	}
	return out
}

func TestCRUD(t *testing.T) {
	s, _ := openStore(t)
	if _, err := s.CreateCollection(Spec{Name: "users"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateCollection(Spec{Name: "users"}); !errors.Is(err, ErrExists) {
		t.Fatalf("duplicate collection: %v", err)
	}
	d, err := s.Insert("users", "", map[string]any{"name": "Alice"})
	if err != nil || len(d.ID) != 24 || d.CreatedAt.IsZero() {
		t.Fatalf("insert: %+v %v", d, err)
	}
	if _, err := s.Insert("users", "u2", map[string]any{"name": "Bob"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Insert("users", "u2", map[string]any{}); !errors.Is(err, ErrExists) {
		t.Fatalf("duplicate id: %v", err)
	}
	got, err := s.Get("users", "u2")
	if err != nil || got.Data["name"] != "Bob" {
		t.Fatalf("get: %+v %v", got, err)
	}
	time.Sleep(time.Millisecond)
	r, err := s.Replace("users", "u2", map[string]any{"name": "Robert"})
	if err != nil || !r.CreatedAt.Equal(got.CreatedAt) || !r.UpdatedAt.After(got.UpdatedAt) {
		t.Fatalf("replace: %+v %v", r, err)
	}
	if err := s.Delete("users", "u2"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get("users", "u2"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("get deleted: %v", err)
	}
	if err := s.Delete("users", "u2"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("delete twice: %v", err)
	}
	if _, err := s.Insert("nope", "", map[string]any{}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown collection: %v", err)
	}
	if _, err := s.CreateCollection(Spec{Name: ""}); !errors.Is(err, ErrBadName) {
		t.Errorf("empty collection name: %v", err)
	}
	for _, bad := range []string{"", "a/b", "a b", "x\x00"} {
		if bad == "" {
			continue // "" asks for a generated id
		}
		if _, err := s.Insert("users", bad, map[string]any{}); !errors.Is(err, ErrBadName) {
			t.Errorf("id %q: %v", bad, err)
		}
		if _, err := s.CreateCollection(Spec{Name: bad}); !errors.Is(err, ErrBadName) {
			t.Errorf("collection %q: %v", bad, err)
		}
	}
	if _, err := s.Insert("users", "", nil); !errors.Is(err, ErrBadDocument) {
		t.Errorf("nil document: %v", err)
	}
	cs, _ := s.Collections()
	if len(cs) != 1 || cs[0].Name != "users" {
		t.Fatalf("collections: %v", cs)
	}
	if n, _ := s.Count("users"); n != 1 {
		t.Fatalf("count %d", n)
	}
}

func TestSchemaEnforced(t *testing.T) {
	s, _ := openStore(t)
	if _, err := s.CreateCollection(Spec{Name: "c", Schema: map[string]any{"required": []any{"x"}, "foo": 1}}); !errors.Is(err, ErrBadSchema) {
		t.Fatalf("bad schema: %v", err)
	}
	s.CreateCollection(Spec{Name: "c", Schema: map[string]any{"required": []any{"x"}}})
	if _, err := s.Insert("c", "", map[string]any{"y": 1.0}); !errors.Is(err, ErrValidation) {
		t.Fatalf("insert invalid: %v", err)
	}
	d, err := s.Insert("c", "", map[string]any{"x": 1.0})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Replace("c", d.ID, map[string]any{}); !errors.Is(err, ErrValidation) {
		t.Fatalf("replace invalid: %v", err)
	}
}

func TestFindSortSkipLimitProjection(t *testing.T) {
	s, _ := openStore(t)
	s.CreateCollection(Spec{Name: "p"})
	for i, js := range []string{
		`{"name": "c", "price": 3, "meta": {"a": 1, "b": 2}}`,
		`{"name": "a", "price": 1, "meta": {"a": 3, "b": 4}}`,
		`{"name": "b", "price": 2}`,
		`{"name": "d"}`,
	} {
		s.Insert("p", fmt.Sprint("id", i), mustJSON(t, js))
	}
	r, err := s.Find("p", Query{Sort: []string{"-price"}, Skip: 1, Limit: 2, Projection: []string{"name", "meta.a"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := docIDs(r.Documents); !slices.Equal(got, []string{"id2", "id1"}) || r.Matched != 4 || r.Scanned != 4 {
		t.Fatalf("got %v matched %d scanned %d", got, r.Matched, r.Scanned)
	}
	if js, _ := json.Marshal(r.Documents[1].Data); string(js) != `{"meta":{"a":3},"name":"a"}` {
		t.Fatalf("projection: %s", js)
	}
	r, _ = s.Find("p", Query{Sort: []string{"price"}})
	if got := docIDs(r.Documents); !slices.Equal(got, []string{"id3", "id1", "id2", "id0"}) {
		t.Fatalf("missing sorts first: %v", got)
	}
	for _, q := range []Query{{Sort: []string{"-"}}, {Projection: []string{"a..b"}}, {Skip: -1}, {Filter: map[string]any{"$x": 1.0}}} {
		if _, err := s.Find("p", q); !errors.Is(err, ErrBadFilter) {
			t.Errorf("%+v: %v", q, err)
		}
	}
}

// TestIndexAndScanAgree runs random filters on two collections holding
// the same random documents, one with secondary indexes and one without,
// and on the indexed one with NoIndex: all three must agree, and the
// index must cut the documents scanned when it applies.
func TestIndexAndScanAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(testutil.Seed(t), 11))
	s, _ := openStore(t)
	s.CreateCollection(Spec{Name: "plain"})
	s.CreateCollection(Spec{Name: "indexed", Indexes: []string{"a", "b.c"}})
	randValue := func() any {
		switch r.IntN(7) {
		case 0:
			return nil
		case 1:
			return float64(r.IntN(10))
		case 2:
			return fmt.Sprint("s", r.IntN(5))
		case 3:
			return r.IntN(2) == 0
		case 4:
			return []any{float64(r.IntN(10)), fmt.Sprint("s", r.IntN(5))}
		case 5:
			return map[string]any{"c": float64(r.IntN(10))}
		}
		return float64(r.IntN(10)) + 0.5
	}
	randDoc := func() map[string]any {
		d := map[string]any{}
		if r.IntN(5) > 0 {
			d["a"] = randValue()
		}
		if r.IntN(3) > 0 {
			d["b"] = map[string]any{"c": randValue()}
		}
		if r.IntN(4) == 0 {
			d["b"] = []any{map[string]any{"c": randValue()}, map[string]any{"c": randValue()}}
		}
		return d
	}
	ids := []string{}
	for i := range 120 {
		d := randDoc()
		id := fmt.Sprint("d", i)
		for _, c := range []string{"plain", "indexed"} {
			if _, err := s.Insert(c, id, d); err != nil {
				t.Fatal(err)
			}
		}
		ids = append(ids, id)
	}
	// some replaces and deletes keep the index honest
	for range 40 {
		id := ids[r.IntN(len(ids))]
		d, del := randDoc(), r.IntN(3) == 0
		for _, c := range []string{"plain", "indexed"} {
			if del {
				s.Delete(c, id)
			} else if _, err := s.Replace(c, id, d); err != nil && !errors.Is(err, ErrNotFound) {
				t.Fatal(err)
			}
		}
	}
	ops := []string{"$eq", "$gt", "$gte", "$lt", "$lte", "$in", "$ne"}
	usedIndex := 0
	for range 300 {
		field := []string{"a", "b.c"}[r.IntN(2)]
		op := ops[r.IntN(len(ops))]
		var arg any = randValue()
		switch op {
		case "$in":
			arg = []any{randValue(), randValue()}
		case "$gt", "$gte", "$lt", "$lte":
			if r.IntN(2) == 0 {
				arg = float64(r.IntN(10))
			} else {
				arg = fmt.Sprint("s", r.IntN(5))
			}
		}
		filter := map[string]any{field: map[string]any{op: arg}}
		if r.IntN(3) == 0 {
			filter["$and"] = []any{map[string]any{"a": map[string]any{"$gte": float64(r.IntN(5))}}}
		}
		plain, err := s.Find("plain", Query{Filter: filter})
		if err != nil {
			t.Fatal(err)
		}
		idx, err := s.Find("indexed", Query{Filter: filter})
		if err != nil {
			t.Fatal(err)
		}
		scan, err := s.Find("indexed", Query{Filter: filter, NoIndex: true})
		if err != nil {
			t.Fatal(err)
		}
		a, b, c := docIDs(plain.Documents), docIDs(idx.Documents), docIDs(scan.Documents)
		if !slices.Equal(a, b) || !slices.Equal(a, c) {
			js, _ := json.Marshal(filter)
			t.Fatalf("filter %s: plain %v, indexed %v (%s), no-index %v", js, a, b, idx.Index, c)
		}
		if idx.Index != "" {
			usedIndex++
			if idx.Scanned > scan.Scanned {
				t.Fatalf("index scanned %d > full scan %d", idx.Scanned, scan.Scanned)
			}
		}
	}
	if usedIndex < 100 {
		t.Fatalf("index used for only %d filters", usedIndex)
	}
}

func TestCreateAndDropIndexBackfill(t *testing.T) {
	s, db := openStore(t)
	s.CreateCollection(Spec{Name: "c"})
	for i := range 20 {
		s.Insert("c", fmt.Sprint(i), map[string]any{"n": float64(i % 4)})
	}
	if err := s.CreateIndex("c", "n"); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateIndex("c", "n"); !errors.Is(err, ErrExists) {
		t.Fatalf("twice: %v", err)
	}
	r, _ := s.Find("c", Query{Filter: map[string]any{"n": 2.0}})
	if r.Index == "" || r.Matched != 5 || r.Scanned != 5 {
		t.Fatalf("after backfill: index %q matched %d scanned %d", r.Index, r.Matched, r.Scanned)
	}
	if err := s.DropIndex("c", "n"); err != nil {
		t.Fatal(err)
	}
	r, _ = s.Find("c", Query{Filter: map[string]any{"n": 2.0}})
	if r.Index != "" || r.Matched != 5 || r.Scanned != 20 {
		t.Fatalf("after drop: index %q matched %d scanned %d", r.Index, r.Matched, r.Scanned)
	}
	s.CreateIndex("c", "n")
	s.CreateTextIndex("c", []string{"title"})
	if err := s.DropCollection("c"); err != nil {
		t.Fatal(err)
	}
	txn, _ := db.Begin(mvcc.TxnOptions{ReadOnly: true})
	defer txn.Rollback()
	it := txn.Scan(nil, nil)
	defer it.Close()
	for it.Next() {
		t.Errorf("left behind after drop: %q", it.Key())
	}
}

func TestSearch(t *testing.T) {
	s, _ := openStore(t)
	s.CreateCollection(Spec{Name: "a", TextFields: []string{"title", "body", "tags"}})
	docs := map[string]string{
		"1": `{"title": "Write-ahead logging", "body": "The log is synced before pages are written", "tags": ["storage", "wal"], "year": 2020}`,
		"2": `{"title": "B+ trees", "body": "Pages split when full; the tree stays balanced", "tags": ["storage"], "year": 2021}`,
		"3": `{"title": "Cooking pasta", "body": "Boil water, add salt and pasta", "year": 2022}`,
	}
	for id, js := range docs {
		if _, err := s.Insert("a", id, mustJSON(t, js)); err != nil {
			t.Fatal(err)
		}
	}
	check := func(q TextQuery, want ...string) {
		t.Helper()
		r, err := s.Search("a", q)
		if err != nil {
			t.Fatal(err)
		}
		if got := docIDs(r.Documents); !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Fatalf("%+v: got %v, want %v", q, got, want)
		}
	}
	check(TextQuery{Query: "pages"}, "1", "2")
	check(TextQuery{Query: "pages", Filter: map[string]any{"year": map[string]any{"$gt": 2020.0}}}, "2")
	check(TextQuery{Query: `"ahead logging"`}, "1")
	check(TextQuery{Query: "storage -wal"}, "2")
	check(TextQuery{Query: "pasta", Fields: []string{"title"}}, "3")
	check(TextQuery{Query: "pasat~2"}, "3")
	// updates and deletes reach the text index in the same transaction
	s.Replace("a", "3", map[string]any{"title": "Cooking rice"})
	check(TextQuery{Query: "pasta"})
	s.Delete("a", "1")
	check(TextQuery{Query: "pages"}, "2")
	// a text index created later indexes what is there
	s.CreateCollection(Spec{Name: "late"})
	s.Insert("late", "x", map[string]any{"t": "hello world"})
	if _, err := s.Search("late", TextQuery{Query: "hello"}); !errors.Is(err, ErrNoTextIndex) {
		t.Fatalf("no text index: %v", err)
	}
	if err := s.CreateTextIndex("late", []string{"t"}); err != nil {
		t.Fatal(err)
	}
	if r, _ := s.Search("late", TextQuery{Query: "hello"}); len(r.Documents) != 1 || r.Documents[0].Score <= 0 {
		t.Fatalf("late index: %+v", r)
	}
	for _, q := range []TextQuery{{Query: ""}, {Query: "a AND"}, {Query: "x", Fields: []string{"nope"}}, {Query: "x", Filter: map[string]any{"$q": 1.0}}} {
		if _, err := s.Search("a", q); !errors.Is(err, ErrBadFilter) {
			t.Errorf("%+v: %v", q, err)
		}
	}
}

func TestDecodeRecordRejects(t *testing.T) {
	for name, rec := range map[string][]byte{"short": {1, 2}, "version": make([]byte, 17)} {
		if _, _, _, err := decodeRecord([]byte("k"), rec); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := decodeDocument("c", "i", []byte("k"), encodeRecord(time.Now(), time.Now(), []byte("[1]"))); !errors.Is(err, ErrCorrupt) {
		t.Errorf("array body: %v", err)
	}
}

func FuzzDecodeDocument(f *testing.F) {
	f.Add(encodeRecord(time.Unix(1, 0), time.Unix(2, 0), []byte(`{"a":1}`)))
	f.Add([]byte{1, 0})
	f.Fuzz(func(t *testing.T, rec []byte) {
		d, err := decodeDocument("c", "i", []byte("k"), rec)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("%v is not ErrCorrupt", err)
			}
			return
		}
		if d.Data == nil {
			t.Fatal("nil data without error")
		}
	})
}

func FuzzCompileFilter(f *testing.F) {
	f.Add(`{"a": {"$gt": 1}, "$or": [{"b": "x"}, {"c": {"$regex": "^q", "$options": "i"}}]}`)
	f.Add(`{"a.b": {"$not": {"$in": [1, null]}}}`)
	f.Fuzz(func(t *testing.T, js string) {
		var m map[string]any
		if json.Unmarshal([]byte(js), &m) != nil {
			return
		}
		flt, err := CompileFilter(m)
		if err != nil {
			if !errors.Is(err, ErrBadFilter) {
				t.Fatalf("%v is not ErrBadFilter", err)
			}
			return
		}
		flt.Match(m) // must not panic on any document
		flt.Match(map[string]any{"a": []any{1.0, map[string]any{"b": nil}}})
	})
}
