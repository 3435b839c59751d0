package invindex

import (
	"container/heap"
	"fmt"
	"math"
	"slices"

	"github.com/aegisdb/aegis/bitmap"
	"github.com/aegisdb/aegis/mvcc"
)

// BM25 parameters (Robertson and Zaragoza, "The Probabilistic Relevance
// Framework: BM25 and Beyond", 2009, eq. 3.15 with the Lucene idf).
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// SearchOptions tune one search.
type SearchOptions struct {
	// Limit is the number of hits returned, best first; 0 means 10,
	// negative means all.
	Limit int
	// Fields searched by clauses without a field; nil means every field
	// the index holds.
	Fields []string
	// Boosts multiply the score a field contributes; missing means 1.
	Boosts map[string]float64
}

// Hit is one matching document.
type Hit struct {
	ID    string
	Score float64
}

// Result is a search's answer.
type Result struct {
	Hits  []Hit
	Total int // matching documents, before the limit
}

// scored is a document number with its score; result lists are sorted by
// document number.
type scored struct {
	doc   uint32
	score float64
}

// evaluator runs one query in one snapshot, caching per-field statistics.
type evaluator struct {
	x      *Index
	txn    *mvcc.Txn
	opts   SearchOptions
	fields []string
	stats  map[string][2]float64 // field -> docs, average length
	live   *bitmap.Bitmap
}

// SearchString parses q with ParseQuery and runs it.
func (x *Index) SearchString(q string, opts SearchOptions) (Result, error) {
	query, err := ParseQuery(q)
	if err != nil {
		return Result{}, err
	}
	return x.Search(query, opts)
}

// Search runs q in a consistent snapshot.
func (x *Index) Search(q Query, opts SearchOptions) (Result, error) {
	txn, err := x.db.Begin(mvcc.TxnOptions{ReadOnly: true})
	if err != nil {
		return Result{}, fmt.Errorf("invindex %s: search: %w", x.name, err)
	}
	defer txn.Rollback()
	return x.SearchTxn(txn, q, opts)
}

// SearchTxn runs q inside txn.
func (x *Index) SearchTxn(txn *mvcc.Txn, q Query, opts SearchOptions) (Result, error) {
	x.searches.Add(1)
	e := &evaluator{x: x, txn: txn, opts: opts, stats: map[string][2]float64{}}
	if opts.Fields != nil {
		for _, f := range opts.Fields {
			if err := checkName("field", f); err != nil {
				return Result{}, err
			}
		}
		e.fields = opts.Fields
	} else if err := e.allFields(); err != nil {
		return Result{}, err
	}
	hits, neutral, err := e.eval(q)
	if err != nil {
		return Result{}, err
	}
	if neutral {
		hits = nil
	}
	limit := opts.Limit
	if limit == 0 {
		limit = 10
	}
	top := topK(hits, limit)
	res := Result{Total: len(hits), Hits: make([]Hit, 0, len(top))}
	for _, s := range top {
		k := x.keys.num(s.doc)
		id, err := txn.Get(k)
		if err != nil {
			return Result{}, fmt.Errorf("invindex %s: id of document %d: %w", x.name, s.doc, err)
		}
		res.Hits = append(res.Hits, Hit{ID: string(id), Score: s.score})
	}
	return res, nil
}

// allFields lists the indexed fields from their statistics keys.
func (e *evaluator) allFields() error {
	p := e.x.keys.key(kindField)
	it := e.txn.Scan(p, prefixEnd(p))
	defer it.Close()
	for it.Next() {
		e.fields = append(e.fields, string(it.Key()[len(p):]))
	}
	return it.Err()
}

// minHeap keeps the k best hits seen; the worst is at the root.
type minHeap []scored

