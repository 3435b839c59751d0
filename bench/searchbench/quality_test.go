package searchbench

import (
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2"

	"github.com/aegisdb/aegis/invindex"
)

// TestSearchQuality indexes the labelled set in invindex and bleve, runs
// every labelled query as a free-text query (OR of its words, ranked by
// BM25 in invindex and by bleve's tf-idf scoring) over title and body, and
// logs precision@5, precision@10 and recall@10 for both, and how many of
// the top 10 the two engines share.
func TestSearchQuality(t *testing.T) {
	var docs []textDoc
	for _, d := range labelledDocs {
		docs = append(docs, textDoc{ID: d.id, Title: d.title, Body: d.body})
	}
	x, _ := openOurs(t)
	indexOurs(t, x, docs, 100)
	bl, _ := openBleve(t)
	indexBleve(t, bl, docs, 100)

	type totals struct{ p5, p10, r10, rr float64 }
	var ours, theirs totals
	overlap, sameOrder := 0.0, 0
	t.Logf("%-32s %6s %6s %6s | %6s %6s %6s | %s", "query", "P@5", "P@10", "R@10", "P@5", "P@10", "R@10", "shared top-10")
	for _, q := range labelledQueries {
		r, err := x.SearchString(q.q, invindex.SearchOptions{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var a []string
		for _, h := range r.Hits {
			a = append(a, h.ID)
		}
		req := bleve.NewSearchRequestOptions(bleve.NewMatchQuery(q.q), 10, 0, false)
		br, err := bl.Search(req)
		if err != nil {
			t.Fatal(err)
		}
		var b []string
		for _, h := range br.Hits {
			b = append(b, h.ID)
		}
		p5a, p10a, r10a := measures(a, q.relevant)
		p5b, p10b, r10b := measures(b, q.relevant)
		shared := 0
		for _, id := range a {
			if slices.Contains(b, id) {
				shared++
			}
		}
		ours.p5, ours.p10, ours.r10, ours.rr = ours.p5+p5a, ours.p10+p10a, ours.r10+r10a, ours.rr+reciprocalRank(a, q.relevant)
		theirs.p5, theirs.p10, theirs.r10, theirs.rr = theirs.p5+p5b, theirs.p10+p10b, theirs.r10+r10b, theirs.rr+reciprocalRank(b, q.relevant)
		if slices.Equal(a, b) {
			sameOrder++
		}
		overlap += float64(shared) / float64(max(1, min(len(a), len(b))))
		t.Logf("%-32s %6.2f %6.2f %6.2f | %6.2f %6.2f %6.2f | %d of %d/%d", q.q, p5a, p10a, r10a, p5b, p10b, r10b, shared, len(a), len(b))
	}
	n := float64(len(labelledQueries))
	t.Logf("MEAN invindex: P@5 %.3f P@10 %.3f R@10 %.3f MRR %.3f", ours.p5/n, ours.p10/n, ours.r10/n, ours.rr/n)
	t.Logf("MEAN bleve:    P@5 %.3f P@10 %.3f R@10 %.3f MRR %.3f", theirs.p5/n, theirs.p10/n, theirs.r10/n, theirs.rr/n)
	t.Logf("mean share of the top 10 in common: %.3f; identical top-10 order: %d of %d queries", overlap/n, sameOrder, len(labelledQueries))
	// Each labelled query has at least one relevant document sharing a
	// word with it, so a working index finds nearly all of them.
	if ours.r10/n < 0.9 {
		t.Errorf("mean recall@10 %.3f: the index misses relevant documents", ours.r10/n)
	}
	if ours.p5/n < theirs.p5/n-0.05 {
		t.Errorf("mean precision@5 %.3f is well below bleve's %.3f", ours.p5/n, theirs.p5/n)
	}
}

// measures returns precision@5, precision@10 and recall@10 of a ranking.
func measures(ranked, relevant []string) (p5, p10, r10 float64) {
	hits := func(k int) int {
		n := 0
		for _, id := range ranked[:min(k, len(ranked))] {
			if slices.Contains(relevant, id) {
				n++
			}
		}
		return n
	}
	return float64(hits(5)) / 5, float64(hits(10)) / 10, float64(hits(10)) / float64(len(relevant))
}

// reciprocalRank is 1/rank of the first relevant document, 0 if none.
func reciprocalRank(ranked, relevant []string) float64 {
	for i, id := range ranked {
		if slices.Contains(relevant, id) {
			return 1 / float64(i+1)
		}
	}
	return 0
}
