package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// client is the REST client of the CLI.
type client struct {
	server string
	token  string
	http   *http.Client
}

// parseFlags splits args into the named flags (each takes a value; names
// maps every spelling, "-s" or "--server", to one key) and positionals.
// "--flag=value" and "--flag value" both work, anywhere on the line.
func parseFlags(args []string, names map[string]string) (map[string]string, []string, error) {
	vals := map[string]string{}
	var pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			pos = append(pos, a)
			continue
		}
		name, value, hasValue := strings.Cut(a, "=")
		key, ok := names[name]
		if !ok {
			return nil, nil, fmt.Errorf("%w: unknown flag %s", errUsage, name)
		}
		if !hasValue {
			if i+1 >= len(args) {
				return nil, nil, fmt.Errorf("%w: flag %s needs a value", errUsage, name)
			}
			i++
			value = args[i]
		}
		vals[key] = value
	}
	return vals, pos, nil
}

// parseClientFlags reads the global options before the command.
func parseClientFlags(args []string) (*client, []string, error) {
	cl := &client{server: os.Getenv("AEGIS_SERVER"), token: os.Getenv("AEGIS_TOKEN"), http: &http.Client{Timeout: 60 * time.Second}}
	if cl.server == "" {
		cl.server = "http://localhost:9090"
	}
	i := 0
	for i < len(args) && strings.HasPrefix(args[i], "-") && !isHelp(args[i]) {
		name, value, hasValue := strings.Cut(args[i], "=")
		if !hasValue {
			if i+1 >= len(args) {
				return nil, nil, fmt.Errorf("%w: flag %s needs a value", errUsage, name)
			}
			value = args[i+1]
			i++
		}
		i++
		switch name {
		case "-s", "--server":
			cl.server = strings.TrimRight(value, "/")
		case "-d", "--database":
			s, err := databaseURL(value)
			if err != nil {
				return nil, nil, err
			}
			cl.server = s
		case "--token":
			cl.token = value
		default:
			return nil, nil, fmt.Errorf("%w: unknown option %s before the command", errUsage, name)
		}
	}
	return cl, args[i:], nil
}

func isHelp(a string) bool { return a == "-h" || a == "--help" || a == "-V" || a == "--version" }

// databaseURL turns -d into a server URL: aegis://host:port/db,
// host:port, or the names dashboard and local (localhost:9090).
func databaseURL(d string) (string, error) {
	switch d {
	case "dashboard", "local":
		return "http://localhost:9090", nil
	}
	if rest, ok := strings.CutPrefix(d, "aegis://"); ok {
		host, _, _ := strings.Cut(rest, "/")
		if host == "" {
			return "", fmt.Errorf("%w: -d %q: no host", errUsage, d)
		}
		return "http://" + host, nil
	}
	if strings.HasPrefix(d, "http://") || strings.HasPrefix(d, "https://") {
		return strings.TrimRight(d, "/"), nil
	}
	if strings.Contains(d, ":") {
		return "http://" + d, nil
	}
	return "", fmt.Errorf("%w: -d %q: want aegis://host:port/db, host:port, dashboard or local", errUsage, d)
}

// call sends a request and decodes a JSON reply into out (if non-nil). A
// reply of 400 or more is an error carrying the server's message.
func (c *client) call(method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, c.server+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("cannot reach %s: %w", c.server, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("reading the reply of %s %s: %w", method, path, err)
	}
	if resp.StatusCode >= 400 {
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(data, &e) == nil && e.Error != "" {
			return fmt.Errorf("%s (HTTP %d)", e.Error, resp.StatusCode)
		}
		return fmt.Errorf("%s %s: HTTP %d", method, path, resp.StatusCode)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("%s %s: reply is not JSON: %w", method, path, err)
		}
	}
	return nil
}

// authed makes sure there is a token: --token, AEGIS_TOKEN, or a login
// with AEGIS_ADMIN_USERNAME / AEGIS_ADMIN_PASSWORD.
func (c *client) authed() error {
	if c.token != "" {
		return nil
	}
	u, p := os.Getenv("AEGIS_ADMIN_USERNAME"), os.Getenv("AEGIS_ADMIN_PASSWORD")
	if u == "" || p == "" {
		return fmt.Errorf("not logged in: pass --token or set AEGIS_TOKEN (get one with 'aegis login -u USER'), or set AEGIS_ADMIN_USERNAME and AEGIS_ADMIN_PASSWORD")
	}
	tok, err := c.login(u, p)
	if err != nil {
		return err
	}
	c.token = tok
	return nil
}

func (c *client) login(user, pass string) (string, error) {
	var out struct {
		Token       string `json:"token"`
		MFARequired bool   `json:"mfa_required"`
	}
	if err := c.call("POST", "/api/v1/auth/login", map[string]string{"username": user, "password": pass}, &out); err != nil {
		return "", fmt.Errorf("login as %s: %w", user, err)
	}
	if out.MFARequired {
		return "", fmt.Errorf("login as %s needs an MFA code: use POST /api/v1/auth/mfa/verify (the CLI does not prompt for it)", user)
	}
	return out.Token, nil
}

