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
//	P 's' field                    -> docs with the field:uv | tokens in the field:uv | terms:uv
//	P 't' field 0x00 term          -> (empty: the term has blocks)
//	P 'p' field 0x00 term 0x00 base:4 BE -> posting block (below)
//
//	block: | count:uv | span:uv | docs-len:uv | freqs-len:uv |
//	       | docs: count × doc-prev:uv |
//	       | freqs: count × ( length:uv | tf:uv ) |
//	       | positions: count × tf × pos-prev:uv |
//
// (uv is an unsigned varint, str is uv length + bytes.) Documents get
// increasing 32-bit numbers; prev starts at the block's base for document
// numbers and at 0 for each posting's positions; the last document is
// base + span. A posting carries the field length so BM25 needs no
// per-document lookup. A term's blocks sort by base, hold at most 256
// postings and cover disjoint, increasing number ranges.
//
// The three sections let each query read only what it needs: a term
// query decodes docs and freqs, a conjunction decodes only the document
// numbers of its common terms and steps over the frequencies of the
// documents it drops, and a phrase reads positions only of the documents
// left after intersecting. The span lets a query skip a block with no
// candidate without decoding it.
//
// # Writing
//
// A write analyzes its documents into memory first (builder): words are
// numbered by the index's lexicon (an in-memory map from word to stemmed
// term, kept across writes, at most 2^20 words), postings are buffered
// flat per field in document order, grouped by term with a counting sort
// and encoded into blocks in one pass. Then:
//
//   - a write of 64 documents or more (a segment) puts each term's new
//     postings as blocks of their own, without reading the term's last
//     block: one put per term and 256 postings. Its only reads are the
//     meta and stats keys, the 'd' key of each id (replacement), and
//     which of its terms are new: by one walk of the field's dictionary
//     when the write holds at least 1/8 as many terms as the dictionary,
//     else by a read per term;
//   - a smaller write (the document store indexes one document per
//     insert) appends to each term's last block while it has room,
//     rewriting it, so single-document writes do not leave a block each.
//     The sections are spliced, not decoded (only the first appended
//     document delta is re-encoded); a block that would pass 256
//     postings is decoded and re-chunked. One-document adds of 50 words
//     into a 3,000-document index took 0.63 ms each against 0.80 ms
//     before this design (one run, throwaway benchmark, loaded machine).
//
// Before, every write appended to each term's last block, reading and
// rewriting it: a 1,000-document batch rewrote about 11,000 blocks, and
// each rewrite left an old version behind in mvcc.
//
// # Invariants
//
//   - Every write (Add, Delete, and the Txn forms) is one mvcc transaction,
//     so searches see whole batches or nothing. Replacing a document deletes
//     its postings (found through its 'd' record) and indexes it under a new
//     number.
//   - A term has a 't' entry exactly when it has blocks; the 's' term
//     count equals the field's 't' entries (tested after the model test).
//     Document frequency is the sum of the block headers' counts, known
//     before any posting is decoded. The 's' document and token counts
//     equal the sums over live documents; the 'm' bitmap holds exactly
//     the numbers with an 'n' key. Deleting every document leaves only
//     the 'm' key (tested).
//   - Query semantics: And and Or ignore clauses that analyze to nothing
//     (stop words); Not clauses subtract; a query of only Not clauses is
//     the complement within the live documents. Scores add across clauses
//     and fields; ties in the top k go to the older document.
//   - Decoders of stored records return *CorruptionError (ErrCorrupt) and
//     never panic (fuzzed); blocks that overlap their predecessor are
//     reported as corrupt.
//
// # Queries
//
// A term's blocks are loaded (values copied into slabs, headers parsed)
// before scoring. An And of plain single-field terms is intersected
// rarest term first: the rarest term is decoded whole, each further term
// only within blocks whose range holds a candidate and up to the last
// candidate. A phrase intersects its terms the same way, then decodes
// positions per term for the surviving documents only.
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
//   - Blocks are never merged: a segment write leaves the previous last
//     block of each term as small as it was, and deleting a document
//     rewrites one block per distinct term it had, leaving it smaller.
//     Many segment writes of few documents each therefore leave many
//     small blocks (a rare term may get one block per write); a
//     background merge of a term's small blocks is not written.
//   - The lexicon is per Index value and in memory only; changing the
//     analyzer through Analyzer() after writing is not supported.
//   - Fuzzy terms scan the field's whole term dictionary (no automaton or
//     n-gram index); edit distance is Levenshtein, so a transposition
//     counts as two edits.
//   - No skip lists inside blocks and no early termination (WAND/MaxScore):
//     a query scores every matching document. Intersections skip whole
//     blocks only, so two common terms still decode every document number
//     of the less rare one.
//   - Posting lists are delta-encoded blocks, not bitmaps (bitmap holds
//     only the set of live documents), so OR of very common terms costs
//     O(postings) rather than word-wide bitmap operations.
//   - Scores of an And of three or more terms are summed rarest first, so
//     they can differ from clause order in the last bit.
//   - The stemmer is English only; other languages are lowercased and
//     split but not stemmed.
//
// # Tests
//
// Table tests for the analyzer, the stemmer (vectors from Porter's
// paper), the parser, queries on a small corpus and a hand-computed BM25
// score; a model test of random adds, replaces and deletes with boolean
// and phrase queries checked against an oracle, run with segment writes
// and with a lexicon that fills up (seed logged, AEGIS_SEED to replay,
// AEGIS_LONG=1 for 5,000 steps); fuzz targets FuzzDecodeBlock
// and FuzzDecodeDoc with seeds in testdata/fuzz. Search quality and
// benchmarks against bleve are in bench/searchbench.
package invindex
