// Package loop runs a function periodically in a goroutine until stopped:
// the background work of the data models (retention, downsampling,
// redelivery).
//
// Uses: nothing of the module. Used by: model/timeseries, model/stream.
//
// Invariant: after Stop returns, fn is not running and will not run again.
//
// Simplifications: a tick missed while fn runs is dropped (time.Ticker's
// behaviour), so fn never runs twice at once.
package loop
