package optimizer

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/parser"
)

// PostgreSQL's string functions beyond the core few of funcs.go, and the
// math functions on double precision. Each has a signature: argument
// kinds ('t' text, 'i' integer, 'a' any value shown as text, 'f' a
// number taken as double precision; the last kind repeats for the rest)
// and a result type. Positions and lengths count characters, not bytes.

type strSig struct {
	min, max int
	kinds    string
	result   types.Type
	fn       *Func
}

var strFuncs = map[string]strSig{
	"strpos": {2, 2, "tt", types.TypeBigInt, &Func{Name: "strpos", Strict: true, Eval: evalStrpos}},
	"position": {2, 2, "tt", types.TypeBigInt, &Func{Name: "position", Strict: true, Eval: func(a []types.Datum, t types.Type) (types.Datum, error) {
		return evalStrpos([]types.Datum{a[1], a[0]}, t) // position(needle IN haystack)
	}}},
	"left":        {2, 2, "ti", types.TypeText, &Func{Name: "left", Strict: true, Eval: evalLeftRight(true)}},
	"right":       {2, 2, "ti", types.TypeText, &Func{Name: "right", Strict: true, Eval: evalLeftRight(false)}},
	"lpad":        {2, 3, "tit", types.TypeText, &Func{Name: "lpad", Strict: true, Eval: evalPad(true)}},
	"rpad":        {2, 3, "tit", types.TypeText, &Func{Name: "rpad", Strict: true, Eval: evalPad(false)}},
	"reverse":     {1, 1, "t", types.TypeText, &Func{Name: "reverse", Strict: true, Eval: evalReverse}},
	"repeat":      {2, 2, "ti", types.TypeText, &Func{Name: "repeat", Strict: true, Eval: evalRepeat}},
	"initcap":     {1, 1, "t", types.TypeText, &Func{Name: "initcap", Strict: true, Eval: evalInitcap}},
	"md5":         {1, 1, "t", types.TypeText, &Func{Name: "md5", Strict: true, Eval: evalMD5}},
	"split_part":  {3, 3, "tti", types.TypeText, &Func{Name: "split_part", Strict: true, Eval: evalSplitPart}},
	"concat_ws":   {1, 1 << 20, "ta", types.TypeText, &Func{Name: "concat_ws", Eval: evalConcatWS}},
	"trim":        {1, 2, "t", types.TypeText, &Func{Name: "trim", Strict: true, Eval: evalTrim(true, true)}},
	"btrim":       {1, 2, "t", types.TypeText, &Func{Name: "trim", Strict: true, Eval: evalTrim(true, true)}},
	"ltrim":       {1, 2, "t", types.TypeText, &Func{Name: "ltrim", Strict: true, Eval: evalTrim(true, false)}},
	"rtrim":       {1, 2, "t", types.TypeText, &Func{Name: "rtrim", Strict: true, Eval: evalTrim(false, true)}},
	"chr":         {1, 1, "i", types.TypeText, &Func{Name: "chr", Strict: true, Eval: evalChr}},
	"ascii":       {1, 1, "t", types.TypeBigInt, &Func{Name: "ascii", Strict: true, Eval: evalASCII}},
	"starts_with": {2, 2, "tt", types.TypeBool, &Func{Name: "starts_with", Strict: true, Eval: evalStartsWith}},
	"log10":       {1, 1, "f", types.TypeFloat, &Func{Name: "log10", Strict: true, Eval: evalLog}},
	"log":         {1, 2, "f", types.TypeFloat, &Func{Name: "log", Strict: true, Eval: evalLog}},
	"cbrt":        {1, 1, "f", types.TypeFloat, mathFn("cbrt", math.Cbrt)},
	"degrees":     {1, 1, "f", types.TypeFloat, mathFn("degrees", func(x float64) float64 { return x * 180 / math.Pi })},
	"radians":     {1, 1, "f", types.TypeFloat, mathFn("radians", func(x float64) float64 { return x * math.Pi / 180 })},
	"sin":         {1, 1, "f", types.TypeFloat, mathFn("sin", math.Sin)},
	"cos":         {1, 1, "f", types.TypeFloat, mathFn("cos", math.Cos)},
	"tan":         {1, 1, "f", types.TypeFloat, mathFn("tan", math.Tan)},
	"atan":        {1, 1, "f", types.TypeFloat, mathFn("atan", math.Atan)},
	"atan2": {2, 2, "f", types.TypeFloat, &Func{Name: "atan2", Strict: true, Eval: func(a []types.Datum, t types.Type) (types.Datum, error) {
		return types.Datum{Type: t, F: math.Atan2(a[0].F, a[1].F)}, nil
	}}},
	"pi": {0, 0, "f", types.TypeFloat, &Func{Name: "pi", Eval: func(_ []types.Datum, t types.Type) (types.Datum, error) {
		return types.Datum{Type: t, F: math.Pi}, nil
	}}},
}

