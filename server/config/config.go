package config

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aegisdb/aegis/compress"
	"github.com/aegisdb/aegis/engine"
	_ "github.com/aegisdb/aegis/engine/backends" // the backends storage.backend may name
)

// Config is the whole server configuration. The toml tags are the keys of
// aegis.toml; the same dotted names (server.port) are the keys of --set and,
// upper-cased with dots as underscores, of AEGIS_* variables
// (AEGIS_SERVER_PORT).
type Config struct {
	Server    Server    `toml:"server"`
	Storage   Storage   `toml:"storage"`
	Auth      Auth      `toml:"auth"`
	RBAC      RBAC      `toml:"rbac"`
	RateLimit RateLimit `toml:"rate_limit"`
	KV        KV        `toml:"kv"`

	// BackendNote says how the backend was chosen when the configuration
	// did not name one; the server logs it at start-up.
	BackendNote string `toml:"-"`
	// Sources maps each dotted key that was set to where it was set
	// ("aegis.toml", "AEGIS_SERVER_PORT", "--port"); keys left at their
	// default are absent.
	Sources map[string]string `toml:"-"`
	// File is the config file read, or "" when none was.
	File string `toml:"-"`
}

// Server is the [server] section.
type Server struct {
	Host           string   `toml:"host"`
	Port           int      `toml:"port"`
	MaxConnections int      `toml:"max_connections"`
	RequestTimeout Duration `toml:"request_timeout"`
	// WorkerThreads sets GOMAXPROCS; 0 leaves Go's default (the CPUs).
	WorkerThreads int `toml:"worker_threads"`
	TLS           TLS `toml:"tls"`
}

// TLS is the [server.tls] section.
type TLS struct {
	Enabled  bool   `toml:"enabled"`
	CertFile string `toml:"cert_file"`
	KeyFile  string `toml:"key_file"`
}

// Storage is the [storage] section.
type Storage struct {
	// Backend is a name registered in engine.Backends(); "" picks the
	// first persistent one (see Resolve).
	Backend        string `toml:"backend"`
	DataDirectory  string `toml:"data_directory"`
	Compression    string `toml:"compression"`
	BufferPoolSize Size   `toml:"buffer_pool_size"`
	WALEnabled     bool   `toml:"wal_enabled"`
	SyncOnCommit   bool   `toml:"sync_on_commit"`
}

// Auth is the [auth] section.
type Auth struct {
	// Method is "local"; LDAP and OAuth2 are not built.
	Method         string   `toml:"method"`
	SessionTimeout Duration `toml:"session_timeout"`
	// MFARequired refuses login to users without MFA enrolled, except to
	// let them enrol.
	MFARequired bool `toml:"mfa_required"`
}

// RBAC is the [rbac] section.
type RBAC struct {
	// Enabled checks each route's permission against the caller's role;
	// when false any signed-in user may call any route.
	Enabled bool `toml:"enabled"`
	// DefaultRole is given to users created without a role.
	DefaultRole string `toml:"default_role"`
}

// RateLimit is the [rate_limit] section: token buckets per client IP.
type RateLimit struct {
	Enabled bool `toml:"enabled"`
	// LoginPerMinute limits POST /api/v1/auth/login per IP.
	LoginPerMinute int `toml:"login_per_minute"`
	// RequestsPerMinute limits every other route per IP.
	RequestsPerMinute int `toml:"requests_per_minute"`
}

// KV is the [kv] section.
type KV struct {
	MaxKeySize   Size `toml:"max_key_size"`
	MaxValueSize Size `toml:"max_value_size"`
}

// Allowed values of the enumerated keys.
var (
	AuthMethods = []string{"local"}
	Roles       = []string{"admin", "operator", "analyst", "viewer"}
)

// Default returns the configuration used when nothing is set. The backend
// is left empty for Resolve to choose.
func Default() Config {
	return Config{
		Server: Server{
			Host: "127.0.0.1", Port: 9090, MaxConnections: 1000,
			RequestTimeout: Duration{30 * time.Second},
		},
		Storage: Storage{
			DataDirectory: "aegis-data", Compression: "lz4",
			BufferPoolSize: 64 << 20, WALEnabled: true, SyncOnCommit: true,
		},
		Auth:      Auth{Method: "local", SessionTimeout: Duration{30 * time.Minute}},
		RBAC:      RBAC{Enabled: true, DefaultRole: "viewer"},
		RateLimit: RateLimit{Enabled: true, LoginPerMinute: 30, RequestsPerMinute: 1000},
		KV:        KV{MaxKeySize: 1 << 10, MaxValueSize: 1 << 20},
		Sources:   map[string]string{},
	}
}

