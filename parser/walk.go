package parser

// Walk calls visit for n and then, if visit returns true, for each of
// n's children in source order, depth first. Children are the nodes
// below n: statements, queries (*SelectStmt, *SelectCore, *SetOpExpr,
// *With, *CTE), select and order items, FROM items, column definitions,
// assignments, window specs, WHEN arms and expressions, including those
// inside subqueries. Nil children are skipped. The binder uses it to find
// aggregates, parameters or column references without a type switch of
// its own.
func Walk(n Node, visit func(Node) bool) {
	if isNil(n) || !visit(n) {
		return
	}
	for _, c := range children(n) {
		Walk(c, visit)
	}
}

// isNil reports a nil interface or a typed nil pointer of any node type.
func isNil(n Node) bool {
	if n == nil {
		return true
	}
	switch v := n.(type) {
	case *SelectStmt:
		return v == nil
	case *With:
		return v == nil
	case *WindowSpec:
		return v == nil
	case *ForeignKeyRef:
		return v == nil
	case *TableName:
		return v == nil
	}
	return false
}

func exprNodes(es []Expr) []Node {
	out := make([]Node, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

func itemNodes(items []*SelectItem) []Node {
	out := make([]Node, len(items))
	for i, it := range items {
		out[i] = it
	}
	return out
}

func orderNodes(items []*OrderItem) []Node {
	out := make([]Node, len(items))
	for i, it := range items {
		out[i] = it
	}
	return out
}

// children lists the direct children of n (possibly with nils, which
// Walk skips).
func children(n Node) []Node {
	switch n := n.(type) {
	case *CreateTableStmt:
		var out []Node
		for _, c := range n.Columns {
			out = append(out, c)
		}
		return out
	case *ColumnDef:
		return []Node{n.Default}
	case *AlterTableStmt:
		return []Node{n.Action}
	case *AddColumn:
		return []Node{n.Column}
	case *InsertStmt:
		out := []Node{n.Table}
		for _, row := range n.Rows {
			out = append(out, exprNodes(row)...)
		}
		out = append(out, n.Query)
		if oc := n.OnConflict; oc != nil {
			for _, a := range oc.Set {
				out = append(out, a)
			}
			out = append(out, oc.Where)
		}
		return append(out, itemNodes(n.Returning)...)
	case *UpdateStmt:
		out := []Node{n.Table}
		for _, a := range n.Set {
			out = append(out, a)
		}
		for _, t := range n.From {
			out = append(out, t)
		}
		return append(append(out, n.Where), itemNodes(n.Returning)...)
	case *Assignment:
		return []Node{n.Value}
	case *DeleteStmt:
		out := []Node{n.Table}
		for _, t := range n.Using {
			out = append(out, t)
		}
		return append(append(out, n.Where), itemNodes(n.Returning)...)
	case *ExplainStmt:
		return []Node{n.Stmt}
	case *SelectStmt:
		out := []Node{n.With, n.Body}
		return append(append(out, orderNodes(n.OrderBy)...), n.Limit, n.Offset)
	case *With:
		out := make([]Node, len(n.CTEs))
		for i, c := range n.CTEs {
			out[i] = c
		}
		return out
	case *CTE:
		return []Node{n.Query}
	case *SetOpExpr:
		return []Node{n.Left, n.Right}
	case *ValuesExpr:
		var out []Node
		for _, row := range n.Rows {
			out = append(out, exprNodes(row)...)
		}
		return out
	case *SelectCore:
		out := append(exprNodes(n.DistinctOn), itemNodes(n.Items)...)
		for _, t := range n.From {
			out = append(out, t)
		}
		out = append(out, n.Where)
		return append(append(out, exprNodes(n.GroupBy)...), n.Having)
	case *SelectItem:
		return []Node{n.Expr}
	case *OrderItem:
		return []Node{n.Expr}
	case *DerivedTable:
		return []Node{n.Query}
	case *TableFunc:
		return exprNodes(n.Args)
	case *JoinExpr:
		return []Node{n.Left, n.Right, n.On}
	case *UnaryExpr:
		return []Node{n.Operand}
	case *BinaryExpr:
		return []Node{n.Left, n.Right}
	case *IsNullExpr:
		return []Node{n.Expr}
	case *InListExpr:
		return append([]Node{n.Expr}, exprNodes(n.List)...)
	case *QuantifiedExpr:
		return []Node{n.Expr, n.Query}
	case *InSubqueryExpr:
		return []Node{n.Expr, n.Query}
	case *BetweenExpr:
		return []Node{n.Expr, n.Low, n.High}
	case *LikeExpr:
		return []Node{n.Expr, n.Pattern, n.Escape}
	case *CaseExpr:
		out := []Node{n.Operand}
		for _, w := range n.Whens {
			out = append(out, w)
		}
		return append(out, n.Else)
	case *When:
		return []Node{n.Cond, n.Result}
	case *CastExpr:
		return []Node{n.Expr}
	case *FuncCall:
		return append(exprNodes(n.Args), n.Filter, n.Over)
	case *WindowSpec:
		return append(exprNodes(n.PartitionBy), orderNodes(n.OrderBy)...)
	case *SubqueryExpr:
		return []Node{n.Query}
	case *ExistsExpr:
		return []Node{n.Query}
	}
	return nil // leaves: names, literals, parameters, DDL without expressions
}
