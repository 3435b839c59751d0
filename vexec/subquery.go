package vexec

import (
	"errors"
	"fmt"

	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/optimizer"
)

// ErrExec matches errors raised while running a plan.
var ErrExec = errors.New("vexec: execution error")

func errorf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrExec, fmt.Sprintf(format, args...))
}

// subqueryEval runs a nested query: once for an uncorrelated one, once
// per row for a correlated one (with the row published as the enclosing
// level's current row).
type subqueryEval struct {
	sub *optimizer.Subquery
	in  evaluator // the left side of IN
	out types.Vector

	op   Operator
	done bool // an uncorrelated result is cached
	// cached results
	scalar types.Datum
	exists bool
	set    map[string]bool
	vals   []types.Datum // SubQuant's non-NULL values
	null   bool
	key    []byte
}

func (s *subqueryEval) eval(ctx *Context, b *types.Batch, sel []int) (*types.Vector, error) {
	var xv *types.Vector
	if s.in != nil {
		v, err := s.in.eval(ctx, b, sel)
		if err != nil {
			return nil, err
		}
		xv = cloneVector(v, sel)
	}
	prepare(&s.out, s.sub.T, b.Len)
	level := s.sub.Level - 1
	if ctx.outer == nil {
		ctx.outer = map[int][]types.Datum{}
	}
	saved, hadSaved := ctx.outer[level]
	defer func() {
		if hadSaved {
			ctx.outer[level] = saved
		} else {
			delete(ctx.outer, level)
		}
	}()
	row := make([]types.Datum, len(b.Vecs))
	for _, i := range sel {
		if s.sub.Correlated || !s.done {
			if s.sub.Correlated {
				for c, v := range b.Vecs {
					row[c] = v.Get(i)
				}
				ctx.outer[level] = row
			}
			if err := s.run(ctx); err != nil {
				return nil, err
			}
			s.done = true
		}
		switch s.sub.Kind {
		case optimizer.SubScalar:
			set(&s.out, i, s.scalar)
		case optimizer.SubExists:
			s.out.Ints[i] = b2i(s.exists)
		case optimizer.SubIn:
			if xv.IsNull(i) {
				if len(s.set) > 0 || s.null {
					setNull(&s.out, i)
				} else {
					s.out.Ints[i] = b2i(s.sub.Not)
				}
				continue
			}
			s.key = hashKey(s.key[:0], xv.Get(i))
			switch {
			case s.set[string(s.key)]:
				s.out.Ints[i] = b2i(!s.sub.Not)
			case s.null:
				setNull(&s.out, i)
			default:
				s.out.Ints[i] = b2i(s.sub.Not)
			}
		case optimizer.SubQuant:
			r, err := s.quantified(xv.Get(i))
			if err != nil {
				return nil, err
			}
			if r.Null {
				setNull(&s.out, i)
			} else {
				s.out.Ints[i] = b2i(r.Bool())
			}
		}
	}
	return &s.out, nil
}

// quantified is x cmp ANY / ALL over the subquery's rows, with SQL's
// three-valued logic: ANY is true when one comparison is, ALL false when
// one is; otherwise a NULL met on the way (x or a row) makes it NULL, and
// an empty subquery gives false for ANY and true for ALL.
func (s *subqueryEval) quantified(x types.Datum) (types.Datum, error) {
	all := s.sub.All
	if len(s.vals) == 0 && !s.null {
		return types.BoolDatum(all), nil
	}
	if x.Null {
		return types.NullDatum(types.TypeBool), nil
	}
	for _, v := range s.vals {
		r, err := optimizer.EvalCall(s.sub.Cmp, []types.Datum{x, v}, types.TypeBool)
		if err != nil {
			return types.Datum{}, err
		}
		if r.Bool() != all {
			return types.BoolDatum(!all), nil
		}
	}
	if s.null {
		return types.NullDatum(types.TypeBool), nil
	}
	return types.BoolDatum(all), nil
}

// run executes the subquery plan and keeps what its kind needs.
func (s *subqueryEval) run(ctx *Context) error {
	if s.op == nil {
		op, err := Build(s.sub.Plan)
		if err != nil {
			return err
		}
		s.op = op
	}
	if err := s.op.Open(ctx); err != nil {
		s.op.Close()
		return err
	}
	defer s.op.Close()
	s.scalar = types.NullDatum(s.sub.T)
	s.exists, s.null = false, false
	if s.sub.Kind == optimizer.SubIn {
		s.set = map[string]bool{}
	}
	s.vals = s.vals[:0]
	rows := 0
	for {
		b, err := s.op.Next()
		if err != nil {
			return err
		}
		if b == nil {
			return nil
		}
		n := b.Rows()
		if n == 0 {
			continue
		}
		switch s.sub.Kind {
		case optimizer.SubExists:
			s.exists = true
			return nil
		case optimizer.SubScalar:
			rows += n
			if rows > 1 {
				return optimizer.ErrSubqueryRows
			}
			d := b.Vecs[0].Get(b.Row(0))
			if d.B != nil {
				d.B = append([]byte(nil), d.B...)
			}
			s.scalar = d
		case optimizer.SubIn:
			for k := 0; k < n; k++ {
				d := b.Vecs[0].Get(b.Row(k))
				if d.Null {
					s.null = true
					continue
				}
				s.set[string(hashKey(nil, d))] = true
			}
		case optimizer.SubQuant:
			for k := 0; k < n; k++ {
				d := b.Vecs[0].Get(b.Row(k))
				if d.Null {
					s.null = true
					continue
				}
				if d.B != nil {
					d.B = append([]byte(nil), d.B...)
				}
				s.vals = append(s.vals, d)
			}
		}
	}
}
