package loop

import (
	"sync/atomic"
	"testing"
	"time"
)

func TestLoopRunsAndStops(t *testing.T) {
	var n atomic.Int64
	ran := make(chan struct{}, 1)
	l := Start(time.Millisecond, func() {
		n.Add(1)
		select {
		case ran <- struct{}{}:
		default:
		}
	})
	<-ran // waits for a run, however slow the machine
	l.Stop()
	after := n.Load()
	time.Sleep(5 * time.Millisecond)
	if n.Load() != after {
		t.Fatalf("fn ran after Stop returned")
	}
	l.Stop() // twice is fine
	var nilLoop *Loop
	nilLoop.Stop()
}
