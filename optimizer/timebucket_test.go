package optimizer

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestParseInterval(t *testing.T) {
	good := map[string]time.Duration{
		"1 microsecond": time.Microsecond, "7 us": 7 * time.Microsecond,
		"250 ms": 250 * time.Millisecond, "1 millisecond": time.Millisecond,
		"10 seconds": 10 * time.Second, "1 second": time.Second, "10s": 10 * time.Second, "3 sec": 3 * time.Second,
		"5 minutes": 5 * time.Minute, "1 minute": time.Minute, "1m": time.Minute, "15 MIN": 15 * time.Minute,
		"1 hour": time.Hour, "2 hours": 2 * time.Hour, "1h": time.Hour,
		"1 day": 24 * time.Hour, "3 days": 72 * time.Hour,
		"1 week": 7 * 24 * time.Hour, "2w": 14 * 24 * time.Hour,
		"1 hour 30 minutes": 90 * time.Minute, "  1h30m ": 90 * time.Minute,
	}
	for in, want := range good {
		got, err := ParseInterval(in)
		if err != nil || got != want.Microseconds() {
			t.Errorf("ParseInterval(%q) = %d, %v; want %d", in, got, err, want.Microseconds())
		}
	}
	bad := map[string]string{
		"":                       "empty",
		"hour":                   "whole number",
		"5":                      "no unit",
		"5 fortnights":           `unknown unit "fortnights"`,
		"1 month":                "no fixed width",
		"2 years":                "no fixed width",
		"0 seconds":              "must be positive",
		"-5 minutes":             "whole number",
		"1.5 hours":              "numbers are whole",
		"99999999999999999999 s": "too large",
		"9223372036854775 days":  "too large",
	}
	for in, want := range bad {
		_, err := ParseInterval(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseInterval(%q) err = %v; want it to mention %q", in, err, want)
		}
	}
}

func TestTimeBucket(t *testing.T) {
	us := func(s string) int64 {
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm.UnixMicro()
	}
	const (
		sec  = int64(time.Second / time.Microsecond)
		min  = 60 * sec
		hour = 60 * min
		day  = 24 * hour
		week = 7 * day
	)
	cases := []struct {
		width   int64
		ts, out string
	}{
		{1, "2026-01-01T10:17:03.123456Z", "2026-01-01T10:17:03.123456Z"},
		{1000, "2026-01-01T10:17:03.123456Z", "2026-01-01T10:17:03.123Z"},
		{10 * sec, "2026-01-01T10:17:03.5Z", "2026-01-01T10:17:00Z"},
		{5 * min, "2026-01-01T10:17:03Z", "2026-01-01T10:15:00Z"},
		{5 * min, "2026-01-01T10:15:00Z", "2026-01-01T10:15:00Z"},        // exact boundary stays
		{5 * min, "2026-01-01T10:14:59.999999Z", "2026-01-01T10:10:00Z"}, // one tick before it
		{hour, "2026-01-01T23:59:59.999999Z", "2026-01-01T23:00:00Z"},
		{day, "2026-03-15T12:00:00Z", "2026-03-15T00:00:00Z"},
		{week, "2026-01-01T00:00:00Z", "2025-12-29T00:00:00Z"}, // a Thursday; weeks start on Mondays
		{week, "2000-01-03T00:00:00Z", "2000-01-03T00:00:00Z"}, // the origin
		{7 * hour, "2000-01-03T06:59:59Z", "2000-01-03T00:00:00Z"},
		{7 * hour, "2000-01-02T23:00:00Z", "2000-01-02T17:00:00Z"}, // before the origin
		// Before the Unix epoch: buckets floor towards the past.
		{hour, "1969-12-31T23:30:00Z", "1969-12-31T23:00:00Z"},
		{hour, "1969-12-31T23:00:00Z", "1969-12-31T23:00:00Z"},
		{day, "1900-06-01T05:00:00Z", "1900-06-01T00:00:00Z"},
		{10 * sec, "1969-12-31T23:59:59.999999Z", "1969-12-31T23:59:50Z"},
	}
	for _, c := range cases {
		got, ok := TimeBucket(c.width, us(c.ts))
		if want := us(c.out); !ok || got != want {
			t.Errorf("TimeBucket(%d, %s) = %s, %v; want %s", c.width, c.ts,
				time.UnixMicro(got).UTC().Format(time.RFC3339Nano), ok, c.out)
		}
	}
	// Every result is a bucket start at or before ts, less than a width away.
	for _, w := range []int64{1, 7, sec, 13 * sec, min, hour, 5 * hour, day, week} {
		for _, ts := range []int64{0, -1, 1, math.MaxInt64, math.MinInt64 + week, -123456789012345, 987654321098765} {
			b, ok := TimeBucket(w, ts)
			if !ok || b > ts || uint64(ts)-uint64(b) >= uint64(w) || (b%w-timeBucketOrigin%w)%w != 0 {
				t.Errorf("TimeBucket(%d, %d) = %d, %v", w, ts, b, ok)
			}
		}
	}
	// A bucket starting before the smallest timestamp is refused.
	if _, ok := TimeBucket(week, math.MinInt64); ok {
		t.Errorf("TimeBucket(week, MinInt64) should not fit")
	}
}
