package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeFile(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "aegis.toml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestDefaults(t *testing.T) {
	c, err := Load(Sources{NoDefaultFiles: true})
	if err != nil {
		t.Fatal(err)
	}
	if c.Server.Port != 9090 || c.Server.Host != "127.0.0.1" || !c.Storage.SyncOnCommit || !c.Storage.WALEnabled ||
		c.RateLimit.LoginPerMinute != 30 || c.RateLimit.RequestsPerMinute != 1000 || !c.RateLimit.Enabled ||
		c.KV.MaxKeySize != 1024 || c.KV.MaxValueSize != 1<<20 || c.Auth.SessionTimeout.Duration != 30*time.Minute {
		t.Fatalf("defaults: %+v", c)
	}
	if c.Storage.Backend == "" || c.BackendNote == "" {
		t.Fatalf("backend not resolved: %q %q", c.Storage.Backend, c.BackendNote)
	}
}

func TestPrecedence(t *testing.T) {
	path := writeFile(t, `
[server]
port = 7000
host = "0.0.0.0"
request_timeout = "5s"

[storage]
backend = "memory"
buffer_pool_size = "16MB"
sync_on_commit = false

[rate_limit]
login_per_minute = 5
`)
	c, err := Load(Sources{
		File: path,
		Env:  []string{"AEGIS_SERVER_PORT=7001", "AEGIS_RATE_LIMIT_ENABLED=false", "AEGIS_TLS_CERT=/c.pem", "HOME=/x", "AEGIS_ADMIN_PASSWORD=p"},
		Args: []string{"--port", "7002", "--set", "kv.max_value_size=2MB"},
	})
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name string
		ok   bool
	}{
		{"flag beats env beats file", c.Server.Port == 7002},
		{"file host", c.Server.Host == "0.0.0.0"},
		{"file duration", c.Server.RequestTimeout.Duration == 5*time.Second},
		{"file size string", c.Storage.BufferPoolSize == 16<<20},
		{"file bool", !c.Storage.SyncOnCommit},
		{"env bool", !c.RateLimit.Enabled},
		{"env alias", c.Server.TLS.CertFile == "/c.pem"},
		{"--set size", c.KV.MaxValueSize == 2<<20},
		{"file int", c.RateLimit.LoginPerMinute == 5},
		{"backend from file, no note", c.Storage.Backend == "memory" && c.BackendNote == ""},
		{"sources", c.Sources["server.port"] == "--port" && c.Sources["server.host"] == path && c.Sources["rate_limit.enabled"] == "AEGIS_RATE_LIMIT_ENABLED"},
	}
	for _, ch := range checks {
		if !ch.ok {
			t.Errorf("%s: %+v", ch.name, c)
		}
	}
}

