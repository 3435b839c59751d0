package optimizer

import (
	"errors"
	"fmt"

	"github.com/aegisdb/aegis/parser"
)

var (
	// ErrBind matches every error about names and types found while
	// binding a statement (unknown table or column, type mismatch, an
	// aggregate where none is allowed, ...). The *Error carries the position.
	ErrBind = errors.New("optimizer: invalid statement")
	// ErrUnsupported: a feature the grammar accepts that the engine does
	// not run (WITH RECURSIVE, ...).
	ErrUnsupported = errors.New("optimizer: not supported")
	// ErrCast: a value that cannot be converted to the type asked for.
	ErrCast = errors.New("invalid value for type")
	// ErrOverflow: an arithmetic result out of its type's range.
	ErrOverflow = errors.New("numeric value out of range")
	// ErrDivisionByZero: x / 0 or x % 0.
	ErrDivisionByZero = errors.New("division by zero")
	// ErrInvalidArgument: a function argument outside its domain.
	ErrInvalidArgument = errors.New("invalid argument")
	// ErrSubqueryRows: a scalar subquery returned more than one row.
	ErrSubqueryRows = errors.New("more than one row returned by a subquery used as an expression")
)

// Error is a binding error at a position of the statement.
type Error struct {
	Pos parser.Pos
	Msg string
	Err error
}

func (e *Error) Error() string {
	if e.Pos.Line > 0 {
		return fmt.Sprintf("line %d, column %d: %s", e.Pos.Line, e.Pos.Column, e.Msg)
	}
	return e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

func bindErr(p parser.Pos, format string, args ...any) error {
	return &Error{Pos: p, Msg: fmt.Sprintf(format, args...), Err: ErrBind}
}

func unsupported(p parser.Pos, format string, args ...any) error {
	return &Error{Pos: p, Msg: fmt.Sprintf(format, args...), Err: ErrUnsupported}
}
