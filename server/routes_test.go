package server_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aegisdb/aegis/server/config"
)

// concrete fills a route pattern's parameters.
func concrete(path string) string {
	path = strings.ReplaceAll(path, ":username", "nobody")
	path = strings.ReplaceAll(path, ":name", "nosuch")
	path = strings.ReplaceAll(path, "*key", "some-key")
	path = strings.ReplaceAll(path, "*item", "heap")
	return path
}

// bodyFor is a well-formed body for routes that take one.
func bodyFor(method, path string) any {
	switch {
	case path == "/api/v1/kv/keys" && method == "POST":
		return map[string]any{"key": "k", "value": 1}
	case path == "/api/v1/admin/users" && method == "POST":
		return map[string]any{"username": "x1", "password": "password-x1", "role": "viewer"}
	case path == "/api/v1/query":
		return map[string]any{"sql": "SELECT 1"}
	case strings.HasSuffix(path, "/capture"):
		return map[string]any{"channel": ""}
	case strings.HasSuffix(path, "/role"):
		return map[string]any{"role": "viewer"}
	case strings.HasPrefix(path, "/api/v1/auth/mfa/"):
		return map[string]any{"code": "000000", "token": "t"}
	}
	return nil
}

// Every protected route answers 401 without a token and with a bad one,
// and 403 for every role that lacks its permission.
func TestEveryProtectedRouteChecksTokenAndRole(t *testing.T) {
	ts := start(t, nil)
	admin := ts.login("root", adminPass)
	tokens := map[string]string{"admin": admin}
	for _, role := range []string{"operator", "analyst", "viewer"} {
		tokens[role] = ts.userWithRole(admin, role)
	}
	// What each role may do, from the user guide's RBAC table.
	allowed := map[string][]string{
		"AUTHENTICATED": {"admin", "operator", "analyst", "viewer"},
		"SELECT":        {"admin", "operator", "analyst", "viewer"},
		"INSERT":        {"admin", "operator"},
		"DELETE":        {"admin", "operator"},
		"ALTER":         {"admin", "operator"},
		"METRICS_VIEW":  {"admin", "operator", "analyst"},
		"LOGS_VIEW":     {"admin", "operator", "analyst"},
		"USER_CREATE":   {"admin"},
		"USER_DELETE":   {"admin"},
		"ROLE_ASSIGN":   {"admin"},
		"CONFIG_VIEW":   {"admin"},
	}
	forbidden := 0
	for _, rt := range ts.srv.Routes() {
		path := concrete(rt.Path)
		name := rt.Method + " " + rt.Path
		if rt.Permission == "" {
			if rt.Path != "/health" && !strings.HasPrefix(rt.Path, "/api/v1/auth/login") && rt.Path != "/api/v1/auth/mfa/verify" {
				t.Errorf("%s is public; only /health, login and MFA verify may be", name)
			}
			continue
		}
		ok, known := allowed[rt.Permission]
		if !known {
			t.Fatalf("%s needs %s, which this test does not know", name, rt.Permission)
		}
		ts.must(ts.do(rt.Method, path, "", bodyFor(rt.Method, rt.Path)), 401, name+" without a token")
		ts.must(ts.do(rt.Method, path, strings.Repeat("ab", 32), bodyFor(rt.Method, rt.Path)), 401, name+" with an unknown token")
		for role, tok := range tokens {
			if contains(ok, role) {
				continue
			}
			ts.must(ts.do(rt.Method, path, tok, bodyFor(rt.Method, rt.Path)), 403, fmt.Sprintf("%s as %s", name, role))
			forbidden++
		}
	}
	if forbidden < 20 {
		t.Fatalf("only %d forbidden checks ran", forbidden)
	}
	// Malformed Authorization headers are 401 too.
	for _, h := range []string{"Basic abc", "Bearer", "Bearer ", "Token " + admin, admin} {
		ts.must(ts.doAuth("GET", "/api/v1/auth/me", h, nil), 401, "header "+h)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Each allowed role reaches each route (no 401/403), so the table above is
// not vacuous.
func TestAllowedRolesReachEveryRoute(t *testing.T) {
	ts := start(t, func(c *config.Config) { c.RateLimit.Enabled = false })
	admin := ts.login("root", adminPass)
	for _, rt := range ts.srv.Routes() {
		if rt.Permission == "" || rt.Path == "/api/v1/auth/logout" || rt.Path == "/debug/pprof/*item" {
			continue
		}
		r := ts.do(rt.Method, concrete(rt.Path), admin, bodyFor(rt.Method, rt.Path))
		if r.code == 401 || r.code == 403 || r.code >= 500 {
			t.Errorf("%s %s as admin: %d %s", rt.Method, rt.Path, r.code, r.body)
		}
	}
	ts.must(ts.doAuth("GET", "/api/v1/auth/me", "bearer "+admin, nil), 200, "lower-case scheme")
	ts.must(ts.do("GET", "/debug/pprof/", admin, nil), 200, "pprof index")
	ts.must(ts.do("GET", "/debug/pprof/heap?debug=1", admin, nil), 200, "pprof heap")
}
