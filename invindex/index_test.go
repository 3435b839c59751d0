package invindex

import (
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/aegisdb/aegis/engine/memory"
	"github.com/aegisdb/aegis/internal/testutil"
	"github.com/aegisdb/aegis/mvcc"
)

func openDB(t testing.TB) *mvcc.DB {
	t.Helper()
	e := memory.New()
	db, err := mvcc.Open(e, mvcc.Options{GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close(); e.Close() })
	return db
}

func openIndex(t testing.TB) *Index {
	t.Helper()
	x, err := Open(openDB(t), "test", Options{})
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func ids(r Result) []string {
	out := make([]string, len(r.Hits))
	for i, h := range r.Hits {
		out[i] = h.ID
	}
	return out
}

func sortedIDs(r Result) []string {
	out := ids(r)
	slices.Sort(out)
	return out
}

var corpus = []Doc{
	{ID: "1", Fields: map[string]string{"title": "The quick brown fox", "body": "A quick brown fox jumps over the lazy dog"}},
	{ID: "2", Fields: map[string]string{"title": "Lazy dogs", "body": "Dogs sleeping in the sun all day long"}},
	{ID: "3", Fields: map[string]string{"title": "Foxes and hounds", "body": "The hound chased the fox across the field"}},
	{ID: "4", Fields: map[string]string{"title": "Databases", "body": "Storage engines, indexes and query processing in databases"}},
	{ID: "5", Fields: map[string]string{"title": "Brown bread", "body": "Baking brown bread is quick and easy"}},
}

func TestQueries(t *testing.T) {
	x := openIndex(t)
	if err := x.Add(corpus...); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		q    string
		want []string // sorted ids
	}{
		{"fox", []string{"1", "3"}},
		{"foxes", []string{"1", "3"}}, // stemmed
		{"FOX", []string{"1", "3"}},
		{"quick brown", []string{"1", "5"}},
		{"quick AND brown", []string{"1", "5"}},
		{"quick AND dog", []string{"1"}},
		{"fox OR bread", []string{"1", "3", "5"}},
		{"brown -fox", []string{"5"}},
		{"brown AND NOT bread", []string{"1"}},
		{"NOT brown", []string{"2", "3", "4"}},
		{"+quick fox", []string{"1", "5"}},
		{"title:fox", []string{"1", "3"}},
		{"title:dog", []string{"2"}},
		{"body:bread", []string{"5"}},
		{`"brown fox"`, []string{"1"}},
		{`"fox brown"`, nil},
		{`"lazy dog"`, []string{"1", "2"}},
		{`body:"jumps over the lazy"`, []string{"1"}},
		{`body:"jumps over lazy"`, nil}, // "the" keeps its place
		{"databse~1", []string{"4"}},
		{"databse~", []string{"4"}},
		{"qiuck~1", nil}, // a transposition is two edits
		{"qiuck~2", []string{"1", "5"}},
		{"the", nil},
		{"the fox", []string{"1", "3"}},
		{"(fox OR dog) AND lazy", []string{"1", "2"}},
		{"zebra", nil},
	}
	for _, c := range cases {
		t.Run(c.q, func(t *testing.T) {
			r, err := x.SearchString(c.q, SearchOptions{Limit: -1})
			if err != nil {
				t.Fatal(err)
			}
			if got := sortedIDs(r); !slices.Equal(got, c.want) && !(len(got) == 0 && len(c.want) == 0) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
			if r.Total != len(r.Hits) {
				t.Fatalf("Total %d, %d hits", r.Total, len(r.Hits))
			}
		})
	}
}

func TestBoostsAndRanking(t *testing.T) {
	x := openIndex(t)
	x.Add(
		Doc{ID: "t", Fields: map[string]string{"title": "storage", "body": "nothing here at all really"}},
		Doc{ID: "b", Fields: map[string]string{"title": "nothing", "body": "storage storage storage engines"}},
	)
	r, _ := x.SearchString("storage", SearchOptions{Boosts: map[string]float64{"title": 10}})
	if got := ids(r); !slices.Equal(got, []string{"t", "b"}) {
		t.Fatalf("title boost: got %v", got)
	}
	r, _ = x.SearchString("storage", SearchOptions{Boosts: map[string]float64{"body": 10}})
	if got := ids(r); !slices.Equal(got, []string{"b", "t"}) {
		t.Fatalf("body boost: got %v", got)
	}
	r, _ = x.SearchString("storage", SearchOptions{Fields: []string{"title"}})
	if got := ids(r); !slices.Equal(got, []string{"t"}) {
		t.Fatalf("fields: got %v", got)
	}
}