func TestRejects(t *testing.T) {
	cases := []struct {
		name    string
		file    string
		env     []string
		args    []string
		want    error
		mention []string
	}{
		{"unknown file key", "[storage]\nbackend = \"memory\"\nretention = 3\n", nil, nil, ErrUnknownKey, []string{"storage.retention", "storage.backend"}},
		{"unknown section", "[ldap]\nurl = \"x\"\n", nil, nil, ErrUnknownKey, []string{"ldap"}},
		{"bad backend", "[storage]\nbackend = \"local\"\n", nil, nil, ErrBadValue, []string{"storage.backend", "memory", `"local"`}},
		{"bad compression", "[storage]\ncompression = \"gzip\"\n", nil, nil, ErrBadValue, []string{"storage.compression", "lz4", "zstd"}},
		{"wrong toml type", "[server]\nport = \"ninety\"\n", nil, nil, ErrBadValue, []string{"port"}},
		{"bad toml syntax", "[server\n", nil, nil, ErrBadValue, []string{"line 2"}},
		{"bad size", "[kv]\nmax_value_size = \"lots\"\n", nil, nil, ErrBadValue, []string{"max_value_size"}},
		{"bad auth method", "[auth]\nmethod = \"ldap\"\n", nil, nil, ErrBadValue, []string{"auth.method", "local"}},
		{"bad default role", "[rbac]\ndefault_role = \"root\"\n", nil, nil, ErrBadValue, []string{"rbac.default_role", "analyst"}},
		{"tls without cert", "[server.tls]\nenabled = true\n", nil, nil, ErrBadValue, []string{"server.tls.enabled", "cert_file"}},
		{"port out of range", "", []string{"AEGIS_SERVER_PORT=70000"}, nil, ErrBadValue, []string{"server.port", "AEGIS_SERVER_PORT"}},
		{"env not an int", "", []string{"AEGIS_SERVER_PORT=x"}, nil, ErrBadValue, []string{"server.port", "integer"}},
		{"env unknown key", "", []string{"AEGIS_STORAGE_COLOR=red"}, nil, ErrUnknownKey, []string{"AEGIS_STORAGE_COLOR", "AEGIS_STORAGE_BACKEND"}},
		{"env guide backend", "", []string{"AEGIS_STORAGE_BACKEND=local"}, nil, ErrBadValue, []string{"storage.backend", "AEGIS_STORAGE_BACKEND"}},
		{"flag bad bool", "", nil, []string{"--sync-on-commit", "maybe"}, ErrBadValue, []string{"storage.sync_on_commit", "true or false"}},
		{"set unknown key", "", nil, []string{"--set", "server.colour=1"}, ErrUnknownKey, []string{"server.colour", "server.port"}},
		{"rate limit zero", "", nil, []string{"--set", "rate_limit.login_per_minute=0"}, ErrBadValue, []string{"rate_limit.login_per_minute", "enabled = false"}},
		{"missing file", "", []string{"AEGIS_CONFIG=/nonexistent/aegis.toml"}, nil, ErrFile, []string{"/nonexistent/aegis.toml"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := Sources{Env: c.env, Args: c.args, NoDefaultFiles: true}
			if c.file != "" {
				src.File = writeFile(t, c.file)
			}
			_, err := Load(src)
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			for _, m := range c.mention {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not mention %q", err, m)
				}
			}
		})
	}
	if _, err := Load(Sources{Args: []string{"--nosuch"}, NoDefaultFiles: true}); err == nil {
		t.Error("an unknown flag must fail")
	}
}

func TestSizeAndDuration(t *testing.T) {
	sizes := map[string]int64{"0": 0, "1024": 1024, "64MB": 64 << 20, "1gb": 1 << 30, "512KiB": 512 << 10, "7 B": 7}
	for in, want := range sizes {
		var s Size
		if err := s.UnmarshalText([]byte(in)); err != nil || int64(s) != want {
			t.Errorf("Size(%q) = %d, %v; want %d", in, s, err, want)
		}
	}
	for _, in := range []string{"", "MB", "-1", "1.5GB", "99999999999TB"} {
		var s Size
		if err := s.UnmarshalText([]byte(in)); err == nil {
			t.Errorf("Size(%q) accepted", in)
		}
	}
	durs := map[string]time.Duration{"30s": 30 * time.Second, "30m": 30 * time.Minute, "7d": 7 * 24 * time.Hour, "1h30m": 90 * time.Minute}
	for in, want := range durs {
		var d Duration
		if err := d.UnmarshalText([]byte(in)); err != nil || d.Duration != want {
			t.Errorf("Duration(%q) = %v, %v", in, d, err)
		}
	}
	for _, in := range []string{"", "soon", "-5s", "xd"} {
		var d Duration
		if err := d.UnmarshalText([]byte(in)); err == nil {
			t.Errorf("Duration(%q) accepted", in)
		}
	}
}

func TestKeysCoverEveryField(t *testing.T) {
	keys := Keys()
	if len(keys) < 20 {
		t.Fatalf("only %d keys", len(keys))
	}
	for _, k := range keys {
		if k[0] == "server.tls.cert_file" && k[1] != "AEGIS_SERVER_TLS_CERT_FILE" {
			t.Errorf("env of %s = %s", k[0], k[1])
		}
	}
}
