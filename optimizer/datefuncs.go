package optimizer

import (
	"fmt"
	"strings"
	"time"

	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/parser"
)

// Date parts: date_part(field, value) and extract(field FROM value) (the
// parser turns the latter into extract(field, value)) give a field of a
// DATE, TIME or TIMESTAMP as DOUBLE PRECISION; date_trunc(field, value)
// cuts a TIMESTAMP (or DATE) down to the field. Values are UTC. The field
// is a constant, checked when the call binds.

var dateFuncs = map[string]*Func{
	"date_part":  {Name: "date_part", Strict: true, Eval: evalDatePart},
	"extract":    {Name: "extract", Strict: true, Eval: evalDatePart},
	"date_trunc": {Name: "date_trunc", Strict: true, Eval: evalDateTrunc},
}

var partFields = map[string]bool{"year": true, "month": true, "day": true, "hour": true, "minute": true,
	"second": true, "milliseconds": true, "microseconds": true, "dow": true, "isodow": true, "doy": true,
	"quarter": true, "week": true, "epoch": true, "decade": true, "century": true, "millennium": true, "isoyear": true}

var truncFields = map[string]bool{"millennium": true, "century": true, "decade": true, "year": true,
	"quarter": true, "month": true, "week": true, "day": true, "hour": true, "minute": true, "second": true}

// typeDateCall checks a call of dateFuncs; ok is false for other names.
func (b *Binder) typeDateCall(name string, args []Expr, pos parser.Pos) (e Expr, ok bool, err error) {
	fn, ok := dateFuncs[name]
	if !ok {
		return nil, false, nil
	}
	if len(args) != 2 {
		return nil, true, bindErr(pos, "function %s takes 2 arguments, got %d", name, len(args))
	}
	if args[0], err = b.coerceText(args[0], pos, name); err != nil {
		return nil, true, err
	}
	c, isConst := foldAll(args[0])
	if !isConst || c.D.Null {
		return nil, true, unsupported(pos, "the field of %s must be a constant", name)
	}
	field := strings.ToLower(string(c.D.B))
	args[0] = &Const{D: types.Datum{Type: types.TypeText, B: []byte(field)}}
	t := args[1].Type()
	if isUntyped(args[1]) {
		t = types.TypeTimestamp
		if args[1], err = b.coerce(args[1], t, pos); err != nil {
			return nil, true, err
		}
	}
	if t.Family != types.Date && t.Family != types.Timestamp && !(t.Family == types.Time && name != "date_trunc") {
		return nil, true, bindErr(pos, "function %s(text, %s) does not exist", name, t)
	}
	result := types.TypeFloat
	if name == "date_trunc" {
		if !truncFields[field] {
			return nil, true, bindErr(pos, "unit %q not recognized for date_trunc", field)
		}
		result = types.TypeTimestamp
	} else if !partFields[field] || (t.Family == types.Time && !timeField(field)) {
		return nil, true, bindErr(pos, "unit %q not supported for type %s", field, t)
	}
	return foldConst(&Call{Fn: fn, Args: args, T: result}), true, nil
}

func timeField(f string) bool {
	switch f {
	case "hour", "minute", "second", "milliseconds", "microseconds", "epoch":
		return true
	}
	return false
}

// asTime reads a DATE, TIME (as a clock on 1970-01-01) or TIMESTAMP.
func asTime(d types.Datum) time.Time {
	switch d.Type.Family {
	case types.Date:
		return time.Unix(d.I*86400, 0).UTC()
	}
	return time.UnixMicro(d.I).UTC()
}

func evalDatePart(a []types.Datum, t types.Type) (types.Datum, error) {
	tm := asTime(a[1])
	sec := float64(tm.Second()) + float64(tm.Nanosecond())/1e9
	var v float64
	switch string(a[0].B) {
	case "year":
		v = float64(tm.Year())
	case "month":
		v = float64(tm.Month())
	case "day":
		v = float64(tm.Day())
	case "hour":
		v = float64(tm.Hour())
	case "minute":
		v = float64(tm.Minute())
	case "second":
		v = sec
	case "milliseconds":
		v = sec * 1e3
	case "microseconds":
		v = float64(tm.Second())*1e6 + float64(tm.Nanosecond()/1000)
	case "dow":
		v = float64(tm.Weekday())
	case "isodow":
		v = float64((int(tm.Weekday())+6)%7 + 1)
	case "doy":
		v = float64(tm.YearDay())
	case "quarter":
		v = float64((int(tm.Month())-1)/3 + 1)
	case "week":
		_, w := tm.ISOWeek()
		v = float64(w)
	case "isoyear":
		y, _ := tm.ISOWeek()
		v = float64(y)
	case "epoch":
		v = float64(tm.UnixMicro()) / 1e6
	case "decade":
		v = float64(floorDivInt(tm.Year(), 10))
	case "century", "millennium":
		n := 100
		if string(a[0].B) == "millennium" {
			n = 1000
		}
		y := tm.Year()
		if y > 0 {
			v = float64((y + n - 1) / n)
		} else {
			v = -float64((-y + n) / n) // (year 0 is 1 BC)
		}
	default:
		return types.Datum{}, fmt.Errorf("%w: unit %q not recognized", ErrInvalidArgument, a[0].B)
	}
	return types.Datum{Type: t, F: v}, nil
}

func floorDivInt(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func evalDateTrunc(a []types.Datum, t types.Type) (types.Datum, error) {
	tm := asTime(a[1])
	y, mo, d := tm.Date()
	h, mi, s := tm.Clock()
	var out time.Time
	switch string(a[0].B) {
	case "millennium":
		out = time.Date(floorDivInt(y-1, 1000)*1000+1, 1, 1, 0, 0, 0, 0, time.UTC)
	case "century":
		out = time.Date(floorDivInt(y-1, 100)*100+1, 1, 1, 0, 0, 0, 0, time.UTC)
	case "decade":
		out = time.Date(floorDivInt(y, 10)*10, 1, 1, 0, 0, 0, 0, time.UTC)
	case "year":
		out = time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
	case "quarter":
		out = time.Date(y, mo-(mo-1)%3, 1, 0, 0, 0, 0, time.UTC)
	case "month":
		out = time.Date(y, mo, 1, 0, 0, 0, 0, time.UTC)
	case "week": // the Monday of the ISO week
		out = time.Date(y, mo, d-(int(tm.Weekday())+6)%7, 0, 0, 0, 0, time.UTC)
	case "day":
		out = time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
	case "hour":
		out = time.Date(y, mo, d, h, 0, 0, 0, time.UTC)
	case "minute":
		out = time.Date(y, mo, d, h, mi, 0, 0, time.UTC)
	case "second":
		out = time.Date(y, mo, d, h, mi, s, 0, time.UTC)
	default:
		return types.Datum{}, fmt.Errorf("%w: unit %q not recognized", ErrInvalidArgument, a[0].B)
	}
	return types.Datum{Type: t, I: out.UnixMicro()}, nil
}
