package optimizer

import (
	"bytes"
	"runtime"
	"slices"

	"github.com/aegisdb/aegis/model/keyenc"
	"github.com/aegisdb/aegis/model/table"
)

// Parallel scans. Reading rows out of MVCC and decoding them is most of
// what a scan-heavy query costs, and it is the same work for every key
// range, so a big table scan is cut into key ranges read by one goroutine
// each (the executor merges their batches as they come). The pieces come
// back in no particular order, so only a scan whose consumers do not care
// about order is split: one below an aggregate, a sort or DISTINCT,
// through filters, projections and joins. The cut points are quantiles of
// the first primary-key column's ANALYZE histogram, so a table never
// analyzed is read serially.

const (
	// parallelMinRows: below this many rows read (the scan's cost), the goroutines and the hand-off
	// of batches cost more than they save.
	parallelMinRows = 100_000
)

// MaxScanWorkers caps how many goroutines read one scan; the cap is also
// GOMAXPROCS. 1 (the default) reads every scan serially, in key order.
// Split scans are opt-in because on the 2-vCPU machine where they were
// measured two scan goroutines mostly ran at half speed each (the vCPUs
// behave like two hyperthreads of one core): twice the CPU for the same
// wall time, with a 1.6x gain only in some quiet moments
// (docs/benchmarks.md). Set it to the number of physical cores where they
// are real, before planning, not while queries are being planned.
var MaxScanWorkers = 1

// scanWorkers is how many key ranges a parallel scan is cut into.
func scanWorkers() int { return min(runtime.GOMAXPROCS(0), MaxScanWorkers) }

// parallelize marks the scans under n that may run in parallel. orderFree
// says that nothing above n depends on the order of its rows.
func (o *optimizer) parallelize(n Node, orderFree bool) {
	switch x := n.(type) {
	case *Scan:
		if orderFree {
			x.Splits = o.scanSplits(x)
		}
		return
	case *Aggregate, *Sort, *Distinct:
		orderFree = true
	case *Filter, *Project, *Join:
		// Order-preserving only; they pass the ancestors' freedom on.
	default:
		orderFree = false
	}
	for _, in := range n.Inputs() {
		if !isProbed(n, in) { // indexjoin.go: probed by key, never scanned whole
			o.parallelize(in, orderFree)
		}
	}
}

// scanSplits returns the keys at which s is cut into ranges read
// concurrently, or nil when it is read by one goroutine.
func (o *optimizer) scanSplits(s *Scan) [][]byte {
	workers := scanWorkers()
	if workers < 2 || s.Index != nil || s.Bitmap != nil || s.Reverse || s.Est().Cost < parallelMinRows ||
		(s.Filter != nil && hasSubquery(s.Filter)) || len(s.Table.Primary.Columns) == 0 {
		return nil
	}
	cs := columnStats(o.tableStats(s.Table), s.Table.Primary.Columns[0])
	if cs == nil || len(cs.Histogram) < workers {
		return nil
	}
	prefix := table.IndexPrefix(s.Table.ID, s.Table.Primary.ID)
	lower, upper := s.Lower, s.Upper
	if lower == nil {
		lower = prefix
	}
	if upper == nil {
		upper = keyenc.PrefixEnd(prefix)
	}
	var splits [][]byte
	for k := 1; k < workers; k++ {
		h := cs.Histogram[k*len(cs.Histogram)/workers-1]
		if h.Null {
			continue
		}
		key := table.AppendDatum(slices.Clone(prefix), h, s.Table.Primary.Descending(0))
		if bytes.Compare(key, lower) > 0 && bytes.Compare(key, upper) < 0 {
			splits = append(splits, key)
		}
	}
	slices.SortFunc(splits, bytes.Compare)
	return slices.CompactFunc(splits, bytes.Equal)
}
