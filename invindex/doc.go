// Package invindex is a full-text inverted index persisted through mvcc:
// an analyzer (Unicode word splitting, lowercasing, English stop words,
// the Porter stemmer), positional postings compressed with deltas and
// varints, BM25 ranking, boolean, phrase and fuzzy queries, field boosts,
// and top-k selection with a heap.
//
// Uses: mvcc, bitmap. Used by: model/document (full-text indexes of
// collections), server (POST .../search through model/document).
//
//	x, _ := invindex.Open(db, "articles", invindex.Options{})
//	_ = x.Add(invindex.Doc{ID: "a1", Fields: map[string]string{"title": "...", "body": "..."}})
//	r, _ := x.SearchString(`+storage "write ahead" -btree compacton~1`,
//	        invindex.SearchOptions{Limit: 10, Boosts: map[string]float64{"title": 2}})
//	_ = x.Delete("a1")
//	// AddTxn / DeleteTxn / SearchTxn do the same inside a caller's mvcc.Txn
//
// # Layout
//
// An index owns the mvcc keys starting "fts" 0x00 name 0x00 (P below):
//
//	P 'm'                          -> next docnum:4 BE | live docnums (bitmap.MarshalBinary)
//	P 'd' id                       -> num:4 | fields:uv | fields × (name:str | length:uv | terms:uv | terms × str)
//	P 'n' docnum:4 BE              -> id
//	P 's' field                    -> docs with the field:uv | tokens in the field:uv
//	P 't' field 0x00 term          -> last block: base:4 BE | last doc:4 BE | count:2 BE
//	P 'p' field 0x00 term 0x00 base:4 BE -> posting block (below)
//
//	block: | count:uv | count × ( doc-prev:uv | length:uv | tf:uv | tf × pos-prev:uv ) |
//
// (uv is an unsigned varint, str is uv length + bytes.) Documents get
// increasing 32-bit numbers; prev starts at the block's base for document
// numbers and at 0 for each posting's positions. A posting carries the
// field length so BM25 needs no per-document lookup. A term's blocks sort
// by base, hold at most 128 postings, and cover disjoint, increasing
// number ranges; new documents are appended to the term's last block
// while it has room, so indexing in batches rewrites few blocks.
//
// # Invariants
//
//   - Every write (Add, Delete, and the Txn forms) is one mvcc transaction,
//     so searches see whole batches or nothing. Replacing a document deletes
//     its postings (found through its 'd' record) and indexes it under a new
//     number.
//   - A term has a 't' entry exactly when it has blocks, and the entry
//     describes its last block (appends extend that block's bytes without
//     decoding it); document frequency is counted from the blocks at query
//     time. The 's' counts equal the sums over live documents; the 'm'
//     bitmap holds exactly the numbers with an 'n' key. Deleting every
//     document leaves only the 'm' key (tested).
//   - Query semantics: And and Or ignore clauses that analyze to nothing
//     (stop words); Not clauses subtract; a query of only Not clauses is
//     the complement within the live documents. Scores add across clauses
//     and fields; ties in the top k go to the older document.
//   - Decoders of stored records return *CorruptionError (ErrCorrupt) and
//     never panic (fuzzed).
//
// # Scoring
//
// BM25 with k1 = 1.2, b = 0.75 and idf = ln(1 + (N - df + 0.5)/(df + 0.5)),
// per field (N and average length are the field's), times the field's
// boost. A phrase scores the sum of its terms; a fuzzy term scores
// term-score / (1 + edits), a document keeping its best match.
//
// # Query syntax (ParseQuery)
//
//	word  field:word  "a phrase"  word~1  word~2 (word~ = 2)
//	a AND b   a OR b   a b (= OR)   NOT a   -a   +a (required)   ( ... )
//
// # Simplifications
//
//   - Writers of one index conflict on its 'm' and 's' keys; writes are
//     retried (up to 16 times) rather than merged, so concurrent
//     single-document writes to one index serialize.
//   - The live-documents bitmap is rewritten whole by every write: cheap
//     for a few million documents, not beyond.
//   - Deleting a document rewrites one block per distinct term it had;
//     blocks left small by deletes are never merged.
//   - Fuzzy terms scan the field's whole term dictionary (no automaton or
//     n-gram index); edit distance is Levenshtein, so a transposition
//     counts as two edits.
//   - Phrase queries load the positions of every candidate of each term
//     into memory; no skip lists inside blocks, no early termination
//     (WAND/MaxScore): a query scores every matching document.
//   - Posting lists are delta-encoded blocks merged as sorted lists; they
//     are not bitmaps (bitmap holds only the set of live documents), so
//     AND/OR of very common terms costs O(postings) rather than word-wide
//     bitmap operations.
//   - The stemmer is English only; other languages are lowercased and
//     split but not stemmed.
//
// # Tests
//
// Table tests for the analyzer, the stemmer (vectors from Porter's
// paper), the parser, queries on a small corpus and a hand-computed BM25
// score; a model test of random adds, replaces and deletes with boolean
// and phrase queries checked against an oracle (seed logged, AEGIS_SEED
// to replay, AEGIS_LONG=1 for 5,000 steps); fuzz targets FuzzDecodeBlock
// and FuzzDecodeDoc with seeds in testdata/fuzz. Search quality and
// benchmarks against bleve are in bench/searchbench.
package invindex
