package types

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// ErrBadValue is matched by errors about a value that does not fit its type.
var ErrBadValue = errors.New("types: invalid value")

// Datum is one SQL value. Which field holds it follows Type.Physical();
// Null overrides all of them.
type Datum struct {
	Type Type
	Null bool
	I    int64   // PhysInt: ints, decimals (scaled), dates, times, timestamps, booleans
	F    float64 // PhysFloat
	B    []byte  // PhysBytes
}

// The constructors of the common datums.
func NullDatum(t Type) Datum     { return Datum{Type: t, Null: true} }
func IntDatum(v int64) Datum     { return Datum{Type: TypeBigInt, I: v} }
func FloatDatum(v float64) Datum { return Datum{Type: TypeFloat, F: v} }
func TextDatum(s string) Datum   { return Datum{Type: TypeText, B: []byte(s)} }
func BoolDatum(b bool) Datum {
	d := Datum{Type: TypeBool}
	if b {
		d.I = 1
	}
	return d
}

// Bool returns the value of a BOOLEAN datum.
func (d Datum) Bool() bool { return d.I != 0 }

// Compare orders two non-null datums of the same physical kind. Floats
// order NaN after every number (PostgreSQL's order); byte strings compare
// bytewise. Comparing decimals of different scales is the caller's job
// (rescale first).
func Compare(a, b Datum) int {
	switch a.Type.Physical() {
	case PhysFloat:
		return compareFloat(a.F, b.F)
	case PhysBytes:
		return bytes.Compare(a.B, b.B)
	}
	return cmp.Compare(a.I, b.I)
}

func compareFloat(a, b float64) int {
	an, bn := math.IsNaN(a), math.IsNaN(b)
	switch {
	case an && bn:
		return 0
	case an:
		return 1
	case bn:
		return -1
	}
	return cmp.Compare(a, b)
}

// String formats d as it appears in query results: NULL, numbers, dates
// as 2006-01-02, timestamps as 2006-01-02 15:04:05[.ffffff].
func (d Datum) String() string {
	if d.Null {
		return "NULL"
	}
	return string(AppendText(nil, d))
}

// AppendText appends the text form of a non-null datum.
func AppendText(dst []byte, d Datum) []byte {
	switch d.Type.Family {
	case Bool:
		return strconv.AppendBool(dst, d.I != 0)
	case Int, Unknown:
		return strconv.AppendInt(dst, d.I, 10)
	case Float:
		return AppendFloatText(dst, d.F)
	case Decimal:
		return AppendDecimalText(dst, d.I, int(d.Type.Scale))
	case String, JSON:
		return append(dst, d.B...)
	case Bytes:
		dst = append(dst, `\x`...)
		return fmt.Appendf(dst, "%x", d.B)
	case Date:
		return time.Unix(d.I*86400, 0).UTC().AppendFormat(dst, "2006-01-02")
	case Time:
		return appendClock(dst, d.I)
	case Timestamp:
		t := time.UnixMicro(d.I).UTC()
		dst = t.AppendFormat(dst, "2006-01-02 ")
		return appendClock(dst, int64(t.Hour())*3600e6+int64(t.Minute())*60e6+int64(t.Second())*1e6+int64(t.Nanosecond()/1000))
	}
	return dst
}

// AppendFloatText formats a float the way PostgreSQL prints a double:
// the shortest text that reads back to the same value.
func AppendFloatText(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	}
	return strconv.AppendFloat(dst, f, 'g', -1, 64)
}

// AppendDecimalText formats the scaled integer v with scale digits after
// the point.
func AppendDecimalText(dst []byte, v int64, scale int) []byte {
	if scale == 0 {
		return strconv.AppendInt(dst, v, 10)
	}
	neg := v < 0
	u := uint64(v)
	if neg {
		u = -u
		dst = append(dst, '-')
	}
	digits := strconv.FormatUint(u, 10)
	if len(digits) <= scale {
		digits = strings.Repeat("0", scale-len(digits)+1) + digits
	}
	dst = append(dst, digits[:len(digits)-scale]...)
	dst = append(dst, '.')
	return append(dst, digits[len(digits)-scale:]...)
}

