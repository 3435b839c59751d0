package config

import (
	"encoding"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// DefaultFiles are the config files looked for, in order, when neither
// --config nor AEGIS_CONFIG names one; the first that exists is read.
var DefaultFiles = []string{"aegis.toml", "~/.aegis/config.toml", "/etc/aegis/aegis.toml"}

// Sources says where to read configuration from; Load reads the file,
// then Env, then Args, later ones overriding earlier ones.
type Sources struct {
	// File is the config file; "" means AEGIS_CONFIG from Env, else the
	// first of DefaultFiles that exists, else none.
	File string
	// Env holds "NAME=value" pairs, as os.Environ returns them.
	Env []string
	// Args are the command-line flags (see Flags).
	Args []string
	// NoDefaultFiles skips DefaultFiles (for tests).
	NoDefaultFiles bool
}

// flagKeys maps the named flags to the keys they set; every other key is
// reachable with --set key=value.
var flagKeys = []struct{ flag, key, usage string }{
	{"host", "server.host", "bind address"},
	{"port", "server.port", "HTTP port (0 picks a free port)"},
	{"backend", "storage.backend", "storage backend"},
	{"data-dir", "storage.data_directory", "data directory"},
	{"compression", "storage.compression", "none, snappy, lz4 or zstd"},
	{"sync-on-commit", "storage.sync_on_commit", "fsync every commit (true/false)"},
	{"tls-cert", "server.tls.cert_file", "TLS certificate file"},
	{"tls-key", "server.tls.key_file", "TLS private key file"},
}

// envAliases are the variable names of the user guide that do not follow
// the AEGIS_<SECTION>_<KEY> pattern.
var envAliases = map[string]string{
	"AEGIS_TLS_CERT": "server.tls.cert_file",
	"AEGIS_TLS_KEY":  "server.tls.key_file",
	"AEGIS_TLS":      "server.tls.enabled",
}

// notConfig are AEGIS_* variables that are read elsewhere, not config keys.
var notConfig = map[string]bool{
	"AEGIS_CONFIG": true, "AEGIS_ADMIN_USERNAME": true, "AEGIS_ADMIN_PASSWORD": true,
	"AEGIS_TOKEN": true, "AEGIS_SERVER": true, "AEGIS_LONG": true, "AEGIS_SEED": true,
}

// Load builds the configuration: defaults, then the file, then AEGIS_*
// variables, then flags; then it resolves the backend and validates. An
// unknown key or a bad value is an error that names it.
func Load(src Sources) (*Config, error) {
	c := Default()
	fields := keyTable(&c)

	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	file := fs.String("config", src.File, "config file (default: AEGIS_CONFIG, ./aegis.toml, ~/.aegis/config.toml, /etc/aegis/aegis.toml)")
	fs.StringVar(file, "c", src.File, "shorthand for --config")
	tls := fs.Bool("tls", false, "serve HTTPS (needs a certificate and key)")
	named := map[string]*string{}
	for _, f := range flagKeys {
		named[f.flag] = fs.String(f.flag, "", f.usage+" ("+f.key+")")
	}
	var sets []string
	fs.Func("set", "set any key: --set section.key=value (repeatable)", func(s string) error {
		sets = append(sets, s)
		return nil
	})
	if err := fs.Parse(src.Args); err != nil {
		return nil, fmt.Errorf("config: flags: %w", err)
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("config: unexpected argument %q", fs.Arg(0))
	}

	env := map[string]string{}
	for _, kv := range src.Env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	path := *file
	if path == "" {
		path = env["AEGIS_CONFIG"]
	}
	if path == "" && !src.NoDefaultFiles {
		path = findDefaultFile()
	}
	if path != "" {
		if err := c.readFile(path); err != nil {
			return nil, err
		}
	}

	names := make([]string, 0, len(env))
	for k := range env {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		key, ok := envKey(name, fields)
		if !ok {
			continue
		}
		if key == "" {
			return nil, fmt.Errorf("%w: environment variable %s matches no key (known: %s)",
				ErrUnknownKey, name, strings.Join(envNames(fields), ", "))
		}
		if err := c.set(fields, key, env[name], name); err != nil {
			return nil, err
		}
	}

	for _, f := range flagKeys {
		if v := *named[f.flag]; v != "" {
			if err := c.set(fields, f.key, v, "--"+f.flag); err != nil {
				return nil, err
			}
		}
	}
	if *tls {
		c.Server.TLS.Enabled = true
		c.Sources["server.tls.enabled"] = "--tls"
	}
	for _, s := range sets {
		key, value, ok := strings.Cut(s, "=")
		if !ok {
			return nil, fmt.Errorf("%w: --set %q: want section.key=value", ErrBadValue, s)
		}
		if err := c.set(fields, strings.TrimSpace(key), value, "--set"); err != nil {
			return nil, err
		}
	}
	c.Resolve()
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

func findDefaultFile() string {
	home, _ := os.UserHomeDir()
	for _, f := range DefaultFiles {
		if rest, ok := strings.CutPrefix(f, "~/"); ok {
			if home == "" {
				continue
			}
			f = home + "/" + rest
		}
		if _, err := os.Stat(f); err == nil {
			return f
		}
	}
	return ""
}

// readFile decodes a TOML file strictly: an unknown key is an error.
func (c *Config) readFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("%w %s: %w", ErrFile, path, err)
	}
	md, err := toml.Decode(string(data), c)
	if err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			where := ""
			if perr.LastKey != "" {
				where = " (key " + perr.LastKey + ")"
			}
			return fmt.Errorf("%w %s: line %d%s: %s", ErrBadValue, path, perr.Position.Line, where, perr.Message)
		}
		return fmt.Errorf("%w: %s: %w", ErrBadValue, path, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		fields := keyTable(c)
		key := und[0].String()
		return fmt.Errorf("%w %q in %s (known keys: %s)", ErrUnknownKey, key, path, strings.Join(knownNear(fields, key), ", "))
	}
	for _, k := range md.Keys() {
		c.Sources[k.String()] = path
	}
	c.File = path
	return nil
}

