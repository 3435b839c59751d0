package server_test

import (
	"strings"
	"testing"

	"github.com/aegisdb/aegis/server/config"
)

// Every route that takes a JSON body gets each kind of bad body, and
// answers 4xx with a JSON error, never 5xx.
func TestBadBodiesOnEveryBodyRoute(t *testing.T) {
	ts := start(t, func(c *config.Config) {
		c.RateLimit.Enabled = false
		c.KV.MaxKeySize = 16
		c.KV.MaxValueSize = 64
	})
	admin := ts.login("root", adminPass)
	ts.must(ts.do("POST", "/api/v1/admin/users", admin, map[string]string{"username": "target", "password": "password-t", "role": "viewer"}), 201, "create target")
	bad := []struct {
		name string
		body string
		code int
	}{
		{"empty body", "", 400},
		{"malformed JSON", `{"key": "a", `, 400},
		{"not JSON", `hello`, 400},
		{"array instead of object", `[1,2]`, 400},
		{"string instead of object", `"x"`, 400},
		{"unknown field", `{"nosuch": 1}`, 400},
		{"trailing data", `{} {}`, 400},
		{"huge body", `{"key": "` + strings.Repeat("a", 2<<20) + `"}`, 413},
	}
	// Wrong types per route, field by field.
	wrongTypes := map[string][]string{
		"POST /api/v1/auth/login":             {`{"username": 5, "password": "x"}`, `{"username": "root", "password": true}`},
		"POST /api/v1/auth/mfa/verify":        {`{"token": [], "code": "1"}`, `{"token": "t", "code": 123456}`},
		"POST /api/v1/auth/mfa/enable":        {`{"code": 123456}`},
		"POST /api/v1/kv/keys":                {`{"key": 1, "value": 1}`, `{"key": "k", "value": 1, "ttl": "10"}`, `{"key": "k", "value": 1, "ttl": 1.5}`, `{"key": "k", "value": 1, "ttl": -1}`, `{"key": "k"}`, `{"value": 1}`, `{"key": "k", "value": null}`, `{"key": "", "value": 1}`},
		"POST /api/v1/admin/users":            {`{"username": 1, "password": "password-1"}`, `{"username": "n", "password": "short"}`, `{"username": "bad name!", "password": "password-1"}`, `{"username": "n2", "password": "password-1", "role": "root"}`, `{"username": "n3", "password": "password-1", "role": 3}`},
		"PUT /api/v1/admin/users/target/role": {`{"role": 1}`, `{"role": "superuser"}`, `{}`},
		"PUT /api/v1/tables/:name/capture":    {`{"channel": 1}`, `{}`, `{"channel": null}`, `{"channel": "a b"}`},
		"POST /api/v1/query":                  {`{"sql": 1}`, `{"sql": "SELECT 1", "params": 1}`, `{"sql": "SELECT 1", "params": {"a": 1}}`, `{}`, `{"sql": ""}`, `{"sql": ";"}`, `{"sql": "SELEC 1"}`},
		// document routes: the body is checked before the collection (":name" here) is looked up
		"POST /api/v1/documents/collections":                           {`{"name": 1}`, `{}`, `{"name": "a b"}`, `{"name": "c", "indexes": "x"}`, `{"name": "c", "schema": {"type": "thing"}}`, `{"name": "c", "text_fields": [1]}`},
		"POST /api/v1/documents/collections/:name/documents":           {`{"document": [1]}`, `{"document": "x"}`, `{}`, `{"document": {}, "id": 5}`, `{"document": {}, "id": ""}`},
		"PUT /api/v1/documents/collections/:name/documents/:id":        {`{"document": 1}`, `{}`},
		"POST /api/v1/documents/collections/:name/query":               {`{"filter": []}`, `{"filter": {"a": {"$bad": 1}}}`, `{"limit": "5"}`, `{"limit": 0}`, `{"skip": -1}`, `{"sort": "a"}`, `{"projection": ["a..b"]}`},
		"POST /api/v1/documents/collections/:name/search":              {`{"query": 1}`, `{}`, `{"query": ""}`, `{"query": "a AND"}`, `{"query": "a", "boosts": {"f": "x"}}`, `{"query": "a", "limit": -1}`, `{"query": "a", "filter": {"$x": 1}}`},
		"POST /api/v1/documents/collections/:name/indexes":             {`{"field": 1}`, `{}`, `{"field": "a", "text_fields": ["b"]}`, `{"text_fields": "b"}`},
		"POST /api/v1/timeseries/metrics":                              {`{"name": 1}`, `{}`, `{"name": "9bad"}`, `{"name": "m", "metric_type": "meter"}`, `{"name": "m", "retention": "soon"}`, `{"name": "m", "unit": 5}`},
		"POST /api/v1/timeseries/write":                                {`{"metric": 1, "points": []}`, `{"points": [{"timestamp": "2024-01-15T10:00:00Z", "value": 1}]}`, `{"metric": "cpu", "points": []}`, `{"metric": "cpu", "points": [{"timestamp": 5, "value": 1}]}`, `{"metric": "cpu", "points": [{"timestamp": "yesterday", "value": 1}]}`, `{"metric": "cpu", "points": [{"timestamp": "2024-01-15T10:00:00Z", "value": "1"}]}`, `{"metric": "cpu", "points": [{"timestamp": "2024-01-15T10:00:00Z"}]}`, `{"metric": "cpu", "points": [{"timestamp": "2024-01-15T10:00:00Z", "value": 1, "tags": {"h": 1}}]}`},
		"POST /api/v1/timeseries/query":                                {`{"metric": 1}`, `{}`, `{"metric": "cpu", "start_time": "x"}`, `{"metric": "cpu", "aggregation": {"function": "avg"}}`, `{"metric": "cpu", "aggregation": {"function": "avg", "interval": "-1h"}}`, `{"metric": "cpu", "tags": {"h": 1}}`, `{"metric": "cpu", "aggregation": {"function": "mode", "interval": "1h"}}`, `{"metric": "cpu", "matchers": [{"tag": "h", "op": "<", "value": "a"}]}`, `{"metric": "cpu", "start_time": "2024-01-15T10:00:00Z", "end_time": "2024-01-14T10:00:00Z"}`},
		"POST /api/v1/streaming/channels":                              {`{"name": 1}`, `{}`, `{"name": "a b"}`, `{"name": "c", "retention": 7}`, `{"name": "c", "retention": "forever"}`, `{"name": "c", "max_events": -1}`},
		"POST /api/v1/streaming/channels/:channel/groups/:group/fetch": {`{"consumer": 1}`, `{}`, `{"consumer": "w", "max": 0}`, `{"consumer": "w", "max": "5"}`, `{"consumer": "a b"}`},
		"POST /api/v1/streaming/channels/:channel/groups/:group/ack":   {`{"offsets": 1}`, `{}`, `{"offsets": [-1]}`, `{"offsets": ["1"]}`, `{"offsets": []}`},
		"POST /api/v1/streaming/publish":                               {`{"channel": 1}`, `{"event_type": "x"}`, `{"channel": "orders", "event_type": 5}`, `{"channel": "a b", "data": {}}`},
	}
	for route, bodies := range wrongTypes {
		method, path, _ := strings.Cut(route, " ")
		for _, b := range bad {
			ts.must(ts.do(method, path, tokenFor(route, admin), b.body), b.code, route+" "+b.name)
		}
		for _, body := range bodies {
			r := ts.do(method, path, tokenFor(route, admin), body)
			ts.must(r, 400, route+" "+body)
		}
	}
	// Every body route of the table is covered above.
	for _, rt := range ts.srv.Routes() {
		if rt.Method == "POST" || rt.Method == "PUT" {
			key := rt.Method + " " + strings.ReplaceAll(rt.Path, ":username", "target")
			if _, ok := wrongTypes[key]; !ok && rt.Path != "/api/v1/auth/logout" && rt.Path != "/api/v1/auth/mfa/setup" {
				t.Errorf("%s takes a body but has no bad-input cases", key)
			}
		}
	}
}

