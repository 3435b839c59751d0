package searchbench

import (
	"bytes"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/aegisdb/aegis/invindex"
	"github.com/aegisdb/aegis/mvcc"
)

const (
	vocabulary = 20_000
	batchSize  = 1000
)

func numDocs() int {
	if s := os.Getenv("AEGIS_BENCH_DOCS"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n > 0 {
			return n
		}
	}
	return 100_000
}

// word i is a pronounceable pseudo-word of two or more syllables,
// distinct for each i: none is an English stop word for either engine.
func word(i int) string {
	const cons, vows = "bdfgklmnprstvz", "aeiou"
	i += len(cons) * len(vows) // skip the one-syllable words ("me", "be", ...)
	var sb strings.Builder
	for {
		sb.WriteByte(cons[i%len(cons)])
		i /= len(cons)
		sb.WriteByte(vows[i%len(vows)])
		i /= len(vows)
		if i == 0 {
			return sb.String()
		}
	}
}

// generate makes n documents with Zipf-distributed words (fixed seed).
func generate(n int) []textDoc {
	r := rand.New(rand.NewSource(42))
	z := rand.NewZipf(r, 1.1, 2, vocabulary-1)
	text := func(min, max int) string {
		k := min + r.Intn(max-min+1)
		ws := make([]string, k)
		for i := range ws {
			ws[i] = word(int(z.Uint64()))
		}
		return strings.Join(ws, " ")
	}
	docs := make([]textDoc, n)
	for i := range docs {
		docs[i] = textDoc{ID: "d" + strconv.Itoa(i), Title: text(4, 8), Body: text(20, 80)}
	}
	return docs
}

var (
	corpusOnce sync.Once
	corpus     []textDoc
)

func getCorpus() []textDoc {
	corpusOnce.Do(func() { corpus = generate(numDocs()) })
	return corpus
}

// oursBytes is the logical size of the index: keys plus values of the
// latest versions under its mvcc prefix.
func oursBytes(tb testing.TB, db *mvcc.DB) int {
	txn, err := db.Begin(mvcc.TxnOptions{ReadOnly: true})
	if err != nil {
		tb.Fatal(err)
	}
	defer txn.Rollback()
	p := []byte("fts\x00bench\x00")
	it := txn.Scan(p, append(bytes.Clone(p[:len(p)-1]), 1))
	defer it.Close()
	n := 0
	for it.Next() {
		n += len(it.Key()) + len(it.Value())
	}
	return n
}

func dirBytes(tb testing.TB, dir string) int {
	n := int64(0)
	filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n += info.Size()
		}
		return nil
	})
	return int(n)
}

// cd bench && go test -run '^$' -bench Index -benchtime 1x ./searchbench/
func BenchmarkIndex(b *testing.B) {
	docs := getCorpus()
	b.Run("engine=aegis", func(b *testing.B) {
		var db *mvcc.DB
		start := time.Now()
		for b.Loop() {
			var x *invindex.Index
			x, db = openOurs(b)
			indexOurs(b, x, docs, batchSize)
		}
		secs := time.Since(start).Seconds() / float64(b.N)
		b.ReportMetric(float64(len(docs))/secs, "docs/s")
		b.ReportMetric(float64(oursBytes(b, db)), "index-bytes")
	})
	b.Run("engine=bleve", func(b *testing.B) {
		var dir string
		start := time.Now()
		for b.Loop() {
			var idx bleve.Index
			idx, dir = openBleve(b)
			indexBleve(b, idx, docs, batchSize)
		}
		secs := time.Since(start).Seconds() / float64(b.N)
		b.ReportMetric(float64(len(docs))/secs, "docs/s")
		b.ReportMetric(float64(dirBytes(b, dir)), "index-bytes")
	})
}

var (
	builtOnce sync.Once
	builtOurs *invindex.Index
	builtBl   bleve.Index
)

// built indexes the corpus once in both engines for the query benchmarks.
func built(b *testing.B) (*invindex.Index, bleve.Index) {
	builtOnce.Do(func() {
		docs := getCorpus()
		db, err := mvcc.Open(memoryEngine(), mvcc.Options{GCInterval: -1})
		if err != nil {
			b.Fatal(err)
		}
		builtOurs, _ = invindex.Open(db, "bench", invindex.Options{})
		indexOurs(b, builtOurs, docs, batchSize)
		m := bleve.NewIndexMapping()
		m.DefaultAnalyzer = "en"
		dir, _ := os.MkdirTemp("", "searchbench")
		builtBl, err = bleve.New(filepath.Join(dir, "bleve"), m)
		if err != nil {
			b.Fatal(err)
		}
		indexBleve(b, builtBl, docs, batchSize)
	})
	return builtOurs, builtBl
}

// cd bench && go test -run '^$' -bench Query ./searchbench/
func BenchmarkQuery(b *testing.B) {
	x, bl := built(b)
	doc0 := strings.Fields(getCorpus()[0].Body)
	phrase := doc0[2] + " " + doc0[3]
	type q struct {
		name  string
		ours  invindex.Query
		bleve query.Query
	}
	match := func(w string) *query.MatchQuery {
		m := bleve.NewMatchQuery(w)
		m.SetField("body")
		return m
	}
	mp := bleve.NewMatchPhraseQuery(phrase)
	mp.SetField("body")
	qs := []q{
		{"term(rank=10)", invindex.Term{Field: "body", Word: word(10)}, match(word(10))},
		{"term(rank=200)", invindex.Term{Field: "body", Word: word(200)}, match(word(200))},
		{"and(rank=20,rank=60)", invindex.And{Clauses: []invindex.Query{invindex.Term{Field: "body", Word: word(20)}, invindex.Term{Field: "body", Word: word(60)}}},
			bleve.NewConjunctionQuery(match(word(20)), match(word(60)))},
		{"phrase", invindex.Phrase{Field: "body", Text: phrase}, mp},
	}
	for _, c := range qs {
		r, err := x.Search(c.ours, invindex.SearchOptions{Limit: 10})
		if err != nil {
			b.Fatal(err)
		}
		br, err := bl.Search(bleve.NewSearchRequestOptions(c.bleve, 10, 0, false))
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("%s: aegis %d hits, bleve %d hits", c.name, r.Total, br.Total)
		// the engines analyze alike, so they must find the same documents
		if diff := float64(r.Total) - float64(br.Total); diff*diff > 0.0001*float64(br.Total*br.Total) || br.Total == 0 {
			b.Fatalf("%s: aegis matches %d documents, bleve %d", c.name, r.Total, br.Total)
		}
		b.Run("q="+c.name+"/engine=aegis", func(b *testing.B) {
			for b.Loop() {
				if _, err := x.Search(c.ours, invindex.SearchOptions{Limit: 10}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(r.Total), "matches")
		})
		b.Run("q="+c.name+"/engine=bleve", func(b *testing.B) {
			req := bleve.NewSearchRequestOptions(c.bleve, 10, 0, false)
			for b.Loop() {
				if _, err := bl.Search(req); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(br.Total), "matches")
		})
	}
}
