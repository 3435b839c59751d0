package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aegisdb/aegis/server"
	"github.com/aegisdb/aegis/server/config"
)

// testServer starts a real server on a loopback port and returns its URL
// and an admin token.
func testServer(t *testing.T) (string, string) {
	t.Helper()
	t.Setenv("AEGIS_TOKEN", "")
	t.Setenv("AEGIS_ADMIN_USERNAME", "")
	t.Setenv("AEGIS_ADMIN_PASSWORD", "")
	c := config.Default()
	c.Storage.Backend = "memory"
	c.RateLimit.Enabled = false
	env := map[string]string{"AEGIS_ADMIN_USERNAME": "root", "AEGIS_ADMIN_PASSWORD": "cli-test-pass"}
	srv, err := server.New(&c, server.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Env: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Shutdown(context.Background()) })
	url := "http://" + l.Addr().String()
	code, tok, errs := runCLI("-s", url, "login", "-u", "root", "-p", "cli-test-pass")
	if code != 0 {
		t.Fatalf("login: %s", errs)
	}
	return url, strings.TrimSpace(tok)
}

func TestQueryAndTablesCommands(t *testing.T) {
	url, tok := testServer(t)
	cli := func(args ...string) (int, string, string) {
		return runCLI(append([]string{"-s", url, "--token", tok}, args...)...)
	}
	steps := []struct {
		args []string
		code int
		out  string // exact stdout when code is 0 and it has no timing; else a substring (of stderr on failure)
	}{
		{[]string{"query", "SELECT 1 + 1 AS result"}, 0, "+--------+\n| result |\n+========+\n| 2      |\n+--------+\n\n1 row(s) returned in "},
		{[]string{"query", "CREATE TABLE users (id INT PRIMARY KEY, name TEXT NOT NULL, email VARCHAR(40), big BIGINT)"}, 0, "OK in "},
		{[]string{"query", "INSERT INTO users VALUES ($1, $2, $3, $4), (2, 'Bob', NULL, 0)", "--params", `[1, "Alice, \"A\"", "alice@example.com", 9007199254740993]`}, 0, "2 row(s) affected in "},
		{[]string{"query", "SELECT * FROM users ORDER BY id"}, 0,
			"+----+------------+-------------------+------------------+\n" +
				"| id | name       | email             | big              |\n" +
				"+====+============+===================+==================+\n" +
				"| 1  | Alice, \"A\" | alice@example.com | 9007199254740993 |\n" +
				"| 2  | Bob        | NULL              | 0                |\n" +
				"+----+------------+-------------------+------------------+\n\n2 row(s) returned in "},
		{[]string{"query", "SELECT * FROM users ORDER BY id", "--format", "json"}, 0,
			"[\n  {\"id\": 1, \"name\": \"Alice, \\\"A\\\"\", \"email\": \"alice@example.com\", \"big\": 9007199254740993},\n" +
				"  {\"id\": 2, \"name\": \"Bob\", \"email\": null, \"big\": 0}\n]\n"},
		{[]string{"query", "SELECT * FROM users ORDER BY id", "-f", "csv"}, 0,
			"id,name,email,big\n1,\"Alice, \"\"A\"\"\",alice@example.com,9007199254740993\n2,Bob,,0\n"},
		{[]string{"query", "SELECT id, id FROM users WHERE id = 9", "-f", "json"}, 0, "[]\n"},
		{[]string{"query", "UPDATE users SET big = 1", "-f", "json"}, 0, "{\"rows_affected\": 2}\n"},
		{[]string{"tables"}, 0, "| users | 4       | NULL                |"},
		{[]string{"tables", "users"}, 0, "| email  | VARCHAR(40) |          |         |             |"},
		{[]string{"tables", "nosuch"}, 1, "does not exist (HTTP 404)"},
		{[]string{"query", "SELEC 1"}, 1, "syntax error at line 1, column 1"},
		{[]string{"query", "INSERT INTO users (id, name) VALUES (1, 'x')"}, 1, "duplicate key"},
		{[]string{"query", "SELECT 1", "--format", "xml"}, 2, "--format"},
		{[]string{"query", "SELECT $1", "--params", "1"}, 2, "--params"},
		{[]string{"query"}, 2, "query \"SQL\""},
	}
	for _, s := range steps {
		code, out, errs := cli(s.args...)
		text := out
		if s.code != 0 {
			text = errs
			if strings.Count(strings.TrimSpace(errs), "\n") != 0 {
				t.Errorf("%v: error is not one line: %q", s.args, errs)
			}
		}
		ok := strings.Contains(text, s.out)
		if s.code == 0 && !strings.HasSuffix(s.out, " in ") && !strings.Contains(s.out, "| users |") && !strings.Contains(s.out, "| email ") {
			ok = text == s.out
		}
		if code != s.code || !ok {
			t.Errorf("%v: exit %d (want %d), stdout %q, stderr %q; want %q", s.args, code, s.code, out, errs, s.out)
		}
	}
}