func mathFn(name string, f func(float64) float64) *Func {
	return &Func{Name: name, Strict: true, Eval: func(a []types.Datum, t types.Type) (types.Datum, error) {
		return types.Datum{Type: t, F: f(a[0].F)}, nil
	}}
}

// evalLog is log(x) (base 10), log10(x) and log(b, x).
func evalLog(a []types.Datum, t types.Type) (types.Datum, error) {
	x := a[len(a)-1].F
	if x <= 0 {
		return types.Datum{}, fmt.Errorf("%w: cannot take logarithm of a non-positive number", ErrInvalidArgument)
	}
	if len(a) == 1 {
		return types.Datum{Type: t, F: math.Log10(x)}, nil
	}
	b := a[0].F
	if b <= 0 || b == 1 {
		return types.Datum{}, fmt.Errorf("%w: logarithm base must be positive and not 1", ErrInvalidArgument)
	}
	return types.Datum{Type: t, F: math.Log(x) / math.Log(b)}, nil
}

// typeStringCall checks and converts the arguments of a function of
// strFuncs; ok is false for any other name.
func (b *Binder) typeStringCall(name string, args []Expr, pos parser.Pos) (e Expr, ok bool, err error) {
	sig, ok := strFuncs[name]
	if !ok {
		return nil, false, nil
	}
	if len(args) < sig.min || len(args) > sig.max {
		return nil, true, bindErr(pos, "function %s takes %d to %d arguments, got %d", name, sig.min, min(sig.max, len(sig.kinds)), len(args))
	}
	for i := range args {
		switch sig.kinds[min(i, len(sig.kinds)-1)] {
		case 'f':
			if t := args[i].Type(); !t.IsNumeric() && !isUntyped(args[i]) && t.Family != types.Unknown {
				return nil, true, bindErr(pos, "function %s(%s) does not exist", name, t)
			}
			args[i], err = b.coerce(args[i], types.TypeFloat, pos)
		case 't':
			args[i], err = b.coerceText(args[i], pos, name)
		case 'a':
			args[i], err = b.toText(args[i], pos)
		case 'i':
			if t := args[i].Type(); t.Family != types.Int && !isUntyped(args[i]) && t.Family != types.Unknown {
				return nil, true, bindErr(pos, "function %s: argument %d must be an integer, not %s", name, i+1, t)
			}
			args[i], err = b.coerce(args[i], types.TypeBigInt, pos)
		}
		if err != nil {
			return nil, true, err
		}
	}
	return foldConst(&Call{Fn: sig.fn, Args: args, T: sig.result}), true, nil
}

func evalStrpos(a []types.Datum, t types.Type) (types.Datum, error) {
	i := bytes.Index(a[0].B, a[1].B)
	if i < 0 {
		return types.Datum{Type: t, I: 0}, nil
	}
	return types.Datum{Type: t, I: int64(utf8.RuneCount(a[0].B[:i])) + 1}, nil
}

// evalLeftRight is left(s, n) / right(s, n): the first / last n
// characters; a negative n drops |n| characters from the other end.
func evalLeftRight(left bool) func([]types.Datum, types.Type) (types.Datum, error) {
	return func(a []types.Datum, t types.Type) (types.Datum, error) {
		r := []rune(string(a[0].B))
		n := a[1].I
		if n < 0 {
			n = max(int64(len(r))+n, 0)
		}
		n = min(n, int64(len(r)))
		if left {
			return textOut(t, []byte(string(r[:n]))), nil
		}
		return textOut(t, []byte(string(r[int64(len(r))-n:]))), nil
	}
}

// maxStringLen bounds the strings lpad, rpad and repeat build, so a
// typo in a count is an error rather than an out-of-memory crash.
const maxStringLen = 1 << 28

// evalPad is lpad/rpad(s, n [, fill]): s cut or filled to n characters.
func evalPad(leftSide bool) func([]types.Datum, types.Type) (types.Datum, error) {
	return func(a []types.Datum, t types.Type) (types.Datum, error) {
		r := []rune(string(a[0].B))
		n := max(a[1].I, 0)
		if n > maxStringLen {
			return types.Datum{}, fmt.Errorf("%w: requested length too large", ErrInvalidArgument)
		}
		fill := []rune(" ")
		if len(a) > 2 {
			fill = []rune(string(a[2].B))
		}
		if n <= int64(len(r)) || len(fill) == 0 {
			return textOut(t, []byte(string(r[:min(n, int64(len(r)))]))), nil
		}
		pad := make([]rune, 0, n-int64(len(r)))
		for i := 0; int64(len(pad)) < n-int64(len(r)); i++ {
			pad = append(pad, fill[i%len(fill)])
		}
		if leftSide {
			return textOut(t, []byte(string(pad)+string(r))), nil
		}
		return textOut(t, []byte(string(r)+string(pad))), nil
	}
}

