package server_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/aegisdb/aegis/server/config"
)

// The 31st login within a minute from one IP is refused with 429 and the
// X-RateLimit-* headers; other routes draw on their own bucket.
func TestLoginRateLimit(t *testing.T) {
	// The limiter's clock stands still, so slow logins (argon2id under
	// -race) refill nothing and the counts are exact.
	frozen := time.Now()
	ts := startClock(t, func() time.Time { return frozen }, nil)
	body := map[string]string{"username": "root", "password": "wrong-password"}
	for i := 1; i <= 30; i++ {
		r := ts.must(ts.do("POST", "/api/v1/auth/login", "", body), 401, "login "+strconv.Itoa(i))
		if r.header.Get("X-RateLimit-Limit") != "30" || r.header.Get("X-RateLimit-Remaining") != strconv.Itoa(30-i) {
			t.Fatalf("login %d headers: limit %q remaining %q", i, r.header.Get("X-RateLimit-Limit"), r.header.Get("X-RateLimit-Remaining"))
		}
	}
	r := ts.must(ts.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "root", "password": adminPass}), 429, "31st login")
	reset, err := strconv.ParseInt(r.header.Get("X-RateLimit-Reset"), 10, 64)
	if r.header.Get("X-RateLimit-Limit") != "30" || r.header.Get("X-RateLimit-Remaining") != "0" || err != nil ||
		reset < frozen.Add(59*time.Second).Unix() || reset > frozen.Add(62*time.Second).Unix() || r.header.Get("Retry-After") != "3" {
		t.Fatalf("429 headers: %v", r.header)
	}
	h := ts.must(ts.do("GET", "/health", "", nil), 200, "health after login limit")
	if h.header.Get("X-RateLimit-Limit") != "1000" {
		t.Fatalf("general bucket: %v", h.header)
	}
}

func TestRateLimitConfigurable(t *testing.T) {
	ts := start(t, func(c *config.Config) { c.RateLimit.RequestsPerMinute = 3 })
	for i := 0; i < 3; i++ {
		ts.must(ts.do("GET", "/health", "", nil), 200, "health")
	}
	ts.must(ts.do("GET", "/health", "", nil), 429, "4th request")
	ts.must(ts.do("GET", "/api/v1/nosuch", "", nil), 429, "unmatched routes are limited too")

	off := start(t, func(c *config.Config) { c.RateLimit.Enabled = false; c.RateLimit.LoginPerMinute = 1 })
	for i := 0; i < 3; i++ {
		r := off.must(off.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "x", "password": "y"}), 401, "login")
		if r.header.Get("X-RateLimit-Limit") != "" {
			t.Fatal("rate-limit headers with limits off")
		}
	}
}

