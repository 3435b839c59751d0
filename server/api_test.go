package server_test

import (
	"strings"
	"testing"
	"time"
)

func TestQuickStart(t *testing.T) {
	ts := start(t, nil)
	h := ts.must(ts.do("GET", "/health", "", nil), 200, "health")
	if h.str("status") != "healthy" {
		t.Fatalf("health: %s", h.body)
	}
	login := ts.must(ts.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "root", "password": adminPass}), 200, "login")
	tok := login.str("token")
	user, _ := login.json["user"].(map[string]any)
	if user["username"] != "root" || user["role"] != "admin" || user["mfa_enabled"] != false || user["id"] == "" {
		t.Fatalf("login user: %s", login.body)
	}
	set := ts.must(ts.do("POST", "/api/v1/kv/keys", tok, map[string]any{"key": "greeting", "value": "Hello, AegisDB!"}), 200, "set")
	if set.str("key") != "greeting" || set.str("value") != "Hello, AegisDB!" {
		t.Fatalf("set: %s", set.body)
	}
	get := ts.must(ts.do("GET", "/api/v1/kv/keys/greeting", tok, nil), 200, "get")
	if get.str("value") != "Hello, AegisDB!" || get.json["ttl"] != nil {
		t.Fatalf("get: %s", get.body)
	}
	// Structured values, keys with slashes, prefix listing with a limit.
	ts.must(ts.do("POST", "/api/v1/kv/keys", tok, map[string]any{"key": "user:123", "value": map[string]any{"name": "Alice", "email": "alice@example.com"}}), 200, "set object")
	ts.must(ts.do("POST", "/api/v1/kv/keys", tok, map[string]any{"key": "user:124", "value": []int{1, 2}}), 200, "set array")
	ts.must(ts.do("POST", "/api/v1/kv/keys", tok, map[string]any{"key": "a/b c", "value": 7}), 200, "set slash key")
	if g := ts.must(ts.do("GET", "/api/v1/kv/keys/a%2Fb%20c", tok, nil), 200, "get slash key"); string(g.body) != `{"key":"a/b c","value":7}`+"\n" {
		t.Fatalf("get slash key: %s", g.body)
	}
	obj := ts.must(ts.do("GET", "/api/v1/kv/keys/user:123", tok, nil), 200, "get object")
	if v, _ := obj.json["value"].(map[string]any); v["name"] != "Alice" {
		t.Fatalf("object: %s", obj.body)
	}
	list := ts.must(ts.do("GET", "/api/v1/kv/keys?prefix=user:", tok, nil), 200, "list")
	if list.json["count"] != 2.0 || list.json["truncated"] != false {
		t.Fatalf("list: %s", list.body)
	}
	lim := ts.must(ts.do("GET", "/api/v1/kv/keys?prefix=user:&limit=1", tok, nil), 200, "list limit")
	if keys, _ := lim.json["keys"].([]any); len(keys) != 1 || lim.json["truncated"] != true {
		t.Fatalf("list limit: %s", lim.body)
	}
	all := ts.must(ts.do("GET", "/api/v1/kv/keys", tok, nil), 200, "list all")
	if all.json["count"] != 4.0 {
		t.Fatalf("list all: %s", all.body)
	}
	ts.must(ts.do("DELETE", "/api/v1/kv/keys/greeting", tok, nil), 200, "delete")
	ts.must(ts.do("GET", "/api/v1/kv/keys/greeting", tok, nil), 404, "get deleted")
	ts.must(ts.do("DELETE", "/api/v1/kv/keys/greeting", tok, nil), 404, "delete twice")

	// TTL: the reply says when; a 1 s key is gone after it.
	ttl := ts.must(ts.do("POST", "/api/v1/kv/keys", tok, map[string]any{"key": "session:1", "value": "x", "ttl": 1}), 200, "set ttl")
	if ttl.json["ttl"] != 1.0 || ttl.str("expires_at") == "" {
		t.Fatalf("set ttl: %s", ttl.body)
	}
	time.Sleep(1100 * time.Millisecond) // the key's TTL, not a timing assertion
	ts.must(ts.do("GET", "/api/v1/kv/keys/session:1", tok, nil), 404, "expired key")

	// Logout revokes the token.
	ts.must(ts.do("POST", "/api/v1/auth/logout", tok, nil), 200, "logout")
	ts.must(ts.do("GET", "/api/v1/auth/me", tok, nil), 401, "me after logout")
}

func TestAuthRoutes(t *testing.T) {
	ts := start(t, nil)
	tok := ts.login("root", adminPass)
	me := ts.must(ts.do("GET", "/api/v1/auth/me", tok, nil), 200, "me")
	if me.str("username") != "root" || me.str("role") != "admin" {
		t.Fatalf("me: %s", me.body)
	}
	sess := ts.must(ts.do("GET", "/api/v1/auth/session", tok, nil), 200, "session")
	if sess.json["valid"] != true || sess.str("expires_at") == "" {
		t.Fatalf("session: %s", sess.body)
	}
	ts.must(ts.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "root", "password": "wrong-password"}), 401, "wrong password")
	ts.must(ts.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "nobody", "password": "wrong-password"}), 401, "unknown user")
	ts.must(ts.do("GET", "/api/v1/auth/me", strings.Repeat("0", 64), nil), 401, "made-up token")
	r := ts.do("GET", "/api/v1/auth/me", "", nil)
	ts.must(r, 401, "no token")
	// The audit log has the logins, failed ones included.
	audit := ts.must(ts.do("GET", "/api/v1/admin/audit", tok, nil), 200, "audit")
	text := string(audit.body)
	for _, want := range []string{`"login_failed"`, `"login"`, `"user_create"`} {
		if !strings.Contains(text, want) {
			t.Errorf("audit log lacks %s: %s", want, text)
		}
	}
}
