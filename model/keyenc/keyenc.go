package keyenc

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
)

// Tag bytes: the first byte of every encoded value, ascending order.
const (
	tagNull   byte = 0x05
	tagFalse  byte = 0x10
	tagTrue   byte = 0x11
	tagInt    byte = 0x20
	tagFloat  byte = 0x30
	tagString byte = 0x40
	tagBytes  byte = 0x41
)

const (
	escapeByte  byte = 0x00 // a 0x00 inside a string is written 0x00 0xff
	escapedZero byte = 0xff
	termByte    byte = 0x01 // a string ends with 0x00 0x01
)

// Kind is the physical kind of an encoded value.
type Kind uint8

const (
	KindNull Kind = iota
	KindBool
	KindInt
	KindFloat
	KindString
	KindBytes
)

func (k Kind) String() string {
	switch k {
	case KindNull:
		return "null"
	case KindBool:
		return "bool"
	case KindInt:
		return "int"
	case KindFloat:
		return "float"
	case KindString:
		return "string"
	case KindBytes:
		return "bytes"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Direction orders one column.
type Direction bool

const (
	Ascending  Direction = false
	Descending Direction = true
)

// AppendNull appends a NULL.
func AppendNull(dst []byte, dir Direction) []byte {
	return appendTag(dst, tagNull, dir)
}

// AppendBool appends b; false sorts before true.
func AppendBool(dst []byte, b bool, dir Direction) []byte {
	if b {
		return appendTag(dst, tagTrue, dir)
	}
	return appendTag(dst, tagFalse, dir)
}

// AppendInt appends v.
func AppendInt(dst []byte, v int64, dir Direction) []byte {
	dst = appendTag(dst, tagInt, dir)
	return appendUint64(dst, uint64(v)^(1<<63), dir)
}

// canonicalNaN is the one NaN bit pattern keys hold.
const canonicalNaN = 0x7ff8000000000000

// AppendFloat appends f. -0 encodes as +0 and every NaN as one NaN that
// sorts after +Inf.
func AppendFloat(dst []byte, f float64, dir Direction) []byte {
	dst = appendTag(dst, tagFloat, dir)
	return appendUint64(dst, floatBits(f), dir)
}

func floatBits(f float64) uint64 {
	if f == 0 {
		f = 0 // folds -0 into +0
	}
	bits := math.Float64bits(f)
	if f != f {
		bits = canonicalNaN
	}
	if bits&(1<<63) != 0 {
		return ^bits
	}
	return bits | 1<<63
}

func floatFromBits(u uint64) float64 {
	if u&(1<<63) != 0 {
		return math.Float64frombits(u &^ (1 << 63))
	}
	return math.Float64frombits(^u)
}

// AppendString appends s.
func AppendString(dst []byte, s string, dir Direction) []byte {
	dst = appendTag(dst, tagString, dir)
	return appendEscaped(dst, s, dir)
}

// AppendBytes appends b. Byte strings sort after every text string.
func AppendBytes(dst []byte, b []byte, dir Direction) []byte {
	dst = appendTag(dst, tagBytes, dir)
	return appendEscaped(dst, b, dir)
}

func appendTag(dst []byte, tag byte, dir Direction) []byte {
	if dir == Descending {
		tag = ^tag
	}
	return append(dst, tag)
}

func appendUint64(dst []byte, u uint64, dir Direction) []byte {
	if dir == Descending {
		u = ^u
	}
	return binary.BigEndian.AppendUint64(dst, u)
}

func appendEscaped[S string | []byte](dst []byte, s S, dir Direction) []byte {
	start := len(dst)
	for i := 0; i < len(s); i++ {
		if s[i] == escapeByte {
			dst = append(dst, escapeByte, escapedZero)
		} else {
			dst = append(dst, s[i])
		}
	}
	dst = append(dst, escapeByte, termByte)
	if dir == Descending {
		invert(dst[start:])
	}
	return dst
}

func invert(b []byte) {
	for i := range b {
		b[i] = ^b[i]
	}
}

// PrefixEnd returns the smallest key greater than every key that starts
// with prefix, or nil when there is none (prefix is empty or all 0xff).
// It is the exclusive upper bound of a scan over a tuple prefix.
func PrefixEnd(prefix []byte) []byte {
	end := bytes.Clone(prefix)
	for i := len(end) - 1; i >= 0; i-- {
		end[i]++
		if end[i] != 0 {
			return end[:i+1]
		}
	}
	return nil
}

// Value is one decoded value. Only the field of its Kind is set; Str holds
// both strings and byte strings and aliases nothing (it is a copy).
type Value struct {
	Kind  Kind
	Bool  bool
	Int   int64
	Float float64
	Str   []byte
}

func (v Value) String() string {
	switch v.Kind {
	case KindNull:
		return "NULL"
	case KindBool:
		return fmt.Sprint(v.Bool)
	case KindInt:
		return fmt.Sprint(v.Int)
	case KindFloat:
		return fmt.Sprint(v.Float)
	case KindString:
		return fmt.Sprintf("%q", v.Str)
	case KindBytes:
		return fmt.Sprintf("x'%x'", v.Str)
	}
	return v.Kind.String()
}

// Decoder reads the values of one key in order. Each column must be read
// with the direction it was written with.
type Decoder struct {
	key []byte
	off int
}

// NewDecoder starts decoding key.
func NewDecoder(key []byte) *Decoder { return &Decoder{key: key} }

// Done reports whether every byte of the key was read.
func (d *Decoder) Done() bool { return d.off >= len(d.key) }

// Offset is the number of bytes read so far.
func (d *Decoder) Offset() int { return d.off }

// Rest returns the bytes not read yet (aliasing the key).
func (d *Decoder) Rest() []byte { return d.key[d.off:] }

func (d *Decoder) fail(at int, format string, args ...any) error {
	return &DecodeError{Offset: at, Reason: fmt.Sprintf(format, args...)}
}

// PeekKind returns the kind of the next value without reading it.
func (d *Decoder) PeekKind(dir Direction) (Kind, error) {
	if d.Done() {
		return 0, d.fail(d.off, "expected a value, found the end of the key")
	}
	tag := d.key[d.off]
	if dir == Descending {
		tag = ^tag
	}
	switch tag {
	case tagNull:
		return KindNull, nil
	case tagFalse, tagTrue:
		return KindBool, nil
	case tagInt:
		return KindInt, nil
	case tagFloat:
		return KindFloat, nil
	case tagString:
		return KindString, nil
	case tagBytes:
		return KindBytes, nil
	}
	return 0, d.fail(d.off, "unknown tag 0x%02x", tag)
}

// Next decodes the next value.
func (d *Decoder) Next(dir Direction) (Value, error) {
	kind, err := d.PeekKind(dir)
	if err != nil {
		return Value{}, err
	}
	start := d.off
	d.off++ // the tag
	v := Value{Kind: kind}
	switch kind {
	case KindBool:
		tag := d.key[start]
		if dir == Descending {
			tag = ^tag
		}
		v.Bool = tag == tagTrue
	case KindInt, KindFloat:
		if len(d.key)-d.off < 8 {
			d.off = start
			return Value{}, d.fail(start, "%s needs 8 bytes, %d left", kind, len(d.key)-start-1)
		}
		u := binary.BigEndian.Uint64(d.key[d.off:])
		if dir == Descending {
			u = ^u
		}
		d.off += 8
		if kind == KindInt {
			v.Int = int64(u ^ 1<<63)
		} else {
			v.Float = floatFromBits(u)
		}
	case KindString, KindBytes:
		s, err := d.unescape(start, dir)
		if err != nil {
			d.off = start
			return Value{}, err
		}
		v.Str = s
	}
	return v, nil
}

// unescape reads an escaped, terminated string starting at d.off.
func (d *Decoder) unescape(start int, dir Direction) ([]byte, error) {
	flip := byte(0)
	if dir == Descending {
		flip = 0xff
	}
	out := []byte{}
	for i := d.off; i < len(d.key); i++ {
		c := d.key[i] ^ flip
		if c != escapeByte {
			out = append(out, c)
			continue
		}
		if i+1 >= len(d.key) {
			break
		}
		switch d.key[i+1] ^ flip {
		case escapedZero:
			out = append(out, 0)
			i++
		case termByte:
			d.off = i + 2
			return out, nil
		default:
			return nil, d.fail(i, "bad escape 0x00 0x%02x in a string", d.key[i+1]^flip)
		}
	}
	return nil, d.fail(start, "string has no terminator")
}

// Skip reads past the next value without decoding it into a Value.
func (d *Decoder) Skip(dir Direction) error {
	_, err := d.Next(dir)
	return err
}
