// Package searchbench compares bitmap with github.com/RoaringBitmap/roaring
// and invindex with github.com/blevesearch/bleve/v2 in one run, and
// measures search quality on a small labelled set built by hand.
//
//	cd bench && go test -run '^$' -bench 'Index|Query' -benchtime 2s ./searchbench/   # speed and size
//	cd bench && go test -run '^$' -bench Bitmap -benchtime 1s ./searchbench/          # bitmaps vs roaring
//	cd bench && go test -run TestSearchQuality -v ./searchbench/          # precision@10 vs bleve
//
// The corpus of the speed benchmarks is generated (fixed seed): 100,000
// documents (AEGIS_BENCH_DOCS to change) with a title of 4..8 words and a
// body of 20..80 words drawn from a Zipf distribution over 20,000
// pseudo-words. bleve uses its "en" analyzer (lowercase, English stop
// words, Porter stemmer), like invindex; bleve runs its default scorch
// index in a temporary directory, invindex runs on mvcc over the memory
// engine. docs/benchmarks.md records the figures.
package searchbench