func (c *client) loginCmd(args []string, stdout io.Writer) error {
	f, pos, err := parseFlags(args, map[string]string{"-u": "user", "--username": "user", "-p": "pass", "--password": "pass"})
	if err != nil {
		return err
	}
	if f["user"] == "" || len(pos) > 0 {
		return fmt.Errorf("%w: login -u USER [-p PASSWORD] (the password may also come from AEGIS_PASSWORD)", errUsage)
	}
	pass := f["pass"]
	if pass == "" {
		pass = os.Getenv("AEGIS_PASSWORD")
	}
	if pass == "" {
		return fmt.Errorf("%w: no password: pass -p or set AEGIS_PASSWORD", errUsage)
	}
	tok, err := c.login(f["user"], pass)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, tok)
	return nil
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func (c *client) getJSON(path string, stdout io.Writer) error {
	if err := c.authed(); err != nil {
		return err
	}
	var out any
	if err := c.call("GET", path, nil, &out); err != nil {
		return err
	}
	return printJSON(stdout, out)
}

func (c *client) status(stdout io.Writer) error {
	var h map[string]any
	if err := c.call("GET", "/health", nil, &h); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %v (version %v)\n", c.server, h["status"], h["version"])
	if c.token != "" || os.Getenv("AEGIS_ADMIN_PASSWORD") != "" {
		if c.authed() == nil {
			var d map[string]any
			if c.call("GET", "/health/detailed", nil, &d) == nil {
				fmt.Fprintf(stdout, "uptime: %vs, checks: %v\n", d["uptime_seconds"], d["checks"])
			}
		}
	}
	return nil
}

func (c *client) kv(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: kv get|set|delete|list", errUsage)
	}
	sub := args[0]
	f, pos, err := parseFlags(args[1:], map[string]string{"--prefix": "prefix", "-p": "prefix", "--limit": "limit", "--ttl": "ttl"})
	if err != nil {
		return err
	}
	if err := c.authed(); err != nil {
		return err
	}
	want := map[string]int{"get": 1, "set": 2, "delete": 1, "list": 0}
	n, ok := want[sub]
	if !ok {
		return fmt.Errorf("%w: kv %s: want get, set, delete or list", errUsage, sub)
	}
	if len(pos) != n {
		return fmt.Errorf("%w: kv %s takes %d argument(s), got %d", errUsage, sub, n, len(pos))
	}
	switch sub {
	case "get":
		var e struct {
			Value json.RawMessage `json:"value"`
		}
		if err := c.call("GET", "/api/v1/kv/keys/"+url.PathEscape(pos[0]), nil, &e); err != nil {
			return err
		}
		fmt.Fprintln(stdout, string(e.Value))
	case "set":
		body := map[string]any{"key": pos[0], "value": jsonOrString(pos[1])}
		if t := f["ttl"]; t != "" {
			n, err := strconv.ParseInt(t, 10, 64)
			if err != nil || n < 0 {
				return fmt.Errorf("%w: --ttl %q: want whole seconds", errUsage, t)
			}
			body["ttl"] = n
		}
		if err := c.call("POST", "/api/v1/kv/keys", body, nil); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "OK")
	case "delete":
		if err := c.call("DELETE", "/api/v1/kv/keys/"+url.PathEscape(pos[0]), nil, nil); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "deleted")
	case "list":
		q := url.Values{}
		if p, ok := f["prefix"]; ok {
			q.Set("prefix", p)
		}
		if l := f["limit"]; l != "" {
			q.Set("limit", l)
		}
		var out struct {
			Keys []struct {
				Key   string          `json:"key"`
				Value json.RawMessage `json:"value"`
			} `json:"keys"`
			Truncated bool `json:"truncated"`
		}
		if err := c.call("GET", "/api/v1/kv/keys?"+q.Encode(), nil, &out); err != nil {
			return err
		}
		for _, k := range out.Keys {
			fmt.Fprintf(stdout, "%s\t%s\n", k.Key, k.Value)
		}
		if out.Truncated {
			fmt.Fprintln(stdout, "... (more keys: raise --limit)")
		}
	}
	return nil
}

// jsonOrString sends "42" as the number 42 and "hello" as a string.
func jsonOrString(s string) any {
	var v json.RawMessage
	if json.Unmarshal([]byte(s), &v) == nil {
		return v
	}
	return s
}

func (c *client) user(args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return fmt.Errorf("%w: user create --username U --password P [--email E] [--role R]", errUsage)
	}
	f, pos, err := parseFlags(args[1:], map[string]string{"--username": "username", "-u": "username",
		"--password": "password", "-p": "password", "--email": "email", "--role": "role"})
	if err != nil {
		return err
	}
	if len(pos) > 0 || f["username"] == "" || f["password"] == "" {
		return fmt.Errorf("%w: user create --username U --password P [--email E] [--role R]", errUsage)
	}
	if err := c.authed(); err != nil {
		return err
	}
	var out map[string]any
	if err := c.call("POST", "/api/v1/admin/users", map[string]string{"username": f["username"], "password": f["password"],
		"email": f["email"], "role": f["role"]}, &out); err != nil {
		return err
	}
	return printJSON(stdout, out["user"])
}
