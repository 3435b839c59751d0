package document

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Values are what encoding/json decodes into an any: nil, bool, float64,
// string, []any and map[string]any.

// path is a dot path split into its parts.
type path []string

func parsePath(p string) (path, error) {
	if p == "" || strings.IndexByte(p, 0) >= 0 || strings.HasPrefix(p, "$") {
		return nil, fmt.Errorf("document: field path %q: %w", p, ErrBadName)
	}
	parts := strings.Split(p, ".")
	for _, s := range parts {
		if s == "" {
			return nil, fmt.Errorf("document: field path %q has an empty part: %w", p, ErrBadName)
		}
	}
	return parts, nil
}

// resolve returns the values at p in v and whether p exists. Through an
// array it fans out (a.b over [{b:1},{b:2}] gives 1 and 2); a numeric
// part also indexes the array (a.0).
func resolve(v any, p path) (vals []any, found bool) {
	if len(p) == 0 {
		return []any{v}, true
	}
	switch x := v.(type) {
	case map[string]any:
		child, ok := x[p[0]]
		if !ok {
			return nil, false
		}
		return resolve(child, p[1:])
	case []any:
		if i, err := strconv.Atoi(p[0]); err == nil && i >= 0 && i < len(x) {
			if vs, ok := resolve(x[i], p[1:]); ok {
				vals, found = append(vals, vs...), true
			}
		}
		for _, e := range x {
			if _, isMap := e.(map[string]any); !isMap {
				continue
			}
			if vs, ok := resolve(e, p); ok {
				vals, found = append(vals, vs...), true
			}
		}
		return vals, found
	}
	return nil, false
}

// candidates are the values a condition on p is tested against: each
// value at p and, for an array, each of its elements (so {"tags": "x"}
// matches a document whose tags array holds "x").
func candidates(doc any, p path) (out []any, found bool) {
	vals, found := resolve(doc, p)
	for _, v := range vals {
		out = append(out, v)
		if arr, ok := v.([]any); ok {
			out = append(out, arr...)
		}
	}
	return out, found
}

// typeRank orders values of different types: null < numbers < strings <
// objects < arrays < booleans (MongoDB's order).
func typeRank(v any) int {
	switch v.(type) {
	case nil:
		return 1
	case float64:
		return 2
	case string:
		return 3
	case map[string]any:
		return 4
	case []any:
		return 5
	case bool:
		return 6
	}
	return 7
}

// compare orders any two values: first by type, then by value; arrays
// element by element, objects by sorted keys then values.
func compare(a, b any) int {
	ra, rb := typeRank(a), typeRank(b)
	if ra != rb {
		return ra - rb
	}
	switch x := a.(type) {
	case float64:
		y := b.(float64)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	case string:
		return strings.Compare(x, b.(string))
	case bool:
		y := b.(bool)
		switch {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	case []any:
		y := b.([]any)
		for i := range min(len(x), len(y)) {
			if c := compare(x[i], y[i]); c != 0 {
				return c
			}
		}
		return len(x) - len(y)
	case map[string]any:
		y := b.(map[string]any)
		kx, ky := sortedKeys(x), sortedKeys(y)
		for i := range min(len(kx), len(ky)) {
			if c := strings.Compare(kx[i], ky[i]); c != 0 {
				return c
			}
			if c := compare(x[kx[i]], y[ky[i]]); c != 0 {
				return c
			}
		}
		return len(kx) - len(ky)
	}
	return 0
}

func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func equal(a, b any) bool { return compare(a, b) == 0 }

// isScalar reports whether v is a number, string or boolean: the values a
// secondary index holds.
func isScalar(v any) bool {
	switch v.(type) {
	case float64, string, bool:
		return true
	}
	return false
}

// project returns a copy of data holding only the given paths (objects
// along a path are rebuilt; arrays are taken whole).
func project(data map[string]any, paths []path) map[string]any {
	out := map[string]any{}
	for _, p := range paths {
		src, dst := data, out
		for i, part := range p {
			v, ok := src[part]
			if !ok {
				break
			}
			if i == len(p)-1 {
				dst[part] = v
				break
			}
			m, isMap := v.(map[string]any)
			if !isMap {
				dst[part] = v
				break
			}
			next, ok := dst[part].(map[string]any)
			if !ok {
				next = map[string]any{}
				dst[part] = next
			}
			src, dst = m, next
		}
	}
	return out
}