// TestBM25Score checks one score against the formula worked by hand.
func TestBM25Score(t *testing.T) {
	x := openIndex(t)
	x.Add(
		Doc{ID: "a", Fields: map[string]string{"f": "apple apple pear"}},
		Doc{ID: "b", Fields: map[string]string{"f": "pear plum"}},
		Doc{ID: "c", Fields: map[string]string{"f": "plum"}},
	)
	r, err := x.SearchString("apple", SearchOptions{})
	if err != nil || len(r.Hits) != 1 {
		t.Fatalf("%v %v", r, err)
	}
	// N=3, df=1, tf=2, dl=3, avgdl=2
	idf := math.Log(1 + (3-1+0.5)/(1+0.5))
	want := idf * 2 * 2.2 / (2 + 1.2*(1-0.75+0.75*3.0/2))
	if math.Abs(r.Hits[0].Score-want) > 1e-9 {
		t.Fatalf("score %v, want %v", r.Hits[0].Score, want)
	}
	// an AND scores the sum of its terms, whichever path evaluates it
	pear, _ := x.Search(Term{Field: "f", Word: "pear"}, SearchOptions{})
	var pearA float64
	for _, h := range pear.Hits {
		if h.ID == "a" {
			pearA = h.Score
		}
	}
	both, err := x.Search(And{[]Query{Term{Field: "f", Word: "apple"}, Term{Field: "f", Word: "pear"}}}, SearchOptions{})
	if err != nil || len(both.Hits) != 1 || math.Abs(both.Hits[0].Score-(want+pearA)) > 1e-9 {
		t.Fatalf("AND: %+v %v, want one hit scoring %v", both, err, want+pearA)
	}
}