// keyTable maps every dotted key to its field in c.
func keyTable(c *Config) map[string]reflect.Value {
	out := map[string]reflect.Value{}
	var walk func(prefix string, v reflect.Value)
	walk = func(prefix string, v reflect.Value) {
		t := v.Type()
		for i := range t.NumField() {
			tag := t.Field(i).Tag.Get("toml")
			if tag == "" || tag == "-" {
				continue
			}
			f := v.Field(i)
			_, text := f.Addr().Interface().(encoding.TextUnmarshaler)
			if f.Kind() == reflect.Struct && !text {
				walk(prefix+tag+".", f)
				continue
			}
			out[prefix+tag] = f
		}
	}
	walk("", reflect.ValueOf(c).Elem())
	return out
}

// knownNear lists the keys of the section key is in, or every key.
func knownNear(fields map[string]reflect.Value, key string) []string {
	var all, near []string
	section := key
	if i := strings.LastIndex(key, "."); i >= 0 {
		section = key[:i+1]
	}
	for k := range fields {
		all = append(all, k)
		if strings.HasPrefix(k, section) {
			near = append(near, k)
		}
	}
	if len(near) == 0 {
		near = all
	}
	sort.Strings(near)
	return near
}

// envName is the AEGIS_* variable of a dotted key.
func envName(key string) string {
	return "AEGIS_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

func envNames(fields map[string]reflect.Value) []string {
	var out []string
	for k := range fields {
		out = append(out, envName(k))
	}
	sort.Strings(out)
	return out
}

// envKey returns the key an AEGIS_* variable sets. ok is false for
// variables that are not configuration at all; key is "" for a variable
// that looks like configuration (AEGIS_<SECTION>_...) but matches no key.
func envKey(name string, fields map[string]reflect.Value) (key string, ok bool) {
	if !strings.HasPrefix(name, "AEGIS_") || notConfig[name] {
		return "", false
	}
	if k, ok := envAliases[name]; ok {
		return k, true
	}
	for k := range fields {
		if envName(k) == name {
			return k, true
		}
	}
	for _, section := range []string{"SERVER", "STORAGE", "AUTH", "RBAC", "RATE_LIMIT", "KV"} {
		if strings.HasPrefix(name, "AEGIS_"+section+"_") {
			return "", true
		}
	}
	return "", false
}

// set parses value into the field of key, recording where it came from.
func (c *Config) set(fields map[string]reflect.Value, key, value, source string) error {
	f, ok := fields[key]
	if !ok {
		return fmt.Errorf("%w %q in %s (known keys: %s)", ErrUnknownKey, key, source, strings.Join(knownNear(fields, key), ", "))
	}
	fail := func(why string) error {
		return fmt.Errorf("%w: %s = %q (set in %s): %s", ErrBadValue, key, value, source, why)
	}
	if u, ok := f.Addr().Interface().(encoding.TextUnmarshaler); ok {
		if err := u.UnmarshalText([]byte(value)); err != nil {
			return fail(err.Error())
		}
	} else {
		switch f.Kind() {
		case reflect.String:
			f.SetString(value)
		case reflect.Int:
			n, err := strconv.Atoi(strings.TrimSpace(value))
			if err != nil {
				return fail("want an integer")
			}
			f.SetInt(int64(n))
		case reflect.Bool:
			b, err := strconv.ParseBool(strings.TrimSpace(value))
			if err != nil {
				return fail("want true or false")
			}
			f.SetBool(b)
		default:
			return fail("cannot be set from text")
		}
	}
	c.Sources[key] = source
	return nil
}

// Keys lists every configuration key with its AEGIS_* variable, for docs
// and `aegis serve --help`.
func Keys() [][2]string {
	c := Default()
	fields := keyTable(&c)
	var out [][2]string
	for k := range fields {
		out = append(out, [2]string{k, envName(k)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

// FlagUsage describes the flags Load understands.
func FlagUsage() string {
	var b strings.Builder
	b.WriteString("  -c, --config FILE     config file\n  --tls                 serve HTTPS (server.tls.enabled)\n")
	for _, f := range flagKeys {
		fmt.Fprintf(&b, "  --%-20s%s (%s)\n", f.flag+" V", f.usage, f.key)
	}
	b.WriteString("  --set KEY=VALUE       set any key, e.g. --set rate_limit.enabled=false\n")
	return b.String()
}
