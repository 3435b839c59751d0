package optimizer

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/aegisdb/aegis/model/types"
)

// CastDatum converts d to type to, as CAST does: numbers round to the
// target scale, text parses, out-of-range values fail with ErrCast naming
// the value and the type.
func CastDatum(d types.Datum, to types.Type) (types.Datum, error) {
	if d.Null {
		return types.NullDatum(to), nil
	}
	from := d.Type
	out := types.Datum{Type: to}
	bad := func(why string) (types.Datum, error) {
		if why == "" {
			return types.Datum{}, fmt.Errorf("%w: cannot cast %s value %s to %s", ErrCast, from, quoteDatum(d), to)
		}
		return types.Datum{}, fmt.Errorf("%w: %s value %s does not fit %s: %s", ErrCast, from, quoteDatum(d), to, why)
	}
	if from == to {
		return d, nil
	}
	switch to.Family {
	case types.Bool:
		switch from.Family {
		case types.Int:
			out.I = b2i(d.I != 0)
			return out, nil
		case types.String, types.Unknown:
			switch strings.ToLower(strings.TrimSpace(string(d.B))) {
			case "t", "true", "yes", "on", "1", "y":
				out.I = 1
				return out, nil
			case "f", "false", "no", "off", "0", "n":
				return out, nil
			}
		}
	case types.Int:
		var v int64
		switch from.Family {
		case types.Int, types.Bool:
			v = d.I
		case types.Float:
			f := math.RoundToEven(d.F)
			if math.IsNaN(f) || f < -9.223372036854775e18 || f >= 9.223372036854775e18 {
				return bad("out of range")
			}
			v = int64(f)
		case types.Decimal:
			v = roundScaled(d.I, int(from.Scale), 0)
		case types.String:
			s := strings.TrimSpace(string(d.B))
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return bad("")
			}
			v = n
		default:
			return bad("")
		}
		if !intFits(v, to.Width) {
			return bad("out of range")
		}
		out.I = v
		return out, nil
	case types.Float:
		switch from.Family {
		case types.Int:
			out.F = float64(d.I)
		case types.Decimal:
			out.F = float64(d.I) / float64(types.Pow10(int(from.Scale)))
		case types.String:
			f, err := strconv.ParseFloat(strings.TrimSpace(string(d.B)), 64)
			if err != nil {
				s := strings.ToLower(strings.TrimSpace(string(d.B)))
				switch s {
				case "nan":
					f = math.NaN()
				case "infinity", "inf":
					f = math.Inf(1)
				case "-infinity", "-inf":
					f = math.Inf(-1)
				default:
					return bad("")
				}
			}
			out.F = f
		default:
			return bad("")
		}
		return out, nil
	case types.Decimal:
		scale, prec := int(to.Scale), int(to.Precision)
		var v int64
		switch from.Family {
		case types.Int:
			p := types.Pow10(scale)
			if d.I > math.MaxInt64/p || d.I < math.MinInt64/p {
				return bad("out of range")
			}
			v = d.I * p
		case types.Decimal:
			var ok bool
			v, ok = rescale(d.I, int(from.Scale), scale)
			if !ok {
				return bad("out of range")
			}
		case types.Float:
			f := math.Round(d.F * float64(types.Pow10(scale)))
			if math.IsNaN(f) || math.Abs(f) >= 9.2e18 {
				return bad("out of range")
			}
			v = int64(f)
		case types.String:
			n, err := types.ParseDecimal(strings.TrimSpace(string(d.B)), types.MaxDecimalPrecision, scale)
			if err != nil {
				return bad("")
			}
			v = n
		default:
			return bad("")
		}
		if prec > 0 && prec < types.MaxDecimalPrecision {
			limit := types.Pow10(prec)
			if v >= limit || v <= -limit {
				return bad(fmt.Sprintf("precision %d, scale %d allows absolute values below 10^%d", prec, scale, prec-scale))
			}
		}
		out.I = v
		return out, nil
	case types.String:
		var s []byte
		switch from.Family {
		case types.String, types.Unknown, types.JSON:
			s = d.B
		default:
			s = types.AppendText(nil, d)
		}
		if to.Width > 0 {
			if n := runeCount(s); n > int(to.Width) {
				// An explicit cast truncates (as in PostgreSQL); storing into a
				// column checks the length instead.
				s = truncRunes(s, int(to.Width))
			}
		}
		out.B = s
		return out, nil
	case types.Bytes:
		switch from.Family {
		case types.String, types.Unknown:
			out.B = d.B
			return out, nil
		}
	case types.JSON:
		var raw []byte
		switch from.Family {
		case types.String, types.Unknown:
			raw = d.B
		default:
			raw = types.AppendText(nil, d)
		}
		if !json.Valid(raw) {
			return bad("not valid JSON")
		}
		out.B = raw
		return out, nil
	case types.Date:
		switch from.Family {
		case types.String, types.Unknown:
			v, err := types.ParseDate(strings.TrimSpace(string(d.B)))
			if err != nil {
				if ts, err2 := types.ParseTimestamp(strings.TrimSpace(string(d.B))); err2 == nil {
					out.I = floorDiv(ts, 86400e6)
					return out, nil
				}
				return bad("")
			}
			out.I = v
			return out, nil
		case types.Timestamp:
			out.I = floorDiv(d.I, 86400e6)
			return out, nil
		}
	case types.Time:
		switch from.Family {
		case types.String, types.Unknown:
			v, err := types.ParseTime(strings.TrimSpace(string(d.B)))
			if err != nil {
				return bad("")
			}
			out.I = v
			return out, nil
		case types.Timestamp:
			out.I = d.I - floorDiv(d.I, 86400e6)*86400e6
			return out, nil
		}
	case types.Timestamp:
		switch from.Family {
		case types.String, types.Unknown:
			v, err := types.ParseTimestamp(strings.TrimSpace(string(d.B)))
			if err != nil {
				return bad("")
			}
			out.I = v
			return out, nil
		case types.Date:
			out.I = d.I * 86400e6
			return out, nil
		}
	case types.Unknown:
		return types.NullDatum(to), nil
	}
	return bad("")
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func intFits(v int64, width int32) bool {
	switch width {
	case 16:
		return v >= math.MinInt16 && v <= math.MaxInt16
	case 32:
		return v >= math.MinInt32 && v <= math.MaxInt32
	}
	return true
}

