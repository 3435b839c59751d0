// Package testutil holds helpers shared by tests: a logged random seed
// and a settable clock.
//
// Uses: nothing of the module. Used by: tests of gorilla, bitmap,
// invindex, model/document, model/timeseries, model/stream, and
// engine/enginetest.
//
// Invariant: Seed always logs the seed it returns, so every randomized
// failure can be replayed with AEGIS_SEED=<n>.
//
// Simplifications: none worth naming; it is test scaffolding.
package testutil