func TestUpdateDeleteAndBlocks(t *testing.T) {
	x := openIndex(t)
	// 300 documents share "common": three blocks; each batch appends.
	for b := range 3 {
		var docs []Doc
		for i := range 100 {
			n := b*100 + i
			docs = append(docs, Doc{ID: fmt.Sprint(n), Fields: map[string]string{"f": fmt.Sprintf("common w%d", n%7)}})
		}
		if err := x.Add(docs...); err != nil {
			t.Fatal(err)
		}
	}
	count := func(q string) int {
		r, err := x.SearchString(q, SearchOptions{Limit: -1})
		if err != nil {
			t.Fatal(err)
		}
		return r.Total
	}
	if n := count("common"); n != 300 {
		t.Fatalf("common: %d", n)
	}
	if err := x.Delete("0", "150", "299", "nope"); err != nil {
		t.Fatal(err)
	}
	if n := count("common"); n != 297 {
		t.Fatalf("after delete: %d", n)
	}
	// appending after the last block lost its last document
	var more []Doc
	for i := range 50 {
		more = append(more, Doc{ID: fmt.Sprint("m", i), Fields: map[string]string{"f": "common extra"}})
	}
	if err := x.Add(more...); err != nil {
		t.Fatal(err)
	}
	if n := count("common"); n != 347 {
		t.Fatalf("after appending: %d", n)
	}
	if n := count(`"common extra"`); n != 50 {
		t.Fatalf("phrase after appending: %d", n)
	}
	for i := range 50 {
		if err := x.Delete(fmt.Sprint("m", i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := x.Add(Doc{ID: "1", Fields: map[string]string{"f": "replaced"}}); err != nil {
		t.Fatal(err)
	}
	if count("common") != 296 || count("replaced") != 1 || count("NOT common") != 1 {
		t.Fatalf("after replace: %d %d %d", count("common"), count("replaced"), count("NOT common"))
	}
	for i := range 300 {
		if err := x.Delete(fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
	}
	if count("common") != 0 || count("NOT zebra") != 0 {
		t.Fatal("index not empty")
	}
	// nothing left behind but the meta key
	txn, _ := x.db.Begin(mvcc.TxnOptions{ReadOnly: true})
	defer txn.Rollback()
	p := x.keys.all()
	it := txn.Scan(p, prefixEnd(p))
	defer it.Close()
	for it.Next() {
		if string(it.Key()) != string(x.keys.meta()) {
			t.Errorf("left behind: %q", it.Key())
		}
	}
}

func TestBadInput(t *testing.T) {
	x := openIndex(t)
	if _, err := Open(x.db, "a\x00b", Options{}); !errors.Is(err, ErrBadName) {
		t.Errorf("bad name: %v", err)
	}
	if err := x.Add(Doc{ID: "", Fields: nil}); !errors.Is(err, ErrBadName) {
		t.Errorf("empty id: %v", err)
	}
	if err := x.Add(Doc{ID: "x", Fields: map[string]string{"a\x00": "t"}}); !errors.Is(err, ErrBadName) {
		t.Errorf("bad field: %v", err)
	}
	for _, q := range []string{"", "(", "a AND", `"open`, "a~3", "a~x", "f:(a b)", ")"} {
		if _, err := x.SearchString(q, SearchOptions{}); !errors.Is(err, ErrBadQuery) {
			t.Errorf("query %q: %v, want ErrBadQuery", q, err)
		}
	}
	if _, err := x.Search(Fuzzy{Word: "a", Distance: 5}, SearchOptions{}); !errors.Is(err, ErrBadQuery) {
		t.Errorf("fuzzy 5: %v", err)
	}
}

func TestParseQuery(t *testing.T) {
	cases := map[string]string{
		"a":                "a",
		"a b":              "(a OR b)",
		"a AND b OR c":     "((a AND b) OR c)",
		"a -b":             "(a OR NOT b)",
		"+a b":             "(a AND [b])",
		"+a -b c":          "(a AND NOT b AND [c])",
		"t:a~1":            "t:a~1",
		`t:"x y" (a OR b)`: `(t:"x y" OR (a OR b))`,
		"e-mail":           "e-mail",
		"NOT a":            "NOT a",
	}
	for in, want := range cases {
		q, err := ParseQuery(in)
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if q.String() != want {
			t.Errorf("%q parsed as %s, want %s", in, q, want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{{"kitten", "sitting", 3}, {"", "ab", 2}, {"abc", "abc", 0}, {"abc", "acb", 2}, {"naïve", "naive", 1}}
	for _, c := range cases {
		if got := editDistance(c.a, c.b, 5); got != c.want {
			t.Errorf("editDistance(%q,%q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
	if editDistance("kitten", "sitting", 2) != 3 {
		t.Error("limit not applied")
	}
}

// TestModel runs random adds, replaces and deletes, then random boolean
// and phrase queries, against an oracle that matches analyzed tokens of
// the documents it keeps in a map.
// TestModel runs random writes with both ways of storing new postings:
// appended to each term's last block (small writes) and as blocks of
// their own (writes of segmentDocs or more documents).
func TestModel(t *testing.T) {
	// a lexicon of 5 words fills up early: later words take the path for
	// words it cannot number
	for _, c := range []struct{ seg, lex int }{{segmentMinDocs, 0}, {2, 0}, {2, 5}} {
		t.Run(fmt.Sprintf("segmentDocs=%d/lexicon=%d", c.seg, c.lex), func(t *testing.T) { testModel(t, c.seg, c.lex) })
	}
}

func testModel(t *testing.T, segmentDocs, lexicon int) {
	r := rand.New(rand.NewPCG(testutil.Seed(t), 7))
	x := openIndex(t)
	x.segmentDocs, x.lex.max = segmentDocs, lexicon
	vocab := strings.Fields("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda the of")
	oracle := map[string]map[string]string{}
	steps := 300
	if testutil.Long() {
		steps = 5000
	}
	randText := func() string {
		var w []string
		for range 1 + r.IntN(8) {
			w = append(w, vocab[r.IntN(len(vocab))])
		}
		return strings.Join(w, " ")
	}
	for step := range steps {
		switch r.IntN(4) {
		case 0, 1, 2:
			var docs []Doc
			for range 1 + r.IntN(4) {
				id := fmt.Sprint(r.IntN(40))
				f := map[string]string{"a": randText()}
				if r.IntN(2) == 0 {
					f["b"] = randText()
				}
				docs = append(docs, Doc{ID: id, Fields: f})
			}
			if err := x.Add(docs...); err != nil {
				t.Fatalf("step %d: %v", step, err)
			}
			for _, d := range docs {
				oracle[d.ID] = d.Fields
			}
		default:
			id := fmt.Sprint(r.IntN(40))
			if err := x.Delete(id); err != nil {
				t.Fatalf("step %d: %v", step, err)
			}
			delete(oracle, id)
		}
		w1, w2 := vocab[r.IntN(11)], vocab[r.IntN(11)]
		queries := map[string]func(fields map[string]string) bool{
			w1:                func(f map[string]string) bool { return has(f, w1) },
			w1 + " AND " + w2: func(f map[string]string) bool { return has(f, w1) && has(f, w2) },
			w1 + " OR " + w2:  func(f map[string]string) bool { return has(f, w1) || has(f, w2) },
			w1 + " -" + w2:    func(f map[string]string) bool { return has(f, w1) && !has(f, w2) },
			"NOT " + w1:       func(f map[string]string) bool { return !has(f, w1) },
			"a:" + w1 + " AND a:" + w2: func(f map[string]string) bool {
				return has(map[string]string{"a": f["a"]}, w1) && has(map[string]string{"a": f["a"]}, w2)
			},
			`a:"` + w1 + " " + w2 + `" AND b:` + w2: func(f map[string]string) bool {
				return strings.Contains(" "+f["a"]+" ", " "+w1+" "+w2+" ") && has(map[string]string{"b": f["b"]}, w2)
			},
			`"` + w1 + " " + w2 + `"`: func(f map[string]string) bool {
				return strings.Contains(" "+f["a"]+" ", " "+w1+" "+w2+" ") || strings.Contains(" "+f["b"]+" ", " "+w1+" "+w2+" ")
			},
		}
		for q, match := range queries {
			res, err := x.SearchString(q, SearchOptions{Limit: -1})
			if err != nil {
				t.Fatalf("step %d: %q: %v", step, q, err)
			}
			var want []string
			for id, f := range oracle {
				if match(f) {
					want = append(want, id)
				}
			}
			slices.Sort(want)
			if got := sortedIDs(res); !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
				t.Fatalf("step %d: %q: got %v, want %v", step, q, got, want)
			}
			for i := 1; i < len(res.Hits); i++ {
				if res.Hits[i].Score > res.Hits[i-1].Score {
					t.Fatalf("step %d: %q: hits not sorted by score", step, q)
				}
			}
		}
	}
	checkDictionary(t, x)
}

// checkDictionary checks that a field's term count equals its dictionary
// entries and that every entry has blocks and every term with blocks an
// entry.
func checkDictionary(t *testing.T, x *Index) {
	t.Helper()
	txn, err := x.db.Begin(mvcc.TxnOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer txn.Rollback()
	collect := func(kind byte, cut func(rest []byte) string) map[string]bool {
		out := map[string]bool{}
		p := x.keys.key(kind)
		it := txn.Scan(p, prefixEnd(p))
		defer it.Close()
		for it.Next() {
			out[cut(it.Key()[len(p):])] = true
		}
		if err := it.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	dict := collect(kindDict, func(rest []byte) string { return string(rest) })
	withBlocks := collect(kindPost, func(rest []byte) string { return string(rest[:len(rest)-5]) })
	if !maps.Equal(dict, withBlocks) {
		t.Fatalf("dictionary %v, terms with blocks %v", dict, withBlocks)
	}
	perField := map[string]uint64{}
	for ft := range dict {
		f, _, _ := strings.Cut(ft, "\x00")
		perField[f]++
	}
	for _, f := range []string{"a", "b"} {
		st, err := x.readFieldStats(txn, f)
		if err != nil {
			t.Fatal(err)
		}
		if st.terms != perField[f] {
			t.Fatalf("field %s: stats say %d terms, dictionary holds %d", f, st.terms, perField[f])
		}
	}
}

func TestCorruptBlockFailsQueries(t *testing.T) {
	x := openIndex(t)
	if err := x.Add(corpus...); err != nil {
		t.Fatal(err)
	}
	key := binary.BigEndian.AppendUint32(x.keys.post("body", "fox"), 0)
	if _, err := x.db.Update(1, func(txn *mvcc.Txn) error { return txn.Put(key, []byte{1, 0, 3, 9, 1, 1, 0}) }); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"body:fox", `body:"brown fox"`, "body:fox AND body:quick"} {
		if _, err := x.SearchString(q, SearchOptions{}); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: %v, want ErrCorrupt", q, err)
		}
	}
}

func has(f map[string]string, w string) bool {
	for _, text := range f {
		if slices.Contains(strings.Fields(text), w) {
			return true
		}
	}
	return false
}

func TestTopK(t *testing.T) {
	var hits []scored
	for i := range 100 {
		hits = append(hits, scored{uint32(i), float64(i % 10)})
	}
	top := topK(hits, 3)
	want := []scored{{9, 9}, {19, 9}, {29, 9}}
	if !slices.Equal(top, want) {
		t.Fatalf("got %v, want %v", top, want)
	}
	if len(topK(hits, -1)) != 100 || len(topK(hits[:2], 5)) != 2 {
		t.Fatal("bad lengths")
	}
}
