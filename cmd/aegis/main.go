package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/aegisdb/aegis/engine"
	_ "github.com/aegisdb/aegis/engine/backends"
	"github.com/aegisdb/aegis/server/config"
)

const usage = `aegis — AegisDB, a multi-model database

Usage:
  aegis [-s URL | -d DATABASE] [--token T] <command> [arguments]

Server:
  serve [flags]           run the server in the foreground (Ctrl-C stops it cleanly)
  start [flags]           run the server in the background (pid and log in the data directory)
  stop [flags]            stop the background server
  restart [flags]         stop, then start
  logs [flags] [-n N]     print the last N lines (default 100) of the background server's log

Client (talks to the server at -s, default http://localhost:9090):
  login -u USER [-p PASS] print a session token (use it with --token or AEGIS_TOKEN)
  status                  server health (and the background pid, if any)
  metrics                 server metrics
  cluster                 cluster information
  query "SQL" [--format table|json|csv] [--params JSON-ARRAY]
                          run SQL (a script of statements answers with the last);
                          -f is --format; --params binds $1, $2, ...
  tables [NAME]           list tables, or describe one
  shell                   interactive SQL shell (\d, \d NAME, \h, \q; statements end with ';')
  kv get KEY              print a key's value
  kv set KEY VALUE [--ttl SECONDS]   VALUE is sent as JSON if it parses as JSON, else as a string
  kv delete KEY
  kv list [--prefix P] [--limit N]
  user create --username U --password P [--email E] [--role admin|operator|analyst|viewer]

Other:
  backends                list the storage backends linked into this binary
  version                 print the version
  help                    print this help

Client options:
  -s, --server URL        server URL (default: AEGIS_SERVER or http://localhost:9090)
  -d, --database DB       aegis://host:port/db, host:port, or dashboard/local (port 9090)
  --token TOKEN           session token (default: AEGIS_TOKEN; else a login with
                          AEGIS_ADMIN_USERNAME / AEGIS_ADMIN_PASSWORD when both are set)

Server flags (serve, start, stop, restart, logs):
` + "%s" + `
Every config key also has an AEGIS_* variable (AEGIS_SERVER_PORT, AEGIS_STORAGE_BACKEND, ...);
see docs/api.md.
`

const version = "0.1.0-dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// errUsage marks a command line that does not parse (exit status 2).
var errUsage = errors.New("usage")

func run(args []string, stdout, stderr io.Writer) int {
	err := dispatch(args, stdout, stderr)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "aegis: %s (run 'aegis help')\n", oneLine(err.Error()))
		return 2
	}
	fmt.Fprintf(stderr, "aegis: %s\n", oneLine(err.Error()))
	return 1
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func dispatch(args []string, stdout, stderr io.Writer) error {
	cl, rest, err := parseClientFlags(args)
	if err != nil {
		return err
	}
	if len(rest) == 0 {
		fmt.Fprintf(stdout, usage, config.FlagUsage())
		return nil
	}
	cmd, rest := rest[0], rest[1:]
	switch cmd {
	case "help", "-h", "--help":
		fmt.Fprintf(stdout, usage, config.FlagUsage())
		return nil
	case "version", "--version", "-V":
		fmt.Fprintln(stdout, "aegis", version)
		return nil
	case "backends":
		fmt.Fprintln(stdout, strings.Join(engine.Backends(), "\n"))
		return nil
	case "serve":
		return serve(rest, stderr)
	case "start":
		return startBackground(rest, cl, stdout)
	case "stop":
		return stopBackground(rest, stdout)
	case "restart":
		if err := stopBackground(rest, stdout); err != nil && !errors.Is(err, errNotRunning) {
			return err
		}
		return startBackground(rest, cl, stdout)
	case "logs":
		return logs(rest, stdout)
	case "login":
		return cl.loginCmd(rest, stdout)
	case "status":
		return cl.status(stdout)
	case "metrics":
		return cl.getJSON("/api/v1/metrics", stdout)
	case "cluster":
		return cl.getJSON("/api/v1/admin/cluster", stdout)
	case "kv":
		return cl.kv(rest, stdout)
	case "user":
		return cl.user(rest, stdout)
	case "query":
		return cl.query(rest, stdout)
	case "tables":
		return cl.tables(rest, stdout)
	case "shell":
		return cl.shell(rest, stdin, stdout, stderr)
	}
	return fmt.Errorf("%w: unknown command %q", errUsage, cmd)
}