func evalReverse(a []types.Datum, t types.Type) (types.Datum, error) {
	r := []rune(string(a[0].B))
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return textOut(t, []byte(string(r))), nil
}

func evalRepeat(a []types.Datum, t types.Type) (types.Datum, error) {
	n := max(a[1].I, 0)
	if n > 0 && int64(len(a[0].B)) > maxStringLen/n {
		return types.Datum{}, fmt.Errorf("%w: requested length too large", ErrInvalidArgument)
	}
	return textOut(t, bytes.Repeat(a[0].B, int(n))), nil
}

// evalInitcap upper-cases the first letter of each run of letters and
// digits and lower-cases the rest, as PostgreSQL's initcap.
func evalInitcap(a []types.Datum, t types.Type) (types.Datum, error) {
	var out strings.Builder
	inWord := false
	for _, r := range string(a[0].B) {
		alnum := unicode.IsLetter(r) || unicode.IsDigit(r)
		switch {
		case alnum && !inWord:
			out.WriteRune(unicode.ToUpper(r))
		case alnum:
			out.WriteRune(unicode.ToLower(r))
		default:
			out.WriteRune(r)
		}
		inWord = alnum
	}
	return textOut(t, []byte(out.String())), nil
}

func evalMD5(a []types.Datum, t types.Type) (types.Datum, error) {
	sum := md5.Sum(a[0].B)
	return textOut(t, []byte(hex.EncodeToString(sum[:]))), nil
}

// evalSplitPart is split_part(s, delimiter, n): the n-th field, counted
// from the end when n is negative; ” past the last field.
func evalSplitPart(a []types.Datum, t types.Type) (types.Datum, error) {
	n := a[2].I
	if n == 0 {
		return types.Datum{}, fmt.Errorf("%w: field position must not be zero", ErrInvalidArgument)
	}
	var parts [][]byte
	if len(a[1].B) == 0 {
		parts = [][]byte{a[0].B}
	} else {
		parts = bytes.Split(a[0].B, a[1].B)
	}
	if n < 0 {
		n += int64(len(parts)) + 1
	}
	if n < 1 || n > int64(len(parts)) {
		return textOut(t, []byte{}), nil
	}
	return textOut(t, parts[n-1]), nil
}

// evalConcatWS joins the non-NULL arguments after the first with the
// first; a NULL separator gives NULL.
func evalConcatWS(a []types.Datum, t types.Type) (types.Datum, error) {
	if a[0].Null {
		return types.NullDatum(t), nil
	}
	var out []byte
	first := true
	for _, d := range a[1:] {
		if d.Null {
			continue
		}
		if !first {
			out = append(out, a[0].B...)
		}
		out = append(out, d.B...)
		first = false
	}
	return textOut(t, append([]byte{}, out...)), nil
}

// evalTrim removes the characters of the second argument (spaces by
// default: PostgreSQL leaves tabs and newlines) from either end.
func evalTrim(leading, trailing bool) func([]types.Datum, types.Type) (types.Datum, error) {
	return func(a []types.Datum, t types.Type) (types.Datum, error) {
		cut := " "
		if len(a) > 1 {
			cut = string(a[1].B)
		}
		s := string(a[0].B)
		if leading {
			s = strings.TrimLeft(s, cut)
		}
		if trailing {
			s = strings.TrimRight(s, cut)
		}
		return textOut(t, []byte(s)), nil
	}
}

func evalChr(a []types.Datum, t types.Type) (types.Datum, error) {
	c := a[0].I
	if c <= 0 || c > unicode.MaxRune || !utf8.ValidRune(rune(c)) {
		return types.Datum{}, fmt.Errorf("%w: requested character not valid: %d", ErrInvalidArgument, c)
	}
	return textOut(t, []byte(string(rune(c)))), nil
}

func evalASCII(a []types.Datum, t types.Type) (types.Datum, error) {
	r, _ := utf8.DecodeRune(a[0].B)
	if len(a[0].B) == 0 {
		r = 0
	}
	return types.Datum{Type: t, I: int64(r)}, nil
}

func evalStartsWith(a []types.Datum, _ types.Type) (types.Datum, error) {
	return types.BoolDatum(bytes.HasPrefix(a[0].B, a[1].B)), nil
}
