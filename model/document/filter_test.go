package document

import (
	"encoding/json"
	"errors"
	"testing"
)

func mustJSON(t testing.TB, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return m
}

// filterDocs is the fixed set every operator case runs against.
var filterDocs = map[string]string{
	"num":     `{"v": 5}`,
	"float":   `{"v": 7.5}`,
	"str":     `{"v": "5"}`,
	"strb":    `{"v": "banana"}`,
	"null":    `{"v": null}`,
	"missing": `{"w": 1}`,
	"arr":     `{"v": [1, 5, "x"]}`,
	"empty":   `{"v": []}`,
	"obj":     `{"v": {"a": 5}}`,
	"bool":    `{"v": true}`,
	"nested":  `{"o": {"p": {"q": 3}}, "list": [{"k": 1}, {"k": 9}]}`,
}

func TestFilterOperators(t *testing.T) {
	cases := []struct {
		filter string
		want   []string // ids matching, any order
	}{
		// implicit $eq and $eq: numbers never equal strings; arrays match on any element
		{`{"v": 5}`, []string{"num", "arr"}},
		{`{"v": {"$eq": 5}}`, []string{"num", "arr"}},
		{`{"v": "5"}`, []string{"str"}},
		{`{"v": [1, 5, "x"]}`, []string{"arr"}},
		{`{"v": []}`, []string{"empty"}},
		{`{"v": {"a": 5}}`, []string{"obj"}},
		{`{"v": true}`, []string{"bool"}},
		// null matches null and missing
		{`{"v": null}`, []string{"null", "missing", "nested"}},
		// $ne is the negation of $eq, so it matches missing fields
		{`{"v": {"$ne": 5}}`, []string{"float", "str", "strb", "null", "missing", "empty", "obj", "bool", "nested"}},
		{`{"v": {"$ne": null}}`, []string{"num", "float", "str", "strb", "arr", "empty", "obj", "bool"}},
		// ranges: same type only
		{`{"v": {"$gt": 5}}`, []string{"float"}},
		{`{"v": {"$gte": 5}}`, []string{"num", "float", "arr"}},
		{`{"v": {"$lt": 5}}`, []string{"arr"}},
		{`{"v": {"$lte": 5}}`, []string{"num", "arr"}},
		{`{"v": {"$gt": "a"}}`, []string{"strb", "arr"}},
		{`{"v": {"$lt": "a"}}`, []string{"str"}},
		{`{"v": {"$gt": 1, "$lt": 6}}`, []string{"num", "arr"}},
		// $in / $nin
		{`{"v": {"$in": [5, "banana"]}}`, []string{"num", "arr", "strb"}},
		{`{"v": {"$in": [null]}}`, []string{"null", "missing", "nested"}},
		{`{"v": {"$in": []}}`, nil},
		{`{"v": {"$nin": [5, null]}}`, []string{"float", "str", "strb", "empty", "obj", "bool"}},
		// $exists: null counts as present
		{`{"v": {"$exists": true}}`, []string{"num", "float", "str", "strb", "null", "arr", "empty", "obj", "bool"}},
		{`{"v": {"$exists": false}}`, []string{"missing", "nested"}},
		// $regex on strings only (and string elements of arrays)
		{`{"v": {"$regex": "^b"}}`, []string{"strb"}},
		{`{"v": {"$regex": "^B", "$options": "i"}}`, []string{"strb"}},
		{`{"v": {"$regex": "^x$"}}`, []string{"arr"}},
		{`{"v": {"$regex": "5"}}`, []string{"str"}},
		// $not negates the whole operator expression, so it matches missing fields
		{`{"v": {"$not": {"$gt": 5}}}`, []string{"num", "str", "strb", "null", "missing", "arr", "empty", "obj", "bool", "nested"}},
		// dot paths, array fan-out and indexes
		{`{"o.p.q": 3}`, []string{"nested"}},
		{`{"o.p.q": {"$gt": 2}}`, []string{"nested"}},
		{`{"o.p": {"q": 3}}`, []string{"nested"}},
		{`{"list.k": 9}`, []string{"nested"}},
		{`{"list.1.k": 9}`, []string{"nested"}},
		{`{"list.0.k": 9}`, nil},
		{`{"list.0.k": 1}`, []string{"nested"}},
		{`{"v.a": 5}`, []string{"obj"}},
		{`{"v.1": 5}`, []string{"arr"}},
		{`{"v.a": {"$exists": true}}`, []string{"obj"}},
		// logical
		{`{"$or": [{"v": 5}, {"v": "5"}]}`, []string{"num", "arr", "str"}},
		{`{"$and": [{"v": {"$gte": 5}}, {"v": {"$lt": 6}}]}`, []string{"num", "arr"}},
		{`{"$or": [{"v": true}, {"w": 1}], "v": {"$exists": true}}`, []string{"bool"}},
		{`{}`, []string{"num", "float", "str", "strb", "null", "missing", "arr", "empty", "obj", "bool", "nested"}},
	}
	for _, c := range cases {
		t.Run(c.filter, func(t *testing.T) {
			f, err := CompileFilter(mustJSON(t, c.filter))
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]bool{}
			for _, id := range c.want {
				want[id] = true
			}
			for id, js := range filterDocs {
				if got := f.Match(mustJSON(t, js)); got != want[id] {
					t.Errorf("doc %s %s: match = %v, want %v", id, js, got, want[id])
				}
			}
		})
	}
}

