// Package document is the document data model: collections of JSON
// objects with generated ids and created/updated times, MongoDB-style
// filters on dot paths, sort/skip/limit/projection, secondary indexes on
// any field path (used by Find when they help), full-text indexes on
// chosen fields (through invindex), and optional JSON-Schema-like
// validation per collection.
//
// Uses: mvcc, invindex, model/keyenc. Used by: server (the
// /api/v1/documents routes).
//
//	s := document.New(db, document.Options{})
//	s.CreateCollection(document.Spec{Name: "users", Indexes: []string{"age"},
//	        TextFields: []string{"bio"}, Schema: schema})
//	d, _ := s.Insert("users", "", map[string]any{"name": "Ann", "age": 31.0})
//	r, _ := s.Find("users", document.Query{Filter: f, Sort: []string{"-age"}, Limit: 10})
//	hits, _ := s.Search("users", document.TextQuery{Query: "rust OR golang"})
//
// # Layout
//
// The model owns the mvcc keys starting "doc" 0x00:
//
//	"doc" 0x00 'c' name                         -> collection definition (JSON)
//	"doc" 0x00 'd' name 0x00 id                 -> document record
//	"doc" 0x00 'i' name 0x00 path 0x00 v id     -> empty (secondary index entry)
//	"fts" 0x00 "doc." name 0x00 ...             -> the full-text index (invindex)
//
//	record: | version:1 (=1) | created:8 BE unix ns | updated:8 BE unix ns | JSON object |
//
// v and id in an index key are keyenc encodings (order-preserving,
// self-delimiting): numbers as float64, strings, booleans. A document has
// one entry per distinct scalar value at the path, array elements
// included, so {"tags": ["a","b"]} is found under "a" and "b".
//
// # Invariants
//
//   - Every write of a document (Insert, Replace, Delete) changes the
//     record, its secondary index entries and its full-text postings in
//     one mvcc transaction: an index never disagrees with the records in
//     any snapshot. Conflicting writers are retried (16 times, then
//     ErrBusy).
//   - Find gives the same documents in the same order with or without
//     indexes (tested on random documents and filters): the index only
//     narrows the candidates, which are a superset of the matches, and
//     every candidate is tested against the whole filter. An index serves
//     top-level conditions only ($eq, $in, $gt, $gte, $lt, $lte with
//     scalar operands, also inside top-level $and); several are
//     intersected. Result.Scanned counts the documents tested.
//   - Filter semantics (see Filter): a condition on an array holds if it
//     holds for the array or any element; $eq null matches missing; $ne
//     and $nin are exact negations; ranges compare within one type only.
//   - Bad filters, schemas, names and documents return ErrBadFilter,
//     ErrBadSchema, ErrBadName, ErrBadDocument or *ValidationError, never
//     a panic (FuzzCompileFilter); stored records that do not decode
//     return *CorruptionError (FuzzDecodeDocument).
//
// # Simplifications
//
//   - Numbers are float64 (encoding/json's default): integers beyond 2^53
//     lose precision.
//   - Sort, skip and limit run in memory over every match; there is no
//     index-ordered scan and no streaming, so Find's memory is O(matches).
//   - The planner uses every applicable index and intersects them, with no
//     cost model; $or, $not and nested conditions always filter after the
//     index step (or a full scan).
//   - Updates replace the whole document: no $set/$inc update operators,
//     no upserts. No aggregation pipeline, no JSONPath beyond dot paths.
//   - Count scans the collection's keys (no stored counter, to keep
//     writers of one collection from conflicting on it).
//   - CreateIndex and CreateTextIndex backfill in one transaction, which
//     holds the whole collection's index entries in memory.
//   - Schemas support type, required, properties, additionalProperties
//     (boolean), items, enum, minimum, maximum, minLength, maxLength and
//     pattern; other JSON Schema keywords are rejected, not ignored.
//
// # Tests
//
// Operator-by-operator filter tables over documents with missing fields,
// nulls, arrays, objects and mixed types; schema tables; CRUD, sort,
// projection, index backfill and drop; a randomized test (seed logged,
// AEGIS_SEED to replay) comparing an indexed collection, an unindexed
// one and NoIndex on random documents and filters; full-text search with
// filters, updates and deletes; fuzz targets FuzzCompileFilter and
// FuzzDecodeDocument with seeds in testdata/fuzz.
package document
