package parser

import (
	"errors"
	"fmt"
)

var (
	// ErrSyntax marks input that is not AegisQL: a bad token, a token in
	// the wrong place, or a construct the grammar refuses (an unknown type
	// name, a bad index method). Match it with errors.Is; the position and
	// message are in the *Error.
	ErrSyntax = errors.New("parser: syntax error")
	// ErrTooDeep marks input nested deeper than MaxDepth (parentheses,
	// CASE, prefix operators) or with more than MaxChain operators in one
	// chain. It is refused before the grammar recurses, so deep input
	// cannot exhaust the stack.
	ErrTooDeep = errors.New("parser: input nested too deeply")
)

// Error is what Parse and ParseScript return for input they refuse. Line
// and Column are 1-based and count runes; Msg says what was found and
// what was expected.
type Error struct {
	Line   int
	Column int
	Msg    string
	Err    error // ErrSyntax or ErrTooDeep
}

func (e *Error) Error() string {
	return fmt.Sprintf("parser: %d:%d: %s", e.Line, e.Column, e.Msg)
}

// Unwrap lets errors.Is match ErrSyntax or ErrTooDeep.
func (e *Error) Unwrap() error { return e.Err }

func errorAt(p Pos, format string, args ...any) *Error {
	return &Error{Line: p.Line, Column: p.Column, Msg: fmt.Sprintf(format, args...), Err: ErrSyntax}
}
