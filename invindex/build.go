package invindex

import (
	"cmp"
	"slices"
	"sync"
)

// builder turns one write's documents into posting blocks in memory, so
// that the write then stores each term's new postings with one put per
// block instead of a read-modify-write per document and term. Postings
// are buffered flat, per field, in document order; at the end they are
// grouped by term with a counting sort and encoded term after term into
// one reused buffer. Words are numbered by the index's lexicon, so a
// word costs one map lookup and no allocation or stemming once the index
// has seen it.
type builder struct {
	docs   int // documents in the write, to size the buffers
	an     *Analyzer
	lex    *lexicon
	fields map[string]*fieldBuild
	toks   []wordTok // one field of one document, reused
}

type wordTok struct {
	term int32
	pos  uint32
}

// fieldBuild holds one field's new postings. Its terms are numbered
// densely in order of appearance.
type fieldBuild struct {
	local []int32          // lexicon number -> 1 + term number, 0 if not seen
	own   map[string]int32 // term -> term number, for terms not in the lexicon
	terms []string         // term number -> term
	ps    []flatPosting    // in document order
	pos   []uint32         // positions of every posting, in the same order
}

// flatPosting is a buffered posting; its positions are pos[off:off+tf].
type flatPosting struct {
	term                 int32
	doc, length, tf, off uint32
}

func newBuilder(an *Analyzer, lex *lexicon, docs int) *builder {
	return &builder{docs: docs, an: an, lex: lex, fields: map[string]*fieldBuild{}}
}

// add analyzes one field of document num (numbers increase from call to
// call) and buffers its postings. It returns the field's length in
// tokens and its distinct terms for the document record (nil when the
// field has no terms).
func (b *builder) add(num uint32, field, text string) (uint32, []string) {
	fb := b.fields[field]
	if fb == nil {
		fb = &fieldBuild{}
		b.fields[field] = fb
	}
	b.toks = b.toks[:0]
	lex := b.lex
	lex.mu.Lock()
	b.an.eachWord(text, func(w []byte, pos uint32) {
		gid, ok := lex.words[string(w)]
		if !ok {
			gid = lex.add(b.an, string(w))
		}
		var id int32
		if gid >= 0 {
			id = fb.termOf(gid, lex.terms[gid])
		} else {
			id = fb.ownTerm(lex, b.an.stem(string(w)))
		}
		b.toks = append(b.toks, wordTok{id, pos})
	})
	lex.mu.Unlock()
	if len(b.toks) == 0 {
		return 0, nil
	}
	length := uint32(len(b.toks))
	slices.SortFunc(b.toks, func(x, y wordTok) int {
		if c := cmp.Compare(x.term, y.term); c != 0 {
			return c
		}
		return cmp.Compare(x.pos, y.pos)
	})
	if fb.ps == nil {
		// size the buffers after the first document, with some slack,
		// rather than regrowing them through the whole write
		// (bounded: one long first document must not reserve gigabytes)
		n := min(b.docs*len(b.toks)*5/4, 1<<20)
		fb.ps, fb.pos = make([]flatPosting, 0, n), make([]uint32, 0, n)
	}
	terms := make([]string, 0, len(b.toks))
	for i := 0; i < len(b.toks); {
		id := b.toks[i].term
		off := uint32(len(fb.pos))
		for ; i < len(b.toks) && b.toks[i].term == id; i++ {
			fb.pos = append(fb.pos, b.toks[i].pos)
		}
		fb.ps = append(fb.ps, flatPosting{id, num, length, uint32(len(fb.pos)) - off, off})
		terms = append(terms, fb.terms[id])
	}
	return length, terms
}

// termOf returns the field's number for the term with lexicon number gid.
func (fb *fieldBuild) termOf(gid int32, term string) int32 {
	if int(gid) >= len(fb.local) {
		fb.local = append(fb.local, make([]int32, int(gid)+1-len(fb.local))...)
	}
	if fb.local[gid] == 0 {
		fb.terms = append(fb.terms, term)
		fb.local[gid] = int32(len(fb.terms))
	}
	return fb.local[gid] - 1
}

