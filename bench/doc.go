// Package bench holds the peer comparisons: AegisDB's backends measured in
// the same run as the Go engines people pick today (bbolt, pebble, badger,
// goleveldb).
//
// It is a Go module of its own so that the peers never enter the product's
// go.mod. Run it from this directory:
//
//	cd bench && go test -run '^$' -bench . ./...
//
// Each subpackage compares one backend with its peers on the same
// workloads; docs/benchmarks.md records the figures with their commands.
package bench
