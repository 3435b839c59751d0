package server_test

import (
	"fmt"
	"testing"

	"github.com/aegisdb/aegis/server/config"
)

func docList(r response, key string) []map[string]any {
	raw, _ := r.json[key].([]any)
	out := make([]map[string]any, len(raw))
	for i, v := range raw {
		out[i], _ = v.(map[string]any)
	}
	return out
}

func docIDsOf(r response) []string {
	var out []string
	for _, d := range docList(r, "documents") {
		out = append(out, fmt.Sprint(d["id"]))
	}
	return out
}

// The user guide's document workflow end to end, then the query, search,
// update, delete and index routes.
func TestDocumentsEndToEnd(t *testing.T) {
	ts := start(t, func(c *config.Config) { c.RateLimit.Enabled = false })
	admin := ts.login("root", adminPass)
	base := "/api/v1/documents/collections"

	ts.must(ts.do("POST", base, admin, map[string]any{"name": "products"}), 201, "create collection")
	ts.must(ts.do("POST", base, admin, map[string]any{"name": "products"}), 409, "create twice")
	r := ts.must(ts.do("POST", base+"/products/documents", admin, map[string]any{
		"document": map[string]any{"name": "Widget", "price": 19.99, "tags": []any{"electronics", "sale"}}}), 201, "insert")
	if len(r.str("id")) != 24 || r.str("collection") != "products" || r.json["data"].(map[string]any)["name"] != "Widget" || r.str("created_at") == "" {
		t.Fatalf("insert reply: %s", r.body)
	}
	widget := r.str("id")
	ts.must(ts.do("POST", base+"/products/documents", admin, map[string]any{"id": "doc-001",
		"document": map[string]any{"name": "Gadget", "price": 5, "tags": []any{"sale"}, "desc": "a small gadget for the kitchen"}}), 201, "insert with id")
	ts.must(ts.do("POST", base+"/products/documents", admin, map[string]any{"id": "doc-001", "document": map[string]any{}}), 409, "duplicate id")
	ts.must(ts.do("POST", base+"/products/documents", admin, map[string]any{"id": "doc-002",
		"document": map[string]any{"name": "Gizmo", "price": 42, "desc": "kitchen gizmo"}}), 201, "insert third")

	// GET the collection: exactly the guide's fields
	r = ts.must(ts.do("GET", base+"/products", admin, nil), 200, "list")
	if len(docList(r, "documents")) != 3 || r.json["total_scanned"] != 3.0 || r.json["execution_time_ms"] == nil {
		t.Fatalf("list: %s", r.body)
	}
	d := docList(r, "documents")[0]
	for _, k := range []string{"id", "collection", "data"} {
		if d[k] == nil {
			t.Fatalf("list document lacks %q: %s", k, r.body)
		}
	}
	ts.must(ts.do("GET", base+"/products?limit=x", admin, nil), 400, "bad limit")
	r = ts.must(ts.do("GET", base+"/products?limit=1&skip=1", admin, nil), 200, "page")
	if len(docList(r, "documents")) != 1 {
		t.Fatalf("page: %s", r.body)
	}

	r = ts.must(ts.do("GET", base+"/products/documents/doc-001", admin, nil), 200, "get")
	if r.json["data"].(map[string]any)["price"] != 5.0 {
		t.Fatalf("get: %s", r.body)
	}
	ts.must(ts.do("GET", base+"/products/documents/nope", admin, nil), 404, "get unknown")
	ts.must(ts.do("GET", base+"/nope", admin, nil), 404, "unknown collection")
	ts.must(ts.do("GET", base+"/bad%20name", admin, nil), 400, "bad collection name")

	// query: filter, sort, projection
	r = ts.must(ts.do("POST", base+"/products/query", admin, map[string]any{
		"filter": map[string]any{"price": map[string]any{"$gte": 5}, "tags": "sale"}, "sort": []string{"-price"}, "projection": []string{"name"}}), 200, "query")
	if ids := docIDsOf(r); fmt.Sprint(ids) != fmt.Sprint([]string{widget, "doc-001"}) || r.json["total_scanned"] != 3.0 {
		t.Fatalf("query: %s", r.body)
	}
	if data := docList(r, "documents")[0]["data"].(map[string]any); len(data) != 1 || data["name"] != "Widget" {
		t.Fatalf("projection: %s", r.body)
	}
	// an index narrows the scan and gives the same answer
	ts.must(ts.do("POST", base+"/products/indexes", admin, map[string]any{"field": "price"}), 201, "create index")
	r = ts.must(ts.do("POST", base+"/products/query", admin, map[string]any{
		"filter": map[string]any{"price": map[string]any{"$gt": 10}}, "sort": []string{"price"}}), 200, "indexed query")
	if ids := docIDsOf(r); fmt.Sprint(ids) != fmt.Sprint([]string{widget, "doc-002"}) || r.json["total_scanned"] != 2.0 || r.str("index_used") == "" {
		t.Fatalf("indexed query: %s", r.body)
	}

	// full-text search
	ts.must(ts.do("POST", base+"/products/search", admin, map[string]any{"query": "kitchen"}), 400, "search without a text index")
	ts.must(ts.do("POST", base+"/products/indexes", admin, map[string]any{"text_fields": []string{"name", "desc"}}), 201, "create text index")
	r = ts.must(ts.do("POST", base+"/products/search", admin, map[string]any{"query": "kitchen", "boosts": map[string]any{"name": 2}}), 200, "search")
	if ids := docIDsOf(r); len(ids) != 2 || docList(r, "documents")[0]["score"] == nil {
		t.Fatalf("search: %s", r.body)
	}
	r = ts.must(ts.do("POST", base+"/products/search", admin, map[string]any{"query": `"kitchen gizmo"`}), 200, "phrase")
	if ids := docIDsOf(r); fmt.Sprint(ids) != "[doc-002]" {
		t.Fatalf("phrase: %s", r.body)
	}
	r = ts.must(ts.do("POST", base+"/products/search", admin, map[string]any{"query": "kitchen", "filter": map[string]any{"price": map[string]any{"$lt": 10}}}), 200, "search with filter")
	if ids := docIDsOf(r); fmt.Sprint(ids) != "[doc-001]" {
		t.Fatalf("search with filter: %s", r.body)
	}

	// update and delete reach the indexes
	ts.must(ts.do("PUT", base+"/products/documents/doc-002", admin, map[string]any{"document": map[string]any{"name": "Gizmo", "price": 1}}), 200, "update")
	ts.must(ts.do("PUT", base+"/products/documents/nope", admin, map[string]any{"document": map[string]any{}}), 404, "update unknown")
	r = ts.must(ts.do("POST", base+"/products/search", admin, map[string]any{"query": "kitchen"}), 200, "search after update")
	if ids := docIDsOf(r); fmt.Sprint(ids) != "[doc-001]" {
		t.Fatalf("search after update: %s", r.body)
	}
	ts.must(ts.do("DELETE", base+"/products/documents/doc-001", admin, nil), 200, "delete")
	ts.must(ts.do("DELETE", base+"/products/documents/doc-001", admin, nil), 404, "delete twice")
	r = ts.must(ts.do("POST", base+"/products/query", admin, map[string]any{"filter": map[string]any{"price": map[string]any{"$lt": 10}}}), 200, "query after delete")
	if ids := docIDsOf(r); fmt.Sprint(ids) != "[doc-002]" {
		t.Fatalf("query after delete: %s", r.body)
	}

	// schema validation
	ts.must(ts.do("POST", base, admin, map[string]any{"name": "people", "schema": map[string]any{"required": []string{"name"}}}), 201, "create with schema")
	ts.must(ts.do("POST", base+"/people/documents", admin, map[string]any{"document": map[string]any{"age": 3}}), 400, "invalid document")

	r = ts.must(ts.do("GET", base, admin, nil), 200, "collections")
	if cs := docList(r, "collections"); len(cs) != 2 || cs[1]["name"] != "products" || cs[1]["document_count"] != 2.0 {
		t.Fatalf("collections: %s", r.body)
	}
	ts.must(ts.do("DELETE", base+"/products", admin, nil), 200, "drop")
	ts.must(ts.do("GET", base+"/products", admin, nil), 404, "dropped")

	// a viewer reads but does not write
	viewer := ts.userWithRole(admin, "viewer")
	ts.must(ts.do("GET", base+"/people", viewer, nil), 200, "viewer reads")
	ts.must(ts.do("POST", base+"/people/query", viewer, map[string]any{}), 200, "viewer queries")
	ts.must(ts.do("POST", base+"/people/documents", viewer, map[string]any{"document": map[string]any{"name": "x"}}), 403, "viewer writes")
}