func TestUserLifecycle(t *testing.T) {
	ts := start(t, func(c *config.Config) { c.RateLimit.Enabled = false })
	admin := ts.login("root", adminPass)
	created := ts.must(ts.do("POST", "/api/v1/admin/users", admin, map[string]string{
		"username": "alice", "email": "alice@example.com", "password": "secret-pass", "role": "operator"}), 201, "create")
	if u, _ := created.json["user"].(map[string]any); u["role"] != "operator" || u["email"] != "alice@example.com" || u["password_hash"] != nil {
		t.Fatalf("create: %s", created.body)
	}
	if def := ts.must(ts.do("POST", "/api/v1/admin/users", admin, map[string]string{"username": "bob", "password": "bob-password"}), 201, "default role"); !strings.Contains(string(def.body), `"role":"viewer"`) {
		t.Fatalf("default role: %s", def.body)
	}
	list := ts.must(ts.do("GET", "/api/v1/admin/users", admin, nil), 200, "list")
	if list.json["count"] != 3.0 || strings.Contains(string(list.body), "argon2") {
		t.Fatalf("list: %s", list.body)
	}
	alice := ts.login("alice", "secret-pass")
	ts.must(ts.do("POST", "/api/v1/kv/keys", alice, map[string]any{"key": "a", "value": 1}), 200, "operator writes")
	ts.must(ts.do("PUT", "/api/v1/admin/users/alice/role", admin, map[string]string{"role": "viewer"}), 200, "demote")
	ts.must(ts.do("POST", "/api/v1/kv/keys", alice, map[string]any{"key": "a", "value": 2}), 403, "viewer cannot write")
	ts.must(ts.do("GET", "/api/v1/kv/keys/a", alice, nil), 200, "viewer reads")
	ts.must(ts.do("PUT", "/api/v1/admin/users/alice/role", admin, map[string]string{"role": "admin"}), 200, "promote")
	ts.must(ts.do("DELETE", "/api/v1/admin/users/root", alice, nil), 200, "second admin deletes the first")
	ts.must(ts.do("GET", "/api/v1/auth/me", admin, nil), 401, "deleted user's token is revoked")
	ts.must(ts.do("DELETE", "/api/v1/admin/users/alice", alice, nil), 409, "last admin")
	acts := ts.must(ts.do("GET", "/api/v1/admin/activities?type=user&limit=10", alice, nil), 200, "activities")
	for _, want := range []string{"role_assign", "user_delete", "user_create"} {
		if !strings.Contains(string(acts.body), want) {
			t.Errorf("activities lack %s: %s", want, acts.body)
		}
	}
	if strings.Contains(string(acts.body), `"kv_set"`) {
		t.Errorf("type=user returned kv events: %s", acts.body)
	}
	if one := ts.must(ts.do("GET", "/api/v1/admin/activities?limit=1", alice, nil), 200, "limit"); one.json["count"] != 1.0 {
		t.Errorf("limit=1: %s", one.body)
	}
}

func TestMFA(t *testing.T) {
	ts := start(t, func(c *config.Config) { c.RateLimit.Enabled = false })
	tok := ts.login("root", adminPass)
	setup := ts.must(ts.do("POST", "/api/v1/auth/mfa/setup", tok, nil), 200, "setup")
	secret := setup.str("secret")
	codes, _ := setup.json["recovery_codes"].([]any)
	if secret == "" || len(codes) != 10 || !strings.HasPrefix(setup.str("otpauth_url"), "otpauth://totp/") {
		t.Fatalf("setup: %s", setup.body)
	}
	ts.must(ts.do("POST", "/api/v1/auth/mfa/enable", tok, map[string]string{"code": "000000"}), 400, "enable with a wrong code")
	code, _ := totp.GenerateCode(secret, time.Now())
	ts.must(ts.do("POST", "/api/v1/auth/mfa/enable", tok, map[string]string{"code": code}), 200, "enable")

	loginMFA := func() string {
		r := ts.must(ts.do("POST", "/api/v1/auth/login", "", map[string]string{"username": "root", "password": adminPass}), 200, "password step")
		if r.json["mfa_required"] != true || r.str("token") != "" || len(r.str("mfa_token")) != 64 {
			t.Fatalf("password step: %s", r.body)
		}
		return r.str("mfa_token")
	}
	pending := loginMFA()
	ts.must(ts.do("GET", "/api/v1/auth/me", pending, nil), 401, "the MFA token is not a session")
	// The guide's always-accepted development code does not exist.
	ts.must(ts.do("POST", "/api/v1/auth/mfa/verify", "", map[string]string{"token": pending, "code": "123456"}), 401, "123456")
	// The code used to enable cannot be replayed.
	ts.must(ts.do("POST", "/api/v1/auth/mfa/verify", "", map[string]string{"token": pending, "code": code}), 401, "replayed code")
	// A recovery code works once.
	rc := codes[0].(string)
	ok := ts.must(ts.do("POST", "/api/v1/auth/mfa/verify", "", map[string]string{"token": pending, "code": rc}), 200, "recovery code")
	if len(ok.str("token")) != 64 {
		t.Fatalf("verify: %s", ok.body)
	}
	ts.must(ts.do("GET", "/api/v1/auth/me", ok.str("token"), nil), 200, "session after MFA")
	ts.must(ts.do("POST", "/api/v1/auth/mfa/verify", "", map[string]string{"token": pending, "code": codes[1].(string)}), 401, "pending token used up")
	pending = loginMFA()
	ts.must(ts.do("POST", "/api/v1/auth/mfa/verify", "", map[string]string{"token": pending, "code": rc}), 401, "recovery code reused")
	// Five wrong codes revoke the pending token.
	pending = loginMFA()
	for i := 0; i < 5; i++ {
		ts.do("POST", "/api/v1/auth/mfa/verify", "", map[string]string{"token": pending, "code": "99999" + strconv.Itoa(i)})
	}
	ts.must(ts.do("POST", "/api/v1/auth/mfa/verify", "", map[string]string{"token": pending, "code": codes[2].(string)}), 401, "after 5 wrong codes")
}

