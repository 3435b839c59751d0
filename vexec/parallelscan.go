package vexec

import (
	"sync"

	"github.com/aegisdb/aegis/model/table"
	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/optimizer"
)

// parallelScan reads a scan's key ranges (cut at Scan.Splits) with one
// goroutine each. Every worker has its own scanner, filter and two groups
// of batches: it fills one group while the consumer reads the other, and
// a group goes back to its worker when the consumer has read all of it,
// so no rows are copied on the way. Batches travel in groups because each
// hand-over can wake a sleeping goroutine, and a wake-up per 1,024-row
// batch cost about as much CPU as the second core saved. Groups arrive in
// whatever order the workers finish them; the optimizer splits only scans
// whose consumers do not care.
//
// The scanners are created before any goroutine starts: the transaction
// registers a scan's range when it is opened, and a transaction is not
// safe for concurrent use. After that a forward scanner reads only its
// own iterator.
type parallelScan struct {
	out     chan scanResult
	done    chan struct{}
	wg      sync.WaitGroup
	workers []*scanWorker
	active  int
	held    scanResult // the group the consumer is reading
	nextAt  int        // the next batch of held to return
	err     error
}

// batchesPerGroup is how many filled batches a worker hands over at once.
const batchesPerGroup = 8

type scanWorker struct {
	sc     *table.Scanner
	filter evaluator
	free   chan []*scanBatch // groups the consumer has finished with
}

// scanResult is one message from a worker: a group of filled batches, an
// error, or (neither) the end of its range.
type scanResult struct {
	w      *scanWorker
	group  []*scanBatch // the whole group, returned to w when read
	filled []*types.Batch
	err    error
}

func startParallelScan(ctx *Context, n *optimizer.Scan) *parallelScan {
	p := &parallelScan{done: make(chan struct{})}
	ranges := len(n.Splits) + 1
	p.out = make(chan scanResult, 2*ranges)
	for i := range ranges {
		lower, upper := n.Lower, n.Upper
		if i > 0 {
			lower = n.Splits[i-1]
		}
		if i < len(n.Splits) {
			upper = n.Splits[i]
		}
		w := &scanWorker{
			filter: compile(n.Filter), // evaluators keep scratch state
			free:   make(chan []*scanBatch, 2),
		}
		var node *optimizer.Scan
		for range 2 {
			group := make([]*scanBatch, batchesPerGroup)
			for k := range group {
				group[k], node = newScanBatch(n)
			}
			w.free <- group
		}
		w.sc = table.NewScanner(ctx.Txn, node.Table, table.ScanOptions{
			Lower: lower, Upper: upper, Columns: node.Cols,
		})
		p.workers = append(p.workers, w)
	}
	p.active = len(p.workers)
	for _, w := range p.workers {
		p.wg.Add(1)
		go p.run(ctx, w)
	}
	return p
}

// run is a worker: it fills groups of batches until its range ends, an
// error stops it, or the consumer closes the scan.
func (p *parallelScan) run(ctx *Context, w *scanWorker) {
	defer p.wg.Done()
	var filled []*types.Batch
	for {
		var group []*scanBatch
		select {
		case group = <-w.free:
		case <-p.done:
			return
		}
		filled = make([]*types.Batch, 0, len(group))
		more := true
		for _, sb := range group {
			b, m, err := sb.fill(ctx, w.sc, w.filter)
			if err != nil {
				p.send(scanResult{w: w, err: err})
				return
			}
			if b != nil {
				filled = append(filled, b)
			}
			if more = m; !more {
				break
			}
		}
		if len(filled) > 0 && !p.send(scanResult{w: w, group: group, filled: filled}) {
			return
		}
		if !more {
			p.send(scanResult{w: w}) // the range is done
			return
		}
		if len(filled) == 0 {
			w.free <- group // nothing passed the filter: fill it again
		}
	}
}

// send hands a message to the consumer, or gives up when the scan is
// being closed.
func (p *parallelScan) send(r scanResult) bool {
	select {
	case p.out <- r:
		return true
	case <-p.done:
		return false
	}
}

func (p *parallelScan) next() (*types.Batch, error) {
	if p.err != nil {
		return nil, p.err
	}
	for {
		if p.nextAt < len(p.held.filled) {
			b := p.held.filled[p.nextAt]
			p.nextAt++
			return b, nil
		}
		if p.held.group != nil {
			p.held.w.free <- p.held.group // capacity 2: never blocks
			p.held = scanResult{}
		}
		if p.active == 0 {
			return nil, nil
		}
		r := <-p.out
		switch {
		case r.err != nil:
			p.err = r.err
			p.stop()
			return nil, r.err
		case r.group == nil:
			p.active--
		default:
			p.held, p.nextAt = r, 0
		}
	}
}

// stop ends the workers and closes their scanners; it is idempotent.
func (p *parallelScan) stop() {
	if p.workers == nil {
		return
	}
	close(p.done)
	p.wg.Wait()
	for _, w := range p.workers {
		w.sc.Close()
	}
	p.workers, p.active, p.held = nil, 0, scanResult{}
}
