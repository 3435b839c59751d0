package server

import (
	"math"
	"sync"
	"time"
)

// limiter is a set of token buckets, one per client IP: capacity perMinute
// tokens, refilled continuously at perMinute/60 per second. A request takes
// one token; an empty bucket answers 429.
type limiter struct {
	perMinute float64
	now       func() time.Time
	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
	limited   uint64 // requests refused
}

type bucket struct {
	tokens float64
	last   time.Time
}

// decision is what the X-RateLimit-* headers report.
type decision struct {
	allowed   bool
	limit     int
	remaining int
	reset     time.Time // when the bucket is full again
	retry     time.Duration
}

func newLimiter(perMinute int, now func() time.Time) *limiter {
	return &limiter{perMinute: float64(perMinute), now: now, buckets: map[string]*bucket{}}
}

func (l *limiter) take(ip string) decision {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	rate := l.perMinute / 60                // tokens per second
	if now.Sub(l.lastSweep) > time.Minute { // forget full buckets
		for k, b := range l.buckets {
			if b.tokens+now.Sub(b.last).Seconds()*rate >= l.perMinute {
				delete(l.buckets, k)
			}
		}
		l.lastSweep = now
	}
	b, ok := l.buckets[ip]
	if !ok {
		b = &bucket{tokens: l.perMinute, last: now}
		l.buckets[ip] = b
	}
	b.tokens = math.Min(l.perMinute, b.tokens+now.Sub(b.last).Seconds()*rate)
	b.last = now
	d := decision{limit: int(l.perMinute)}
	if b.tokens >= 1 {
		b.tokens--
		d.allowed = true
	} else {
		l.limited++
		d.retry = time.Duration((1 - b.tokens) / rate * float64(time.Second))
	}
	d.remaining = int(b.tokens)
	d.reset = now.Add(time.Duration((l.perMinute - b.tokens) / rate * float64(time.Second)))
	return d
}

func (l *limiter) refused() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.limited
}
