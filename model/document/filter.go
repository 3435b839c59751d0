package document

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Filter is a compiled MongoDB-style filter:
//
//	{"status": "active"}                       implicit $eq
//	{"age": {"$gte": 21, "$lt": 65}}           every operator must hold
//	{"$or": [{"a": 1}, {"b": {"$exists": true}}]}
//	{"name": {"$not": {"$regex": "^a", "$options": "i"}}}
//
// Operators: $eq $ne $gt $gte $lt $lte $in $nin $exists $regex (with
// $options i, m, s) $not, and at the top level $and $or. Semantics
// (each tested): a condition on an array field holds if it holds for the
// array or for any element; $eq null also matches a missing field, and
// $ne / $nin are the exact negations of $eq / $in (so they match missing
// fields); range operators compare numbers with numbers and strings with
// strings only (a type mismatch never matches); $regex matches strings
// only.
type Filter struct {
	root  node
	conjs []conj // top-level AND conditions, for index selection
}

type node interface{ match(doc map[string]any) bool }

type andNode []node
type orNode []node
type notNode struct{ n node }

// fieldNode tests one operator against a path.
type fieldNode struct {
	path path
	op   string
	arg  any
	args []any // $in / $nin
	re   *regexp.Regexp
}

// conj is a top-level condition an index may serve.
type conj struct {
	path string
	op   string
	arg  any
	args []any
}

func (n andNode) match(d map[string]any) bool {
	for _, c := range n {
		if !c.match(d) {
			return false
		}
	}
	return true
}

func (n orNode) match(d map[string]any) bool {
	for _, c := range n {
		if c.match(d) {
			return true
		}
	}
	return false
}

func (n notNode) match(d map[string]any) bool { return !n.n.match(d) }

func (n *fieldNode) match(d map[string]any) bool {
	cands, found := candidates(d, n.path)
	switch n.op {
	case "$eq":
		return eqAny(cands, found, n.arg)
	case "$ne":
		return !eqAny(cands, found, n.arg)
	case "$in", "$nin":
		in := false
		for _, a := range n.args {
			if eqAny(cands, found, a) {
				in = true
				break
			}
		}
		return in == (n.op == "$in")
	case "$exists":
		return found == n.arg.(bool)
	case "$regex":
		for _, c := range cands {
			if s, ok := c.(string); ok && n.re.MatchString(s) {
				return true
			}
		}
		return false
	}
	for _, c := range cands { // $gt $gte $lt $lte
		if typeRank(c) != typeRank(n.arg) {
			continue
		}
		r := compare(c, n.arg)
		if (n.op == "$gt" && r > 0) || (n.op == "$gte" && r >= 0) || (n.op == "$lt" && r < 0) || (n.op == "$lte" && r <= 0) {
			return true
		}
	}
	return false
}

func eqAny(cands []any, found bool, arg any) bool {
	if arg == nil && !found {
		return true
	}
	for _, c := range cands {
		if equal(c, arg) {
			return true
		}
	}
	return false
}

// Match reports whether the document data matches.
func (f *Filter) Match(data map[string]any) bool { return f.root == nil || f.root.match(data) }

// CompileFilter checks and compiles a filter decoded from JSON. A nil or
// empty filter matches everything.
func CompileFilter(f map[string]any) (*Filter, error) {
	out := &Filter{}
	n, err := compileDoc(f, &out.conjs)
	if err != nil {
		return nil, err
	}
	out.root = n
	return out, nil
}

// compileDoc compiles one filter document (an implicit AND of its
// entries); conjs, when non-nil, collects index-usable conditions.
func compileDoc(f map[string]any, conjs *[]conj) (node, error) {
	keys := sortedKeys(f) // deterministic order of evaluation and errors
	var and andNode
	for _, k := range keys {
		v := f[k]
		switch k {
		case "$and", "$or":
			list, ok := v.([]any)
			if !ok || len(list) == 0 {
				return nil, badFilter("%s needs a non-empty array of filters", k)
			}
			var subs []node
			for i, e := range list {
				m, ok := e.(map[string]any)
				if !ok {
					return nil, badFilter("%s element %d is not an object", k, i)
				}
				var sc *[]conj
				if k == "$and" {
					sc = conjs
				}
				n, err := compileDoc(m, sc)
				if err != nil {
					return nil, err
				}
				subs = append(subs, n)
			}
			if k == "$and" {
				and = append(and, andNode(subs))
			} else {
				and = append(and, orNode(subs))
			}
			continue
		}
		if strings.HasPrefix(k, "$") {
			return nil, badFilter("unknown top-level operator %s", k)
		}
		p, err := parsePath(k)
		if err != nil {
			return nil, fmt.Errorf("%w (%w)", err, ErrBadFilter)
		}
		n, err := compileField(k, p, v, conjs)
		if err != nil {
			return nil, err
		}
		and = append(and, n)
	}
	if len(and) == 1 {
		return and[0], nil
	}
	return and, nil
}

