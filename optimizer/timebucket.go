package optimizer

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"

	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/parser"
)

// time_bucket(interval, ts) floors a TIMESTAMP to the start of its
// bucket, as TimescaleDB does for fixed-width intervals: buckets are
// [origin + k*width, origin + (k+1)*width) with the origin at
// 2000-01-03 00:00:00 UTC (a Monday, so week buckets start on Mondays).
// For every width that divides a day the buckets are the same as buckets
// aligned on the Unix epoch, which is what model/timeseries aggregates
// over. The interval must be a constant string: it is parsed once, at
// bind time, into a width in microseconds that the Func's Eval closes
// over, so no row pays for parsing.

// timeBucketOrigin is 2000-01-03 00:00:00 UTC in microseconds.
const timeBucketOrigin = 946857600 * 1_000_000

// intervalUnits are the fixed-width units, in microseconds. Months and
// years have no fixed width and are refused.
var intervalUnits = map[string]int64{
	"microsecond": 1, "microseconds": 1, "us": 1, "usec": 1, "usecs": 1,
	"millisecond": 1_000, "milliseconds": 1_000, "ms": 1_000, "msec": 1_000, "msecs": 1_000,
	"second": 1_000_000, "seconds": 1_000_000, "s": 1_000_000, "sec": 1_000_000, "secs": 1_000_000,
	"minute": 60_000_000, "minutes": 60_000_000, "m": 60_000_000, "min": 60_000_000, "mins": 60_000_000,
	"hour": 3_600_000_000, "hours": 3_600_000_000, "h": 3_600_000_000, "hr": 3_600_000_000, "hrs": 3_600_000_000,
	"day": 86_400_000_000, "days": 86_400_000_000, "d": 86_400_000_000,
	"week": 604_800_000_000, "weeks": 604_800_000_000, "w": 604_800_000_000,
}

// ParseInterval reads a fixed-width interval such as "5 minutes", "1h",
// "1 hour 30 minutes" or "250 ms" into microseconds. Every part is a
// non-negative integer and a unit; the total must be positive.
func ParseInterval(s string) (int64, error) {
	rest := strings.TrimSpace(s)
	if rest == "" {
		return 0, fmt.Errorf("interval %q is empty (want e.g. '5 minutes')", s)
	}
	var total int64
	for rest != "" {
		i := strings.IndexFunc(rest, func(r rune) bool { return r < '0' || r > '9' })
		if i == 0 {
			return 0, fmt.Errorf("interval %q: expected a whole number at %q (numbers are whole, e.g. '5 minutes')", s, rest)
		}
		if i < 0 {
			return 0, fmt.Errorf("interval %q: number %s has no unit (want e.g. '%s seconds')", s, rest, rest)
		}
		n, err := strconv.ParseInt(rest[:i], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("interval %q: number %s is too large", s, rest[:i])
		}
		rest = strings.TrimLeft(rest[i:], " ")
		j := strings.IndexFunc(rest, func(r rune) bool { return !unicode.IsLetter(r) })
		if j < 0 {
			j = len(rest)
		}
		word := strings.ToLower(rest[:j])
		rest = strings.TrimLeft(rest[j:], " ")
		unit, ok := intervalUnits[word]
		if !ok {
			switch word {
			case "month", "months", "mon", "mons", "year", "years", "y", "yr", "yrs":
				return 0, fmt.Errorf("interval %q: %s have no fixed width; time_bucket takes microseconds to weeks", s, word)
			case "":
				if rest != "" {
					return 0, fmt.Errorf("interval %q: expected a unit after %d, found %q (numbers are whole)", s, n, rest)
				}
				return 0, fmt.Errorf("interval %q: number %d has no unit (want e.g. '%d seconds')", s, n, n)
			}
			return 0, fmt.Errorf("interval %q: unknown unit %q (want microseconds, milliseconds, seconds, minutes, hours, days or weeks)", s, word)
		}
		if n > (math.MaxInt64-total)/unit {
			return 0, fmt.Errorf("interval %q is too large", s)
		}
		total += n * unit
	}
	if total <= 0 {
		return 0, fmt.Errorf("interval %q must be positive", s)
	}
	return total, nil
}

// TimeBucket floors ts (microseconds) to the start of its bucket of the
// given width (microseconds, > 0); false when the bucket start is before
// the smallest representable timestamp.
func TimeBucket(width, ts int64) (int64, bool) {
	// (ts - origin) mod width without computing ts - origin, which can
	// overflow for timestamps far in the past.
	r := ts%width - timeBucketOrigin%width
	r %= width
	if r < 0 {
		r += width
	}
	if ts < math.MinInt64+r {
		return 0, false
	}
	return ts - r, true
}

// bindTimeBucket binds time_bucket(interval, ts): the interval must be a
// constant string, ts a TIMESTAMP (or a string literal, read as one).
func (b *Binder) bindTimeBucket(e *parser.FuncCall, ctx exprCtx) (Expr, error) {
	if len(e.Args) != 2 {
		return nil, bindErr(e.Pos, "function time_bucket takes 2 arguments (interval, timestamp), got %d", len(e.Args))
	}
	iv, err := b.bindExpr(e.Args[0], ctx)
	if err != nil {
		return nil, err
	}
	c, ok := foldConst(iv).(*Const)
	if !ok || (!c.D.Null && c.D.Type.Family != types.String) {
		return nil, bindErr(e.Args[0].Position(), "time_bucket: the interval must be a constant string such as '5 minutes', not %s", iv)
	}
	if c.D.Null {
		return nil, bindErr(e.Args[0].Position(), "time_bucket: the interval must not be NULL")
	}
	width, err := ParseInterval(string(c.D.B))
	if err != nil {
		return nil, bindErr(e.Args[0].Position(), "time_bucket: %v", err)
	}
	ts, err := b.bindExpr(e.Args[1], ctx)
	if err != nil {
		return nil, err
	}
	switch f := ts.Type().Family; {
	case f == types.Unknown:
		ts = &Const{D: types.NullDatum(types.TypeTimestamp)}
	case f == types.Timestamp, isUntyped(ts), f == types.Date:
		if ts, err = b.coerce(ts, types.TypeTimestamp, e.Args[1].Position()); err != nil {
			return nil, err
		}
	default:
		return nil, bindErr(e.Args[1].Position(), "function time_bucket(interval, %s) does not exist; the second argument must be a TIMESTAMP", ts.Type())
	}
	kernel := func(ts int64) (int64, error) {
		v, ok := TimeBucket(width, ts)
		if !ok {
			return 0, fmt.Errorf("%w: time_bucket(%s) of %s is before the earliest timestamp",
				ErrOverflow, string(c.D.B), types.Datum{Type: types.TypeTimestamp, I: ts})
		}
		return v, nil
	}
	fn := &Func{Name: "time_bucket", Strict: true, IntKernel: kernel, Eval: func(a []types.Datum, t types.Type) (types.Datum, error) {
		v, err := kernel(a[1].I)
		return types.Datum{Type: t, I: v}, err
	}}
	return foldConst(&Call{Fn: fn, Args: []Expr{&Const{D: types.TextDatum(string(c.D.B))}, ts}, T: types.TypeTimestamp}), nil
}