// rescale moves a scaled decimal from one scale to another, rounding half
// away from zero when digits are dropped; false on overflow.
func rescale(v int64, from, to int) (int64, bool) {
	switch {
	case to == from:
		return v, true
	case to > from:
		p := types.Pow10(to - from)
		if v > math.MaxInt64/p || v < math.MinInt64/p {
			return 0, false
		}
		return v * p, true
	}
	return roundScaled(v, from, to), true
}

// roundScaled drops from-to digits of v, rounding half away from zero.
func roundScaled(v int64, from, to int) int64 {
	p := types.Pow10(from - to)
	q, r := v/p, v%p
	if r*2 >= p {
		q++
	} else if r*2 <= -p {
		q--
	}
	return q
}

func runeCount(b []byte) int { return len([]rune(string(b))) }

func truncRunes(b []byte, n int) []byte {
	r := []rune(string(b))
	if len(r) <= n {
		return b
	}
	return []byte(string(r[:n]))
}

func quoteDatum(d types.Datum) string {
	if d.Null {
		return "NULL"
	}
	switch d.Type.Family {
	case types.String, types.Unknown, types.JSON:
		s := string(d.B)
		if len(s) > 64 {
			s = s[:64] + "..."
		}
		return "'" + s + "'"
	}
	return d.String()
}

// implicitCastOK reports whether a value of type from may be converted to
// to without a CAST: between numeric families, from an untyped string to
// anything, and from any string to the date and time families and JSON.
func implicitCastOK(from, to types.Type, untyped bool) bool {
	if from.Family == to.Family || from.Family == types.Unknown {
		return true
	}
	if untyped {
		return true
	}
	switch to.Family {
	case types.Int:
		return false
	case types.Float, types.Decimal:
		return from.IsNumeric()
	case types.String:
		return from.Family == types.JSON
	case types.Date, types.Time, types.Timestamp:
		return from.Family == types.String || from.Family == types.Date || from.Family == types.Timestamp
	case types.JSON:
		return from.Family == types.String
	}
	return false
}
