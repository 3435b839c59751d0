package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestDatabaseURL(t *testing.T) {
	cases := map[string]string{
		"dashboard":                 "http://localhost:9090",
		"local":                     "http://localhost:9090",
		"aegis://db.example:9091/x": "http://db.example:9091",
		"localhost:7001":            "http://localhost:7001",
		"https://h:1/":              "https://h:1",
	}
	for in, want := range cases {
		if got, err := databaseURL(in); err != nil || got != want {
			t.Errorf("databaseURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"nexusscribe", "aegis:///db"} {
		if _, err := databaseURL(bad); err == nil {
			t.Errorf("databaseURL(%q) accepted", bad)
		}
	}
}

func TestParseFlags(t *testing.T) {
	names := map[string]string{"--prefix": "prefix", "--ttl": "ttl"}
	f, pos, err := parseFlags([]string{"k", "--ttl", "5", "v", "--prefix=a:b"}, names)
	if err != nil || f["ttl"] != "5" || f["prefix"] != "a:b" || strings.Join(pos, ",") != "k,v" {
		t.Fatalf("parseFlags = %v %v %v", f, pos, err)
	}
	if _, _, err := parseFlags([]string{"--nosuch", "1"}, names); err == nil {
		t.Error("unknown flag accepted")
	}
	if _, _, err := parseFlags([]string{"--ttl"}, names); err == nil {
		t.Error("flag without value accepted")
	}
}

// runCLI runs the CLI in-process and returns exit code, stdout, stderr.
func runCLI(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestClientCommands(t *testing.T) {
	url, _ := testServer(t)

	code, tok, stderr := runCLI("-s", url, "login", "-u", "root", "-p", "cli-test-pass")
	if code != 0 || len(strings.TrimSpace(tok)) != 64 {
		t.Fatalf("login: %d %q %q", code, tok, stderr)
	}
	tok = strings.TrimSpace(tok)
	steps := []struct {
		args []string
		code int
		out  string // substring of stdout (or of stderr when code != 0)
	}{
		{[]string{"status"}, 0, "healthy"},
		{[]string{"kv", "set", "mykey", "myvalue"}, 0, "OK"},
		{[]string{"kv", "set", "n", "42", "--ttl", "60"}, 0, "OK"},
		{[]string{"kv", "get", "mykey"}, 0, `"myvalue"`},
		{[]string{"kv", "get", "n"}, 0, "42"},
		{[]string{"kv", "list", "--prefix", "my"}, 0, "mykey\t\"myvalue\""},
		{[]string{"kv", "delete", "mykey"}, 0, "deleted"},
		{[]string{"kv", "get", "mykey"}, 1, "not found"},
		{[]string{"kv", "set", "x", "1", "--ttl", "soon"}, 2, "--ttl"},
		{[]string{"kv", "frobnicate"}, 2, "kv frobnicate"},
		{[]string{"metrics"}, 0, "requests_total"},
		{[]string{"cluster"}, 0, "node-1"},
		{[]string{"user", "create", "--username", "alice", "--password", "alice-pass", "--role", "viewer"}, 0, `"role": "viewer"`},
		{[]string{"user", "create", "--username", "alice", "--password", "alice-pass"}, 1, "already exists"},
		{[]string{"query", "SELECT 1"}, 0, "1 row(s) returned"},
		{[]string{"nosuch"}, 2, "unknown command"},
	}
	for _, s := range steps {
		code, out, errs := runCLI(append([]string{"-s", url, "--token", tok}, s.args...)...)
		text := out
		if s.code != 0 {
			text = errs
			if strings.Count(strings.TrimSpace(errs), "\n") != 0 {
				t.Errorf("%v: error is not one line: %q", s.args, errs)
			}
		}
		if code != s.code || !strings.Contains(text, s.out) {
			t.Errorf("%v: exit %d (want %d), stdout %q, stderr %q; want %q", s.args, code, s.code, out, errs, s.out)
		}
	}
	// Without a token the client says how to get one.
	if code, _, errs := runCLI("-s", url, "kv", "get", "n"); code != 1 || !strings.Contains(errs, "not logged in") {
		t.Errorf("no token: %d %q", code, errs)
	}
	// With the admin variables it logs in by itself.
	t.Setenv("AEGIS_ADMIN_USERNAME", "root")
	t.Setenv("AEGIS_ADMIN_PASSWORD", "cli-test-pass")
	if code, out, errs := runCLI("-s", url, "kv", "get", "n"); code != 0 || strings.TrimSpace(out) != "42" {
		t.Errorf("login from env: %d %q %q", code, out, errs)
	}
	// A dead server is a one-line error.
	if code, _, errs := runCLI("-s", "http://127.0.0.1:1", "status"); code != 1 || !strings.Contains(errs, "cannot reach") {
		t.Errorf("dead server: %d %q", code, errs)
	}
}

func TestServeRejectsBadConfig(t *testing.T) {
	code, _, errs := runCLI("serve", "--backend", "local")
	if code != 1 || !strings.Contains(errs, "storage.backend") || !strings.Contains(errs, "memory") {
		t.Fatalf("serve --backend local: %d %q", code, errs)
	}
	code, _, errs = runCLI("serve", "--set", "server.colour=red")
	if code != 1 || !strings.Contains(errs, "server.colour") {
		t.Fatalf("unknown key: %d %q", code, errs)
	}
}