func tokenFor(route, admin string) string {
	if strings.Contains(route, "/auth/login") || strings.Contains(route, "/mfa/verify") {
		return ""
	}
	return admin
}

// Oversized keys and values, unknown names and bad query parameters.
func TestLimitsAndUnknownNames(t *testing.T) {
	ts := start(t, func(c *config.Config) {
		c.RateLimit.Enabled = false
		c.KV.MaxKeySize = 16
		c.KV.MaxValueSize = 64
	})
	admin := ts.login("root", adminPass)
	long := strings.Repeat("k", 17)
	cases := []struct {
		method, path string
		body         any
		code         int
	}{
		{"POST", "/api/v1/kv/keys", map[string]any{"key": long, "value": 1}, 413},
		{"POST", "/api/v1/kv/keys", map[string]any{"key": "k", "value": strings.Repeat("v", 63)}, 413}, // 65 bytes of JSON
		{"POST", "/api/v1/kv/keys", map[string]any{"key": strings.Repeat("k", 16), "value": strings.Repeat("v", 62)}, 200},
		{"GET", "/api/v1/kv/keys/" + long, nil, 413},
		{"DELETE", "/api/v1/kv/keys/" + long, nil, 413},
		{"GET", "/api/v1/kv/keys?prefix=" + long, nil, 413},
		{"GET", "/api/v1/kv/keys/", nil, 400},
		{"DELETE", "/api/v1/kv/keys/", nil, 400},
		{"GET", "/api/v1/kv/keys/missing", nil, 404},
		{"DELETE", "/api/v1/kv/keys/missing", nil, 404},
		{"GET", "/api/v1/kv/keys?limit=0", nil, 400},
		{"GET", "/api/v1/kv/keys?limit=abc", nil, 400},
		{"GET", "/api/v1/kv/keys?limit=1000000", nil, 400},
		{"DELETE", "/api/v1/admin/users/ghost", nil, 404},
		{"PUT", "/api/v1/admin/users/ghost/role", map[string]string{"role": "viewer"}, 404},
		{"GET", "/api/v1/admin/activities?limit=-1", nil, 400},
		{"GET", "/api/v1/admin/activities?type=query", nil, 400},
		{"GET", "/api/v1/admin/audit?limit=x", nil, 400},
		{"GET", "/api/v1/nosuch", nil, 404},
		{"GET", "/api/v1/query", nil, 405},
		{"GET", "/api/v1/tables/nosuch", nil, 404},
		{"PATCH", "/api/v1/kv/keys", nil, 405},
		{"POST", "/api/v1/admin/users", map[string]string{"username": "root", "password": "password-1", "role": "viewer"}, 409},
		{"DELETE", "/api/v1/admin/users/root", nil, 409},
		{"PUT", "/api/v1/admin/users/root/role", map[string]string{"role": "viewer"}, 409},
		{"POST", "/api/v1/auth/mfa/enable", map[string]string{"code": "123456"}, 409},
		{"POST", "/api/v1/auth/mfa/verify", map[string]string{"token": "nosuch", "code": "123456"}, 401},
	}
	for _, c := range cases {
		r := ts.do(c.method, c.path, admin, c.body)
		ts.must(r, c.code, c.method+" "+c.path)
	}
}
