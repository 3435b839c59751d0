package optimizer

import (
	"bytes"
	"fmt"
	"math"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/aegisdb/aegis/model/types"
)

// Func is an operator or scalar function. A Strict function returns NULL
// when any argument is NULL, and Eval never sees a NULL; the others
// (AND, OR, IS NULL, COALESCE, ...) get NULLs and decide.
type Func struct {
	Name    string
	Infix   string // printed between two arguments: "+", "=", "AND"
	Prefix  string // printed before one argument: "-", "NOT "
	Postfix string // printed after one argument: "IS NULL"
	Strict  bool
	// Eval computes the result of type t from the arguments. Arguments
	// have the types the binder coerced them to.
	Eval func(args []types.Datum, t types.Type) (types.Datum, error)
	// IntKernel, when set, is the function of a Strict call whose other
	// arguments are constants already folded into it, applied to the last
	// argument's integer representation: the executor runs it over whole
	// vectors instead of a datum at a time (time_bucket).
	IntKernel func(v int64) (int64, error)
}

var (
	fnAdd       = &Func{Name: "add", Infix: "+", Strict: true, Eval: arith('+')}
	fnSub       = &Func{Name: "sub", Infix: "-", Strict: true, Eval: arith('-')}
	fnMul       = &Func{Name: "mul", Infix: "*", Strict: true, Eval: arith('*')}
	fnDiv       = &Func{Name: "div", Infix: "/", Strict: true, Eval: arith('/')}
	fnMod       = &Func{Name: "mod", Infix: "%", Strict: true, Eval: arith('%')}
	fnNeg       = &Func{Name: "neg", Prefix: "-", Strict: true, Eval: evalNeg}
	fnEq        = &Func{Name: "eq", Infix: "=", Strict: true, Eval: cmpFunc(func(c int) bool { return c == 0 })}
	fnNe        = &Func{Name: "ne", Infix: "<>", Strict: true, Eval: cmpFunc(func(c int) bool { return c != 0 })}
	fnLt        = &Func{Name: "lt", Infix: "<", Strict: true, Eval: cmpFunc(func(c int) bool { return c < 0 })}
	fnLe        = &Func{Name: "le", Infix: "<=", Strict: true, Eval: cmpFunc(func(c int) bool { return c <= 0 })}
	fnGt        = &Func{Name: "gt", Infix: ">", Strict: true, Eval: cmpFunc(func(c int) bool { return c > 0 })}
	fnGe        = &Func{Name: "ge", Infix: ">=", Strict: true, Eval: cmpFunc(func(c int) bool { return c >= 0 })}
	fnAnd       = &Func{Name: "and", Infix: "AND", Eval: evalAnd}
	fnOr        = &Func{Name: "or", Infix: "OR", Eval: evalOr}
	fnNot       = &Func{Name: "not", Prefix: "NOT ", Strict: true, Eval: func(a []types.Datum, _ types.Type) (types.Datum, error) { return types.BoolDatum(!a[0].Bool()), nil }}
	fnIsNull    = &Func{Name: "isnull", Postfix: "IS NULL", Eval: func(a []types.Datum, _ types.Type) (types.Datum, error) { return types.BoolDatum(a[0].Null), nil }}
	fnIsNotNull = &Func{Name: "isnotnull", Postfix: "IS NOT NULL", Eval: func(a []types.Datum, _ types.Type) (types.Datum, error) { return types.BoolDatum(!a[0].Null), nil }}
	fnConcat    = &Func{Name: "concat_op", Infix: "||", Strict: true, Eval: func(a []types.Datum, t types.Type) (types.Datum, error) {
		return textOut(t, append(append([]byte(nil), a[0].B...), a[1].B...)), nil
	}}
	fnIsDistinct    = &Func{Name: "isdistinct", Infix: "IS DISTINCT FROM", Eval: evalDistinct(true)}
	fnIsNotDistinct = &Func{Name: "isnotdistinct", Infix: "IS NOT DISTINCT FROM", Eval: evalDistinct(false)}
	fnLike          = &Func{Name: "like", Infix: "LIKE", Strict: true, Eval: evalLike(false)}
	fnNotLike       = &Func{Name: "notlike", Infix: "NOT LIKE", Strict: true, Eval: evalLike(true)}
	fnDateAddDays   = &Func{Name: "date_add_days", Infix: "+", Strict: true, Eval: func(a []types.Datum, t types.Type) (types.Datum, error) {
		return types.Datum{Type: t, I: a[0].I + a[1].I}, nil
	}}
	fnDateSubDays = &Func{Name: "date_sub_days", Infix: "-", Strict: true, Eval: func(a []types.Datum, t types.Type) (types.Datum, error) {
		return types.Datum{Type: t, I: a[0].I - a[1].I}, nil
	}}
	fnDateDiff = &Func{Name: "date_diff", Infix: "-", Strict: true, Eval: func(a []types.Datum, t types.Type) (types.Datum, error) {
		return types.Datum{Type: t, I: a[0].I - a[1].I}, nil
	}}
)