func TestMFARequired(t *testing.T) {
	ts := start(t, func(c *config.Config) { c.Auth.MFARequired = true })
	tok := ts.login("root", adminPass)
	ts.must(ts.do("GET", "/api/v1/kv/keys", tok, nil), 403, "data route before enrolment")
	ts.must(ts.do("GET", "/api/v1/auth/me", tok, nil), 200, "me before enrolment")
	ts.must(ts.do("POST", "/api/v1/auth/mfa/setup", tok, nil), 200, "setup before enrolment")
}

func TestMetricsAndAdmin(t *testing.T) {
	ts := start(t, func(c *config.Config) { c.RateLimit.Enabled = false })
	admin := ts.login("root", adminPass)
	ts.must(ts.do("POST", "/api/v1/kv/keys", admin, map[string]any{"key": "m", "value": 1}), 200, "set")
	ts.must(ts.do("GET", "/api/v1/kv/keys/m", admin, nil), 200, "get")
	m := ts.must(ts.do("GET", "/metrics", admin, nil), 200, "metrics")
	text := string(m.body)
	for _, want := range []string{
		"aegis_requests_total{", "aegis_request_duration_seconds_bucket", `aegis_queries_total{model="kv",op="set"} 1`,
		"aegis_query_duration_seconds_bucket", "aegis_connections_active", "aegis_storage_bytes", "aegis_cache_hits_total",
		`aegis_engine_batches_total{backend="memory"}`, "aegis_mvcc_commits_total", `aegis_mvcc_aborts_total{reason="write_write"}`,
		"aegis_kv_expired_total", "go_goroutines",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	for path, fields := range map[string][]string{
		"/api/v1/admin/cluster":   {"nodes", "leader", "status"},
		"/api/v1/admin/dashboard": {"cluster", "storage", "stats", "alerts_active"},
		"/api/v1/admin/nodes":     {"nodes", "count"},
		"/api/v1/admin/storage":   {"backend", "engine", "kv_keys", "bytes_on_disk"},
		"/api/v1/admin/stats":     {"requests_total", "kv", "transactions"},
		"/api/v1/admin/alerts":    {"alerts", "count"},
		"/api/v1/metrics":         {"requests_total", "node"},
		"/health/detailed":        {"status", "checks"},
	} {
		r := ts.must(ts.do("GET", path, admin, nil), 200, path)
		for _, f := range fields {
			if _, ok := r.json[f]; !ok {
				t.Errorf("%s lacks %q: %s", path, f, r.body)
			}
		}
	}
	st := ts.must(ts.do("GET", "/api/v1/admin/storage", admin, nil), 200, "storage")
	if st.json["kv_keys"] != 1.0 || st.str("backend") != "memory" {
		t.Errorf("storage: %s", st.body)
	}
	al := ts.must(ts.do("GET", "/api/v1/admin/alerts", admin, nil), 200, "alerts")
	if !strings.Contains(string(al.body), "storage-not-persistent") {
		t.Errorf("alerts on the memory backend: %s", al.body)
	}
}
