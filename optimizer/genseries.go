package optimizer

import (
	"github.com/aegisdb/aegis/model/types"
	"github.com/aegisdb/aegis/parser"
)

// generate_series(start, stop [, step]) over integers, as a table
// function in FROM. It is planned as the recursive query it amounts to
// (WITH RECURSIVE s(n) AS (SELECT start WHERE start <= stop UNION ALL
// SELECT n + step FROM s WHERE n + step <= stop)), so it runs on the
// RecursiveUnion operator and shares its row limit.

func (b *Binder) bindGenerateSeries(tf *parser.TableFunc) (Node, *scope, error) {
	if len(tf.Args) < 2 || len(tf.Args) > 3 {
		return nil, nil, bindErr(tf.Pos, "generate_series takes 2 or 3 arguments (start, stop [, step]), got %d", len(tf.Args))
	}
	args := []Expr{nil, nil, &Const{D: types.IntDatum(1)}}
	b.scopes = append(b.scopes, &scope{}) // arguments see no FROM columns
	defer func() { b.scopes = b.scopes[:len(b.scopes)-1] }()
	for i, a := range tf.Args {
		e, err := b.bindExpr(a, exprCtx{clause: "table function arguments"})
		if err != nil {
			return nil, nil, err
		}
		if t := e.Type(); t.Family != types.Int && !isUntyped(e) && t.Family != types.Unknown {
			return nil, nil, unsupported(a.Position(), "generate_series over %s is not implemented (integers only)", t)
		}
		if args[i], err = b.coerce(e, types.TypeBigInt, a.Position()); err != nil {
			return nil, nil, err
		}
	}
	step, ok := foldAll(args[2])
	if !ok {
		return nil, nil, unsupported(tf.Pos, "the step of generate_series must be a constant")
	}
	if !step.D.Null && step.D.I == 0 {
		return nil, nil, bindErr(tf.Pos, "step size cannot equal zero")
	}
	cmp := parser.OpLe
	if step.D.I < 0 {
		cmp = parser.OpGe
	}
	out := []Column{{Name: "generate_series", Type: types.TypeBigInt}}
	first, err := b.bindBinary(cmp, args[0], args[1], tf.Pos)
	if err != nil {
		return nil, nil, err
	}
	id := b.nextWorkID
	b.nextWorkID++
	n := &ColRef{Idx: 0, Name: "generate_series", T: types.TypeBigInt}
	next, err := b.bindBinary(parser.OpAdd, n, step, tf.Pos)
	if err != nil {
		return nil, nil, err
	}
	more, err := b.bindBinary(cmp, next, args[1], tf.Pos)
	if err != nil {
		return nil, nil, err
	}
	ru := &RecursiveUnion{ID: id, Name: "generate_series", All: true, Out: out,
		Init:  &Filter{Input: &Values{Rows: [][]Expr{{args[0]}}, Out: out}, Pred: first},
		Recur: &Project{Input: &Filter{Input: &WorkTable{ID: id, Name: "generate_series", Out: out}, Pred: more}, Exprs: []Expr{next}, Out: out},
	}
	alias, cols := tf.Alias, tf.Columns
	if alias == "" {
		alias = "generate_series"
	} else if len(cols) == 0 {
		cols = []string{alias} // (a function of one column takes the alias as its name)
	}
	return renameOutput(ru, alias, cols, tf.Pos)
}
