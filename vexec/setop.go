package vexec

import (
	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/optimizer"
	"github.com/aegisdb/aegis/parser"
)

// setOp runs UNION, INTERSECT and EXCEPT, with or without ALL, by hashing
// whole rows (NULLs compare equal here, as SQL's set operations want).
type setOp struct {
	left, right Operator
	node        *optimizer.SetOp
	ctx         *Context
	onRight     bool
	seen        map[string]int // UNION: rows emitted; others: right-side counts
	sel         []int
	key         []byte
}

func (s *setOp) Open(ctx *Context) error {
	s.ctx, s.onRight = ctx, false
	s.seen = map[string]int{}
	if err := s.left.Open(ctx); err != nil {
		return err
	}
	if s.node.Op == parser.Union {
		return s.right.Open(ctx)
	}
	// INTERSECT and EXCEPT: count the right side's rows first.
	if err := s.right.Open(ctx); err != nil {
		return err
	}
	defer s.right.Close()
	for {
		b, err := s.right.Next()
		if err != nil {
			return err
		}
		if b == nil {
			return nil
		}
		for i := 0; i < b.Rows(); i++ {
			s.key = rowKey(s.key[:0], b, b.Row(i))
			s.seen[string(s.key)]++
		}
	}
}

func (s *setOp) Next() (*types.Batch, error) {
	for {
		var b *types.Batch
		var err error
		if !s.onRight {
			b, err = s.left.Next()
			if err != nil {
				return nil, err
			}
			if b == nil {
				if s.node.Op != parser.Union {
					return nil, nil
				}
				s.onRight = true
				continue
			}
		} else {
			b, err = s.right.Next()
			if b == nil || err != nil {
				return nil, err
			}
		}
		if s.node.Op == parser.Union && s.node.All {
			return b, nil
		}
		s.sel = s.sel[:0]
		for i := 0; i < b.Rows(); i++ {
			r := b.Row(i)
			s.key = rowKey(s.key[:0], b, r)
			k := string(s.key)
			keep := false
			switch s.node.Op {
			case parser.Union:
				if s.seen[k] == 0 {
					s.seen[k] = 1
					keep = true
				}
			case parser.Intersect:
				if s.seen[k] > 0 {
					keep = true
					if s.node.All {
						s.seen[k]--
					} else {
						s.seen[k] = 0
					}
				}
			case parser.Except:
				switch {
				case s.node.All && s.seen[k] > 0:
					s.seen[k]--
				case s.node.All:
					keep = true
				case s.seen[k] == 0:
					keep = true
					s.seen[k] = -1 // emitted once
				}
			}
			if keep {
				s.sel = append(s.sel, r)
			}
		}
		if len(s.sel) > 0 {
			b.Sel = s.sel
			return b, nil
		}
	}
}

func (s *setOp) Close() {
	s.left.Close()
	if s.node.Op == parser.Union {
		s.right.Close()
	}
}