func TestFilterRejects(t *testing.T) {
	for _, s := range []string{
		`{"$nor": [{"a": 1}]}`,
		`{"a": {"$foo": 1}}`,
		`{"a": {"$gt": true}}`,
		`{"a": {"$gt": [1]}}`,
		`{"a": {"$in": 5}}`,
		`{"a": {"$exists": 1}}`,
		`{"a": {"$regex": 5}}`,
		`{"a": {"$regex": "("}}`,
		`{"a": {"$regex": "a", "$options": "q"}}`,
		`{"a": {"$options": "i"}}`,
		`{"a": {"$not": 5}}`,
		`{"a": {"$gt": 1, "b": 2}}`,
		`{"$or": []}`,
		`{"$or": {"a": 1}}`,
		`{"$and": [1]}`,
		`{"a..b": 1}`,
		`{"": 1}`,
	} {
		if _, err := CompileFilter(mustJSON(t, s)); !errors.Is(err, ErrBadFilter) {
			t.Errorf("%s: %v, want ErrBadFilter", s, err)
		}
	}
}

func TestSchema(t *testing.T) {
	sc, err := CompileSchema(mustJSON(t, `{
		"type": "object", "required": ["name"], "additionalProperties": false,
		"properties": {
			"name": {"type": "string", "minLength": 1, "maxLength": 5, "pattern": "^[a-z]+$"},
			"age": {"type": "integer", "minimum": 0, "maximum": 150},
			"tags": {"type": "array", "items": {"enum": ["a", "b"]}},
			"note": {"type": ["string", "null"]}
		}}`))
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{ // document -> failing path ("" = valid)
		`{"name": "bob"}`: "",
		`{"name": "bob", "age": 3, "tags": ["a"], "note": null}`: "",
		`{"age": 3}`:                     "name",
		`{"name": ""}`:                   "name",
		`{"name": "toolong"}`:            "name",
		`{"name": "B0b"}`:                "name",
		`{"name": "bob", "age": 3.5}`:    "age",
		`{"name": "bob", "age": -1}`:     "age",
		`{"name": "bob", "age": "3"}`:    "age",
		`{"name": "bob", "tags": ["c"]}`: "tags.0",
		`{"name": "bob", "extra": 1}`:    "extra",
		`{"name": "bob", "note": 5}`:     "note",
	}
	for doc, path := range cases {
		err := sc.Validate(mustJSON(t, doc))
		var ve *ValidationError
		switch {
		case path == "" && err != nil:
			t.Errorf("%s: unexpected %v", doc, err)
		case path != "" && (!errors.As(err, &ve) || ve.Path != path || !errors.Is(err, ErrValidation)):
			t.Errorf("%s: %v, want a failure at %s", doc, err, path)
		}
	}
	for _, bad := range []string{`{"type": "thing"}`, `{"minimum": "0"}`, `{"format": "email"}`, `{"required": "a"}`, `{"pattern": "("}`, `{"maxLength": -1}`} {
		if _, err := CompileSchema(mustJSON(t, bad)); !errors.Is(err, ErrBadSchema) {
			t.Errorf("schema %s: %v, want ErrBadSchema", bad, err)
		}
	}
}