// isOperatorDoc reports whether v is {"$op": ...}; an object mixing
// operators and plain keys is an error.
func isOperatorDoc(name string, v any) (map[string]any, bool, error) {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return nil, false, nil
	}
	ops := 0
	for k := range m {
		if strings.HasPrefix(k, "$") {
			ops++
		}
	}
	switch ops {
	case 0:
		return nil, false, nil
	case len(m):
		return m, true, nil
	}
	return nil, false, badFilter("%s mixes operators and fields", name)
}

func compileField(name string, p path, v any, conjs *[]conj) (node, error) {
	ops, isOps, err := isOperatorDoc(name, v)
	if err != nil {
		return nil, err
	}
	if !isOps {
		addConj(conjs, name, "$eq", v, nil)
		return &fieldNode{path: p, op: "$eq", arg: v}, nil
	}
	keys := make([]string, 0, len(ops))
	for k := range ops {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var and andNode
	for _, op := range keys {
		arg := ops[op]
		n := &fieldNode{path: p, op: op, arg: arg}
		switch op {
		case "$eq", "$ne":
			if op == "$eq" {
				addConj(conjs, name, op, arg, nil)
			}
		case "$gt", "$gte", "$lt", "$lte":
			switch arg.(type) {
			case float64, string:
			default:
				return nil, badFilter("%s on %s needs a number or a string, not %s", op, name, typeName(arg))
			}
			addConj(conjs, name, op, arg, nil)
		case "$in", "$nin":
			list, ok := arg.([]any)
			if !ok {
				return nil, badFilter("%s on %s needs an array", op, name)
			}
			n.args = list
			if op == "$in" {
				addConj(conjs, name, op, nil, list)
			}
		case "$exists":
			if _, ok := arg.(bool); !ok {
				return nil, badFilter("$exists on %s needs true or false", name)
			}
		case "$regex":
			re, err := compileRegex(name, arg, ops["$options"])
			if err != nil {
				return nil, err
			}
			n.re = re
		case "$options":
			if _, ok := ops["$regex"]; !ok {
				return nil, badFilter("$options on %s without $regex", name)
			}
			continue
		case "$not":
			inner, isOps, err := isOperatorDoc(name, arg)
			if err != nil {
				return nil, err
			}
			if !isOps {
				return nil, badFilter("$not on %s needs an operator object such as {\"$gt\": 5}", name)
			}
			sub, err := compileField(name, p, inner, nil)
			if err != nil {
				return nil, err
			}
			and = append(and, notNode{sub})
			continue
		default:
			return nil, badFilter("unknown operator %s on %s", op, name)
		}
		and = append(and, n)
	}
	if len(and) == 1 {
		return and[0], nil
	}
	return and, nil
}

func compileRegex(name string, arg, opts any) (*regexp.Regexp, error) {
	pat, ok := arg.(string)
	if !ok {
		return nil, badFilter("$regex on %s needs a string", name)
	}
	flags := ""
	if opts != nil {
		o, ok := opts.(string)
		if !ok {
			return nil, badFilter("$options on %s needs a string", name)
		}
		for _, c := range o {
			if !strings.ContainsRune("ims", c) {
				return nil, badFilter("$options on %s: unknown flag %q (want i, m, s)", name, c)
			}
		}
		flags = o
	}
	if flags != "" {
		pat = "(?" + flags + ")" + pat
	}
	re, err := regexp.Compile(pat)
	if err != nil {
		return nil, badFilter("$regex on %s: %v", name, err)
	}
	return re, nil
}

func addConj(conjs *[]conj, name, op string, arg any, args []any) {
	if conjs == nil {
		return
	}
	if op == "$in" {
		for _, a := range args {
			if !isScalar(a) {
				return
			}
		}
	} else if !isScalar(arg) {
		return
	}
	*conjs = append(*conjs, conj{path: name, op: op, arg: arg, args: args})
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case float64:
		return "a number"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