// ComparisonOps maps each comparison to its mirror (a < b is b > a), for
// rules that swap sides.
var mirror = map[*Func]*Func{fnEq: fnEq, fnNe: fnNe, fnLt: fnGt, fnLe: fnGe, fnGt: fnLt, fnGe: fnLe}

// IsComparison reports whether f is one of = <> < <= > >=.
func IsComparison(f *Func) bool { _, ok := mirror[f]; return ok }

// The operator functions, exported for the executor's fast paths.
var (
	FnAdd, FnSub, FnMul, FnDiv, FnMod  = fnAdd, fnSub, fnMul, fnDiv, fnMod
	FnEq, FnNe, FnLt, FnLe, FnGt, FnGe = fnEq, fnNe, fnLt, fnLe, fnGt, fnGe
	FnAnd, FnOr, FnNot                 = fnAnd, fnOr, fnNot
	FnIsNull, FnIsNotNull              = fnIsNull, fnIsNotNull
)

func textOut(t types.Type, b []byte) types.Datum { return types.Datum{Type: t, B: b} }

// EvalCall applies f to datums, honouring Strict.
func EvalCall(f *Func, args []types.Datum, t types.Type) (types.Datum, error) {
	if f.Strict {
		for _, a := range args {
			if a.Null {
				return types.NullDatum(t), nil
			}
		}
	}
	return f.Eval(args, t)
}

// evalDistinct compares with NULL as a value equal only to itself.
func evalDistinct(distinct bool) func([]types.Datum, types.Type) (types.Datum, error) {
	return func(a []types.Datum, _ types.Type) (types.Datum, error) {
		if a[0].Null || a[1].Null {
			return types.BoolDatum((a[0].Null != a[1].Null) == distinct), nil
		}
		return types.BoolDatum((CompareDatums(a[0], a[1]) != 0) == distinct), nil
	}
}

func cmpFunc(ok func(int) bool) func([]types.Datum, types.Type) (types.Datum, error) {
	return func(a []types.Datum, _ types.Type) (types.Datum, error) {
		return types.BoolDatum(ok(CompareDatums(a[0], a[1]))), nil
	}
}

