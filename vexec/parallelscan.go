package vexec

import (
	"sync"

	"github.com/aegisdb/aegis/model/table"
	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/optimizer"
)

// parallelScan reads a scan's key ranges (cut at Scan.Splits) with one
// goroutine each. Every worker has its own scanner, filter and two
// batches: it fills one while the consumer reads the other, and a batch
// goes back to its worker when the consumer asks for the next one, so no
// rows are copied on the way. Batches arrive in whatever order the
// workers finish them; the optimizer splits only scans whose consumers do
// not care.
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
	held    *scanResult // the batch the consumer has, returned on next
	err     error
}

type scanWorker struct {
	sc     *table.Scanner
	filter evaluator
	free   chan *scanBatch
}

// scanResult is one message from a worker: a batch, an error, or (both
// nil) the end of its range.
type scanResult struct {
	w     *scanWorker
	batch *scanBatch
	err   error
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
		first, node := newScanBatch(n)
		second, _ := newScanBatch(n)
		w := &scanWorker{
			sc: table.NewScanner(ctx.Txn, node.Table, table.ScanOptions{
				Lower: lower, Upper: upper, Columns: node.Cols,
			}),
			filter: compile(n.Filter), // evaluators keep scratch state
			free:   make(chan *scanBatch, 2),
		}
		w.free <- first
		w.free <- second
		p.workers = append(p.workers, w)
	}
	p.active = len(p.workers)
	for _, w := range p.workers {
		p.wg.Add(1)
		go p.run(ctx, w)
	}
	return p
}

// run is a worker: it fills free batches until its range ends, an error
// stops it, or the consumer closes the scan.
func (p *parallelScan) run(ctx *Context, w *scanWorker) {
	defer p.wg.Done()
	for {
		var sb *scanBatch
		select {
		case sb = <-w.free:
		case <-p.done:
			return
		}
		b, more, err := sb.fill(ctx, w.sc, w.filter)
		if err != nil {
			p.send(scanResult{w: w, err: err})
			return
		}
		if b != nil {
			if !p.send(scanResult{w: w, batch: sb}) {
				return
			}
			if more {
				continue
			}
		}
		p.send(scanResult{w: w}) // the range is done
		return
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
	if p.held != nil {
		p.held.w.free <- p.held.batch // capacity 2: never blocks
		p.held = nil
	}
	for p.active > 0 {
		r := <-p.out
		switch {
		case r.err != nil:
			p.err = r.err
			p.stop()
			return nil, r.err
		case r.batch == nil:
			p.active--
		default:
			p.held = &r
			return r.batch.b, nil
		}
	}
	return nil, nil
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
	p.workers, p.active, p.held = nil, 0, nil
}
