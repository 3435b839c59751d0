package testutil

import (
	"os"
	"strconv"
	"sync"
	"testing"
	"time"
)

// Seed returns AEGIS_SEED when set, else a fresh seed, and logs it.
func Seed(t testing.TB) uint64 {
	t.Helper()
	if s := os.Getenv("AEGIS_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("AEGIS_SEED=%q: %v", s, err)
		}
		t.Logf("seed %d from AEGIS_SEED", v)
		return v
	}
	v := uint64(time.Now().UnixNano())
	t.Logf("seed %d (replay with AEGIS_SEED=%d)", v, v)
	return v
}

// Long reports whether AEGIS_LONG asks for long runs.
func Long() bool { return os.Getenv("AEGIS_LONG") != "" }

// Clock is a fake clock that moves only when told.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock reading t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}
