// Package modeltest opens throwaway databases for the data models' tests
// and benchmarks.
//
// Uses: engine (and every backend, through engine/backends), mvcc. Used
// by: tests of model/timeseries and model/stream.
//
// Invariant: everything it opens is closed by the test's Cleanup, DB
// before engine.
//
// Simplifications: the DB never garbage-collects in the background
// (GCInterval -1), so tests see no GC side effects.
package modeltest
