package loop

import (
	"sync"
	"sync/atomic"
	"time"
)

// Loop is a running periodic function.
type Loop struct {
	stop chan struct{}
	done chan struct{}
	once sync.Once
}

// Start calls fn every interval in a new goroutine.
func Start(interval time.Duration, fn func()) *Loop {
	l := &Loop{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(l.done)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-l.stop:
				return
			case <-tick.C:
				fn()
			}
		}
	}()
	return l
}

// Stop ends the loop and waits for a running fn to return. It is safe to
// call more than once, and on a nil Loop.
func (l *Loop) Stop() {
	if l == nil {
		return
	}
	l.once.Do(func() {
		close(l.stop)
		<-l.done
	})
}

// Maintain starts fn every interval, counting its errors in errs; it
// returns nil (a Loop whose Stop does nothing) when interval is not
// positive, which is how the models turn background work off.
func Maintain(interval time.Duration, fn func() error, errs *atomic.Uint64) *Loop {
	if interval <= 0 {
		return nil
	}
	return Start(interval, func() {
		if err := fn(); err != nil {
			errs.Add(1)
		}
	})
}
