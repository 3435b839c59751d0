// Package gorillabench compares the gorilla package with Prometheus's
// tsdb/chunkenc XOR chunks on the same deterministic data, in one run:
// bytes per point, encode and decode nanoseconds per point.
//
// Uses: gorilla, github.com/prometheus/prometheus/tsdb/chunkenc (peer, this
// module only). Used by: docs/benchmarks.md.
//
//	cd bench && go test ./gorillabench -run TestCompression -v   # bytes/point table
//	cd bench && go test ./gorillabench -run '^$' -bench . -benchtime 20000x -count 5
//	cd bench && go test ./gorillabench -run TestSpeed -speed -v        # interleaved medians
//
// Data sets (seed 1, 120 points per chunk as Prometheus cuts them, 1,000
// chunks each):
//
//	jitter-gauge  10 s interval with up to ±100 ms jitter, random-walk
//	              gauge with two decimals (steps of ±0.50)
//	counter       exact 10 s interval, monotonic integer counter
//	constant      exact 10 s interval, one constant value
//	random-float  10 s interval with jitter, values from a normal
//	              distribution (no decimal structure: XOR's worst case)
//
// TestSpeed (behind -speed) times the codecs in alternating rounds and
// prints medians: on a shared machine that is fairer than the Benchmark
// functions, which time each codec in its own stretch of seconds.
//
// The test asserts the compression targets, which are properties of the
// code on fixed data, not timings: plain Gorilla is no larger than
// chunkenc on every data set, and the decimal codec is at most half of
// chunkenc on the two-decimal gauge.
package gorillabench