func (h minHeap) Len() int { return len(h) }
func (h minHeap) Less(i, j int) bool {
	if h[i].score != h[j].score {
		return h[i].score < h[j].score
	}
	return h[i].doc > h[j].doc // on equal scores the older document ranks first
}
func (h minHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *minHeap) Push(x any)   { *h = append(*h, x.(scored)) }
func (h *minHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// topK returns the best k hits (all when k < 0), best first, with a
// bounded heap: O(n log k).
func topK(hits []scored, k int) []scored {
	if k < 0 || k > len(hits) {
		k = len(hits)
	}
	h := make(minHeap, 0, k)
	for _, s := range hits {
		if len(h) < k {
			heap.Push(&h, s)
		} else if k > 0 && (s.score > h[0].score || (s.score == h[0].score && s.doc < h[0].doc)) {
			h[0] = s
			heap.Fix(&h, 0)
		}
	}
	out := make([]scored, len(h))
	for i := len(h) - 1; i >= 0; i-- {
		out[i] = heap.Pop(&h).(scored)
	}
	return out
}

// eval returns the documents matching q, sorted by number, with scores.
// neutral is true for a clause that cannot match or exclude anything
// (a stop word): And and Or skip it.
func (e *evaluator) eval(q Query) (hits []scored, neutral bool, err error) {
	switch q := q.(type) {
	case Term:
		return e.perField(q.Field, func(f string) ([]scored, bool, error) {
			t := e.x.an.Term(q.Word)
			if t == "" {
				return nil, true, nil
			}
			return e.term(f, t)
		})
	case Phrase:
		return e.perField(q.Field, func(f string) ([]scored, bool, error) { return e.phrase(f, q.Text) })
	case Fuzzy:
		if q.Distance < 1 || q.Distance > 2 {
			return nil, false, fmt.Errorf("invindex: fuzzy distance %d is not 1 or 2: %w", q.Distance, ErrBadQuery)
		}
		return e.perField(q.Field, func(f string) ([]scored, bool, error) { return e.fuzzy(f, q.Word, q.Distance) })
	case And:
		return e.combine(q.Clauses, true)
	case Or:
		return e.combine(q.Clauses, false)
	case Not:
		return e.combine([]Query{q}, true)
	case Optional:
		return e.eval(q.Query)
	case required:
		return e.eval(q.Query)
	case nil:
		return nil, false, fmt.Errorf("invindex: nil query: %w", ErrBadQuery)
	}
	return nil, false, fmt.Errorf("invindex: unknown query type %T: %w", q, ErrBadQuery)
}

// perField runs fn on one field, or on every searched field and unions
// the results (scores add up, so a word in title and body counts twice).
func (e *evaluator) perField(field string, fn func(string) ([]scored, bool, error)) ([]scored, bool, error) {
	fields := e.fields
	if field != "" {
		fields = []string{field}
	}
	var out []scored
	allNeutral := true
	for _, f := range fields {
		hits, neutral, err := fn(f)
		if err != nil {
			return nil, false, err
		}
		if !neutral {
			allNeutral = false
		}
		out = union(out, hits)
	}
	return out, allNeutral && len(fields) > 0, nil
}

func (e *evaluator) combine(clauses []Query, and bool) ([]scored, bool, error) {
	var acc, minus, bonus []scored
	positives, negatives := 0, 0
	if and {
		var err error
		if clauses, positives, acc, err = e.termConjunction(clauses); err != nil {
			return nil, false, err
		}
	}
	for _, c := range clauses {
		inner, isNot := c.(Not)
		opt, isOpt := c.(Optional)
		target := c
		if isNot {
			target = inner.Query
		}
		if isOpt {
			target = opt.Query
		}
		hits, neutral, err := e.eval(target)
		if err != nil {
			return nil, false, err
		}
		switch {
		case neutral:
		case isNot:
			negatives++
			minus = union(minus, hits)
		case isOpt:
			bonus = union(bonus, hits)
		case positives == 0:
			positives++
			acc = hits
		case and:
			positives++
			acc = intersect(acc, hits)
		default:
			positives++
			acc = union(acc, hits)
		}
	}
	if positives == 0 && negatives == 0 {
		return nil, true, nil
	}
	if positives == 0 {
		all, err := e.universe()
		if err != nil {
			return nil, false, err
		}
		acc = all
	}
	acc = difference(acc, minus)
	if bonus != nil {
		acc = addScores(acc, bonus)
	}
	return acc, false, nil
}

// termConjunction evaluates the plain single-field terms among an And's
// clauses as one intersection, rarest term first, and returns the other
// clauses, how many terms it used and their intersection.
func (e *evaluator) termConjunction(clauses []Query) (rest []Query, n int, acc []scored, err error) {
	var lists []*termList
	for _, c := range clauses {
		t, ok := c.(Term)
		if !ok || t.Field == "" && len(e.fields) != 1 {
			rest = append(rest, c)
			continue
		}
		word := e.x.an.Term(t.Word)
		if word == "" {
			continue // a stop word: neutral
		}
		field := t.Field
		if field == "" {
			field = e.fields[0]
		}
		l, err := e.load(field, word)
		if err != nil {
			return nil, 0, nil, err
		}
		lists = append(lists, l)
	}
	if len(lists) == 0 {
		return rest, 0, nil, nil
	}
	acc, err = conjunction(lists)
	return rest, len(lists), acc, err
}

// universe is every live document, with score 0.
func (e *evaluator) universe() ([]scored, error) {
	if e.live == nil {
		m, err := e.x.readMeta(e.txn)
		if err != nil {
			return nil, err
		}
		e.live = m.live
	}
	out := make([]scored, 0, e.live.Cardinality())
	e.live.ForEach(func(d uint32) bool { out = append(out, scored{doc: d}); return true })
	return out, nil
}

// fieldStats returns (documents with the field, average length).
func (e *evaluator) fieldStats(field string) (float64, float64, error) {
	if s, ok := e.stats[field]; ok {
		return s[0], s[1], nil
	}
	st, err := e.x.readFieldStats(e.txn, field)
	if err != nil {
		return 0, 0, err
	}
	docs, tokens := st.docs, st.tokens
	avg := 1.0
	if docs > 0 {
		avg = float64(tokens) / float64(docs)
	}
	e.stats[field] = [2]float64{float64(docs), avg}
	return float64(docs), avg, nil
}

func (e *evaluator) boost(field string) float64 {
	if b, ok := e.opts.Boosts[field]; ok {
		return b
	}
	return 1
}

// bm25 scores one posting.
func bm25(idf, tf, length, avg float64) float64 {
	return idf * tf * (bm25K1 + 1) / (tf + bm25K1*(1-bm25B+bm25B*length/avg))
}

func idf(n, df float64) float64 { return math.Log(1 + (n-df+0.5)/(df+0.5)) }

// term scores the documents holding term in field.
func (e *evaluator) term(field, term string) ([]scored, bool, error) {
	l, err := e.load(field, term)
	if err != nil || l.df == 0 {
		return nil, false, err
	}
	hits, err := l.all()
	return hits, false, err
}

// phrase matches documents where the analyzed terms of text appear at
// the same relative positions; the score is the sum of the terms'. It
// first intersects the terms' documents (rarest first), then decodes
// positions only for the documents left.
func (e *evaluator) phrase(field, text string) ([]scored, bool, error) {
	toks := e.x.an.Analyze(text)
	if len(toks) == 0 {
		return nil, true, nil
	}
	lists := make([]*termList, len(toks))
	for i, t := range toks {
		l, err := e.load(field, t.Term)
		if err != nil || l.df == 0 {
			return nil, false, err
		}
		lists[i] = l
	}
	acc, err := conjunction(slices.Clone(lists))
	if err != nil || len(acc) == 0 || len(toks) == 1 {
		return acc, false, err
	}
	pos := make([][][]uint32, len(toks)) // pos[token][candidate] = positions
	for i, l := range lists {
		if pos[i], err = l.positions(acc); err != nil {
			return nil, false, err
		}
	}
	out := acc[:0]
	for c, s := range acc {
		if phraseAt(c, toks, pos) {
			out = append(out, s)
		}
	}
	return out, false, nil
}

// phraseAt reports whether candidate c has token i at start+offset(i)
// for some start, for every token of the phrase.
func phraseAt(c int, toks []Token, pos [][][]uint32) bool {
	for _, start := range pos[0][c] {
		ok := true
		for i := 1; i < len(toks) && ok; i++ {
			want := start + toks[i].Pos - toks[0].Pos
			_, ok = slices.BinarySearch(pos[i][c], want)
		}
		if ok {
			return true
		}
	}
	return false
}

// fuzzy unions the terms of field within dist edits of the analyzed
// word, each scored as a term query scaled by 1/(1+edits) (an exact match
// scores fully), keeping a document's best.
func (e *evaluator) fuzzy(field, word string, dist int) ([]scored, bool, error) {
	target := e.x.an.Term(word)
	if target == "" {
		return nil, true, nil
	}
	prefix := e.x.keys.dictPrefix(field)
	it := e.txn.Scan(prefix, prefixEnd(prefix))
	type match struct {
		term  string
		edits int
	}
	var matches []match
	for it.Next() {
		t := string(it.Key()[len(prefix):])
		if d := editDistance(target, t, dist); d <= dist {
			matches = append(matches, match{t, d})
		}
	}
	err := it.Err()
	it.Close()
	if err != nil {
		return nil, false, err
	}
	var out []scored
	for _, m := range matches {
		hits, _, err := e.term(field, m.term)
		if err != nil {
			return nil, false, err
		}
		for i := range hits {
			hits[i].score /= float64(1 + m.edits)
		}
		out = unionMax(out, hits)
	}
	return out, false, nil
}