// CompareDatums orders two non-null datums of one family; decimals of
// different scales compare by value.
func CompareDatums(a, b types.Datum) int {
	if a.Type.Family == types.Decimal && b.Type.Family == types.Decimal && a.Type.Scale != b.Type.Scale {
		s := max(a.Type.Scale, b.Type.Scale)
		x, ok1 := rescale(a.I, int(a.Type.Scale), int(s))
		y, ok2 := rescale(b.I, int(b.Type.Scale), int(s))
		if ok1 && ok2 {
			return cmpInt(x, y)
		}
		return cmpFloat(decToFloat(a), decToFloat(b))
	}
	return types.Compare(a, b)
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpFloat(a, b float64) int {
	return types.Compare(types.FloatDatum(a), types.FloatDatum(b))
}

func decToFloat(d types.Datum) float64 { return float64(d.I) / float64(types.Pow10(int(d.Type.Scale))) }

func evalAnd(a []types.Datum, t types.Type) (types.Datum, error) {
	l, r := a[0], a[1]
	if (!l.Null && !l.Bool()) || (!r.Null && !r.Bool()) {
		return types.BoolDatum(false), nil
	}
	if l.Null || r.Null {
		return types.NullDatum(types.TypeBool), nil
	}
	return types.BoolDatum(true), nil
}

func evalOr(a []types.Datum, t types.Type) (types.Datum, error) {
	l, r := a[0], a[1]
	if (!l.Null && l.Bool()) || (!r.Null && r.Bool()) {
		return types.BoolDatum(true), nil
	}
	if l.Null || r.Null {
		return types.NullDatum(types.TypeBool), nil
	}
	return types.BoolDatum(false), nil
}

func evalNeg(a []types.Datum, t types.Type) (types.Datum, error) {
	d := a[0]
	if d.Type.Family == types.Float {
		return types.Datum{Type: t, F: -d.F}, nil
	}
	if d.I == math.MinInt64 {
		return types.Datum{}, fmt.Errorf("%w: -(%d)", ErrOverflow, d.I)
	}
	return types.Datum{Type: t, I: -d.I}, nil
}

// arith returns the evaluator of a binary arithmetic operator. Both
// arguments have the result's family; decimals may differ in scale.
func arith(op byte) func([]types.Datum, types.Type) (types.Datum, error) {
	return func(a []types.Datum, t types.Type) (types.Datum, error) {
		x, y := a[0], a[1]
		switch t.Family {
		case types.Float:
			r, err := ArithFloat(op, x.F, y.F)
			return types.Datum{Type: t, F: r}, err
		case types.Decimal:
			return arithDecimal(op, x, y, t)
		}
		r, err := ArithInt(op, x.I, y.I)
		if err == nil && !intFits(r, t.Width) {
			err = fmt.Errorf("%w: %d %c %d is out of range for %s", ErrOverflow, x.I, op, y.I, t)
		}
		return types.Datum{Type: t, I: r}, err
	}
}

// ArithInt applies + - * / % to int64s, failing on overflow and on
// division by zero. Division truncates toward zero.
func ArithInt(op byte, x, y int64) (int64, error) {
	switch op {
	case '+':
		r := x + y
		if (r > x) != (y > 0) {
			return 0, fmt.Errorf("%w: %d + %d", ErrOverflow, x, y)
		}
		return r, nil
	case '-':
		r := x - y
		if (r < x) != (y > 0) {
			return 0, fmt.Errorf("%w: %d - %d", ErrOverflow, x, y)
		}
		return r, nil
	case '*':
		if x == 0 || y == 0 {
			return 0, nil
		}
		r := x * y
		if r/y != x || (x == -1 && y == math.MinInt64) || (y == -1 && x == math.MinInt64) {
			return 0, fmt.Errorf("%w: %d * %d", ErrOverflow, x, y)
		}
		return r, nil
	case '/':
		if y == 0 {
			return 0, ErrDivisionByZero
		}
		if x == math.MinInt64 && y == -1 {
			return 0, fmt.Errorf("%w: %d / %d", ErrOverflow, x, y)
		}
		return x / y, nil
	case '%':
		if y == 0 {
			return 0, ErrDivisionByZero
		}
		if y == -1 {
			return 0, nil
		}
		return x % y, nil
	}
	return 0, fmt.Errorf("optimizer: unknown operator %c", op)
}

// ArithFloat applies + - * / % to float64s; dividing by zero is an error
// as in PostgreSQL, not an infinity.
func ArithFloat(op byte, x, y float64) (float64, error) {
	switch op {
	case '+':
		return checkFloat(x+y, x, y, true)
	case '-':
		return checkFloat(x-y, x, y, true)
	case '*':
		return checkFloat(x*y, x, y, x == 0 || y == 0)
	case '/':
		if y == 0 {
			return 0, ErrDivisionByZero
		}
		return checkFloat(x/y, x, y, x == 0)
	case '%':
		if y == 0 {
			return 0, ErrDivisionByZero
		}
		return math.Mod(x, y), nil
	}
	return 0, fmt.Errorf("optimizer: unknown operator %c", op)
}

// checkFloat refuses, as PostgreSQL does, a result that overflowed to an
// infinity from finite operands, or underflowed to zero when zeroOK is
// false.
func checkFloat(r, x, y float64, zeroOK bool) (float64, error) {
	if math.IsInf(r, 0) && !math.IsInf(x, 0) && !math.IsInf(y, 0) {
		return 0, fmt.Errorf("%w: double precision overflow", ErrOverflow)
	}
	if r == 0 && !zeroOK {
		return 0, fmt.Errorf("%w: double precision underflow", ErrOverflow)
	}
	return r, nil
}

func arithDecimal(op byte, x, y types.Datum, t types.Type) (types.Datum, error) {
	s := int(t.Scale)
	over := func() (types.Datum, error) {
		return types.Datum{}, fmt.Errorf("%w: %s %c %s does not fit DECIMAL(18)", ErrOverflow, x, op, y)
	}
	switch op {
	case '+', '-', '%':
		a, ok1 := rescale(x.I, int(x.Type.Scale), s)
		b, ok2 := rescale(y.I, int(y.Type.Scale), s)
		if !ok1 || !ok2 {
			return over()
		}
		r, err := ArithInt(op, a, b)
		if err != nil {
			if err == ErrDivisionByZero {
				return types.Datum{}, err
			}
			return over()
		}
		return types.Datum{Type: t, I: r}, nil
	case '*':
		r, err := ArithInt('*', x.I, y.I)
		if err != nil {
			return over()
		}
		from := int(x.Type.Scale) + int(y.Type.Scale)
		if from > s {
			r = roundScaled(r, from, s)
		} else if r, ok := rescale(r, from, s); !ok {
			return over()
		} else {
			return types.Datum{Type: t, I: r}, nil
		}
		return types.Datum{Type: t, I: r}, nil
	}
	return over()
}

// LikeMatcher compiles a LIKE pattern (% any run, _ one character, \
// escapes) into a matcher. Compiled patterns are cached.
func LikeMatcher(pattern string) func(s []byte) bool {
	if m, ok := likeCache.Load(pattern); ok {
		return m.(func([]byte) bool)
	}
	var m func([]byte) bool
	switch {
	case !strings.ContainsAny(pattern, `%_\`):
		p := []byte(pattern)
		m = func(s []byte) bool { return bytes.Equal(s, p) }
	case strings.Count(pattern, "%") == 1 && strings.HasSuffix(pattern, "%") && !strings.ContainsAny(pattern, `_\`):
		p := []byte(pattern[:len(pattern)-1])
		m = func(s []byte) bool { return bytes.HasPrefix(s, p) }
	case strings.Count(pattern, "%") == 2 && strings.HasSuffix(pattern, "%") && strings.HasPrefix(pattern, "%") && len(pattern) >= 2 && !strings.ContainsAny(pattern, `_\`):
		p := []byte(pattern[1 : len(pattern)-1])
		m = func(s []byte) bool { return bytes.Contains(s, p) }
	default:
		var re strings.Builder
		re.WriteString(`(?s)^`)
		esc := false
		for _, r := range pattern {
			switch {
			case esc:
				re.WriteString(regexp.QuoteMeta(string(r)))
				esc = false
			case r == '\\':
				esc = true
			case r == '%':
				re.WriteString(`.*`)
			case r == '_':
				re.WriteString(`.`)
			default:
				re.WriteString(regexp.QuoteMeta(string(r)))
			}
		}
		re.WriteString(`$`)
		rx := regexp.MustCompile(re.String())
		m = rx.Match
	}
	likeCache.Store(pattern, m)
	return m
}

var likeCache sync.Map

func evalLike(not bool) func([]types.Datum, types.Type) (types.Datum, error) {
	return func(a []types.Datum, _ types.Type) (types.Datum, error) {
		return types.BoolDatum(LikeMatcher(string(a[1].B))(a[0].B) != not), nil
	}
}

// scalarFuncs are the named functions; their argument and result types
// are checked in bindFuncCall.
var scalarFuncs = map[string]*Func{
	"abs":     {Name: "abs", Strict: true, Eval: evalAbs},
	"round":   {Name: "round", Strict: true, Eval: evalRound},
	"ceil":    {Name: "ceil", Strict: true, Eval: toWhole(math.Ceil, 1)},
	"ceiling": {Name: "ceil", Strict: true, Eval: toWhole(math.Ceil, 1)},
	"floor":   {Name: "floor", Strict: true, Eval: toWhole(math.Floor, -1)},
	"sqrt":    {Name: "sqrt", Strict: true, Eval: evalSqrt},
	"ln":      {Name: "ln", Strict: true, Eval: evalLn},
	"exp": {Name: "exp", Strict: true, Eval: func(a []types.Datum, t types.Type) (types.Datum, error) {
		return types.Datum{Type: t, F: math.Exp(a[0].F)}, nil
	}},
	"power": {Name: "power", Strict: true, Eval: func(a []types.Datum, t types.Type) (types.Datum, error) {
		return types.Datum{Type: t, F: math.Pow(a[0].F, a[1].F)}, nil
	}},
	"pow": {Name: "power", Strict: true, Eval: func(a []types.Datum, t types.Type) (types.Datum, error) {
		return types.Datum{Type: t, F: math.Pow(a[0].F, a[1].F)}, nil
	}},
	"mod":         {Name: "mod", Strict: true, Eval: arith('%')},
	"sign":        {Name: "sign", Strict: true, Eval: evalSign},
	"length":      {Name: "length", Strict: true, Eval: evalLength},
	"char_length": {Name: "length", Strict: true, Eval: evalLength},
	"lower": {Name: "lower", Strict: true, Eval: func(a []types.Datum, t types.Type) (types.Datum, error) {
		return textOut(t, bytes.ToLower(a[0].B)), nil
	}},
	"upper": {Name: "upper", Strict: true, Eval: func(a []types.Datum, t types.Type) (types.Datum, error) {
		return textOut(t, bytes.ToUpper(a[0].B)), nil
	}},
	"substr":    {Name: "substr", Strict: true, Eval: evalSubstr},
	"substring": {Name: "substr", Strict: true, Eval: evalSubstr},
	"replace": {Name: "replace", Strict: true, Eval: func(a []types.Datum, t types.Type) (types.Datum, error) {
		if len(a[1].B) == 0 {
			return textOut(t, a[0].B), nil // (bytes.ReplaceAll would insert between every byte)
		}
		return textOut(t, bytes.ReplaceAll(a[0].B, a[1].B, a[2].B)), nil
	}},
	"coalesce": {Name: "coalesce", Eval: evalCoalesce},
	"nullif":   {Name: "nullif", Eval: evalNullif},
	"concat":   {Name: "concat", Eval: evalConcatFn},
	"greatest": {Name: "greatest", Eval: extremum(1)},
	"least":    {Name: "least", Eval: extremum(-1)},
}

// toWhole is ceil (dir 1) or floor (dir -1); a decimal is rounded exactly
// on its scaled integer and comes out with scale 0 (PostgreSQL's numeric
// ceil and floor).
func toWhole(f func(float64) float64, dir int64) func([]types.Datum, types.Type) (types.Datum, error) {
	return func(a []types.Datum, t types.Type) (types.Datum, error) {
		d := a[0]
		switch d.Type.Family {
		case types.Float:
			return types.Datum{Type: t, F: f(d.F)}, nil
		case types.Decimal:
			p := types.Pow10(int(d.Type.Scale))
			q, r := d.I/p, d.I%p
			if r != 0 && (r > 0) == (dir > 0) {
				q += dir
			}
			v, ok := rescale(q, 0, int(t.Scale))
			if !ok {
				return types.Datum{}, fmt.Errorf("%w: %d", ErrOverflow, q)
			}
			return types.Datum{Type: t, I: v}, nil
		}
		return types.Datum{Type: t, I: d.I}, nil
	}
}

func evalAbs(a []types.Datum, t types.Type) (types.Datum, error) {
	d := a[0]
	if d.Type.Family == types.Float {
		return types.Datum{Type: t, F: math.Abs(d.F)}, nil
	}
	if d.I == math.MinInt64 {
		return types.Datum{}, fmt.Errorf("%w: abs(%d)", ErrOverflow, d.I)
	}
	if d.I < 0 {
		return types.Datum{Type: t, I: -d.I}, nil
	}
	return types.Datum{Type: t, I: d.I}, nil
}

func evalRound(a []types.Datum, t types.Type) (types.Datum, error) {
	d := a[0]
	digits := int64(0)
	if len(a) > 1 {
		digits = a[1].I
	}
	switch d.Type.Family {
	case types.Float:
		if len(a) == 1 {
			// PostgreSQL's round(double precision) is rint: halves to even
			return types.Datum{Type: t, F: math.RoundToEven(d.F)}, nil
		}
		p := math.Pow(10, float64(digits))
		v := d.F * p
		r := math.Round(v)
		return types.Datum{Type: t, F: r / p}, nil
	case types.Decimal:
		s := int(d.Type.Scale)
		if digits >= int64(s) {
			v, _ := rescale(d.I, s, int(t.Scale))
			return types.Datum{Type: t, I: v}, nil
		}
		v := roundScaled(d.I, s, int(max(digits, 0)))
		if digits < 0 && digits > -19 {
			p := types.Pow10(int(-digits))
			v = roundScaled(v, int(-digits), 0) * p
		}
		digits = max(digits, 0)
		v, ok := rescale(v, int(digits), int(t.Scale))
		if !ok {
			return types.Datum{}, fmt.Errorf("%w: round", ErrOverflow)
		}
		return types.Datum{Type: t, I: v}, nil
	}
	if digits < 0 && digits > -19 {
		p := types.Pow10(int(-digits))
		return types.Datum{Type: t, I: roundScaled(d.I, int(-digits), 0) * p}, nil
	}
	return types.Datum{Type: t, I: d.I}, nil
}

func evalSqrt(a []types.Datum, t types.Type) (types.Datum, error) {
	if a[0].F < 0 {
		return types.Datum{}, fmt.Errorf("%w: cannot take the square root of a negative number", ErrInvalidArgument)
	}
	return types.Datum{Type: t, F: math.Sqrt(a[0].F)}, nil
}

func evalLn(a []types.Datum, t types.Type) (types.Datum, error) {
	if a[0].F <= 0 {
		return types.Datum{}, fmt.Errorf("%w: cannot take the logarithm of a non-positive number", ErrInvalidArgument)
	}
	return types.Datum{Type: t, F: math.Log(a[0].F)}, nil
}

func evalSign(a []types.Datum, t types.Type) (types.Datum, error) {
	d := a[0]
	var s int64
	switch {
	case d.Type.Family == types.Float && d.F > 0, d.Type.Family != types.Float && d.I > 0:
		s = 1
	case d.Type.Family == types.Float && d.F < 0, d.Type.Family != types.Float && d.I < 0:
		s = -1
	}
	if t.Family == types.Float {
		return types.Datum{Type: t, F: float64(s)}, nil
	}
	if t.Family == types.Decimal {
		s *= types.Pow10(int(t.Scale))
	}
	return types.Datum{Type: t, I: s}, nil
}

func evalLength(a []types.Datum, t types.Type) (types.Datum, error) {
	if a[0].Type.Family == types.Bytes {
		return types.Datum{Type: t, I: int64(len(a[0].B))}, nil
	}
	return types.Datum{Type: t, I: int64(utf8.RuneCount(a[0].B))}, nil
}

// evalSubstr is SQL's substr(s, from [, count]) on characters, 1-based;
// positions before the start count against the length, as in PostgreSQL.
func evalSubstr(a []types.Datum, t types.Type) (types.Datum, error) {
	r := []rune(string(a[0].B))
	start := a[1].I
	end := int64(len(r)) + 1
	if len(a) > 2 {
		if a[2].I < 0 {
			return types.Datum{}, fmt.Errorf("%w: negative substring length not allowed", ErrInvalidArgument)
		}
		if start > math.MaxInt64-a[2].I {
			end = int64(len(r)) + 1
		} else {
			end = min(start+a[2].I, end)
		}
	}
	start = max(start, 1)
	if start >= end {
		return textOut(t, []byte{}), nil
	}
	return textOut(t, []byte(string(r[start-1:end-1]))), nil
}

func evalCoalesce(a []types.Datum, t types.Type) (types.Datum, error) {
	for _, d := range a {
		if !d.Null {
			return d, nil
		}
	}
	return types.NullDatum(t), nil
}

func evalNullif(a []types.Datum, t types.Type) (types.Datum, error) {
	if !a[0].Null && !a[1].Null && CompareDatums(a[0], a[1]) == 0 {
		return types.NullDatum(t), nil
	}
	return a[0], nil
}

func evalConcatFn(a []types.Datum, t types.Type) (types.Datum, error) {
	var out []byte
	for _, d := range a {
		if !d.Null {
			out = append(out, d.B...)
		}
	}
	if out == nil {
		out = []byte{}
	}
	return textOut(t, out), nil
}

func extremum(sign int) func([]types.Datum, types.Type) (types.Datum, error) {
	return func(a []types.Datum, t types.Type) (types.Datum, error) {
		best := types.NullDatum(t)
		for _, d := range a {
			if d.Null {
				continue
			}
			if best.Null || CompareDatums(d, best)*sign > 0 {
				best = d
			}
		}
		return best, nil
	}
}