// withStdin runs fn with the shell's stdin reading text from a file (not
// a terminal, so the shell runs without prompts).
func withStdin(t *testing.T, text string, fn func()) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "stdin")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	old := stdin
	stdin = f
	defer func() { stdin = old }()
	fn()
}

func TestShellFromStdin(t *testing.T) {
	url, tok := testServer(t)
	script := `\h
CREATE TABLE users (
    id INT PRIMARY KEY,
    name TEXT
);
INSERT INTO users VALUES (1, 'Alice'),
  (2, 'Bob');

\d
\d users
SELECT * FROM users
 ORDER BY id
 LIMIT 5;
SELECT nosuch FROM users;
\x
BEGIN;
INSERT INTO users VALUES (3, 'Carol');
ROLLBACK;
BEGIN;
INSERT INTO users VALUES (4, 'Dan');
COMMIT;
SELECT count(*) FROM users;
\q
SELECT 'not reached';
`
	var code int
	var out, errs string
	withStdin(t, script, func() { code, out, errs = runCLI("-s", url, "--token", tok, "shell") })
	for _, want := range []string{
		`\d NAME         - Describe a table`,
		"OK in ",
		"2 row(s) affected in ",
		"| users | 2       | NULL                |",
		"| name   | TEXT |          |         |             |",
		"+----+-------+\n| id | name  |\n+====+=======+\n| 1  | Alice |\n| 2  | Bob   |\n+----+-------+\n\n2 row(s) returned in ",
		"| count |\n+=======+\n| 3     |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("shell output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "not reached") || strings.Contains(out, "aegis>") {
		t.Errorf("shell ran past \\q or prompted without a terminal:\n%s", out)
	}
	if code != 1 || !strings.Contains(errs, `ERROR: line 1, column 8: column "nosuch" does not exist`) || !strings.Contains(errs, `ERROR: unknown command \x`) ||
		!strings.Contains(errs, "aegis: 2 statement(s) failed") {
		t.Errorf("shell errors: exit %d, stderr %q", code, errs)
	}
	// A clean script exits 0; a statement unterminated at the end of input runs.
	withStdin(t, "SELECT 41 + 1 AS answer", func() { code, out, errs = runCLI("-s", url, "--token", tok, "shell") })
	if code != 0 || !strings.Contains(out, "| 42     |") {
		t.Errorf("unterminated last statement: %d %q %q", code, out, errs)
	}
}

// The built binary runs the SQL commands and the shell through a real
// pipe on stdin.
func TestSQLCommandsOfTheBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	url, tok := testServer(t)
	bin := filepath.Join(t.TempDir(), "aegis")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "-s", url, "--token", tok, "shell")
	cmd.Stdin = strings.NewReader("CREATE TABLE t (a INT);\nINSERT INTO t VALUES (7);\nSELECT a\n  FROM t;\n")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "| 7 |") {
		t.Fatalf("shell: %v\n%s", err, out)
	}
	out, err = exec.Command(bin, "-s", url, "--token", tok, "query", "SELECT a FROM t", "-f", "csv").CombinedOutput()
	if err != nil || string(out) != "a\n7\n" {
		t.Fatalf("query: %v %q", err, out)
	}
	cmd = exec.Command(bin, "-s", url, "--token", tok, "query", "SELECT * FROM nosuch")
	out, err = cmd.CombinedOutput()
	if cmd.ProcessState.ExitCode() != 1 || string(out) != "aegis: line 1, column 15: relation \"nosuch\" does not exist (HTTP 400)\n" {
		t.Fatalf("failing query: %v %q", err, out)
	}
}
