package server_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aegisdb/aegis/engine"
	"github.com/aegisdb/aegis/server/config"
)

// The same API suite runs on every registered backend, chosen through
// aegis.toml; on a persistent one the data, users and audit log survive a
// clean restart.
func TestAPIOnEveryBackendFromConfigFile(t *testing.T) {
	for _, backend := range engine.Backends() {
		t.Run(backend, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "aegis.toml")
			text := fmt.Sprintf("[server]\nport = 0\n\n[storage]\nbackend = %q\ndata_directory = %q\nsync_on_commit = true\n\n[rate_limit]\nenabled = false\n", backend, filepath.Join(dir, "data"))
			if err := os.WriteFile(file, []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
			load := func() *config.Config {
				c, err := config.Load(config.Sources{File: file, NoDefaultFiles: true})
				if err != nil {
					t.Fatal(err)
				}
				if c.Storage.Backend != backend {
					t.Fatalf("backend %q from the file, want %q", c.Storage.Backend, backend)
				}
				return c
			}
			ts := startConfig(t, load())
			admin := ts.login("root", adminPass)
			for i := range 50 {
				ts.must(ts.do("POST", "/api/v1/kv/keys", admin, map[string]any{"key": fmt.Sprintf("k%02d", i), "value": i}), 200, "set")
			}
			ts.must(ts.do("DELETE", "/api/v1/kv/keys/k07", admin, nil), 200, "delete")
			list := ts.must(ts.do("GET", "/api/v1/kv/keys?prefix=k0", admin, nil), 200, "list")
			if list.json["count"] != 9.0 {
				t.Fatalf("list: %s", list.body)
			}
			ts.must(ts.do("POST", "/api/v1/admin/users", admin, map[string]string{"username": "carol", "password": "carol-pass", "role": "analyst"}), 201, "user")
			st := ts.must(ts.do("GET", "/api/v1/admin/storage", admin, nil), 200, "storage")
			if st.str("backend") != backend || st.json["kv_keys"] != 49.0 {
				t.Fatalf("storage: %s", st.body)
			}
			ts.Stop()
			if backend == "memory" {
				return
			}
			again := startConfig(t, load())
			admin = again.login("root", adminPass)
			again.login("carol", "carol-pass")
			if g := again.must(again.do("GET", "/api/v1/kv/keys/k42", admin, nil), 200, "after restart"); g.json["value"] != 42.0 {
				t.Fatalf("k42 after restart: %s", g.body)
			}
			again.must(again.do("GET", "/api/v1/kv/keys/k07", admin, nil), 404, "deleted key after restart")
			if a := again.must(again.do("GET", "/api/v1/admin/audit", admin, nil), 200, "audit"); !strings.Contains(string(a.body), `"carol"`) {
				t.Fatalf("audit after restart: %s", a.body)
			}
		})
	}
}

// FuzzRequest sends arbitrary requests to the handler: whatever the
// method, path, token and body, the answer is never a 5xx.
func FuzzRequest(f *testing.F) {
	ts := start(f, func(c *config.Config) { c.RateLimit.Enabled = false })
	admin := ts.login("root", adminPass)
	h := ts.srv.Handler()
	f.Add(uint8(1), "/api/v1/kv/keys", true, []byte(`{"key":"a","value":1,"ttl":5}`))
	f.Add(uint8(0), "/api/v1/kv/keys/a", true, []byte(nil))
	f.Add(uint8(1), "/api/v1/auth/login", false, []byte(`{"username":"root","password":"x"}`))
	f.Add(uint8(3), "/api/v1/admin/users/root/role", true, []byte(`{"role":"viewer"}`))
	f.Add(uint8(1), "/api/v1/admin/users", true, []byte(`{"username":"z","password":"12345678","role":"analyst"}`))
	f.Add(uint8(0), "/api/v1/admin/activities?limit=3&type=kv", true, []byte(nil))
	f.Add(uint8(1), "/api/v1/auth/mfa/verify", false, []byte(`{"token":"x","code":"123456"}`))
	f.Fuzz(func(t *testing.T, m uint8, path string, auth bool, body []byte) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \r\n\t") || strings.Contains(path, "pprof") {
			return
		}
		if strings.HasSuffix(path, "/logout") || strings.Contains(path, "/admin/users/root") {
			return // would sign the fuzzer out or demote its admin
		}
		method := []string{"GET", "POST", "DELETE", "PUT", "PATCH"}[int(m)%5]
		req, err := http.NewRequest(method, "http://x"+path, strings.NewReader(string(body)))
		if err != nil {
			return
		}
		req.RemoteAddr = "127.0.0.1:1"
		if auth {
			req.Header.Set("Authorization", "Bearer "+admin)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s %q: %d %s", method, path, body, rec.Code, rec.Body)
		}
	})
}