func appendClock(dst []byte, micros int64) []byte {
	h, m, s, us := micros/3600e6, micros/60e6%60, micros/1e6%60, micros%1e6
	dst = fmt.Appendf(dst, "%02d:%02d:%02d", h, m, s)
	if us != 0 {
		frac := strings.TrimRight(fmt.Sprintf("%06d", us), "0")
		dst = append(dst, '.')
		dst = append(dst, frac...)
	}
	return dst
}

// pow10 holds 10^0 .. 10^18.
var pow10 = func() [19]int64 {
	var p [19]int64
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// Pow10 returns 10^n for 0 <= n <= 18.
func Pow10(n int) int64 { return pow10[n] }

// ParseDecimal reads a decimal literal ("-12.345", "1e3" is refused) into
// an integer scaled by 10^scale, rounding half away from zero past the
// scale, and checks it fits precision digits.
func ParseDecimal(s string, precision, scale int) (int64, error) {
	text := strings.TrimSpace(s)
	neg := false
	if text != "" && (text[0] == '-' || text[0] == '+') {
		neg = text[0] == '-'
		text = text[1:]
	}
	intPart, fracPart, _ := strings.Cut(text, ".")
	if intPart == "" && fracPart == "" || !allDigits(intPart) || !allDigits(fracPart) {
		return 0, fmt.Errorf("%w: %q is not a decimal number", ErrBadValue, s)
	}
	intPart = strings.TrimLeft(intPart, "0")
	if len(intPart) > precision-scale {
		return 0, fmt.Errorf("%w: %q does not fit DECIMAL(%d,%d)", ErrBadValue, s, precision, scale)
	}
	roundUp := false
	if len(fracPart) > scale {
		roundUp = fracPart[scale] >= '5'
		fracPart = fracPart[:scale]
	}
	fracPart += strings.Repeat("0", scale-len(fracPart))
	var v int64
	for _, c := range intPart + fracPart {
		v = v*10 + int64(c-'0')
	}
	if roundUp {
		v++
		if v >= pow10[precision] {
			return 0, fmt.Errorf("%w: %q does not fit DECIMAL(%d,%d)", ErrBadValue, s, precision, scale)
		}
	}
	if neg {
		v = -v
	}
	return v, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ParseDate reads YYYY-MM-DD into days since 1970-01-01.
func ParseDate(s string) (int64, error) {
	t, err := time.Parse("2006-01-02", strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("%w: %q is not a date (want YYYY-MM-DD)", ErrBadValue, s)
	}
	return floorDiv(t.Unix(), 86400), nil
}

// ParseTime reads HH:MM[:SS[.ffffff]] into microseconds since midnight.
func ParseTime(s string) (int64, error) {
	for _, layout := range []string{"15:04:05.999999999", "15:04"} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return int64(t.Hour())*3600e6 + int64(t.Minute())*60e6 + int64(t.Second())*1e6 + int64(t.Nanosecond()/1000), nil
		}
	}
	return 0, fmt.Errorf("%w: %q is not a time (want HH:MM:SS)", ErrBadValue, s)
}

// ParseTimestamp reads "YYYY-MM-DD[ HH:MM:SS[.ffffff]]" (or with a T, or
// RFC 3339 with a zone, converted to UTC) into microseconds since the epoch.
func ParseTimestamp(s string) (int64, error) {
	text := strings.TrimSpace(s)
	for _, layout := range []string{
		"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999",
		time.RFC3339Nano, "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04", "2006-01-02",
	} {
		if t, err := time.Parse(layout, text); err == nil {
			return t.UnixMicro(), nil
		}
	}
	return 0, fmt.Errorf("%w: %q is not a timestamp (want YYYY-MM-DD HH:MM:SS)", ErrBadValue, s)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
