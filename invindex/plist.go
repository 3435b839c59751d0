package invindex

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"slices"
)

var errOverlap = errors.New("block starts at or before the previous block's last document")

// termList is one term's posting blocks in one field, loaded for a
// query: the headers are parsed, so the document frequency (for idf and
// for ordering an intersection rarest first) is known before any
// posting is decoded, and a block that cannot hold a candidate is
// skipped without decoding.
type termList struct {
	prefix []byte // the blocks' key prefix, for errors
	blocks []block
	df     int
	score  termScorer
}

// termScorer is BM25 for one term in one field.
type termScorer struct{ idf, avg, boost float64 }

func (s termScorer) of(tf, length uint32) float64 {
	return s.boost * bm25(s.idf, float64(tf), float64(length), s.avg)
}

// load reads the blocks of (field, term). Their values are copied,
// since an iterator's values last only until its next step, into slabs
// that are never regrown (so nothing is copied twice).
func (e *evaluator) load(field, term string) (*termList, error) {
	n, avg, err := e.fieldStats(field)
	if err != nil {
		return nil, err
	}
	l := &termList{prefix: e.x.keys.post(field, term)}
	it := e.txn.Scan(l.prefix, prefixEnd(l.prefix))
	defer it.Close()
	var slab []byte
	next := 4 << 10 // slabs double: small terms stay cheap, long ones take few
	for it.Next() {
		key, v := it.Key(), it.Value()
		if len(key) != len(l.prefix)+4 {
			return nil, &CorruptionError{Key: bytes.Clone(key), Reason: "block key has no 4-byte base"}
		}
		if cap(slab)-len(slab) < len(v) {
			slab = make([]byte, 0, max(len(v), next))
			next = min(2*next, maxSlab)
		}
		from := len(slab)
		slab = append(slab, v...)
		base := binary.BigEndian.Uint32(key[len(l.prefix):])
		b, err := parseBlock(base, slab[from:len(slab):len(slab)])
		if err == nil && len(l.blocks) > 0 && b.base <= l.blocks[len(l.blocks)-1].last {
			err = errOverlap
		}
		if err != nil {
			return nil, l.corrupt(base, err)
		}
		l.blocks = append(l.blocks, b)
		l.df += b.count
	}
	if err := it.Err(); err != nil {
		return nil, err
	}
	l.score = termScorer{idf: idf(n, float64(l.df)), avg: avg, boost: e.boost(field)}
	return l, nil
}

// maxSlab bounds the buffers a query copies blocks into.
const maxSlab = 256 << 10

func (l *termList) corrupt(base uint32, err error) error {
	return &CorruptionError{Key: binary.BigEndian.AppendUint32(bytes.Clone(l.prefix), base), Reason: err.Error()}
}

// all scores every posting of the list.
func (l *termList) all() ([]scored, error) {
	out := make([]scored, 0, l.df)
	var p posting
	for _, b := range l.blocks {
		r := newDocReader(b)
		for r.next(&p) {
			out = append(out, scored{p.doc, l.score.of(p.tf, p.length)})
		}
		if r.err != nil {
			return nil, l.corrupt(b.base, r.err)
		}
	}
	return out, nil
}

// within keeps the documents of acc that the list holds, adding the
// term's score to theirs. It reuses acc's array. Blocks whose document
// range holds no candidate are skipped, and a block is decoded only up
// to its last candidate.
func (l *termList) within(acc []scored) ([]scored, error) {
	k := 0
	err := l.candidateBlocks(acc, func(b block, j int) (int, error) {
		r := newDocReader(b)
		for j < len(acc) && acc[j].doc <= b.last && r.nextDoc() {
			for j < len(acc) && acc[j].doc < r.doc {
				j++
			}
			if j < len(acc) && acc[j].doc == r.doc {
				length, tf, ok := r.freq()
				if !ok {
					break
				}
				acc[k] = scored{r.doc, acc[j].score + l.score.of(tf, length)}
				k++
				j++
			}
		}
		return j, r.err
	})
	if err != nil {
		return nil, err
	}
	return acc[:k], nil
}

// positions returns, for each document of docs (all of which the list
// holds), the term's positions in it; the positions of other documents
// are stepped over undecoded.
func (l *termList) positions(docs []scored) ([][]uint32, error) {
	out := make([][]uint32, len(docs))
	var arena []uint32
	var p posting
	err := l.candidateBlocks(docs, func(b block, j int) (int, error) {
		r, pr := newDocReader(b), posReader{data: b.pos}
		for j < len(docs) && docs[j].doc <= b.last && pr.err == nil && r.next(&p) {
			if docs[j].doc != p.doc {
				pr.skip(p.tf)
				continue
			}
			from := len(arena)
			arena = pr.read(arena, p.tf)
			out[j] = arena[from:len(arena):len(arena)]
			j++
		}
		return j, cmp.Or(r.err, pr.err)
	})
	return out, err
}

// candidateBlocks calls visit for each block whose document range holds
// documents of docs, with the index of the first of them; visit returns
// the index of the first document it did not consume.
func (l *termList) candidateBlocks(docs []scored, visit func(b block, j int) (int, error)) error {
	j := 0
	for _, b := range l.blocks {
		for j < len(docs) && docs[j].doc < b.base {
			j++
		}
		if j == len(docs) {
			return nil
		}
		if docs[j].doc > b.last {
			continue
		}
		var err error
		if j, err = visit(b, j); err != nil {
			return l.corrupt(b.base, err)
		}
	}
	return nil
}

// conjunction intersects the lists rarest first, so the candidates
// shrink as early as possible and the common terms are mostly skipped.
func conjunction(lists []*termList) ([]scored, error) {
	slices.SortStableFunc(lists, func(a, b *termList) int { return cmp.Compare(a.df, b.df) })
	acc, err := lists[0].all()
	for _, l := range lists[1:] {
		if err != nil || len(acc) == 0 {
			break
		}
		acc, err = l.within(acc)
	}
	return acc, err
}
