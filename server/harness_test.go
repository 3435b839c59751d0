package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aegisdb/aegis/server"
	"github.com/aegisdb/aegis/server/config"
)

const adminPass = "admin-password-1"

// testServer is a real server on a loopback port.
type testServer struct {
	t    testing.TB
	url  string
	srv  *server.Server
	logs *bytes.Buffer
	stop func()
	once sync.Once
}

// Stop shuts the server down (once; also run at cleanup).
func (ts *testServer) Stop() { ts.once.Do(ts.stop) }

// start runs a server with cfg adjusted by edit (backend memory unless
// edit sets one) and returns it with an admin token.
func start(t testing.TB, edit func(c *config.Config)) *testServer {
	return startClock(t, nil, edit)
}

// startClock is start with a clock for the rate limiters.
func startClock(t testing.TB, now func() time.Time, edit func(c *config.Config)) *testServer {
	t.Helper()
	c := config.Default()
	c.Storage.Backend = "memory"
	c.Storage.DataDirectory = t.TempDir()
	c.Server.Port = 0
	if edit != nil {
		edit(&c)
	}
	c.Resolve()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	return startConfigClock(t, &c, now)
}

// startConfig runs a server with a loaded configuration.
func startConfig(t testing.TB, c *config.Config) *testServer {
	t.Helper()
	return startConfigClock(t, c, nil)
}

func startConfigClock(t testing.TB, c *config.Config, now func() time.Time) *testServer {
	t.Helper()
	logs := &bytes.Buffer{}
	env := map[string]string{"AEGIS_ADMIN_USERNAME": "root", "AEGIS_ADMIN_PASSWORD": adminPass}
	srv, err := server.New(c, server.Options{
		Logger: slog.New(slog.NewTextHandler(&lockedWriter{w: logs}, nil)),
		Env:    func(k string) string { return env[k] },
		Now:    now,
	})
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	ts := &testServer{t: t, url: "http://" + l.Addr().String(), srv: srv, logs: logs}
	ts.stop = func() {
		if err := srv.Shutdown(context.Background()); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-done; err != http.ErrServerClosed {
			t.Errorf("serve: %v", err)
		}
	}
	t.Cleanup(ts.Stop)
	return ts
}

// response is a decoded reply.
type response struct {
	code   int
	header http.Header
	body   []byte
	json   map[string]any
}

func (r response) str(key string) string { s, _ := r.json[key].(string); return s }

// do sends a request; body may be a string (sent raw) or a value (JSON).
func (ts *testServer) do(method, path, token string, body any) response {
	ts.t.Helper()
	auth := ""
	if token != "" {
		auth = "Bearer " + token
	}
	return ts.doAuth(method, path, auth, body)
}

// doAuth sends a request with a raw Authorization header ("" for none).
func (ts *testServer) doAuth(method, path, auth string, body any) response {
	ts.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			ts.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, ts.url+path, rd)
	if err != nil {
		ts.t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		ts.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		ts.t.Fatal(err)
	}
	out := response{code: resp.StatusCode, header: resp.Header, body: data}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(data, &out.json); err != nil {
			ts.t.Fatalf("%s %s: reply is not a JSON object: %v: %s", method, path, err, data)
		}
	}
	return out
}

// must checks the status and, for errors, the JSON error body.
func (ts *testServer) must(r response, code int, what string) response {
	ts.t.Helper()
	if r.code != code {
		ts.t.Fatalf("%s: status %d, want %d: %s", what, r.code, code, r.body)
	}
	if code >= 400 && r.str("error") == "" {
		ts.t.Fatalf("%s: error reply without a JSON error: %s", what, r.body)
	}
	return r
}

func (ts *testServer) login(user, pass string) string {
	ts.t.Helper()
	r := ts.must(ts.do("POST", "/api/v1/auth/login", "", map[string]string{"username": user, "password": pass}), 200, "login "+user)
	if len(r.str("token")) != 64 {
		ts.t.Fatalf("token %q is not 256 bits in hex", r.str("token"))
	}
	return r.str("token")
}

// userWithRole creates a user of role and returns its token.
func (ts *testServer) userWithRole(admin, role string) string {
	ts.t.Helper()
	name := "u-" + role
	ts.must(ts.do("POST", "/api/v1/admin/users", admin, map[string]string{
		"username": name, "password": "password-" + role, "role": role, "email": name + "@example.com"}), 201, "create "+name)
	return ts.login(name, "password-"+role)
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