// ownTerm returns the field's number for a term met through a word the
// full lexicon could not take; the term itself may be in the lexicon.
func (fb *fieldBuild) ownTerm(lex *lexicon, term string) int32 {
	if gid, ok := lex.ids[term]; ok {
		return fb.termOf(gid, term)
	}
	if fb.own == nil {
		fb.own = map[string]int32{}
	}
	id, ok := fb.own[term]
	if !ok {
		id = int32(len(fb.terms))
		fb.own[term] = id
		fb.terms = append(fb.terms, term)
	}
	return id
}

func (a *Analyzer) stem(word string) string {
	if a.NoStem {
		return word
	}
	return Stem(word)
}

// lexicon numbers the words and terms an index has analyzed since it was
// opened, across writes and fields: the same words recur in every batch,
// and a lookup is much cheaper than stemming and building the maps anew.
// It lives in memory only and stops growing at lexiconMax words.
type lexicon struct {
	mu    sync.Mutex
	words map[string]int32 // word before stemming -> term's number
	ids   map[string]int32 // term -> number
	terms []string         // number -> term
	max   int              // words it takes; 0 means lexiconMax
}

const lexiconMax = 1 << 20

// add numbers a new word (the caller holds mu), or returns -1 when full.
func (l *lexicon) add(an *Analyzer, word string) int32 {
	if len(l.words) >= cmp.Or(l.max, lexiconMax) {
		return -1
	}
	if l.words == nil {
		l.words, l.ids = map[string]int32{}, map[string]int32{}
	}
	term := an.stem(word)
	id, ok := l.ids[term]
	if !ok {
		id = int32(len(l.terms))
		l.ids[term] = id
		l.terms = append(l.terms, term)
	}
	l.words[word] = id
	return id
}

// sortedFields returns the builder's fields in key order.
func (b *builder) sortedFields() []string {
	fields := make([]string, 0, len(b.fields))
	for f := range b.fields {
		fields = append(fields, f)
	}
	slices.Sort(fields)
	return fields
}

// sealed is an encoded block with the range of documents it covers.
type sealed struct {
	base, last uint32
	count      int
	value      []byte
}

// sortedTerms returns the field's term numbers in key order, and the
// terms in the same order.
func (fb *fieldBuild) sortedTerms() ([]int32, []string) {
	ids := make([]int32, len(fb.terms))
	for i := range ids {
		ids[i] = int32(i)
	}
	slices.SortFunc(ids, func(x, y int32) int { return cmp.Compare(fb.terms[x], fb.terms[y]) })
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = fb.terms[id]
	}
	return ids, names
}

// groups sorts the buffered postings by term (counting sort, stable, so
// each term's postings stay in document order) and returns them with
// each term's first index.
func (fb *fieldBuild) groups() (byTerm []flatPosting, start []int) {
	start = make([]int, len(fb.terms)+1)
	for _, p := range fb.ps {
		start[p.term+1]++
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	next := slices.Clone(start[:len(fb.terms)])
	byTerm = make([]flatPosting, len(fb.ps))
	for _, p := range fb.ps {
		byTerm[next[p.term]] = p
		next[p.term]++
	}
	return byTerm, start
}

// encoder encodes one term's postings at a time into blocks of at most
// maxBlock postings, reusing its buffers from term to term.
type encoder struct {
	w      blockWriter
	buf    []byte
	blocks []sealed
}

func (e *encoder) encode(fb *fieldBuild, ps []flatPosting) []sealed {
	e.buf, e.blocks = e.buf[:0], e.blocks[:0]
	for len(ps) > 0 {
		n := min(maxBlock, len(ps))
		e.w.start(ps[0].doc)
		for _, p := range ps[:n] {
			e.w.add(p.doc, p.length, fb.pos[p.off:p.off+p.tf])
		}
		from := len(e.buf)
		e.buf = e.w.appendTo(e.buf)
		e.blocks = append(e.blocks, sealed{e.w.base, e.w.last, e.w.count, nil})
		e.blocks[len(e.blocks)-1].value = e.buf[from:len(e.buf):len(e.buf)]
		ps = ps[n:]
	}
	// the buffer may have moved while growing: point every block into
	// its final backing array
	off := 0
	for i := range e.blocks {
		n := len(e.blocks[i].value)
		e.blocks[i].value = e.buf[off : off+n : off+n]
		off += n
	}
	return e.blocks
}