// Resolve fills in the backend when none was configured: the first
// persistent backend registered (any but "memory"), else "memory", and
// says which in BackendNote.
func (c *Config) Resolve() {
	if c.Storage.Backend != "" {
		return
	}
	for _, name := range engine.Backends() {
		if name != "memory" {
			c.Storage.Backend = name
			c.BackendNote = fmt.Sprintf("no [storage] backend configured: using %q, the first persistent backend linked in (%s)",
				name, strings.Join(engine.Backends(), ", "))
			return
		}
	}
	c.Storage.Backend = "memory"
	c.BackendNote = "no [storage] backend configured and no persistent backend is linked into this binary yet: using \"memory\" (data is lost at exit)"
}

// Validate checks every value and returns an error naming the first bad
// key, where it was set, and what is allowed.
func (c *Config) Validate() error {
	bad := func(key string, value any, allowed string) error {
		where := ""
		if src := c.Sources[key]; src != "" {
			where = " (set in " + src + ")"
		}
		return fmt.Errorf("%w: %s = %v%s: %s", ErrBadValue, key, value, where, allowed)
	}
	oneOf := func(key, value string, allowed []string) error {
		if slices.Contains(allowed, value) {
			return nil
		}
		return bad(key, fmt.Sprintf("%q", value), "allowed values are "+strings.Join(allowed, ", "))
	}
	s := c.Server
	switch {
	case s.Port < 0 || s.Port > 65535:
		return bad("server.port", s.Port, "must be 0..65535 (0 picks a free port)")
	case s.MaxConnections < 0:
		return bad("server.max_connections", s.MaxConnections, "must be >= 0 (0: no limit)")
	case s.WorkerThreads < 0:
		return bad("server.worker_threads", s.WorkerThreads, "must be >= 0 (0: one per CPU)")
	case s.TLS.Enabled && (s.TLS.CertFile == "" || s.TLS.KeyFile == ""):
		return bad("server.tls.enabled", true, "needs server.tls.cert_file and server.tls.key_file")
	}
	if err := oneOf("storage.backend", c.Storage.Backend, engine.Backends()); err != nil {
		return err
	}
	if err := oneOf("storage.compression", c.Storage.Compression, compress.Names()); err != nil {
		return err
	}
	if c.Storage.Backend != "memory" && c.Storage.DataDirectory == "" {
		return bad("storage.data_directory", `""`, "a persistent backend needs a directory")
	}
	if err := oneOf("auth.method", c.Auth.Method, AuthMethods); err != nil {
		return err
	}
	if c.Auth.SessionTimeout.Duration < time.Second {
		return bad("auth.session_timeout", c.Auth.SessionTimeout, "must be at least 1s")
	}
	if err := oneOf("rbac.default_role", c.RBAC.DefaultRole, Roles); err != nil {
		return err
	}
	if c.RateLimit.LoginPerMinute < 1 {
		return bad("rate_limit.login_per_minute", c.RateLimit.LoginPerMinute, "must be >= 1 (set rate_limit.enabled = false to turn limits off)")
	}
	if c.RateLimit.RequestsPerMinute < 1 {
		return bad("rate_limit.requests_per_minute", c.RateLimit.RequestsPerMinute, "must be >= 1 (set rate_limit.enabled = false to turn limits off)")
	}
	if c.KV.MaxKeySize < 1 || c.KV.MaxKeySize > 64<<10 {
		return bad("kv.max_key_size", int64(c.KV.MaxKeySize), "must be 1..65536 bytes")
	}
	if c.KV.MaxValueSize < 1 || c.KV.MaxValueSize > 256<<20 {
		return bad("kv.max_value_size", int64(c.KV.MaxValueSize), "must be 1 byte..256MB")
	}
	return nil
}

// Addr is host:port for net.Listen.
func (c *Config) Addr() string { return fmt.Sprintf("%s:%d", c.Server.Host, c.Server.Port) }
