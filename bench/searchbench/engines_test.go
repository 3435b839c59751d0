package searchbench

import (
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"

	"github.com/aegisdb/aegis/engine/memory"
	"github.com/aegisdb/aegis/invindex"
	"github.com/aegisdb/aegis/mvcc"
)

func memoryEngine() *memory.Engine { return memory.New() }

type textDoc struct {
	ID    string
	Title string `json:"title"`
	Body  string `json:"body"`
}

func openOurs(tb testing.TB) (*invindex.Index, *mvcc.DB) {
	tb.Helper()
	db, err := mvcc.Open(memoryEngine(), mvcc.Options{GCInterval: -1})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	x, err := invindex.Open(db, "bench", invindex.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return x, db
}

func indexOurs(tb testing.TB, x *invindex.Index, docs []textDoc, batch int) {
	tb.Helper()
	for i := 0; i < len(docs); i += batch {
		var b []invindex.Doc
		for _, d := range docs[i:min(i+batch, len(docs))] {
			b = append(b, invindex.Doc{ID: d.ID, Fields: map[string]string{"title": d.Title, "body": d.Body}})
		}
		if err := x.Add(b...); err != nil {
			tb.Fatal(err)
		}
	}
}

// openBleve makes a scorch index in a temporary directory whose text
// fields use the "en" analyzer (lowercase, stop words, Porter stemmer).
func openBleve(tb testing.TB) (bleve.Index, string) {
	tb.Helper()
	m := bleve.NewIndexMapping()
	m.DefaultAnalyzer = en.AnalyzerName
	dir := tb.TempDir() + "/bleve"
	idx, err := bleve.New(dir, m)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { idx.Close() })
	return idx, dir
}

func indexBleve(tb testing.TB, idx bleve.Index, docs []textDoc, batch int) {
	tb.Helper()
	for i := 0; i < len(docs); i += batch {
		b := idx.NewBatch()
		for _, d := range docs[i:min(i+batch, len(docs))] {
			if err := b.Index(d.ID, d); err != nil {
				tb.Fatal(err)
			}
		}
		if err := idx.Batch(b); err != nil {
			tb.Fatal(err)
		}
	}
}
